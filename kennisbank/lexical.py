"""Keyword search over the FTS5 table of analysed text, with BM25 field weights.

Query terms come out of the same Dutch analyzer as the indexed text and are alphanumeric,
so each is quoted as an FTS5 string: no user input ever reaches FTS5's query syntax.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import numpy.typing as npt

from kennisbank.analysis import query_terms

# BM25 weights per column, in FTS column order: title, summary, tags, body, compound parts.
FIELD_WEIGHTS = (4.0, 2.0, 2.0, 1.0, 0.5)


def match_expression(terms: list[str]) -> str:
    """``"a" OR "b"``: any term matches; BM25 rewards cases that match more of them."""
    return " OR ".join(f'"{term}"' for term in terms)


def lexical_scores(
    conn: sqlite3.Connection, query: str, weights: tuple[float, ...] = FIELD_WEIGHTS
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Every case matching any query term: (case ids, BM25 scores, higher is better)."""
    terms = query_terms(query)
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
