"""Feedback store: questions and ratings survive a restart, are redacted, and refusals are listed."""

from assistant.feedback import FeedbackStore
from assistant.types import Answer, Citation

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
