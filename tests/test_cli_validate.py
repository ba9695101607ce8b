"""``kennisbank validate`` and ``kennisbank new`` through Typer's test runner."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ContentTreeFactory, collection_text, valid_case_text
from typer.testing import CliRunner

from kennisbank.cli import app
from kennisbank.content.scaffold import TEMPLATE_PROMPTS

runner = CliRunner()

SUMMARY_RE = re.compile(r"^\d+ cases?, \d+ collections?, \d+ errors?(, \d+ warnings?)?$")


@pytest.fixture(autouse=True)
def _no_content_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests set KENNISBANK_CONTENT themselves when they mean to."""
    monkeypatch.delenv("KENNISBANK_CONTENT", raising=False)


def bad_tree(content_tree: ContentTreeFactory) -> Path:
    return content_tree(
        cases={
            "budgetcoach.md": valid_case_text(),
            "fries.md": valid_case_text(regions=["friesland"]),
            "jaartal.md": valid_case_text(year="twintig"),
        },
        collections={"roadshow.md": collection_text("budgetcoach", "budgetcoah")},
    )


def test_validate_valid_content_exits_0_with_summary(content_tree: ContentTreeFactory) -> None:
    root = content_tree(
        cases={"budgetcoach.md": valid_case_text(), "spreekuur.md": valid_case_text()},
        collections={"roadshow.md": collection_text("budgetcoach", "spreekuur")},
    )
    result = runner.invoke(app, ["validate", "--content", str(root)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["2 cases, 1 collection, 0 errors"]


def test_validate_invalid_content_exits_1_with_located_lines(
    content_tree: ContentTreeFactory,
) -> None:
    root = bad_tree(content_tree)
    result = runner.invoke(app, ["validate", "--content", str(root)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1] == "3 cases, 1 collection, 3 errors"
    assert SUMMARY_RE.match(lines[-1])
    problems = lines[:-1]
    assert len(problems) == 3
    assert problems[0].startswith(f"{root / 'cases' / 'fries.md'}:5: ")
    assert "bedoelde je 'fryslan'" in problems[0]
    assert problems[1].startswith(f"{root / 'cases' / 'jaartal.md'}:7: ")
    assert "'year' moet een geheel getal zijn" in problems[1]
    assert problems[2].startswith(f"{root / 'collections' / 'roadshow.md'}:5: ")
    assert "'budgetcoah'" in problems[2]
    for line in problems:
        assert re.match(r"^[^:]+:\d+: \S", line), line


def test_validate_json_format(content_tree: ContentTreeFactory) -> None:
    root = bad_tree(content_tree)
    result = runner.invoke(app, ["validate", "--content", str(root), "--format", "json"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert isinstance(problems, list)
    assert len(problems) == 3
    for problem in problems:
        assert set(problem) == {"path", "line", "code", "message", "severity"}
    assert problems[0] == {
        "path": str(root / "cases" / "fries.md"),
        "line": 5,
        "code": "unknown-id",
        "message": problems[0]["message"],
        "severity": "error",
    }
    assert "fryslan" in problems[0]["message"]
    assert [(p["line"], p["code"]) for p in problems] == [
        (5, "unknown-id"),
        (7, "int-type"),
        (5, "unknown-case"),
    ]


def test_validate_json_format_on_valid_content_is_an_empty_list(
    content_tree: ContentTreeFactory,
) -> None:
    root = content_tree()
    result = runner.invoke(app, ["validate", "--content", str(root), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_validate_json_reports_warnings_with_their_severity(
    content_tree: ContentTreeFactory,
) -> None:
    root = content_tree(cases={"budgetcoach.md": valid_case_text(body="Geen kopjes.\n")})
    result = runner.invoke(app, ["validate", "--content", str(root), "--format", "json"])
    assert result.exit_code == 0
    [warning] = json.loads(result.stdout)
    assert (warning["line"], warning["code"], warning["severity"]) == (
        9,
        "missing-sections",
        "warning",
    )


def test_validate_reads_kennisbank_content_env(content_tree: ContentTreeFactory) -> None:
    good = content_tree()
    bad = bad_tree(content_tree)
    result = runner.invoke(app, ["validate"], env={"KENNISBANK_CONTENT": str(good)})
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["1 case, 0 collections, 0 errors"]
    result = runner.invoke(app, ["validate"], env={"KENNISBANK_CONTENT": str(bad)})
    assert result.exit_code == 1
    assert str(bad / "cases" / "fries.md") in result.output
    # The option wins over the environment.
    result = runner.invoke(
        app, ["validate", "--content", str(good)], env={"KENNISBANK_CONTENT": str(bad)}
    )
    assert result.exit_code == 0, result.output


def test_validate_defaults_to_content_in_the_working_dir(
    content_tree: ContentTreeFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = content_tree()
    assert root == tmp_path / "content"
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["1 case, 0 collections, 0 errors"]


def test_validate_missing_content_dir_fails(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "--content", str(tmp_path / "nergens")])
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(f"{tmp_path / 'nergens'}: ")


# --- kennisbank new -----------------------------------------------------------------------


def fill_in(text: str) -> str:
    """What an editor does with the template: fill in the four empty required fields and
    name a source."""
    replacements = {
        'summary: ""': 'summary: "Ouders met geldzorgen krijgen op het consultatiebureau '
        'direct een budgetcoach."',
        "principles: []": "principles: [bestaanszekerheid]",
        "regions: []": "regions: [utrecht]",
        "partners: []": "partners: [gemeente, zorg]",
        "links: []": 'links: [{title: "Verslag", url: "https://example.nl/verslag"}]',
    }
    for old, new in replacements.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    for number, prompt in enumerate(sorted(TEMPLATE_PROMPTS)):  # and the body's questions
        text = text.replace(prompt, f"Eigen tekst van de redactie, alinea {number}.")
    return text


def test_new_scaffolds_a_case_that_validates_once_filled_in(
    content_tree: ContentTreeFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content_tree(cases={})
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["new", "Een titel"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "content" / "cases" / "een-titel.md"
    assert path.is_file()
    assert "een-titel.md" in result.output
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    assert 'title: "Een titel"' in text

    # As scaffolded, the required fields are empty: validate fails and says where.
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    shown = Path("content") / "cases" / "een-titel.md"
    lines = text.split("\n")
    for field in ("summary", "principles", "regions", "partners"):
        line = next(i for i, t in enumerate(lines, start=1) if t.startswith(f"{field}:"))
        assert f"{shown}:{line}: " in result.output, (field, result.output)
    # warnings: the template's four questions and its missing sources
    assert result.output.splitlines()[-1] == "1 case, 0 collections, 4 errors, 5 warnings"
    assert f"{shown}:" in result.output and "geen bronnen onder 'links'" in result.output
    # the template's questions in the body are flagged at their own lines
    for prompt in TEMPLATE_PROMPTS:
        line = lines.index(prompt) + 1
        assert f"{shown}:{line}: waarschuwing: de vraag uit het sjabloon" in result.output

    path.write_text(fill_in(text), encoding="utf-8")
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["1 case, 0 collections, 0 errors"]


def test_new_with_content_option_and_env(content_tree: ContentTreeFactory) -> None:
    first = content_tree(cases={})
    second = content_tree(cases={})
    result = runner.invoke(app, ["new", "Fryslân: samen aan tafel", "--content", str(first)])
    assert result.exit_code == 0, result.output
    assert (first / "cases" / "fryslan-samen-aan-tafel.md").is_file()
    # the suggested check names the same folder, so it checks the new file
    assert f"kennisbank validate --content {first}" in result.output
    result = runner.invoke(
        app, ["new", "Nog een voorbeeld"], env={"KENNISBANK_CONTENT": str(second)}
    )
    assert result.exit_code == 0, result.output
    assert (second / "cases" / "nog-een-voorbeeld.md").is_file()
    assert not (first / "cases" / "nog-een-voorbeeld.md").exists()


def test_new_refuses_to_overwrite(content_tree: ContentTreeFactory) -> None:
    root = content_tree(cases={})
    result = runner.invoke(app, ["new", "Een titel", "--content", str(root)])
    assert result.exit_code == 0, result.output
    path = root / "cases" / "een-titel.md"
    edited = fill_in(path.read_text(encoding="utf-8"))
    path.write_text(edited, encoding="utf-8")

    result = runner.invoke(app, ["new", "Een titel", "--content", str(root)])
    assert result.exit_code == 1
    assert "bestaat al" in result.output
    assert path.read_text(encoding="utf-8") == edited
    assert sorted(p.name for p in (root / "cases").iterdir()) == ["een-titel.md"]


def test_new_with_a_title_without_letters_fails(content_tree: ContentTreeFactory) -> None:
    root = content_tree(cases={})
    result = runner.invoke(app, ["new", "?!", "--content", str(root)])
    assert result.exit_code == 1
    assert list((root / "cases").iterdir()) == []
