"""Baselines measured in the same run (bare USE query encoding, bare FAISS flat search over
as many random vectors, bare USE document throughput on one core, process start) and the
ratios of the figures to them: on a shared, noisy machine the ratios compare across runs.
"""

from __future__ import annotations

import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from common import CHILD, log, percentile, run_json, timed


def baselines(
    index: Path, work: list[dict[str, Any]], queries: np.ndarray, passages: int, repeats: int
) -> dict[str, Any]:
    import faiss

    from kennisbank.embedders import get_embedder

    faiss.omp_set_num_threads(1)
    embedder = get_embedder(threads=1)
    texts = [w["query"] for w in work]
    for text in texts[:10]:
        embedder.encode_query(text)
    encode = [
        timed(lambda text=text: embedder.encode_query(text))[0] * 1000  # type: ignore[misc]
        for text in texts
    ]
    documents, doc_s = use_documents(embedder, index)
    flat_times = flat_search(queries, passages)
    start_runs, use_runs = processes(repeats)
    result = {
        "use_query_p50_ms": percentile(encode, 50),
        "use_query_p99_ms": percentile(encode, 99),
        "use_docs_per_s_1core": documents / doc_s if doc_s else 0.0,
        "flat_k10_p50_ms": percentile(flat_times[10], 50) * 1000,
        "flat_k256_p50_ms": percentile(flat_times[256], 50) * 1000,
        "flat_vectors": passages,
        "process_start_s": statistics.median(start_runs),
        "use_process_s": statistics.median(run[0] for run in use_runs),
        "use_process_rss_mb": statistics.median(run[1] for run in use_runs),
        "use_load_encode_s": statistics.median(run[2] for run in use_runs),
    }
    log(
        "baselines: USE query p50 {use_query_p50_ms:.2f} ms, flat k=256 p50 "
        "{flat_k256_p50_ms:.2f} ms, USE {use_docs_per_s_1core:.0f} docs/s on one core".format(
            **result
        )
    )
    return result


def use_documents(embedder: Any, index: Path) -> tuple[int, float]:
    """Real passages of this corpus, embedded as the builder does, on one core: (count, s)."""
    from kennisbank.indexing.layout import DB_FILE
    from kennisbank.indexing.manifest import read_manifest

    db = read_manifest(index).version_dir(index) / DB_FILE
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT c.title || '. ' || p.heading || ': ' || p.text FROM passages p "
            "JOIN cases c ON c.id = p.case_id WHERE p.ordinal > 0 ORDER BY p.id LIMIT 256"
        ).fetchall()
    documents = [row[0] for row in rows]
    doc_s, _ = timed(
        lambda: [embedder.encode_documents(documents[i : i + 64]) for i in (0, 64, 128, 192)]
    )
    return len(documents), doc_s


def flat_search(queries: np.ndarray, passages: int) -> dict[int, list[float]]:
    """FAISS flat over as many random unit vectors as the index holds (the caller set one
    thread): seconds per query at k=10 and k=256."""
    import faiss

    rng = np.random.default_rng(0)
    data = rng.standard_normal((passages, queries.shape[1]), dtype=np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    flat = faiss.IndexFlatIP(queries.shape[1])
    flat.add(data)
    del data
    flat_times: dict[int, list[float]] = {10: [], 256: []}
    for k, times in flat_times.items():
        for query in queries[:10]:
            flat.search(query[None, :], k)
        for query in queries:
            started = time.perf_counter()
            flat.search(query[None, :], k)
            times.append(time.perf_counter() - started)
    flat.reset()
    return flat_times


def processes(repeats: int) -> tuple[list[float], list[tuple[float, float, float]]]:
    """Interpreter + ``import kennisbank.cli`` (s), and a process that loads USE and encodes
    one query: (wall s, peak RSS MB, load + encode s)."""
    start_runs, use_runs = [], []
    for _ in range(max(3, repeats)):
        start_runs.append(
            timed(
                lambda: subprocess.run([sys.executable, "-c", "import kennisbank.cli"], check=True)
            )[0]
        )
        seconds, child = timed(lambda: run_json([sys.executable, str(CHILD), "use"]))
        use_runs.append((seconds, child["peak_rss_mb"], child["load_encode_s"]))
    return start_runs, use_runs


def ratios(result: dict[str, Any]) -> dict[str, float]:
    base = result["baseline"]
    floor_ms = base["use_query_p50_ms"] + base["flat_k256_p50_ms"]
    out = {
        "search_p50_over_floor": result["search"]["p50_ms"]["median"] / floor_ms,
        "search_p99_over_floor": result["search"]["p99_ms"]["median"] / floor_ms,
        "incremental_cli_over_use_process": result["incremental"]["cli_wall_s"]["median"]
        / base["use_process_s"],
        "searcher_rss_over_use_process": result["rss"]["peak_rss_mb"]["median"]
        / base["use_process_rss_mb"],
    }
    if result["build"]["policy"] == "cold" and base["use_docs_per_s_1core"]:
        out["build_rate_over_1core_use"] = (
            result["build"]["embedded_per_s"]["median"] / base["use_docs_per_s_1core"]
        )
    return out
