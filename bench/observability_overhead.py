"""What the search log and /metrics cost a search: two real servers, requests interleaved.

Server A runs with ``KENNISBANK_METRICS=false`` and no search log; server B with metrics on
and a search log. Both serve the same index with one uvicorn worker. Requests alternate
between them (A, B, A, B, ...) over the judged queries, one connection each, so machine
noise hits both alike; the report gives medians and the B/A ratio per endpoint.

    python bench/observability_overhead.py --index index [--rounds 300] [--only metrics|log]

``--only`` turns on just one of the two in server B, to see which one costs what.
``--micro`` instead times, in this process, what a search adds to the request thread:
building and queueing its log line, and the metrics calls of one search request.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from ports import free_port

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "tests" / "data" / "queries.jsonl"


def start(index: Path, env_extra: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, **env_extra}
    command = [sys.executable, "-m", "kennisbank", "serve", "--port", str(port)]
    command += ["--index", str(index)]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(url + "/healthz").status_code == 200:
                return server, url
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("server did not start")
        time.sleep(0.2)


def micro(repeats: int = 20_000) -> None:
    """Per-search cost on the request thread, in microseconds (median of 7 runs)."""
    import timeit

    from kennisbank.search.searcher import SearchHit, SearchParams, SearchResult
    from kennisbank.webapp.operations.metrics import Metrics
    from kennisbank.webapp.operations.search_log import SearchLog

    hits = [
        SearchHit(
            slug=f"voorbeeld-{i}",
            title="t",
            score=1.0,
            principles=[],
            regions=[],
            partners=[],
            summary="s",
        )
        for i in range(10)
    ]
    params = SearchParams(query="hulp bij schulden voor jonge gezinnen", region=["utrecht"])
    result = SearchResult(
        query=params.query, total=12, results=hits, facets={}, best_similarity=0.41
    )
    folder = Path(tempfile.mkdtemp(prefix="kennisbank-bench-"))
    log = SearchLog(folder / "zoek.log", capacity=10 * repeats)
    metrics = Metrics()

    def measured() -> None:
        metrics.requests.labels(method="GET", route="/zoeken", status="200").inc()
        metrics.latency.labels(method="GET", route="/zoeken").observe(0.01)
        metrics.search_done("html", 0.002, 0.005, 0.003)

    for name, call in (
        ("search log line", lambda: log.record(params, result, "html")),
        ("metrics of one search", measured),
    ):
        runs = timeit.repeat(call, number=repeats, repeat=7)
        print(f"{name:22} median {statistics.median(runs) / repeats * 1e6:.1f} µs per search")
        log.flush()
    log.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--only", choices=["metrics", "log"])
    parser.add_argument("--micro", action="store_true")
    args = parser.parse_args()
    if args.micro:
        micro()
        return
    queries = [json.loads(line)["query"] for line in QUERIES.read_text("utf-8").splitlines()]
    log_dir = Path(tempfile.mkdtemp(prefix="kennisbank-bench-"))
    plain, plain_url = start(args.index, {"KENNISBANK_METRICS": "false"})
    env_on = {"KENNISBANK_METRICS": "true", "KENNISBANK_SEARCH_LOG": str(log_dir / "zoek.log")}
    if args.only == "metrics":
        del env_on["KENNISBANK_SEARCH_LOG"]
    elif args.only == "log":
        env_on["KENNISBANK_METRICS"] = "false"
    observed, observed_url = start(args.index, env_on)
    times: dict[tuple[str, str], list[float]] = {}
    try:
        with httpx.Client(base_url=plain_url) as a, httpx.Client(base_url=observed_url) as b:
            for client in (a, b):  # warm up: first model calls, template compilation
                for query in queries[:10]:
                    client.get("/api/search", params={"q": query}).raise_for_status()
            for i in range(args.rounds):
                query = queries[i % len(queries)]
                for path, params in (("/api/search", {"q": query}), ("/zoeken", {"q": query})):
                    for name, client in (("off", a), ("on", b)):
                        started = time.perf_counter()
                        client.get(path, params=params).raise_for_status()
                        times.setdefault((path, name), []).append(time.perf_counter() - started)
    finally:
        plain.terminate()
        observed.terminate()
        plain.wait()
        observed.wait()
    log = log_dir / "zoek.log"
    lines = len(log.read_text("utf-8").splitlines()) if log.exists() else 0
    print(f"rounds {args.rounds}, server B: {args.only or 'metrics and log'}, log lines {lines}")
    for path in ("/api/search", "/zoeken"):
        off = statistics.median(times[(path, "off")]) * 1000
        on = statistics.median(times[(path, "on")]) * 1000
        print(f"{path:12} median off {off:.2f} ms, on {on:.2f} ms, ratio on/off {on / off:.3f}")


if __name__ == "__main__":
    main()
