"""Stage 5b: the lexical (BM25) index of one index segment, built at index time and queried.

Why this shape: the question path must not hold the corpus. BM25 here is scored *eagerly*: at
build time every (chunk, term) pair gets its term-frequency part of Okapi BM25, stored in a
sparse matrix (chunks x terms, compressed by column); a question sums the columns of its terms,
weighted by their IDF. That touches only the postings of the question's terms, inside scipy; the
filters (council, current or not, documents a newer segment replaced) are numpy masks. The
segment's corpus statistics (document count, mean length, document frequencies) are frozen when
its base is built; a delta segment holding a few changed documents is scored with the base's
statistics, so a re-indexed document ranks as it would in a whole rebuild (to within the
statistics' drift, which a full rebuild resets).

Evals/lexical_engines.py compares this engine with rank_bm25, bm25s and SQLite FTS5 (see
evals/bench/lexical_engines.md for the measured figures).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Okapi BM25 as rank_bm25.BM25Okapi computes it (the engine this replaces), so the lexical
# ranking the evals were measured with carries over: k1 term saturation, b length normalisation,
# and a term in more than half the chunks (negative IDF) floored at EPSILON x the mean IDF.
K1 = 1.5
B = 0.75
EPSILON = 0.25
FORMAT = 1  # bump when the files change shape; an older folder is rebuilt from the store

_MATRIX, _ARRAYS, _META = "matrix.npz", "arrays.npz", "meta.json"


@dataclass(frozen=True)
class CorpusStats:
    """What BM25 needs to know about the whole corpus, frozen when a base segment is built."""

    documents: int
    mean_length: float
    idf: dict[str, float]
    mean_idf: float

    @classmethod
    def of(cls, term_lists: list[list[str]]) -> CorpusStats:
        n = len(term_lists)
        df: Counter[str] = Counter()
        for terms in term_lists:
            df.update(set(terms))
        raw = {t: math.log(n - f + 0.5) - math.log(f + 0.5) for t, f in df.items()}
        mean = sum(raw.values()) / len(raw) if raw else 0.0
        idf = {t: (v if v >= 0 else EPSILON * mean) for t, v in raw.items()}
        length = sum(len(t) for t in term_lists) / n if n else 1.0
        return cls(n, length or 1.0, idf, mean)

    def weight(self, term: str) -> float:
        """IDF of a term; a term the corpus never uses weighs 0, as in BM25Okapi."""
        return self.idf.get(term, 0.0)

    def as_dict(self) -> dict:
        return {
            "documents": self.documents,
            "mean_length": self.mean_length,
            "idf": self.idf,
            "mean_idf": self.mean_idf,
        }

    @classmethod
    def from_dict(cls, d: dict) -> CorpusStats:
        return cls(int(d["documents"]), float(d["mean_length"]), dict(d["idf"]), float(d["mean_idf"]))


class LexicalBuilder:
    """Collects a segment's chunks (their lexical terms and filter fields), then builds the index."""

    def __init__(self, stats: CorpusStats | None = None) -> None:
        self.stats = stats  # None: a base segment, whose own chunks give the statistics
        self.ids: list[str] = []
        self.terms: list[list[str]] = []
        self.authority: list[str] = []
        self.current: list[bool] = []
        self.doc: list[str] = []
        self.words: set[str] = set()

    def add(
        self, chunk_id: str, terms: list[str], authority: str, status: str, doc_id: str, words: Iterable[str] = ()
    ) -> None:
        self.ids.append(chunk_id)
        self.terms.append(list(terms))
        self.authority.append(authority)
        self.current.append(status == "current")
        self.doc.append(doc_id)
        self.words.update(words)

    def finish(self) -> LexicalIndex:
        from scipy import sparse

        stats = self.stats or CorpusStats.of(self.terms)
        vocabulary = sorted({t for terms in self.terms for t in terms})
        column = {t: i for i, t in enumerate(vocabulary)}
        rows, cols, vals = [], [], []
        for row, terms in enumerate(self.terms):
            norm = K1 * (1 - B + B * len(terms) / stats.mean_length)
            for term, tf in Counter(terms).items():
                rows.append(row)
                cols.append(column[term])
                vals.append(tf * (K1 + 1) / (tf + norm))
        matrix = sparse.csc_matrix(
            (np.asarray(vals, dtype=np.float32), (rows, cols)), shape=(len(self.ids), len(vocabulary))
        )
        authorities = sorted(set(self.authority))
        docs = sorted(set(self.doc))
        authority_code = {a: i for i, a in enumerate(authorities)}
        doc_code = {d: i for i, d in enumerate(docs)}
        return LexicalIndex(
            ids=list(self.ids),
            vocabulary={t: i for i, t in enumerate(vocabulary)},
            matrix=matrix,
            authority_names=authorities,
            authority=np.asarray([authority_code[a] for a in self.authority], dtype=np.int32),
            current=np.asarray(self.current, dtype=bool),
            doc_names=docs,
            doc=np.asarray([doc_code[d] for d in self.doc], dtype=np.int32),
            stats=stats,
            words=frozenset(self.words),
        )


class LexicalIndex:
    """One segment's BM25 index: search with filters, IDF for the writer, and the words it knows."""

    def __init__(
        self,
        ids: list[str],
        vocabulary: dict[str, int],
        matrix: object,
        authority_names: list[str],
        authority: np.ndarray,
        current: np.ndarray,
        doc_names: list[str],
        doc: np.ndarray,
        stats: CorpusStats,
        words: frozenset[str],
    ) -> None:
        self.ids = ids
        self.vocabulary = vocabulary
        self.matrix = matrix
        self.authority_names = authority_names
        self.authority = authority
        self.current = current
        self.doc_names = doc_names
        self.doc = doc
        self.stats = stats
        self.words = words

    def __len__(self) -> int:
        return len(self.ids)

    def search(
        self,
        terms: list[str],
        k: int,
        authorities: Collection[str] = (),
        current_only: bool = True,
        hidden_docs: Collection[str] = (),
    ) -> list[tuple[str, float]]:
        """The k best chunks for the terms, (chunk_id, BM25 score > 0) best first."""
        cols = [self.vocabulary[t] for t in terms if t in self.vocabulary]
        if not cols or not self.ids or k <= 0:
            return []
        weights = np.asarray([self.stats.weight(t) for t in terms if t in self.vocabulary], dtype=np.float32)
        scores = np.asarray(self.matrix[:, cols] @ weights).ravel()  # type: ignore[index]
        keep = scores > 0
        if authorities:
            codes = [i for i, a in enumerate(self.authority_names) if a in set(authorities)]
            keep &= np.isin(self.authority, codes)
        if current_only:
            keep &= self.current
        if hidden_docs:
            codes = [i for i, d in enumerate(self.doc_names) if d in set(hidden_docs)]
            keep &= ~np.isin(self.doc, codes)
        candidates = np.flatnonzero(keep)
        if len(candidates) > k:
            candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        order = candidates[np.argsort(-scores[candidates], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in order]

    # --- files (inside a segment's folder, which the segment writes and renames whole) ----------
    def save(self, folder: Path) -> None:
        from scipy import sparse

        sparse.save_npz(folder / _MATRIX, self.matrix, compressed=False)  # type: ignore[arg-type]
        np.savez(folder / _ARRAYS, authority=self.authority, current=self.current, doc=self.doc)
        meta = {
            "format": FORMAT,
            "ids": self.ids,
            "vocabulary": sorted(self.vocabulary, key=self.vocabulary.__getitem__),
            "authority_names": self.authority_names,
            "doc_names": self.doc_names,
            "stats": self.stats.as_dict(),
            "words": sorted(self.words),
        }
        (folder / _META).write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        """The index saved in folder, or None when it is missing or of another format."""
        from scipy import sparse

        try:
            meta = json.loads((folder / _META).read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT:
                return None
            matrix = sparse.load_npz(folder / _MATRIX).tocsc()
            arrays = np.load(folder / _ARRAYS)
        except (OSError, ValueError, KeyError):
            return None
        return cls(
            ids=meta["ids"],
            vocabulary={t: i for i, t in enumerate(meta["vocabulary"])},
            matrix=matrix,
            authority_names=meta["authority_names"],
            authority=arrays["authority"],
            current=arrays["current"].astype(bool),
            doc_names=meta["doc_names"],
            doc=arrays["doc"],
            stats=CorpusStats.from_dict(meta["stats"]),
            words=frozenset(meta["words"]),
        )
