"""An unfiltered dense search of a segment small enough to scan is exact, and so the same
question always finds the same passages (Chroma's approximate index did not always)."""

from __future__ import annotations

import numpy as np
import pytest
from index_helpers import PLYMOUTH, PLYMOUTH_QUESTION, settings_for, shared_embedder

from indexing.pipeline import index
from indexing.store import EXACT_MAX_CHUNKS, ChunkStore

pytestmark = pytest.mark.slow


def test_an_unfiltered_search_of_a_small_segment_is_the_exact_nearest_chunks(corpus_copy, tmp_path, monkeypatch):
    settings = settings_for(corpus_copy(tmp_path / "corpus", (PLYMOUTH,)), tmp_path / "data")
    assert index(settings, embedder=shared_embedder()).ok
    view = ChunkStore.open(settings).current()
    segment = view.base
    files = segment.files()
    assert len(files.lexical) <= EXACT_MAX_CHUNKS
    vector = shared_embedder().embed([PLYMOUTH_QUESTION])[0]

    def approximate(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("a small unfiltered search went to Chroma's approximate index")

    monkeypatch.setattr(type(segment), "query", approximate)
    k = 5
    found = view.query(vector, k)  # no council, superseded included: no filter at all
    sims = np.asarray(files.chunk_vectors, dtype=np.float32) @ np.asarray(vector, dtype=np.float32)
    exact = [files.lexical.ids[i] for i in np.argsort(-sims)[:k]]
    assert [chunk_id for chunk_id, _ in found] == exact
    assert [round(score, 5) for _, score in found] == [round(float(sims[i]), 5) for i in np.argsort(-sims)[:k]]
    assert view.query(vector, k) == found
