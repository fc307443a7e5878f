"""Reciprocal rank fusion of ranked lists (pure)."""

from __future__ import annotations

from collections.abc import Sequence


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = 60) -> list[tuple[str, float]]:
    """Fuse ranked id lists: score(d) = sum over lists of 1 / (k + rank), rank starting at 1.

    k = 60 is the constant of Cormack, Clarke & Buettcher (SIGIR 2009), who found it robust
    across collections: it damps the difference between ranks 1 and 2 so that agreement
    between retrievers matters more than either one's top pick. Ties keep first-seen order.
    """
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])
