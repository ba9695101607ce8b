"""The editors' preview in a real Chromium: under ``serve --watch`` an open page reloads
itself when a saved case is rebuilt into the index, or when a save is refused with errors.

Before: the page kept showing the old text until the editor reloaded it by hand, and
nothing on the page or in the terminal said which folder was watched.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from kennisbank.indexing.builder import build_index
from kennisbank.webapp import create_app
from kennisbank.webapp.settings import Settings

from .helpers import CONTENT, case_slugs, make_client, soup
from .live import LiveServer, free_socket, new_context

pytestmark = pytest.mark.browser
CASE = case_slugs()[0]


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    index = tmp_path / "index"
    build_index(content, index, embedder="use-multilingual")
    sock, url = free_socket()
    app = create_app(Settings(content=content, index=index, reload_interval=0, watch=True))
    with LiveServer(sock, app):
        yield url, content
    app.state.stop_watch.set()


def retitle(path: Path, title: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^title: .*$", f'title: "{title}"', text, count=1), "utf-8")


def test_an_open_page_reloads_after_a_save(browser: Browser, watched: tuple[str, Path]) -> None:
    url, content = watched
    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{url}/voorbeelden/{CASE}")
    path = content / "cases" / f"{CASE}.md"
    retitle(path, "Een nieuwe titel, meteen te zien")
    expect(page.locator("h1")).to_have_text("Een nieuwe titel, meteen te zien", timeout=60_000)
    # a refused save shows its error on the open page too
    path.write_text(path.read_text(encoding="utf-8").replace("regions: [", "regions: [nergens, "))
    expect(page.locator("section.notice-error")).to_contain_text("nergens", timeout=60_000)
    context.close()


def test_without_watch_no_page_polls(web_app: object) -> None:
    client = make_client(web_app)  # type: ignore[arg-type]
    page = soup(client.get("/"))
    assert page.select_one('meta[name="kennisbank-preview"]') is None
    assert page.select_one('script[src="/static/preview.js"]') is None
    assert client.get("/redactie/status").status_code == 404


def test_serve_watch_says_which_folder_it_watches(web_index: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    index = tmp_path / "index"
    shutil.copytree(web_index, index)
    sock, _ = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    command = [sys.executable, "-m", "kennisbank", "serve", "--watch", "--port", str(port)]
    command += ["--content", str(content), "--index", str(index)]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as server:
        try:
            assert server.stdout is not None
            lines = [server.stdout.readline() for _ in range(2)]
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert any(f"Bewaakt {content.resolve()}" in line for line in lines), lines


def test_serve_watch_with_workers_is_refused_and_leaves_nothing_behind(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "TMPDIR": str(tmp_path)}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [sys.executable, "-m", "kennisbank", "serve", "--watch", "--workers", "2"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "--watch werkt met één worker" in done.stderr
    assert not list(tmp_path.glob("kennisbank-metrics-*"))  # no metrics folder was made
