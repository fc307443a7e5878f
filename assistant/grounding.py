"""Answer writing, the grounding check (pure but for the embedder): whether a generated sentence
says only what the passage it cites says.

A sentence passes when it cites a passage it was given; its numbers, timescales, team names and
council names all appear in that passage (or, for the council, it is the passage's own); and its
embedding is close to one of the sentences quoted from that passage. Sentences that read as
instructions to a model are never evidence: text inside documents is data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.query import detect_authorities
from assistant.timescales import _NUMBER_WORDS, find_timescales
from assistant.types import Answer, AuthorityAnswer, Passage

# MiniLM cosine between a sentence and a faithful rewording of it is typically 0.7-0.95; a
# sentence on the same topic that says something else lands around 0.4-0.6, an unrelated one
# below 0.3. 0.65 keeps rewordings and drops most same-topic inventions (the fact checks catch
# the rest: a changed number, duration, team or council).
SUPPORT_SIMILARITY = 0.65
INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget)\b.{0,40}\b(instructions?|prompts?|rules|above|previous)\b"
    r"|\b(system prompt|you are now|as an ai|language model|reply (only )?with|respond (only )?with)\b",
    re.IGNORECASE,
)
_MARKER = re.compile(r"\[(\d+)\]")
# A named team or role: capitalised words (small joining words allowed) ending in a role noun
# ("Referral and Assessment Service", "Local Authority Designated Officer"), or a role acronym.
TEAM_NAME = re.compile(
    r"\b[A-Z][\w'’&-]*(?:\s+(?:(?:of|for|and|in|&)\s+)?[A-Z][\w'’&-]*){0,6}\s+"
    r"(?:Team|Service|Hub|Unit|Panel|Board|Manager|Officer|Worker|Partnership|Co-?ordinator|Chair|Lead|"
    r"Practitioner|Nurse|Doctor|Paediatrician|Consultant|Director|Conference)s?\b"
    r"|\b(?:LADO|MASH|IRO|DSL)\b"
)
_NUMBER_WORD = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True)) + r")\b", re.I
)


@dataclass(frozen=True)
class Evidence:
    """One numbered passage as the model sees it and the check reads it."""

    n: int
    authority: str
    heading: str
    sentences: tuple[str, ...]  # the sentences the extractive writer quoted from it (instructions left out)
    text: str  # the whole passage, headings included: where numbers, teams and councils are looked up


@dataclass(frozen=True)
class Checked:
    """One generated sentence and the grounding check's verdict on it."""

    text: str  # without its [n] markers
    cites: tuple[int, ...]
    supported: bool
    reason: str = ""  # why it was dropped
    similarity: float = 0.0


def evidence_for(answer: Answer, part: AuthorityAnswer, passages: Sequence[Passage]) -> dict[int, Evidence]:
    """The numbered passages of one council's part of an answer, as its citations number them."""
    by_text = {(p.chunk.doc_id, p.chunk.text): p for p in passages}
    out: dict[int, Evidence] = {}
    for citation in answer.citations:
        if citation.n not in part.citation_numbers or citation.authority != part.authority:
            continue
        passage = by_text.get((citation.doc_id, citation.quote))
        headings = passage.chunk.section_path if passage else tuple(citation.section.split(" > "))
        used = tuple(s for s in citation.used_sentences if not INSTRUCTION.search(s))
        out[citation.n] = Evidence(
            citation.n, citation.authority, " › ".join(headings[-2:]), used, "\n".join([*headings, citation.quote])
        )
    return out


def split_sentences(reply: str, limit: int = 6) -> list[tuple[str, tuple[int, ...]]]:
    """Generated sentences with the passage numbers each cites ("... days [1]." or "... days. [1]")."""
    pieces = [p.strip() for p in re.split(r"(?<=[.!?\]])\s+|\n+", reply) if p.strip()]
    sentences: list[list[str]] = []
    for piece in pieces:
        if sentences and re.fullmatch(r"(\[\d+\]\s*)+\.?", piece):
            sentences[-1].append(piece)  # a marker left on its own after the full stop
        else:
            sentences.append([piece])
    out = []
    for parts in sentences[:limit]:
        text = " ".join(parts)
        cites = tuple(dict.fromkeys(int(n) for n in _MARKER.findall(text)))
        clean = re.sub(r"\s+([.,;:!?])", r"\1", _MARKER.sub("", text)).strip()
        if re.search(r"\w", clean):
            out.append((clean, cites))
    return out


def _numbers(text: str) -> set[int]:
    found = {int(n) for n in re.findall(r"\b\d+\b", text)}
    return found | {_NUMBER_WORDS[w.lower()] for w in _NUMBER_WORD.findall(text)}


def _names(pattern: re.Pattern, text: str) -> set[str]:
    """Names found by `pattern`, lower-cased, without a sentence-initial "The"."""
    return {re.sub(r"^the ", "", re.sub(r"\s+", " ", m.group(0)).lower()) for m in pattern.finditer(text)}


def check_sentence(
    text: str,
    cites: tuple[int, ...],
    evidence: dict[int, Evidence],
    aliases: dict[str, str],
    embed: Callable[[list[str]], list[Any]],
) -> Checked:
    """Whether one generated sentence is supported by the passage(s) it cites (see module docstring)."""
    if not cites:
        return Checked(text, cites, False, "cites no passage")
    unknown = [n for n in cites if n not in evidence]
    if unknown:
        return Checked(text, cites, False, f"cites [{unknown[0]}], a passage it was not given")
    cited = [evidence[n] for n in cites]
    source = "\n".join(e.text for e in cited)
    missing = _numbers(text) - _numbers(source)
    if missing:
        return Checked(text, cites, False, f"a number its passage does not give: {sorted(missing)[0]}")
    durations = {t.value for t in find_timescales(text)} - {t.value for t in find_timescales(source)}
    if durations:
        return Checked(text, cites, False, f"a timescale its passage does not give: {sorted(durations)[0]}")
    source_lower = re.sub(r"\s+", " ", source).lower()
    teams = [t for t in _names(TEAM_NAME, text) if t not in source_lower]
    if teams:
        return Checked(text, cites, False, f"a team or role its passage does not name: {teams[0]}")
    own = {e.authority for e in cited} | set(detect_authorities(source, aliases))
    councils = [c for c in detect_authorities(text, aliases) if c not in own]
    if councils:
        return Checked(text, cites, False, f"a council its passage is not from: {councils[0]}")
    quoted = [s for e in cited for s in e.sentences]
    if not quoted:
        return Checked(text, cites, False, "its passage has no quoted sentence to rest on")
    vectors = np.asarray(embed([text, *quoted]), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
    similarity = float(np.max(vectors[1:] @ vectors[0]))
    if similarity < SUPPORT_SIMILARITY:
        return Checked(text, cites, False, f"not close to any quoted sentence ({similarity:.2f})", similarity)
    return Checked(text, cites, True, similarity=similarity)
