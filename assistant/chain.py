"""The retrieval chain as a LangChain Runnable: understand -> embed -> retrieve -> write."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from langchain_core.runnables import Runnable, RunnableLambda

from assistant.query import understand
from assistant.referral import referral_answer

if TYPE_CHECKING:
    from assistant.service import GuidanceAssistant


def _timed(name: str, step):  # noqa: ANN001, ANN202 - small wrapper for RunnableLambda
    def run(state: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        out = step(state)
        out["timings_ms"] = {**state.get("timings_ms", {}), name: (time.perf_counter() - started) * 1000}
        return out

    return RunnableLambda(run, name=name)


def build_chain(assistant: GuidanceAssistant) -> Runnable:
    """Input: {"question", "authorities", "include_superseded", "mode"}; output: the Answer."""

    def understand_step(state: dict[str, Any]) -> dict[str, Any]:
        snap = assistant.retriever.snapshot()
        query = understand(
            state["question"],
            assistant.glossary if state.get("use_glossary", True) else assistant.empty_glossary,
            assistant.aliases,
            snap.vocabulary,
            tuple(state.get("authorities") or ()),
        )
        if state.get("intent"):  # the caller knows what is asked (the partner page's referral check)
            query = replace(query, intent=state["intent"])
        if snap.bm25 is not None:
            # The library's IDF per question term: what the writer weighs coverage by.
            idf, unseen = snap.bm25.idf, snap.bm25.average_idf
            weights = tuple((t, max(float(idf.get(t, unseen)), 0.05)) for t in dict.fromkeys(query.terms))
            query = replace(query, term_weights=weights)
        return {**state, "query": query}

    def embed_step(state: dict[str, Any]) -> dict[str, Any]:
        vector = assistant.embedder.embed([state["query"].search_text])[0]
        return {**state, "vector": vector}

    def retrieve_step(state: dict[str, Any]) -> dict[str, Any]:
        query = state["query"]
        passages = assistant.retriever.retrieve(
            state["vector"],
            query.terms,
            query.authorities,
            bool(state.get("include_superseded")),
            state.get("mode"),
        )
        return {**state, "passages": passages}

    def write_step(state: dict[str, Any]) -> dict[str, Any]:
        query = state["query"]
        if query.intent == "referral":  # a partner's "should I refer?" is never refused
            return {**state, "answer": referral_answer(assistant.writer, query, state["passages"])}
        answer = assistant.writer.write(query, state["passages"])
        if answer.abstained and query.authorities and not state.get("authorities"):
            # The council named in the question does not cover it: say so, and show what the
            # others' guidance says, labelled as theirs (never in place of the named council's).
            others = tuple(a.name for a in assistant.manifest.authorities if a.name not in query.authorities)
            if others:
                passages = assistant.retriever.retrieve(
                    state["vector"], query.terms, others, bool(state.get("include_superseded")), state.get("mode")
                )
                answer = assistant.writer.elsewhere(query, passages, query.authorities) or answer
        return {**state, "answer": answer}

    return (
        _timed("understand", understand_step)
        | _timed("embed", embed_step)
        | _timed("retrieve", retrieve_step)
        | _timed("write", write_step)
    )
