"""The one indexing entry point: corpus (manifest + files) -> Chroma, incrementally and safely."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import Settings
from assistant.types import Chunk, DocumentMeta, content_hash
from indexing.chunk import chunk_document
from indexing.embed import Embedder, embed_ahead
from indexing.load import LoadError, load
from indexing.lock import index_lock, lock_holder
from indexing.manifest import Manifest, load_manifest
from indexing.report import CheckReport, IndexReport, IndexStatus
from indexing.store import ChunkStore, Generation, IndexedDocument, IndexView, meta_hash

# Bump when parsing or chunking changes, so every document is re-chunked and re-embedded.
PARSER_VERSION = "13"  # 5: markdown pipe tables, tables by row; 6: sentence records carry council and status;
# 7: a document's table of contents is not indexed; 8: contractions are words, not fragments
# ("doesn't" -> "does not"), in the BM25 terms and known words as in questions; 9: the same typed
# without the apostrophe ("cant"), and "-ied" stems as "-ies" does ("carried", "carries": "carry");
# 10: a footnote or reference-list entry citing a publication is not a sentence to answer from;
# 11: markdown single-star emphasis and a quoted block's "> " are not part of the text;
# 12: a numbered line in a table of contents is an entry, not a heading over what follows;
# 13: a longer line in title case is a heading ("Action to be taken by Local Authority on Receipt …")
# An index larger than this is not re-read record by record on every run to find half-written
# documents (seconds at 10k chunks, which would swamp a one-document delta run): its committed
# segments were each checked whole before their commit, and `guidance index --check` still reads
# everything. Below it, every run checks (cheap), which also repairs an index written in place
# before generations existed.
DEEP_CHECK_MAX_CHUNKS = 5_000
# Under the data folder: what an index run keeps to skip work the next run would repeat (the
# manifest's checked parse). Deleting it only costs the next run that work again.
CACHE_FOLDER = "cache"

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
        report, removed, number, embedded, replaced = _run(settings, embedder, store, rebuild, allow_removal, progress)
        # Also what a run that stopped after its commit left behind. A large base this run replaced
        # goes now, once readers have had time to finish with it, not with the next small run.
        store.drop_old(replaced_too=replaced > 0 and replaced >= settings.delta_min_base_chunks)
        now = store.current()
        counts = {d.doc_id: d.chunks for d in now.indexed_documents().values()} if now else {}
    notes = [f"took over from an index run that did not finish ({abandoned.describe()})"] if abandoned else []
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
        generation=number,
        notes=tuple(notes),
    )


def _run(
    settings: Settings,
    embedder: Embedder,
    store: ChunkStore,
    rebuild: bool,
    allow_removal: bool,
    progress: Progress | None,
) -> tuple[dict[str, list], list[str], int, int, int]:
    """Plan the run against the manifest and the current index, write and commit what changed:
    (what happened to each document, the removed ones, the generation readers now use, chunks
    embedded, and the chunks of the previous index when this run replaced it with a new base)."""
    manifest = load_manifest(settings.manifest_path, settings.data_dir / CACHE_FOLDER)
    previous = store.current()
    indexed = previous.indexed_documents() if previous else {}
    deep = previous is not None and (previous.base.number == 0 or previous.count() <= DEEP_CHECK_MAX_CHUNKS)
    broken = previous.problems() if deep and previous is not None else {}
    wanted = {m.doc_id: m for m in manifest.documents if m.status != "withdrawn"}
    removed = sorted(set(indexed) - set(wanted))
    _refuse_mass_removal(removed, indexed, allow_removal)

    report: dict[str, list] = {k: [] for k in ("added", "updated", "metadata_only", "unchanged", "failed", "repaired")}
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

    replaced = 0
    changes = [step for step in plan if step.action != "copy"]
    dropped_broken = set(broken) - {step.meta.doc_id for step in plan}
    if not (changes or removed or dropped_broken) and previous is not None:
        number, embedded = previous.delta.number if previous.delta else previous.number, 0
    elif previous is not None and not rebuild and not broken and _fits_a_delta(previous, plan, settings):
        steps, hidden = _delta_plan(previous, plan)
        generation, embedded = _write_generation(store, previous, steps, embedder, progress)
        store.commit(generation, documents=len(plan), base=previous, hidden=hidden)
        number = generation.number
    else:
        generation, embedded = _write_generation(store, previous, plan, embedder, progress)
        store.commit(generation, documents=len(plan))
        number = generation.number
        replaced = previous.count() if previous is not None else 0
    return report, removed, number, embedded, replaced


def _fits_a_delta(previous: IndexView, plan: list[_Step], settings: Settings) -> bool:
    """Whether this run writes a delta over the current base rather than a whole new base."""
    base = previous.base
    if base.number == 0:  # the legacy in-place index is always replaced whole
        return False
    base_chunks = sum(e.chunks for e in base.indexed_documents().values())
    if base_chunks < settings.delta_min_base_chunks:
        return False
    steps, _ = _delta_plan(previous, plan)
    indexed = previous.indexed_documents()
    size = sum(len(s.chunks) if s.action == "embed" else indexed[s.meta.doc_id].chunks for s in steps)
    return size <= settings.delta_max_share * base_chunks


def _delta_plan(previous: IndexView, plan: list[_Step]) -> tuple[list[_Step], frozenset[str]]:
    """The documents a delta must hold (every changed one, and the previous delta's unchanged
    ones), and the base's documents readers must no longer see there."""
    in_delta = set(previous.delta.indexed_documents()) if previous.delta else set()
    steps = [s for s in plan if s.action != "copy" or s.meta.doc_id in in_delta]
    served_by_base = {s.meta.doc_id for s in plan if s.action == "copy" and s.meta.doc_id not in in_delta}
    hidden = frozenset(set(previous.base.indexed_documents()) - served_by_base)
    return steps, hidden


def _write_generation(
    store: ChunkStore,
    previous: IndexView | None,
    plan: list[_Step],
    embedder: Embedder,
    progress: Progress | None,
) -> tuple[Generation, int]:
    """Write the planned documents into a new segment and check it whole before it is used:
    carried-over documents are copied with their vectors; the rest are embedded in one pass."""
    generation = store.begin()
    embedded = 0
    for position, step in enumerate(plan, start=1):
        if step.action == "embed":
            continue
        if progress:
            progress(step.meta.doc_id, position, len(plan))
        assert previous is not None, "only a document already indexed is carried over"
        generation.copy_document(previous, step.meta.doc_id, step.meta if step.action == "copy-meta" else None)
    to_embed = [step for step in plan if step.action == "embed"]
    for step, (chunk_vectors, sentence_vectors) in zip(
        to_embed, embed_ahead(embedder, [list(s.chunks) for s in to_embed]), strict=True
    ):
        if progress:
            progress(step.meta.doc_id, plan.index(step) + 1, len(plan))
        generation.write_document(step.meta.doc_id, list(step.chunks), chunk_vectors, sentence_vectors, step.doc_hash)
        embedded += len(step.chunks)
    problems = generation.problems()
    missing = {step.meta.doc_id for step in plan} - set(generation.records_catalogue())
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
    manifest = load_manifest(settings.manifest_path, settings.data_dir / CACHE_FOLDER)
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
