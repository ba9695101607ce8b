"""Incremental rebuild after one edited case: the ``kennisbank build --quiet`` process wall
time (interpreter start included) and, for another edit, ``build_index`` in this process.

Each repeat edits a different case (a sentence appended to a section); the edits are
reverted afterwards.
"""

from __future__ import annotations

import argparse
import random
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import ROOT, log, summary

LIFT_CLI = (
    "import sys, kennisbank.content.loading as c; c.MAX_FILES = int(sys.argv.pop(1)); "
    "from kennisbank.cli import main; main()"
)
EDIT_SECTIONS = ("Aanpak", "Resultaten", "Lessen")  # the sentence ends the section before


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
    cases = sorted((corpus / "cases").glob("*.md"))
    rng = random.Random(args.seed * 7919 + len(cases))
    picks = rng.sample(cases, min(len(cases), 2 * args.repeats + 1))
    originals = {path: path.read_bytes() for path in picks}
    cli_runs: list[dict[str, Any]] = []
    library_runs: list[dict[str, Any]] = []
    stamp = time.strftime("%H%M%S")
    command = cli_build_command(corpus, index, lift)
    try:
        # The first build in a process also loads the embedder and the analyzer's lexicon (both
        # are kept by the process afterwards): reported on its own, not among the repeats.
        first = library_build(corpus, index, picks[-1], "Lessen", f"{stamp}-first")
        log(f"incremental, first in-library build in this process: {first['wall_s']:.2f} s")
        for repeat in range(args.repeats):
            section = EDIT_SECTIONS[repeat % len(EDIT_SECTIONS)]
            run = cli_build(command, index, picks[2 * repeat], section, f"{stamp}-{repeat}-cli")
            cli_runs.append(run)
            wall = run["wall_s"]
            path = picks[2 * repeat + 1]
            run = library_build(corpus, index, path, section, f"{stamp}-{repeat}-lib")
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


def cli_build(
    command: list[str], index: Path, path: Path, section: str, token: str
) -> dict[str, Any]:
    """Edit one case, then time the ``kennisbank build`` process, which must make a version."""
    from kennisbank.indexing.manifest import read_manifest

    before = read_manifest(index).version
    edit_case(path, section, token)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(command)} failed:\n{done.stderr}")
    if read_manifest(index).version == before:
        raise RuntimeError("the CLI build did not produce a new index version")
    return {"wall_s": wall, "case": path.stem}


def library_build(
    corpus: Path, index: Path, path: Path, section: str, token: str
) -> dict[str, Any]:
    """Edit one case, then time ``build_index`` in this process."""
    from kennisbank.indexing.builder import build_index

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
