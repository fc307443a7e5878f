"""Timescale extraction (pure): "a maximum of 5 working days" -> "5 working days"."""

from __future__ import annotations

import re

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
_PHRASES = re.compile(r"\b(same day|next day|monthly|weekly|fortnightly|immediately)\b", re.I)


def extract_timescales(text: str) -> list[str]:
    """Timescales in a sentence, normalised to digits and plural units ("five working days" -> "5 working days").

    Ages ("11 years old") and plan names are not timescales. Order of appearance is kept.
    """
    found: list[str] = []
    for match in _TIMESCALE.finditer(text):
        before = text[max(0, match.start() - 24) : match.start()].lower()
        if re.search(r"\bage(d|s)?\b|\d\s*[–-]\s*$|\bunder\s*$|\bover\s*$", before):
            continue  # an age or an age range ("aged 5 – 11 years"), not a timescale
        raw_number = match.group(1).lower()
        number = int(raw_number) if raw_number.isdigit() else _NUMBER_WORDS[raw_number]
        unit = match.group(3).lower()
        working = "working " if match.group(2) else ""
        label = f"{number} {working}{unit}{'' if number == 1 else 's'}"
        if label not in found:
            found.append(label)
    for match in _PHRASES.finditer(text):
        label = match.group(1).lower()
        if label not in found:
            found.append(label)
    return found
