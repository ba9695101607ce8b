"""Full build: ``build_index`` in a child process (``_child.py build``), its wall time,
embedding throughput, cores busy and peak RSS.

Policies, each reported as such:
- ``cold``: up to ``--full-build-max`` cases every repeat deletes the index folder and with
  it the embedding cache first;
- ``seeded`` (``--seed-cache-from INDEX``): every repeat deletes the index folder, then
  copies INDEX's embedding cache into it, so passages that index embedded come from the
  cache (a ``--distinct`` corpus seeded from the plain corpus of its distinct cases embeds
  nothing);
- ``cache-kept``: above ``--full-build-max``, one build per run with the embedding cache kept;
- ``existing`` (``--keep-index`` and the index is there): no build, its size only.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
from pathlib import Path
from typing import Any

from common import CHILD, log, run_json, summary

from kennisbank.indexing.embedding_cache import CACHE_FILE
from kennisbank.indexing.layout import CACHE_DIR
from kennisbank.indexing.parallel_embed import BATCH, SLOW_BATCH


def full_builds(
    size: int, corpus: Path, index: Path, args: argparse.Namespace, lift: int | None
) -> dict[str, Any]:
    manifest_path = index / "manifest.json"
    if args.keep_index and manifest_path.exists():
        return existing_index(json.loads(manifest_path.read_text(encoding="utf-8")), args)
    seed: Path | None = args.seed_cache_from
    policy = "seeded" if seed else "cold" if size <= args.full_build_max else "cache-kept"
    repeats = 1 if policy == "cache-kept" else args.repeats
    runs = []
    seeded = 0
    for repeat in range(repeats):
        if policy == "cache-kept":  # drop the versions, keep the embedding cache
            (index / "manifest.json").unlink(missing_ok=True)
            shutil.rmtree(index / "versions", ignore_errors=True)
        else:
            shutil.rmtree(index, ignore_errors=True)
        if seed:
            seeded = seed_cache(seed, index, args.embedder)
        log(f"full build {repeat + 1}/{repeats} ({policy})")
        runs.append(one_build(corpus, index, lift))
        if runs[-1]["embedder"] != args.embedder:  # the environment did not reach the build
            raise SystemExit(f"built with {runs[-1]['embedder']}, not {args.embedder}")
    result = summarise(runs, policy)
    if seed:
        result |= {"seeded_from": str(seed), "seeded_vectors": seeded}
    return result


def seed_cache(source: Path, index: Path, embedder: str) -> int:
    """Copy ``source``'s embedding cache into ``index`` (SQLite's backup: a consistent copy
    also of a database in WAL mode); returns how many vectors of ``embedder`` it holds."""
    found = source / CACHE_DIR / CACHE_FILE
    if not found.is_file():
        raise SystemExit(f"--seed-cache-from: {found} does not exist")
    (index / CACHE_DIR).mkdir(parents=True, exist_ok=True)
    origin = sqlite3.connect(f"file:{found}?mode=ro", uri=True)
    copy = sqlite3.connect(index / CACHE_DIR / CACHE_FILE)
    try:
        origin.backup(copy)
        query = "SELECT count(*) FROM vectors WHERE embedder = ?"
        (count,) = copy.execute(query, (embedder,)).fetchone()
    finally:
        origin.close()
        copy.close()
    log(f"embedding cache seeded from {source}: {count} {embedder} vectors")
    return int(count)


def existing_index(manifest: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """``--keep-index``: no build measured, only the kept index's size is reported."""
    if manifest["embedder"] != args.embedder:
        raise SystemExit(
            f"--keep-index: the index was built with {manifest['embedder']}, "
            f"this run measures {args.embedder} (--embedder)"
        )
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
    if stage > 0:  # after the first batch arrived, until the last: the encoder's own rate
        first = BATCH if run["embedder"] == "use-multilingual" else SLOW_BATCH
        run["embed_stage_per_s"] = (report["embedded"] - min(first, report["embedded"])) / stage
    log(
        f"  {seconds:.1f} s, {report['passages']} passages, {report['embedded']} embedded "
        f"({run['embedded_per_s']:.0f}/s), {run['cores_used']:.2f} cores"
    )
    return run


def summarise(runs: list[dict[str, Any]], policy: str) -> dict[str, Any]:
    """The repeats as the report shows them: medians with min and max."""
    last = runs[-1]["report"]
    return {
        "policy": policy,
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
