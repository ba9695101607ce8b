"""Bounded load test with wrk against a server on 127.0.0.1, optionally while rebuilding.

    python bench/load_test.py --index bench/corpus/index-10000 --content bench/corpus/10000 \
        --connections 32 128 --workers 1 2 --duration 60 [--rebuild] [--out bench/out/load.json]

Each run starts `uvicorn kennisbank.webapp:create_app` with N workers on a free loopback
port, warms it up, measures a same-run baseline (wrk with one connection: the server's
serial speed on this machine right now), and runs wrk for at least `--duration` seconds
with a Lua script that cycles through a mix of `/zoeken` and `/api/search` URLs made from
the judged queries. The script counts every non-2xx status and reads every response's
`X-Kennisbank-Index` header (and, for the API, the `index` in the body, which must match).

With `--rebuild`, five incremental rebuilds (one edited case each) and one full rebuild
run while the load runs; the load goes on until they are done and the last version
answers. Every version answered must be one that was built; the server's RSS (all workers)
is sampled before, every second during, and after. Traffic goes to 127.0.0.1 only and
every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))  # the shared helpers, also when loaded by path (tests)

from common import html_params, judged_queries  # noqa: E402
from ports import free_port  # noqa: E402
from procfs import status_value  # noqa: E402

REBUILD_LIMIT_S = 1800
LUA = r"""
local paths = {}
for line in io.lines(os.getenv("KB_URLS")) do paths[#paths + 1] = line end
local threads = {}
setup = function(thread) table.insert(threads, thread) end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
-- Globals, so that done() can read them from every thread.
bad, mismatched, versions = 0, 0, {}
response = function(status, headers, body)
  if status < 200 or status >= 300 then bad = bad + 1 end
  local version = headers["x-kennisbank-index"] or "MISSING"
  versions[version] = (versions[version] or 0) + 1
  local answered = string.match(body, '"index":"([^"]+)"')
  if answered and answered ~= version then mismatched = mismatched + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("KB_RESULT %d %d %d %d %d %.3f %.3f %.3f\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.duration / 1e6))
  for _, thread in ipairs(threads) do
    io.write(string.format("KB_CHECKS %d %d\n", thread:get("bad"), thread:get("mismatched")))
    for version, n in pairs(thread:get("versions")) do
      io.write(string.format("KB_VERSION %s %d\n", version, n))
    end
  end
end
"""


def urls(queries: Path) -> list[str]:
    result: list[str] = []
    for item in judged_queries(queries):
        api = {"q": item["query"], **item.get("filters", {})}
        result.append("/zoeken?" + urlencode(html_params(api), doseq=True))
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
        if int(proc.name) == pid or status_value(status, "PPid") == pid:
            total += status_value(status, "VmRSS") or 0
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


def run_wrk(
    base: str,
    url_file: Path,
    connections: int,
    duration: int,
    keep_going: Callable[[], bool] | None = None,
) -> dict[str, object]:
    """Run wrk for `duration` s, or longer while `keep_going()` (rebuilds still running).

    wrk stops and reports on SIGINT, so an open-ended run is started with a long `-d` and
    interrupted once the minimum duration has passed and `keep_going()` is false: every
    rebuild happens under load, however long the full one takes on a busy machine.
    """
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    limit = duration if keep_going is None else duration + REBUILD_LIMIT_S
    command = ["wrk", "-t", str(min(2, connections)), "-c", str(connections)]
    command += ["-d", f"{limit}s", "--timeout", "10s", "-s", script.name, base]
    wrk = subprocess.Popen(
        command,
        env={**os.environ, "KB_URLS": str(url_file)},
        stdout=subprocess.PIPE,
        text=True,
    )
    if keep_going is not None:
        started = time.monotonic()
        while time.monotonic() - started < duration or keep_going():
            if wrk.poll() is not None:
                break
            time.sleep(0.5)
        wrk.send_signal(signal.SIGINT)
    out, _ = wrk.communicate(timeout=limit + 60)
    Path(script.name).unlink()
    if wrk.returncode != 0:
        raise SystemExit(f"wrk failed ({wrk.returncode}):\n{out}")
    return parse_wrk(out)


def parse_wrk(out: str) -> dict[str, object]:
    """The figures the Lua script's done() printed, summed over wrk's threads."""
    lines = [line.split() for line in out.splitlines() if line.startswith("KB_")]
    result = next(fields[1:] for fields in lines if fields[0] == "KB_RESULT")
    n, conn, read, write, timeout, p50, p99, seconds = result
    checks = [fields[1:] for fields in lines if fields[0] == "KB_CHECKS"]
    versions: dict[str, int] = {}
    for fields in lines:
        if fields[0] == "KB_VERSION":
            versions[fields[1]] = versions.get(fields[1], 0) + int(fields[2])
    return {
        "requests": int(n),
        "seconds": round(float(seconds), 1),
        "requests_per_s": round(int(n) / float(seconds), 1),
        "p50_ms": float(p50),
        "p99_ms": float(p99),
        "non_2xx": sum(int(bad) for bad, _ in checks),
        "socket_errors": int(conn) + int(read) + int(write) + int(timeout),
        "socket_errors_by_kind": {
            "connect": int(conn),
            "read": int(read),
            "write": int(write),
            "timeout": int(timeout),
        },
        "body_header_mismatches": sum(int(mismatched) for _, mismatched in checks),
        "versions_served": versions,
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


def check_versions(base: str, stop: threading.Event, seen: dict[str, int]) -> None:
    """Poll the API during the load, counting answers per index version (checked after).

    A poll that fails or times out is counted as such; wrk's figures are the ones judged.
    """
    with httpx.Client(base_url=base, timeout=30) as client:
        while not stop.is_set():
            try:
                version = client.get("/api/search", params={"q": "schulden"}).json()["index"]
            except (httpx.HTTPError, ValueError, KeyError) as exc:
                version = f"POLL FAILED: {type(exc).__name__}"
            seen[version] = seen.get(version, 0) + 1
            time.sleep(0.05)


def sample_rss(pid: int, stop: threading.Event, samples: list[int]) -> None:
    """RSS of the server and its workers once a second while the load runs."""
    while not stop.wait(1.0):
        samples.append(rss_kb(pid))


def one_run(
    args: argparse.Namespace, url_file: Path, workers: int, connections: int
) -> dict[str, object]:
    server, base = start_server(args.index, workers)
    try:
        for url in url_file.read_text().splitlines()[:80]:  # warm every worker up
            httpx.get(base + url, timeout=30)
        # Same-run baseline: one connection, one request at a time, on the same server (the
        # machine is shared, so throughput is also reported as a ratio to this).
        alone = run_wrk(base, url_file, 1, args.baseline_seconds)
        row: dict[str, object] = {
            "workers": workers,
            "connections": connections,
            "min_duration_s": args.duration,
            "baseline_1_connection": {k: alone[k] for k in ("requests_per_s", "p50_ms", "p99_ms")},
            "rss_before_kb": rss_kb(server.pid),
        }
        versions = {json.loads((args.index / "manifest.json").read_text())["version"]}
        polled: dict[str, int] = {}
        log: list[str] = []
        samples: list[int] = []
        stop = threading.Event()
        sampler = threading.Thread(target=sample_rss, args=(server.pid, stop, samples))
        poller = threading.Thread(target=check_versions, args=(base, stop, polled))
        builder = threading.Thread(target=rebuilds, args=(args.content, args.index, versions, log))
        sampler.start()
        if args.rebuild:
            poller.start()
            builder.start()
        finished: dict[str, float] = {}

        def rebuilding() -> bool:
            """Until the builds are done and the last one answers (for at most a minute)."""
            if builder.is_alive():
                return True
            finished.setdefault("at", time.monotonic())
            newest = max(versions)  # version names start with their build time
            return newest not in polled and time.monotonic() - finished["at"] < 60

        row |= run_wrk(
            base, url_file, connections, args.duration, rebuilding if args.rebuild else None
        )
        row["throughput_vs_baseline"] = round(
            float(row["requests_per_s"]) / float(alone["requests_per_s"]),  # type: ignore[arg-type]
            2,
        )
        stop.set()
        for thread in (sampler, poller, builder):
            if thread.is_alive():
                thread.join(timeout=REBUILD_LIMIT_S)
        row["rss_during_median_kb"] = int(statistics.median(samples)) if samples else None
        row["rss_during_max_kb"] = max(samples, default=None)
        if args.rebuild:
            time.sleep(2)
            for _ in range(200):  # every worker moves to the newest version, then measure
                httpx.get(base + "/api/search?q=schulden", timeout=30)
            answered = {v for v in polled if not v.startswith("POLL FAILED")}
            answered |= set(row["versions_served"])  # type: ignore[call-overload]
            row |= {
                "rebuilds": log,
                "versions_built": sorted(versions),
                "versions_polled": polled,
                "unknown_versions": sorted(answered - versions),
            }
        row["rss_after_kb"] = rss_kb(server.pid)
        return row
    finally:
        server.terminate()
        server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--content", type=Path)
    parser.add_argument("--queries", type=Path, default=ROOT / "tests/data/queries.jsonl")
    parser.add_argument("--connections", type=int, nargs="+", default=[32, 128])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--duration", type=int, default=60, help="minimum seconds of load")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--baseline-seconds", type=int, default=10)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.rebuild and not args.content:
        raise SystemExit("--rebuild needs --content")
    url_file = Path(tempfile.mkstemp(suffix=".txt")[1])
    url_file.write_text("\n".join(urls(args.queries)) + "\n", encoding="utf-8")
    results: list[dict[str, object]] = []
    for workers in args.workers:
        for connections in args.connections:
            results.append(one_run(args, url_file, workers, connections))
            print(json.dumps(results[-1]), flush=True)
            if args.out:  # after every run: a long series that stops early keeps what it had
                args.out.parent.mkdir(parents=True, exist_ok=True)
                args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    url_file.unlink()


if __name__ == "__main__":
    main()
