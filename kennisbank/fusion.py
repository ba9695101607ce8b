"""Rank fusion: turn several ranked candidate lists into one ranking.

Reciprocal rank fusion (Cormack et al. 2009) uses ranks only, so it needs no calibration
between BM25 scores and cosine similarities, which live on unrelated scales. It is the
default because it generalises to unseen content; weights let one list count more.
"""

from __future__ import annotations

from collections.abc import Sequence

RRF_K = 60.0


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[int]], weights: Sequence[float], k: float = RRF_K
) -> dict[int, float]:
    """Fused score per item: sum of weight / (k + rank) over the lists it appears in."""
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return scores


def convex_fusion(
    lexical: dict[int, float], semantic: dict[int, float], alpha: float, floor: float = 0.0
) -> dict[int, float]:
    """alpha * semantic + (1 - alpha) * lexical, each scaled to [0, 1] within its list.

    Lexical BM25 is divided by the list's best score (BM25 has no fixed scale); cosine is
    scaled between ``floor`` (unrelated) and the best match, so a query whose best passage
    is only weakly related does not get a full semantic vote for it.
    """
    top_lexical = max(lexical.values(), default=0.0) or 1.0
    top_semantic = max(semantic.values(), default=floor)
    span = max(top_semantic - floor, 1e-6)
    items = set(lexical) | set(semantic)
    return {
        item: alpha * max(semantic.get(item, floor) - floor, 0.0) / span
        + (1 - alpha) * lexical.get(item, 0.0) / top_lexical
        for item in items
    }
