"""Related cases: "more like this", and "the same principle elsewhere".

Unlike a search there is no query: a case's own mean vector (the case index) is the query,
and the answer is a short list for a case page. Kept apart from the searcher, which
answers queries; the searcher delegates ``Searcher.related`` here.
"""

from __future__ import annotations

import numpy as np

from kennisbank.indexing.vectors import VectorIndex
from kennisbank.search.facets import Mask
from kennisbank.search.fusion import Scores
from kennisbank.search.models import SearchHit
from kennisbank.search.page import page_hits
from kennisbank.search.tables import Tables

NEIGHBOURS = 200  # nearest cases looked at, at most: enough to fill k after filtering


def related_cases(
    tables: Tables, cases: VectorIndex, slug: str, k: int = 5, other_region: bool = False
) -> list[SearchHit]:
    """Cases nearest in meaning to a case ("more like this"), by their mean vectors.

    ``other_region`` keeps only cases that share a principle but no region with it:
    "the same kind of approach, elsewhere", which is what a visitor wants to compare.
    An unknown slug has no related cases.
    """
    position = tables.position.get(slug)
    if position is None:
        return []
    case_ids, facets = tables.case_ids, tables.facets
    case_id = int(case_ids[position])
    vector = cases.reconstruct(np.asarray([case_id], dtype=np.int64))
    scores, ids = cases.search(vector, min(tables.size, NEIGHBOURS))
    wanted: Mask = np.ones(tables.size, dtype=bool)
    if other_region:
        principles = [v for v, m in facets.values["principle"].items() if m[position]]
        regions = [v for v, m in facets.values["region"].items() if m[position]]
        wanted = facets.mask("principle", principles) & ~facets.mask("region", regions)
    order: list[int] = []
    similarity: Scores = np.zeros(tables.size)
    for score, other in zip(scores.tolist(), ids.tolist(), strict=True):
        other_position = int(np.searchsorted(case_ids, other))
        if other_position != position and wanted[other_position]:
            order.append(other_position)
            similarity[other_position] = score
        if len(order) == k:
            break
    return page_hits(tables.page_rows, case_ids, order, similarity, "", {})
