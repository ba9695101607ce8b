"""Score fusion: combine the keyword and the semantic score of every case into one.

Scores arrive as arrays over case positions with NaN where a case is not in that list, so
fusion is a few vector operations however many cases match.

- Convex fusion (the default, chosen by measurement): each list is scaled to [0, 1] and the
  two are mixed with weight ``alpha``. It keeps the size of the gap between a strong and a
  weak semantic match, which matters for paraphrases whose words match nothing specific.
- Reciprocal rank fusion (Cormack et al. 2009) uses ranks only; kept for comparison.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Scores = npt.NDArray[np.float64]
RRF_K = 60.0


def convex_fusion(
    lexical: Scores,
    semantic: Scores,
    alpha: float,
    floor: float = 0.0,
    lexical_top: float = 0.0,
) -> Scores:
    """alpha * semantic + (1 - alpha) * lexical, each scaled to [0, 1] within its list.

    BM25 is divided by the query's best BM25 (it has no fixed scale), or by ``lexical_top``
    when that is higher: a share of the most the query's terms could score, so a query
    whose best keyword match is weak (a paraphrase matching one common word) does not give
    that match a full keyword vote. Cosine is scaled between ``floor`` (unrelated) and the
    best match, so a query whose best passage is only weakly related does not give it a
    full semantic vote. NaN (not in a list) counts as 0.
    """
    fused = np.zeros(lexical.shape, dtype=np.float64)
    if np.any(~np.isnan(lexical)):
        top = max(float(np.nanmax(lexical)), lexical_top) or 1.0
        fused += (1 - alpha) * np.nan_to_num(lexical / top)
    if np.any(~np.isnan(semantic)):
        span = max(float(np.nanmax(semantic)) - floor, 1e-6)
        fused += alpha * np.nan_to_num(np.clip((semantic - floor) / span, 0.0, None))
    return fused


def reciprocal_rank_fusion(lists: list[Scores], weights: list[float], k: float = RRF_K) -> Scores:
    """Sum over lists of weight / (k + rank), rank 1 being the list's best score."""
    fused = np.zeros(lists[0].shape, dtype=np.float64)
    for scores, weight in zip(lists, weights, strict=True):
        present = np.flatnonzero(~np.isnan(scores))
        ranked = present[np.argsort(-scores[present], kind="stable")]
        fused[ranked] += weight / (k + np.arange(1, len(ranked) + 1))
    return fused
