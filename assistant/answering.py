"""The answer path as plain typed calls: understand -> embed -> retrieve -> write.

`prepare` turns a `Request` into the `Prepared` query, question vector and ranked passages;
`answer` adds the writing step (a partner's referral question, an ordinary question, or the
fallback to other councils when the one named does not cover it). Each step's time is kept.
LangChain sits at the edge (assistant/langchain_edge.py), not in here; nothing here imports
the service, which hands in its parts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from assistant.danger import danger_probability
from assistant.query import Glossary, Query, understand
from assistant.referral import referral_answer
from assistant.types import Answer, Passage

if TYPE_CHECKING:
    from assistant.retrieve import Snapshot

MIN_TERM_WEIGHT = 0.05  # a term in every chunk still counts a little towards coverage


class Parts(Protocol):
    """What the answer path uses of the assistant (read at call time: the writer can be swapped)."""

    retriever: Any
    embedder: Any
    writer: Any
    glossary: Glossary
    empty_glossary: Glossary
    manifest: Any

    @property
    def aliases(self) -> dict[str, str]: ...


@dataclass(frozen=True)
class Request:
    question: str
    authorities: tuple[str, ...] = ()  # asked for explicitly (a filter), not detected in the text
    include_superseded: bool = False
    mode: str | None = None  # hybrid | dense | lexical (evals and ablations)
    use_glossary: bool = True
    intent: str | None = None  # set when the caller knows what is asked (the partner page)


@dataclass(frozen=True)
class Prepared:
    query: Query
    vector: list[float]
    passages: list[Passage]
    timings_ms: dict[str, float] = field(default_factory=dict)


def _timed(timings: dict[str, float], name: str, step: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    out = step()
    timings[name] = (time.perf_counter() - started) * 1000
    return out


def understand_question(parts: Parts, request: Request, snap: Snapshot | None = None) -> Query:
    """The question normalised, typo-repaired, expanded, with its councils, intent and term weights."""
    snap = snap or parts.retriever.snapshot()
    query = understand(
        request.question,
        parts.glossary if request.use_glossary else parts.empty_glossary,
        parts.aliases,
        snap.vocabulary,
        request.authorities,
    )
    if request.intent:
        query = replace(query, intent=request.intent)
    if snap.stats is not None:
        # The library's IDF per question term: what the writer weighs coverage by.
        idf, unseen = snap.stats.idf, snap.stats.mean_idf
        weights = tuple((t, max(float(idf.get(t, unseen)), MIN_TERM_WEIGHT)) for t in dict.fromkeys(query.terms))
        query = replace(query, term_weights=weights)
    return query


def _embed(parts: Parts, query: Query) -> tuple[list[float], list[float]]:
    """The search vector, and the vector of the question as typed, which the danger model was
    fitted on: the same one when nothing was added to the question, else both in one batch (one
    model call, cheaper than two)."""
    if query.search_text == query.text:
        vector = parts.embedder.embed([query.text])[0]
        return vector, vector
    search, typed = parts.embedder.embed([query.search_text, query.text])
    return search, typed


def prepare(parts: Parts, request: Request, snap: Snapshot | None = None) -> Prepared:
    """Understand, embed and retrieve: what a writer is given, all from one index snapshot (the
    caller's, or one read of the index pointer here)."""
    timings: dict[str, float] = {}
    snap = snap or parts.retriever.snapshot()
    query = _timed(timings, "understand", lambda: understand_question(parts, request, snap))
    vector, typed = _timed(timings, "embed", lambda: _embed(parts, query))
    danger = _timed(timings, "danger", lambda: danger_probability(typed))
    query = replace(query, danger_probability=danger)
    passages = _timed(
        timings,
        "retrieve",
        lambda: parts.retriever.retrieve(
            vector, query.terms, query.authorities, request.include_superseded, request.mode, snap
        ),
    )
    return Prepared(query, vector, passages, timings)


def write(parts: Parts, request: Request, prepared: Prepared) -> Answer:
    query = prepared.query
    if query.intent == "referral":  # a partner's "should I refer?" is never refused
        return referral_answer(parts.writer, query, prepared.passages)
    answer = parts.writer.write(query, prepared.passages)
    others = any(a.name not in query.authorities for a in parts.manifest.authorities)
    if answer.abstained and query.authorities and not request.authorities and others:
        # The council named in the question does not cover it: say so, and show what the
        # others' guidance says, labelled as theirs (never in place of the named council's).
        # The whole library is searched and the named council's passages set aside: a filter
        # listing every other council costs a filtered vector search over nearly everything,
        # which is what made this path slow in a library of many councils.
        passages = [
            p
            for p in parts.retriever.retrieve(
                prepared.vector, query.terms, (), request.include_superseded, request.mode
            )
            if p.chunk.meta.authority not in query.authorities
        ]
        answer = parts.writer.elsewhere(query, passages, query.authorities) or answer
    return answer


def answer(parts: Parts, request: Request, snap: Snapshot | None = None) -> tuple[Answer, Prepared]:
    """The whole path; the Answer carries each step's time in ms."""
    prepared = prepare(parts, request, snap)
    timings = dict(prepared.timings_ms)
    result = _timed(timings, "write", lambda: write(parts, request, prepared))
    return replace(result, timings_ms=timings), replace(prepared, timings_ms=timings)
