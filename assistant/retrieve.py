"""Retrieval: dense (Chroma) and lexical (BM25) over the same chunks, fused with RRF."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

import numpy as np
from rank_bm25 import BM25Okapi

from assistant.fuse import reciprocal_rank_fusion
from assistant.query import content_terms, tokens
from assistant.settings import Settings
from assistant.types import Chunk, Passage
from indexing.store import ChunkStore, Generation


@dataclass(frozen=True)
class Snapshot:
    """Everything read from the store once per index version (BM25 needs the whole corpus)."""

    version: str
    chunks: dict[str, Chunk]
    order: tuple[str, ...]
    bm25: BM25Okapi | None
    sentence_vectors: dict[str, np.ndarray]
    vocabulary: frozenset[str]
    sentence_matrix: np.ndarray  # every sentence vector stacked, for sentence-level dense ranking
    sentence_owner: np.ndarray  # chunk index (into order) of each row
    generation: Generation | None = None  # the index generation read, for the dense queries too


class Retriever:
    def __init__(self, store: ChunkStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None

    def snapshot(self) -> Snapshot:
        """The current index generation, read whole once. Every call reads the store's pointer
        (one small read), so a new generation written by another process is picked up at the
        next question; generations are never written after they are committed, so a snapshot
        (and the dense queries it sends to its own generation) stays consistent while in use."""
        try:
            return self._current_snapshot()
        except Exception:
            # A writer dropped the generation just read before it could be loaded (two
            # re-indexes within a moment): the pointer has moved on, so read it once more.
            return self._current_snapshot()

    def _current_snapshot(self) -> Snapshot:
        generation = self.store.current()
        version = generation.key if generation else ""
        with self._lock:
            if self._snapshot is None or self._snapshot.version != version:
                self._snapshot = self._load(generation, version)
            return self._snapshot

    def _load(self, generation: Generation | None, version: str) -> Snapshot:
        chunks = generation.all_chunks() if generation else []
        order = tuple(c.chunk_id for c in chunks)
        corpus = [content_terms(c.embed_text) for c in chunks]
        bm25 = BM25Okapi(corpus) if corpus else None
        stored = generation.all_sentence_vectors() if generation else {}
        vectors = {cid: np.asarray(v, dtype=np.float32) for cid, v in stored.items()}
        vocab = frozenset(t for c in chunks for t in tokens(c.embed_text) if t.isalpha())
        rows = [(i, v) for i, cid in enumerate(order) if cid in vectors for v in vectors[cid]]
        matrix = np.stack([v for _, v in rows]) if rows else np.zeros((0, 1), dtype=np.float32)
        owner = np.asarray([i for i, _ in rows], dtype=np.int64)
        chunk_map = {c.chunk_id: c for c in chunks}
        return Snapshot(version, chunk_map, order, bm25, vectors, vocab, matrix, owner, generation)

    def sentences(self, snap: Snapshot, vector: list[float], allowed: list[str], k: int) -> list[tuple[str, float]]:
        """Chunks ranked by their single most similar sentence: finds the one line that answers
        a question inside a passage whose overall topic is something else."""
        if not len(snap.sentence_owner):
            return []
        sims = snap.sentence_matrix @ np.asarray(vector, dtype=np.float32)
        best: dict[int, float] = {}
        for row in np.argsort(-sims):
            idx = int(snap.sentence_owner[row])
            if idx not in best:
                best[idx] = float(sims[row])
        permitted = set(allowed)
        ranked = [(snap.order[i], sim) for i, sim in best.items() if snap.order[i] in permitted]
        return ranked[:k]

    def allowed(self, snap: Snapshot, authorities: tuple[str, ...], include_superseded: bool) -> list[str]:
        return [
            cid
            for cid in snap.order
            if (not authorities or snap.chunks[cid].meta.authority in authorities)
            and (include_superseded or snap.chunks[cid].meta.status == "current")
        ]

    def dense(
        self,
        vector: list[float],
        authorities: tuple[str, ...],
        include_superseded: bool,
        k: int,
        snap: Snapshot | None = None,
    ) -> list[tuple[str, float]]:
        clauses: list[dict] = []
        if authorities:
            clauses.append({"authority": {"$in": list(authorities)}})
        if not include_superseded:
            clauses.append({"status": "current"})
        where = clauses[0] if len(clauses) == 1 else ({"$and": clauses} if clauses else None)
        generation = (snap or self.snapshot()).generation
        return generation.query(vector, k, where) if generation else []

    def lexical(self, snap: Snapshot, terms: list[str], allowed: list[str], k: int) -> list[tuple[str, float]]:
        if snap.bm25 is None or not terms:
            return []
        scores = snap.bm25.get_scores(terms)
        position = {cid: i for i, cid in enumerate(snap.order)}
        ranked = sorted(((cid, float(scores[position[cid]])) for cid in allowed), key=lambda p: -p[1])
        return [(cid, s) for cid, s in ranked[:k] if s > 0]

    def retrieve(
        self,
        vector: list[float],
        terms: list[str],
        authorities: tuple[str, ...] = (),
        include_superseded: bool = False,
        mode: str | None = None,
    ) -> list[Passage]:
        """Top passages for a question: dense and lexical lists fused by reciprocal rank."""
        snap = self.snapshot()
        try:
            return self._retrieve(snap, vector, terms, authorities, include_superseded, mode)
        except Exception:
            # The generation this snapshot reads was dropped under it (two re-indexes during one
            # question): answer from the one that replaced it. Anything else is a real error.
            fresh = self.snapshot()
            if fresh.version == snap.version:
                raise
            return self._retrieve(fresh, vector, terms, authorities, include_superseded, mode)

    def _retrieve(
        self,
        snap: Snapshot,
        vector: list[float],
        terms: list[str],
        authorities: tuple[str, ...],
        include_superseded: bool,
        mode: str | None,
    ) -> list[Passage]:
        mode = mode or self.settings.retrieval_mode
        allowed = self.allowed(snap, authorities, include_superseded)
        dense = (
            self.dense(vector, authorities, include_superseded, self.settings.dense_k, snap)
            if mode != "lexical"
            else []
        )
        lexical_all = self.lexical(snap, terms, allowed, len(allowed)) if mode != "dense" else []
        lexical = lexical_all[: self.settings.lexical_k]
        by_sentence = self.sentences(snap, vector, allowed, len(allowed)) if mode != "lexical" else []
        rankings = [
            [cid for cid, _ in ranked] for ranked in (dense, by_sentence[: self.settings.dense_k], lexical) if ranked
        ]
        fused = reciprocal_rank_fusion(rankings, k=self.settings.rrf_k)[: self.settings.passages_k]
        if len(authorities) != 1:
            # Every council gets its own best passages into the pool, so an answer can show
            # where councils differ even when one council's wording dominates the ranking.
            for authority in sorted({snap.chunks[cid].meta.authority for cid in allowed}):
                extra = self._authority_best(
                    snap, vector, lexical_all, by_sentence, authority, include_superseded, mode
                )
                dense += [(cid, sim) for cid, sim in extra[1] if cid not in dict(dense)]
                have = {cid for cid, _ in fused}
                fused += [(cid, 0.0) for cid in extra[0] if cid not in have]
        dense_sim = dict(dense)
        lex_score = dict(lexical)
        dense_rank = {cid: i for i, (cid, _) in enumerate(dense, start=1)}
        lex_rank = {cid: i for i, (cid, _) in enumerate(lexical, start=1)}
        query = np.asarray(vector, dtype=np.float32)
        passages = []
        for cid, score in fused:
            chunk = snap.chunks.get(cid)
            if chunk is None:
                continue
            similarity = dense_sim.get(cid)
            if similarity is None:  # lexical-only hit: compute its similarity for the writer
                similarity = max(self._sentence_similarity(snap, cid, query), default=0.0)
            passages.append(
                Passage(
                    chunk=chunk,
                    score=score,
                    dense_similarity=similarity,
                    lexical_score=lex_score.get(cid, 0.0),
                    dense_rank=dense_rank.get(cid),
                    lexical_rank=lex_rank.get(cid),
                    sentence_similarity=self._sentence_similarity(snap, cid, query),
                    sentence_overlap=self._sentence_overlap(snap, chunk, terms),
                )
            )
        return passages

    def _authority_best(
        self,
        snap: Snapshot,
        vector: list[float],
        lexical: list[tuple[str, float]],
        by_sentence: list[tuple[str, float]],
        authority: str,
        include_superseded: bool,
        mode: str,
    ) -> tuple[list[str], list[tuple[str, float]]]:
        """One council's top passages (fused from its own rankings) and their dense similarities."""
        k = self.settings.per_authority_k
        dense = self.dense(vector, (authority,), include_superseded, k * 2, snap) if mode != "lexical" else []

        def own(ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
            return [(cid, s) for cid, s in ranked if snap.chunks[cid].meta.authority == authority][: k * 2]

        rankings = [[cid for cid, _ in ranked] for ranked in (dense, own(by_sentence), own(lexical)) if ranked]
        return [cid for cid, _ in reciprocal_rank_fusion(rankings, k=self.settings.rrf_k)[:k]], dense

    def _sentence_similarity(self, snap: Snapshot, chunk_id: str, query: np.ndarray) -> tuple[float, ...]:
        vectors = snap.sentence_vectors.get(chunk_id)
        if vectors is None or not len(vectors):
            return ()
        return tuple(float(x) for x in vectors @ query)

    def _sentence_overlap(self, snap: Snapshot, chunk: Chunk, terms: list[str]) -> tuple[float, ...]:
        """Share of the question's terms (weighted by IDF, so 'child' counts little) in each sentence."""
        unique = list(dict.fromkeys(terms))
        if not unique or snap.bm25 is None:
            return tuple(0.0 for _ in chunk.sentences)
        idf = snap.bm25.idf
        weights = {t: max(idf.get(t, snap.bm25.average_idf), 0.05) for t in unique}  # unseen term: average IDF
        total = sum(weights.values())
        heading = set(content_terms(" ".join(chunk.section_path)))
        out = []
        for sentence in chunk.sentences:
            present = set(content_terms(sentence)) | heading
            out.append(sum(w for t, w in weights.items() if t in present) / total)
        return tuple(out)

    def sentence_vectors(self, chunk_id: str) -> np.ndarray | None:
        return self.snapshot().sentence_vectors.get(chunk_id)


def with_score(passage: Passage, score: float) -> Passage:
    return replace(passage, score=score)
