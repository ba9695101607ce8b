"""OpenMP threads per query and worker processes for serving e5: which setting is faster.

    python bench/e5_threads.py --index /tmp/e5-index --seconds 15

1. Proof that the setting takes effect: one query at a time in a *request-like* thread (not
   the main thread), 1 vs 2 OpenMP threads, median latency; and the count libgomp reports
   in that thread.
2. Serving: W worker processes x T OpenMP threads per encode, each worker answering
   KENNISBANK_THREADS (2) searches at once in a closed loop over the judged queries for a
   fixed time (the query-vector cache off: every search encodes). Reports searches/s over
   all workers and p50/p99 latency. In-library searches: HTTP adds the same small constant
   to every setting.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import statistics
import threading
import time
from pathlib import Path

import numpy as np

from kennisbank.embedders import get_embedder
from kennisbank.embedders.e5 import E5Embedder
from kennisbank.search.evaluation import load_queries
from kennisbank.search.searcher import Searcher, SearchParams

QUERIES = Path("tests/data/queries.jsonl")


def in_thread_latency(threads: int, queries: list[str]) -> dict[str, float]:
    model = get_embedder("multilingual-e5-small", threads=threads)
    assert isinstance(model, E5Embedder)
    samples: list[float] = []
    seen: list[int | None] = []

    def work() -> None:
        model.encode_query("warm")
        for query in queries:
            started = time.perf_counter()
            model.encode_query(query)
            samples.append((time.perf_counter() - started) * 1000)
        seen.append(model.omp_threads())

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    return {"p50 ms": round(statistics.median(samples), 2), "omp threads seen": float(seen[0] or 0)}


def serve_worker(index: str, threads: int, seconds: float, out: mp.Queue) -> None:  # type: ignore[type-arg]
    embedder = get_embedder("multilingual-e5-small", threads=threads)
    searcher = Searcher(Path(index), embedder=embedder, query_cache=None)
    queries = [q.query for q in load_queries(QUERIES)]
    searcher.search(SearchParams(query="warm"))
    latencies: list[float] = []
    start_at = time.perf_counter()

    def loop(offset: int) -> None:
        i = offset
        while time.perf_counter() - start_at < seconds:
            began = time.perf_counter()
            searcher.search(SearchParams(query=queries[i % len(queries)]))
            latencies.append((time.perf_counter() - began) * 1000)
            i += 1

    request_threads = [threading.Thread(target=loop, args=(n * 7,)) for n in range(2)]
    for thread in request_threads:
        thread.start()
    for thread in request_threads:
        thread.join()
    out.put(latencies)


def serving(index: Path, workers: int, threads: int, seconds: float) -> dict[str, float]:
    context = mp.get_context("spawn")
    queue: mp.Queue = context.Queue()  # type: ignore[type-arg]
    procs = [
        context.Process(target=serve_worker, args=(str(index), threads, seconds, queue))
        for _ in range(workers)
    ]
    for proc in procs:
        proc.start()
    latencies = [x for _ in procs for x in queue.get()]
    for proc in procs:
        proc.join()
    return {
        "searches/s": round(len(latencies) / seconds, 1),
        "p50 ms": round(float(np.percentile(latencies, 50)), 1),
        "p99 ms": round(float(np.percentile(latencies, 99)), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    queries = [q.query for q in load_queries(QUERIES)]
    result: dict[str, object] = {}
    runs: dict[str, list[dict[str, float]]] = {}
    for _ in range(args.rounds):  # interleaved rounds: noise from neighbours hits every setting
        for threads in (1, 2):
            key = f"one query in a request thread, {threads} OpenMP thread(s)"
            runs.setdefault(key, []).append(in_thread_latency(threads, queries))
        for workers in (1, 2):
            for threads in (1, 2):
                key = f"{workers} worker(s) x {threads} OpenMP thread(s)"
                runs.setdefault(key, []).append(serving(args.index, workers, threads, args.seconds))
    for key, samples in runs.items():
        result[key] = {
            name: round(statistics.median(s[name] for s in samples), 1) for name in samples[0]
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
