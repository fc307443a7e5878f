"""Durable record of what was asked and how practitioners rated the answers (SQLite, redacted, purgeable)."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assistant.redaction import Redactor
from assistant.types import Answer

_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    asked_at REAL NOT NULL,
    question TEXT NOT NULL,              -- redacted before it is written
    authorities TEXT NOT NULL,           -- JSON list: the authority filter in force
    abstained INTEGER NOT NULL,
    abstain_reason TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL              -- JSON list of Citation.as_dict()
);
CREATE TABLE IF NOT EXISTS feedback (
    question_id INTEGER PRIMARY KEY REFERENCES questions(id),
    helpful INTEGER NOT NULL,            -- 1 thumbs up, 0 thumbs down
    comment TEXT NOT NULL,               -- redacted before it is written
    rated_at REAL NOT NULL
);
"""


@dataclass(frozen=True)
class LoggedQuestion:
    id: int
    asked_at: float
    question: str
    authorities: tuple[str, ...]
    abstained: bool
    abstain_reason: str
    answer: str
    citations: tuple[dict, ...]


@dataclass(frozen=True)
class Rating:
    question: LoggedQuestion
    helpful: bool
    comment: str
    rated_at: float


class FeedbackStore:
    """One SQLite file; a connection per call, so Streamlit's threads never share one.

    Questions and comments are redacted before they are written (`assistant.redaction`), keeping
    the terms of the library in `corpus_dir` ("Signs of Safety", "Bath") and any `known_terms`.
    Deleted rows are overwritten (secure_delete), so a purge leaves nothing in the file.
    """

    def __init__(self, path: Path, corpus_dir: Path | None = None, known_terms: Iterable[str] = ()) -> None:
        self.path = path
        self.redactor = Redactor(corpus_dir, known_terms)
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA secure_delete=ON")  # a purged question is zeroed, not left in a free page
            db.execute("PRAGMA synchronous=FULL")  # a rating is never lost to a power cut
            with db:  # commits, or rolls back on error
                yield db
        finally:
            db.close()

    def warm_up_in_background(self) -> threading.Thread:
        """Load the redaction engine (Presidio and spaCy, seconds cold) on a daemon thread, so the
        first question a practitioner asks is not the one that waits for it."""
        thread = threading.Thread(target=self.redactor.redact, args=("warm up",), name="redactor-warm-up", daemon=True)
        thread.start()
        return thread

    def log_question(self, answer: Answer) -> int:
        """Store a question (redacted) with its answer; returns the id a rating refers to."""
        question = self.redactor.redact(answer.question)  # before the database is opened
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO questions (asked_at, question, authorities, abstained, abstain_reason, answer, citations)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    time.time(),
                    question,
                    json.dumps(list(answer.authority_filter)),
                    int(answer.abstained),
                    answer.abstain_reason,
                    answer.text,
                    json.dumps([c.as_dict() for c in answer.citations]),
                ),
            )
            return int(cursor.lastrowid or 0)

    def rate(self, question_id: int, helpful: bool, comment: str = "") -> None:
        """Record (or change) the rating of one answer; the comment is redacted."""
        comment = self.redactor.redact(comment.strip())
        with self._connect() as db:
            db.execute(
                "INSERT INTO feedback (question_id, helpful, comment, rated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(question_id) DO UPDATE SET helpful=excluded.helpful,"
                " comment=excluded.comment, rated_at=excluded.rated_at",
                (question_id, int(helpful), comment, time.time()),
            )

    def ratings(self, helpful: bool | None = None) -> list[Rating]:
        """Ratings newest first; `helpful=False` gives the thumbs-down ones for review."""
        where = "" if helpful is None else "WHERE f.helpful = ?"
        args = () if helpful is None else (int(helpful),)
        with self._connect() as db:
            rows = db.execute(
                f"SELECT q.*, f.helpful, f.comment, f.rated_at FROM feedback f"  # noqa: S608 - fixed clauses
                f" JOIN questions q ON q.id = f.question_id {where} ORDER BY f.rated_at DESC",
                args,
            ).fetchall()
        return [Rating(_question(row[:8]), bool(row[8]), row[9], row[10]) for row in rows]

    def refused_questions(self) -> list[LoggedQuestion]:
        """Questions the assistant declined to answer, newest first: gaps in the library."""
        with self._connect() as db:
            rows = db.execute("SELECT * FROM questions WHERE abstained = 1 ORDER BY asked_at DESC").fetchall()
        return [_question(row) for row in rows]


    def purge(self, older_than_days: float, now: float | None = None) -> int:
        """Delete questions asked more than `older_than_days` ago, with their ratings; returns how
        many questions went. The write-ahead log is checkpointed and truncated, so the deleted
        rows (zeroed by secure_delete) are gone from every file on disk."""
        if older_than_days < 0:
            raise ValueError("older_than_days must be 0 or more")
        cutoff = (time.time() if now is None else now) - older_than_days * 86400
        with self._connect() as db:
            old = "SELECT id FROM questions WHERE asked_at < ?"
            db.execute(f"DELETE FROM feedback WHERE question_id IN ({old})", (cutoff,))  # noqa: S608 - fixed
            removed = db.execute("DELETE FROM questions WHERE asked_at < ?", (cutoff,)).rowcount
        db = sqlite3.connect(self.path, timeout=10)
        try:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            db.close()
        return int(removed)


def _question(row: tuple) -> LoggedQuestion:
    return LoggedQuestion(
        id=row[0],
        asked_at=row[1],
        question=row[2],
        authorities=tuple(json.loads(row[3])),
        abstained=bool(row[4]),
        abstain_reason=row[5],
        answer=row[6],
        citations=tuple(json.loads(row[7])),
    )
