"""Question understanding, follow-ups (pure): read a question against the conversation so far.

A newly qualified social worker types "and in Plymouth?" after a question about Bath, "and a
core assessment?" after one about initial assessments, "what else does that team do?" after
an answer naming a team. Each becomes a question that stands alone, which is what is searched
and what the app shows ("Understood as: …"), so a wrong reading is visible. A question that
already stands alone is left exactly as typed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.query import STOPWORDS, detect_authorities, stem, tokens
from assistant.types import Answer

# Openings that tie a question to the one before ("and in Plymouth?", "what about Torbay").
FOLLOW_UP_OPENING = re.compile(
    r"^\s*(and|also|what about|how about|and what about|what of|same for|same question for|ok and|and for)\b",
    re.IGNORECASE,
)
# Words that point back at something the previous answer named.
REFERENCE = re.compile(
    r"\b(that|this|the same|those|these) (team|service|unit|hub|panel|worker|manager)s?\b|\b(they|them|their)\b",
    re.IGNORECASE,
)
STANDALONE_TERMS = 4  # a question with this many content words of its own and no tie to the last is new
_PLACE_WORDS = r"(?:in|for|at|from|within|across)"


@dataclass(frozen=True)
class Turn:
    """One earlier exchange, as much of it as a follow-up can refer to."""

    question: str  # as understood (already standing alone)
    authorities: tuple[str, ...] = ()  # the councils it was about
    lead: str = ""  # the first answer's lead line, e.g. "Family Placement Team" for a who-question


@dataclass(frozen=True)
class Reading:
    text: str  # the question to answer
    inherited: bool  # True when the conversation changed it


def _content(words: Sequence[str]) -> list[str]:
    return [w for w in words if w not in STOPWORDS and len(w) > 1]


def _strip_councils(text: str, aliases: dict[str, str]) -> str:
    """The text without any council alias (and the 'in' before it)."""
    for alias in sorted(aliases, key=len, reverse=True):
        text = re.sub(
            rf"\s*(?:\b{_PLACE_WORDS}\s+)?(?<![\w&]){re.escape(alias)}(?![\w&])", "", text, flags=re.IGNORECASE
        )
    return re.sub(r"\s+([?.!,])", r"\1", text).strip()


def _with_council(question: str, place: str) -> str:
    body = question.rstrip(" ?.!")
    return f"{body} in {place}?"


def _replace_topic(previous: str, phrase: str) -> str | None:
    """'How long does an initial assessment take?' + 'a core assessment' -> 'How long does a core
    assessment take?': the phrase replaces the words of the previous question that share its head
    noun. None when the previous question has no such words."""
    words = [w for w in re.findall(r"[\w'’-]+", phrase) if w.lower() not in ("a", "an", "the")]
    if not words:
        return None
    head = stem(words[-1].lower())
    found = None
    for match in re.finditer(r"[\w'’-]+", previous):
        if stem(match.group(0).lower()) == head:
            found = match
    if found is None:
        return None
    start = found.start()
    before = previous[:start].rstrip().split(" ")
    # take the head's modifiers too ("initial" in "an initial assessment"), not its article or verb
    while (
        before and before[-1] and before[-1].lower() not in STOPWORDS and before[-1][:1].islower() and len(before) > 1
    ):
        start = previous.rfind(before[-1], 0, start)
        before = before[:-1]
    replaced = previous[:start] + " ".join(words) + previous[found.end() :]
    return re.sub(
        r"\ban(?= [^aeiouAEIOU\W])|\ba(?= [aeiouAEIOU])", lambda m: "a" if m.group(0) == "an" else "an", replaced
    )


def read_follow_up(question: str, history: Sequence[Turn], aliases: dict[str, str]) -> Reading:
    """The question as it should be answered, given the earlier turns (most recent last)."""
    if not history:
        return Reading(question, False)
    previous = history[-1]
    named = detect_authorities(question, aliases)
    opening = FOLLOW_UP_OPENING.match(question)
    rest = question[opening.end() :] if opening else question
    rest_terms = _content(tokens(_strip_councils(rest, aliases)))
    reference = REFERENCE.search(question)
    if not opening and not reference and len(rest_terms) >= STANDALONE_TERMS - (1 if named else 0):
        return Reading(question, False)  # a new question in its own right
    if not opening and not reference and not (named and not rest_terms):
        return Reading(question, False)
    place = _place(question, named, previous, aliases)
    if reference and previous.lead:
        named_thing = previous.lead if previous.lead.isupper() else f"the {previous.lead.removeprefix('the ')}"
        text = REFERENCE.sub(lambda _match: named_thing, question, count=1)
        text = FOLLOW_UP_OPENING.sub("", text).strip()
        if not named and place:
            text = _with_council(text, place)
        return Reading(text[:1].upper() + text[1:], True)
    base = _strip_councils(previous.question, aliases)
    if rest_terms:
        topic = _strip_councils(rest, aliases).strip(" ?.!,")
        text = _replace_topic(base, topic) or f"{base.rstrip(' ?.!')}: {topic}?"
    else:
        text = base
    return Reading(_with_council(text, place) if place else text, True)


def _place(question: str, named: list[str], previous: Turn, aliases: dict[str, str]) -> str:
    """The council to ask about: the one named now (as typed), else the previous turn's."""
    if named:
        for alias in sorted(aliases, key=len, reverse=True):
            match = re.search(rf"(?<![\w&]){re.escape(alias)}(?![\w&])", question, re.IGNORECASE)
            if match and aliases[alias] in named:
                return match.group(0)
    if previous.authorities:
        authority = previous.authorities[0]
        # The shortest name practitioners type that is a word, not an acronym ("York", not "CYC").
        typed = [a for a, name in aliases.items() if name == authority and not a.isupper()]
        return min(typed, key=len, default=authority)
    return ""


def turn_from(answer: Answer) -> Turn:
    """What a later follow-up may refer to in an answer: the question as understood, its council
    and the lead of its first part (a team, for a who-question)."""
    lead = answer.parts[0].lead if answer.parts and not answer.abstained else ""
    return Turn(answer.understood_as or answer.question, tuple(answer.authorities[:1]), lead)
