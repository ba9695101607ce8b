"""What a search page costs beyond its query encoding, over real HTTP, optionally A/B.

    python bench/page_cost.py --index INDEX [--baseline-index OLD_INDEX --baseline-code DIR]
        [--rounds 5] [--wrk 10] [--out bench/out/page_cost.json]

Starts `uvicorn kennisbank.webapp:create_app` (one worker, httptools/uvloop) on loopback
and, in the same rounds, times:

- the query encoding alone, in this process, with the index's embedder at the server's
  thread count (what the server does per request before anything else; the server runs
  without a query-vector cache, so every page encodes);
- `/healthz` (the floor of the HTTP stack), `/zoeken` and `/api/search`, one keep-alive
  connection, every judged query once per round.

The figure of interest is **page p50 minus encode p50**: everything a page costs besides
the encoder (ranking, snippets, facets, templates, validation, HTTP). On a shared machine
the wall-clock figures move with the load, so the same run also reports CPU time: the
server's (from /proc, summed over every request) per request, minus the encode's. With
`--baseline-code`, a second server runs that checkout's code (e.g. a `git worktree` of the
base commit) on its own index; rounds alternate between the two servers, so both see the
same machine load. `--wrk N` adds N seconds of wrk per endpoint (16 connections, one
repeated query): with one worker, 1000 / requests-per-second is the CPU ms per request.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from load_test import free_port, run_wrk  # noqa: E402

ENDPOINTS = ("healthz", "zoeken", "api_search")
WRK_QUERY = "hulp bij schulden"


def start(index: Path, code: Path) -> tuple[subprocess.Popen[bytes], int]:
    """One uvicorn worker running the kennisbank found under `code`."""
    port = free_port()
    # No query-vector cache: every page encodes its query, as a first search does, so
    # "page minus encode" is what a page costs besides its encoding (older checkouts
    # without the setting have no cache at all).
    env = {
        **os.environ,
        "KENNISBANK_INDEX": str(index),
        "PYTHONPATH": str(code),
        "KENNISBANK_QUERY_CACHE_SIZE": "0",
    }
    command = [sys.executable, "-m", "uvicorn", "kennisbank.webapp:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    command += ["--timeout-keep-alive", "600"]  # one connection for the whole run
    server = subprocess.Popen(command, env=env, cwd=code)  # `-m` puts the cwd first
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("server did not start")


def paths(queries: Path) -> dict[str, list[str]]:
    """Request paths per endpoint, one per judged query (with its filters)."""
    html_names = {"principle": "principe", "region": "regio", "partner": "partner"}
    result: dict[str, list[str]] = {"healthz": [], "zoeken": [], "api_search": []}
    for line in queries.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        filters = item.get("filters", {})
        html = {"q": item["query"], **{html_names[k]: v for k, v in filters.items()}}
        result["healthz"].append("/healthz")
        result["zoeken"].append("/zoeken?" + urlencode(html, doseq=True))
        api = {"q": item["query"], **filters}
        result["api_search"].append("/api/search?" + urlencode(api, doseq=True))
    return result


def timed(connection: http.client.HTTPConnection, url: str) -> float:
    """Milliseconds for one request on a keep-alive connection; status 200 required."""
    started = time.perf_counter()
    connection.request("GET", url)
    response = connection.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise SystemExit(f"{url} -> {response.status}")
    return elapsed


def cpu_ms(pid: int) -> float:
    """CPU time (user + system) a process has used, in ms: robust to a busy machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def encoder(index: Path) -> object:
    from kennisbank.embedders import E5_EMBEDDER, get_embedder, spec_for_name
    from kennisbank.webapp.settings import Settings

    name = json.loads((index / "manifest.json").read_text(encoding="utf-8"))["embedder"]
    # the thread count the server encodes with (Settings reads KENNISBANK_ENCODE_THREADS,
    # as the server does); USE always encodes on one (Searcher.embedder)
    threads = Settings().encode_threads if name == E5_EMBEDDER else 1
    return get_embedder(spec_for_name(name), threads=threads)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--baseline-index", type=Path)
    parser.add_argument("--baseline-code", type=Path)
    parser.add_argument("--queries", type=Path, default=ROOT / "tests/data/queries.jsonl")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--wrk", type=int, default=0, help="seconds of wrk per endpoint")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    sides = {"new": (args.index, ROOT)}
    if args.baseline_code:
        sides["baseline"] = (args.baseline_index or args.index, args.baseline_code)
    urls = paths(args.queries)
    queries = [json.loads(x)["query"] for x in args.queries.read_text().splitlines() if x.strip()]
    embedder = encoder(args.index)
    times: dict[str, dict[str, list[float]]] = {n: {e: [] for e in ENDPOINTS} for n in sides}
    encode: list[float] = []
    encode_cpu = 0.0
    cpu: dict[str, dict[str, float]] = {n: dict.fromkeys(ENDPOINTS, 0.0) for n in sides}
    servers: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    try:
        for name, (index, code) in sides.items():
            servers[name] = start(index, code)
        connections = {
            name: http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for name, (_, port) in servers.items()
        }
        for name in servers:  # warm-up: lexicon, caches, first encodes
            for endpoint in ENDPOINTS:
                for url in urls[endpoint]:
                    timed(connections[name], url)
        # Query by query: its encoding here, then its pages on each server, so that the
        # encode and page figures see the same moment of a busy machine.
        for number in range(args.rounds):
            order = list(servers) if number % 2 == 0 else list(reversed(servers))
            for i, query in enumerate(queries):
                started, started_cpu = time.perf_counter(), time.thread_time()
                embedder.encode_query(query)  # type: ignore[attr-defined]
                encode.append((time.perf_counter() - started) * 1000)
                encode_cpu += (time.thread_time() - started_cpu) * 1000
                for name in order:
                    pid = servers[name][0].pid
                    for endpoint in ENDPOINTS:
                        before = cpu_ms(pid)
                        times[name][endpoint].append(timed(connections[name], urls[endpoint][i]))
                        cpu[name][endpoint] += cpu_ms(pid) - before
        report = summary(times, encode)
        count = len(encode)
        report["cpu_ms_per_request"] = cpu_summary(cpu, encode_cpu, count)
        if args.wrk:
            report["wrk"] = throughput(servers, args.wrk)
    finally:
        for server, _ in servers.values():
            server.terminate()
            server.wait(timeout=30)
    report["index"] = {name: str(index) for name, (index, _) in sides.items()}
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


def summary(times: dict[str, dict[str, list[float]]], encode: list[float]) -> dict[str, object]:
    encode_p50 = statistics.median(encode)
    report: dict[str, object] = {"encode_p50_ms": round(encode_p50, 3)}
    for name, endpoints in times.items():
        side: dict[str, float] = {}
        for endpoint, values in endpoints.items():
            side[f"{endpoint}_p50_ms"] = round(statistics.median(values), 3)
        for endpoint in ("zoeken", "api_search"):
            side[f"{endpoint}_beyond_encode_ms"] = round(side[f"{endpoint}_p50_ms"] - encode_p50, 3)
        report[name] = side
    return report


def cpu_summary(
    cpu: dict[str, dict[str, float]], encode_cpu: float, count: int
) -> dict[str, object]:
    """Mean server CPU per request (clock ticks summed over every request), and beyond encode."""
    report: dict[str, object] = {"encode": round(encode_cpu / count, 3)}
    for name, endpoints in cpu.items():
        side = {endpoint: round(total / count, 3) for endpoint, total in endpoints.items()}
        for endpoint in ("zoeken", "api_search"):
            side[f"{endpoint}_beyond_encode"] = round(side[endpoint] - encode_cpu / count, 3)
        report[name] = side
    return report


def throughput(servers: dict[str, tuple[object, int]], seconds: int) -> dict[str, object]:
    """req/s at 16 connections on one repeated query, per side and endpoint."""
    import tempfile

    result: dict[str, object] = {}
    for name, (_, port) in servers.items():
        for endpoint, url in (
            ("zoeken", "/zoeken?" + urlencode({"q": WRK_QUERY})),
            ("api_search", "/api/search?" + urlencode({"q": WRK_QUERY})),
        ):
            with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
                handle.write(url + "\n")
            figures = run_wrk(f"http://127.0.0.1:{port}", Path(handle.name), 16, seconds)
            Path(handle.name).unlink()
            rate = float(figures["requests_per_s"])  # type: ignore[arg-type]
            result[f"{name}/{endpoint}"] = {
                "requests_per_s": rate,
                "cpu_ms_per_request": round(1000 / rate, 2) if rate else None,
                "non_2xx": figures["non_2xx"],
            }
    return result


if __name__ == "__main__":
    main()
