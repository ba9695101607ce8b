"""Issue 21 item 4, before and after: slow clients and huge request heads against ``serve``.

    python bench/slow_clients.py --before /tmp/before [--after .] [--index DIR] [--repeats 1]

Starts ``kennisbank serve`` (one worker, loopback, a free port) from each checkout in turn,
with the open-file limit set to ``--file-limit`` (``SOFT`` or ``SOFT:HARD``; default 1024 for
both, the common default the probe used, which the process then cannot raise; ``1024:524288``
is systemd's usual pair, where the new ``serve`` raises its soft limit), and measures:

- **slow heads:** ``--slow`` sockets (default 1,100) each send a request line and then one
  header line every 2 s, never finishing; meanwhile a normal ``GET /healthz`` every 0.5 s
  (2 s timeout) for ``--duration`` seconds. Reported: normal requests answered, refused
  with a 503 (the concurrency limit) or failed (timeout, reset) in the first 10 s and after
  12 s, their median latency, and how many slow sockets the
  server still holds open at the end;
- **huge heads:** ``--big-clients`` (4) connections each send a ``--big-mb`` (64) MB Cookie
  header as fast as loopback allows, while ``/healthz`` is asked every 0.1 s. Reported: the
  median and slowest ``/healthz`` during the attack against its median before, what the
  attackers got back, and the server's peak RSS (``VmHWM``) before and after.

Everything is bounded: loopback only, fixed counts, every wait has a timeout, and the
servers are stopped at the end. Run it on an otherwise idle machine if you can; the
ratios are same-run (before and after alternate within each repeat).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import selectors
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from ports import free_port
from procfs import status_kb

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "content"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def healthz(port: int, timeout: float) -> float | None:
    """Seconds for one ``GET /healthz`` on a new connection; None when it failed."""
    status, seconds = probe(port, timeout)
    return seconds if status == "200" else None


def probe(port: int, timeout: float) -> tuple[str, float]:
    """``GET /healthz`` on a new connection: its status ("200", "503", ...) or "error"."""
    started = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
                if time.perf_counter() - started > timeout:
                    return "error", time.perf_counter() - started
    except OSError:
        return "error", time.perf_counter() - started
    status = data[9:12].decode("latin-1") if data.startswith(b"HTTP/1.1 ") else "error"
    return status, time.perf_counter() - started


class Server:
    """``kennisbank serve`` from one checkout, with a fixed open-file limit."""

    def __init__(self, checkout: Path, index: Path, file_limit: tuple[int, int]) -> None:
        self.port = free_port()
        self.file_limit = file_limit
        env = {**os.environ, "PYTHONPATH": str(checkout), "PYTHONDONTWRITEBYTECODE": "1"}
        args = ["serve", "--content", str(FIXTURE), "--index", str(index)]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kennisbank", *args, "--port", str(self.port)],
            env=env,
            cwd="/",
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=self._limit,
        )
        deadline = time.monotonic() + 90
        while healthz(self.port, 2) is None:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"serve from {checkout} did not start")
            time.sleep(0.2)

    def _limit(self) -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, self.file_limit)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def slow_heads(port: int, count: int, duration: float) -> dict[str, Any]:
    selector = selectors.DefaultSelector()
    sockets: list[socket.socket] = []
    refused = 0
    for _ in range(count):
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=2)
            sock.setblocking(False)
            sock.send(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        except OSError:
            refused += 1
            continue
        sockets.append(sock)
        selector.register(sock, selectors.EVENT_READ)
    open_ = set(sockets)
    stop = threading.Event()

    def drip() -> None:
        while not stop.wait(2.0):
            for sock in list(open_):
                try:
                    sock.send(b"X-a: b\r\n")
                except OSError:
                    open_.discard(sock)

    def watch() -> None:
        while not stop.is_set():
            for key, _ in selector.select(timeout=0.2):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                try:
                    data = sock.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:
                    open_.discard(sock)
                    selector.unregister(sock)

    threads = [threading.Thread(target=drip), threading.Thread(target=watch)]
    for thread in threads:
        thread.start()
    probes: list[tuple[float, str, float]] = []
    started = time.monotonic()
    try:
        while (now := time.monotonic() - started) < duration:
            probes.append((now, *probe(port, 2.0)))
            time.sleep(max(0.0, 0.5 - (time.monotonic() - started - now)))
        still_open = len(open_)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        for sock in sockets:
            sock.close()
        selector.close()

    def tally(kept: list[tuple[float, str, float]]) -> dict[str, int]:
        return {
            "ok": sum(status == "200" for _, status, _ in kept),
            "503": sum(status == "503" for _, status, _ in kept),
            "failed": sum(status not in ("200", "503") for _, status, _ in kept),
        }

    answered = [seconds for _, status, seconds in probes if status == "200"]
    return {
        "slow_sockets": len(sockets),
        "slow_connect_failed": refused,
        "slow_still_open_at_end": still_open,
        "normal_first_10s": tally([p for p in probes if p[0] < 10]),
        "normal_after_12s": tally([p for p in probes if p[0] >= 12]),
        "normal_median_ms": round(statistics.median(answered) * 1000, 1) if answered else None,
    }


def big_heads(server: Server, clients: int, megabytes: int) -> dict[str, Any]:
    port = server.port
    baseline = [x for x in (healthz(port, 5) for _ in range(20)) if x is not None]
    rss_before = status_kb("VmRSS", server.proc.pid)
    outcomes: list[str] = []
    seconds: list[float] = []

    def attack() -> None:
        started = time.perf_counter()
        outcome = "no answer"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                sock.settimeout(30)
                sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: selectie=")
                chunk = b"a" * (1 << 20)
                for _ in range(megabytes):
                    sock.sendall(chunk)
                sock.sendall(b"\r\n\r\n")
                first = sock.recv(64)
                outcome = first.split(b"\r\n", 1)[0].decode("latin-1") or "closed"
        except (BrokenPipeError, ConnectionResetError):
            outcome = "closed by server"
        except TimeoutError:
            outcome = "timeout (30 s)"
        except OSError as exc:
            outcome = f"error: {exc}"
        outcomes.append(outcome)
        seconds.append(time.perf_counter() - started)

    attackers = [threading.Thread(target=attack) for _ in range(clients)]
    for thread in attackers:
        thread.start()
    during: list[float | None] = []
    while any(thread.is_alive() for thread in attackers):
        during.append(healthz(port, 15))
        time.sleep(0.1)
    for thread in attackers:
        thread.join()
    answered = [x for x in during if x is not None]
    base = statistics.median(baseline) if baseline else None
    return {
        "healthz_before_median_ms": round(base * 1000, 1) if base else None,
        "healthz_during_median_ms": round(statistics.median(answered) * 1000, 1)
        if answered
        else None,
        "healthz_during_max_ms": round(max(answered) * 1000, 1) if answered else None,
        "healthz_during_failed": sum(x is None for x in during),
        "attackers": sorted(outcomes),
        "attack_seconds_median": round(statistics.median(seconds), 2),
        "server_rss_before_mb": round(rss_before / 1024),
        "server_peak_rss_mb": round(status_kb("VmHWM", server.proc.pid) / 1024),
    }


def build_index(checkout: Path, target: Path) -> Path:
    env = {**os.environ, "PYTHONPATH": str(checkout), "KENNISBANK_EMBEDDER": "use-multilingual"}
    args = ["build", "--quiet", "--content", str(FIXTURE), "--index", str(target)]
    subprocess.run([sys.executable, "-m", "kennisbank", *args], env=env, check=True, timeout=900)
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="checkout of the old code")
    parser.add_argument("--after", type=Path, default=ROOT, help="checkout of the new code")
    parser.add_argument("--index", type=Path, help="a built index (else the fixture, built)")
    parser.add_argument("--slow", type=int, default=1100, help="slow sockets (<= 4000)")
    parser.add_argument(
        "--file-limit",
        type=file_limit,
        default=(1024, 1024),
        help="the server's RLIMIT_NOFILE as SOFT or SOFT:HARD (default 1024: both)",
    )
    parser.add_argument("--duration", type=float, default=25.0, help="seconds of slow heads")
    parser.add_argument("--big-clients", type=int, default=4, help="huge-head connections")
    parser.add_argument("--big-mb", type=int, default=64, help="MB each huge head sends")
    parser.add_argument("--repeats", type=int, default=1, help="before/after pairs")
    parser.add_argument("--out", type=Path, help="write the JSON here as well")
    args = parser.parse_args(argv)
    if not (1 <= args.slow <= 4000 and 12 < args.duration <= 120 and 1 <= args.repeats <= 5):
        parser.error("--slow 1..4000, --duration 12..120 and --repeats 1..5 keep it bounded")
    if not (1 <= args.big_clients <= 8 and 1 <= args.big_mb <= 256):
        parser.error("--big-clients 1..8 and --big-mb 1..256 keep it bounded")
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, args.slow + 256), hard))
    work = Path(tempfile.mkdtemp(prefix="kb-slow-bench-"))
    try:
        index = args.index or build_index(args.after.resolve(), work / "index")
        runs: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
        for repeat in range(args.repeats):
            order = ["before", "after"] if repeat % 2 == 0 else ["after", "before"]
            for label in order:
                checkout = (args.before if label == "before" else args.after).resolve()
                log(f"repeat {repeat + 1}: {label} ({checkout})")
                server = Server(checkout, index, args.file_limit)
                try:
                    slow = slow_heads(server.port, args.slow, args.duration)
                    time.sleep(3)
                    big = big_heads(server, args.big_clients, args.big_mb)
                finally:
                    server.stop()
                runs[label].append({"slow_heads": slow, "big_heads": big})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results = {"settings": vars(args) | {"before": str(args.before), "after": str(args.after)}}
    results |= {"runs": runs, "medians": medians(runs)}
    results["settings"] = {k: str(v) for k, v in results["settings"].items()}
    text = json.dumps(results, indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


def file_limit(text: str) -> tuple[int, int]:
    soft, _, hard = text.partition(":")
    limits = (int(soft), int(hard or soft))
    if not 64 <= limits[0] <= limits[1] <= 1 << 20:
        raise argparse.ArgumentTypeError("64 <= SOFT <= HARD <= 1048576")
    return limits


def medians(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Medians over repeats of the headline figures, and after/before ratios."""
    picks = {
        "slow_still_open_at_end": ("slow_heads", "slow_still_open_at_end"),
        "normal_failed_first_10s": ("slow_heads", "normal_first_10s", "failed"),
        "normal_503_first_10s": ("slow_heads", "normal_first_10s", "503"),
        "normal_failed_after_12s": ("slow_heads", "normal_after_12s", "failed"),
        "normal_ok_after_12s": ("slow_heads", "normal_after_12s", "ok"),
        "healthz_during_big_max_ms": ("big_heads", "healthz_during_max_ms"),
        "healthz_during_big_median_ms": ("big_heads", "healthz_during_median_ms"),
        "server_peak_rss_mb": ("big_heads", "server_peak_rss_mb"),
    }
    out: dict[str, Any] = {}
    for name, path in picks.items():
        row: dict[str, Any] = {}
        for label, items in runs.items():
            values = []
            for item in items:
                value: Any = item
                for key in path:
                    value = value[key] if value is not None else None
                if value is not None:
                    values.append(value)
            row[label] = statistics.median(values) if values else None
        if row.get("before") and row.get("after") is not None:
            row["ratio_after_before"] = round(row["after"] / row["before"], 3)
        out[name] = row
    return out


if __name__ == "__main__":
    main()
