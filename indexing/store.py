"""Stage 5: the Chroma store (embedded or server) with per-document content-hash bookkeeping."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from assistant.settings import Settings
from assistant.types import Chunk, DocumentMeta

_BATCH = 1000  # stay well under Chroma's max batch size


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


def chunk_metadata(chunk: Chunk, doc_hash: str, indexed_at: float) -> dict[str, Any]:
    m = chunk.meta
    return {
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


class ChunkStore:
    """Two collections: chunks (dense retrieval) and their sentences (answer selection)."""

    def __init__(self, client: Any, name: str) -> None:
        self.client = client
        self.name = name
        space = {"hnsw:space": "cosine"}
        self.chunks = client.get_or_create_collection(f"{name}_chunks", metadata=space, embedding_function=None)
        self.sentences = client.get_or_create_collection(f"{name}_sentences", metadata=space, embedding_function=None)

    @classmethod
    def open(cls, settings: Settings) -> ChunkStore:
        return cls(open_client(settings), settings.collection)

    # --- bookkeeping -------------------------------------------------------------------
    def version(self) -> str:
        """Changes whenever the index content changes; lets a long-running app notice re-indexing."""
        md = self.chunks.metadata or {}
        return f"{md.get('version', 0)}:{self.chunks.count()}"

    def bump_version(self) -> None:
        md = dict(self.chunks.metadata or {})
        md["version"] = time.time()
        md.pop("hnsw:space", None)
        self.chunks.modify(metadata=md)

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

    # --- writing -----------------------------------------------------------------------
    def replace_document(
        self,
        doc_id: str,
        chunks: list[Chunk],
        chunk_vectors: list[list[float]],
        sentence_vectors: list[list[list[float]]],
        doc_hash: str,
    ) -> None:
        """Add the new chunks first, then drop the old ones: the document is never missing."""
        old_ids = set(self.chunks.get(where={"doc_id": doc_id}, include=[])["ids"])
        now = time.time()
        ids = [c.chunk_id for c in chunks]
        metadatas = [chunk_metadata(c, doc_hash, now) for c in chunks]
        for i in range(0, len(ids), _BATCH):
            self.chunks.upsert(
                ids=ids[i : i + _BATCH],
                documents=[c.embed_text for c in chunks[i : i + _BATCH]],
                embeddings=chunk_vectors[i : i + _BATCH],
                metadatas=metadatas[i : i + _BATCH],
            )
        s_ids, s_docs, s_vecs, s_mds = [], [], [], []
        for chunk, vectors in zip(chunks, sentence_vectors, strict=True):
            for idx, (sentence, vector) in enumerate(zip(chunk.sentences, vectors, strict=True)):
                s_ids.append(f"{chunk.chunk_id}#{idx}")
                s_docs.append(sentence)
                s_vecs.append(vector)
                s_mds.append({"chunk_id": chunk.chunk_id, "doc_id": doc_id, "idx": idx})
        old_sentence_ids = set(self.sentences.get(where={"doc_id": doc_id}, include=[])["ids"])
        for i in range(0, len(s_ids), _BATCH):
            self.sentences.upsert(
                ids=s_ids[i : i + _BATCH],
                documents=s_docs[i : i + _BATCH],
                embeddings=s_vecs[i : i + _BATCH],
                metadatas=s_mds[i : i + _BATCH],
            )
        stale = sorted(old_ids - set(ids))
        if stale:
            self.chunks.delete(ids=stale)
        stale_sentences = sorted(old_sentence_ids - set(s_ids))
        if stale_sentences:
            self.sentences.delete(ids=stale_sentences)

    def update_metadata(self, doc_id: str, meta: DocumentMeta) -> None:
        """Metadata changed but the text did not: rewrite metadata, keep the vectors."""
        records = self.chunks.get(where={"doc_id": doc_id}, include=["metadatas", "documents"])
        new_mds = []
        for chunk_id, text, md in zip(records["ids"], records["documents"], records["metadatas"], strict=True):
            chunk = chunk_from_record(chunk_id, text, md)
            updated = Chunk(**{**chunk.__dict__, "meta": meta})
            new_mds.append(chunk_metadata(updated, md["doc_hash"], float(md.get("indexed_at", 0))))
        if records["ids"]:
            self.chunks.update(ids=records["ids"], metadatas=new_mds)

    def delete_document(self, doc_id: str) -> None:
        self.chunks.delete(where={"doc_id": doc_id})
        self.sentences.delete(where={"doc_id": doc_id})

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


def _strip_heading(stored: str, md: dict[str, Any]) -> str:
    """Stored documents carry the heading path for embedding; the chunk text is what follows it."""
    section = md.get("section") or ""
    if section and stored.startswith(section + "\n"):
        return stored[len(section) + 1 :]
    return stored
