"""The closest cases by meaning, for a query that no case matches at all.

A word the cases never use ("buurman", "zorgmijding") would otherwise give an empty page.
These few cases are offered instead, and the page says that they are the nearest in
meaning, not matches, unless even the best is no closer than gibberish is
(``RankingConfig.fallback_floor``).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from kennisbank.search.facets import Mask
from kennisbank.search.fusion import Scores
from kennisbank.search.ranking import RankingConfig


def closest_by_meaning(
    semantic: Scores, allowed: Mask, config: RankingConfig
) -> tuple[Mask, npt.NDArray[np.int64], Scores]:
    """(result set, its allowed members best first, scores) from per-case cosines (NaN: none)."""
    best = np.nan_to_num(semantic, nan=-np.inf)
    nearest = np.argsort(-best, kind="stable")[: config.fallback_size]
    nearest = nearest[best[nearest] >= config.fallback_floor]
    matched: Mask = np.zeros(len(best), dtype=bool)
    matched[nearest] = True
    order = nearest[allowed[nearest]].astype(np.int64)
    return matched, order, np.where(matched, best, 0.0)
