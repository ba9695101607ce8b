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
        ("webapp.pages.builders", "import kennisbank.cli", "Data flows one way"),
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


def import_cycles(package: str) -> list[list[str]]:
    """Groups of modules inside ``package`` that import each other (directly or through
    others), counting imports inside functions too: a "lazy" import that only hides a cycle
    from the interpreter still ties the modules together."""
    import grimp

    graph = grimp.build_graph("kennisbank", cache_dir=None)
    modules = sorted(m for m in graph.modules if m.startswith(package + "."))
    edges = {
        m: {n for n in graph.find_modules_directly_imported_by(m) if n.startswith(package + ".")}
        for m in modules
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in edges[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return cycles


@pytest.mark.parametrize("package", ["kennisbank.content", "kennisbank.webapp"])
def test_no_import_circles_inside_a_stage(package: str) -> None:
    """Round 2, item 11: content.loading ↔ validation ↔ scaffold and webapp.exports ↔
    spreadsheet imported each other (hidden by imports inside functions)."""
    assert import_cycles(package) == []
