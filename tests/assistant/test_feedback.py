"""Feedback store: questions and ratings survive a restart, are redacted, never reach disk unredacted, and purge."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from personal_data import load

from assistant.cli import main
from assistant.feedback import FeedbackStore
from assistant.types import Answer, Citation

ROOT = Path(__file__).resolve().parents[2]
CITATION = Citation(n=1, doc_id="d", title="T", authority="A", date="2013", section="S", page=None,
                    quote="q", score=0.5)


def test_rating_survives_reopening_and_is_redacted(tmp_path):
    path = tmp_path / "data" / "feedback.sqlite3"
    store = FeedbackStore(path, known_terms=["Bath"])
    asked = store.log_question(Answer("Is Jayden Smith seen in 5 days in Bath?", "…", False, (CITATION,)))
    store.rate(asked, helpful=True)
    store.rate(asked, helpful=False, comment="wrong for Kayla, phone 07700 900123")  # a change, not a second row
    reopened = FeedbackStore(path)
    [rating] = reopened.ratings()
    assert rating.helpful is False
    assert rating.question.question == "Is [name] seen in 5 days in Bath?"
    assert "Kayla" not in rating.comment and "07700" not in rating.comment
    assert rating.question.citations[0]["doc_id"] == "d"
    assert reopened.ratings(helpful=True) == []


def test_refused_questions_are_listed_newest_first(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    store.log_question(Answer("answered", "…", False))
    store.log_question(Answer("first refusal", "…", True, abstain_reason="low score", authority_filter=("York",)))
    store.log_question(Answer("second refusal", "…", True))
    refused = store.refused_questions()
    assert [q.question for q in refused] == ["second refusal", "first refusal"]
    assert refused[1].authorities == ("York",) and refused[1].abstain_reason == "low score"


def raw_bytes(db: Path) -> bytes:
    """Everything SQLite has on disk for `db`: the file, its write-ahead log and rollback journal."""
    return b"".join(p.read_bytes() for p in (db, Path(f"{db}-wal"), Path(f"{db}-journal")) if p.exists())


def words_on_disk(db: Path) -> list[str]:
    return re.findall(r"\w+", raw_bytes(db).decode("utf-8", "replace").lower())


def test_no_personal_detail_of_the_test_set_reaches_the_database_file(tmp_path):
    """Each personal string is asked as a question and left as a comment, then the raw bytes of
    the database (and -wal/-journal) are searched for every word of its personal spans."""
    data = load()
    store = FeedbackStore(tmp_path / "feedback.sqlite3", corpus_dir=ROOT / "corpus")
    baseline = words_on_disk(store.path)  # the schema's own words ("question", "comment", ...)
    leaks = []
    for item in data["personal"]:
        asked = store.log_question(Answer(item["text"], "…", True, abstain_reason="low score"))  # also a refusal
        store.rate(asked, helpful=False, comment=f"about {item['text']}")
    on_disk = words_on_disk(store.path)
    raw = raw_bytes(store.path)
    everything_typed = " ".join(item["text"] for item in data["personal"])
    outside_spans = everything_typed
    for item in data["personal"]:
        for span in item["spans"]:
            outside_spans = outside_spans.replace(span, " ")
    allowed = {w.lower() for w in re.findall(r"\w+", outside_spans)} | set(baseline) | {"about"}
    for item in data["personal"]:
        for span in item["spans"]:
            if span.encode() in raw:
                leaks.append(span)
            # words of three or more characters: SQLite's binary page headers decode to short "words"
            leaks += [w for w in re.findall(r"\w+", span.lower()) if len(w) > 2 and w in on_disk and w not in allowed]
    assert not leaks, f"on disk: {sorted(set(leaks))}"


def test_purge_deletes_old_questions_and_their_ratings(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    old = store.log_question(Answer("old question about a referral", "…", False))
    store.rate(old, helpful=False, comment="an old comment about thresholds")
    now = time.time() + 40 * 86400  # forty days on
    recent = store.log_question(Answer("recent question", "…", False))
    with store._connect() as db:
        db.execute("UPDATE questions SET asked_at = ? WHERE id = ?", (now - 86400, recent))
    assert store.purge(older_than_days=30, now=now) == 1
    assert [r.question.question for r in store.ratings()] == []
    assert [q.question for q in store.refused_questions()] == []
    with store._connect() as db:
        assert db.execute("SELECT question FROM questions").fetchall() == [("recent question",)]
    assert b"old comment" not in raw_bytes(store.path) and b"old question" not in raw_bytes(store.path)
    with pytest.raises(ValueError):
        store.purge(older_than_days=-1)


def test_cli_feedback_purge(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GUIDANCE_DATA_DIR", str(tmp_path))
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    store.log_question(Answer("a question", "…", False))
    assert main(["feedback", "purge", "--older-than", "30"]) == 0
    assert "Deleted 0 question(s)" in capsys.readouterr().out
    assert main(["feedback", "purge", "--older-than", "0"]) == 0
    assert "Deleted 1 question(s) asked more than 0 days ago" in capsys.readouterr().out
    assert raw_bytes(store.path).count(b"a question") == 0


def test_redaction_engine_warms_up_off_the_question_path(tmp_path):
    from assistant.feedback import FeedbackStore

    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    thread = store.warm_up_in_background()
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert "Jayden" not in store.redactor.redact("my client Jayden Smith is 14")
