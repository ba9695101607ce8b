"""``build --full``: every case re-stored from its file, embeddings from the cache."""

from __future__ import annotations

from pathlib import Path

from conftest import ContentTreeFactory, valid_case_text
from typer.testing import CliRunner

from kennisbank.cli import app
from kennisbank.indexing.builder import build_index
from kennisbank.indexing.manifest import read_manifest
from kennisbank.search.searcher import Searcher, SearchParams


def test_full_rebuild_restores_every_case_and_embeds_nothing_new(
    content_tree: ContentTreeFactory, tmp_path: Path
) -> None:
    content = content_tree(cases={"een.md": valid_case_text(), "twee.md": valid_case_text()})
    index = tmp_path / "index"
    first = build_index(content, index)
    again = build_index(content, index)
    assert again.up_to_date
    full = build_index(content, index, full=True)
    assert full.full and not full.up_to_date
    assert sorted(full.changed) == ["een", "twee"]
    assert full.embedded == 0 and full.reused == first.passages
    assert read_manifest(index).version == full.version != first.version
    assert Searcher(index).search(SearchParams(query="")).total == 2


def test_cli_full_flag(content_tree: ContentTreeFactory, tmp_path: Path) -> None:
    content = content_tree(cases={"een.md": valid_case_text()})
    index = tmp_path / "index"
    runner = CliRunner()
    args = ["build", "--content", str(content), "--index", str(index)]
    assert runner.invoke(app, args).exit_code == 0
    result = runner.invoke(app, [*args, "--full"])
    assert result.exit_code == 0, result.output
    assert "1 bijgewerkt" in result.output
