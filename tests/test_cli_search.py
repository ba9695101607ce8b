"""``kennisbank build``, ``search`` and ``eval`` through Typer's test runner.

Each ``search`` and ``eval`` call opens the index like a user would, loading its own
embedder; searches run against the session's bundled index.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import TESTS_DIR, ContentTreeFactory, sections_body, valid_case_text
from typer.testing import CliRunner

from kennisbank.cli import app
from kennisbank.indexing.layout import MANIFEST_FILE
from kennisbank.search.searcher import Searcher, SearchParams

runner = CliRunner()
QUERIES_FILE = TESTS_DIR / "data" / "queries.jsonl"
RESULT_KEYS = {"slug", "title", "score", "principles", "regions", "partners"}


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No environment defaults, and a working folder without ``content/`` or ``index/``."""
    monkeypatch.delenv("KENNISBANK_CONTENT", raising=False)
    monkeypatch.delenv("KENNISBANK_INDEX", raising=False)
    monkeypatch.chdir(tmp_path)


def two_cases(content_tree: ContentTreeFactory) -> Path:
    return content_tree(
        cases={
            "budgetcoach.md": valid_case_text(),
            "taalcafe.md": valid_case_text(
                title="Taalcafé voor statushouders in de bibliotheek",
                summary="Nieuwe inwoners oefenen Nederlands met vrijwilligers in een taalcafé.",
                principles=["meedoen"],
                regions=["gelderland"],
                partners=["welzijn", "onderwijs"],
                body=sections_body(
                    "Statushouders spraken buiten de les nauwelijks Nederlands.",
                    "Elke dinsdagmiddag is er een taalcafé in de bibliotheek.",
                    "Deelnemers durven vaker te praten.",
                    "Koffie en een vaste tafel maken meer verschil dan lesmateriaal.",
                ),
            ),
        }
    )


def search_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["search", *args, "--json"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout  # exactly one JSON object, nothing else
    payload: dict[str, Any] = json.loads(lines[0])
    return payload


def test_build_then_build_again(content_tree: ContentTreeFactory, tmp_path: Path) -> None:
    content = two_cases(content_tree)
    index = tmp_path / "index-dir"
    first = runner.invoke(app, ["build", "--content", str(content), "--index", str(index)])
    assert first.exit_code == 0, first.output
    version = json.loads((index / MANIFEST_FILE).read_text())["version"]
    assert f"Index {version}: 2 voorbeelden" in first.stdout
    assert "2 bijgewerkt" in first.stdout
    assert "10 passages ingebed" in first.stdout

    second = runner.invoke(app, ["build", "--content", str(content), "--index", str(index)])
    assert second.exit_code == 0, second.output
    assert "actueel" in second.stdout
    assert version in second.stdout
    assert json.loads((index / MANIFEST_FILE).read_text())["version"] == version


def test_build_refuses_invalid_content(content_tree: ContentTreeFactory, tmp_path: Path) -> None:
    content = content_tree(
        cases={
            "budgetcoach.md": valid_case_text(),
            "fries.md": valid_case_text(regions=["friesland"]),
            "zonder-partners.md": valid_case_text(partners=["gemeente", "dokter"]),
        }
    )
    index = tmp_path / "index-dir"
    result = runner.invoke(app, ["build", "--content", str(content), "--index", str(index)])
    assert result.exit_code == 1
    assert f"{content / 'cases' / 'fries.md'}:5: " in result.stderr
    assert f"{content / 'cases' / 'zonder-partners.md'}:6: " in result.stderr
    assert "fryslan" in result.stderr
    assert "vorige index blijft in gebruik" in result.stderr
    assert "Traceback" not in result.output
    assert not (index / MANIFEST_FILE).exists()


def test_search_json_shape(bundled_index: Path) -> None:
    payload = search_json("hulp bij schulden", "--index", str(bundled_index), "-k", "4")
    assert set(payload) == {"query", "match", "total", "results"}
    assert payload["query"] == "hulp bij schulden"
    assert payload["total"] >= len(payload["results"]) == 4
    for hit in payload["results"]:
        assert set(hit) == RESULT_KEYS
        assert isinstance(hit["score"], float)
        for key in ("principles", "regions", "partners"):
            assert isinstance(hit[key], list)
            assert hit[key]
    scores = [hit["score"] for hit in payload["results"]]
    assert scores == sorted(scores, reverse=True)


def test_search_filters_or_within_a_facet(bundled_index: Path, bundled_searcher: Searcher) -> None:
    payload = search_json(
        "schulden",
        "--index",
        str(bundled_index),
        "-k",
        "100",
        "--region",
        "utrecht",
        "--region",
        "drenthe",
        "--principle",
        "bestaanszekerheid",
        "--principle",
        "betaalbaar-wonen",
    )
    found = {hit["slug"] for hit in payload["results"]}
    assert payload["total"] == len(found)
    assert found
    for hit in payload["results"]:
        assert {"utrecht", "drenthe"} & set(hit["regions"])
        assert {"bestaanszekerheid", "betaalbaar-wonen"} & set(hit["principles"])
    expected: set[str] = set()
    for region in ("utrecht", "drenthe"):
        result = bundled_searcher.search(
            SearchParams(
                query="schulden",
                k=100,
                region=[region],
                principle=["bestaanszekerheid", "betaalbaar-wonen"],
            )
        )
        expected |= {hit.slug for hit in result.results}
    assert found == expected
    assert {"utrecht", "drenthe"} <= {r for hit in payload["results"] for r in hit["regions"]}


def test_search_text_output(bundled_index: Path) -> None:
    result = runner.invoke(app, ["search", "huurachterstand", "--index", str(bundled_index)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "resultaten voor 'huurachterstand'" in lines[0]
    assert lines[1].lstrip().startswith("1. ")
    assert "*" in result.stdout  # marked words in the snippets


def test_search_without_an_index_fails_with_a_message(tmp_path: Path) -> None:
    missing = tmp_path / "geen-index"
    result = runner.invoke(app, ["search", "schulden", "--index", str(missing)])
    assert result.exit_code == 1
    assert "geen index gevonden" in result.stderr
    assert str(missing) in result.stderr
    assert "kennisbank build" in result.stderr
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    default = runner.invoke(app, ["search", "schulden"])  # ./index does not exist here
    assert default.exit_code == 1
    assert "geen index gevonden" in default.stderr


def test_search_rejects_k_out_of_range(bundled_index: Path) -> None:
    for k in ("0", "101"):
        result = runner.invoke(app, ["search", "x", "--index", str(bundled_index), "-k", k])
        assert result.exit_code == 2, result.output


def test_eval_prints_a_table(bundled_index: Path) -> None:
    result = runner.invoke(app, ["eval", str(QUERIES_FILE), "--index", str(bundled_index)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "mode: hybrid"
    assert "nDCG@10" in lines[1]
    assert "recall@10" in lines[1]
    assert "MRR" in lines[1]
    overall = lines[2].split()
    assert overall[0] == "overall"
    uncovered = QUERIES_FILE.read_text().count('"relevant": {}')
    assert int(overall[1]) == len(QUERIES_FILE.read_text().splitlines()) - uncovered
    assert 0.0 <= float(overall[2]) <= 1.0
    assert "set rec" in lines[1] and "set prec" in lines[1]
    assert {line.split()[0] for line in lines[3:]} >= {"keyword", "paraphrase", "uncovered"}
    assert lines[-1].startswith(f"uncovered    {uncovered:>4} weak or none: ")


def test_eval_json_parses(bundled_index: Path) -> None:
    result = runner.invoke(
        app, ["eval", str(QUERIES_FILE), "--index", str(bundled_index), "--json", "-k", "5"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["k"] == 5
    assert report["mode"] == "hybrid"
    assert 0.0 < report["overall"]["ndcg"] <= 1.0
    assert report["overall"]["queries"] == len(report["per_query"])
    assert "paraphrase" in report["by_kind"]


def test_eval_reports_a_bad_queries_file(bundled_index: Path, tmp_path: Path) -> None:
    bad = tmp_path / "vragen.jsonl"
    bad.write_text('{"id": "q1", "query": "x", "relevant": {"a": 2}}\n{"id": \n')
    result = runner.invoke(app, ["eval", str(bad), "--index", str(bundled_index)])
    assert result.exit_code == 1
    assert f"{bad}:2:" in result.stderr
    assert "Traceback" not in result.output


def test_index_from_the_environment(bundled_index: Path) -> None:
    result = runner.invoke(
        app, ["search", "schulden", "--json"], env={"KENNISBANK_INDEX": str(bundled_index)}
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["total"] > 0
    assert payload["results"]


def test_search_json_says_how_strong_the_match_is(bundled_index: Path) -> None:
    """A need no case covers comes back weak (a few closest cases), a covered one strong."""
    weak = search_json("dementie in de wijk", "--index", str(bundled_index))
    assert weak["match"] == "weak"
    assert 0 < weak["total"] == len(weak["results"]) <= 5
    strong = search_json("hulp bij schulden", "--index", str(bundled_index))
    assert strong["match"] == "strong" and strong["total"] > 0
    nothing = search_json("xjdxkxwqn", "--index", str(bundled_index))
    assert (nothing["match"], nothing["total"]) == ("none", 0)


def test_search_text_says_when_no_case_is_about_the_query(bundled_index: Path) -> None:
    result = runner.invoke(app, ["search", "dementie in de wijk", "--index", str(bundled_index)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Geen voorbeeld gaat over 'dementie in de wijk'")
