"""LangChain at the edge: our hybrid retrieval as a `BaseRetriever`, the whole answer as a Runnable.

The core answer path is plain typed calls (GuidanceAssistant.ask); this module only adapts it
for a LangChain user's own chains. Retrieved passages come back as langchain_core `Document`s
whose `metadata` carries the provenance a citation needs (doc_id, authority, title, date,
section, page, status, score, chunk_id), built from the index, never from model text.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import ConfigDict, Field

from assistant.query import detect_authorities, understand
from assistant.types import Answer, Passage

# A follow-up that only makes sense with the question before it: "What about York?",
# "And for a child in care?", "How about S47?". Longer questions stand on their own.
FOLLOW_UP = re.compile(r"^\s*(and\b|what about\b|how about\b|and what about\b|same for\b|what if\b)", re.IGNORECASE)
FOLLOW_UP_MAX_WORDS = 8


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
    if not snap.order:
        raise QuestionError("The guidance library is empty: run `guidance index` (or add a document) first.")
    query = understand(question, assistant.glossary, assistant.aliases, snap.vocabulary, requested)
    vector = assistant.embedder.embed([query.search_text])[0]
    return assistant.retriever.retrieve(vector, query.terms, query.authorities, include_superseded)


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


def with_history(question: str, history: Sequence[Any] | None, aliases: dict[str, str]) -> tuple[str, tuple[str, ...]]:
    """The question to ask and the councils it names, reading a short follow-up with the last
    question before it: "What about York?" after "How soon is a child seen in Bath?" asks the
    Bath question of York. Anything else is asked as it stands (every answer is quoted afresh
    from the guidance; history never supplies facts). Used only when the assistant's own `ask`
    takes no history."""
    named = tuple(detect_authorities(question, aliases))
    earlier = user_questions(history or ())
    previous = earlier[-1] if earlier else ""
    if not previous or not FOLLOW_UP.match(question) or len(question.split()) > FOLLOW_UP_MAX_WORDS:
        return question, named
    if named:
        # The follow-up names its own council: the earlier question's council words go.
        for alias in sorted(aliases, key=len, reverse=True):
            previous = re.sub(
                rf"\s*\b(?:in|for|at|from)?\s*(?<![\w&]){re.escape(alias)}(?![\w&])", "", previous, flags=re.IGNORECASE
            )
        return previous.strip(), named
    return f"{previous.strip()} {question.strip()}", named


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
    """One answer for `{"question", "history"?, "authorities"?}` (the Runnable's and the API's input)."""
    asked_for = request.get("authorities") or []
    asked_for = [asked_for] if isinstance(asked_for, str) else list(asked_for)
    question = str(request.get("question") or "")
    history = user_questions(request.get("history") or ())
    if "history" in inspect.signature(assistant.ask).parameters:  # the assistant reads follow-ups itself
        return assistant.ask(question, asked_for, history=history or None)
    question, named = with_history(question, history, assistant.aliases)
    # Councils passed explicitly win; else the follow-up's own council (else the text decides).
    return assistant.ask(question, asked_for or (list(named) if history else []))
