"""Issue 10: a run that changes a small part of a large index writes only the changed documents
(a delta segment over the base); readers see the base minus what the delta replaced, plus the
delta, in every engine (dense chunks, dense sentences, BM25), and a crash leaves a whole index.
The size limits are lowered here so a two-document library behaves as a large one does."""

from __future__ import annotations

import json

import numpy as np
import pytest
from index_helpers import (
    FOSTERING,
    FOSTERING_QUESTION,
    PLYMOUTH,
    PLYMOUTH_QUESTION,
    add_fostering,
    cited,
    parts,
    settings_for,
    shared_embedder,
)

from assistant.query import content_terms
from assistant.service import GuidanceAssistant
from indexing.curate import remove_document
from indexing.manifest import load_manifest
from indexing.pipeline import check, index
from indexing.store import ChunkStore

pytestmark = pytest.mark.slow

DELTA = {"delta_min_base_chunks": 0, "delta_max_share": 1.0}  # every change fits a delta


@pytest.fixture(scope="module")
def embedder():
    return shared_embedder()


def _pointer(settings) -> dict:  # noqa: ANN001
    return ChunkStore.open(settings).pointer()


def _everywhere(settings, doc_id: str, question: str) -> dict[str, bool]:  # noqa: ANN001
    """Whether each engine of the current index returns a chunk of doc_id for the question. The
    chunks are named from every segment's own arrays, hidden ones included, so a document the
    index must no longer serve is recognised if any engine still returns it."""
    view = ChunkStore.open(settings).current()
    vector = shared_embedder().embed([question])[0]
    doc_of = {}
    for segment in (view.base, view.delta):
        if segment is not None:
            lex = segment.files().lexical
            doc_of.update({chunk_id: lex.doc_names[lex.doc[i]] for i, chunk_id in enumerate(lex.ids)})
    return {
        "dense": any(doc_of.get(c) == doc_id for c, _ in view.query(vector, 50)),
        "sentences": any(doc_of.get(c) == doc_id for c, _ in _best_sentences(view, doc_of, vector, 50)),
        "lexical": any(doc_of.get(c) == doc_id for c, _ in view.lexical(content_terms(question), 50, (), True)),
    }


def _best_sentences(view, chunk_ids, vector, k: int) -> list[tuple[str, float]]:  # noqa: ANN001
    """The k chunks whose best sentence is nearest the question, scored as the answer's sentence
    ranking scores them: from the memory-mapped sentence vectors the index serves for each chunk
    (none for a hidden document's). Each served chunk must have one vector per stored sentence."""
    live = {c.chunk_id: c for c in view.all_chunks()}
    scored = []
    for chunk_id in chunk_ids:
        vectors = view.sentence_vectors(chunk_id)
        if vectors is None:
            continue
        assert chunk_id in live and len(vectors) == len(live[chunk_id].sentences), chunk_id
        if len(vectors):
            scored.append((chunk_id, float(np.max(vectors @ np.asarray(vector, dtype=np.float32)))))
    return sorted(scored, key=lambda hit: -hit[1])[:k]


def test_an_added_document_goes_into_a_delta_and_every_engine_finds_it(tmp_path, corpus_copy, embedder):
    corpus = corpus_copy(tmp_path / "corpus", (PLYMOUTH,))
    settings = settings_for(corpus, tmp_path / "data", **DELTA)
    assert index(settings, embedder).ok
    base = _pointer(settings)["generation"]
    reader = GuidanceAssistant(settings, embedder=embedder)
    assert PLYMOUTH in cited(reader.ask(PLYMOUTH_QUESTION))

    add_fostering(corpus, tmp_path)
    report = index(settings, embedder)
    pointer = _pointer(settings)
    assert report.added == (FOSTERING,) and report.embedded_chunks == report.chunk_counts[FOSTERING]
    assert pointer["generation"] == base and pointer["delta"] > base, "the base was rewritten"
    assert json.loads(pointer["hidden"]) == []
    assert all(_everywhere(settings, FOSTERING, FOSTERING_QUESTION).values())
    assert FOSTERING in cited(reader.ask(FOSTERING_QUESTION))  # the running reader follows
    assert PLYMOUTH in cited(reader.ask(PLYMOUTH_QUESTION))
    assert check(settings).ok

    # The base's document removed: hidden in the base, found by no engine, and no longer cited.
    manifest = load_manifest(settings.manifest_path)
    remove_document(manifest, PLYMOUTH, delete_file=False)
    index(settings, embedder, allow_removal=True)
    pointer = _pointer(settings)
    assert pointer["generation"] == base and json.loads(pointer["hidden"]) == [PLYMOUTH]
    assert not any(_everywhere(settings, PLYMOUTH, PLYMOUTH_QUESTION).values())
    assert PLYMOUTH not in cited(reader.ask(PLYMOUTH_QUESTION))
    assert set(ChunkStore.open(settings).current().indexed_documents()) == {FOSTERING}


def test_a_changed_document_replaces_its_base_copy_and_a_big_change_folds_into_a_new_base(
    tmp_path, corpus_copy, embedder
):
    corpus = corpus_copy(tmp_path / "corpus", (PLYMOUTH,))
    add_fostering(corpus, tmp_path)
    settings = settings_for(corpus, tmp_path / "data", **DELTA)
    assert index(settings, embedder).ok
    base = _pointer(settings)["generation"]
    source = corpus / load_manifest(settings.manifest_path).document(FOSTERING).source_file
    source.write_text(
        source.read_text(encoding="utf-8").replace("within 7 working days", "within 3 working days"), encoding="utf-8"
    )
    report = index(settings, embedder)
    assert report.updated == (FOSTERING,)
    pointer = _pointer(settings)
    assert pointer["generation"] == base and json.loads(pointer["hidden"]) == [FOSTERING]
    answer = GuidanceAssistant(settings, embedder=embedder).ask(FOSTERING_QUESTION)
    assert "3 working days" in answer.text and "7 working days" not in answer.text
    whole = parts(settings)

    # A change larger than the delta may hold is written as a whole new base: same content.
    index(
        settings_for(corpus, tmp_path / "data", delta_min_base_chunks=0, delta_max_share=0.0), embedder, rebuild=False
    )
    assert _pointer(settings)["delta"] >= 0, "nothing changed, so nothing is rewritten"
    index(settings_for(corpus, tmp_path / "data"), embedder, rebuild=True)
    pointer = _pointer(settings)
    assert pointer["delta"] == -1 and pointer["generation"] > base
    assert parts(settings) == whole and check(settings).ok
    assert len(ChunkStore.open(settings).generation_numbers()) <= 3  # the new base, and the previous base + delta


DELTA_FAULTS = [  # a delta run writes one document: its chunks, its sentence vectors, the pointer
    ("begin", 1, "after"),
    ("chunks", 1, "after"),
    ("sentences", 1, "after"),
    ("pointer", 1, "before"),
    ("pointer", 1, "after"),
]  # (a first delta over a fresh base drops nothing: the base is also the previous index)


@pytest.mark.parametrize(("step", "nth", "when"), DELTA_FAULTS, ids=[f"{w}-{s}" for s, _, w in DELTA_FAULTS])
def test_a_crash_while_writing_a_delta_leaves_a_whole_index(
    tmp_path, monkeypatch, corpus_copy, embedder, step, nth, when
):
    from test_consistency import Crash, crash_at

    corpus = corpus_copy(tmp_path / "corpus", (PLYMOUTH,))
    settings = settings_for(corpus, tmp_path / "data", **DELTA)
    assert index(settings, embedder).ok
    before = parts(settings)
    reader = GuidanceAssistant(settings, embedder=embedder)
    add_fostering(corpus, tmp_path)
    with crash_at(monkeypatch, step, nth, when), pytest.raises(Crash):
        index(settings, embedder)
    assert not check(settings).problems
    assert parts(settings) in (before, {**before, FOSTERING: parts(settings).get(FOSTERING)})
    assert PLYMOUTH in cited(reader.ask(PLYMOUTH_QUESTION))
    assert index(settings, embedder).ok  # the next run completes it
    assert set(parts(settings)) == {PLYMOUTH, FOSTERING} and check(settings).ok
    assert FOSTERING in cited(reader.ask(FOSTERING_QUESTION))
    assert len(ChunkStore.open(settings).generation_numbers()) <= 3  # base, delta, and the previous delta at most


def test_a_carried_over_document_keeps_the_manifest_hash_it_was_indexed_with(tmp_path, corpus_copy, embedder):
    """Stockton's entry has exclude_sections, which its chunk records do not hold: copying it into
    the next index must keep its hash, or every later run would see it as changed."""
    from indexing.pipeline import status

    stockton = "stockton-children-in-need-review-2019"
    corpus = corpus_copy(tmp_path / "corpus", (PLYMOUTH, stockton))
    assert load_manifest(corpus / "manifest.yaml").document(stockton).exclude_sections
    settings = settings_for(corpus, tmp_path / "data")
    assert index(settings, embedder).ok
    source = corpus / load_manifest(settings.manifest_path).document(PLYMOUTH).source_file
    source.write_bytes(source.read_bytes() + b"\n\nA closing line added for this test.\n")
    report = index(settings, embedder)
    assert report.updated == (PLYMOUTH,) and report.unchanged == (stockton,)
    assert not status(settings).stale, status(settings)


def test_a_large_librarys_new_base_drops_the_one_it_replaced_once_readers_had_time(tmp_path, corpus_copy, embedder):
    """The old base goes with the run that replaced it (after the readers' grace), so the next
    one-document run of a large library does not pay for deleting it; a small library keeps the
    index before the current one until the next run, as before."""
    import time

    from indexing.store import open_client

    corpus = corpus_copy(tmp_path / "corpus", (PLYMOUTH,))
    large = settings_for(corpus, tmp_path / "data", **DELTA)  # a base of any size counts as large
    grace = 1.0
    store = ChunkStore(open_client(large), large.collection, large.data_dir / "segments", reader_grace=grace)
    assert index(large, embedder, store=store).ok
    reader = GuidanceAssistant(large, embedder=embedder)
    assert PLYMOUTH in cited(reader.ask(PLYMOUTH_QUESTION))
    first = store.pointer()["generation"]

    assert index(large, embedder, rebuild=True, store=store).ok
    pointer = store.pointer()
    assert time.time() - pointer["committed_at"] >= grace, "dropped before readers had their grace"
    assert store.generation_numbers() == [pointer["generation"]] and pointer["previous"] == first
    assert not (large.data_dir / "segments" / f"{large.collection}_g{first:06d}").exists()
    assert PLYMOUTH in cited(reader.ask(PLYMOUTH_QUESTION))  # a reader moves on to the new base

    small = settings_for(corpus, tmp_path / "data")  # 5,000 chunks at least count as large by default
    assert index(small, embedder, rebuild=True).ok
    assert len(ChunkStore.open(small).generation_numbers()) == 2, "the index before is kept for readers"
