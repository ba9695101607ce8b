"""Page and API latency over real HTTP (``run_bench.py --http``), and the server's memory.

Per repeat, a fresh server: ``uvicorn kennisbank.webapp:create_app`` as its own process
(``load_test.start_server``: one worker, httptools/uvloop, 127.0.0.1), warmed up with a few
queries that are not judged ones, so its query-vector cache holds none of the judged
queries. One keep-alive client then sends each distinct judged query (with its filters)
once, one request at a time, in three passes:

1. ``/zoeken``: the first search of the query, which encodes it (a real first search);
2. ``/api/search``: the API call after the page, its vector from the cache;
3. ``/zoeken`` again: the page beyond its query encoding (cache hit);

and ``/healthz`` as many times, the floor of the HTTP stack. The server's ``/metrics``
counts query-vector cache hits and misses; each pass records its own, so a pass that
was meant to encode and did not would show. Last, the server's peak RSS (``VmHWM`` of the
uvicorn process, from /proc) after all of it.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from common import html_params, log, percentile, summary
from http_bench import workload
from load_test import start_server
from procfs import status_kb

# Warm-up queries: the model, templates and page code get going; none is a judged query.
WARM_UP = ("opwarmen", "wijkteam", "vrijwilligers", "buurthuis", "mantelzorg")
CACHE_LINE = re.compile(r'^kennisbank_query_vector_cache_total\{result="(hit|miss)"\} (\S+)$', re.M)
PASSES = ("zoeken", "api_search", "zoeken_again", "healthz")


def http_latency(index: Path, queries_file: Path, repeats: int) -> dict[str, Any]:
    """The three passes and /healthz on ``repeats`` fresh servers: p50/p99 per pass."""
    runs = [one_server(index, queries_file) for _ in range(repeats)]
    result: dict[str, Any] = {
        "requests_per_pass": runs[0]["requests_per_pass"],
        "encode_threads": os.environ.get("KENNISBANK_ENCODE_THREADS", "default (1)"),
        "runs": runs,
        "server_peak_rss_mb": summary([r["server_peak_rss_mb"] for r in runs]),
    }
    for name in PASSES:
        result[name] = {
            "p50_ms": summary([r[name]["p50_ms"] for r in runs]),
            "p99_ms": summary([r[name]["p99_ms"] for r in runs]),
            "cache": runs[-1][name]["cache"],
        }
    return result


def urls(queries_file: Path) -> tuple[list[str], list[str]]:
    """(page URLs, API URLs): each judged query text once, with its filters."""
    seen: set[str] = set()
    params = []
    for item in workload(queries_file):
        if item["q"] not in seen and item["q"] not in WARM_UP:
            seen.add(item["q"])
            params.append(item)
    pages = ["/zoeken?" + urlencode(html_params(p), doseq=True) for p in params]
    api = ["/api/search?" + urlencode(p, doseq=True) for p in params]
    return pages, api


def one_server(index: Path, queries_file: Path) -> dict[str, Any]:
    """One fresh server through the passes; its peak RSS read before it stops."""
    pages, api = urls(queries_file)
    server, base = start_server(index, 1)  # waits until /healthz answers
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            for query in WARM_UP:
                client.get("/zoeken", params={"q": query})
                client.get("/api/search", params={"q": query})
            run: dict[str, Any] = {"requests_per_pass": len(pages)}
            for name, targets in zip(
                PASSES, (pages, api, pages, ["/healthz"] * len(pages)), strict=True
            ):
                run[name] = timed_pass(client, targets)
        run["server_peak_rss_mb"] = status_kb("VmHWM", server.pid) / 1024
    finally:
        server.terminate()
        server.wait(timeout=60)
    zoeken, api, again = (run[name]["p50_ms"] for name in PASSES[:3])
    log(
        f"HTTP: /zoeken p50 {zoeken:.1f} ms (encoded), /api/search {api:.1f} ms, /zoeken "
        f"again {again:.1f} ms (cache hits), server peak RSS {run['server_peak_rss_mb']:.0f} MB"
    )
    return run


def timed_pass(client: httpx.Client, targets: list[str]) -> dict[str, Any]:
    """Each URL once, one at a time: p50/p99 in ms, and the server's cache hits and misses
    during the pass (None when the server serves no /metrics)."""
    before = cache_counts(client)
    times = []
    for url in targets:
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} -> {response.status_code}")
    after = cache_counts(client)
    cache = None
    if before is not None and after is not None:
        cache = {kind: after[kind] - before[kind] for kind in ("hit", "miss")}
    return {"p50_ms": percentile(times, 50), "p99_ms": percentile(times, 99), "cache": cache}


def cache_counts(client: httpx.Client) -> dict[str, int] | None:
    """The server's query-vector cache hits and misses so far, from its /metrics."""
    response = client.get("/metrics")
    if response.status_code != 200:
        return None
    counts = {"hit": 0, "miss": 0}
    for kind, value in CACHE_LINE.findall(response.text):
        counts[kind] = int(float(value))
    return counts
