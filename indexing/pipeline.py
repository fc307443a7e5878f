"""The one indexing entry point: corpus (manifest + files) -> Chroma, incrementally and safely."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import Settings
from assistant.types import Chunk, DocumentMeta, content_hash
from indexing.chunk import chunk_document
from indexing.embed import Embedder
from indexing.load import LoadError, load
from indexing.lock import index_lock, lock_holder
from indexing.manifest import Manifest, load_manifest
from indexing.report import CheckReport, IndexReport, IndexStatus
from indexing.store import ChunkStore, Generation, IndexedDocument, meta_hash

# Bump when parsing or chunking changes, so every document is re-chunked and re-embedded.
PARSER_VERSION = "5"  # 5: markdown pipe tables; long tables split by row; one sentence per row

Progress = Callable[[str, int, int], None]
__all__ = ["CheckReport", "IndexReport", "IndexStatus", "RemovalRefused", "check", "index", "needs_indexing", "status"]


class RemovalRefused(RuntimeError):
    """The manifest would take most of the library out of the index; nothing was changed."""


class IncompleteIndex(RuntimeError):
    """A generation failed its check after writing; it was not committed (readers keep the old one)."""


@dataclass(frozen=True)
class _Step:
    """One document's part of a run: carried over from the previous generation, or embedded."""

    meta: DocumentMeta
    action: str  # copy | copy-meta (manifest entry changed, file not) | embed
    chunks: tuple[Chunk, ...] = ()
    doc_hash: str = ""


def document_hash(path: Path, meta: DocumentMeta, settings: Settings) -> str:
    """Changes when the file, the chunking settings or the excluded sections change."""
    try:
        raw = path.read_bytes()
    except OSError:
        raw = b""
    key = f"{PARSER_VERSION}|{settings.chunk_chars}|{settings.chunk_max_chars}|{meta.exclude_sections}|"
    return content_hash(key + content_hash(raw.decode("latin-1")))


def prepare(meta: DocumentMeta, manifest: Manifest, settings: Settings) -> list[Chunk]:
    """Load and chunk one document; raises LoadError for bad input."""
    doc = load(manifest.corpus_dir / meta.source_file, meta, settings.max_file_mb)
    chunks = chunk_document(doc, settings.chunk_chars, settings.chunk_max_chars, meta.exclude_sections)
    if not chunks:
        raise LoadError(f"{Path(meta.source_file).name}: no indexable text after parsing")
    return chunks


def index(
    settings: Settings,
    embedder: Embedder,
    *,
    rebuild: bool = False,
    allow_removal: bool = False,
    store: ChunkStore | None = None,
    progress: Progress | None = None,
) -> IndexReport:
    """Bring the store in line with the manifest, one writer at a time (IndexBusy otherwise).

    Unchanged documents are carried over without re-embedding; withdrawn or removed ones are
    left out; a document that fails to load keeps its previous chunks (or stays out) and is
    reported; a document the current index holds only partly is re-embedded whole. Everything
    is written into a new generation that readers see only once every document in it has been
    checked whole, so a run that crashes or is killed at any point changes nothing they see.
    """
    started = time.perf_counter()
    store = store or ChunkStore.open(settings)
    with index_lock(settings.data_dir) as abandoned:
        notes = [f"took over from an index run that did not finish ({abandoned.describe()})"] if abandoned else []
        manifest = load_manifest(settings.manifest_path)
        previous = store.current()
        indexed = previous.indexed_documents() if previous else {}
        broken = previous.problems() if previous else {}
        wanted = {m.doc_id: m for m in manifest.documents if m.status != "withdrawn"}
        removed = sorted(set(indexed) - set(wanted))
        _refuse_mass_removal(removed, indexed, allow_removal)

        report: dict[str, list] = {
            k: [] for k in ("added", "updated", "metadata_only", "unchanged", "failed", "repaired")
        }
        plan: list[_Step] = []
        for meta in wanted.values():
            doc_hash = document_hash(manifest.corpus_dir / meta.source_file, meta, settings)
            before = indexed.get(meta.doc_id)
            whole = before is not None and meta.doc_id not in broken
            if before is not None and whole and before.doc_hash == doc_hash and not rebuild:
                same = before.meta_hash == meta_hash(meta)
                report["unchanged" if same else "metadata_only"].append(meta.doc_id)
                plan.append(_Step(meta, "copy" if same else "copy-meta"))
                continue
            chunks = _try_prepare(meta, manifest, settings)
            if isinstance(chunks, str):
                report["failed"].append((meta.doc_id, chunks))
                if whole:
                    plan.append(_Step(meta, "copy"))  # the previous version keeps serving
                continue
            if meta.doc_id in broken:
                report["repaired"].append((meta.doc_id, broken[meta.doc_id]))
            else:
                report["updated" if before else "added"].append(meta.doc_id)
            plan.append(_Step(meta, "embed", tuple(chunks), doc_hash))

        changes = [step for step in plan if step.action != "copy"]
        dropped_broken = set(broken) - {step.meta.doc_id for step in plan}
        if not (changes or removed or dropped_broken) and previous is not None:
            generation, embedded = previous, 0
        else:
            generation, embedded = _write_generation(store, previous, plan, embedder, progress)
            store.commit(generation, documents=len(plan))
        store.drop_old()  # also what a run that stopped after its commit left behind
        counts = {d.doc_id: d.chunks for d in generation.indexed_documents().values()}
    return IndexReport(
        added=tuple(report["added"]),
        updated=tuple(report["updated"]),
        metadata_only=tuple(report["metadata_only"]),
        unchanged=tuple(report["unchanged"]),
        removed=tuple(removed),
        failed=tuple(report["failed"]),
        repaired=tuple(report["repaired"]),
        chunks=sum(counts.values()),
        embedded_chunks=embedded,
        seconds=time.perf_counter() - started,
        chunk_counts=counts,
        generation=generation.number,
        notes=tuple(notes),
    )


def _write_generation(
    store: ChunkStore,
    previous: Generation | None,
    plan: list[_Step],
    embedder: Embedder,
    progress: Progress | None,
) -> tuple[Generation, int]:
    """Write every planned document into a new generation and check it whole before it is used."""
    generation = store.begin()
    embedded = 0
    for position, step in enumerate(plan, start=1):
        meta, chunks = step.meta, list(step.chunks)
        if progress:
            progress(meta.doc_id, position, len(plan))
        if step.action != "embed":
            assert previous is not None, "only a document already indexed is carried over"
            generation.copy_document(previous, meta.doc_id, meta if step.action == "copy-meta" else None)
            continue
        chunk_vectors = embedder.embed([c.embed_text for c in chunks])
        flat = [s for c in chunks for s in c.sentences]
        flat_vectors = embedder.embed(flat) if flat else []
        sentence_vectors, cursor = [], 0
        for c in chunks:
            sentence_vectors.append(flat_vectors[cursor : cursor + len(c.sentences)])
            cursor += len(c.sentences)
        generation.write_document(meta.doc_id, chunks, chunk_vectors, sentence_vectors, step.doc_hash)
        embedded += len(chunks)
    problems = generation.problems()
    missing = {step.meta.doc_id for step in plan} - set(generation.indexed_documents())
    if problems or missing:
        found = [f"{d}: {p}" for d, p in sorted(problems.items())] + [f"{d}: not written" for d in sorted(missing)]
        raise IncompleteIndex(f"the new index failed its check ({'; '.join(found)}); the previous one is still used")
    return generation, embedded


def _refuse_mass_removal(removed: list[str], indexed: dict[str, IndexedDocument], allow: bool) -> None:
    """An emptied or truncated manifest.yaml must not silently empty the index: removing every
    document, or more than half of them, needs --allow-removal."""
    if allow or not removed or 2 * len(removed) <= len(indexed):
        return
    names = ", ".join(removed[:5]) + (", …" if len(removed) > 5 else "")
    raise RemovalRefused(
        f"the manifest would remove {len(removed)} of the {len(indexed)} indexed documents ({names}). "
        "Nothing was changed. If manifest.yaml was emptied or cut by mistake, restore it; if the removal "
        "is intended, run `guidance index --allow-removal`."
    )


def _try_prepare(meta: DocumentMeta, manifest: Manifest, settings: Settings) -> list[Chunk] | str:
    try:
        return prepare(meta, manifest, settings)
    except LoadError as exc:
        return str(exc)


def status(settings: Settings, store: ChunkStore | None = None) -> IndexStatus:
    """Documents the manifest has that the index lacks, differs on, or should no longer hold."""
    manifest = load_manifest(settings.manifest_path)
    store = store or ChunkStore.open(settings)
    current = store.current()
    indexed = current.indexed_documents() if current else {}
    wanted = {m.doc_id: m for m in manifest.documents if m.status != "withdrawn"}
    changed = []
    for doc_id, meta in wanted.items():
        prev = indexed.get(doc_id)
        if prev is None:
            continue
        file_hash = document_hash(manifest.corpus_dir / meta.source_file, meta, settings)
        if prev.doc_hash != file_hash or prev.meta_hash != meta_hash(meta):
            changed.append(doc_id)
    return IndexStatus(
        new=tuple(d for d in wanted if d not in indexed),
        changed=tuple(changed),
        removed=tuple(sorted(set(indexed) - set(wanted))),
        empty=not indexed,
    )


def needs_indexing(settings: Settings, store: ChunkStore | None = None) -> bool:
    """True when the index is missing or any document changed since it was built (no model needed)."""
    state = status(settings, store)
    return state.empty or state.stale


def check(settings: Settings, store: ChunkStore | None = None) -> CheckReport:
    """Verify the current generation document by document (read-only; no lock, no model)."""
    store = store or ChunkStore.open(settings)
    current = store.current()
    if current is None:
        return CheckReport("none", 0, 0, 0, {}, status(settings, store), lock_holder(settings.data_dir))
    return CheckReport(
        generation=current.label,
        documents=len(current.indexed_documents()),
        chunks=current.count(),
        sentences=current.sentence_count(),
        problems=current.problems(),
        status=status(settings, store),
        running=lock_holder(settings.data_dir),
    )
