"""Issue 13: an index run that crashes at any step leaves readers on a whole index and the next run
completes it; one writer at a time; a half-written document is found and repaired; a manifest
that would empty the index is refused; questions never index."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
from index_helpers import (
    FOSTERING,
    FOSTERING_QUESTION,
    FOSTERING_TEXT,
    PLYMOUTH,
    PLYMOUTH_QUESTION,
    add_fostering,
    cited,
    parts,
    settings_for,
    shared_embedder,
)

from assistant.cli import main
from assistant.service import GuidanceAssistant
from indexing.curate import remove_document
from indexing.lock import IndexBusy
from indexing.manifest import load_manifest
from indexing.pipeline import RemovalRefused, check, index, prepare
from indexing.store import ChunkStore, Generation

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


class Crash(RuntimeError):
    """The injected fault: stands for a kill or a crash at that point of the run."""


# (step, which call, before or after the real write). With two documents a run writes: the
# new generation's collections (begin), document 1's chunks then its sentence vectors, the same
# for document 2, the pointer, then drops the generations readers no longer use.
FAULTS = [
    ("begin", 1, "after"),
    ("chunks", 1, "after"),  # first document: chunks written, sentence vectors not
    ("sentences", 1, "after"),  # first document whole, second not started
    ("chunks", 2, "after"),  # the reported crash: the new document's chunks without its vectors
    ("sentences", 2, "after"),  # everything written, not yet committed
    ("pointer", 1, "before"),
    ("pointer", 1, "after"),  # committed, old generation not yet dropped
    ("drop", 1, "before"),
]


@contextmanager
def crash_at(monkeypatch, step: str, nth: int, when: str):
    calls: Counter = Counter()

    def wrap(owner, attr: str, applies=lambda args: True) -> None:  # noqa: ANN001
        real = getattr(owner, attr)

        def faulty(self, *args, **kwargs):  # noqa: ANN001, ANN202
            if not applies(args):
                return real(self, *args, **kwargs)
            calls[step] += 1
            if calls[step] == nth and when == "before":
                raise Crash(f"before {step} #{nth}")
            result = real(self, *args, **kwargs)
            if calls[step] == nth:
                raise Crash(f"after {step} #{nth}")
            return result

        patch.setattr(owner, attr, faulty)

    with monkeypatch.context() as patch:
        if step in ("chunks", "sentences"):
            wrap(Generation, "_add", lambda args: args[0] == step)
        else:
            wrap(ChunkStore, {"begin": "begin", "pointer": "_set_pointer", "drop": "_drop"}[step])
        yield calls
    assert calls[step] >= nth, f"the run never reached {step} #{nth}"


@pytest.fixture(scope="module")
def embedder():
    return shared_embedder()


@pytest.fixture(scope="module")
def corpora(tmp_path_factory, corpus_copy, embedder):
    """One corpus with Plymouth alone, one with Plymouth and York's private fostering procedure,
    and the parts (chunks, sentence vectors) a clean build of the second has."""
    root = tmp_path_factory.mktemp("consistency")
    one = corpus_copy(root / "one", (PLYMOUTH,))
    two = corpus_copy(root / "two", (PLYMOUTH,))
    add_fostering(two, root)
    clean = settings_for(two, root / "clean")
    assert index(clean, embedder).ok
    return one, two, parts(clean)


@pytest.mark.parametrize("run", ["add", "rebuild"])
@pytest.mark.parametrize(("step", "nth", "when"), FAULTS, ids=[f"{w}-{s}-{n}" for s, n, w in FAULTS])
def test_a_crash_at_any_step_leaves_a_whole_index_and_the_next_run_completes_it(
    tmp_path, monkeypatch, corpora, embedder, run, step, nth, when
):
    one, two, clean = corpora
    data = tmp_path / "data"
    start = settings_for(one if run == "add" else two, data)
    assert index(start, embedder).ok
    assert index(start, embedder, rebuild=True).ok  # two generations: the run below drops the older
    before = parts(start)
    target = settings_for(two, data)
    reader = GuidanceAssistant(target, embedder=embedder)
    assert PLYMOUTH in cited(reader.ask(PLYMOUTH_QUESTION))

    with crash_at(monkeypatch, step, nth, when), pytest.raises(Crash):
        index(target, embedder, rebuild=run == "rebuild")

    # Readers see the old index or the new one, whole either way, and keep answering.
    assert not check(target).problems
    assert parts(target) in (before, clean)
    assert PLYMOUTH in cited(reader.ask(PLYMOUTH_QUESTION))

    report = index(target, embedder)  # the next run
    assert report.ok and not report.repaired
    assert parts(target) == clean
    assert check(target).ok, check(target).summary()
    assert FOSTERING in cited(reader.ask(FOSTERING_QUESTION))
    assert PLYMOUTH in cited(reader.ask(PLYMOUTH_QUESTION))
    assert len(ChunkStore.open(target).generation_numbers()) <= 2, "old or half-written generations were left"


def _write_whole(generation: Generation, settings, embedder, doc_id: str) -> None:  # noqa: ANN001
    from indexing.pipeline import document_hash

    manifest = load_manifest(settings.manifest_path)
    meta = manifest.document(doc_id)
    chunks = prepare(meta, manifest, settings)
    vectors = [embedder.embed(list(c.sentences)) for c in chunks]
    doc_hash = document_hash(manifest.corpus_dir / meta.source_file, meta, settings)
    generation.write_document(doc_id, chunks, embedder.embed([c.embed_text for c in chunks]), vectors, doc_hash)


def test_a_half_written_document_is_reported_by_check_and_repaired_by_index(
    tmp_path, monkeypatch, corpora, embedder, capsys
):
    """The reported case exactly: an index written in place (before generations) where a crash
    left the new document's chunks, carrying its hash, without its sentence vectors."""
    _, two, clean = corpora
    settings = settings_for(two, tmp_path / "data")
    client = ChunkStore.open(settings).client
    space = {"hnsw:space": "cosine"}
    legacy = Generation(
        client.create_collection("guidance_chunks", metadata=space, embedding_function=None),
        client.create_collection("guidance_sentences", metadata=space, embedding_function=None),
        0,
        "legacy",
    )
    for doc_id in (PLYMOUTH, FOSTERING):
        _write_whole(legacy, settings, embedder, doc_id)
    legacy.sentences.delete(where={"doc_id": FOSTERING})
    monkeypatch.setenv("GUIDANCE_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("GUIDANCE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("GUIDANCE_CHROMA_HOST", "")

    assert main(["index", "--check"]) == 1
    out = capsys.readouterr().out
    assert f"INCOMPLETE {FOSTERING}: 0 of {clean[FOSTERING][1]} sentence vectors" in out and PLYMOUTH not in out

    report = index(settings, embedder)
    assert [doc for doc, _ in report.repaired] == [FOSTERING] and report.unchanged == (PLYMOUTH,)
    assert "repaired" in report.summary()
    assert parts(settings) == clean
    assert main(["index", "--check"]) == 0
    assert "OK: every document is whole" in capsys.readouterr().out

    # A chunk lost from a committed generation is found and repaired the same way.
    current = ChunkStore.open(settings).current().base
    current.chunks.delete(ids=current.chunks.get(where={"doc_id": FOSTERING}, include=[])["ids"][:1])
    problems = check(settings).problems
    assert problems[FOSTERING].startswith(f"{clean[FOSTERING][0] - 1} of {clean[FOSTERING][0]} chunks")
    assert [doc for doc, _ in index(settings, embedder).repaired] == [FOSTERING]
    assert parts(settings) == clean
    reader = GuidanceAssistant(settings, embedder=embedder)
    assert FOSTERING in cited(reader.ask(FOSTERING_QUESTION))


def test_one_writer_at_a_time_and_a_dead_writers_lock_is_taken_over(tmp_path, monkeypatch, corpora, embedder, capsys):
    one, _, _ = corpora
    settings = settings_for(one, tmp_path / "data")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from indexing.lock import index_lock\n"
            "with index_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)",
            str(settings.data_dir),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(IndexBusy, match=rf"another index is running \(pid {holder.pid} since \d{{4}}-"):
            index(settings, embedder)
        monkeypatch.setenv("GUIDANCE_CORPUS_DIR", str(settings.corpus_dir))
        monkeypatch.setenv("GUIDANCE_DATA_DIR", str(settings.data_dir))
        monkeypatch.setenv("GUIDANCE_CHROMA_HOST", "")
        assert main(["index", "--check"]) == 1  # reading needs no lock; says an index is running
        assert f"An index is running now (pid {holder.pid}" in capsys.readouterr().out
        assert main(["index"]) == 2
        assert f"error: another index is running (pid {holder.pid} since" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
    # The holder was killed without releasing anything: its lock file still names it.
    assert json.loads((settings.data_dir / "index.lock").read_text())["pid"] == holder.pid
    report = index(settings, embedder)
    assert report.ok and report.added == (PLYMOUTH,)
    assert f"took over from an index run that did not finish (pid {holder.pid}" in report.summary()


def test_a_manifest_that_would_empty_the_index_is_refused(
    tmp_path, monkeypatch, corpora, embedder, capsys, corpus_copy
):
    corpus = corpus_copy(tmp_path / "corpus", (PLYMOUTH,))
    add_fostering(corpus, tmp_path)
    settings = settings_for(corpus, tmp_path / "data")
    assert index(settings, embedder).ok
    before = parts(settings)
    manifest = load_manifest(settings.manifest_path)
    for doc_id in manifest.doc_ids:
        manifest = remove_document(manifest, doc_id)  # an emptied document list; the files stay

    with pytest.raises(RemovalRefused, match="would remove 2 of the 2 indexed documents"):
        index(settings, embedder)
    assert parts(settings) == before
    monkeypatch.setenv("GUIDANCE_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("GUIDANCE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("GUIDANCE_CHROMA_HOST", "")
    assert main(["index"]) == 2
    assert "--allow-removal" in capsys.readouterr().err
    assert parts(settings) == before

    report = index(settings, embedder, allow_removal=True)
    assert sorted(report.removed) == sorted(before)
    assert not ChunkStore.open(settings).indexed_documents()


def test_questions_never_index_and_report_a_stale_index(tmp_path, monkeypatch, corpora, embedder, capsys, corpus_copy):
    corpus = corpus_copy(tmp_path / "corpus", (PLYMOUTH,))
    settings = settings_for(corpus, tmp_path / "data")
    assert index(settings, embedder).ok
    generation = ChunkStore.open(settings).pointer()["generation"]
    add_fostering(corpus, tmp_path)  # the manifest is now ahead of the index
    monkeypatch.setenv("GUIDANCE_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("GUIDANCE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("GUIDANCE_CHROMA_HOST", "")

    assert main(["ask", PLYMOUTH_QUESTION]) == 0
    captured = capsys.readouterr()
    assert "10 working days" in captured.out
    assert f"note: The index is behind the library manifest: 1 new ({FOSTERING})" in captured.err
    assert ChunkStore.open(settings).pointer()["generation"] == generation
    assert FOSTERING not in ChunkStore.open(settings).indexed_documents()
    assert main(["index", "--check"]) == 1


def test_add_while_an_index_runs_says_the_document_is_not_indexed_yet(
    tmp_path, monkeypatch, embedder, capsys, corpus_copy
):
    from indexing.lock import index_lock

    corpus = corpus_copy(tmp_path / "corpus", (PLYMOUTH,))  # its own: `add` changes the corpus
    settings = settings_for(corpus, tmp_path / "data")
    assert index(settings, embedder).ok
    for name, value in (("CORPUS_DIR", corpus), ("DATA_DIR", settings.data_dir), ("CHROMA_HOST", "")):
        monkeypatch.setenv(f"GUIDANCE_{name}", str(value))
    source = tmp_path / "private-fostering.md"
    source.write_text(FOSTERING_TEXT, encoding="utf-8")
    with index_lock(settings.data_dir):
        assert (
            main(
                [
                    "add",
                    str(source),
                    "--authority",
                    "York",
                    "--title",
                    "Private fostering",
                    "--date",
                    "2024-05-01",
                    "--id",
                    FOSTERING,
                ]
            )
            == 2
        )
    err = capsys.readouterr().err
    assert f"another index is running (pid {os.getpid()}" in err
    assert f"{FOSTERING} is now in the library but NOT indexed: run `guidance index`" in err
    assert main(["index"]) == 0
    assert FOSTERING in ChunkStore.open(settings).indexed_documents()


def test_lock_file_names_its_holder_while_held(tmp_path):
    from indexing.lock import index_lock, lock_holder

    with index_lock(tmp_path) as abandoned:
        assert abandoned is None
        holder = lock_holder(tmp_path)
        assert holder.pid == os.getpid() and holder.host == socket.gethostname()
        assert abs(holder.since - time.time()) < 60
        with pytest.raises(IndexBusy), index_lock(tmp_path):
            pass  # a second writer in the same process is refused too
    assert lock_holder(tmp_path) is None
