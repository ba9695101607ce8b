"""Page-render latency over real HTTP: start `kennisbank serve`, drive it, report p50/p99.

    python bench/http_bench.py --index index [--requests 300] [--out bench/out/http.json]

The server runs as its own process (uvicorn with httptools/uvloop, one worker) on
127.0.0.1; one keep-alive client sends the judged queries, cycled, to `/zoeken` and
`/api/search` one at a time. The same run measures `/healthz` as the floor of the HTTP
stack, so the page figures can be read as ratios on a noisy machine.

The cycled queries soon come from the server's query-vector cache. ``run_bench.py --http``
(``measure_http.py``) times each query once with its encoding, then again from the cache.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from common import html_params, judged_queries  # noqa: E402
from load_test import start_server  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def workload(queries_file: Path) -> list[dict[str, Any]]:
    return [
        {"q": item["query"], **item.get("filters", {})} for item in judged_queries(queries_file)
    ]


def measure(client: httpx.Client, urls: list[str], count: int) -> dict[str, float]:
    for url in urls[:10]:  # warm-up
        client.get(url)
    times: list[float] = []
    for i in range(count):
        started = time.perf_counter()
        response = client.get(urls[i % len(urls)])
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{urls[i % len(urls)]} -> {response.status_code}")
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(percentile(times, 0.99), 2),
        "requests": count,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--queries", type=Path, default=ROOT / "tests/data/queries.jsonl")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    server, base = start_server(args.index, 1)  # waits until /healthz answers
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            cases = client.get("/healthz").json()["cases"]
            params = workload(args.queries)
            pages = ["/zoeken?" + urlencode(html_params(p), doseq=True) for p in params]
            api = ["/api/search?" + urlencode(p, doseq=True) for p in params]
            result = {
                "cases": cases,
                "index": str(args.index),
                "healthz": measure(client, ["/healthz"], args.requests),
                "zoeken": measure(client, pages, args.requests),
                "api_search": measure(client, api, args.requests),
            }
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
