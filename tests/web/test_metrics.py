"""``/metrics``: Prometheus text that its own parser reads, by route template, across workers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from kennisbank.search.querylog import SearchLogEntry
from kennisbank.webapp import Settings, create_app

from .helpers import CONTENT, case_slugs, make_client

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: TestClient | httpx.Client) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def fresh_app(web_index: Path, **settings: Any) -> FastAPI:
    return create_app(Settings(content=CONTENT, index=web_index, reload_interval=0, **settings))


def test_a_search_is_counted_and_timed_by_stage(web_index: Path) -> None:
    client = make_client(fresh_app(web_index))
    before = scrape(client)
    assert client.get("/zoeken", params={"q": "hulp bij schulden"}).status_code == 200
    assert client.get("/api/search", params={"q": "eenzaamheid"}).status_code == 200
    after = scrape(client)
    for source in ("html", "api"):
        name = "kennisbank_searches_total"
        assert value(after, name, source=source) - value(before, name, source=source) == 1
    for stage in ("encode", "rank", "render"):
        name = "kennisbank_search_stage_seconds_count"
        assert value(after, name, stage=stage) - value(before, name, stage=stage) == 2
        assert value(after, "kennisbank_search_stage_seconds_sum", stage=stage) > 0
    requests = "kennisbank_http_requests_total"
    assert value(after, requests, method="GET", route="/zoeken", status="200") == 1
    assert value(after, requests, method="GET", route="/api/search", status="200") == 1
    latency = "kennisbank_http_request_duration_seconds_count"
    assert value(after, latency, method="GET", route="/zoeken") == 1


def test_query_vector_cache_hits_and_misses_are_counted(web_index: Path) -> None:
    """The page, then its page 2 and the API call after it, reuse the query's vector."""
    client = make_client(fresh_app(web_index))
    query = f"metrics cache {uuid.uuid4().hex[:8]}"  # no other test has cached this one
    before = scrape(client)
    assert client.get("/zoeken", params={"q": query}).status_code == 200
    assert client.get("/zoeken", params={"q": query, "pagina": "2"}).status_code == 200
    assert client.get("/api/search", params={"q": query}).status_code == 200
    assert client.get("/zoeken").status_code == 200  # an empty query needs no vector
    after = scrape(client)
    name = "kennisbank_query_vector_cache_total"
    assert value(after, name, result="miss") - value(before, name, result="miss") == 1
    assert value(after, name, result="hit") - value(before, name, result="hit") == 2


def test_routes_are_labelled_by_template_not_by_url(web_index: Path) -> None:
    client = make_client(fresh_app(web_index))
    slug = case_slugs()[0]
    assert client.get(f"/voorbeelden/{slug}").status_code == 200
    assert client.get("/voorbeelden/bestaat-niet").status_code == 404
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/geen-pagina").status_code == 404
    samples = scrape(client)
    name = "kennisbank_http_requests_total"
    assert value(samples, name, method="GET", route="/voorbeelden/{slug}", status="200") == 1
    assert value(samples, name, method="GET", route="/voorbeelden/{slug}", status="404") == 1
    assert value(samples, name, method="GET", route="/static", status="200") == 1
    assert value(samples, name, method="GET", route="(geen route)", status="404") == 1
    routes = {dict(labels).get("route", "") for _, labels in samples}
    assert not any(slug in route or "bestaat-niet" in route for route in routes)


def test_the_served_index_is_reported(web_index: Path) -> None:
    client = make_client(fresh_app(web_index))
    health = client.get("/healthz").json()
    samples = scrape(client)
    assert value(samples, "kennisbank_index_cases") == health["cases"]
    assert value(samples, "kennisbank_index_info", version=health["index"]) == 1
    assert value(samples, "kennisbank_index_swaps_total") == 0


def test_an_index_swap_is_counted(
    private_app: tuple[FastAPI, Settings, Callable[[], Any]], content_copy: Path
) -> None:
    app, _, rebuild = private_app
    client = make_client(app)
    old = client.get("/healthz").json()["index"]
    case = next((content_copy / "cases").glob("*.md"))
    case.write_text(case.read_text("utf-8") + "\nEen extra zin.\n", "utf-8")
    rebuild()
    deadline = time.monotonic() + 60
    while client.get("/healthz").json()["index"] == old:
        assert time.monotonic() < deadline, "the new version was never served"
        time.sleep(0.1)
    new = client.get("/healthz").json()["index"]
    samples = scrape(client)
    assert value(samples, "kennisbank_index_swaps_total") == 1
    assert ("kennisbank_index_info", frozenset({("version", old)})) not in samples
    assert value(samples, "kennisbank_index_info", version=new) == 1


def test_metrics_can_be_turned_off(web_index: Path) -> None:
    client = make_client(fresh_app(web_index, metrics=False))
    assert client.get("/metrics").status_code == 404
    assert client.get("/zoeken", params={"q": "schulden"}).status_code == 200


def read_lines(path: Path) -> list[str]:
    return path.read_text("utf-8").splitlines() if path.exists() else []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_two_workers_report_their_sum(web_index: Path, tmp_path: Path) -> None:
    """``serve --workers 2 --search-log``: every scrape, whichever worker answers it, counts
    all searches; values an earlier run left in the multiprocess folder are cleared at start;
    the workers' search log lines land whole in one file."""
    folder = tmp_path / "prom"
    folder.mkdir()
    (folder / "counter_99999.db").write_bytes(b"stale values of an earlier run")
    port = free_port()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    command = [sys.executable, "-m", "kennisbank", "serve", "--workers", "2", "--port", str(port)]
    search_log = tmp_path / "zoek.log"
    command += ["--index", str(web_index), "--content", str(CONTENT)]
    command += ["--search-log", str(search_log)]
    errors = tmp_path / "serve.err"
    with errors.open("wb") as stderr:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        # a new connection per request, so both workers answer some of them
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", timeout=30, headers={"Connection": "close"}
        ) as client:
            deadline = time.monotonic() + 120
            while True:
                assert server.poll() is None, errors.read_text()
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
            assert not (folder / "counter_99999.db").exists()
            searches = 24
            for i in range(searches):
                client.get("/api/search", params={"q": f"schulden {i}"}).raise_for_status()
            for _ in range(6):
                samples = scrape(client)
                assert value(samples, "kennisbank_searches_total", source="api") == searches
                assert value(samples, "kennisbank_index_cases") == len(case_slugs())
            pids = {f.name.split("_")[-1] for f in folder.glob("counter_*.db")}
            assert len(pids) >= 2, pids  # both workers wrote values
            deadline = time.monotonic() + 30
            while len(lines := read_lines(search_log)) < searches:
                assert time.monotonic() < deadline, f"{len(lines)} log lines"
                time.sleep(0.1)
            logged = {SearchLogEntry.model_validate_json(line).q for line in lines}
            assert logged == {f"schulden {i}" for i in range(searches)}
    finally:
        server.terminate()
        server.wait(timeout=30)


HOSTILE_METHODS = [
    *("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "get", "Get", "TRACE"),
    *("CONNECT", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK"),
    *("SEARCH", "PURGE", "LINK", "UNLINK", "REPORT", "CHECKOUT", "MERGE", "NOTIFY"),
    *("SUBSCRIBE", "BREW", "FOO", "X1", "X2", "X3", "X4", "X5", "X6"),
]
HOSTILE_PATHS = [
    "/",
    "/zoeken",
    "/voorbeelden/x",
    "/voorbeelden/y/z",
    "/collecties",
    "/collecties/a",
    "/api/search",
    "/api/cases",
    "/api/cases/x",
    "/api/collections/x",
    "/feed.xml",
    "/healthz",
    "/metrics",
    "/static/x.css",
    "/static",
    "/export/cases.csv",
    "/selectie",
    "/overzicht",
    "/favicon.ico",
    "/openapi.json",
    "/api/docs",
    "/nope",
    "/nope/2",
    "/.env",
    "/wp-login.php",
    "/%2e%2e/etc/passwd",
    "/a" * 20,
]


def test_made_up_methods_and_paths_add_no_series(web_index: Path) -> None:
    """35 methods x 27 paths once inflated /metrics 53x; now they fold into fixed labels."""
    assert len(HOSTILE_METHODS) == 35 and len(HOSTILE_PATHS) == 27
    client = make_client(fresh_app(web_index))
    for path in HOSTILE_PATHS:
        client.get(path)
    normal = scrape(client)
    for method in HOSTILE_METHODS:
        for path in HOSTILE_PATHS:
            client.request(method, path)
    hostile = scrape(client)
    methods = {dict(labels).get("method") for name, labels in hostile if "http_request" in name}
    assert methods - {None} <= {"GET", "HEAD", "POST", "OTHER"}
    # what is left is bounded by the standard methods, not by what visitors send
    print(f"series: {len(normal)} after normal requests, {len(hostile)} after hostile ones")
    assert len(hostile) < 5 * len(normal), (len(normal), len(hostile))
    assert (
        value(
            hostile,
            "kennisbank_http_requests_total",
            method="OTHER",
            route="(geen route)",
            status="404",
        )
        > 0
    )
