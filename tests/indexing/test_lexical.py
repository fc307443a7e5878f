"""The BM25 index built at index time scores as rank_bm25's BM25Okapi (the engine it replaced)
did, filters by council, status and replaced documents, and round-trips through its files."""

from __future__ import annotations

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from indexing.lexical import CorpusStats, LexicalBuilder, LexicalIndex

DOCS = [
    ("a1", "strategy discussion within one working day of the referral", "Bath", "current", "bath"),
    ("a2", "the strategy discussion is chaired by a team manager", "Bath", "current", "bath"),
    ("b1", "initial child protection conference within fifteen working days", "York", "current", "york"),
    ("b2", "the child is seen within five working days of the referral", "York", "superseded", "york-old"),
    ("c1", "private fostering notifications reach the referral and assessment service", "Torbay", "current", "torbay"),
    ("c2", "a family group conference is offered before proceedings", "Torbay", "current", "torbay"),
]


def _build(stats: CorpusStats | None = None) -> LexicalIndex:
    builder = LexicalBuilder(stats)
    for chunk_id, text, authority, status, doc in DOCS:
        builder.add(chunk_id, text.split(), authority, status, doc, text.split())
    return builder.finish()


@pytest.mark.parametrize("query", ["strategy discussion", "referral within working days", "conference", "unknown word"])
def test_scores_match_bm25okapi(query):
    okapi = BM25Okapi([text.split() for _, text, *_ in DOCS])
    expected = okapi.get_scores(query.split())
    got = dict(_build().search(query.split(), k=10, current_only=False))
    for (chunk_id, *_), score in zip(DOCS, expected, strict=True):
        assert got.get(chunk_id, 0.0) == pytest.approx(max(score, 0.0), rel=1e-5, abs=1e-6)


def test_filters_council_status_and_replaced_documents():
    index = _build()
    terms = ["strategy", "days", "fostering"]
    assert {c for c, _ in index.search(terms, 10, current_only=False)} == {"a1", "a2", "b1", "b2", "c1"}
    assert {c for c, _ in index.search(terms, 10)} == {"a1", "a2", "b1", "c1"}  # b2 is superseded
    assert {c for c, _ in index.search(terms, 10, authorities=("Bath",))} == {"a1", "a2"}
    assert {c for c, _ in index.search(terms, 10, hidden_docs=("bath",))} == {"b1", "c1"}
    best = index.search(terms, 10, current_only=False)[0]
    assert index.search(terms, 1, current_only=False) == [best]


def test_a_delta_scored_with_its_bases_statistics_ranks_as_the_base_would(tmp_path):
    base = _build()
    delta = LexicalBuilder(base.stats)
    delta.add("a1", DOCS[0][1].split(), "Bath", "current", "bath")
    delta_index = delta.finish()
    ((chunk, score),) = delta_index.search(["strategy"], 5)
    assert chunk == "a1" and score == pytest.approx(dict(base.search(["strategy"], 5))["a1"])

    base.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    assert loaded is not None and loaded.words == base.words
    terms = ["referral", "days"]
    assert loaded.search(terms, 10, current_only=False) == base.search(terms, 10, current_only=False)
    assert np.array_equal(loaded.current, base.current)
