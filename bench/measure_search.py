"""Search latency: in-library ``Searcher.search`` wall time over the workload, p50 and p99
per repeat, and a breakdown (query encoding, keyword scoring, FAISS) timed on its own.

The process keeps query vectors (``kennisbank.search.query_cache.QUERY_VECTORS``), and the
workload cycles a few dozen queries, so without care every search after the first pass
would skip its encoding. The cache is cleared before each timed search: the p50 and p99
are those of a first search of a query, encoding included. A repeat query (page 2, a facet
click, the API call after the page) is timed on its own: each query searched twice, the
second timed.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
from common import log, percentile, summary, timed


def search_latency(
    index: Path, work: list[dict[str, Any]], repeats: int
) -> tuple[dict[str, Any], np.ndarray]:
    from kennisbank.search.searcher import Searcher, SearchParams

    opened, searcher = timed(lambda: Searcher(index))
    params = [SearchParams(**item) for item in work]
    for item in params[:20]:  # warm up: model loaded, pages cached
        searcher.search(item)
    passes, took, with_results, hits = timed_passes(searcher, params, repeats)
    repeated, repeat_hits = repeat_passes(searcher, params, repeats)
    parts, vectors = breakdown(searcher, params)
    rest = [
        total - a - b - c
        for total, a, b, c in zip(
            passes[-1], parts["encode_query"], parts["lexical"], parts["faiss"], strict=True
        )
    ]
    result = {
        "embedder": searcher.manifest.embedder,
        "encode_threads": getattr(searcher.embedder(), "threads", 1),
        "queries": len(params),
        "distinct_queries": len({json.dumps(w, sort_keys=True) for w in work}),
        "filtered_queries": sum(1 for w in work if len(w) > 2),
        "open_s": opened,
        "p50_ms": summary([percentile(p, 50) for p in passes]),
        "p99_ms": summary([percentile(p, 99) for p in passes]),
        "mean_ms": summary([statistics.fmean(p) for p in passes]),
        "max_ms": summary([max(p) for p in passes]),
        "cache_hits_timed": hits,
        "repeat_p50_ms": summary([percentile(p, 50) for p in repeated]),
        "repeat_p99_ms": summary([percentile(p, 99) for p in repeated]),
        "repeat_cache_hits": repeat_hits,
        "took_ms_p50": percentile(took, 50),
        "with_results_share": with_results / (len(params) * repeats),
        "breakdown_p50_ms": {
            **{name: percentile(times, 50) for name, times in parts.items()},
            "rest": percentile(rest, 50),
        },
        "breakdown_p99_ms": {name: percentile(times, 99) for name, times in parts.items()},
        "faiss_k": searcher.ranking.semantic_candidates,
        "latencies_ms": passes,
        "repeat_latencies_ms": repeated,
    }
    return result, vectors


def timed_passes(
    searcher: Any, params: list[Any], repeats: int
) -> tuple[list[list[float]], list[float], int, int]:
    """``repeats`` passes over the workload, every search encoding its query: each search's
    wall ms per pass, the searcher's own ``took_ms``, how many searches found something and
    how many still got their vector from the cache (0 unless clearing it stopped working)."""
    from kennisbank.search.query_cache import QUERY_VECTORS

    passes = []
    took = []
    with_results = 0
    hits = 0
    for _ in range(repeats):
        latencies = []
        for item in params:
            QUERY_VECTORS.clear()  # a first search of this query, as after a server start
            started = time.perf_counter()
            result = searcher.search(item)
            latencies.append((time.perf_counter() - started) * 1000)
            took.append(result.took_ms)
            with_results += bool(result.results)
            hits += result.timing.cache_hit is True
        passes.append(latencies)
        log(
            f"search, query encoded: p50 {percentile(latencies, 50):.2f} ms, "
            f"p99 {percentile(latencies, 99):.2f} ms"
        )
    return passes, took, with_results, hits


def repeat_passes(searcher: Any, params: list[Any], repeats: int) -> tuple[list[list[float]], int]:
    """``repeats`` passes in which each search follows the same search, untimed: the repeat
    query, its vector from the cache. Returns the ms per pass and how many were cache hits."""
    passes = []
    hits = 0
    for _ in range(repeats):
        latencies = []
        for item in params:
            searcher.search(item)
            started = time.perf_counter()
            result = searcher.search(item)
            latencies.append((time.perf_counter() - started) * 1000)
            hits += result.timing.cache_hit is True
        passes.append(latencies)
        log(f"search, repeat query (cache hit): p50 {percentile(latencies, 50):.2f} ms")
    return passes, hits


def breakdown(searcher: Any, params: list[Any]) -> tuple[dict[str, list[float]], np.ndarray]:
    """One pass with the three expensive parts timed on their own (ms each: query encoding,
    keyword scoring, FAISS), and the query vectors for the recall and baseline steps."""
    from kennisbank.text.analysis import query_terms

    embedder = searcher.embedder()
    config = searcher.ranking
    encode, lexical, vector_search = [], [], []
    vectors = []
    for item in params:
        seconds, vector = timed(lambda item=item: embedder.encode_query(item.query))  # type: ignore[misc]
        encode.append(seconds * 1000)
        vectors.append(vector[0])
        seconds, _ = timed(
            lambda item=item: searcher._lexical(query_terms(item.query))  # type: ignore[misc]
        )
        lexical.append(seconds * 1000)
        seconds, _ = timed(
            lambda vector=vector: searcher.passage_index.search(  # type: ignore[misc]
                vector, config.semantic_candidates
            )
        )
        vector_search.append(seconds * 1000)
    parts = {"encode_query": encode, "lexical": lexical, "faiss": vector_search}
    return parts, np.vstack(vectors).astype(np.float32)
