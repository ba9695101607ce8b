"""One size's section of the Markdown report: how and where it ran, the measures next to
their same-run baselines, the HTTP figures when measured, the targets.

Results written before a figure existed (the repeat-query search, HTTP, the embedder's
name) render without its row, so earlier runs keep their tables.
"""

from __future__ import annotations

from typing import Any

LEGACY_EMBEDDER = "use-multilingual"  # every run before results named their embedder


def fmt(stat: dict[str, float] | None, digits: int = 1, unit: str = "") -> str:
    if not stat:
        return "—"
    median = f"{stat['median']:.{digits}f}{unit}"
    if stat.get("n", 1) <= 1:
        return median
    return f"{median} ({stat['min']:.{digits}f}–{stat['max']:.{digits}f})"


def rate_digits(value: float | None) -> int:
    """Digits that keep a rate readable: 212/s, 24.5/s, 2.87/s."""
    value = value or 0.0
    return 0 if value >= 100 else 1 if value >= 10 else 2


def embedder_of(result: dict[str, Any]) -> str:
    return str(result.get("embedder", LEGACY_EMBEDDER))


def size_section(result: dict[str, Any]) -> list[str]:
    """One size: how and where it ran, the measures with their baselines, the targets."""
    return [
        *_run_lines(result),
        *_build_rows(result),
        *_other_rows(result),
        *_http_rows(result),
        *_workload_lines(result),
        *_target_rows(result),
    ]


def _policy(result: dict[str, Any]) -> str:
    build = result["build"]
    embedded, reused = build["embedded"][0], build["reused"][0]
    if build["policy"] == "existing":
        return (
            "no build in this run: the existing index was measured (--keep-index); its build "
            "is reported separately"
        )
    if build["policy"] == "cold":
        text = "cold: index folder and embedding cache deleted before every repeat"
        if reused:
            text += (
                f"; the corpus repeats texts, so {embedded} passages were embedded and "
                f"{reused} were repeats of them"
            )
        return text
    if build["policy"] == "seeded":
        return (
            "index folder deleted before every repeat, then the embedding cache copied from "
            f"`{build['seeded_from']}` ({build['seeded_vectors']} vectors): {embedded} "
            f"passages embedded, {reused} from the cache — not a cold-build throughput"
        )
    return (
        "one build with the index versions deleted but the embedding cache kept "
        f"(warm allowed): {embedded} passages embedded, "
        f"{reused} from the cache — not a cold-build throughput"
    )


def _corpus_line(result: dict[str, Any]) -> str:
    build, corpus = result["build"], result["corpus"]
    generated = (
        f"generated in {corpus['generate_s']:.1f} s" if corpus.get("generated") else "reused"
    )
    line = (
        f"- Corpus: {build['cases']} cases, {build['passages']} passages "
        f"({build['passages'] / max(build['cases'], 1):.1f} per case), seed "
        f"{corpus['seed']}, {generated}"
    )
    if corpus.get("distinct"):
        line += (
            f"; **the texts of {corpus['distinct']} cases, repeated** (`--distinct "
            f"{corpus['distinct']}`: case i has the title, summary and body of case "
            f"((i-1) mod {corpus['distinct']})+1, its own slug, facets and date)"
        )
    return line


def _run_lines(result: dict[str, Any]) -> list[str]:
    m = result["machine"]
    lines = [
        f"## {result['size']:,} cases".replace(",", " "),
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
        f"- Embedder: `{embedder_of(result)}`",
        _corpus_line(result),
        f"- Repeats: {result['repeats']}; full build policy: {_policy(result)}",
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
    stat = build["embedded_per_s"]
    rate = fmt(stat, rate_digits(stat["median"] if stat else None))
    over = ratio.get("build_rate_over_bare_encoder")
    rate_ratio = f"{over:.2f}×" if over is not None else "n/a"
    embedded, reused = build["embedded"][0], build["reused"][0]
    if build["policy"] == "existing":
        rate = "n/a (no build in this run)"
    elif build["policy"] != "cold":
        rate = (
            f"{rate} ({embedded} embedded, {reused} from the cache)"
            if embedded
            else f"n/a (all {reused} from the cache)"
        )
    elif reused:
        rate = f"{rate} ({embedded} embedded; {reused} repeats)"
    bare = base["encoder_docs_per_s"]
    worker = build["worker_peak_rss_mb"]
    workers = fmt(worker, 0) if not worker or worker["median"] else "none"
    stage = build["embed_stage_per_s"]
    return [
        "",
        "| measure | median (min–max) | same-run baseline and ratio |",
        "|---|---|---|",
        f"| full build, wall (s) | {fmt(build['wall_s'])} | first embedding progress after "
        f"{fmt(build['first_progress_s'])} s (parsing, analysis and SQLite come first) |",
        f"| full build, passages embedded/s | {rate} | bare {base['encoder_docs_how']}: "
        f"{bare:.{rate_digits(bare)}f}/s; ratio {rate_ratio} |",
        f"| full build, embedding stage alone, passages/s | "
        f"{fmt(stage, rate_digits(stage['median'] if stage else None))} | from the first "
        "embedded batch to the last |",
        f"| full build, CPU cores busy | {fmt(build['cores_used'], 2)} | of {m['nproc']} |",
        f"| full build, peak RSS parent / worker (MB) | {fmt(build['peak_rss_mb'], 0)} / "
        f"{workers} | |",
    ]


def _search_rows(result: dict[str, Any]) -> list[str]:
    """Search latency with its encoding, the repeat query, the breakdown."""
    search, base, ratio = result["search"], result["baseline"], result["ratios"]
    name = embedder_of(result)
    breakdown = search["breakdown_p50_ms"]
    threads = search.get("encode_threads", 1)
    encode = f"encode ({threads} threads)" if threads > 1 else "encode"
    rows = [
        f"| search p50, query encoded (ms) | {fmt(search['p50_ms'], 2)} | floor = bare {name} "
        f"query (1 thread) {base['encoder_query_p50_ms']:.2f} + flat k={search['faiss_k']} "
        f"{base['flat_k256_p50_ms']:.2f} ms; ratio {ratio['search_p50_over_floor']:.2f}× |",
        f"| search p99, query encoded (ms) | {fmt(search['p99_ms'], 2)} | bare {name} query "
        f"(1 thread) p99 {base['encoder_query_p99_ms']:.2f} ms; ratio to floor "
        f"{ratio['search_p99_over_floor']:.2f}× |",
    ]
    if "repeat_p50_ms" in search:
        rows.append(
            f"| search p50, repeat query: vector from the cache (ms) | "
            f"{fmt(search['repeat_p50_ms'], 2)} | p99 {fmt(search['repeat_p99_ms'], 2)} ms; "
            f"the encoded search's p50 minus its encoding "
            f"{ratio['search_p50_beyond_encode_ms']:.2f} ms |"
        )
    rows.append(
        f"| search breakdown p50 (ms) | {encode} {breakdown['encode_query']:.2f}, keyword "
        f"{breakdown.get('lexical', breakdown.get('fts5', 0.0)):.2f}, "
        f"FAISS k={search['faiss_k']} {breakdown['faiss']:.2f}, rest "
        f"(fusion, facets, hits, snippets) {breakdown['rest']:.2f} | "
        f"flat k=10 over {base['flat_vectors']} random vectors {base['flat_k10_p50_ms']:.2f} ms |"
    )
    return rows


def _other_rows(result: dict[str, Any]) -> list[str]:
    """Incremental, search, memory and vector rows."""
    inc, search = result["incremental"], result["search"]
    rss, vectors, base, ratio = (
        result["rss"],
        result["vectors"],
        result["baseline"],
        result["ratios"],
    )
    name = embedder_of(result)
    nprobe = f", nlist {vectors['nlist']}, nprobe {vectors['nprobe']}" if "nlist" in vectors else ""
    wide = f"recall_at_{search['faiss_k']}"
    recall = (
        f"{vectors['recall_at_10']:.3f} (min {vectors['recall_at_10_min']:.2f}); "
        f"recall@{search['faiss_k']} {vectors[wide]:.3f}"
        if "recall_at_10" in vectors
        else "1 (exact)"
    )
    return [
        f"| incremental, one case, `kennisbank build` process (s) | {fmt(inc['cli_wall_s'], 2)} "
        f"| process start {base['process_start_s']:.2f} s, process loading {name} + one encode "
        f"{base['encoder_process_s']:.2f} s; ratio "
        f"{ratio['incremental_cli_over_encoder_process']:.2f}× |",
        f"| incremental, one case, `build_index` in-library (s) | {fmt(inc['library_s'], 2)} | "
        f"first build in a fresh process {inc['library_first_s']:.2f} s (loads the embedder "
        f"and the lexicon); {name} load + one encode {base['encoder_load_encode_s']:.2f} s |",
        *_search_rows(result),
        f"| searcher open, in-library (ms) | {search['open_s'] * 1000:.1f} | in a fresh process "
        f"{fmt(rss['open_s_ms'], 1)} ms (the embedder loads lazily, on the first query) |",
        f"| searcher process peak RSS (MB) | {fmt(rss['peak_rss_mb'], 0)} | process with {name} "
        f"only {base['encoder_process_rss_mb']:.0f} MB; ratio "
        f"{ratio['searcher_rss_over_encoder_process']:.2f}× |",
        f"| FAISS passage index | {vectors['kind']}, {vectors['ntotal']} vectors{nprobe} | |",
        f"| recall@10, IVF vs exact, same vectors | {recall} | |",
    ]


def _http_rows(result: dict[str, Any]) -> list[str]:
    """``--http``: the three passes, /healthz and the server's peak RSS."""
    http = result.get("http")
    if not http:
        return []

    def both(name: str) -> str:
        return f"{fmt(http[name]['p50_ms'], 1)} / {fmt(http[name]['p99_ms'], 1)}"

    def cache(name: str) -> str:
        counts = http[name]["cache"]
        if counts is None:
            return "server cache not counted (no /metrics)"
        return f"server cache {counts['miss']} misses, {counts['hit']} hits"

    return [
        f"| HTTP `/zoeken`, query encoded, p50 / p99 (ms) | {both('zoeken')} | `/healthz` "
        f"{both('healthz')} ms; {cache('zoeken')} |",
        f"| HTTP `/api/search` after the page (cache hit), p50 / p99 (ms) | "
        f"{both('api_search')} | {cache('api_search')} |",
        f"| HTTP `/zoeken` again (cache hit), p50 / p99 (ms) | {both('zoeken_again')} | "
        f"the page beyond its query encoding; {cache('zoeken_again')} |",
        f"| server process peak RSS (MB) | {fmt(http['server_peak_rss_mb'], 0)} | uvicorn, one "
        "worker, over the warm-up and the passes; the searcher process above "
        f"{fmt(result['rss']['peak_rss_mb'], 0)} |",
    ]


def _workload_lines(result: dict[str, Any]) -> list[str]:
    search = result["search"]
    cleared = (
        "; the query-vector cache cleared before each timed search "
        f"({search['cache_hits_timed']} cache hits among them)"
        if "cache_hits_timed" in search
        else ""
    )
    lines = [
        "",
        f"Search workload: {search['queries']} searches ({search['distinct_queries']} distinct "
        f"judged queries cycled, {search['filtered_queries']} with filters), k=10, after 20 "
        f"warm-up searches{cleared}; {search['with_results_share']:.0%} returned results.",
    ]
    http = result.get("http")
    if http:
        lines += [
            "",
            f"HTTP: {http['requests_per_pass']} distinct judged queries (with their filters), "
            "each once per pass, one keep-alive client, one request at a time, on a fresh "
            f"server per repeat (encode threads: {http['encode_threads']}).",
        ]
    return lines


def _target_rows(result: dict[str, Any]) -> list[str]:
    size = result["size"]
    if not result["targets"]:
        return [""]
    lines = [
        "",
        "| target (issue) | value | verdict |",
        "|---|---|---|",
    ]
    for row in result["targets"]:
        label = row["label"]
        if row["target_size"] is not None and row["target_size"] != size:
            label += f" (defined at {row['target_size']:,})".replace(",", " ")
        value = "—" if row["value"] is None else f"{row['value']:.2f}"
        lines.append(f"| {label} | {value} | {row['verdict']} |")
    lines.append("")
    return lines
