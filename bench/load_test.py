"""Bounded load test with wrk against a server on 127.0.0.1, optionally while rebuilding.

    python bench/load_test.py --index bench/corpus/index-10000 --content bench/corpus/10000 \
        --connections 32 128 --workers 1 2 --duration 60 [--rebuild] [--out bench/out/load.json]

Each run starts `uvicorn kennisbank.webapp:create_app` with N workers on a free loopback
port, warms it up, and runs wrk for a fixed duration with a Lua script that cycles through a
mix of `/zoeken` and `/api/search` URLs made from the judged queries. With `--rebuild`,
five incremental rebuilds (one edited case each) and one full rebuild run during the load;
every API response's `index` version is checked against the versions that existed, and the
server's RSS is sampled before, during and after. Traffic goes to 127.0.0.1 only and every
loop is bounded in time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parents[1]
HTML_NAMES = {"principle": "principe", "region": "regio", "partner": "partner"}
LUA = r"""
local paths = {}
for line in io.lines(os.getenv("KB_URLS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
local bad = 0
response = function(status, headers, body)
  if status < 200 or status >= 300 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("KB_RESULT %d %d %d %d %d %d %.3f %.3f %.3f\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.duration / 1e6))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def urls(queries: Path) -> list[str]:
    result: list[str] = []
    for line in queries.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        filters = item.get("filters", {})
        api = {"q": item["query"], **filters}
        html = {"q": item["query"], **{HTML_NAMES[k]: v for k, v in filters.items()}}
        result.append("/zoeken?" + urlencode(html, doseq=True))
        result.append("/api/search?" + urlencode(api, doseq=True))
    return result


def rss_kb(pid: int) -> int:
    """Resident memory of a process and its children (the uvicorn workers), in kB."""
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            status = (proc / "status").read_text()
        except OSError:
            continue
        ppid = int(re.search(r"PPid:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        if int(proc.name) == pid or ppid == pid:
            match = re.search(r"VmRSS:\s+(\d+)", status)
            total += int(match.group(1)) if match else 0
    return total


def start_server(index: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "KENNISBANK_INDEX": str(index), "KENNISBANK_RELOAD_INTERVAL": "0.5"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "kennisbank.webapp:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--backlog",
            "4096",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return server, base
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.kill()
    raise SystemExit("server did not start")


def run_wrk(base: str, url_file: Path, connections: int, duration: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    threads = min(2, connections)
    out = subprocess.run(
        [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
            base,
        ],
        env={**os.environ, "KB_URLS": str(url_file)},
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    ).stdout
    Path(script.name).unlink()
    line = next(x for x in out.splitlines() if x.startswith("KB_RESULT"))
    n, conn, read, write, timeout, status, p50, p99, seconds = line.split()[1:]
    return {
        "requests": int(n),
        "requests_per_s": round(int(n) / float(seconds), 1),
        "p50_ms": float(p50),
        "p99_ms": float(p99),
        "non_2xx": int(status),
        "socket_errors": int(conn) + int(read) + int(write) + int(timeout),
    }


def rebuilds(content: Path, index: Path, versions: set[str], log: list[str]) -> None:
    """Five incremental rebuilds (one case edited each time) and one full rebuild."""
    cases = sorted((content / "cases").glob("*.md"))[:5]
    originals = {p: p.read_text(encoding="utf-8") for p in cases}
    try:
        for number, path in enumerate(cases, start=1):
            path.write_text(
                originals[path].rstrip() + f"\n\nBelast gewijzigd ({number}).\n", encoding="utf-8"
            )
            _build(content, index, [], versions, log)
        _build(content, index, ["--full"], versions, log)
    finally:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")


def _build(
    content: Path, index: Path, extra: list[str], versions: set[str], log: list[str]
) -> None:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "kennisbank",
            "build",
            "--quiet",
            "--content",
            str(content),
            "--index",
            str(index),
            *extra,
        ],
        check=True,
        timeout=1800,
    )
    manifest = json.loads((index / "manifest.json").read_text())
    versions.add(manifest["version"])
    log.append(
        f"{' '.join(extra) or 'incremental'} build {manifest['version']} in "
        f"{time.perf_counter() - started:.1f} s"
    )


def check_versions(
    base: str, versions: set[str], stop: threading.Event, seen: dict[str, int]
) -> None:
    """Poll the API during the load, counting answers per index version (checked after)."""
    with httpx.Client(base_url=base, timeout=10) as client:
        while not stop.is_set():
            body = client.get("/api/search", params={"q": "schulden"}).json()
            seen[body["index"]] = seen.get(body["index"], 0) + 1
            time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--content", type=Path)
    parser.add_argument("--queries", type=Path, default=ROOT / "tests/data/queries.jsonl")
    parser.add_argument("--connections", type=int, nargs="+", default=[32, 128])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.rebuild and not args.content:
        raise SystemExit("--rebuild needs --content")
    url_file = Path(tempfile.mkstemp(suffix=".txt")[1])
    url_file.write_text("\n".join(urls(args.queries)) + "\n", encoding="utf-8")
    results: list[dict[str, object]] = []
    for workers in args.workers:
        for connections in args.connections:
            server, base = start_server(args.index, workers)
            try:
                for url in url_file.read_text().splitlines()[:40]:
                    httpx.get(base + url, timeout=30)
                row: dict[str, object] = {
                    "workers": workers,
                    "connections": connections,
                    "duration_s": args.duration,
                    "rss_before_kb": rss_kb(server.pid),
                }
                versions = {json.loads((args.index / "manifest.json").read_text())["version"]}
                seen: dict[str, int] = {}
                log: list[str] = []
                stop = threading.Event()
                threads = []
                if args.rebuild:
                    threads = [
                        threading.Thread(
                            target=rebuilds, args=(args.content, args.index, versions, log)
                        ),
                        threading.Thread(target=check_versions, args=(base, versions, stop, seen)),
                    ]
                    for thread in threads:
                        thread.start()
                row |= run_wrk(base, url_file, connections, args.duration)
                row["rss_during_kb"] = rss_kb(server.pid)
                stop.set()
                for thread in threads:
                    thread.join(timeout=1800)
                if args.rebuild:
                    time.sleep(2)
                    for _ in range(200):  # settle on the newest version, then measure
                        httpx.get(base + "/api/search?q=schulden", timeout=30)
                    row |= {
                        "rebuilds": log,
                        "versions_answered": seen,
                        "unknown_versions": [v for v in seen if v.startswith("UNKNOWN")],
                    }
                row["rss_after_kb"] = rss_kb(server.pid)
                results.append(row)
                print(json.dumps(row), flush=True)
            finally:
                server.terminate()
                server.wait(timeout=60)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
