"""Search latency: in-library ``Searcher.search`` wall time over the workload, p50 and p99
per repeat, and a breakdown (query encoding, keyword scoring, FAISS) timed on its own.
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
    passes, took, with_results = timed_passes(searcher, params, repeats)
    parts, vectors = breakdown(searcher, params)
    rest = [
        total - a - b - c
        for total, a, b, c in zip(
            passes[-1], parts["encode_query"], parts["lexical"], parts["faiss"], strict=True
        )
    ]
    result = {
        "queries": len(params),
        "distinct_queries": len({json.dumps(w, sort_keys=True) for w in work}),
        "filtered_queries": sum(1 for w in work if len(w) > 2),
        "open_s": opened,
        "p50_ms": summary([percentile(p, 50) for p in passes]),
        "p99_ms": summary([percentile(p, 99) for p in passes]),
        "mean_ms": summary([statistics.fmean(p) for p in passes]),
        "max_ms": summary([max(p) for p in passes]),
        "took_ms_p50": percentile(took, 50),
        "with_results_share": with_results / (len(params) * repeats),
        "breakdown_p50_ms": {
            **{name: percentile(times, 50) for name, times in parts.items()},
            "rest": percentile(rest, 50),
        },
        "breakdown_p99_ms": {name: percentile(times, 99) for name, times in parts.items()},
        "faiss_k": searcher.ranking.semantic_candidates,
        "latencies_ms": passes,
    }
    return result, vectors


def timed_passes(
    searcher: Any, params: list[Any], repeats: int
) -> tuple[list[list[float]], list[float], int]:
    """``repeats`` passes over the workload: each search's wall ms per pass, the searcher's
    own ``took_ms`` and how many searches found something."""
    passes = []
    took = []
    with_results = 0
    for _ in range(repeats):
        latencies = []
        for item in params:
            started = time.perf_counter()
            result = searcher.search(item)
            latencies.append((time.perf_counter() - started) * 1000)
            took.append(result.took_ms)
            with_results += bool(result.results)
        passes.append(latencies)
        log(
            f"search: p50 {percentile(latencies, 50):.2f} ms, "
            f"p99 {percentile(latencies, 99):.2f} ms"
        )
    return passes, took, with_results


def breakdown(searcher: Any, params: list[Any]) -> tuple[dict[str, list[float]], np.ndarray]:
    """One pass with the three expensive parts timed on their own (ms each: query encoding,
    keyword scoring, FAISS), and the query vectors for the recall and baseline steps."""
    embedder = searcher.embedder()
    config = searcher.ranking
    encode, lexical, vector_search = [], [], []
    vectors = []
    for item in params:
        seconds, vector = timed(lambda item=item: embedder.encode_query(item.query))  # type: ignore[misc]
        encode.append(seconds * 1000)
        vectors.append(vector[0])
        seconds, _ = timed(lambda item=item: searcher._lexical(item.query))  # type: ignore[misc]
        lexical.append(seconds * 1000)
        seconds, _ = timed(
            lambda vector=vector: searcher.passage_index.search(  # type: ignore[misc]
                vector, config.semantic_candidates
            )
        )
        vector_search.append(seconds * 1000)
    parts = {"encode_query": encode, "lexical": lexical, "faiss": vector_search}
    return parts, np.vstack(vectors).astype(np.float32)
