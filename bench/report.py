"""The Markdown report: the targets judged per size, one section per size, and the
hand-written tail (after ``MANUAL_SECTION``) kept when the report is rewritten.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

# (size, metric path, comparison, threshold, label): the targets from the issue.
TARGETS: list[tuple[int, str, str, float, str]] = [
    (10_000, "search.p50_ms", "<=", 8, "search p50 ≤ 8 ms (in-library)"),
    (10_000, "search.p99_ms", "<=", 25, "search p99 ≤ 25 ms (in-library)"),
    (10_000, "incremental.cli_wall_s", "<=", 2, "incremental, one case ≤ 2 s (process wall)"),
    (10_000, "build.embedded_per_s", ">=", 150, "full build ≥ 150 passages/s (both cores)"),
    (10_000, "rss.peak_rss_mb", "<=", 400, "searcher process RSS ≤ 400 MB"),
    (100_000, "search.p50_ms", "<=", 30, "search p50 ≤ 30 ms (in-library)"),
]


def metric(result: dict[str, Any], path: str) -> float | None:
    value: Any = result
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return cast("float | None", value["median"] if isinstance(value, dict) else value)


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
    """One size: how and where it ran, the measures with their baselines, the targets."""
    return [*_run_lines(result), *_build_rows(result), *_other_rows(result), *_target_rows(result)]


def _run_lines(result: dict[str, Any]) -> list[str]:
    size = result["size"]
    build = result["build"]
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
    return lines


def _build_rows(result: dict[str, Any]) -> list[str]:
    """The table's head and the full-build rows (throughput only where the build was cold)."""
    build, base, ratio = result["build"], result["baseline"], result["ratios"]
    m = result["machine"]
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
    return [
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
    ]


def _other_rows(result: dict[str, Any]) -> list[str]:
    """Incremental, search, memory and vector rows, and the search workload line."""
    inc, search = result["incremental"], result["search"]
    rss, vectors, base, ratio = (
        result["rss"],
        result["vectors"],
        result["baseline"],
        result["ratios"],
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
    return [
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
    ]


def _target_rows(result: dict[str, Any]) -> list[str]:
    size = result["size"]
    lines = [
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
        "recombines the fictional fixture cases in `tests/fixtures/content` (titles, summaries, "
        "section paragraphs from different cases, numbers varied) so every passage text "
        "differs and nothing is a cache hit.",
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


MANUAL_SECTION = "\n## Measured outside `run_bench.py`"


def kept_tail(out: Path) -> str:
    """The hand-written sections after MANUAL_SECTION survive a rewrite of the report."""
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    return text[text.index(MANUAL_SECTION) :] if MANUAL_SECTION in text else ""
