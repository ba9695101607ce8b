"""What one search measured about itself: where its time went and how close its best match was.

Filled in while the search runs, with ``time.perf_counter`` only (a few hundred nanoseconds
per reading), so a search costs the same with or without anyone looking. The web app turns
the split into metrics (``/metrics``) and the best similarity into the search log's
``top_score``. Whatever else a search learns about itself later (a query-vector cache hit,
say) gets a field here, so every reader finds it in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel


@dataclass
class SearchTrace:
    """Mutable while one search runs; never shared between searches."""

    encode_seconds: float = 0.0
    best_similarity: float | None = None
    cache_hit: bool | None = None  # None: no query vector was needed (or no cache)
    # (mean, deviation) of the query's cosines over the calibration sample of passages
    spread: tuple[float, float] | None = None

    def saw_similarity(self, value: float) -> None:
        """Keep the highest semantic similarity seen among the cases the filters allow."""
        if self.best_similarity is None or value > self.best_similarity:
            self.best_similarity = value


class SearchTiming(BaseModel):
    """Milliseconds per stage of one search: encoding the query and everything else.

    ``rank_ms`` is the search minus the encoding: keyword scoring, FAISS, fusion, facet
    counts and snippets. Rendering happens in the caller and is measured there.
    """

    encode_ms: float = 0.0
    rank_ms: float = 0.0
    # Whether the query vector came from the process's cache (None: no vector was needed).
    cache_hit: bool | None = None
