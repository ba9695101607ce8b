"""The hits of one result page: fields from the per-version cache, snippets that explain."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from kennisbank.search.facets import Mask
from kennisbank.search.fusion import Scores
from kennisbank.search.hits import PageRows
from kennisbank.search.models import SearchHit
from kennisbank.search.snippets import page_snippets


def page_hits(
    rows: PageRows,
    case_ids: npt.NDArray[np.int64],
    page: list[int],
    scores: Scores,
    query: str,
    similarity: dict[int, float],
    by_meaning: Mask | None = None,
    synonyms: str = "",
) -> list[SearchHit]:
    """Hits for case positions ``page``; with a query, each gets a snippet (found by meaning
    where ``by_meaning`` says so: the passage closest in meaning, flagged; ``synonyms`` are
    marked too, see snippets.page_snippets)."""
    if not page:
        return []
    ids = [int(case_ids[p]) for p in page]
    fields = rows.hits.get(ids)
    meaning = {
        case_id
        for case_id, position in zip(ids, page, strict=True)
        if by_meaning is not None and by_meaning[position]
    }
    snippets = page_snippets(rows, ids, query, similarity, meaning, synonyms) if query else {}
    hits: list[SearchHit] = []
    for position, case_id in zip(page, ids, strict=True):
        row = fields[case_id]
        hits.append(
            SearchHit(
                slug=row.slug,
                title=row.title,
                summary=row.summary,
                score=round(float(scores[position]), 6),
                principles=row.principles,
                regions=row.regions,
                partners=row.partners,
                updated=row.updated,
                snippet=snippets.get(case_id),
            )
        )
    return hits
