"""LangChain at the edge: our hybrid retrieval as a `BaseRetriever`, the whole answer as a Runnable.

The core answer path is plain typed calls (GuidanceAssistant.ask); this module only adapts it
for a LangChain user's own chains. Retrieved passages come back as langchain_core `Document`s
whose `metadata` carries the provenance a citation needs (doc_id, authority, title, date,
section, page, status, score, chunk_id), built from the index, never from model text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import ConfigDict, Field

from assistant.types import Answer, Passage


class GuidanceRetriever(BaseRetriever):
    """Our hybrid retrieval (dense + sentence-level + BM25, fused by reciprocal rank) over the
    current index generation, filtered by council and status, as LangChain Documents.

    `authorities` takes names or aliases ("York", "B&NES"); a council named in the question
    filters too, as it does for `guidance ask`. Superseded documents are left out unless
    `include_superseded`; withdrawn ones are never indexed.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    assistant: Any  # a GuidanceAssistant (Any: pydantic must not try to validate it)
    authorities: Sequence[str] = Field(default_factory=tuple)
    include_superseded: bool = False
    k: int | None = None  # at most this many documents (None: every passage retrieval keeps)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        passages = retrieve_passages(self.assistant, query, tuple(self.authorities), self.include_superseded)
        documents = [to_document(p) for p in passages]
        return documents[: self.k] if self.k else documents


def retrieve_passages(
    assistant: Any, question: str, authorities: tuple[str, ...] = (), include_superseded: bool = False
) -> list[Passage]:
    """understand -> embed -> retrieve with the assistant's own glossary, aliases, embedder and index.

    Raises QuestionError for an empty question or library, ManifestError for an unknown council.
    """
    from assistant.service import QuestionError

    question = (question or "").strip()
    if not question:
        raise QuestionError("Type a question first.")
    requested = assistant.resolve_authorities(authorities)
    snap = assistant.retriever.snapshot()
    if snap.empty:
        raise QuestionError("The guidance library is empty: run `guidance index` (or add a document) first.")
    return assistant.prepare(question, requested, include_superseded).passages


def to_document(passage: Passage) -> Document:
    """A retrieved passage as a LangChain Document: the chunk's text, our provenance in metadata."""
    chunk = passage.chunk
    return Document(
        page_content=chunk.text,
        id=chunk.chunk_id,
        metadata={
            "doc_id": chunk.doc_id,
            "authority": chunk.meta.authority,
            "title": chunk.meta.title,
            "date": chunk.meta.date_label,
            "section": chunk.section,
            "page": chunk.page,
            "status": chunk.meta.status,
            "score": round(passage.score, 6),
            "chunk_id": chunk.chunk_id,
        },
    )


def user_questions(history: Sequence[Any]) -> list[str]:
    """The questions asked so far, oldest first, from a history of strings (each a question),
    (role, text) pairs, {"role", "content"} dicts or LangChain messages; answers are left out."""
    questions = []
    for turn in history:
        if isinstance(turn, str):
            role, text = "user", turn
        elif isinstance(turn, dict):
            role, text = turn.get("role", "user"), turn.get("content") or turn.get("question") or ""
        elif isinstance(turn, (tuple, list)) and len(turn) == 2:
            role, text = turn
        else:  # a LangChain message
            role, text = getattr(turn, "type", "user"), getattr(turn, "content", "")
        if role in ("user", "human") and isinstance(text, str) and text.strip():
            questions.append(text.strip())
    return questions


def answer_runnable(assistant: Any, as_dict: bool = False) -> Runnable:
    """The whole answer as a Runnable: input a question string, or
    `{"question": ..., "history": [...], "authorities": [...]}`; output our `Answer` (or, with
    `as_dict`, the JSON of `guidance ask --json`)."""

    def answer(request: str | dict) -> Answer | dict:
        result = answer_request(assistant, {"question": request} if isinstance(request, str) else request)
        return result.as_dict() if as_dict else result

    return RunnableLambda(answer, name="guidance_answer")


def answer_request(assistant: Any, request: dict) -> Answer:
    """One answer for `{"question", "history"?, "authorities"?}` (the Runnable's and the API's input).
    A follow-up is read against the earlier questions by the assistant (Answer.understood_as)."""
    asked_for = request.get("authorities") or []
    asked_for = [asked_for] if isinstance(asked_for, str) else list(asked_for)
    history = user_questions(request.get("history") or ())
    return assistant.ask(str(request.get("question") or ""), asked_for, history=history or None)
