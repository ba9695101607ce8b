"""Taxonomy labels and synonyms are words of the cases they tag (issue 14, item 3), and a
query that names a filter is recognised, all through the real build and searcher."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import TAXONOMY_PATH, ContentTreeFactory, valid_case_text

from kennisbank.content.frontmatter import ParseFailure
from kennisbank.content.taxonomy import load_taxonomy
from kennisbank.indexing.builder import build_index
from kennisbank.search.searcher import Searcher, SearchParams
from kennisbank.search.suggest import named_filters


def test_a_region_label_and_its_synonym_find_a_case_whose_text_never_names_it(
    content_tree: ContentTreeFactory, tmp_path: Path, use_embedder: Any
) -> None:
    text = valid_case_text(regions=["fryslan"], partners=["woningcorporatie"])
    assert "Fryslân" not in text and "Friesland" not in text
    content = content_tree(cases={"budgetcoach.md": text})
    build_index(content, tmp_path / "index")
    searcher = Searcher(tmp_path / "index", embedder=use_embedder)
    for query in ("Fryslân", "fryslan", "Friesland", "woningcorporatie"):
        result = searcher.search(SearchParams(query=query))
        assert [hit.slug for hit in result.results] == ["budgetcoach"], query
        assert not result.by_meaning


def test_named_filters_match_whole_words_of_labels_and_synonyms() -> None:
    taxonomy = load_taxonomy(TAXONOMY_PATH)
    assert named_filters(taxonomy, "schulden in Friesland") == {"region": ["fryslan"]}
    assert named_filters(taxonomy, "noord-holland en Utrecht") == {
        "region": ["utrecht", "noord-holland"]  # taxonomy order
    }
    assert named_filters(taxonomy, "betaalbaar wonen, ggz") == {
        "principle": ["betaalbaar-wonen"],
        "partner": ["ggz"],
    }
    assert named_filters(taxonomy, "utrechtse aanpak") == {}  # whole words only
    assert named_filters(taxonomy, "") == {}


@pytest.mark.parametrize("synonyms", ["Friesland", "[1, 2]", "{a: b}"])
def test_synonyms_must_be_a_list_of_words(tmp_path: Path, synonyms: str) -> None:
    text = TAXONOMY_PATH.read_text(encoding="utf-8")
    start = text.index("  fryslan:")
    end = text.index("  drenthe:")
    bad = f'  fryslan:\n    label: "Fryslân"\n    synonyms: {synonyms}\n'
    path = tmp_path / "taxonomy.yml"
    path.write_text(text[:start] + bad + text[end:], encoding="utf-8")
    with pytest.raises(ParseFailure) as caught:
        load_taxonomy(path)
    assert any("synonyms" in p.message for p in caught.value.problems)
