"""Keyword search over the FTS5 table of analysed text, with BM25 field weights.

Query terms come out of the same Dutch analyzer as the indexed text and are alphanumeric,
so each is quoted as an FTS5 string: no user input ever reaches FTS5's query syntax.

Terms that occur in more than ``max_term_share`` of all cases (and in at least MIN_COMMON
cases) are left out of the match: corpus-driven stop words. Such a term adds almost nothing
to BM25 (at a share of one half FTS5 gives it an IDF of zero), but matching it makes
nearly every case a result and computing BM25 for all of them is most of the cost of a
query in a large collection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from kennisbank.text.terms import FIELD_WEIGHTS

# Only a term in this many cases or more can be left out: the point is the cost of scoring
# thousands of matches; in a small collection every match is cheap and stays a result.
MIN_COMMON = 500


def match_expression(terms: list[str]) -> str:
    """``"a" OR "b"``: any term matches; BM25 rewards cases that match more of them."""
    return " OR ".join(f'"{term}"' for term in terms)


def informative_terms(
    terms: list[str], frequency: Callable[[str], int], total: int, max_share: float
) -> list[str]:
    """Query terms that occur in the index, without the ones most cases contain.

    When every term is that common they are all kept: a query of common words still gets
    its keyword matches.
    """
    counts = {term: frequency(term) for term in terms}
    present = [term for term in terms if counts[term]]
    limit = max(max_share * total, MIN_COMMON)
    kept = [term for term in present if counts[term] <= limit]
    return kept or present


def fts5_scores(
    conn: sqlite3.Connection, terms: list[str], weights: tuple[float, ...] = FIELD_WEIGHTS
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """FTS5's own BM25 for cases matching any term: (case ids, scores, higher is better).

    Kept as the reference the in-memory BM25F (kennisbank.search.bm25) is measured against.
    """
    if not terms:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    placeholders = ", ".join("?" * len(weights))
    rows = conn.execute(
        f"SELECT rowid, -bm25(cases_fts, {placeholders}) FROM cases_fts WHERE cases_fts MATCH ?",
        (*weights, match_expression(terms)),
    ).fetchall()
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    ids, scores = zip(*rows, strict=True)
    return np.asarray(ids, dtype=np.int64), np.asarray(scores, dtype=np.float64)
