"""A second opinion on meaning: the companion embedder's standing of each case.

multilingual-e5-small and USE miss different paraphrases: on queries that share no word
with their cases, blending USE's view into e5's ranking lifted nDCG@10 by 0.04-0.06, where
no setting of e5 alone moved it (docs/search-quality.md, "A second embedder"). The two
models' cosines live on different scales (e5 0.7-0.9, USE 0.1-0.6), so each is first made
a z-score against its own query's spread over the passage sample (membership.Calibration)
and the blend is mapped back onto the main embedder's scale, where the fusion floor and
the closeness rules were tuned. Membership stays the main embedder's alone: the set rule's
knobs were measured on its z-scores, and a blend of two z-scores has a narrower spread.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kennisbank.search.fusion import Scores
from kennisbank.search.semantic import SemanticSide

Spread = tuple[float, float]


@dataclass(frozen=True, eq=False)
class CompanionSide:
    """The companion's passage vectors in one version, and the name of its embedder."""

    name: str
    side: SemanticSide


def blend(
    semantic: Scores, spread: Spread, companion: Scores, companion_spread: Spread, weight: float
) -> Scores:
    """The main cosines with ``weight`` of their z-score taken from the companion's.

    A case the companion did not score (not among its nearest passages) gets the lowest
    z-score it gave any case; a case the main side did not score stays NaN, so the set of
    candidates is the main embedder's.
    """
    if not weight:
        return semantic
    mean, deviation = spread
    other_mean, other_deviation = companion_spread
    own = (semantic - mean) / deviation
    other = (companion - other_mean) / other_deviation
    lowest = float(np.nanmin(other)) if np.isfinite(other).any() else 0.0
    other = np.where(np.isnan(other), lowest, other)
    mixed = (1.0 - weight) * own + weight * other
    return np.where(np.isnan(semantic), np.nan, mean + deviation * mixed)
