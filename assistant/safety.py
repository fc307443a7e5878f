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
    r"\b(right now|at the moment|tonight|currently|as we speak)\b.{0,40}\b(hurt|harm|beat|hit|abus|attack|danger)",
    r"\b(is|are|being|getting|been) (hurt|beaten|hit|abused|attacked|assaulted|strangled)\b.{0,30}\b(now|today|tonight)\b",  # noqa: E501
    r"\b(hurt|harm|beat|hit|abus|attack|assault|strangl|chok|stab|punch|kick|rap|touch|throat|grab|slap|shak|burn)"
    r"\w*\b.{0,40}"
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


def redact(text: str) -> str:
    """Remove names, dates of birth, phone numbers, addresses, postcodes, NHS/NI numbers, emails.

    The one redaction: `assistant.redaction` (Presidio with UK recognisers), without a library's
    terms to keep. Anything that stores text uses `FeedbackStore`, which keeps them.
    """
    from assistant.redaction import redact_personal

    return redact_personal(text)
