"""What a search measures about itself: the encode/rank split and its best similarity."""

from __future__ import annotations

from typing import Any

import numpy as np

from kennisbank.search.searcher import Searcher, SearchParams
from kennisbank.search.thesaurus import embedding_text, thesaurus


def best_cosine(searcher: Searcher, query: str, regions: list[str] | None = None) -> float:
    """Oracle: the query against every passage vector of the allowed cases, brute force."""
    sql = "SELECT p.id FROM passages p JOIN cases c ON c.id = p.case_id"
    args: list[str] = []
    if regions:
        marks = ",".join("?" * len(regions))
        sql += (
            " WHERE c.id IN (SELECT case_id FROM facets WHERE facet = 'regions' "
            f"AND value IN ({marks}))"
        )
        args = regions
    ids = np.asarray([row[0] for row in searcher.conn.execute(sql, args)], dtype=np.int64)
    vectors = searcher.passage_index.reconstruct(ids)
    # what the searcher embeds: the query with its first thesaurus expansions
    text = embedding_text(query, thesaurus().expand(query), searcher.ranking.synonym_text)
    query_vector = searcher.embedder().encode_query(text)
    return float((vectors @ query_vector[0]).max())


def test_best_similarity_is_the_closest_allowed_passage(bundled_searcher: Any) -> None:
    query = "hulp bij schulden voor jonge gezinnen"
    result = bundled_searcher.search(SearchParams(query=query))
    assert abs(result.best_similarity - best_cosine(bundled_searcher, query)) < 1e-5
    region = next(iter(result.facets["region"]))
    filtered = bundled_searcher.search(SearchParams(query=query, region=[region]))
    oracle = best_cosine(bundled_searcher, query, [region])
    assert abs(filtered.best_similarity - oracle) < 1e-5
    assert filtered.best_similarity <= result.best_similarity + 1e-6


def test_the_split_adds_up_to_the_search(bundled_searcher: Any) -> None:
    result = bundled_searcher.search(SearchParams(query="eenzame ouderen in het dorp"))
    assert result.timing.encode_ms > 0 and result.timing.rank_ms > 0
    total = result.timing.encode_ms + result.timing.rank_ms
    assert abs(total - result.took_ms) < 0.05  # took_ms is rounded to 0.01


def test_no_query_encodes_nothing_and_has_no_similarity(bundled_searcher: Any) -> None:
    result = bundled_searcher.search(SearchParams(query="", region=["utrecht"]))
    assert result.timing.encode_ms == 0 and result.best_similarity is None
    lexical = bundled_searcher.search(SearchParams(query="schulden", mode="lexical"))
    assert lexical.timing.encode_ms == 0 and lexical.best_similarity is None
