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
MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
# A date a thing happened on or began: a month and year ("August, 2018"), a day too, or a year.
DATE = re.compile(rf"\b(?:(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{MONTHS},?\s+\d{{4}}|(?:19|20)\d{{2}})\b")
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
# How often something happens, as a how-often question asks: "every ten working days", "at
# intervals of no more than six weeks", "at the intervals agreed at the conference", "at least
# monthly", "twice a year". A one-off deadline ("within seven working days") is a duration, not this.
FREQUENCY = re.compile(
    r"\b(?:every|each)\s+(?:\w+[\s-]+){0,2}(?:day|week|fortnight|month|year)s?\b"
    r"|\bintervals?\b"
    r"|\b(?:daily|weekly|fortnightly|monthly|quarterly|annually|yearly|six[\s-]monthly)\b"
    r"|\b(?:once|twice|\w+ times) (?:a|per|each|every) (?:day|week|fortnight|month|year)\b",
    re.I,
)
_PHRASE_LABELS = {"annually": "annual", "immediate": "immediately"}
# Words just before a duration that make it an age: "aged 5 – 11 years", "from 9 months to 11
# years". "over" is an age ("over 11 years") unless a duration ("for over 12 months on a plan").
_AGE_BEFORE = re.compile(r"\bage(d|s)?\b|\d\s*([–-]|(months|years) to)\s*$|\bunder\s*$|(?<!\bfor )\bover\s*$", re.I)
# the start of an age range, or an age told as one ("has reached 18 years of age")
_AGE_AFTER = re.compile(r"^\s*(to|–|-)\s*\d+\s*years|^\s+of\s+age\b(?![\s-]+assess)", re.I)
# A duration that is history, a figure or a rota, not a rule anyone must meet: "over the past
# two years", "in any one year", "Following 2 years of being below comparators", "56 weeks in
# the previous year", "one week on duty", "a three weekly duty rota". A question may still ask
# about one ("how long did proceedings take the year before?"), so only the table leaves them out.
_HISTORY_BEFORE = re.compile(r"\b(past|previous|last|any)\s*$|(?<!within the )\bfollowing\s*$", re.I)
_HISTORY_AFTER = re.compile(r"^\s*((in|during|of) (the )?(previous|last|past)\b|on duty\b|(duty )?rota\b)", re.I)
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


def find_timescales(text: str, rules_only: bool = True) -> list[Timescale]:
    """Every timescale in a sentence with its position, in order of appearance.

    Ages ("11 years old", "aged 5 – 11 years", "from 9 months to 11 years", "18 years of age") and
    plan names ("the 5 year plan") are never timescales. With `rules_only` (the timescales table) neither are
    spans of history ("over the past two years"), figures for earlier years ("from 56 weeks in
    the previous year"), rotas ("one week on duty") or sentences about proportions; without it
    (answer writing) they are kept, since a question may ask about them.
    """
    if rules_only and _STATISTIC.search(text):
        return []
    found: list[Timescale] = []
    for match in _TIMESCALE.finditer(text):
        before = text[max(0, match.start() - 24) : match.start()]
        after = text[match.end() :]
        if _AGE_BEFORE.search(before) or _AGE_AFTER.match(after):
            continue
        if rules_only and (_HISTORY_BEFORE.search(before) or _HISTORY_AFTER.match(after)):
            continue
        raw_number = match.group(1).lower()
        number = int(raw_number) if raw_number.isdigit() else _NUMBER_WORDS[raw_number]
        unit = match.group(3).lower()
        working = "working " if match.group(2) else ""
        label = f"{number} {working}{unit}{'' if number == 1 else 's'}"
        found.append(Timescale(label, match.start(), match.end()))
    for match in _PHRASES.finditer(text):
        after = text[match.end() :]
        if _NOT_PHRASE.match(after) or re.search(r"\bnot\s*$", text[: match.start()]):
            continue
        if rules_only and _HISTORY_AFTER.match(after):
            continue
        label = match.group(1).lower()
        found.append(Timescale(_PHRASE_LABELS.get(label, label), match.start(), match.end()))
    return sorted(found, key=lambda t: t.start)


# Words written after a duration that belong to it ("within 10 working days review meeting").
WRITTEN_TAIL = re.compile(r"^(?:\s+(?:review(?: meeting)?|assessment period|later)\b)", re.I)
# The event a duration is counted from: "45 days FROM initial referral", "within 3 months OF the
# Initial Child Protection Conference", "(three months subsequent to the closure)"; at most
# FROM_WORDS words, short of the next clause (FROM_END).
COUNTED_FROM = re.compile(r"^\s*(?:from|of|after|following|subsequent to|since)\s+", re.I)
FROM_WORDS = 6
FROM_END = re.compile(r"[.;:,()]|\s(?:to|and|during|which|where|so that|in order)\s", re.I)


def counted_from(sentence: str, end: int) -> tuple[str, int, int]:
    """The event a duration ending at `end` is counted from, if the words right after it say
    ("from referral"), with where those words sit: ("", end, end) when they do not."""
    match = COUNTED_FROM.match(sentence[end:])
    if not match:
        return "", end, end
    start = end + match.end()
    rest = sentence[start:]
    stop = FROM_END.search(rest)
    words = re.match(rf"\s*(?:\S+\s*){{0,{FROM_WORDS}}}", rest[: stop.start() if stop else len(rest)])
    text = words.group(0).rstrip() if words else ""
    return " ".join(text.split()), start, start + len(text)


def counted_from_spans(sentence: str) -> list[tuple[int, int]]:
    """Where each duration's counted-from phrase sits in the sentence, its "of/from/after" word
    included: what the sentence times is the rest."""
    spans = []
    for timescale in find_timescales(sentence, rules_only=False):
        tail = WRITTEN_TAIL.match(sentence[timescale.end :])
        end = timescale.end + (tail.end() if tail else 0)
        event, _start, stop = counted_from(sentence, end)
        if event:
            spans.append((end, stop))
    return spans


def extract_timescales(text: str) -> list[str]:
    """Durations a sentence mentions, normalised to digits and plural units ("five working days"
    -> "5 working days"), each once, numbers first then phrases (same day, monthly...).

    For answer writing: ages and plan names are left out, history and figures are kept (see
    find_timescales).
    """
    found = find_timescales(text, rules_only=False)
    numbers = [t.value for t in found if t.value[0].isdigit()]
    phrases = [t.value for t in found if not t.value[0].isdigit()]
    return list(dict.fromkeys([*numbers, *phrases]))
