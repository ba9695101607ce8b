"""What hostile requests cost a real server: the figures behind the security fixes.

    python bench/hostile_requests.py --index /tmp/kb-index [--content content] [--runs 5]

Starts `uvicorn kennisbank.webapp:create_app` (one worker, the code on PYTHONPATH, so the
same script measures an older checkout for a before/after) on a free loopback port and
measures, each as a median of `--runs`:

- a 404 page with a 62 KB selection cookie (16,000 slugs), and `/selectie` with a ~64 KB
  `?s=` link;
- `/healthz` alone, and its slowest answer while four `/selectie` requests with that
  cookie run;
- a search alone, and its slowest answer while eight `/selectie/afdrukken` requests
  (20 QR codes each) run;
- the size of a search page whose URL carries a 55 KB query string.

Ratios are against the same run's unloaded figure, since the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from ports import free_port

ROOT = Path(__file__).resolve().parents[1]
SEARCH = "/zoeken?q=hulp+bij+schulden"


def start_server(index: Path, content: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, KENNISBANK_INDEX=str(index), KENNISBANK_CONTENT=str(content))
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "kennisbank.webapp:create_app",
        "--factory",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    process = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("server did not start")


def timed(client: httpx.Client, path: str, **kwargs: object) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = client.get(path, **kwargs)  # type: ignore[arg-type]
    return time.perf_counter() - started, response


def median_of(runs: int, client: httpx.Client, path: str, **kwargs: object) -> float:
    return statistics.median(timed(client, path, **kwargs)[0] for _ in range(runs))


def while_loaded(
    base: str, probe: str, load_path: str, parallel: int, load_kwargs: dict[str, object]
) -> tuple[float, float]:
    """(slowest probe, wall time of the load) with `parallel` load requests running."""
    probes: list[float] = []

    def load(_: int) -> float:
        with httpx.Client(base_url=base, timeout=300) as client:
            return timed(client, load_path, **load_kwargs)[0]

    with ThreadPoolExecutor(parallel) as pool, httpx.Client(base_url=base, timeout=300) as c:
        started = time.perf_counter()
        futures = [pool.submit(load, i) for i in range(parallel)]
        time.sleep(0.05)
        while not all(f.done() for f in futures) or not probes:
            probes.append(timed(c, probe)[0])
        wall = time.perf_counter() - started
    return max(probes), wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(args.index, args.content, port)
    slugs = sorted(p.stem for p in (args.content / "cases").glob("*.md"))
    cookie = ",".join(f"{i:x}" for i in range(13_000))  # 13,000 distinct short slugs, 62 KB
    link = "/selectie?" + "&".join(
        f"s={i:x}" for i in range(9_000)
    )  # ~62 KB (httpx stops at 64 KB)
    long_query = SEARCH + "&x=" + "a" * 55_000
    print_all = "/selectie/afdrukken?" + "&".join(f"s={s}" for s in slugs[:20])
    out: dict[str, object] = {"cookie_kb": round(len(cookie) / 1024), "link_kb": len(link) // 1024}
    try:
        with httpx.Client(base_url=base, timeout=300) as client:
            client.get(SEARCH)
            out["healthz_s"] = median_of(args.runs, client, "/healthz")
            out["search_s"] = median_of(args.runs, client, SEARCH)
            out["404_cookie_s"] = median_of(
                args.runs, client, "/bestaat-niet", headers={"Cookie": f"selectie={cookie}"}
            )
            out["link_s"] = median_of(args.runs, client, link)
            out["print_20_qr_s"] = median_of(args.runs, client, print_all)
            page = client.get(long_query)
            out["long_query_page_kb"] = round(len(page.content) / 1024)
        cookie_load: dict[str, object] = {"headers": {"Cookie": f"selectie={cookie}"}}
        out["healthz_under_4_cookie_s"], out["4_cookie_wall_s"] = while_loaded(
            base, "/healthz", "/selectie", 4, cookie_load
        )
        out["search_under_8_print_s"], out["8_print_wall_s"] = while_loaded(
            base, SEARCH, print_all, 8, {}
        )
        out["search_under_8_print_ratio"] = round(
            float(out["search_under_8_print_s"]) / float(out["search_s"]),
            1,  # type: ignore[arg-type]
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in out.items()}))


if __name__ == "__main__":
    main()
