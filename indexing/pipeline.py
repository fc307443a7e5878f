"""The one indexing entry point: corpus (manifest + files) -> Chroma, incrementally and safely."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.settings import Settings
from assistant.types import Chunk, DocumentMeta, content_hash
from indexing.chunk import chunk_document
from indexing.embed import Embedder
from indexing.load import LoadError, load
from indexing.lock import LockHolder, index_lock, lock_holder
from indexing.manifest import Manifest, load_manifest
from indexing.store import ChunkStore, Generation, IndexedDocument, meta_hash

# Bump when parsing or chunking changes, so every document is re-chunked and re-embedded.
PARSER_VERSION = "5"  # 5: markdown pipe tables; long tables split by row; one sentence per row

Progress = Callable[[str, int, int], None]


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


@dataclass(frozen=True)
class IndexReport:
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    metadata_only: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()  # (doc_id, reason): previous chunks keep serving
    repaired: tuple[tuple[str, str], ...] = ()  # (doc_id, what was missing): re-embedded whole
    chunks: int = 0
    embedded_chunks: int = 0
    seconds: float = 0.0
    chunk_counts: dict = field(default_factory=dict)
    generation: int | None = None  # the generation readers now use
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        parts = [
            f"{len(self.added)} added",
            f"{len(self.updated)} re-indexed",
            f"{len(self.metadata_only)} metadata updated",
            f"{len(self.unchanged)} unchanged",
            f"{len(self.removed)} removed",
        ]
        if self.repaired:
            parts.append(f"{len(self.repaired)} repaired")
        text = f"Index: {', '.join(parts)}; {self.chunks} chunks in {self.seconds:.1f}s."
        for note in self.notes:
            text += f"\n  {note}"
        for doc_id, problem in self.repaired:
            text += f"\n  repaired {doc_id}: it was half-written ({problem}); re-embedded whole"
        for doc_id, reason in self.failed:
            text += f"\n  NOT indexed {doc_id}: {reason} (anything indexed before is still served)"
        return text


@dataclass(frozen=True)
class IndexStatus:
    """How the index compares with the manifest, without a model or any writing."""

    new: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    empty: bool = False

    @property
    def stale(self) -> bool:
        return bool(self.new or self.changed or self.removed)

    def notice(self) -> str:
        """One line for stderr or the app; empty when the index is up to date."""
        if self.empty:
            return "The guidance library has not been indexed yet: run `guidance index`."
        if not self.stale:
            return ""
        parts = [
            f"{len(ids)} {what} ({', '.join(ids[:3])}{', …' if len(ids) > 3 else ''})"
            for what, ids in (("new", self.new), ("changed", self.changed), ("to remove", self.removed))
            if ids
        ]
        return (
            f"The index is behind the library manifest: {'; '.join(parts)}. Answers come from the last "
            "index until someone runs `guidance index`."
        )


@dataclass(frozen=True)
class CheckReport:
    """`guidance index --check`: is the current generation whole, and does it match the manifest?"""

    generation: str
    documents: int
    chunks: int
    sentences: int
    problems: dict[str, str]  # doc_id -> what is missing
    status: IndexStatus
    running: LockHolder | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and not self.status.stale and not self.status.empty

    def summary(self) -> str:
        lines = [
            f"Index ({self.generation}): {self.documents} documents, {self.chunks} chunks, "
            f"{self.sentences} sentence vectors."
        ]
        lines += [f"  INCOMPLETE {doc_id}: {problem}" for doc_id, problem in sorted(self.problems.items())]
        if self.status.notice():
            lines.append(f"  {self.status.notice()}")
        if self.running:
            lines.append(f"  An index is running now ({self.running.describe()}).")
        if self.problems:
            lines.append("  Run `guidance index` to repair: incomplete documents are re-embedded whole.")
        lines.append("OK: every document is whole and matches the manifest." if self.ok else "Problems found.")
        return "\n".join(lines)


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
