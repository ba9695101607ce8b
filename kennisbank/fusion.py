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
