"""Benchmark kennisbank on synthetic corpora: build, incremental rebuild, search, memory.

    .venv/bin/python bench/run_bench.py --sizes 1000 10000 --out docs/benchmarks.md
    .venv/bin/python bench/run_bench.py --sizes 100000 --lift-max-files --merge

For each size the corpus is generated once (``bench/make_corpus.py``, kept in
``--corpus-dir``); then, each figure as a median with min-max over ``--repeats``:

- full build: ``build_index`` in a child process. Up to ``--full-build-max`` cases the index
  folder (and with it the embedding cache) is deleted before every repeat: a cold build.
  Above it, one build per run with the index versions deleted but the embedding cache kept
  (warm allowed); the report says how many passages were embedded and how many came from
  the cache, so the figure is never mistaken for a cold one.
- incremental rebuild after one edited case (a sentence appended to a section; a different
  case every time): the ``kennisbank build --quiet`` process wall time (interpreter start
  included) and, for another edit, ``build_index`` called in this process.
- search: in-library ``Searcher.search`` wall time over a fixed workload (the judged queries,
  cycled, with their filters), p50 and p99, and a breakdown (query encoding, keyword scoring,
  FAISS).
- peak RSS (VmHWM) of a child process that opens the searcher and runs the workload.
- FAISS index kind and, for IVF, recall@k of the IVF search against an exact flat search
  over the same vectors.
- baselines measured in the same run (bare USE query encoding, bare FAISS flat search over
  as many random vectors, bare USE document throughput on one core, process start), so
  the figures can also be read as ratios on a shared, noisy machine.

Results go to ``--out`` (Markdown) and the same path with ``.json``.

One module per measurement (``measure_build``, ``measure_incremental``, ``measure_search``,
``measure_memory``, ``measure_recall``, ``baselines``), the report in ``report``, shared
helpers in ``common``; this file only parses the command line and runs them per size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the sibling modules, also when this file is loaded by path

from baselines import baselines, ratios  # noqa: E402
from common import ROOT, command_line, log, machine, workload  # noqa: E402
from make_corpus import is_complete, make_corpus  # noqa: E402
from measure_build import full_builds  # noqa: E402
from measure_incremental import incremental  # noqa: E402
from measure_memory import searcher_rss  # noqa: E402
from measure_recall import vector_quality  # noqa: E402
from measure_search import search_latency  # noqa: E402
from report import check_targets, kept_tail, markdown  # noqa: E402


def ensure_corpus(size: int, corpus: Path, seed: int, content: Path) -> dict[str, Any]:
    if is_complete(corpus, size, seed):
        log(f"corpus {corpus} present")
        return {"dir": str(corpus), "generated": False, "seed": seed}
    log(f"generating {size} cases in {corpus}")
    seconds = make_corpus(size, corpus, seed, content)
    log(f"generated in {seconds:.1f} s")
    return {"dir": str(corpus), "generated": True, "generate_s": seconds, "seed": seed}


def bench_size(size: int, args: argparse.Namespace, lift: int | None) -> dict[str, Any]:
    corpus = args.corpus_dir / str(size)
    index = args.corpus_dir / f"index-{size}"
    result: dict[str, Any] = {
        "size": size,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": command_line(),
        "machine": machine(),
        "load_before": os.getloadavg(),
        "repeats": args.repeats,
        "full_build_max": args.full_build_max,
        "max_files_lifted": bool(lift),
    }
    started = time.perf_counter()
    result["corpus"] = ensure_corpus(size, corpus, args.seed, args.content)
    result["build"] = full_builds(size, corpus, index, args, lift)
    result["incremental"] = incremental(corpus, index, args, lift)
    work = workload(args.queries, args.searches)
    result["search"], queries = search_latency(index, work, args.repeats)
    result["rss"] = searcher_rss(index, work, args.repeats)
    result["vectors"] = vector_quality(index, queries, result["search"]["faiss_k"])
    result["baseline"] = baselines(index, work, queries, result["build"]["passages"], args.repeats)
    result["ratios"] = ratios(result)
    result["targets"] = check_targets(size, result)
    result["load_after"] = os.getloadavg()
    result["bench_s"] = time.perf_counter() - started
    return result


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--out", type=Path, default=Path("docs/benchmarks.md"))
    parser.add_argument("--json", type=Path, default=None, help="default: --out with .json")
    parser.add_argument("--corpus-dir", type=Path, default=Path("bench/corpus"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--content", type=Path, default=Path("tests/fixtures/content"))
    parser.add_argument("--queries", type=Path, default=Path("tests/data/queries.jsonl"))
    parser.add_argument("--searches", type=int, default=200, help="searches per repeat")
    parser.add_argument(
        "--keep-index",
        action="store_true",
        help="measure an existing index instead of building it first",
    )
    parser.add_argument(
        "--full-build-max",
        type=int,
        default=10_000,
        help="largest size whose full builds are cold and repeated; above: one build, "
        "embedding cache kept",
    )
    parser.add_argument(
        "--lift-max-files",
        action="store_true",
        help="raise kennisbank.content.loading.MAX_FILES for sizes above it (stated in the report)",
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the results of sizes not run now from the existing JSON",
    )
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.searches < 1:
        parser.error("--repeats and --searches must be at least 1")
    import kennisbank.content.loading

    too_big = [s for s in args.sizes if s > kennisbank.content.loading.MAX_FILES]
    if too_big and not args.lift_max_files:
        parser.error(
            f"sizes {too_big} exceed kennisbank.content.loading.MAX_FILES "
            f"({kennisbank.content.loading.MAX_FILES}): the library refuses that many case files. "
            "Pass --lift-max-files to raise the limit for the benchmark (the report says so)."
        )
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    os.chdir(ROOT)
    json_path = args.json or args.out.with_suffix(".json")
    results: dict[str, Any] = {"sizes": {}}
    if args.merge and json_path.exists():
        results = json.loads(json_path.read_text())
    for size in args.sizes:
        import kennisbank.content.loading

        limit = kennisbank.content.loading.MAX_FILES
        lift = size + 1 if args.lift_max_files and size > limit else None
        if lift:
            kennisbank.content.loading.MAX_FILES = lift
        log(f"=== {size} cases ===")
        results["sizes"][str(size)] = bench_size(size, args, lift)
        kennisbank.content.loading.MAX_FILES = limit
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        args.out.write_text(markdown(results) + kept_tail(args.out), encoding="utf-8")
        log(f"wrote {args.out} and {json_path}")


if __name__ == "__main__":
    main()
