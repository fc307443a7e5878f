"""Retrieval: dense (Chroma) and lexical (BM25) over the same chunks, fused with RRF.

Every engine is queried, nothing is copied: Chroma answers the chunk and sentence searches with
`where` filters, the index's BM25 matrices answer the lexical one, and only the passages a
question ends up with are read (and kept in a small cache). So the work per question grows with
the candidates, not with the library (see README "Performance at scale")."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace

import numpy as np

from assistant.fuse import reciprocal_rank_fusion
from assistant.query import content_terms
from assistant.settings import Settings
from assistant.types import Chunk, Passage
from indexing.lexical import CorpusStats
from indexing.store import ChunkStore, IndexView

# Candidates each engine returns per question. Every council's own best passages are drawn from
# these pools (rather than from a query per council), so a question costs the same with 5 or 500
# councils; 50 chunks from each reach well past the fused top 8.
POOL = 50
CHUNK_CACHE = 2048  # chunks kept per process once read (a few MB): warm follow-ups reread nothing


@dataclass
class Snapshot:
    """One committed index as this process reads it, with what it has cached about it."""

    version: str
    view: IndexView | None
    count: int
    vocabulary: frozenset[str]
    stats: CorpusStats | None
    cache: OrderedDict[str, Chunk] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    terms: dict[str, tuple[frozenset[str], ...]] = field(default_factory=dict)  # per cached chunk

    def sentence_terms(self, chunk: Chunk) -> tuple[frozenset[str], ...]:
        """Each sentence's lexical terms with the heading's (what overlap is measured on), once per chunk."""
        found = self.terms.get(chunk.chunk_id)
        if found is None:
            heading = set(content_terms(" ".join(chunk.section_path)))
            found = tuple(frozenset(content_terms(s)) | heading for s in chunk.sentences)
            with self.lock:
                if len(self.terms) >= CHUNK_CACHE:
                    self.terms.clear()  # bounded like the chunk cache; rebuilt as questions come
                self.terms[chunk.chunk_id] = found
        return found

    @property
    def empty(self) -> bool:
        return self.count == 0

    def chunks(self, ids: list[str]) -> dict[str, Chunk]:
        """The chunks with these ids, read from the store once and then cached."""
        with self.lock:
            found = {i: self.cache[i] for i in ids if i in self.cache}
            for i in found:
                self.cache.move_to_end(i)
        missing = [i for i in ids if i not in found]
        if missing and self.view is not None:
            fresh = self.view.get_chunks(missing)
            found.update(fresh)
            with self.lock:
                self.cache.update(fresh)
                while len(self.cache) > CHUNK_CACHE:
                    self.cache.popitem(last=False)
        return found


class Retriever:
    def __init__(self, store: ChunkStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None

    def snapshot(self) -> Snapshot:
        """The current committed index. Every call reads the store's pointer (one small read), so
        an index written by another process is picked up at the next question; committed
        segments are never written again, so a snapshot stays consistent while in use."""
        try:
            return self._current_snapshot()
        except Exception:
            # A writer dropped the segment just read before it could be opened (two re-indexes
            # within a moment): the pointer has moved on, so read it once more.
            return self._current_snapshot()

    def _current_snapshot(self) -> Snapshot:
        view = self.store.current()
        version = view.key if view else ""
        with self._lock:
            if self._snapshot is None or self._snapshot.version != version:
                self._snapshot = self._load(view, version)
            return self._snapshot

    @staticmethod
    def _load(view: IndexView | None, version: str) -> Snapshot:
        if view is None:
            return Snapshot(version, None, 0, frozenset(), None)
        return Snapshot(version, view, view.count(), view.words, view.stats)

    def retrieve(
        self,
        vector: list[float],
        terms: list[str],
        authorities: tuple[str, ...] = (),
        include_superseded: bool = False,
        mode: str | None = None,
        snap: Snapshot | None = None,
    ) -> list[Passage]:
        """Top passages for a question: dense and lexical lists fused by reciprocal rank (from the
        given snapshot of the index, or the current one)."""
        snap = snap or self.snapshot()
        try:
            return self._retrieve(snap, vector, terms, authorities, include_superseded, mode)
        except Exception:
            # The segment this snapshot reads was dropped under it (two re-indexes during one
            # question): answer from the index that replaced it. Anything else is a real error.
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
        view = snap.view
        if view is None:
            return []
        mode = mode or self.settings.retrieval_mode
        s = self.settings
        current_only = not include_superseded
        dense = view.query(vector, max(s.dense_k, POOL), authorities, current_only) if mode != "lexical" else []
        lexical = view.lexical(terms, max(s.lexical_k, POOL), authorities, current_only) if mode != "dense" else []
        # The sentence ranking reorders the candidates the other two found by each one's best
        # sentence (exact, from the memory-mapped vectors): it lifts the passage whose one line
        # answers the question although its overall topic is something else. A search of every
        # sentence in the library would need a second vector index, about six times the chunks',
        # loaded in every process (see README "Performance at scale").
        query = np.asarray(vector, dtype=np.float32)
        sims = {
            cid: self._sentence_similarity(view, cid, query) for cid in dict.fromkeys(c for c, _ in dense + lexical)
        }
        by_sentence = (
            sorted(((cid, max(v)) for cid, v in sims.items() if v), key=lambda p: -p[1]) if mode != "lexical" else []
        )
        rankings = [
            [cid for cid, _ in ranked]
            for ranked in (dense[: s.dense_k], by_sentence[: s.dense_k], lexical[: s.lexical_k])
            if ranked
        ]
        top = dict(reciprocal_rank_fusion(rankings, k=s.rrf_k)[: s.passages_k])
        fused = list(top)
        if len(authorities) != 1 and s.per_authority_k:
            # Every council in the candidates gets its own best passages into the pool, so an
            # answer can show where councils differ even when one council's wording dominates.
            fused += [cid for cid in self._each_authority(view, dense, by_sentence, lexical) if cid not in fused]
        # A section longer than one chunk is split; the sentence that answers may sit in the
        # part that did not rank. Each top passage brings its neighbours from the same section.
        chunks = snap.chunks(fused)
        near = {n: c for c in top for n in view.adjacent(c) if n not in fused}
        near_chunks = snap.chunks(list(near))
        for n, c in near.items():
            if n in near_chunks and c in chunks and near_chunks[n].section_path == chunks[c].section_path:
                fused.append(n)
                chunks[n] = near_chunks[n]
        dense_sim = dict(dense)
        lex_score = dict(lexical[: s.lexical_k])
        dense_rank = {cid: i for i, (cid, _) in enumerate(dense, start=1)}
        lex_rank = {cid: i for i, (cid, _) in enumerate(lexical[: s.lexical_k], start=1)}
        passages = []
        for cid in fused:
            chunk = chunks.get(cid)
            if chunk is None:
                continue
            sentence_sims = sims[cid] if cid in sims else self._sentence_similarity(view, cid, query)
            similarity = dense_sim.get(cid)
            if similarity is None:  # not in the dense pool: its best sentence stands for it
                similarity = max(sentence_sims, default=0.0)
            passages.append(
                Passage(
                    chunk=chunk,
                    score=top.get(cid, 0.0),  # a council's extra passage: no fused score
                    dense_similarity=similarity,
                    lexical_score=lex_score.get(cid, 0.0),
                    dense_rank=dense_rank.get(cid),
                    lexical_rank=lex_rank.get(cid),
                    sentence_similarity=sentence_sims,
                    sentence_terms=snap.sentence_terms(chunk),
                )
            )
        return passages

    def _each_authority(
        self,
        view: IndexView,
        dense: list[tuple[str, float]],
        by_sentence: list[tuple[str, float]],
        lexical: list[tuple[str, float]],
    ) -> list[str]:
        """Each council's top passages, fused from its own share of the three candidate pools."""
        k = self.settings.per_authority_k
        owner = {cid: view.authority_of(cid) for ranked in (dense, by_sentence, lexical) for cid, _ in ranked}
        out: list[str] = []
        for authority in sorted({a for a in owner.values() if a}):
            rankings = [
                [cid for cid, _ in ranked if owner[cid] == authority][: k * 2]
                for ranked in (dense, by_sentence, lexical)
            ]
            out += [cid for cid, _ in reciprocal_rank_fusion([r for r in rankings if r], k=self.settings.rrf_k)[:k]]
        return out

    @staticmethod
    def _sentence_similarity(view: IndexView, chunk_id: str, query: np.ndarray) -> tuple[float, ...]:
        vectors = view.sentence_vectors(chunk_id)
        if vectors is None or not len(vectors):
            return ()
        return tuple(float(x) for x in vectors @ query)

    def sentence_vectors(self, chunk_id: str) -> np.ndarray | None:
        view = self.snapshot().view
        return view.sentence_vectors(chunk_id) if view else None


def with_score(passage: Passage, score: float) -> Passage:
    return replace(passage, score=score)
