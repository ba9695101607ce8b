"""Full build: ``build_index`` in a child process (``_child.py build``), its wall time,
embedding throughput, cores busy and peak RSS.

Up to ``--full-build-max`` cases every repeat is cold (index folder and embedding cache
deleted first); above it one build per run with the embedding cache kept, reported as such.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from common import CHILD, log, run_json, summary

from kennisbank.indexing.parallel_embed import BATCH


def full_builds(
    size: int, corpus: Path, index: Path, args: argparse.Namespace, lift: int | None
) -> dict[str, Any]:
    manifest_path = index / "manifest.json"
    if args.keep_index and manifest_path.exists():
        return existing_index(json.loads(manifest_path.read_text(encoding="utf-8")))
    cold = size <= args.full_build_max
    repeats = args.repeats if cold else 1
    runs = []
    for repeat in range(repeats):
        if cold:
            shutil.rmtree(index, ignore_errors=True)
        else:  # drop the versions, keep the embedding cache
            (index / "manifest.json").unlink(missing_ok=True)
            shutil.rmtree(index / "versions", ignore_errors=True)
        log(f"full build {repeat + 1}/{repeats} ({'cold' if cold else 'cache kept'})")
        runs.append(one_build(corpus, index, lift))
    return summarise(runs, cold)


def existing_index(manifest: dict[str, Any]) -> dict[str, Any]:
    """``--keep-index``: no build measured, only the kept index's size is reported."""
    log(f"full build skipped: index {manifest['version']} kept (--keep-index)")
    return {
        "policy": "existing",
        "runs": [],
        "cases": manifest["cases"],
        "passages": manifest["passages"],
        "embedded": [0],
        "reused": [0],
        "wall_s": None,
        "embedded_per_s": None,
        "passages_per_s": None,
        "embed_stage_per_s": None,
        "cores_used": None,
        "peak_rss_mb": None,
        "worker_peak_rss_mb": None,
        "first_progress_s": None,
    }


def one_build(corpus: Path, index: Path, lift: int | None) -> dict[str, Any]:
    """One measured build in a child process, with its rates worked out."""
    command = [sys.executable, str(CHILD), "build", str(corpus), str(index)]
    if lift:
        command += ["--lift-max-files", str(lift)]
    run = run_json(command)
    report = run["report"]
    seconds = report["seconds"]
    run["embedded_per_s"] = report["embedded"] / seconds if seconds else 0.0
    run["passages_per_s"] = report["passages"] / seconds if seconds else 0.0
    stage = run.get("embed_last_s", 0.0) - run.get("embed_first_s", 0.0)
    if stage > 0:  # after the first batch arrived, until the last: the pool's own rate
        run["embed_stage_per_s"] = (report["embedded"] - min(BATCH, report["embedded"])) / stage
    log(
        f"  {seconds:.1f} s, {report['passages']} passages, {report['embedded']} embedded "
        f"({run['embedded_per_s']:.0f}/s), {run['cores_used']:.2f} cores"
    )
    return run


def summarise(runs: list[dict[str, Any]], cold: bool) -> dict[str, Any]:
    """The repeats as the report shows them: medians with min and max."""
    last = runs[-1]["report"]
    return {
        "policy": "cold" if cold else "cache-kept",
        "runs": runs,
        "cases": last["cases"],
        "passages": last["passages"],
        "embedded": [r["report"]["embedded"] for r in runs],
        "reused": [r["report"]["reused"] for r in runs],
        "wall_s": summary([r["report"]["seconds"] for r in runs]),
        "embedded_per_s": summary([r["embedded_per_s"] for r in runs]),
        "passages_per_s": summary([r["passages_per_s"] for r in runs]),
        "embed_stage_per_s": summary_where_all(runs, "embed_stage_per_s"),
        "cores_used": summary([r["cores_used"] for r in runs]),
        "peak_rss_mb": summary([r["peak_rss_mb"] for r in runs]),
        "worker_peak_rss_mb": summary([r["worker_peak_rss_mb"] for r in runs]),
        "first_progress_s": summary_where_all(runs, "embed_first_s"),
    }


def summary_where_all(runs: list[dict[str, Any]], key: str) -> dict[str, float] | None:
    """The summary of ``key`` over the runs; None if a run lacks it (no embedding progress)."""
    return summary([r[key] for r in runs]) if all(key in r for r in runs) else None
