"""Invisible control characters in content are refused with ``path:line``.

YAML escapes in double-quoted strings (``"\\x1b"``, ``"\\u202e"``) passed the YAML reader and
the models; the Atom feed then was not well-formed XML and the CSV export carried terminal
escapes. The validator, and so the build, now refuses them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import (
    SECTIONS_BODY,
    ContentTreeFactory,
    collection_text,
    expect_problem,
    formatted,
    valid_case_text,
)

from kennisbank.content.loading import load_content
from kennisbank.content.problems import ContentError
from kennisbank.indexing.builder import build_index

TODAY = dt.date(2026, 1, 15)
# As written in the YAML file: escapes inside a double-quoted string.
ESCAPES = {
    "\\x0b": "U+000B",
    "\\x1b": "U+001B",
    "\\x01": "U+0001",
    "\\x85": "U+0085",
    "\\uFFFE": "U+FFFE",
    "\\u202E": "U+202E",
    "\\u2066": "U+2066",
    "\\uFDD0": "U+FDD0",
    "\\U0001FFFF": "U+1FFFF",
}
# (A lone surrogate such as "\\ud800" is already invalid YAML.)


def case_with(title: str = "", summary: str = "", body: str = SECTIONS_BODY) -> str:
    """A valid case whose title (line 2) or summary (line 3) carries raw YAML text."""
    text = valid_case_text(body=body)
    lines = text.split("\n")
    if title:
        lines[1] = f'title: "Budgetcoach {title} op het bureau"'
    if summary:
        lines[2] = f'summary: "Ouders worden gevraagd of ze rondkomen {summary} en meer."'
    return "\n".join(lines)


@pytest.mark.parametrize("escape", ESCAPES)
def test_an_escaped_control_character_in_a_title_is_an_error(
    content_tree: ContentTreeFactory, escape: str
) -> None:
    root = content_tree(cases={"budgetcoach.md": case_with(title=escape)})
    tree = load_content(root, today=TODAY)
    path = root / "cases" / "budgetcoach.md"
    expect_problem(tree, path, 2, "control-character", "'title'", ESCAPES[escape])
    assert not tree.cases


@pytest.mark.parametrize("escape", ESCAPES)
def test_an_escaped_control_character_in_a_summary_is_an_error(
    content_tree: ContentTreeFactory, escape: str
) -> None:
    root = content_tree(cases={"budgetcoach.md": case_with(summary=escape)})
    tree = load_content(root, today=TODAY)
    path = root / "cases" / "budgetcoach.md"
    expect_problem(tree, path, 3, "control-character", "'summary'", ESCAPES[escape])


def test_lists_notes_and_the_body_are_checked_too(content_tree: ContentTreeFactory) -> None:
    body = SECTIONS_BODY + "\nTekst met een \x1b[2J wisopdracht.\n"
    case = valid_case_text(body=body, extra_lines=['places: ["Utrecht", "Zeist\\u202Etsiez"]'])
    collection = collection_text('{slug: budgetcoach, note: "let op \\x07"}')
    root = content_tree(cases={"budgetcoach.md": case}, collections={"roadshow.md": collection})
    tree = load_content(root, today=TODAY)
    case_path = root / "cases" / "budgetcoach.md"
    problems = [p for p in tree.problems if p.code == "control-character"]
    assert len(problems) == 3, formatted(tree)
    expect_problem(tree, root / "collections" / "roadshow.md", 4, "control-character", "U+0007")
    printed = [p.format() for p in problems if p.path == str(case_path)]
    body_line = case.split("\n").index("Tekst met een \x1b[2J wisopdracht.") + 1
    assert f"{case_path}:7: 'places[2]' bevat het onzichtbare teken U+202E" in printed[0]
    assert printed[1].startswith(f"{case_path}:{body_line}: de tekst bevat"), printed


def test_tab_newline_and_ordinary_unicode_stay_allowed(content_tree: ContentTreeFactory) -> None:
    case = case_with(title="café\\tnaïef — “Fryslân” ✓ 🙂", summary="één\\nregel")
    root = content_tree(cases={"budgetcoach.md": case})
    tree = load_content(root, today=TODAY)
    assert [p for p in tree.problems if p.severity == "error"] == []


def test_a_control_character_in_a_taxonomy_label_is_an_error(
    content_tree: ContentTreeFactory,
) -> None:
    root = content_tree()
    taxonomy = root / "taxonomy.yml"
    text = taxonomy.read_text("utf-8")
    text = text.replace('\n  utrecht: "Utrecht"', '\n  utrecht: "Utrecht\\x1b[31m"', 1)
    assert "\\x1b" in text
    taxonomy.write_text(text, "utf-8")
    tree = load_content(root, today=TODAY)
    line = next(i for i, ln in enumerate(text.split("\n"), 1) if "\\x1b" in ln)
    assert any(
        p.code == "control-character" and p.line == line and "U+001B" in p.message
        for p in tree.problems
    ), formatted(tree)


def test_the_build_refuses_them_and_names_the_line(
    content_tree: ContentTreeFactory, tmp_path: Path
) -> None:
    root = content_tree(cases={"budgetcoach.md": case_with(title="\\x1b[2J")})
    with pytest.raises(ContentError) as refused:
        build_index(root, tmp_path / "index")
    printed = [p.format() for p in refused.value.problems]
    assert any(line.startswith(f"{root / 'cases' / 'budgetcoach.md'}:2: ") for line in printed)
