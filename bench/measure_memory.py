"""Searcher memory: peak RSS (``VmHWM``) of a child process (``_child.py search``) that
opens the searcher and runs the search workload, so nothing else shares its heap.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from common import CHILD, log, percentile, run_json, summary


def searcher_rss(index: Path, work: list[dict[str, Any]], repeats: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(work, handle)
        path = Path(handle.name)
    try:
        runs = []
        for _ in range(repeats):
            run = run_json([sys.executable, str(CHILD), "search", str(index), str(path)])
            run["p50_ms"] = percentile(run.pop("latencies_ms"), 50)
            runs.append(run)
            log(f"searcher process: peak RSS {run['peak_rss_mb']:.0f} MB")
    finally:
        path.unlink(missing_ok=True)
    return {
        "runs": runs,
        "peak_rss_mb": summary([r["peak_rss_mb"] for r in runs]),
        "open_s_ms": summary([r["open_s"] * 1000 for r in runs]),
        "p50_ms": summary([r["p50_ms"] for r in runs]),
    }
