"""Stage 5: the Chroma store (embedded or server), written in whole generations behind a pointer.

Why generations: a reader must see the old index or the new one, never a mixture and never an
error. An index run writes a complete new pair of collections (a *generation*), checks every
document in it, and only then moves a pointer (the metadata of one small collection, a single
atomic update) to it. A committed generation is never written again, so nothing a reader has
cached about it (the embedded client keeps HNSW segments in memory per process) can go stale;
a reader notices the pointer moved and opens the new generation's collections. The generation
before the current one is kept for readers still finishing a question on it; older ones and
any a crashed run left half-written are dropped by the next run. The same scheme works for the
embedded PersistentClient and for a Chroma server, because the pointer lives in Chroma itself.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from assistant.settings import Settings
from assistant.types import Chunk, DocumentMeta

_BATCH = 1000  # stay well under Chroma's max batch size
_SPACE = {"hnsw:space": "cosine"}
LEGACY = 0  # the single, in-place-written pair of collections used before generations


def open_client(settings: Settings) -> Any:
    """PersistentClient in the data folder, or HttpClient when a Chroma server host is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


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


class Generation:
    """One whole index: chunks (dense retrieval) and their sentences (answer selection).

    Written by one `index` run, then only read."""

    def __init__(self, chunks: Any, sentences: Any, number: int, key: str) -> None:
        self.chunks = chunks
        self.sentences = sentences
        self.number = number
        self.key = key  # unique for the life of the store: a reader's snapshot version

    @property
    def label(self) -> str:
        return "the pre-generation index" if self.number == LEGACY else f"generation {self.number}"

    # --- reading -----------------------------------------------------------------------
    def count(self) -> int:
        return self.chunks.count()

    def indexed_documents(self) -> dict[str, IndexedDocument]:
        records = self.chunks.get(include=["metadatas"])
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
        records = self.chunks.get(include=["metadatas", "documents"])
        return [
            chunk_from_record(i, _strip_heading(t, m), m)
            for i, t, m in zip(records["ids"], records["documents"], records["metadatas"], strict=True)
        ]

    def all_sentence_vectors(self) -> dict[str, list[list[float]]]:
        """chunk_id -> sentence vectors in sentence order."""
        records = self.sentences.get(include=["metadatas", "embeddings"])
        grouped: dict[str, list[tuple[int, list[float]]]] = {}
        for md, vec in zip(records["metadatas"], records["embeddings"], strict=True):
            grouped.setdefault(md["chunk_id"], []).append((int(md["idx"]), list(vec)))
        return {cid: [v for _, v in sorted(items)] for cid, items in grouped.items()}

    def query(self, vector: list[float], k: int, where: dict | None = None) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) best first."""
        count = self.chunks.count()
        if count == 0:
            return []
        result = self.chunks.query(
            query_embeddings=[vector], n_results=min(k, count), where=where or None, include=["distances"]
        )
        return [(cid, 1.0 - float(d)) for cid, d in zip(result["ids"][0], result["distances"][0], strict=True)]

    def sentence_count(self) -> int:
        return self.sentences.count()

    def problems(self) -> dict[str, str]:
        """doc_id -> what is missing: a document is whole when it has every chunk it was written
        with and every chunk has one vector per sentence (ids chunk#0..n-1)."""
        chunk_records = self.chunks.get(include=["metadatas"])
        vectors: dict[str, set[int]] = {}
        sentence_docs: set[str] = set()
        for md in self.sentences.get(include=["metadatas"])["metadatas"] or []:
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

    # --- writing (before the generation is committed) ------------------------------------
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
                s_mds.append({"chunk_id": chunk.chunk_id, "doc_id": doc_id, "idx": idx})
        self._add("sentences", s_ids, s_docs, s_vecs, s_mds)

    def copy_document(self, source: Generation, doc_id: str, meta: DocumentMeta | None = None) -> None:
        """An unchanged document carried over from the previous generation with its vectors
        (no re-embedding); `meta` rewrites its metadata when only the manifest entry changed."""
        records = source.chunks.get(where={"doc_id": doc_id}, include=["metadatas", "documents", "embeddings"])
        metadatas = []
        for chunk_id, text, md in zip(records["ids"], records["documents"], records["metadatas"], strict=True):
            if meta is not None:
                chunk = chunk_from_record(chunk_id, text, md)
                md = chunk_metadata(Chunk(**{**chunk.__dict__, "meta": meta}), md["doc_hash"], md.get("indexed_at", 0))
            metadatas.append({**md, "doc_chunks": len(records["ids"])})
        self._add("chunks", records["ids"], records["documents"], records["embeddings"], metadatas)
        vectors = source.sentences.get(where={"doc_id": doc_id}, include=["metadatas", "documents", "embeddings"])
        self._add("sentences", vectors["ids"], vectors["documents"], vectors["embeddings"], vectors["metadatas"])

    def _add(self, part: str, ids: list, documents: list, embeddings: Any, metadatas: list) -> None:
        collection = self.chunks if part == "chunks" else self.sentences
        for i in range(0, len(ids), _BATCH):
            collection.upsert(
                ids=ids[i : i + _BATCH],
                documents=documents[i : i + _BATCH],
                embeddings=embeddings[i : i + _BATCH],
                metadatas=metadatas[i : i + _BATCH],
            )


class ChunkStore:
    """The Chroma database: its generations and the pointer to the current one.

    Readers call `current()` (one small read) before each question; only `index` writes, by
    `begin()` -> Generation.write_document/copy_document -> `commit()` -> `drop_old()`."""

    def __init__(self, client: Any, name: str) -> None:
        self.client = client
        self.name = name
        self.pointer_name = f"{name}_current"
        self._pattern = re.compile(rf"^{re.escape(name)}_g(\d+)_(chunks|sentences)$")
        self._handles: dict[int, Generation] = {}
        self._lock = threading.Lock()

    @classmethod
    def open(cls, settings: Settings) -> ChunkStore:
        return cls(open_client(settings), settings.collection)

    # --- the pointer -------------------------------------------------------------------
    def pointer(self) -> dict[str, Any] | None:
        """{"generation", "previous", "committed_at"} or None before the first commit."""
        from chromadb.errors import NotFoundError

        try:
            return dict(self.client.get_collection(self.pointer_name, embedding_function=None).metadata or {})
        except (NotFoundError, ValueError):
            return None

    def current(self) -> Generation | None:
        """The committed generation readers should use now (None: nothing indexed yet)."""
        pointer = self.pointer()
        if pointer is not None:
            return self._open(int(pointer["generation"]))
        return self._legacy()

    def _open(self, number: int) -> Generation:
        with self._lock:
            handle = self._handles.get(number)
            if handle is None:
                chunks_name, sentences_name = self._names(number)
                handle = Generation(
                    self.client.get_collection(chunks_name, embedding_function=None),
                    self.client.get_collection(sentences_name, embedding_function=None),
                    number,
                    chunks_name,
                )
                self._handles[number] = handle
            return handle

    def _legacy(self) -> Generation | None:
        from chromadb.errors import NotFoundError

        chunks_name, sentences_name = self._names(LEGACY)
        try:
            chunks = self.client.get_collection(chunks_name, embedding_function=None)
            sentences = self.client.get_collection(sentences_name, embedding_function=None)
        except (NotFoundError, ValueError):
            return None
        return Generation(chunks, sentences, LEGACY, f"legacy:{chunks.id}")

    def _names(self, number: int) -> tuple[str, str]:
        if number == LEGACY:
            return f"{self.name}_chunks", f"{self.name}_sentences"
        return f"{self.name}_g{number:06d}_chunks", f"{self.name}_g{number:06d}_sentences"

    def generation_numbers(self) -> list[int]:
        """Every generation with a collection in the store, committed or not."""
        numbers = set()
        for collection in self.client.list_collections():
            name = collection if isinstance(collection, str) else collection.name
            match = self._pattern.match(name)
            if match:
                numbers.add(int(match.group(1)))
        return sorted(numbers)

    # --- writing (index runs only, under the index lock) --------------------------------
    def begin(self) -> Generation:
        """A new, empty generation. Generations newer than the current one were left by a run
        that did not finish (its lock was taken over): they are dropped first."""
        pointer = self.pointer()
        current = int(pointer["generation"]) if pointer else LEGACY
        numbers = self.generation_numbers()
        for number in numbers:
            if number > current:
                self._drop(number)
        number = max([current, *numbers]) + 1  # never reuse a name another process may have cached
        chunks_name, sentences_name = self._names(number)
        return Generation(
            self.client.create_collection(chunks_name, metadata=_SPACE, embedding_function=None),
            self.client.create_collection(sentences_name, metadata=_SPACE, embedding_function=None),
            number,
            chunks_name,
        )

    def commit(self, generation: Generation, documents: int) -> None:
        """Point readers at `generation` (one metadata update: atomic)."""
        previous = self.pointer()
        metadata = {
            "generation": generation.number,
            "previous": int(previous["generation"]) if previous else LEGACY,
            "committed_at": time.time(),
            "documents": documents,
        }
        pointer = self.client.get_or_create_collection(self.pointer_name, embedding_function=None)
        self._set_pointer(pointer, metadata)

    def _set_pointer(self, pointer: Any, metadata: dict[str, Any]) -> None:
        pointer.modify(metadata=metadata)

    def drop_old(self) -> list[int]:
        """Drop every generation but the current one and the one before it (a reader may still
        be finishing a question there; it reopens the current one on its next question)."""
        pointer = self.pointer()
        if pointer is None:
            return []
        keep = {int(pointer["generation"]), int(pointer.get("previous", LEGACY))}
        dropped = [n for n in self.generation_numbers() if n not in keep]
        for number in dropped:
            self._drop(number)
        if LEGACY not in keep and self._legacy() is not None:
            self._drop(LEGACY)
            dropped.append(LEGACY)
        return dropped

    def _drop(self, number: int) -> None:
        from chromadb.errors import NotFoundError

        with self._lock:
            self._handles.pop(number, None)
        for name in self._names(number):
            with contextlib.suppress(NotFoundError, ValueError):  # already gone
                self.client.delete_collection(name)

    # --- the current generation, for callers that only read ------------------------------
    def indexed_documents(self) -> dict[str, IndexedDocument]:
        current = self.current()
        return current.indexed_documents() if current else {}

    def all_chunks(self) -> list[Chunk]:
        current = self.current()
        return current.all_chunks() if current else []

    def all_sentence_vectors(self) -> dict[str, list[list[float]]]:
        current = self.current()
        return current.all_sentence_vectors() if current else {}

    def query(self, vector: list[float], k: int, where: dict | None = None) -> list[tuple[str, float]]:
        current = self.current()
        return current.query(vector, k, where) if current else []


def _strip_heading(stored: str, md: dict[str, Any]) -> str:
    """Stored documents carry the heading path for embedding; the chunk text is what follows it."""
    section = md.get("section") or ""
    if section and stored.startswith(section + "\n"):
        return stored[len(section) + 1 :]
    return stored
