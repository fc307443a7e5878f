"""The HTTP API (`guidance serve`): answers as JSON for intranet pages and chat bots. HTTP only; the
work is GuidanceAssistant's.

`POST /ask` returns exactly what `guidance ask --json` prints; `GET /sources` lists the library;
`GET /timescales` is the table of `guidance timescales --json`; `GET /health` says whether the
index can answer. Nothing that changes the library (upload, edit,
retire, re-index, evals) is exposed: those stay behind the curator passphrase in the app.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

from assistant.service import MAX_QUESTION_CHARS, LibraryUnavailable, QuestionError
from indexing.manifest import ManifestError

DEFAULT_HOST = "127.0.0.1"  # loopback: put a reverse proxy with TLS and sign-in in front to share it
DEFAULT_PORT = 8080


class AskRequest(BaseModel):
    question: str = Field(..., description="The question as typed", examples=["Which York team does S47 enquiries?"])
    history: list[Any] = Field(
        default_factory=list,
        description='Earlier questions, oldest first: strings or {"role": "user", "content": ...} objects. '
        'A short follow-up ("What about Bath?") is read with them.',
    )
    authorities: list[str] = Field(
        default_factory=list, description="Only these councils' guidance (names or aliases); empty: every council"
    )


class Source(BaseModel):
    doc_id: str
    authority: str
    title: str
    date: str
    status: str
    chunks: int


class Health(BaseModel):
    status: str  # "ok", or "empty" when nothing is indexed yet
    documents: int
    notice: str  # e.g. "The index is behind the library manifest: ..." (answers come from the index as it is)


def create_app(assistant: Any) -> FastAPI:
    """The API over one loaded GuidanceAssistant (the model loads once per process)."""
    from assistant.langchain_edge import answer_request

    app = FastAPI(
        title="Children's social care practice guidance",
        description="Answers quoted from council guidance, each cited. Guidance, not a decision: "
        "always check the cited source.",
        version="1",
    )

    @app.post("/ask", summary="Answer a question (the JSON of `guidance ask --json`)")
    def ask(request: AskRequest) -> dict:
        if len(request.question) > MAX_QUESTION_CHARS:
            raise HTTPException(400, f"The question is too long: keep it under {MAX_QUESTION_CHARS} characters.")
        try:
            answer = answer_request(assistant, request.model_dump())
        except LibraryUnavailable as exc:
            raise HTTPException(503, str(exc)) from None
        except (QuestionError, ManifestError) as exc:  # no question, unknown council: say what to fix
            raise HTTPException(400, str(exc)) from None
        return answer.as_dict()

    @app.get("/sources", summary="The documents in the library")
    def sources() -> list[Source]:
        counts = {d.doc_id: d.chunks for d in assistant.store.indexed_documents().values()}
        return [
            Source(
                doc_id=m.doc_id,
                authority=m.authority,
                title=m.title,
                date=m.date_label,
                status=m.status,
                chunks=counts.get(m.doc_id, 0),
            )
            for m in assistant.manifest.documents
        ]

    @app.get("/timescales", summary="Every timescale the library states, one row each (`guidance timescales`)")
    def timescales(authority: str | None = None) -> list[dict]:
        from assistant.timescale_cache import load_timescales
        from assistant.timescale_table import for_authority

        try:
            name = assistant.manifest.authority(authority).name if authority else None
        except ManifestError as exc:
            raise HTTPException(400, str(exc)) from None
        rows = for_authority(load_timescales(assistant.settings, assistant.store), name)
        return [row.as_dict() for row in rows]

    @app.get("/health", summary="Whether the index can answer")
    def health() -> Health:
        state = assistant.status()
        documents = len(assistant.store.indexed_documents())
        return Health(status="empty" if state.empty else "ok", documents=documents, notice=state.notice() or "")

    return app


def serve(assistant: Any, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Run the API with uvicorn until interrupted."""
    import sys

    import uvicorn

    if host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"warning: serving on {host}: the API has no sign-in; put a reverse proxy with TLS and sign-in in front",
            file=sys.stderr,
        )

    assistant.warm_up_in_background()  # the first question with a name in it does not wait for the redactor
    uvicorn.run(create_app(assistant), host=host, port=port, log_level="info")
