"""The benchmark scripts keep working: the documented command lines, and a tiny real run.

`bench/run_bench.py` is a thin entry point over one module per measurement; nothing else
runs it, so without these a broken import or a renamed flag would only show up the next
time someone measures. The run is real (a synthetic corpus, cold builds, the CLI, the
child processes, the report) at a size small enough for CI.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTED = re.compile(r"`(?:KENNISBANK_\w+=\S+ )?(?:\.venv/bin/)?python (bench/\w+\.py)([^`]*)`")


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
    command = [sys.executable, "bench/run_bench.py", "--sizes", "30", "--repeats", "1"]
    command += ["--searches", "20", "--corpus-dir", str(tmp_path / "corpus")]
    command += ["--out", str(out), "--merge"]

    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)

    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert set(results["sizes"]) == {"30", str(earlier["size"])}
    result = results["sizes"]["30"]
    assert result["build"]["policy"] == "cold"
    assert result["build"]["cases"] == 30
    assert result["build"]["embedded"] == [result["build"]["passages"]]  # cold: all embedded
    assert len(result["incremental"]["cli_runs"]) == 1
    assert result["search"]["queries"] == 20
    assert result["search"]["p50_ms"]["median"] > 0
    assert result["rss"]["peak_rss_mb"]["median"] > 50  # a process that loaded a model
    assert result["vectors"]["kind"] == "flat"
    assert set(result["ratios"]) >= {"search_p50_over_floor", "build_rate_over_1core_use"}
    assert [row["verdict"] for row in result["targets"]] == ["reference"] * 5
    report = out.read_text(encoding="utf-8")
    assert report.startswith("# Benchmarks\n")
    sections = re.findall(r"^## (.+)$", report, re.MULTILINE)
    earlier_title = f"{earlier['size']:,} cases".replace(",", " ")
    assert sections == ["30 cases", earlier_title, "Measured outside `run_bench.py`"]
    assert report.endswith(tail)
    new_section = report.split("## 30 cases", 1)[1].split(f"## {earlier_title}", 1)[0]
    rows = re.findall(r"^\| ([^|]+) \|", new_section, re.MULTILINE)
    assert len(rows) == 2 + 14 + 5  # two table heads, 14 measures, 5 targets
    for label in ("full build, wall (s)", "search p50 (ms)", "searcher process peak RSS (MB)"):
        assert re.search(rf"^\| {re.escape(label)} \| [0-9]", new_section, re.MULTILINE), label
