"""``kennisbank insights``: the editors' report over search logs, the index and the content."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import sections_body, valid_case_text, write_content_tree
from typer.testing import CliRunner

from kennisbank.cli import app
from kennisbank.indexing.builder import build_index
from kennisbank.search.insights import make_insights
from kennisbank.search.ranking import RankingConfig, closeness_cutoff
from kennisbank.search.searcher import Searcher

runner = CliRunner()
SLUGS = ("budgetcoach", "taalcafe", "woningruil")
JSON_KEYS = {
    "searches",
    "distinct_queries",
    "top_queries",
    "zero_results",
    "weak_results",
    "never_shown",
    "stale",
    "gaps",
}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(content, index) of three cases; the budget coach is past its review date."""
    root = tmp_path_factory.mktemp("insights")
    taxonomy = (Path(__file__).parents[1] / "content" / "taxonomy.yml").read_text("utf-8")
    content = write_content_tree(
        root / "content",
        taxonomy,
        cases={
            "budgetcoach.md": valid_case_text(review_by=dt.date(2020, 1, 1)),
            "taalcafe.md": valid_case_text(
                title="Taalcafé voor statushouders in de bibliotheek",
                summary="Nieuwe inwoners oefenen Nederlands met vrijwilligers in een taalcafé.",
                principles=["meedoen"],
                regions=["gelderland"],
                partners=["welzijn", "onderwijs"],
                review_by=dt.date(2099, 1, 1),
                body=sections_body(
                    "Statushouders spraken buiten de les nauwelijks Nederlands.",
                    "Elke dinsdagmiddag is er een taalcafé in de bibliotheek.",
                    "Deelnemers durven vaker te praten.",
                    "Koffie en een vaste tafel maken meer verschil dan lesmateriaal.",
                ),
            ),
            "woningruil.md": valid_case_text(
                title="Woningruil voor ouderen in een te grote huurwoning",
                summary="De corporatie helpt ouderen verhuizen naar een kleinere woning.",
                principles=["betaalbaar-wonen"],
                regions=["limburg"],
                partners=["woningcorporatie"],
            ),
        },
    )
    index = root / "index"
    build_index(content, index)
    return content, index


@pytest.fixture(scope="module")
def searcher(tree: tuple[Path, Path], use_embedder: Any) -> Searcher:
    return Searcher(tree[1], embedder=use_embedder)


def line(q: str, total: int, score: float | None, **extra: Any) -> str:
    entry: dict[str, Any] = {
        "ts": "2026-11-20T10:00:00Z",
        "q": q,
        "filters": {},
        "total": total,
        "top_score": score,
        "top": [],
        "page": 1,
        "source": "html",
    }
    entry.update(extra)
    return json.dumps(entry, ensure_ascii=False)


def fixture_log(path: Path, cutoff: float) -> Path:
    """A log whose expected report is known line by line (see the test below)."""
    strong, weak = round(cutoff + 0.2, 4), round(cutoff - 0.05, 4)
    lines = [
        line("Schulden aflossen", 2, strong),
        line("schulden  aflossen", 2, strong, source="api"),
        line("SCHULDEN AFLOSSEN", 2, strong),
        line("xyzzy plof", 0, 0.05),
        line("xyzzy plof", 0, 0.04),
        line("vrijwilligers", 1, weak),
        line("vrijwilligers", 1, weak, page=2),  # paging on: not a new search
        line("taal", 1, None),  # no semantic side: never weak
        line("", 0, None, filters={"principle": ["meedoen"], "region": ["utrecht"]}),
        line("taal", 0, 0.1, filters={"principle": ["meedoen"], "region": ["utrecht"]}),
        line("", 1, None, filters={"principle": ["bestaanszekerheid"], "region": ["utrecht"]}),
        line("oud", 0, 0.01, ts="2025-01-01T00:00:00Z"),
        "not json",
        '{"ts": "gisteren"}',
        "[]",
        line("met ip", 1, 0.5, ip="198.51.100.1"),  # an unknown key: not an entry
        line("half", 1, 0.5)[:30],  # a line cut short by a full disk
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_fixture_log_gives_the_expected_report(
    tree: tuple[Path, Path], searcher: Searcher, tmp_path: Path
) -> None:
    cutoff = closeness_cutoff(searcher.ranking)
    log = fixture_log(tmp_path / "zoek.log", cutoff)
    report = make_insights([log], searcher, tree[0], since=dt.date(2026, 1, 1))
    assert report.bad_lines == 5
    assert report.searches == 10  # page-1 lines since 2026
    assert report.distinct_queries == 4  # schulden aflossen, xyzzy plof, vrijwilligers, taal
    assert [(q.query, q.count) for q in report.top_queries] == [
        ("schulden aflossen", 3),
        ("taal", 2),
        ("xyzzy plof", 2),
        ("vrijwilligers", 1),
    ]
    assert [(q.query, q.count) for q in report.zero_results] == [("xyzzy plof", 2), ("taal", 1)]
    assert [(q.query, q.count, q.top_score) for q in report.weak_results] == [
        ("vrijwilligers", 1, round(cutoff - 0.05, 4))
    ]
    assert [c.slug for c in report.stale] == ["budgetcoach"]
    assert report.stale[0].review_by == "2020-01-01"
    assert [(g.principle, g.region, g.count) for g in report.gaps] == [("meedoen", "utrecht", 2)]
    assert report.weak_below == cutoff


def test_without_since_older_lines_count(searcher: Searcher, tmp_path: Path) -> None:
    log = fixture_log(tmp_path / "zoek.log", closeness_cutoff(searcher.ranking))
    report = make_insights([log], searcher)
    assert report.searches == 11
    assert ("oud", 1) in [(q.query, q.count) for q in report.zero_results]
    assert report.stale == []  # no content folder given
    missing = make_insights([log], searcher, tmp_path / "geen-content")
    assert missing.stale == [] and "geen-content" in missing.unreadable[0]


def test_the_weak_threshold_is_the_index_rankings_cutoff(
    tree: tuple[Path, Path], use_embedder: Any, tmp_path: Path
) -> None:
    """Another embedder's floor (a RankingConfig of its own) moves what counts as weak."""
    default = closeness_cutoff(RankingConfig())
    assert closeness_cutoff(RankingConfig(semantic_floor=0.8)) == 0.8
    log = fixture_log(tmp_path / "zoek.log", default)
    strict = Searcher(tree[1], embedder=use_embedder, ranking=RankingConfig(semantic_floor=0.9))
    report = make_insights([log], strict)
    assert report.weak_below == 0.9
    assert {q.query for q in report.weak_results} == {"schulden aflossen", "vrijwilligers"}


def test_never_shown_runs_the_logged_searches_again(searcher: Searcher, tmp_path: Path) -> None:
    """A filter-only search for Gelderland shows the one case there, and no other."""
    log = tmp_path / "zoek.log"
    log.write_text(line("", 1, None, filters={"region": ["gelderland"]}) + "\n", "utf-8")
    report = make_insights([log], searcher)
    assert [c.slug for c in report.never_shown] == ["budgetcoach", "woningruil"]
    assert report.never_shown[1].title.startswith("Woningruil")
    empty = tmp_path / "leeg.log"
    empty.write_text("", "utf-8")
    assert [c.slug for c in make_insights([empty], searcher).never_shown] == list(SLUGS)


def test_rotated_gzip_logs_are_read(searcher: Searcher, tmp_path: Path) -> None:
    log = fixture_log(tmp_path / "zoek.log", closeness_cutoff(searcher.ranking))
    rotated = tmp_path / "zoek.log.1.gz"
    rotated.write_bytes(gzip.compress(log.read_bytes()))
    both = make_insights([log, rotated], searcher)
    assert both.searches == 2 * make_insights([log], searcher).searches
    broken = tmp_path / "kapot.gz"
    broken.write_bytes(b"geen gzip")
    assert make_insights([broken], searcher).unreadable


def test_cli_json_has_the_documented_keys(
    tree: tuple[Path, Path], searcher: Searcher, tmp_path: Path
) -> None:
    content, index = tree
    log = fixture_log(tmp_path / "zoek.log", closeness_cutoff(searcher.ranking))
    args = ["insights", str(log), "--index", str(index), "--content", str(content)]
    result = runner.invoke(app, [*args, "--json", "--since", "2026-01-01"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= JSON_KEYS
    assert data["zero_results"] == [
        {"query": "xyzzy plof", "count": 2},
        {"query": "taal", "count": 1},
    ]
    assert [w["query"] for w in data["weak_results"]] == ["vrijwilligers"]
    text = runner.invoke(app, args)
    assert text.exit_code == 0, text.output
    assert "Zonder resultaten" in text.stdout and "xyzzy plof" in text.stdout
    assert "5 onleesbare regels" in text.stdout


def test_cli_refuses_bad_arguments_with_a_message(tree: tuple[Path, Path], tmp_path: Path) -> None:
    log = tmp_path / "zoek.log"
    log.write_text("", "utf-8")
    bad_date = runner.invoke(
        app, ["insights", str(log), "--index", str(tree[1]), "--since", "gisteren"]
    )
    assert bad_date.exit_code == 2 and "geen datum" in bad_date.output
    missing = runner.invoke(app, ["insights", str(tmp_path / "weg.log"), "--index", str(tree[1])])
    assert missing.exit_code == 1 and "niet gevonden" in missing.output
    no_index = runner.invoke(app, ["insights", str(log), "--index", str(tmp_path / "geen")])
    assert no_index.exit_code == 1 and "Traceback" not in no_index.output


def test_the_weak_cutoff_follows_the_embedder() -> None:
    """Under e5 gibberish reaches a cosine of 0.78-0.82: its fallback floor is the cutoff."""
    from kennisbank.search.ranking import closeness_cutoff, ranking_for

    assert closeness_cutoff(ranking_for("use-multilingual")) == 0.2
    e5 = ranking_for("multilingual-e5-small")
    assert closeness_cutoff(e5) == e5.fallback_floor > e5.semantic_floor


def test_weak_queries_come_from_the_logged_match(searcher: Searcher, tmp_path: Path) -> None:
    """A line that says ``match`` is read by it, whatever its cosine; older lines by cosine."""
    cutoff = closeness_cutoff(searcher.ranking)
    log = tmp_path / "zoek.log"
    lines = [
        line("mantelzorg", 5, cutoff + 0.3, match="weak"),  # high cosine, still about nothing
        line("schulden", 3, cutoff - 0.05, match="strong"),  # low cosine, but about it
        line("xyzzy", 0, cutoff - 0.1, match="none"),
        line("oud en zwak", 2, cutoff - 0.05),  # written before the field: by cosine
    ]
    log.write_text("\n".join(lines) + "\n", "utf-8")
    report = make_insights([log], searcher)
    assert [q.query for q in report.weak_results] == ["mantelzorg", "oud en zwak"]
    assert [q.query for q in report.zero_results] == ["xyzzy"]


def test_a_logged_line_with_an_unknown_match_is_a_bad_line(
    searcher: Searcher, tmp_path: Path
) -> None:
    log = tmp_path / "zoek.log"
    log.write_text(line("x", 1, 0.5, match="sterk") + "\n", "utf-8")
    assert make_insights([log], searcher).bad_lines == 1
