"""Web fixtures: the bundled content built once, apps over it, and a small hostile tree.

Every client made here checks the security headers of each HTML response it receives,
so every page any web test requests is covered, not only the ones a header test names.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kennisbank.indexing.builder import build_index
from kennisbank.webapp import Settings, create_app

from .helpers import BASE_URL, CONTENT, case_slugs, make_client, write_hostile_tree
from .live import LiveServer, free_socket

# --- The bundled content -------------------------------------------------------------------


@pytest.fixture(scope="session")
def web_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's content built once into a temporary index (never the repo's)."""
    index = tmp_path_factory.mktemp("web-bundled") / "index"
    report = build_index(CONTENT, index, embedder="use-multilingual")
    assert report.cases == len(case_slugs())
    return index


@pytest.fixture(scope="session")
def web_settings(web_index: Path) -> Settings:
    return Settings(content=CONTENT, index=web_index, reload_interval=0, base_url=BASE_URL)


@pytest.fixture(scope="session")
def web_app(web_settings: Settings) -> FastAPI:
    return create_app(web_settings)


@pytest.fixture(scope="session")
def small_page_app(web_index: Path) -> FastAPI:
    """The same index with three results per page, so pagination shows on 20 cases."""
    return create_app(Settings(content=CONTENT, index=web_index, reload_interval=0, page_size=3))


@pytest.fixture
def client(web_app: FastAPI) -> TestClient:
    """A client with an empty cookie jar (an empty selection) for each test."""
    return make_client(web_app)


@pytest.fixture
def small_client(small_page_app: FastAPI) -> TestClient:
    return make_client(small_page_app)


# --- A hostile content tree ----------------------------------------------------------------


@pytest.fixture(scope="session")
def hostile_tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(content, index) of the hostile tree, built once."""
    root = tmp_path_factory.mktemp("web-hostile")
    content = write_hostile_tree(root / "content")
    index = root / "index"
    build_index(content, index)
    return content, index


@pytest.fixture(scope="session")
def hostile_app(hostile_tree: tuple[Path, Path]) -> FastAPI:
    content, index = hostile_tree
    return create_app(Settings(content=content, index=index, reload_interval=0))


# --- A private copy of the content, for tests that edit and rebuild ------------------------


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


@pytest.fixture
def private_app(
    content_copy: Path, tmp_path: Path
) -> Iterator[tuple[FastAPI, Settings, Callable[[], Any]]]:
    """An app over a private content copy and index; the third item rebuilds the index."""
    index = tmp_path / "index"
    build_index(content_copy, index)
    settings = Settings(content=content_copy, index=index, reload_interval=0)
    app = create_app(settings)
    yield app, settings, lambda: build_index(content_copy, index)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium for every browser test module (one Playwright per process:
    a second sync Playwright in the same thread refuses to start)."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_url(web_index: Path) -> Iterator[str]:
    """The bundled content served over real HTTP; its base_url is its own address."""
    sock, url = free_socket()
    app = create_app(Settings(content=CONTENT, index=web_index, reload_interval=0, base_url=url))
    with LiveServer(sock, app):
        yield url
