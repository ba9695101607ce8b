"""Printed handouts: Chromium's own A4 PDF of a collection, counted page by page, and the
address the QR codes point to when the site runs on another port than 8000.

Before the fix the 5-case roadshow collection printed to 11 pages, every other one holding
only a QR code; now it is a cover and one page per case, each with its own code.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser
from pypdf import PdfReader

from .helpers import CONTENT, ROADSHOW, case_slugs, collection_entries
from .live import free_socket, new_context

pytestmark = pytest.mark.browser

BUNDLED_COLLECTIONS = sorted(p.stem for p in (CONTENT / "collections").glob("*.md"))


def a4_pages(browser: Browser, url: str) -> list[str]:
    """The text of every page of Chromium's A4 PDF of ``url`` (what "print to PDF" makes)."""
    context = new_context(browser)
    page = context.new_page()
    page.goto(url)
    pdf = page.pdf(format="A4")
    context.close()
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("slug", BUNDLED_COLLECTIONS)
def test_a_handout_is_a_cover_and_one_page_per_case(
    slug: str, browser: Browser, live_url: str
) -> None:
    entries = collection_entries(slug)
    pages = a4_pages(browser, f"{live_url}/collecties/{slug}/afdrukken")
    assert len(pages) == 1 + len(entries), [len(p.split()) for p in pages]
    for (case, _), text in zip(entries, pages[1:], strict=True):
        # the case, its QR caption (its code) and a real share of text are on one page
        assert f"/voorbeelden/{case}" in text.replace(" ", ""), text[:200]
        assert len(text.split()) > 150, text[:200]


def test_a_selection_handout_keeps_codes_with_their_cases(browser: Browser, live_url: str) -> None:
    slugs = case_slugs()[:4]
    query = "&".join(f"s={s}" for s in slugs)
    pages = a4_pages(browser, f"{live_url}/selectie/afdrukken?{query}")
    assert len(pages) == 5, [len(p.split()) for p in pages]
    assert all(len(text.split()) > 150 for text in pages[1:]), [len(p.split()) for p in pages]


def test_serve_names_its_own_address_in_qr_codes(web_index: Path) -> None:
    """``kennisbank serve --port P`` without KENNISBANK_BASE_URL links to its own port."""
    sock, url = free_socket()
    port = sock.getsockname()[1]
    sock.close()  # the server binds the port itself
    env = {k: v for k, v in os.environ.items() if k != "KENNISBANK_BASE_URL"}
    command = [str(Path(sys.executable).parent / "kennisbank"), "serve", "--index", str(web_index)]
    command += ["--content", str(CONTENT), "--port", str(port)]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                response = httpx.get(f"{url}/collecties/{ROADSHOW}/afdrukken", timeout=30)
                break
            except httpx.TransportError:
                assert server.poll() is None, "serve stopped"
                assert time.monotonic() < deadline, "serve did not answer within 90 s"
                time.sleep(0.2)
        feed = httpx.get(f"{url}/feed.xml", timeout=30).text
    finally:
        server.terminate()
        server.wait(timeout=30)
    captions = [
        f.get_text(" ", strip=True)
        for f in BeautifulSoup(response.text, "html.parser").select(
            "article figure.qr-block figcaption"
        )
    ]
    assert captions and all(f"{url}/voorbeelden/" in c for c in captions), captions
    cover = BeautifulSoup(response.text, "html.parser").select_one(".cover figcaption")
    assert cover is not None and f"{url}/collecties/{ROADSHOW}" in cover.get_text(), cover
    assert re.search(rf'href="{re.escape(url)}/voorbeelden/', feed), feed[:500]
