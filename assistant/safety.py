"""Safety: the immediate-danger line, and redaction of personal details before anything is stored."""

from __future__ import annotations

import re

SAFETY_LINE = (
    "If a child is in immediate danger, call 999 now. Then make an urgent referral to "
    "children's services (out of hours, the Emergency Duty Service). Do not wait for guidance."
)

_DANGER = [
    r"\b(immediate|imminent|serious|grave)\s+(danger|risk|harm)\b",
    r"\bin danger\b",
    r"\bunsafe (right )?now\b",
    r"\bnot safe (to go home|tonight|right now|now)\b",
    r"\b(right now|at the moment|tonight|currently)\b.{0,40}\b(hurt|harm|beat|hit|abus|attack|danger)",
    r"\b(is|are|being|getting|been) (hurt|beaten|hit|abused|attacked|assaulted|strangled)\b.{0,30}\b(now|today|tonight)\b",  # noqa: E501
    r"\b(hurt|harm|beat|hit|abus|attack|assault|strangl|chok|stab|punch|kick|rap|touch)\w*\b.{0,40}"
    r"\b(right now|just now|at the moment|tonight|today|as we speak)\b",
    r"\b(is|are|keeps?) (hitting|beating|hurting|attacking|strangling|choking|stabbing|punching|kicking)\b",
    r"\bsuicid|\bkill (him|her|them)sel|\bself[- ]harm(ing)? (now|tonight)",
    r"\bthreaten\w* to (kill|hurt|stab)\b",
    r"\b(weapon|knife|gun)\b.{0,40}\b(child|home|house|school)\b",
    r"\b(unconscious|won'?t wake|not breathing)\b",
    r"\b(left|home) alone\b.{0,30}\b(baby|toddler|infant)\b|\b(baby|toddler|infant)\b.{0,30}\b(left|home) alone\b",
]


def immediate_danger(question: str) -> bool:
    """True when the question describes a child at risk now, not a procedure question."""
    lowered = question.lower()
    return any(re.search(pattern, lowered) for pattern in _DANGER)


_MONTHS = r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)"  # noqa: E501
_REDACTIONS: list[tuple[str, str, int]] = [
    (r"[\w.+-]+@[\w-]+\.[\w.-]+", "[email]", 0),
    (r"\b[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", "[NI number]", re.I),
    (r"\b\d{3}[\s-]?\d{3}[\s-]?\d{4}\b", "[NHS number]", 0),
    (r"(\+44\s?|\b0)(\d[\s-]?){9,10}\b", "[phone]", 0),
    (r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b", "[date]", 0),
    (rf"\b\d{{1,2}}(st|nd|rd|th)?\s+{_MONTHS}\s+\d{{4}}\b", "[date]", re.I),
    (r"\b(d\.?o\.?b\.?|born( on)?)\s*:?\s*\S+(\s\S+){0,2}", "[date of birth]", re.I),
    (r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", "[postcode]", re.I),
    (
        r"\b\d{1,4}[a-z]?\s+(?:[A-Z][a-z]+\s){1,3}(street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|court|crescent|place|terrace|gardens|grove)\b",
        "[address]",
        re.I,
    ),
    (r"\b(Mr|Mrs|Ms|Miss|Dr|Master)\.?\s+[A-Z][a-z'-]+(\s+[A-Z][a-z'-]+)?", "[name]", 0),
    (
        r"\b(named|called|name is|child|boy|girl|mum|dad|mother|father|son|daughter)\s+([A-Z][a-z'-]+)(\s+[A-Z][a-z'-]+)?",  # noqa: E501
        r"\1 [name]",
        0,
    ),
]


def redact(text: str) -> str:
    """Remove names, dates of birth, phone numbers, addresses, postcodes, NHS/NI numbers, emails.

    Pattern-based and deliberately over-eager: a redacted question is still useful to the
    curator, a stored child's name is a data breach.
    """
    for pattern, replacement, flags in _REDACTIONS:
        text = re.sub(pattern, replacement, text, flags=flags)
    return text
