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
from indexing.manifest import Manifest, load_manifest
from indexing.store import ChunkStore, meta_hash

# Bump when parsing or chunking changes, so every document is re-chunked and re-embedded.
PARSER_VERSION = "5"  # 5: markdown pipe tables; long tables split by row; one sentence per row

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class IndexReport:
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    metadata_only: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()  # (doc_id, reason): previous chunks keep serving
    chunks: int = 0
    embedded_chunks: int = 0
    seconds: float = 0.0
    chunk_counts: dict = field(default_factory=dict)

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
        text = f"Index: {', '.join(parts)}; {self.chunks} chunks in {self.seconds:.1f}s."
        for doc_id, reason in self.failed:
            text += f"\n  NOT indexed {doc_id}: {reason} (anything indexed before is still served)"
        return text


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
    store: ChunkStore | None = None,
    progress: Progress | None = None,
) -> IndexReport:
    """Bring the store in line with the manifest. Unchanged documents are not re-embedded;
    withdrawn or removed documents are deleted; a document that fails to load keeps its
    previous chunks (or stays out) and is reported, never half-written."""
    started = time.perf_counter()
    manifest = load_manifest(settings.manifest_path)
    store = store or ChunkStore.open(settings)
    indexed = store.indexed_documents()
    # --rebuild re-embeds everything but never clears first: a document that now fails to
    # load keeps serving its previous chunks.
    wanted = {m.doc_id: m for m in manifest.documents if m.status != "withdrawn"}
    report: dict[str, list] = {k: [] for k in ("added", "updated", "metadata_only", "unchanged", "removed", "failed")}
    embedded = 0
    todo = list(wanted.values())
    for position, meta in enumerate(todo, start=1):
        if progress:
            progress(meta.doc_id, position, len(todo))
        doc_hash = document_hash(manifest.corpus_dir / meta.source_file, meta, settings)
        previous = indexed.get(meta.doc_id)
        if previous and previous.doc_hash == doc_hash and not rebuild:
            if previous.meta_hash != meta_hash(meta):
                store.update_metadata(meta.doc_id, meta)
                report["metadata_only"].append(meta.doc_id)
            else:
                report["unchanged"].append(meta.doc_id)
            continue
        chunks = _try_prepare(meta, manifest, settings)
        if isinstance(chunks, str):
            report["failed"].append((meta.doc_id, chunks))
            continue
        chunk_vectors = embedder.embed([c.embed_text for c in chunks])
        flat = [s for c in chunks for s in c.sentences]
        flat_vectors = embedder.embed(flat) if flat else []
        sentence_vectors, cursor = [], 0
        for c in chunks:
            sentence_vectors.append(flat_vectors[cursor : cursor + len(c.sentences)])
            cursor += len(c.sentences)
        store.replace_document(meta.doc_id, chunks, chunk_vectors, sentence_vectors, doc_hash)
        embedded += len(chunks)
        report["updated" if previous else "added"].append(meta.doc_id)
    for doc_id in sorted(set(indexed) - set(wanted)):
        store.delete_document(doc_id)
        report["removed"].append(doc_id)
    if embedded or report["removed"] or report["metadata_only"]:
        store.bump_version()
    counts = {d.doc_id: d.chunks for d in store.indexed_documents().values()}
    return IndexReport(
        added=tuple(report["added"]),
        updated=tuple(report["updated"]),
        metadata_only=tuple(report["metadata_only"]),
        unchanged=tuple(report["unchanged"]),
        removed=tuple(report["removed"]),
        failed=tuple(report["failed"]),
        chunks=sum(counts.values()),
        embedded_chunks=embedded,
        seconds=time.perf_counter() - started,
        chunk_counts=counts,
    )


def _try_prepare(meta: DocumentMeta, manifest: Manifest, settings: Settings) -> list[Chunk] | str:
    try:
        return prepare(meta, manifest, settings)
    except LoadError as exc:
        return str(exc)


def needs_indexing(settings: Settings, store: ChunkStore | None = None) -> bool:
    """True when the index is missing or any document changed since it was built (no model needed)."""
    manifest = load_manifest(settings.manifest_path)
    store = store or ChunkStore.open(settings)
    indexed = store.indexed_documents()
    wanted = {m.doc_id: m for m in manifest.documents if m.status != "withdrawn"}
    if set(indexed) != set(wanted):
        return True
    for doc_id, meta in wanted.items():
        prev = indexed[doc_id]
        if prev.doc_hash != document_hash(manifest.corpus_dir / meta.source_file, meta, settings):
            return True
        if prev.meta_hash != meta_hash(meta):
            return True
    return False
