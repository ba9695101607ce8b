"""Dutch place names in a query, and the province each lies in (a gazetteer kept as data).

``data/gemeenten.csv`` lists every municipality (stand 1 januari 2025, 342 gemeenten) with
its CBS code and its province as a region id of the taxonomy; ``data/plaatsen.csv`` adds
well-known places that are not municipalities (Den Haag, Sneek, Twente, a merged former
municipality such as Weesp) with the municipality or province they belong to. Source and
date: ``data/README.md``. Both are read from the package, never fetched.

Matching is on whole folded words, longest name first ("Hof van Twente" before "Twente").
A handful of municipality names are everyday words ("Best", "Buren", "Putten"): those
count only when the query writes them with a capital.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from kennisbank.text.folding import fold_ascii

# Municipality names that are common Dutch words: a place only when capitalised.
EVERYDAY_WORDS = frozenset(
    {"best", "buren", "duiven", "putten", "beek", "bergen", "sluis", "horst", "goes", "laren"}
    | {"stein", "weert", "hoorn", "huizen", "houten", "ommen"}
)
SUFFIX_RE = re.compile(r"\s*\([^)]*\)\s*$")  # "Bergen (NH.)" -> "Bergen"


@dataclass(frozen=True)
class Place:
    """A place a query names: as written in the gazetteer, and its province's region id."""

    name: str
    municipality: str
    province: str


def words(text: str) -> str:
    """Folded lowercase words joined by single spaces, padded for whole-word tests."""
    return " " + " ".join(re.findall(r"[a-z0-9]+", fold_ascii(text).lower())) + " "


def _rows(name: str) -> list[dict[str, str]]:
    source = resources.files("kennisbank.search").joinpath("data", name)
    return list(csv.DictReader(io.StringIO(source.read_text(encoding="utf-8"))))


@lru_cache(maxsize=1)
def gazetteer() -> tuple[tuple[str, Place], ...]:
    """(padded folded name, place) for every municipality and well-known place, longest
    name first."""
    entries: list[tuple[str, Place]] = []
    for row in _rows("gemeenten.csv"):
        plain = SUFFIX_RE.sub("", row["gemeente"])
        entries.append((words(plain), Place(plain, row["gemeente"], row["provincie"])))
    for row in _rows("plaatsen.csv"):
        place = Place(row["plaats"], row["gemeente"] or row["plaats"], row["provincie"])
        entries.append((words(row["plaats"]), place))
    entries.sort(key=lambda entry: -len(entry[0]))
    return tuple(entries)


def named_places(query: str, provinces: frozenset[str] = frozenset()) -> list[Place]:
    """Places the query names, in gazetteer order of length; a name that is also the label
    of a province (``provinces``: folded labels, "groningen", "utrecht") is left to the
    taxonomy, which names the province itself."""
    wanted = words(query)
    found: list[Place] = []
    if not wanted.strip():
        return found
    for name, place in gazetteer():
        if name not in wanted or name.strip() in provinces:
            continue
        if name.strip() in EVERYDAY_WORDS and not _capitalised(query, place.name):
            continue
        found.append(place)
        wanted = wanted.replace(name, " ")
    return found


def _capitalised(query: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", query) is not None


def without_places(query: str, places: list[Place]) -> str:
    """The query's words with the named places left out (what the query is about)."""
    text = words(query)
    for place in places:
        text = text.replace(words(place.name), " ")
    return " ".join(text.split())
