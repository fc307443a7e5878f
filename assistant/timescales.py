"""Timescale extraction (pure): "a maximum of 5 working days" -> "5 working days"."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "twenty-four": 24,
    "twenty four": 24, "thirty": 30, "thirty-five": 35, "thirty five": 35, "forty-five": 45,
    "forty five": 45,
}
_NUMBER = r"(\d{1,3}|" + "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True)) + ")"
_TIMESCALE = re.compile(
    rf"\b{_NUMBER}[\s-]+(working[\s-]+)?(day|hour|week|month|year)s?\b(?![\s-]+(old|plan))", re.I
)
# Frequencies and same-day words. "immediate" counts only as a response or a notification:
# "an immediate response service" is a team's name, "immediate plans" are not a deadline.
_PHRASES = re.compile(
    r"\b(same day|next day|monthly|weekly|fortnightly|immediately|annual(?:ly)?"
    r"|immediate(?= (?:response to|notification)))\b",
    re.I,
)
_PHRASE_LABELS = {"annually": "annual", "immediate": "immediately"}
# Words just before a duration that make it an age, a span of history or a statistic, not a
# rule: "aged 5 – 11 years", "over the past two years", "in any one year", "Following 2 years
# of being below comparators". "over" is an age ("over 11 years") unless a duration ("for over
# 12 months on a plan").
_NOT_BEFORE = re.compile(
    r"\bage(d|s)?\b|\d\s*([–-]|(months|years) to)\s*$|\bunder\s*$|(?<!\bfor )\bover\s*$"
    r"|\b(past|previous|last|any)\s*$|(?<!within the )\bfollowing\s*$",
    re.I,
)
# ...and just after it: "56 weeks in the previous year", "one week on duty", "3 weekly duty rota",
# the start of an age range ("9 months to 11 years").
_NOT_AFTER = re.compile(
    r"^\s*((in|during|of) (the )?(previous|last|past)\b|on duty\b|(duty )?rota\b|(to|–|-)\s*\d+\s*years)", re.I
)
_NOT_PHRASE = re.compile(r"^\s*(available|and into)\b", re.I)  # "not immediately available"
# A sentence about proportions is a performance figure ("a high proportion of CIN cases closing
# within 3 months"), not a timescale anyone must meet.
_STATISTIC = re.compile(r"\bproportion of\b|\bper cent\b|%|\bon average\b", re.I)


@dataclass(frozen=True)
class Timescale:
    """One timescale in a sentence: its normalised value and where its words are."""

    value: str  # "5 working days", "same day", "monthly"
    start: int
    end: int


def find_timescales(text: str) -> list[Timescale]:
    """Every timescale in a sentence with its position, in order of appearance.

    Ages ("11 years old", "aged 5 – 11 years", "from 9 months to 11 years"), plan names ("the
    5 year plan"), spans of history ("over the past two years"), figures for earlier years
    ("from 56 weeks in the previous year") and sentences about proportions are not timescales.
    """
    if _STATISTIC.search(text):
        return []
    found: list[Timescale] = []
    for match in _TIMESCALE.finditer(text):
        before = text[max(0, match.start() - 24) : match.start()]
        if _NOT_BEFORE.search(before) or _NOT_AFTER.match(text[match.end() :]):
            continue
        raw_number = match.group(1).lower()
        number = int(raw_number) if raw_number.isdigit() else _NUMBER_WORDS[raw_number]
        unit = match.group(3).lower()
        working = "working " if match.group(2) else ""
        label = f"{number} {working}{unit}{'' if number == 1 else 's'}"
        found.append(Timescale(label, match.start(), match.end()))
    for match in _PHRASES.finditer(text):
        after = text[match.end() :]
        if _NOT_PHRASE.match(after) or _NOT_AFTER.match(after) or re.search(r"\bnot\s*$", text[: match.start()]):
            continue
        label = match.group(1).lower()
        found.append(Timescale(_PHRASE_LABELS.get(label, label), match.start(), match.end()))
    return sorted(found, key=lambda t: t.start)


def extract_timescales(text: str) -> list[str]:
    """Timescales in a sentence, normalised to digits and plural units ("five working days" -> "5 working days").

    Each value once, numbers first then phrases (same day, monthly...); see find_timescales for
    what is not a timescale.
    """
    numbers = [t.value for t in find_timescales(text) if t.value[0].isdigit()]
    phrases = [t.value for t in find_timescales(text) if not t.value[0].isdigit()]
    return list(dict.fromkeys([*numbers, *phrases]))
