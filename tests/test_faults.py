"""Faults: a damaged index, a full disk during a build, a build killed at any moment.

Each test starts from a small index built once per module and copied per test (with its
embedding cache), damages one thing the way a crash, a bad disk or a careless copy would,
and checks the promise of the design: the searcher refuses a damaged index with an
``IndexUnavailable`` that names the file or folder, the web app answers 503 in Dutch (or
keeps serving the last good version), and a failed build leaves the serving index alone.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from conftest import REPO_ROOT, valid_case_text, wait_for
from fastapi.testclient import TestClient
from test_build import BASE_CASES, case_file, lexical, read_json, write_tree
from typer.testing import CliRunner

from kennisbank.cli import app as cli_app
from kennisbank.indexing.builder import build_index
from kennisbank.indexing.layout import (
    CASES_FILE,
    DB_FILE,
    MANIFEST_FILE,
    PASSAGES_FILE,
    VERSIONS_DIR,
)
from kennisbank.indexing.manifest import IndexUnavailable
from kennisbank.search.searcher import Searcher, SearchParams
from kennisbank.webapp import Settings, create_app

TRACEBACK_WORDS = ("Traceback", 'File "', "raise ")


class Built(NamedTuple):
    content: Path
    index: Path
    version: str

    @property
    def folder(self) -> Path:
        return self.index / VERSIONS_DIR / self.version


def long_case(number: int, sections: int = 4) -> str:
    """A generated case; ``sections`` paragraphs make it as many passages to embed."""
    topics = ("schulden", "wonen", "zorg", "werk", "eenzaamheid", "opvoeding")
    body = "".join(
        f"## Deel {s + 1}\n\nIn wijk {number} sprak team {s} met {number + s} bewoners over "
        f"{topics[(number + s) % len(topics)]} en maakte afspraak {number * 100 + s}.\n\n"
        for s in range(sections)
    )
    return valid_case_text(
        title=f"Voorbeeld {number}: wijkaanpak nummer {number}",
        summary=f"Een gegenereerd voorbeeld ({number}) over samenwerking in wijk {number}.",
        body=body,
    )


def copy_built(source: Built, target: Path) -> Built:
    content = shutil.copytree(source.content, target / "content")
    index = shutil.copytree(source.index, target / "index")
    return Built(content, index, source.version)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The four cases of test_build, built once."""
    root = tmp_path_factory.mktemp("faults-small")
    content = write_tree(root / "content", {slug: case_file(slug) for slug in BASE_CASES})
    report = build_index(content, root / "index")
    return Built(content, root / "index", report.version)


@pytest.fixture(scope="module")
def forty(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Forty cases: big enough that the FAISS file is larger than the database."""
    root = tmp_path_factory.mktemp("faults-forty")
    cases = {slug: case_file(slug) for slug in BASE_CASES}
    cases |= {f"gegenereerd-{n}": long_case(n) for n in range(36)}
    content = write_tree(root / "content", cases)
    report = build_index(content, root / "index")
    assert report.cases == 40
    return Built(content, root / "index", report.version)


@pytest.fixture
def built(small: Built, tmp_path: Path) -> Built:
    return copy_built(small, tmp_path)


# --- ways to damage an index -----------------------------------------------------------------


def overwrite(path: Path, start: int, length: int, fill: bytes = b"\xff") -> None:
    data = bytearray(path.read_bytes())
    end = min(len(data), start + length)
    data[start:end] = fill * (end - start)
    path.write_bytes(bytes(data))


def truncate(path: Path, keep: float = 0.5) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def table_page(db: Path, table: str) -> tuple[int, int]:
    """(page size, root page number) of a table in a database file."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", [table]
        ).fetchone()
    finally:
        conn.close()
    return page_size, root


def damage_page(db: Path, page: int, page_size: int) -> None:
    overwrite(db, (page - 1) * page_size, page_size)


def replace_manifest(index: Path, text: str | bytes) -> None:
    """Swap in a new top-level manifest the way a build does (new inode, atomic)."""
    temporary = index / ".manifest.test.tmp"
    if isinstance(text, bytes):
        temporary.write_bytes(text)
    else:
        temporary.write_text(text, encoding="utf-8")
    temporary.replace(index / MANIFEST_FILE)


def with_embedder(index: Path, name: str) -> None:
    manifest = read_json(index / MANIFEST_FILE)
    manifest["embedder"] = name
    replace_manifest(index, json.dumps(manifest))


Damage = Callable[[Path, Path], Path]
"""Damages (index, version folder) and returns the path the error message must name."""


def _manifest_garbage_bytes(index: Path, folder: Path) -> Path:
    replace_manifest(index, b"\x00\xff\xfe{\x80 kapot")
    return index / MANIFEST_FILE


def _manifest_garbage_json(index: Path, folder: Path) -> Path:
    replace_manifest(index, '{"version": "20260101", kapot')
    return index / MANIFEST_FILE


def _manifest_empty(index: Path, folder: Path) -> Path:
    replace_manifest(index, "")
    return index / MANIFEST_FILE


def _manifest_missing(index: Path, folder: Path) -> Path:
    (index / MANIFEST_FILE).unlink()
    return index / MANIFEST_FILE


def _other_embedder(index: Path, folder: Path) -> Path:
    # A backend this installation does not have (no download is ever attempted for it).
    with_embedder(index, "ander-model-v2")
    return index


def _version_folder_missing(index: Path, folder: Path) -> Path:
    shutil.rmtree(folder)
    return folder


def _db_header(index: Path, folder: Path) -> Path:
    overwrite(folder / DB_FILE, 0, 4096)
    return folder


def _db_middle(index: Path, folder: Path) -> Path:
    size = (folder / DB_FILE).stat().st_size
    overwrite(folder / DB_FILE, size // 2, 4096)
    return folder


def _db_truncated(index: Path, folder: Path) -> Path:
    truncate(folder / DB_FILE)
    return folder


def _db_empty(index: Path, folder: Path) -> Path:
    truncate(folder / DB_FILE, 0)
    return folder


def _db_fts_page(index: Path, folder: Path) -> Path:
    # The root page of the FTS5 data: the searcher never reads it while opening.
    page_size, root = table_page(folder / DB_FILE, "cases_fts_data")
    damage_page(folder / DB_FILE, root, page_size)
    return folder


def _faiss_header(index: Path, folder: Path) -> Path:
    overwrite(folder / PASSAGES_FILE, 0, 64)
    return folder


def _faiss_empty(index: Path, folder: Path) -> Path:
    truncate(folder / PASSAGES_FILE, 0)
    return folder


def _cases_faiss_truncated(index: Path, folder: Path) -> Path:
    truncate(folder / CASES_FILE)
    return folder


DAMAGES: dict[str, Damage] = {
    "manifest-garbage-bytes": _manifest_garbage_bytes,
    "manifest-garbage-json": _manifest_garbage_json,
    "manifest-empty": _manifest_empty,
    "manifest-missing": _manifest_missing,
    "manifest-other-embedder": _other_embedder,
    "version-folder-missing": _version_folder_missing,
    "db-header-overwritten": _db_header,
    "db-middle-overwritten": _db_middle,
    "db-truncated": _db_truncated,
    "db-empty": _db_empty,
    "db-fts-page-overwritten": _db_fts_page,
    "faiss-header-overwritten": _faiss_header,
    "faiss-empty": _faiss_empty,
    "cases-faiss-truncated": _cases_faiss_truncated,
}
# test_build already covers: manifest missing / "{not json" / "{}", a truncated
# passages.faiss, a wrong dimension and an embedder mismatch when one is passed in.
SEARCHER_DAMAGES = [name for name in DAMAGES if name != "manifest-missing"]


# --- the searcher refuses a damaged index ----------------------------------------------------


@pytest.mark.parametrize("damage", SEARCHER_DAMAGES)
def test_searcher_refuses_a_damaged_index_naming_the_file(built: Built, damage: str) -> None:
    named = DAMAGES[damage](built.index, built.folder)
    with pytest.raises(IndexUnavailable) as caught:
        Searcher(built.index)  # no embedder given: as the CLI and the web app open it
    message = str(caught.value)
    assert str(named) in message, message
    assert "\n" not in message
    assert "Traceback" not in message


def test_every_damaged_database_page_is_refused_or_harmless(
    built: Built, use_embedder: Any, tmp_path: Path
) -> None:
    """Damage each page of the database in turn: the searcher either refuses the index
    (IndexUnavailable) or answers every kind of request; it never raises anything else."""
    db = built.folder / DB_FILE
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        owners = dict(conn.execute("SELECT pageno, name FROM dbstat").fetchall())
    finally:
        conn.close()
    pages = db.stat().st_size // page_size
    good = db.read_bytes()
    problems: list[str] = []
    refused = 0
    for page in range(1, pages + 1):
        db.write_bytes(good)
        damage_page(db, page, page_size)
        try:
            searcher = Searcher(built.index, embedder=use_embedder)
        except IndexUnavailable as exc:
            assert str(built.folder) in str(exc)
            refused += 1
            continue
        try:
            for mode in ("lexical", "hybrid"):
                searcher.search(SearchParams(query="schulden radiatorfolie", mode=mode))
            searcher.search(SearchParams(query="", region=["utrecht"]))
            for slug in BASE_CASES:
                searcher.related(slug)
        except Exception as exc:
            problems.append(
                f"page {page} ({owners.get(page, 'vrij')}): {type(exc).__name__}: {exc}"
            )
    print(f"{pages} pages: {refused} refused, {len(problems)} raised while searching")
    assert refused > 0
    assert not problems, "a damaged page passed Searcher() and then broke a search:\n" + "\n".join(
        problems
    )


def test_damaged_vector_data_is_refused_or_harmless(built: Built, use_embedder: Any) -> None:
    """Vector bytes turned into NaN or huge numbers: refused, or searched without errors."""
    problems: list[str] = []
    for name in (PASSAGES_FILE, CASES_FILE):
        path = built.folder / name
        good = path.read_bytes()
        for fill in (b"\xff", b"\x7f"):
            for where in (0.3, 0.6, 0.95):
                path.write_bytes(good)
                overwrite(path, int(len(good) * where), 2048, fill)
                try:
                    searcher = Searcher(built.index, embedder=use_embedder)
                except IndexUnavailable as exc:
                    assert str(built.folder) in str(exc)
                    continue
                try:
                    result = searcher.search(SearchParams(query="energierekening omlaag"))
                    json.dumps(result.model_dump(), allow_nan=False)  # what the API sends
                    for slug in BASE_CASES:
                        searcher.related(slug)
                except Exception as exc:
                    problems.append(f"{name} {fill!r} at {where}: {type(exc).__name__}: {exc}")
        path.write_bytes(good)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("damage", SEARCHER_DAMAGES)
def test_cli_search_on_a_damaged_index_prints_one_line(built: Built, damage: str) -> None:
    named = DAMAGES[damage](built.index, built.folder)
    result = CliRunner().invoke(cli_app, ["search", "schulden", "--index", str(built.index)])
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert str(named) in lines[0]


# --- the next build repairs a damaged index --------------------------------------------------

# Not the embedder: a build keeps the manifest's embedder unless told otherwise.
REPAIRABLE = [name for name in DAMAGES if name != "manifest-other-embedder"]


@pytest.mark.parametrize("damage", REPAIRABLE)
def test_the_next_build_repairs_a_damaged_index(
    built: Built, use_embedder: Any, damage: str
) -> None:
    """The searcher's message says 'bouw de index opnieuw': doing so must work, without
    --full, and must not answer 'already up to date' while the index cannot be opened."""
    DAMAGES[damage](built.index, built.folder)
    report = build_index(built.content, built.index)
    assert not report.up_to_date, "a damaged index was reported as up to date"
    searcher = Searcher(built.index, embedder=use_embedder)
    assert searcher.version == report.version
    assert lexical(searcher, "radiatorfolie") == ["energiecoach"]
    assert report.embedded == 0  # everything came from the embedding cache


# --- the web app on a damaged index ----------------------------------------------------------

WEB_DAMAGES = [
    "manifest-missing",
    "manifest-garbage-json",
    "manifest-garbage-bytes",
    "manifest-other-embedder",
    "version-folder-missing",
    "db-truncated",
    "db-fts-page-overwritten",
    "cases-faiss-truncated",
]
PAGES = ("/", "/zoeken?q=schulden", "/voorbeelden/budgetcoach", "/collecties", "/overzicht")
API = ("/healthz", "/api/search?q=schulden", "/api/cases/budgetcoach", "/api/cases")


def assert_no_traceback(text: str) -> None:
    for word in ("Traceback", 'File "/', "sqlite3.", "faiss::", "UnicodeDecodeError"):
        assert word not in text, f"{word!r} leaked into the response: {text[:500]}"


@pytest.mark.parametrize("damage", WEB_DAMAGES)
def test_app_on_a_damaged_index_answers_503_in_dutch(
    built: Built, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    DAMAGES[damage](built.index, built.folder)
    app = create_app(Settings(index=built.index, reload_interval=0))
    client = TestClient(app, raise_server_exceptions=False)
    health = client.get("/healthz")
    assert health.status_code == 503, health.text
    assert "niet beschikbaar" in health.json()["detail"]
    for path in API:
        response = client.get(path)
        assert response.status_code == 503, (path, response.status_code, response.text[:300])
        assert_no_traceback(response.text)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 503, (path, response.status_code, response.text[:300])
        assert response.headers["content-type"].startswith("text/html")
        assert '<html lang="nl">' in response.text
        assert "Tijdelijk niet beschikbaar" in response.text
        assert "kennisbank build" in response.text  # says what to do
        assert_no_traceback(response.text)
    # the log says which file is the problem (for the operator, not for the visitor)
    assert app.state.holder.error is not None


def publish_damaged_version(built: Built, damage: str) -> None:
    """A build publishes version ``<v>-nieuw`` whose files are damaged in one way."""
    new_version = f"{built.version}-nieuw"
    new_folder = built.index / VERSIONS_DIR / new_version
    shutil.copytree(built.folder, new_folder)
    manifest = read_json(built.index / MANIFEST_FILE)
    manifest["version"] = new_version
    (new_folder / MANIFEST_FILE).write_text(json.dumps(manifest))
    time.sleep(0.01)  # a new mtime even on coarse clocks
    replace_manifest(built.index, json.dumps(manifest))
    DAMAGES[damage](built.index, new_folder)


AFTER_LOAD_DAMAGES = [*WEB_DAMAGES, "db-middle-overwritten", "faiss-header-overwritten"]


@pytest.mark.parametrize("damage", AFTER_LOAD_DAMAGES)
def test_a_damaged_new_version_leaves_the_last_good_one_serving(
    built: Built, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings(index=built.index, reload_interval=0))
    client = TestClient(app, raise_server_exceptions=False)
    assert client.get("/healthz").json()["index"] == built.version

    publish_damaged_version(built, damage)

    for _ in range(2):  # the first request sees the new manifest, the second the same
        health = client.get("/healthz")
        assert health.status_code == 200, (damage, health.status_code, health.text[:300])
        assert health.json() == {"status": "ok", "cases": len(BASE_CASES), "index": built.version}
        search = client.get("/api/search", params={"q": "radiatorfolie"})
        assert search.status_code == 200, (damage, search.status_code, search.text[:300])
        assert search.json()["index"] == built.version
        assert search.json()["results"][0]["slug"] == "energiecoach"
        page = client.get("/zoeken", params={"q": "radiatorfolie tochtstrips"})
        assert page.status_code == 200, (damage, page.status_code)
        assert "Energiecoaches bij huurders" in page.text
        assert client.get("/voorbeelden/taalcafe").status_code == 200
    wait_for(lambda: app.state.holder.error is not None)  # the refusal is remembered
    assert client.get("/healthz").json()["index"] == built.version


# --- a full disk during a build --------------------------------------------------------------


def limit_file_size(limit: int) -> Callable[[], None]:
    """preexec_fn: files may grow to ``limit`` bytes; a larger write fails with EFBIG."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def build_command(built: Built, *extra: str) -> list[str]:
    """``kennisbank build`` as its own process, as an editor or CI job would run it."""
    paths = ["--content", str(built.content), "--index", str(built.index)]
    return [sys.executable, "-m", "kennisbank", "build", "--quiet", *extra, *paths]


BUILD_ENV = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}


def cli_build(built: Built, *extra: str, limit: int | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        build_command(built, *extra),
        capture_output=True,
        text=True,
        timeout=120,
        env=BUILD_ENV,
        preexec_fn=limit_file_size(limit) if limit else None,
    )


def assert_old_index_serves(built: Built, use_embedder: Any) -> None:
    assert read_json(built.index / MANIFEST_FILE)["version"] == built.version
    searcher = Searcher(built.index, embedder=use_embedder)
    assert searcher.version == built.version
    assert lexical(searcher, "radiatorfolie") == ["energiecoach"]
    hybrid = searcher.search(SearchParams(query="energierekening omlaag"))
    assert hybrid.results[0].slug == "energiecoach"


@pytest.mark.parametrize("phase", ["copy-database", "write-database", "write-vectors"])
def test_a_full_disk_fails_the_build_with_one_line_and_keeps_the_old_index(
    forty: Built, tmp_path: Path, use_embedder: Any, phase: str
) -> None:
    built = copy_built(forty, tmp_path)
    db_size = (built.folder / DB_FILE).stat().st_size
    vectors_size = (built.folder / PASSAGES_FILE).stat().st_size
    # the write-vectors phase needs room for the database but not for the vectors
    assert db_size * 1.1 < vectors_size, (db_size, vectors_size)
    if phase == "copy-database":
        # an incremental build first copies the current database: that copy fails
        (built.content / "cases" / "nieuw.md").write_text(long_case(99), encoding="utf-8")
        extra: tuple[str, ...] = ()
        limit = db_size // 2
    elif phase == "write-database":
        # a full build writes a new database from scratch: SQLite's writes fail
        extra, limit = ("--full",), db_size // 2
    else:
        # the database fits, the passage vectors (written last) do not
        extra, limit = ("--full",), (db_size + vectors_size) // 2

    started = time.perf_counter()
    result = cli_build(built, *extra, limit=limit)
    seconds = time.perf_counter() - started
    print(f"{phase}: limit {limit} B, exit {result.returncode} in {seconds:.1f} s")
    print(result.stderr)

    assert result.returncode == 1
    assert result.stdout == ""
    for word in TRACEBACK_WORDS:
        assert word not in result.stderr, f"not a one-line message:\n{result.stderr}"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "de vorige index blijft in gebruik" in lines[0]
    assert not list((built.index / VERSIONS_DIR).glob(".tmp-*"))
    assert_old_index_serves(built, use_embedder)

    # with room again, the next build succeeds and leaves no temporary folder behind
    report = build_index(built.content, built.index, full=bool(extra))
    assert report.version != built.version
    assert not list((built.index / VERSIONS_DIR).glob(".tmp-*"))
    assert Searcher(built.index, embedder=use_embedder).version == report.version


# --- a build killed at any moment ------------------------------------------------------------

KILLS = int(os.environ.get("KENNISBANK_KILLS", "4"))
KILL_SEED = int(os.environ.get("KENNISBANK_KILL_SEED", "20261201"))


def start_build(built: Built, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        build_command(built, *extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=BUILD_ENV,
    )


def with_forty_long_cases(source: Built, target: Path) -> Built:
    """A copy of ``source`` whose content gained 40 cases of 16 passages each to embed."""
    built = copy_built(source, target)
    for number in range(40):
        path = built.content / "cases" / f"lang-{number}.md"
        path.write_text(long_case(number, sections=16), encoding="utf-8")
    return built


def kill_fractions(count: int, seed: int) -> list[float]:
    """``count`` random points of a build's timeline (0..1), one in each equal slice of it."""
    rng = random.Random(seed)
    return [(i + rng.random()) / count for i in range(count)]


def kill_at(process: subprocess.Popen[bytes], started: float, moment: float) -> float | None:
    """SIGKILL ``moment`` s after ``started``; the build's own run time if it ended first."""
    while (elapsed := time.perf_counter() - started) < moment:
        if process.poll() is not None:
            return elapsed
        time.sleep(0.01)
    if process.poll() is not None:
        return elapsed
    os.kill(process.pid, signal.SIGKILL)
    return None


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["incremental", "full"])
def test_a_build_killed_at_random_moments_never_damages_the_serving_index(
    small: Built, tmp_path: Path, use_embedder: Any, kind: str
) -> None:
    """SIGKILL at random moments of a build (starting, parsing, embedding, writing, publishing).

    An uninterrupted build of the same change is timed first; the kills are drawn from its
    timeline, one in each slice, so start and end are covered on a fast or a slow machine.
    ``KENNISBANK_KILLS=50`` (and ``KENNISBANK_KILL_SEED``) make a longer run by hand.
    """
    extra = ("--full",) if kind == "full" else ()
    reference = with_forty_long_cases(small, tmp_path / "reference")
    started = time.perf_counter()
    process = start_build(reference, *extra)
    _, stderr = process.communicate(timeout=600)
    duration = time.perf_counter() - started
    assert process.returncode == 0, stderr

    fractions = kill_fractions(KILLS, KILL_SEED)
    print(
        f"uninterrupted build {duration:.2f} s; kill points "
        + ", ".join(f"{f:.2f}" for f in fractions)
    )
    landed = published = 0
    for trial, fraction in enumerate(fractions):
        built = with_forty_long_cases(small, tmp_path / f"kill-{trial}")
        started = time.perf_counter()
        process = start_build(built, *extra)
        try:
            finished_after = kill_at(process, started, fraction * duration)
        finally:
            if process.poll() is None:
                process.kill()
            _, stderr = process.communicate(timeout=60)
        if finished_after is None:
            landed += 1
            assert process.returncode == -signal.SIGKILL
            serving = read_json(built.index / MANIFEST_FILE)["version"]
            if serving == built.version:
                assert_old_index_serves(built, use_embedder)
                total = Searcher(built.index).search(SearchParams(query="")).total
                assert total == len(BASE_CASES)
            else:  # killed after publishing (while pruning old versions): the new one is whole
                published += 1
                searcher = Searcher(built.index, embedder=use_embedder)
                assert searcher.search(SearchParams(query="")).total == len(BASE_CASES) + 40
        else:  # finished before the kill: it must have published a complete version
            assert process.returncode == 0, stderr
            duration = min(duration, finished_after)  # the machine got faster: aim earlier
            searcher = Searcher(built.index, embedder=use_embedder)
            assert searcher.search(SearchParams(query="")).total == len(BASE_CASES) + 40

        # whatever the kill left behind, the next build completes and cleans up
        report = build_index(built.content, built.index, full=bool(extra))
        assert report.cases == len(BASE_CASES) + 40
        assert not list((built.index / VERSIONS_DIR).glob(".tmp-*"))
        searcher = Searcher(built.index, embedder=use_embedder)
        assert searcher.version == report.version
        assert lexical(searcher, "radiatorfolie") == ["energiecoach"]
        assert searcher.search(SearchParams(query="")).total == len(BASE_CASES) + 40
        shutil.rmtree(built.content.parent)
    print(
        f"{landed} of {KILLS} kills landed while the build was running "
        f"({published} after it had published its version)"
    )
    assert landed >= KILLS // 2, "the builds finished before they could be killed"
