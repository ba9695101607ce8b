"""Issue 21, item 7: strict hosts, a private notice cookie, whole log lines, remote images.

Each test fails on the code before the fix: the host forms below were trusted, the
``melding`` cookie had no ``Secure``, a full disk left half a line in the search log, and
a remote Markdown image rendered as ``<img>``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kennisbank.search.querylog import SearchLogEntry
from kennisbank.webapp import Settings, create_app
from kennisbank.webapp.rendering import render_markdown

from .helpers import CONTENT, make_client

CASE = "vroeg-eropaf-huurachterstand"


@pytest.fixture(scope="module")
def trusting_app(web_index: Path) -> FastAPI:
    return create_app(
        Settings(
            content=CONTENT,
            index=web_index,
            reload_interval=0,
            trusted_hosts="kennisbank.example.nl, *.example.nl",
        )
    )


@pytest.mark.parametrize(
    "host",
    [
        "kennisbank.example.nl:80@evil.com",
        "evil.com#kennisbank.example.nl",
        "evil.com/kennisbank.example.nl",
        "evil.com?kennisbank.example.nl",
        ".example.nl",
        "[kennisbank.example.nl]",
        "kennisbank.example.nl:x",
        "kennisbank.example.nl:80:80",
        "kennisbank..example.nl",
        "kennisbank.example.nl\\@evil.com",
        "",
    ],
)
def test_a_host_that_only_looks_trusted_is_refused(trusting_app: FastAPI, host: str) -> None:
    client = make_client(trusting_app)
    assert client.get("/", headers={"Host": host}).status_code == 400


@pytest.mark.parametrize(
    "host",
    ["kennisbank.example.nl", "KENNISBANK.example.nl:8443", "www.example.nl", "a.example.nl."],
)
def test_trusted_hosts_still_answer(trusting_app: FastAPI, host: str) -> None:
    assert make_client(trusting_app).get("/", headers={"Host": host}).status_code == 200


def test_the_notice_cookie_is_secure_like_the_selection_cookie(web_app: FastAPI) -> None:
    """``melding`` carries the previous selection (for undo): as private as ``selectie``."""
    https = TestClient(web_app, base_url="https://testserver")
    https.cookies.set("selectie", CASE)
    response = https.post("/selectie", data={"actie": "leegmaken"}, follow_redirects=False)
    cookies = {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}
    assert "; secure" in cookies["selectie"] and "; secure" in cookies["melding"]
    plain = make_client(web_app)
    plain.cookies.set("selectie", CASE)
    response = plain.post("/selectie", data={"actie": "leegmaken"}, follow_redirects=False)
    cookies = {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}
    assert "secure" not in cookies["melding"]


FULL_DISK_WRITER = """
import resource, signal, sys
from pathlib import Path
from kennisbank.search.searcher import SearchParams, SearchResult
from kennisbank.webapp.operations.search_log import SearchLog

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # the disk is full at limit bytes
log = SearchLog(Path(sys.argv[1]))
for i in range(50):
    query = f"vraag {i} " + "woord " * 20
    result = SearchResult(query=query, total=i, results=[], facets={})
    log.record(SearchParams(query=query), result, "api")
log.close()
print(log.dropped)
"""


@pytest.mark.parametrize("limit", [1000, 3333, 150])
def test_a_full_disk_leaves_only_whole_lines_in_the_search_log(tmp_path: Path, limit: int) -> None:
    path = tmp_path / "zoek.log"
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK_WRITER, str(path), str(limit)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    data = path.read_bytes() if path.exists() else b""
    assert len(data) <= limit
    assert data == b"" or data.endswith(b"\n"), data[-80:]
    kept = [SearchLogEntry.model_validate_json(line) for line in data.splitlines()]
    assert int(result.stdout) == 50 - len(kept)  # every line is written whole or counted


@pytest.mark.parametrize(
    "markdown",
    [
        "![Een foto](https://evil.example/spoor.png)",
        "![Een foto](http://evil.example/spoor.png)",
        "![Een foto](//evil.example/spoor.png)",
    ],
)
def test_a_remote_image_renders_as_a_link_not_an_img(markdown: str) -> None:
    html = render_markdown(markdown)
    assert "<img" not in html
    assert 'rel="nofollow noopener"' in html and "Een foto (afbeelding)</a>" in html


def test_an_image_on_this_site_is_still_shown() -> None:
    html = render_markdown('![Logo](/static/logo.svg "titel")')
    assert '<img src="/static/logo.svg" alt="Logo" title="titel" />' in html


def test_an_image_alt_text_is_escaped() -> None:
    html = render_markdown('![<script>x</script>"](https://evil.example/a.png)')
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_body_said_to_be_huge_is_refused_unread(web_app: FastAPI) -> None:
    client = make_client(web_app)
    response = client.post(
        "/selectie",
        content=b"actie=toevoegen&slug=" + b"a" * (100 * 1024),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert response.status_code == 413


def test_a_chunked_body_stops_at_the_limit(web_app: FastAPI) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"actie=toevoegen&slug="
        for _ in range(200):  # 200 x 1 KB, no length said
            yield b"a" * 1024

    response = make_client(web_app).post(
        "/selectie",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert 400 <= response.status_code < 500, response.status_code
