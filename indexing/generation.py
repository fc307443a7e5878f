"""Stage 5, one index generation: the chunk and sentence collections of one whole index.

A generation is written by one `index` run, checked whole, and from then on only read (see
indexing/store.py for how readers move from one generation to the next)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from assistant.types import Chunk, DocumentMeta

_BATCH = 1000  # stay well under Chroma's max batch size
LEGACY = 0  # the single, in-place-written pair of collections used before generations


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


def _strip_heading(stored: str, md: dict[str, Any]) -> str:
    """Stored documents carry the heading path for embedding; the chunk text is what follows it."""
    section = md.get("section") or ""
    if section and stored.startswith(section + "\n"):
        return stored[len(section) + 1 :]
    return stored
