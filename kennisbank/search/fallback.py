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
    semantic: Scores, fused: Scores, allowed: Mask, config: RankingConfig, floor: float
) -> tuple[Mask, npt.NDArray[np.int64]]:
    """(the offered cases, those allowed in ranking order) for a query no case is about.

    The ``fallback_size`` best-ranked (``fused``) allowed cases whose best passage cosine
    (``semantic``, NaN: not a candidate) reaches ``floor``: ranked as the search ranks
    them, so a weak search's first results are the ones a strong one would have shown.
    """
    close = np.nan_to_num(semantic, nan=-np.inf) >= floor
    candidates = np.flatnonzero(close & allowed)
    ranked = candidates[np.argsort(-fused[candidates], kind="stable")][: config.fallback_size]
    offered: Mask = np.zeros(len(semantic), dtype=bool)
    offered[ranked] = True
    return offered, ranked.astype(np.int64)
