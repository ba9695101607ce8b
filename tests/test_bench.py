"""The benchmark scripts keep working: the documented command lines, and a tiny real run.

`bench/run_bench.py` is a thin entry point over one module per measurement; nothing else
runs it, so without these a broken import or a renamed flag would only show up the next
time someone measures. The run is real (a synthetic corpus, cold builds, the CLI, the
child processes, the report) at a size small enough for CI.
"""

from __future__ import annotations

import importlib
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTED = re.compile(r"`(?:KENNISBANK_\w+=\S+ )?(?:\.venv/bin/)?python (bench/\w+\.py)([^`]*)`")
REPORTS = ("benchmarks.md", "benchmarks-e5.md")


def bench_module(name: str) -> ModuleType:
    """A module of bench/, imported as run_bench imports its siblings."""
    folder = str(ROOT / "bench")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module(name)


def run_bench(*arguments: str) -> dict[str, Any]:
    """Run bench/run_bench.py; the results JSON it wrote (``--out`` must be given)."""
    command = [sys.executable, "bench/run_bench.py", "--repeats", "1", *arguments]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = Path(arguments[arguments.index("--out") + 1])
    results: dict[str, Any] = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    return results


def documented_commands() -> list[tuple[str, list[str]]]:
    """Every `python bench/SCRIPT.py ARGS` quoted in docs/*.md."""
    found = set()
    for page in sorted((ROOT / "docs").glob("*.md")):
        for script, arguments in DOCUMENTED.findall(page.read_text(encoding="utf-8")):
            found.add((script, arguments.strip()))
    return [(script, shlex.split(arguments)) for script, arguments in sorted(found)]


def help_text(script: str) -> str:
    done = subprocess.run(
        [sys.executable, script, "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_every_documented_bench_flag_exists() -> None:
    commands = documented_commands()
    scripts = {script for script, _ in commands}
    assert "bench/run_bench.py" in scripts, scripts  # the pattern still finds the commands
    helps = {script: help_text(script) for script in scripts}
    for script, argv in commands:
        for flag in (a.split("=", 1)[0] for a in argv if a.startswith("--")):
            assert re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", helps[script]), (
                f"{script}: {flag} is documented but not accepted"
            )


def test_documented_run_bench_command_lines_parse() -> None:
    """run_bench's own checks too (a size above the library's file limit needs a flag)."""
    runs = [argv for script, argv in documented_commands() if script == "bench/run_bench.py"]
    assert runs
    check = "import sys; sys.path.insert(0, 'bench'); import run_bench; run_bench.parse_args(None)"
    for argv in runs:
        done = subprocess.run(
            [sys.executable, "-c", check, *argv],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
            timeout=120,
        )
        assert done.returncode == 0, (argv, done.stderr)


def test_the_committed_reports_render_from_their_json() -> None:
    """docs/benchmarks*.md are what report.py makes of the JSON next to them, tail kept."""
    report = bench_module("report")
    for name in REPORTS:
        out = ROOT / "docs" / name
        assert report.render(out.with_suffix(".json"), out) == out.read_text(encoding="utf-8")


def test_each_embedder_reports_to_its_own_file_and_merge_refuses_another(tmp_path: Path) -> None:
    report = bench_module("report")
    assert report.report_path("use-multilingual") == Path("docs/benchmarks.md")
    assert report.report_path("multilingual-e5-small") == Path("docs/benchmarks-e5.md")
    kept = tmp_path / "benchmarks-e5.json"
    kept.write_text(json.dumps({"embedder": "multilingual-e5-small", "sizes": {}}))
    run_bench_module = bench_module("run_bench")
    args = run_bench_module.parse_args(["--embedder", "use-multilingual", "--merge"])
    with pytest.raises(SystemExit, match="multilingual-e5-small results"):
        run_bench_module.load_results(kept, args)


def test_a_distinct_corpus_repeats_the_texts_of_the_plain_one(tmp_path: Path) -> None:
    """Cases 1..N are the plain N-case corpus byte for byte; case i > N has the title,
    summary and body of case ((i-1) mod N)+1 and facets of its own; the markers differ."""
    make_corpus = bench_module("make_corpus")
    plain, repeated = tmp_path / "plain", tmp_path / "repeated"
    make_corpus.make_corpus(5, plain, seed=3)
    make_corpus.make_corpus(12, repeated, seed=3, distinct=5)

    def parts(folder: Path, number: int) -> tuple[dict[str, Any], str]:
        text = (folder / "cases" / f"syn-{number:06d}.md").read_text(encoding="utf-8")
        return make_corpus.split_front_matter(text)  # type: ignore[no-any-return]

    for number in range(1, 6):
        name = f"cases/syn-{number:06d}.md"
        assert (repeated / name).read_bytes() == (plain / name).read_bytes()
    facets = set()
    for number in range(6, 13):
        meta, body = parts(repeated, number)
        source_meta, source_body = parts(repeated, (number - 1) % 5 + 1)
        assert (meta["title"], meta["summary"], body) == (
            source_meta["title"],
            source_meta["summary"],
            source_body,
        )
        facets.add(json.dumps([meta["regions"], meta["partners"], str(meta["updated"])]))
    assert len(facets) > 1  # drawn per case, not copied
    assert make_corpus.is_complete(repeated, 12, 3, distinct=5)
    assert not make_corpus.is_complete(repeated, 12, 3)  # never taken for a plain corpus
    assert make_corpus.is_complete(plain, 5, 3)
    assert not make_corpus.is_complete(plain, 5, 3, distinct=5)


def test_search_timing_encodes_every_query_and_times_the_repeat_apart(
    bundled_index: Path,
) -> None:
    """The query-vector cache is cleared before each timed search: no timed search is a
    cache hit, every repeat-query search is, and encoding makes the first slower."""
    common = bench_module("common")
    measure_search = bench_module("measure_search")
    work = common.workload(ROOT / "tests" / "data" / "queries.jsonl", 20)

    result, vectors = measure_search.search_latency(bundled_index, work, 1)

    assert result["cache_hits_timed"] == 0
    assert result["repeat_cache_hits"] == 20
    assert result["p50_ms"]["median"] > result["repeat_p50_ms"]["median"]
    assert result["breakdown_p50_ms"]["encode_query"] > 0
    assert vectors.shape[0] == 20


@pytest.mark.slow
def test_a_tiny_real_run_merges_into_the_report_and_keeps_the_hand_written_tail(
    tmp_path: Path,
) -> None:
    out = tmp_path / "benchmarks.md"
    kept = json.loads((ROOT / "docs" / "benchmarks.json").read_text(encoding="utf-8"))
    earlier = next(iter(kept["sizes"].values()))  # a real result of an earlier run
    out.with_suffix(".json").write_text(json.dumps({"sizes": {str(earlier["size"]): earlier}}))
    tail = "\n## Measured outside `run_bench.py`\n\nHand-written, kept.\n"
    out.write_text("# old report\n" + tail, encoding="utf-8")

    results = run_bench(
        *("--sizes", "12", "--searches", "10", "--embedder", "use-multilingual", "--http"),
        *("--corpus-dir", str(tmp_path / "corpus"), "--out", str(out), "--merge"),
    )

    assert results["embedder"] == "use-multilingual"
    assert set(results["sizes"]) == {"12", str(earlier["size"])}
    result = results["sizes"]["12"]
    assert result["embedder"] == "use-multilingual"
    assert result["build"]["policy"] == "cold"
    assert result["build"]["cases"] == 12
    assert result["build"]["embedded"] == [result["build"]["passages"]]  # cold: all embedded
    assert len(result["incremental"]["cli_runs"]) == 1
    search = result["search"]
    assert search["queries"] == 10
    assert search["p50_ms"]["median"] > 0
    assert search["cache_hits_timed"] == 0
    assert search["repeat_cache_hits"] == 10
    assert result["rss"]["peak_rss_mb"]["median"] > 50  # a process that loaded a model
    assert result["vectors"]["kind"] == "flat"
    base = result["baseline"]
    assert base["embedder"] == "use-multilingual"
    assert not [key for key in base if key.startswith("use_")]
    assert base["encoder_query_p50_ms"] > 0
    assert base["encoder_docs_per_s"] > 0
    assert set(result["ratios"]) >= {
        "search_p50_over_floor",
        "build_rate_over_bare_encoder",
        "search_p50_beyond_encode_ms",
    }
    http = result["http"]
    assert http["zoeken"]["cache"] == {"miss": http["requests_per_pass"], "hit": 0}
    assert http["api_search"]["cache"] == {"miss": 0, "hit": http["requests_per_pass"]}
    assert http["zoeken_again"]["cache"] == {"miss": 0, "hit": http["requests_per_pass"]}
    assert http["server_peak_rss_mb"]["median"] > 50
    assert [row["verdict"] for row in result["targets"]] == ["reference"] * 5
    report = out.read_text(encoding="utf-8")
    assert report.startswith("# Benchmarks\n")
    sections = re.findall(r"^## (.+)$", report, re.MULTILINE)
    earlier_title = f"{earlier['size']:,} cases".replace(",", " ")
    assert sections == ["12 cases", earlier_title, "Measured outside `run_bench.py`"]
    assert report.endswith(tail)
    new_section = report.split("## 12 cases", 1)[1].split(f"## {earlier_title}", 1)[0]
    rows = re.findall(r"^\| ([^|]+) \|", new_section, re.MULTILINE)
    assert len(rows) == 2 + 15 + 4 + 5  # two table heads, 15 measures, 4 HTTP rows, 5 targets
    for label in (
        "full build, wall (s)",
        "search p50, query encoded (ms)",
        "search p50, repeat query: vector from the cache (ms)",
        "searcher process peak RSS (MB)",
        "HTTP `/zoeken`, query encoded, p50 / p99 (ms)",
        "server process peak RSS (MB)",
    ):
        assert re.search(rf"^\| {re.escape(label)} \| [0-9]", new_section, re.MULTILINE), label
    assert "bare use-multilingual on one core" in new_section
    assert "USE" not in new_section


@pytest.mark.slow
def test_a_distinct_corpus_seeded_from_the_plain_index_embeds_nothing(tmp_path: Path) -> None:
    """`--distinct N --seed-cache-from INDEX` where INDEX holds the plain N-case corpus: the
    build takes every passage from the cache, and the report says so."""
    from kennisbank.indexing.builder import build_index

    make_corpus = bench_module("make_corpus")
    plain, seed_index = tmp_path / "plain", tmp_path / "index-plain"
    make_corpus.make_corpus(6, plain, seed=1)
    build_index(plain, seed_index, embedder="use-multilingual")
    out = tmp_path / "report.md"

    results = run_bench(
        *("--sizes", "18", "--distinct", "6", "--seed-cache-from", str(seed_index)),
        *("--searches", "5", "--embedder", "use-multilingual"),
        *("--corpus-dir", str(tmp_path / "corpus"), "--out", str(out)),
    )

    result = results["sizes"]["18"]
    assert result["corpus"]["distinct"] == 6
    assert (tmp_path / "corpus" / "18-distinct6" / "cases" / "syn-000018.md").is_file()
    build = result["build"]
    assert build["policy"] == "seeded"
    assert build["embedded"] == [0]
    assert build["reused"] == [build["passages"]]
    assert build["seeded_vectors"] > 0
    assert "build_rate_over_bare_encoder" not in result["ratios"]
    report = out.read_text(encoding="utf-8")
    assert "**the texts of 6 cases, repeated**" in report
    assert f"0 passages embedded, {build['passages']} from the cache" in report
