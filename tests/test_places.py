"""Places in a query (issue 18, item 3): the gazetteer as data and the place names found in
queries. Their ranking on the real content is tested in test_real_content.py."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO_ROOT, TAXONOMY_PATH

from kennisbank.content.taxonomy import load_taxonomy
from kennisbank.search.places import gazetteer, named_places
from kennisbank.search.suggest import named_filters

DATA = REPO_ROOT / "kennisbank" / "search" / "data"
# CBS, municipal division of 1 January 2025 (data/README.md)
PER_PROVINCE = {
    "groningen": 10,
    "fryslan": 18,
    "drenthe": 12,
    "overijssel": 25,
    "flevoland": 6,
    "gelderland": 51,
    "utrecht": 26,
    "noord-holland": 44,
    "zuid-holland": 50,
    "zeeland": 13,
    "noord-brabant": 56,
    "limburg": 31,
}
PROVINCES = frozenset({"groningen", "utrecht", "friesland", "fryslan", "drenthe"})


def test_the_gazetteer_has_every_municipality_of_2025_once() -> None:
    with (DATA / "gemeenten.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 342
    assert len({row["code"] for row in rows}) == len({row["gemeente"] for row in rows}) == 342
    assert all(row["code"].startswith("GM") and len(row["code"]) == 6 for row in rows)
    assert Counter(row["provincie"] for row in rows) == PER_PROVINCE
    names = {row["gemeente"] for row in rows}
    assert {"Voorne aan Zee", "Dijk en Waard", "Land van Cuijk"} <= names
    assert not {"Weesp", "Brielle", "Hellevoetsluis", "Westvoorne"} & names  # merged


def test_every_province_in_the_gazetteer_is_a_region_of_the_taxonomy() -> None:
    regions = set(load_taxonomy(TAXONOMY_PATH).ids("regions"))
    assert {place.province for _, place in gazetteer()} <= regions


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("Zwolle", [("Zwolle", "overijssel")]),
        ("schuldhulp in zwolle", [("Zwolle", "overijssel")]),
        ("Den Haag", [("Den Haag", "zuid-holland")]),
        ("jongeren in Hof van Twente", [("Hof van Twente", "overijssel")]),
        ("Weesp", [("Weesp", "noord-holland")]),  # merged into Amsterdam: still a place
        ("Bergen op Zoom", [("Bergen op Zoom", "noord-brabant")]),
        ("Best", [("Best", "noord-brabant")]),
        ("de best werkende aanpak", []),  # an everyday word, not written as a name
        ("buren helpen elkaar", []),
        ("Groningen", []),  # a province's own name: the taxonomy names it
        ("", []),
    ],
)
def test_named_places(query: str, found: list[tuple[str, str]]) -> None:
    places = named_places(query, PROVINCES)
    assert [(place.name, place.province) for place in places] == found


def test_a_place_names_its_province_as_a_filter() -> None:
    taxonomy = load_taxonomy(TAXONOMY_PATH)
    assert named_filters(taxonomy, "Zwolle") == {"region": ["overijssel"]}
    assert named_filters(taxonomy, "Drenthe of Zwolle") == {"region": ["drenthe", "overijssel"]}


def test_the_data_files_are_in_the_package(tmp_path: Path) -> None:
    from importlib import resources

    folder = resources.files("kennisbank.search").joinpath("data")
    assert folder.joinpath("gemeenten.csv").is_file()
    assert folder.joinpath("plaatsen.csv").is_file()
    assert "CBS" in folder.joinpath("README.md").read_text(encoding="utf-8")
