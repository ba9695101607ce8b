"""Index builds: manifest, incremental updates, atomic swaps, crashes, locks and refusals.

Everything here is real: the USE model embeds, SQLite and FAISS files are written to a
temporary folder, and a crashed build is a real process killed with SIGKILL. A small
four-case tree is built once per module; each test works on its own copy of that tree and
its index (the embedding cache included), so only what a test changes is embedded again.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from conftest import FIXTURE_CONTENT, REPO_ROOT, TAXONOMY_PATH, sections_body, valid_case_text

from kennisbank.content.problems import ContentError
from kennisbank.indexing.builder import KEEP_VERSIONS, BuildReport, build_index
from kennisbank.indexing.layout import (
    CACHE_DIR,
    DB_FILE,
    MANIFEST_FILE,
    PASSAGES_FILE,
    VERSIONS_DIR,
)
from kennisbank.indexing.lock import BuildLocked, build_lock
from kennisbank.indexing.manifest import FORMAT_VERSION, IndexUnavailable
from kennisbank.indexing.vectors import VectorIndex
from kennisbank.search.ranking import THESAURUS_OFF, ranking_for
from kennisbank.search.searcher import Searcher, SearchParams
from kennisbank.text.analysis import ANALYZER_VERSION

PASSAGES_PER_CASE = 5  # title + summary, and one passage per section

BASE_CASES: dict[str, dict[str, Any]] = {
    "budgetcoach": {
        "title": "Budgetcoach op het consultatiebureau",
        "summary": "Jeugdverpleegkundigen vragen ouders of ze rondkomen en verwijzen warm door.",
        "body": sections_body(
            "Ouders met geldzorgen kwamen pas laat in beeld bij de gemeente.",
            "Een budgetcoach houdt elke week spreekuur op het consultatiebureau.",
            "Meer gezinnen vinden op tijd hulp bij rekeningen en toeslagen.",
            "Stel de vraag naar geld gewoon, en stel hem elke keer opnieuw.",
        ),
    },
    "wijkagent": {
        "title": "Jongerenwerker en wijkagent lopen samen door de wijk",
        "summary": "Op vrijdagavond gaan jongerenwerk en politie samen op pad tegen overlast.",
        "regions": ["drenthe"],
        "principles": ["veilig-opgroeien"],
        "partners": ["politie", "welzijn"],
        "body": sections_body(
            "Er was overlast bij het winkelcentrum en jongeren voelden zich weggejaagd.",
            "Twee keer per week lopen de jongerenwerker en de wijkagent samen een ronde.",
            "De meldingen van overlast daalden en jongeren kennen nu de wijkagent.",
            "Vertrouwen groeit langzaam; de kwartelkoning van het team is geduld.",
        ),
    },
    "energiecoach": {
        "title": "Energiecoaches bij huurders met hoge rekeningen",
        "summary": "Vrijwillige energiecoaches helpen huurders hun energierekening te verlagen.",
        "principles": ["betaalbaar-wonen"],
        "partners": ["woningcorporatie", "bewoners"],
        "body": sections_body(
            "Huurders in oude portiekflats hadden een te hoge energierekening.",
            "Getrainde buurtbewoners komen langs met tochtstrips en radiatorfolie.",
            "Huishoudens besparen gemiddeld honderdtwintig euro per jaar.",
            "Kleine maatregelen helpen direct; isolatie blijft de taak van de corporatie.",
        ),
    },
    "taalcafe": {
        "title": "Taalcafé voor statushouders in de bibliotheek",
        "summary": "Nieuwe inwoners oefenen Nederlands met vrijwilligers in een taalcafé.",
        "principles": ["meedoen"],
        "regions": ["gelderland"],
        "partners": ["welzijn", "onderwijs"],
        "body": sections_body(
            "Statushouders spraken buiten de les nauwelijks Nederlands.",
            "Elke dinsdagmiddag is er een taalcafé in de bibliotheek met vrijwilligers.",
            "Deelnemers durven vaker te praten en vinden sneller vrijwilligerswerk.",
            "Koffie en een vaste tafel maken meer verschil dan lesmateriaal.",
        ),
    },
}


def case_file(slug: str) -> str:
    return valid_case_text(**BASE_CASES[slug])


class Built(NamedTuple):
    content: Path
    index: Path
    version: str


def write_tree(root: Path, cases: dict[str, str]) -> Path:
    (root / "cases").mkdir(parents=True)
    (root / "collections").mkdir()
    shutil.copyfile(TAXONOMY_PATH, root / "taxonomy.yml")
    for slug, text in cases.items():
        (root / "cases" / f"{slug}.md").write_text(text, encoding="utf-8")
    return root


def read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def version_dirs(index: Path) -> list[str]:
    return sorted(p.name for p in (index / VERSIONS_DIR).iterdir() if p.is_dir())


def lexical(searcher: Searcher, query: str) -> list[str]:
    result = searcher.search(SearchParams(query=query, k=100, mode="lexical"))
    return [hit.slug for hit in result.results]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("base")
    content = write_tree(root / "content", {slug: case_file(slug) for slug in BASE_CASES})
    report = build_index(content, root / "index")
    assert report.full
    assert report.embedded == len(BASE_CASES) * PASSAGES_PER_CASE
    return Built(content, root / "index", report.version)


@pytest.fixture
def built(base: Built, tmp_path: Path) -> Built:
    """A private copy of the base tree and its index (with the embedding cache)."""
    content = shutil.copytree(base.content, tmp_path / "content")
    index = shutil.copytree(base.index, tmp_path / "index")
    return Built(content, index, base.version)


@pytest.fixture
def open_index(use_embedder: Any) -> Any:
    # The thesaurus off: these tests ask which words the index holds ("radiatorfolie" is
    # gone), and its synonyms would find the case through other words.
    plain = ranking_for(use_embedder.name, **THESAURUS_OFF)

    def make(index: Path) -> Searcher:
        return Searcher(index, embedder=use_embedder, ranking=plain)

    return make


# --- the manifest ----------------------------------------------------------------------------


def test_manifest_of_the_bundled_index(bundled_index: Path) -> None:
    manifest = read_json(bundled_index / MANIFEST_FILE)
    assert manifest["format_version"] == FORMAT_VERSION == 4
    assert manifest["embedder"] == "use-multilingual"
    assert manifest["dim"] == 512
    assert manifest["analyzer"] == ANALYZER_VERSION
    assert len(manifest["content_fingerprint"]) == 64
    int(manifest["content_fingerprint"], 16)
    assert manifest["cases"] == len(list((FIXTURE_CONTENT / "cases").glob("*.md"))) == 20
    assert manifest["collections"] == len(list((FIXTURE_CONTENT / "collections").glob("*.md")))
    assert manifest["vector_index"] == "flat"
    folder = bundled_index / VERSIONS_DIR / manifest["version"]
    assert read_json(folder / MANIFEST_FILE) == manifest
    # The counts are those of the files actually written.
    conn = sqlite3.connect(folder / DB_FILE)
    try:
        assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == manifest["cases"]
        passages = conn.execute("SELECT count(*) FROM passages").fetchone()[0]
    finally:
        conn.close()
    assert passages == manifest["passages"] > manifest["cases"]
    vectors = VectorIndex.load(folder / PASSAGES_FILE)
    assert vectors.size == passages
    assert vectors.dim == 512


def test_build_report_of_a_first_build(base: Built) -> None:
    manifest = read_json(base.index / MANIFEST_FILE)
    assert manifest["version"] == base.version
    assert manifest["cases"] == len(BASE_CASES)
    assert manifest["passages"] == len(BASE_CASES) * PASSAGES_PER_CASE
    assert manifest["collections"] == 0
    assert version_dirs(base.index) == [base.version]


# --- unchanged content -----------------------------------------------------------------------


def test_unchanged_content_is_up_to_date_and_embeds_nothing(built: Built) -> None:
    report = build_index(built.content, built.index)
    assert report.up_to_date
    assert report.version == built.version
    assert report.embedded == 0
    assert report.changed == []
    assert report.removed == []
    assert report.cases == len(BASE_CASES)
    assert version_dirs(built.index) == [built.version]


def test_touching_a_file_without_changing_it_is_still_up_to_date(built: Built) -> None:
    path = built.content / "cases" / "taalcafe.md"
    later = time.time_ns() + 5_000_000_000
    os.utime(path, ns=(later, later))
    report = build_index(built.content, built.index)
    assert report.up_to_date
    assert report.version == built.version


# --- incremental builds ----------------------------------------------------------------------


def test_editing_one_section_embeds_only_that_passage(built: Built, open_index: Any) -> None:
    old = open_index(built.index)
    assert lexical(old, "xylofoon") == []
    assert lexical(old, "radiatorfolie") == ["energiecoach"]

    fields = dict(BASE_CASES["energiecoach"])
    fields["body"] = fields["body"].replace(
        "Getrainde buurtbewoners komen langs met tochtstrips en radiatorfolie.",
        "Getrainde buurtbewoners komen langs met een xylofoon en tochtstrips.",
    )
    (built.content / "cases" / "energiecoach.md").write_text(
        valid_case_text(**fields), encoding="utf-8"
    )
    report = build_index(built.content, built.index)

    assert not report.up_to_date
    assert not report.full
    assert report.changed == ["energiecoach"]
    assert report.removed == []
    assert report.embedded == 1  # only the "Aanpak" passage has new text
    assert report.reused == PASSAGES_PER_CASE - 1
    assert report.passages == len(BASE_CASES) * PASSAGES_PER_CASE
    assert report.embedded < report.passages
    assert report.version != built.version

    new = open_index(built.index)
    assert new.version == report.version
    assert lexical(new, "xylofoon") == ["energiecoach"]
    assert lexical(new, "radiatorfolie") == []
    hybrid = new.search(SearchParams(query="xylofoon tochtstrips"))
    assert hybrid.results[0].slug == "energiecoach"
    assert hybrid.results[0].snippet is not None
    assert "xylofoon" in [s.text for s in hybrid.results[0].snippet.segments if s.mark]
    # A reader that opened the old version keeps answering from it.
    assert old.version == built.version
    assert lexical(old, "radiatorfolie") == ["energiecoach"]
    assert (
        read_json(built.index / MANIFEST_FILE)["content_fingerprint"]
        != read_json(built.index / VERSIONS_DIR / built.version / MANIFEST_FILE)[
            "content_fingerprint"
        ]
    )


def test_removing_a_case_removes_it_from_search(built: Built, open_index: Any) -> None:
    (built.content / "cases" / "wijkagent.md").unlink()
    report = build_index(built.content, built.index)
    assert report.removed == ["wijkagent"]
    assert report.changed == []
    assert report.embedded == 0
    assert report.cases == len(BASE_CASES) - 1
    assert report.passages == (len(BASE_CASES) - 1) * PASSAGES_PER_CASE

    searcher = open_index(built.index)
    assert lexical(searcher, "kwartelkoning") == []
    everything = searcher.search(SearchParams(query="", k=100))
    assert everything.total == len(BASE_CASES) - 1
    assert "wijkagent" not in {hit.slug for hit in everything.results}
    for query in ("wijkagent en jongerenwerk tegen overlast", "politie op vrijdagavond"):
        assert "wijkagent" not in {
            hit.slug for hit in searcher.search(SearchParams(query=query)).results
        }
    assert searcher.passage_index.size == report.passages
    assert searcher.case_index.size == report.cases
    for slug in ("budgetcoach", "energiecoach", "taalcafe"):
        assert "wijkagent" not in {hit.slug for hit in searcher.related(slug, k=10)}


def test_adding_a_case(built: Built, open_index: Any) -> None:
    (built.content / "cases" / "moestuin.md").write_text(
        valid_case_text(
            title="Moestuin achter het buurthuis",
            summary="Buurtbewoners telen samen groente en delen de oogst met de voedselbank.",
            principles=["meedoen"],
            regions=["zeeland"],
            partners=["bewoners", "welzijn"],
            body=sections_body(
                "Veel bewoners zaten alleen thuis en kenden hun buren niet.",
                "Op een braakliggend stuk grond kwam een moestuin met pompoenen.",
                "Twintig huishoudens doen mee en de voedselbank krijgt verse groente.",
                "Geef bewoners de sleutel van het hek: dan voelt de tuin van hen.",
            ),
        ),
        encoding="utf-8",
    )
    report = build_index(built.content, built.index)
    assert report.changed == ["moestuin"]
    assert report.removed == []
    assert report.embedded == PASSAGES_PER_CASE
    assert report.cases == len(BASE_CASES) + 1
    assert report.passages == (len(BASE_CASES) + 1) * PASSAGES_PER_CASE
    searcher = open_index(built.index)
    assert lexical(searcher, "pompoenen") == ["moestuin"]
    assert searcher.search(SearchParams(query="")).total == len(BASE_CASES) + 1
    zeeland = searcher.search(SearchParams(query="", region=["zeeland"]))
    assert [hit.slug for hit in zeeland.results] == ["moestuin"]


def test_old_versions_are_pruned(built: Built) -> None:
    versions = [built.version]
    for slug in ("wijkagent", "energiecoach", "taalcafe"):
        (built.content / "cases" / f"{slug}.md").unlink()
        versions.append(build_index(built.content, built.index).version)
    kept = version_dirs(built.index)
    assert len(kept) == KEEP_VERSIONS
    assert kept == sorted(versions)[-KEEP_VERSIONS:]
    assert read_json(built.index / MANIFEST_FILE)["version"] == versions[-1]


# --- refusals and failures leave the old index serving ---------------------------------------


def test_invalid_content_is_refused_and_the_old_index_keeps_serving(
    built: Built, open_index: Any
) -> None:
    bad = built.content / "cases" / "taalcafe.md"
    bad.write_text(valid_case_text(**{**BASE_CASES["taalcafe"], "regions": ["friesland"]}))
    manifest_before = (built.index / MANIFEST_FILE).read_text()
    with pytest.raises(ContentError) as caught:
        build_index(built.content, built.index)
    errors = [p for p in caught.value.problems if p.severity == "error"]
    assert len(errors) == 1
    problem = errors[0]
    assert problem.path == str(bad)
    assert problem.line == 5  # the regions line
    assert "friesland" in problem.message
    assert "fryslan" in problem.message  # the closest valid id
    assert problem.format().startswith(f"{bad}:5: ")

    assert (built.index / MANIFEST_FILE).read_text() == manifest_before
    assert version_dirs(built.index) == [built.version]
    searcher = open_index(built.index)
    assert searcher.version == built.version
    assert lexical(searcher, "bibliotheek") == ["taalcafe"]
    assert searcher.search(SearchParams(query="taalcafé voor nieuwkomers")).total > 0


def test_embedding_cache_survives_losing_every_version(built: Built, open_index: Any) -> None:
    shutil.rmtree(built.index / VERSIONS_DIR)
    (built.index / MANIFEST_FILE).unlink()
    assert (built.index / CACHE_DIR).is_dir()
    with pytest.raises(IndexUnavailable):
        open_index(built.index)
    report = build_index(built.content, built.index)
    assert report.full
    assert report.embedded == 0
    assert report.reused == report.passages == len(BASE_CASES) * PASSAGES_PER_CASE
    searcher = open_index(built.index)
    assert lexical(searcher, "radiatorfolie") == ["energiecoach"]
    assert searcher.search(SearchParams(query="energierekening omlaag")).results[0].slug == (
        "energiecoach"
    )


def generated_case(number: int) -> str:
    return valid_case_text(
        title=f"Voorbeeld {number}: wijkaanpak nummer {number}",
        summary=f"Een gegenereerd voorbeeld ({number}) over samenwerking in wijk {number}.",
        body=sections_body(
            f"In wijk {number} zochten {number + 3} bewoners hulp bij het invullen van brieven.",
            f"Een team van {number % 7 + 2} professionals hield {number} keer spreekuur.",
            f"Na {number + 1} maanden waren {number * 3} vragen beantwoord.",
            f"Les {number}: begin klein en leer van de eerste {number % 5 + 1} gesprekken.",
        ),
    )


@pytest.mark.slow
def test_build_killed_halfway_leaves_the_old_index_serving(
    built: Built, open_index: Any, tmp_path: Path
) -> None:
    for number in range(60):
        (built.content / "cases" / f"gegenereerd-{number}.md").write_text(
            generated_case(number), encoding="utf-8"
        )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    command = [sys.executable, "-m", "kennisbank", "build", "--quiet"]
    log = tmp_path / "build.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "--content", str(built.content), "--index", str(built.index)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
        )
    versions = built.index / VERSIONS_DIR
    try:
        deadline = time.monotonic() + 20
        while not list(versions.glob(".tmp-*")) and time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            time.sleep(0.02)
        assert list(versions.glob(".tmp-*")), "the build never started writing a version"
        time.sleep(0.3)  # well into the embedding stage
        assert process.poll() is None, "the build finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL

    searcher = open_index(built.index)
    assert searcher.version == built.version
    assert read_json(built.index / MANIFEST_FILE)["version"] == built.version
    assert lexical(searcher, "radiatorfolie") == ["energiecoach"]
    assert searcher.search(SearchParams(query="")).total == len(BASE_CASES)

    # The next build takes the lock the dead process held and cleans up after it.
    for number in range(5, 60):
        (built.content / "cases" / f"gegenereerd-{number}.md").unlink()
    report = build_index(built.content, built.index)
    assert report.changed == [f"gegenereerd-{n}" for n in sorted(range(5), key=str)]
    assert report.cases == len(BASE_CASES) + 5
    assert not list(versions.glob(".tmp-*"))
    searcher = open_index(built.index)
    assert searcher.version == report.version
    assert searcher.search(SearchParams(query="")).total == len(BASE_CASES) + 5


# --- one build at a time ---------------------------------------------------------------------


def test_a_held_build_lock_makes_a_second_one_give_up(tmp_path: Path) -> None:
    index = tmp_path / "index"
    with build_lock(index):
        started = time.monotonic()
        with pytest.raises(BuildLocked) as caught, build_lock(index, wait_seconds=0.3):
            pytest.fail("a second lock was granted while the first is held")
        assert time.monotonic() - started >= 0.3
        assert str(index) in str(caught.value)
    with build_lock(index, wait_seconds=0):
        pass  # released: free again


def test_a_build_waits_for_a_running_build(built: Built) -> None:
    (built.content / "cases" / "wijkagent.md").unlink()
    outcome: list[BuildReport | BaseException] = []

    def run() -> None:
        try:
            outcome.append(build_index(built.content, built.index))
        except BaseException as exc:
            outcome.append(exc)

    with build_lock(built.index):
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(timeout=1.0)
        assert thread.is_alive(), f"build ran while the lock was held: {outcome}"
        assert read_json(built.index / MANIFEST_FILE)["version"] == built.version
    thread.join(timeout=60)
    assert not thread.is_alive()
    [report] = outcome
    assert isinstance(report, BuildReport), report
    assert report.removed == ["wijkagent"]
    assert read_json(built.index / MANIFEST_FILE)["version"] == report.version


# --- an index the searcher must refuse -------------------------------------------------------


def test_index_built_by_another_embedder_is_refused(
    built: Built, use_embedder: Any, open_index: Any
) -> None:
    path = built.index / MANIFEST_FILE
    manifest = read_json(path)
    manifest["embedder"] = "sentence-transformers:some-org/other-model"
    path.write_text(json.dumps(manifest))
    with pytest.raises(IndexUnavailable) as caught:
        open_index(built.index)
    message = str(caught.value)
    assert "sentence-transformers:some-org/other-model" in message
    assert use_embedder.name in message
    assert "opnieuw" in message  # says what to do


@pytest.mark.parametrize("other", [FORMAT_VERSION - 1, FORMAT_VERSION + 1])
def test_index_of_another_format_version_is_refused(
    built: Built, open_index: Any, other: int
) -> None:
    """An older index (no stored snippet marks) or a newer one: refused, and rebuilt."""
    path = built.index / MANIFEST_FILE
    manifest = read_json(path)
    manifest["format_version"] = other
    path.write_text(json.dumps(manifest))
    with pytest.raises(IndexUnavailable) as caught:
        open_index(built.index)
    assert str(other) in str(caught.value)
    assert "bouw de index opnieuw" in str(caught.value)
    assert str(path) in str(caught.value)
    # A build does not trust that index either: it rebuilds, from the cache.
    report = build_index(built.content, built.index)
    assert report.full
    assert report.embedded == 0
    assert open_index(built.index).version == report.version


def test_truncated_vectors_are_refused_naming_the_folder(built: Built, open_index: Any) -> None:
    folder = built.index / VERSIONS_DIR / built.version
    vectors = folder / PASSAGES_FILE
    data = vectors.read_bytes()
    vectors.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexUnavailable) as caught:
        open_index(built.index)
    assert str(folder) in str(caught.value)


def test_vectors_of_the_wrong_dimension_are_refused(built: Built, open_index: Any) -> None:
    path = built.index / MANIFEST_FILE
    manifest = read_json(path)
    manifest["dim"] = 384
    path.write_text(json.dumps(manifest))
    with pytest.raises(IndexUnavailable, match="384"):
        open_index(built.index)


@pytest.mark.parametrize("damage", ["missing", "garbage", "empty-object"])
def test_missing_or_damaged_manifest_is_refused(built: Built, open_index: Any, damage: str) -> None:
    path = built.index / MANIFEST_FILE
    if damage == "missing":
        path.unlink()
    elif damage == "garbage":
        path.write_text("{not json")
    else:
        path.write_text("{}")
    with pytest.raises(IndexUnavailable) as caught:
        open_index(built.index)
    assert str(path) in str(caught.value)


def test_no_index_at_all_is_refused(tmp_path: Path, open_index: Any) -> None:
    with pytest.raises(IndexUnavailable, match="kennisbank build"):
        open_index(tmp_path / "nergens")
