"""The answer path as plain typed calls: understand -> embed -> retrieve -> write.

`prepare` turns a `Request` into the `Prepared` query, question vector and ranked passages;
`answer` adds the writing step (a partner's referral question, an ordinary question, or the
fallback to other councils when the one named does not cover it). Each step's time is kept.
LangChain sits at the edge (assistant/langchain_edge.py), not in here; nothing here imports
the service, which hands in its parts.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from assistant.danger import danger_probability
from assistant.query import Glossary, Query, content_terms, describes_child_concern, understand, with_front_door_names
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
    follow_up: bool = False  # the question is a follow-up as read against the conversation
    typed: str = ""  # a follow-up as the user typed it ("what about babies?"), before it was read
    conversation_council: str = ""  # a new question naming none, in a conversation about this council


@dataclass(frozen=True)
class Prepared:
    query: Query
    vector: list[float]
    passages: list[Passage]
    timings_ms: dict[str, float] = field(default_factory=dict)
    # A partner's question about a named council: what the routing search found (Query.routing_text),
    # each passage ranked against that search's own question (`passages` lists both searches').
    routing: tuple[Passage, ...] = ()


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
    if request.use_glossary:
        query = with_front_door_names(query, getattr(parts.writer, "front_doors", {}))
    if request.intent:
        query = replace(query, intent=request.intent)
    if request.conversation_council and not query.authorities:
        query = replace(query, conversation_council=request.conversation_council)
    if request.follow_up:
        # The words the user typed in the follow-up itself are what it asks that the question
        # before did not ("babies" in "what about babies?"): the sentence that holds them is the
        # one to quote (write.score_sentences weighs them, W_FOLLOW_UP_WORDS).
        typed = set(content_terms(request.typed)) if request.typed else set()
        stressed = tuple(t for t in dict.fromkeys(query.terms) if t in typed)
        query = replace(query, follow_up=True, stressed_terms=stressed)
    if snap.stats is not None:
        # The library's IDF per question term: what the writer weighs coverage by.
        idf, unseen = snap.stats.idf, snap.stats.mean_idf
        weights = tuple((t, max(float(idf.get(t, unseen)), MIN_TERM_WEIGHT)) for t in dict.fromkeys(query.terms))
        query = replace(query, term_weights=weights)
    return query


def _embed(
    parts: Parts, query: Query
) -> tuple[list[float], list[float], list[float] | None, list[float] | None, list[float] | None]:
    """The search vector; the vector of the question as typed, which the danger model was fitted
    on (the same one when nothing was added to the question); and for a partner's question about
    a named council, the vectors of the routing search (Query.routing_text) and of the category
    search (Query.category_text) and, asked what happens next, of the response search
    (Query.response_text). All in one batch: one model call, cheaper than several."""
    asked = (query.search_text, query.text, query.routing_text, query.category_text, query.response_text)
    texts = list(dict.fromkeys(t for t in asked if t))
    vectors = dict(zip(texts, parts.embedder.embed(texts), strict=True))
    return (
        vectors[query.search_text],
        vectors[query.text],
        vectors.get(query.routing_text),
        vectors.get(query.category_text),
        vectors.get(query.response_text),
    )


def with_routing(concern: Sequence[Passage], routing: Sequence[Passage]) -> list[Passage]:
    """A partner's two searches as one list: the concern's own passages first (what was asked), then
    those only the routing search found, in its order. A passage found by both is listed once, as
    the concern search ranked it (its sentences scored against what the partner wrote)."""
    seen = {p.chunk.chunk_id for p in concern}
    return [*concern, *(p for p in routing if p.chunk.chunk_id not in seen)]


def merge_searches(first: Sequence[Passage], then: Sequence[Passage]) -> list[Passage]:
    """Two of a partner's searches of one council's guidance (what was found so far, and how soon
    it acts) as one list: `first` in its order, then what only `then` found. A chunk both
    found is listed once, each of its sentences with the nearer of its two similarities: a
    sentence is judged against the search it answers. B&NES's "All new referrals will be responded
    to within a maximum of 24 hours" sits at 0.30 to the routing search, which found its chunk
    first, and was never quoted for "how quickly will they act?" though the response search, which
    is there to find it, found the same chunk."""
    again = {p.chunk.chunk_id: p for p in then}
    merged = []
    for p in first:
        other = again.get(p.chunk.chunk_id)
        if other is not None and len(other.sentence_similarity) == len(p.sentence_similarity):
            p = replace(
                p,
                dense_similarity=max(p.dense_similarity, other.dense_similarity),
                sentence_similarity=tuple(map(max, p.sentence_similarity, other.sentence_similarity)),
            )
        merged.append(p)
    return with_routing(merged, then)


def prepare(parts: Parts, request: Request, snap: Snapshot | None = None) -> Prepared:
    """Understand, embed and retrieve: what a writer is given, all from one index snapshot (the
    caller's, or one read of the index pointer here)."""
    timings: dict[str, float] = {}
    snap = snap or parts.retriever.snapshot()
    query = _timed(timings, "understand", lambda: understand_question(parts, request, snap))
    vector, typed, routing, category, response = _timed(timings, "embed", lambda: _embed(parts, query))
    danger = _timed(timings, "danger", lambda: danger_probability(typed))
    query = replace(query, danger_probability=danger)

    def search() -> tuple[list[Passage], tuple[Passage, ...]]:
        found = parts.retriever.retrieve(
            vector, query.terms, query.authorities, request.include_superseded, request.mode, snap
        )
        if routing is None:
            return found, ()

        def council(searched: list[float], words: str) -> list[Passage]:  # the named council's guidance
            return parts.retriever.retrieve(
                searched, content_terms(words), query.authorities, request.include_superseded, request.mode, snap
            )

        # A partner's worry about a named council: that council's guidance on thresholds and
        # routing is searched for too, so the answer can quote it (assistant.referral)...
        guidance = council(routing, query.routing_text)
        if category is not None:
            # ...and what it offers for the kind of worry told (Query.category_text), read as routing
            # guidance is: only its sentences about the category, or on how a worry is routed...
            guidance = with_routing(guidance, council(category, query.category_words))
        if response is not None:
            # ...and how soon it acts, for a partner asking what happens next (Query.response_text),
            # a chunk the searches above found too judged against this one where it is nearer (only
            # here: merged into the category search, a sentence naming the worry's kind outranked the
            # council's own routing line, Torbay's "All referrals … come via the Safeguarding Hub")
            guidance = merge_searches(guidance, council(response, query.response_text))
        return with_routing(found, guidance), tuple(guidance)

    passages, guidance = _timed(timings, "retrieve", search)
    return Prepared(query, vector, passages, timings, guidance)


def write(parts: Parts, request: Request, prepared: Prepared) -> Answer:
    query = prepared.query
    if query.intent == "referral":  # a partner's "should I refer?" is never refused
        # ...and answered by the quoting writer, as refusals and the 999 line are: a front door and
        # its contact details are never reworded (a generative writer has neither to give).
        writer = getattr(parts.writer, "extractive", parts.writer)
        return referral_answer(writer, query, prepared.passages, prepared.routing)
    answer = parts.writer.write(query, prepared.passages)
    if query.other_councils and not query.authorities and not request.authorities:
        # Only councils the library holds nothing from are named ("the threshold in Leeds"; "a
        # child who lives in Wiltshire is referred to the RUH"): no guidance here is theirs, and
        # the answer says so before any other council's; a refusal names their own front door.
        return parts.writer.not_held(query, query.other_councils, answer)
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
        # Nothing at all came back from the council named: the library holds none of its guidance.
        unheld = not any(p.chunk.meta.authority in query.authorities for p in prepared.passages)
        answer = parts.writer.elsewhere(query, passages, query.authorities, unheld) or answer
    return answer


def answer(parts: Parts, request: Request, snap: Snapshot | None = None) -> tuple[Answer, Prepared]:
    """The whole path; the Answer carries each step's time in ms.

    A message telling of a worry about a child is never refused, whatever it asks: when the
    ordinary answer would be a refusal (nothing in the guidance answers "is that abuse?"), or an
    answer the model is unsure of (AnswerabilityModel.hedged), and
    the message describes a child's worry (assistant.query.describes_child_concern), it is
    answered again as a partner's referral question (the front door, and the council's threshold
    guidance where it has one), which cannot end in a refusal."""
    prepared = prepare(parts, request, snap)
    timings = dict(prepared.timings_ms)
    result = _timed(timings, "write", lambda: write(parts, request, prepared))
    unsure = result.abstained or result.hedged  # refused, or given as "may not answer your question"
    if unsure and prepared.query.intent != "referral" and _tells_of_a_child(prepared.query):
        prepared = prepare(parts, replace(request, intent="referral"), snap)
        timings.update({f"{step} (as a referral)": ms for step, ms in prepared.timings_ms.items()})
        result = _timed(timings, "write (as a referral)", lambda: write(parts, request, prepared))
    return replace(result, timings_ms=timings), replace(prepared, timings_ms=timings)


def _tells_of_a_child(query: Query) -> bool:
    return describes_child_concern(query.text.lower()) or describes_child_concern(query.normalised.lower())
