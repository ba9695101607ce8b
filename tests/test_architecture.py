"""The one-way flow (content -> indexing -> search -> web app / CLI) is a rule, not a habit.

The contracts live in pyproject.toml (``[tool.importlinter]``) and CI runs ``lint-imports``.
These tests prove the contracts hold today and that they would catch an import against the
flow: a copy of the package with one upward import added must break them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def run_linter(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "COLUMNS": "200"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "kennisbank", tmp_path / "kennisbank", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def add_import(tree: Path, module: str, statement: str) -> None:
    path = tree / "kennisbank" / Path(*module.split(".")).with_suffix(".py")
    path.write_text(path.read_text(encoding="utf-8") + f"\n{statement}\n", encoding="utf-8")


def test_the_package_keeps_every_contract(package_copy: Path) -> None:
    result = run_linter(package_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "statement", "broken"),
    [
        # content may not know about the index
        ("content.models", "import kennisbank.indexing.store", "Data flows one way"),
        # the index build may not reach into search
        ("indexing.store", "import kennisbank.search.bm25", "Data flows one way"),
        # search may not reach into the web app
        ("search.catalog", "import kennisbank.webapp.settings", "Data flows one way"),
        # embedders sit below indexing
        ("embedders.base", "import kennisbank.indexing.vectors", "Data flows one way"),
        # the CLI and the web app are siblings: neither holds logic the other needs
        ("webapp.pages", "import kennisbank.cli", "Data flows one way"),
        # the searcher reads the index through its layout, never through the builder
        ("search.searcher", "import kennisbank.indexing.builder", "never the builder"),
    ],
)
def test_an_import_against_the_flow_breaks_a_contract(
    package_copy: Path, module: str, statement: str, broken: str
) -> None:
    add_import(package_copy, module, statement)
    result = run_linter(package_copy)
    assert result.returncode != 0
    broken_lines = [line for line in result.stdout.splitlines() if "BROKEN" in line]
    assert any(broken in line for line in broken_lines), result.stdout


def test_the_short_public_imports_stay_light() -> None:
    """``from kennisbank import ...`` works, and importing the package loads no numpy."""
    code = (
        "import sys, kennisbank\n"
        "assert 'numpy' not in sys.modules, 'import kennisbank loaded numpy'\n"
        "from kennisbank import Searcher, SearchParams, build_index\n"
        "from kennisbank.search.searcher import Searcher as S\n"
        "assert Searcher is S and callable(build_index) and SearchParams(query='x').query == 'x'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
