"""The search log: one privacy-free JSON line per search, never in the way of a search."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kennisbank.search.querylog import SearchLogEntry
from kennisbank.webapp import Settings, create_app

from .helpers import CONTENT, make_client

KEYS = {"ts", "q", "filters", "total", "top_score", "top", "page", "source", "match"}
AGENT = "Mozilla/5.0 (zoeklog-test; Identificeerbaar/1.0)"
COOKIE_VALUE = "geheime-sessie-waarde"
FORWARDED_IP = "203.0.113.77"


def log_app(web_index: Path, log_path: Path) -> FastAPI:
    return create_app(
        Settings(content=CONTENT, index=web_index, reload_interval=0, search_log=log_path)
    )


def lines_of(app: FastAPI, path: Path) -> list[str]:
    app.state.search_log.flush()
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def identifying_client(app: FastAPI) -> TestClient:
    client = make_client(app)
    client.headers.update({"User-Agent": AGENT, "X-Forwarded-For": FORWARDED_IP})
    client.cookies.set("kennisbank_selectie", COOKIE_VALUE)
    client.cookies.set("sessionid", COOKIE_VALUE)
    return client


def assert_private(line: str) -> dict[str, object]:
    """A well-formed entry with exactly the documented keys and nothing about the visitor."""
    data = json.loads(line)
    assert set(data) == KEYS, set(data) ^ KEYS
    SearchLogEntry.model_validate(data)
    for secret in (AGENT, "Identificeerbaar", COOKIE_VALUE, FORWARDED_IP, "testclient"):
        assert secret not in line, secret
    return dict(data)


def test_a_page_search_adds_one_well_formed_line(web_index: Path, tmp_path: Path) -> None:
    path = tmp_path / "zoek.log"
    app = log_app(web_index, path)
    client = identifying_client(app)
    response = client.get(
        "/zoeken", params={"q": "hulp bij schulden", "regio": ["utrecht", "drenthe"]}
    )
    assert response.status_code == 200
    [line] = lines_of(app, path)
    data = assert_private(line)
    api = client.get(
        "/api/search", params={"q": "hulp bij schulden", "region": ["utrecht", "drenthe"], "k": 3}
    )
    expected = api.json()
    assert data["source"] == "html"
    assert data["q"] == "hulp bij schulden"
    assert data["filters"] == {"region": ["utrecht", "drenthe"]}
    assert data["total"] == expected["total"]
    assert data["top"] == [hit["slug"] for hit in expected["results"]][:3]
    assert data["page"] == 1
    assert isinstance(data["top_score"], float) and -1 <= data["top_score"] <= 1
    assert str(data["ts"]).endswith("Z")


def test_an_api_search_adds_one_line_and_head_adds_none(web_index: Path, tmp_path: Path) -> None:
    path = tmp_path / "zoek.log"
    app = log_app(web_index, path)
    client = identifying_client(app)
    assert (
        client.get("/api/search", params={"q": "eenzaamheid", "k": 2, "offset": 4}).status_code
        == 200
    )
    assert client.head("/zoeken", params={"q": "eenzaamheid"}).status_code == 200
    assert client.get("/healthz").status_code == 200
    [line] = lines_of(app, path)
    data = assert_private(line)
    assert data["source"] == "api"
    assert data["page"] == 3  # offset 4 at k=2
    assert data["filters"] == {}


def test_an_empty_query_is_logged_without_a_score(web_index: Path, tmp_path: Path) -> None:
    path = tmp_path / "zoek.log"
    app = log_app(web_index, path)
    assert make_client(app).get("/zoeken", params={"principe": "meedoen"}).status_code == 200
    data = assert_private(lines_of(app, path)[0])
    assert data["q"] == "" and data["top_score"] is None
    assert data["filters"] == {"principle": ["meedoen"]}


def test_8_threads_of_200_searches_give_1600_whole_lines(web_index: Path, tmp_path: Path) -> None:
    path = tmp_path / "zoek.log"
    app = log_app(web_index, path)
    failures: list[str] = []

    def run(worker: int) -> None:
        client = make_client(app)
        for i in range(200):
            response = client.get("/api/search", params={"q": f"schulden {worker} {i}", "k": 1})
            if response.status_code != 200:
                failures.append(f"{worker}/{i}: {response.status_code}")

    threads = [threading.Thread(target=run, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    lines = lines_of(app, path)
    assert len(lines) == 1600
    queries = {SearchLogEntry.model_validate_json(line).q for line in lines}
    assert queries == {f"schulden {w} {i}" for w in range(8) for i in range(200)}


WRITER = """
import sys
from pathlib import Path
from kennisbank.search.searcher import SearchParams, SearchResult
from kennisbank.webapp.operations.search_log import SearchLog

log = SearchLog(Path(sys.argv[1]))
worker = sys.argv[2]
for i in range(400):
    query = f"proces {worker} regel {i} " + "lang " * 90
    result = SearchResult(query=query.strip(), total=i, results=[], facets={})
    log.record(SearchParams(query=query), result, "api")
log.close()
"""


def test_several_processes_append_whole_lines(tmp_path: Path) -> None:
    """Four processes (like uvicorn workers) on one file: every line whole, none lost."""
    path = tmp_path / "zoek.log"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(w)]) for w in range(4)]
    assert all(proc.wait(timeout=120) == 0 for proc in procs)
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b""
    entries = [SearchLogEntry.model_validate_json(line) for line in lines[:-1]]
    assert len(entries) == 1600
    assert len({e.q for e in entries}) == 1600


@pytest.mark.parametrize("target", ["missing-dir/zoek.log", "is-a-dir", "/dev/full"])
def test_an_unwritable_log_never_stops_a_search(
    web_index: Path, tmp_path: Path, target: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A missing folder, a directory and a full disk: searches answer 200, one error logged."""
    (tmp_path / "is-a-dir").mkdir()
    path = Path(target) if target.startswith("/") else tmp_path / target
    app = log_app(web_index, path)
    client = make_client(app)
    with caplog.at_level(logging.ERROR, logger="kennisbank"):
        for query in ("schulden", "eenzaamheid", "wonen"):
            assert client.get("/zoeken", params={"q": query}).status_code == 200
            assert client.get("/api/search", params={"q": query}).status_code == 200
            app.state.search_log.flush()
    errors = [r for r in caplog.records if "zoeklog" in r.getMessage()]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert app.state.search_log.dropped == 6


def test_a_rotated_log_is_started_again(web_index: Path, tmp_path: Path) -> None:
    """logrotate moves the file away; the next search writes a new one (no signal needed)."""
    path = tmp_path / "zoek.log"
    app = log_app(web_index, path)
    client = make_client(app)
    client.get("/zoeken", params={"q": "schulden"})
    app.state.search_log.flush()
    path.rename(tmp_path / "zoek.log.1")
    client.get("/zoeken", params={"q": "wonen"})
    assert [json.loads(line)["q"] for line in lines_of(app, path)] == ["wonen"]
    assert len((tmp_path / "zoek.log.1").read_text().splitlines()) == 1


def test_the_log_is_off_by_default(web_app: FastAPI) -> None:
    assert web_app.state.search_log is None


def test_insights_reads_what_the_site_wrote(web_index: Path, tmp_path: Path) -> None:
    """Real searches through the site, then the editors' report on that log."""
    from kennisbank.search.insights import make_insights

    path = tmp_path / "zoek.log"
    app = log_app(web_index, path)
    client = make_client(app)
    nothing = client.get("/api/search", params={"q": "xyzzy qwerty"}).json()
    assert nothing["total"] == 0
    for _ in range(2):
        assert client.get("/zoeken", params={"q": "hulp bij schulden"}).status_code == 200
    app.state.search_log.flush()
    report = make_insights([path], app.state.holder.current())
    assert report.searches == 3 and report.bad_lines == 0
    assert (report.top_queries[0].query, report.top_queries[0].count) == ("hulp bij schulden", 2)
    assert [(q.query, q.count) for q in report.zero_results] == [("xyzzy qwerty", 1)]
