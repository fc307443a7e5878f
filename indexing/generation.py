"""Stage 5, one index segment: a chunk and a sentence collection in Chroma, plus a local folder.

A segment is written by one `index` run, checked whole, sealed, and from then on only read (see
indexing/store.py for how readers move from one committed index to the next, and how a base
segment and a small delta segment make one index). Sealing writes the segment's folder beside
the Chroma store: its BM25 index (indexing/lexical.py), every sentence vector in chunk order (read
by memory map, so a reader touches only the passages it scores), and its catalogue (per
document: hashes and counts, so an index run need not read every record to plan). A folder that
is missing (a reader on another machine than the indexer, or an older format) is rebuilt from
the collections once."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.query import content_terms, tokens
from assistant.types import Chunk, DocumentMeta
from indexing.lexical import CorpusStats, LexicalBuilder, LexicalIndex

_BATCH = 1000  # stay well under Chroma's max batch size
LEGACY = 0  # the single, in-place-written pair of collections used before generations
FOLDER_FORMAT = 2  # bump when a sealed folder's files change; older folders are rebuilt from Chroma
_SENTENCES, _OFFSETS, _CATALOGUE, _CHUNKS = "sentences.npy", "offsets.npy", "catalogue.json", "chunks.npy"


@dataclass(frozen=True)
class IndexedDocument:
    doc_id: str
    doc_hash: str
    meta_hash: str
    chunks: int
    indexed_at: float


def meta_hash(meta: DocumentMeta) -> str:
    from assistant.types import content_hash

    return content_hash(json.dumps(meta.__dict__, sort_keys=True))


def chunk_metadata(chunk: Chunk, doc_hash: str, indexed_at: float, doc_chunks: int | None = None) -> dict[str, Any]:
    m = chunk.meta
    md = {
        "doc_id": chunk.doc_id,
        "authority": m.authority,
        "title": m.title,
        "doc_type": m.doc_type,
        "published": m.published,
        "date_note": m.date_note,
        "review_date": m.review_date,
        "status": m.status,
        "source_file": m.source_file,
        "section": chunk.section,
        "section_path": json.dumps(list(chunk.section_path)),
        "page": chunk.page if chunk.page is not None else -1,
        "start": chunk.start,
        "end": chunk.end,
        "sentences": json.dumps(list(chunk.sentences)),
        "doc_hash": doc_hash,
        "meta_hash": meta_hash(m),
        "indexed_at": indexed_at,
    }
    if doc_chunks is not None:
        md["doc_chunks"] = doc_chunks  # how many chunks the document has: lets `index --check` see one missing
    return md


def chunk_from_record(chunk_id: str, text: str, md: dict[str, Any]) -> Chunk:
    meta = DocumentMeta(
        doc_id=md["doc_id"],
        authority=md["authority"],
        title=md["title"],
        doc_type=md.get("doc_type", ""),
        published=md.get("published", "undated"),
        source_file=md.get("source_file", ""),
        status=md.get("status", "current"),
        date_note=md.get("date_note", ""),
        review_date=md.get("review_date", ""),
    )
    page = md.get("page", -1)
    return Chunk(
        chunk_id=chunk_id,
        doc_id=md["doc_id"],
        text=text,
        section_path=tuple(json.loads(md.get("section_path") or "[]")),
        start=int(md.get("start", 0)),
        end=int(md.get("end", 0)),
        page=None if page is None or page < 0 else int(page),
        meta=meta,
        sentences=tuple(json.loads(md.get("sentences") or "[]")),
    )


def lexical_terms(chunk: Chunk) -> list[str]:
    """What BM25 matches on: the stemmed content words of the text and its heading path."""
    return content_terms(chunk.embed_text)


def known_words(chunk: Chunk) -> set[str]:
    """The words typo repair and the unknown-word feature compare a question against."""
    return {t for t in tokens(chunk.embed_text) if t.isalpha()}


@dataclass
class SegmentFiles:
    """What a sealed segment keeps on local disk: read by the question path without copying."""

    lexical: LexicalIndex
    sentence_vectors: np.ndarray  # every sentence vector, chunk by chunk in lexical.ids order (memory-mapped)
    offsets: np.ndarray  # chunk i's sentences are rows offsets[i]:offsets[i+1]
    catalogue: dict[str, IndexedDocument]
    row: dict[str, int]  # chunk_id -> i
    chunk_vectors: np.ndarray  # one vector per chunk in lexical.ids order (memory-mapped)

    def sentences_of(self, chunk_id: str) -> np.ndarray | None:
        i = self.row.get(chunk_id)
        if i is None:
            return None
        return np.asarray(self.sentence_vectors[self.offsets[i] : self.offsets[i + 1]], dtype=np.float32)


class _Pending:
    """A segment's local parts collected while it is written, sealed into its folder at commit."""

    def __init__(self) -> None:
        self.lexical_rows: list[tuple[str, list[str], str, str, str, set[str]]] = []
        self.vectors: list[np.ndarray] = []
        self.chunk_vectors: list[np.ndarray] = []
        self.catalogue: dict[str, IndexedDocument] = {}

    def add(
        self,
        chunks: Iterable[Chunk],
        vectors: Iterable[Any],
        doc_hash: str,
        indexed_at: float,
        chunk_vectors: Iterable[Any],
        stored_meta_hash: str = "",
    ) -> None:
        """`stored_meta_hash`: the hash a carried-over document was indexed with (its chunks' records
        do not hold every manifest field, e.g. exclude_sections, so it cannot be recomputed from them)."""
        count = 0
        sentences = 0
        doc_id = ""
        meta: DocumentMeta | None = None
        for chunk, sentence_vectors, chunk_vector in zip(chunks, vectors, chunk_vectors, strict=True):
            doc_id, meta = chunk.doc_id, chunk.meta
            array = np.asarray(sentence_vectors, dtype=np.float32).reshape(len(chunk.sentences), -1)
            self.chunk_vectors.append(np.asarray(chunk_vector, dtype=np.float32))
            self.lexical_rows.append(
                (chunk.chunk_id, lexical_terms(chunk), meta.authority, meta.status, doc_id, known_words(chunk))
            )
            self.vectors.append(array)
            count += 1
            sentences += len(chunk.sentences)
        if meta is not None:
            digest = stored_meta_hash or meta_hash(meta)
            self.catalogue[doc_id] = IndexedDocument(doc_id, doc_hash, digest, count, indexed_at)


class Generation:
    """One segment: chunks (dense retrieval) and their sentences (answer selection), and the
    local folder sealed from them. Written by one `index` run, then only read."""

    def __init__(self, chunks: Any, sentences: Any, number: int, key: str, folder: Path | None = None) -> None:
        self.chunks = chunks
        self.sentences = sentences
        self.number = number
        self.key = key  # unique for the life of the store: a reader's snapshot version
        self.folder = folder  # None: nothing kept on local disk (the parts live in memory)
        self._pending = _Pending()
        self._files: SegmentFiles | None = None
        self._files_lock = threading.Lock()

    @property
    def label(self) -> str:
        return "the pre-generation index" if self.number == LEGACY else f"generation {self.number}"

    # --- reading -----------------------------------------------------------------------
    def count(self) -> int:
        return self.chunks.count()

    def indexed_documents(self) -> dict[str, IndexedDocument]:
        """From the sealed catalogue (no reading of every record)."""
        return dict(self.files().catalogue)

    def records_catalogue(self) -> dict[str, IndexedDocument]:
        """The same, counted from the chunk records themselves (what `problems` trusts)."""
        records = read_all(self.chunks, ["metadatas"])
        docs: dict[str, IndexedDocument] = {}
        for md in records["metadatas"] or []:
            doc_id = md["doc_id"]
            prev = docs.get(doc_id)
            docs[doc_id] = IndexedDocument(
                doc_id=doc_id,
                doc_hash=md["doc_hash"],
                meta_hash=md["meta_hash"],
                chunks=(prev.chunks if prev else 0) + 1,
                indexed_at=float(md.get("indexed_at", 0)),
            )
        return docs

    def all_chunks(self) -> list[Chunk]:
        records = read_all(self.chunks, ["metadatas", "documents"])
        return [
            chunk_from_record(i, strip_heading(t, m), m)
            for i, t, m in zip(records["ids"], records["documents"], records["metadatas"], strict=True)
        ]

    def get_chunks(self, ids: list[str]) -> dict[str, Chunk]:
        if not ids:
            return {}
        records = self.chunks.get(ids=ids, include=["metadatas", "documents"])
        return {
            i: chunk_from_record(i, strip_heading(t, m), m)
            for i, t, m in zip(records["ids"], records["documents"], records["metadatas"], strict=True)
        }

    def all_sentence_vectors(self) -> dict[str, list[list[float]]]:
        """chunk_id -> sentence vectors in sentence order."""
        records = read_all(self.sentences, ["metadatas", "embeddings"])
        grouped: dict[str, list[tuple[int, list[float]]]] = {}
        for md, vec in zip(records["metadatas"], records["embeddings"], strict=True):
            grouped.setdefault(md["chunk_id"], []).append((int(md["idx"]), list(vec)))
        return {cid: [v for _, v in sorted(items)] for cid, items in grouped.items()}

    def query(self, vector: list[float], k: int, where: dict | None = None) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) best first."""
        return self._query(self.chunks, vector, k, where)

    @staticmethod
    def _query(collection: Any, vector: list[float], k: int, where: dict | None) -> list[tuple[str, float]]:
        result = _raw_query(collection, vector, k, where, include=["distances"])
        if result is None:
            return []
        return [(cid, 1.0 - float(d)) for cid, d in zip(result["ids"][0], result["distances"][0], strict=True)]

    def sentence_count(self) -> int:
        return self.sentences.count()

    def files(self) -> SegmentFiles:
        """The sealed folder, loaded once (rebuilt from the collections if missing or stale)."""
        with self._files_lock:
            if self._files is None:
                self._files = (load_files(self.folder) if self.folder else None) or self._rebuild_files()
            return self._files

    def _rebuild_files(self) -> SegmentFiles:
        """Read the segment's records once and seal them (a legacy index, another machine's index,
        an older folder format). A base segment's own statistics; a delta is sealed by its commit."""
        pending = _Pending()
        records = read_all(self.chunks, ["metadatas", "documents", "embeddings"])
        chunks = [
            chunk_from_record(i, strip_heading(t, m), m)
            for i, t, m in zip(records["ids"], records["documents"], records["metadatas"], strict=True)
        ]
        chunk_vector = dict(zip(records["ids"], records["embeddings"], strict=True))
        vectors = self.all_sentence_vectors()
        catalogue = self.records_catalogue()
        by_doc: dict[str, list[Chunk]] = {}
        for chunk in chunks:
            by_doc.setdefault(chunk.doc_id, []).append(chunk)
        for doc_id, doc_chunks in by_doc.items():
            entry = catalogue[doc_id]
            pending.add(
                doc_chunks,
                [vectors.get(c.chunk_id, []) for c in doc_chunks],
                entry.doc_hash,
                entry.indexed_at,
                [chunk_vector[c.chunk_id] for c in doc_chunks],
                entry.meta_hash,
            )
        return seal(pending, self.folder, None)

    def problems(self) -> dict[str, str]:
        """doc_id -> what is missing: a document is whole when it has every chunk it was written
        with and every chunk has one vector per sentence (ids chunk#0..n-1)."""
        chunk_records = read_all(self.chunks, ["metadatas"])
        vectors: dict[str, set[int]] = {}
        sentence_docs: set[str] = set()
        for md in read_all(self.sentences, ["metadatas"])["metadatas"] or []:
            vectors.setdefault(md["chunk_id"], set()).add(int(md["idx"]))
            sentence_docs.add(md["doc_id"])
        by_doc: dict[str, list[tuple[str, dict]]] = {}
        for cid, md in zip(chunk_records["ids"], chunk_records["metadatas"] or [], strict=True):
            by_doc.setdefault(md["doc_id"], []).append((cid, md))
        found: dict[str, str] = {}
        for doc_id, records in by_doc.items():
            issues = []
            expected = {int(md["doc_chunks"]) for _, md in records if md.get("doc_chunks") is not None}
            if expected and len(records) not in expected:
                issues.append(f"{len(records)} of {max(expected)} chunks")
            if len({md["doc_hash"] for _, md in records}) > 1:
                issues.append("chunks from two versions of the file")
            wanted = sum(len(json.loads(md.get("sentences") or "[]")) for _, md in records)
            have = sum(
                len(vectors.get(cid, set()) & set(range(len(json.loads(md.get("sentences") or "[]")))))
                for cid, md in records
            )
            if have != wanted:
                issues.append(f"{have} of {wanted} sentence vectors")
            if issues:
                found[doc_id] = ", ".join(issues)
        for doc_id in sorted(sentence_docs - set(by_doc)):
            found[doc_id] = "sentence vectors without their chunks"
        return found

    # --- writing (before the segment is committed) ----------------------------------------
    def write_document(
        self,
        doc_id: str,
        chunks: list[Chunk],
        chunk_vectors: list[list[float]],
        sentence_vectors: list[list[list[float]]],
        doc_hash: str,
    ) -> None:
        """A freshly embedded document: its chunks, then one vector per sentence."""
        now = time.time()
        self._add(
            "chunks",
            [c.chunk_id for c in chunks],
            [c.embed_text for c in chunks],
            chunk_vectors,
            [chunk_metadata(c, doc_hash, now, len(chunks)) for c in chunks],
        )
        s_ids, s_docs, s_vecs, s_mds = [], [], [], []
        for chunk, vectors in zip(chunks, sentence_vectors, strict=True):
            for idx, (sentence, vector) in enumerate(zip(chunk.sentences, vectors, strict=True)):
                s_ids.append(f"{chunk.chunk_id}#{idx}")
                s_docs.append(sentence)
                s_vecs.append(vector)
                s_mds.append(sentence_metadata(chunk, idx))
        self._add("sentences", s_ids, s_docs, s_vecs, s_mds)
        self._pending.add(chunks, sentence_vectors, doc_hash, now, chunk_vectors)

    def copy_document(self, source: Any, doc_id: str, meta: DocumentMeta | None = None) -> None:
        """An unchanged document carried over from the index before with its vectors (no
        re-embedding); `meta` rewrites its metadata when only the manifest entry changed.
        `source` is a segment or a committed index (the segment holding the document's live copy)."""
        source = source.segment_holding(doc_id) if hasattr(source, "segment_holding") else source
        records = read_all(source.chunks, ["metadatas", "documents", "embeddings"], {"doc_id": doc_id})
        metadatas, chunks = [], []
        for chunk_id, text, md in zip(records["ids"], records["documents"], records["metadatas"], strict=True):
            chunk = chunk_from_record(chunk_id, strip_heading(text, md), md)
            if meta is not None:
                chunk = Chunk(**{**chunk.__dict__, "meta": meta})
                md = chunk_metadata(chunk, md["doc_hash"], md.get("indexed_at", 0))
            metadatas.append({**md, "doc_chunks": len(records["ids"])})
            chunks.append(chunk)
        self._add("chunks", records["ids"], records["documents"], records["embeddings"], metadatas)
        vectors = read_all(source.sentences, ["metadatas", "documents", "embeddings"], {"doc_id": doc_id})
        by_id = {c.chunk_id: c for c in chunks}
        s_mds = [sentence_metadata(by_id[md["chunk_id"]], int(md["idx"])) for md in vectors["metadatas"]]
        self._add("sentences", vectors["ids"], vectors["documents"], vectors["embeddings"], s_mds)
        grouped: dict[str, list[tuple[int, Any]]] = {}
        for md, vec in zip(vectors["metadatas"], vectors["embeddings"], strict=True):
            grouped.setdefault(md["chunk_id"], []).append((int(md["idx"]), vec))
        ordered = sorted(chunks, key=lambda c: c.start)
        per_chunk = [[v for _, v in sorted(grouped.get(c.chunk_id, []), key=lambda p: p[0])] for c in ordered]
        first = metadatas[0] if metadatas else {}
        chunk_vector = dict(zip(records["ids"], records["embeddings"], strict=True))
        self._pending.add(
            ordered,
            per_chunk,
            first.get("doc_hash", ""),
            float(first.get("indexed_at", 0)),
            [chunk_vector[c.chunk_id] for c in ordered],
            first.get("meta_hash", ""),
        )

    def seal(self, stats: CorpusStats | None) -> None:
        """Write the segment's folder (a base: stats None, its own statistics; a delta: its base's)."""
        self._files = seal(self._pending, self.folder, stats)

    def _add(self, part: str, ids: list, documents: list, embeddings: Any, metadatas: list) -> None:
        collection = self.chunks if part == "chunks" else self.sentences
        for i in range(0, len(ids), _BATCH):
            collection.upsert(
                ids=ids[i : i + _BATCH],
                documents=documents[i : i + _BATCH],
                embeddings=embeddings[i : i + _BATCH],
                metadatas=metadatas[i : i + _BATCH],
            )


def sentence_metadata(chunk: Chunk, idx: int) -> dict[str, Any]:
    """A sentence record carries what a filtered sentence search needs (council, status, document)."""
    return {
        "chunk_id": chunk.chunk_id,
        "doc_id": chunk.doc_id,
        "idx": idx,
        "authority": chunk.meta.authority,
        "status": chunk.meta.status,
    }


_PAGE = 5000  # records per read: one unpaged get of a large collection fails in Chroma ("too many SQL variables")


def read_all(collection: Any, include: list[str], where: dict | None = None) -> dict[str, list]:
    """Every record of a collection (or those matching `where`), read a page at a time."""
    out: dict[str, list] = {"ids": [], **{part: [] for part in include}}
    offset = 0
    while True:
        page = collection.get(where=where, include=include, limit=_PAGE, offset=offset)
        out["ids"] += page["ids"]
        for part in include:
            out[part] += list(page[part] if page[part] is not None else [])
        if len(page["ids"]) < _PAGE:
            return out
        offset += _PAGE


_COUNTS: dict[str, int] = {}  # collection id -> records: a committed segment never changes, so ask once


def _raw_query(collection: Any, vector: list[float], k: int, where: dict | None, include: list[str]) -> Any:
    key = str(collection.id)
    count = _COUNTS.get(key)
    if count is None:
        count = _COUNTS[key] = collection.count()
    if count == 0 or k <= 0:
        return None
    return collection.query(query_embeddings=[vector], n_results=min(k, count), where=where or None, include=include)


def seal(pending: _Pending, folder: Path | None, stats: CorpusStats | None) -> SegmentFiles:
    """Build the segment's local parts; with a folder, write them into a staging folder renamed
    whole into place, so a reader opens a complete folder or none."""
    builder = LexicalBuilder(stats)
    for chunk_id, terms, authority, status, doc_id, words in pending.lexical_rows:
        builder.add(chunk_id, terms, authority, status, doc_id, words)
    lexical = builder.finish()
    dims = next((v.shape[1] for v in pending.vectors if v.size), 384)
    matrix = np.concatenate([v.reshape(-1, dims) for v in pending.vectors]) if pending.vectors else np.zeros((0, dims))
    offsets = np.zeros(len(pending.vectors) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(v) for v in pending.vectors])
    chunk_matrix = np.stack(pending.chunk_vectors) if pending.chunk_vectors else np.zeros((0, dims))
    files = SegmentFiles(
        lexical,
        matrix.astype(np.float32),
        offsets,
        dict(pending.catalogue),
        {c: i for i, c in enumerate(lexical.ids)},
        chunk_matrix.astype(np.float32),
    )
    if folder is None:
        return files
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    lexical.save(staging)
    np.save(staging / _SENTENCES, files.sentence_vectors)
    np.save(staging / _OFFSETS, offsets)
    np.save(staging / _CHUNKS, files.chunk_vectors)
    catalogue = {d: e.__dict__ for d, e in files.catalogue.items()}
    (staging / _CATALOGUE).write_text(json.dumps({"format": FOLDER_FORMAT, "documents": catalogue}), encoding="utf-8")
    if folder.exists():
        shutil.rmtree(folder, ignore_errors=True)  # a stale folder (older format) being replaced
    try:
        os.replace(staging, folder)
    except OSError:  # another process sealed the same segment a moment ago: theirs is as good
        shutil.rmtree(staging, ignore_errors=True)
    return load_files(folder) or files


def load_files(folder: Path) -> SegmentFiles | None:
    try:
        meta = json.loads((folder / _CATALOGUE).read_text(encoding="utf-8"))
        if meta.get("format") != FOLDER_FORMAT:
            return None
        lexical = LexicalIndex.load(folder)
        if lexical is None:
            return None
        vectors = np.load(folder / _SENTENCES, mmap_mode="r")
        offsets = np.load(folder / _OFFSETS)
        chunk_vectors = np.load(folder / _CHUNKS, mmap_mode="r")
    except (OSError, ValueError, KeyError):
        return None
    catalogue = {d: IndexedDocument(**e) for d, e in meta["documents"].items()}
    return SegmentFiles(lexical, vectors, offsets, catalogue, {c: i for i, c in enumerate(lexical.ids)}, chunk_vectors)


def strip_heading(stored: str, md: dict[str, Any]) -> str:
    """Stored documents carry the heading path for embedding; the chunk text is what follows it."""
    section = md.get("section") or ""
    if section and stored.startswith(section + "\n"):
        return stored[len(section) + 1 :]
    return stored
