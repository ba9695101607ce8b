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
    # Breakdown, one pass: the three expensive parts timed on their own.
    embedder = searcher.embedder()
    config = searcher.ranking
    encode, lexical, vector_search = [], [], []
    vectors = []
    for item in params:
        seconds, vector = timed(lambda item=item: embedder.encode_query(item.query))
        encode.append(seconds * 1000)
        vectors.append(vector[0])
        seconds, _ = timed(lambda item=item: searcher._lexical(item.query))
        lexical.append(seconds * 1000)
        seconds, _ = timed(
            lambda vector=vector: searcher.passage_index.search(vector, config.semantic_candidates)
        )
        vector_search.append(seconds * 1000)
    rest = [
        total - a - b - c
        for total, a, b, c in zip(passes[-1], encode, lexical, vector_search, strict=True)
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
            "encode_query": percentile(encode, 50),
            "lexical": percentile(lexical, 50),
            "faiss": percentile(vector_search, 50),
            "rest": percentile(rest, 50),
        },
        "breakdown_p99_ms": {
            "encode_query": percentile(encode, 99),
            "lexical": percentile(lexical, 99),
            "faiss": percentile(vector_search, 99),
        },
        "faiss_k": config.semantic_candidates,
        "latencies_ms": passes,
    }
    return result, np.vstack(vectors).astype(np.float32)
