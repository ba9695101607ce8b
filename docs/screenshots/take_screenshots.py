"""Refresh the README's screenshots from the bundled content in a real headless Chromium.

    python docs/screenshots/take_screenshots.py [--content content]

Builds the content into a temporary index, serves it on a free loopback port and writes
``search.png`` (the first 1280 x 1200 px), ``search-mobile.png`` (the first 375 x 1600 px)
and ``case.png`` (the whole page at 1280 px) next to this file. Needs Debian's Chromium at
/usr/bin/chromium and Playwright for Python (the dev extra); Playwright's own browser
download is not used.
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn
from playwright.sync_api import sync_playwright

from kennisbank.indexing.builder import build_index
from kennisbank.webapp import Settings, create_app

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
SEARCH = "/zoeken?q=hulp+bij+schulden&principe=bestaanszekerheid"
CASE = "/voorbeelden/skaeve-huse-harkstede"
SHOTS = {  # file name: (path, viewport width, viewport height, full page)
    "search.png": (SEARCH, 1280, 1200, False),
    "search-mobile.png": (SEARCH, 375, 1600, False),
    "search-weak.png": ("/zoeken?q=ruimtevaart", 1280, 900, False),
    "start.png": ("/", 1280, 1100, False),
    "case.png": (CASE, 1280, 900, True),
    "case-mobile.png": (CASE, 375, 1400, False),
    "handout.png": ("/collecties/roadshow-ede-2023/afdrukken", 1280, 1600, False),
}
# The organiser's selection with its kept details: cases added, the form filled and saved.
SELECTION_CASES = ["vertrouwensexperiment-bijstand-wageningen", "wooncoach-zwolle"]
SELECTION_DETAILS = {
    "Titel van de collectie": "Regiobijeenkomst Oost: wonen en bestaanszekerheid",
    "Datum van de bijeenkomst (optioneel)": "2027-04-06",
    "Plaats (optioneel)": "Ede",
}


def serve(content: Path, index: Path) -> tuple[uvicorn.Server, str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = create_app(Settings(content=content, index=index, reload_interval=0, base_url=url))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", ws="none"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    deadline = time.monotonic() + 90
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("the server did not start within 90 s")
        time.sleep(0.05)
    return server, url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--content", type=Path, default=Path("content"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        build_index(args.content, index)
        server, url = serve(args.content, index)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                for name, (path, width, height, full_page) in SHOTS.items():
                    context = browser.new_context(
                        viewport={"width": width, "height": height}, locale="nl-NL"
                    )
                    page = context.new_page()
                    page.goto(url + path)
                    page.screenshot(path=str(HERE / name), full_page=full_page)
                    context.close()
                    print(f"{HERE / name}: {url + path}")
                selection_shots(browser, url)
                browser.close()
        finally:
            server.should_exit = True


def selection_shots(browser: Any, url: str) -> None:
    """``selection.png``: Mijn selectie after saving the details; ``selection-handout.png``."""
    context = browser.new_context(viewport={"width": 1280, "height": 1500}, locale="nl-NL")
    page = context.new_page()
    for slug in SELECTION_CASES:
        page.goto(f"{url}/voorbeelden/{slug}")
        page.locator(".case-actions button").click()
        page.wait_for_load_state()
    page.goto(f"{url}/selectie")
    for label, value in SELECTION_DETAILS.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Bewaren", exact=True).click()
    page.wait_for_url("**/selectie#gegevens")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(HERE / "selection.png"))
    page.goto(f"{url}/selectie/afdrukken")
    page.screenshot(path=str(HERE / "selection-handout.png"))
    context.close()
    print(f"{HERE / 'selection.png'}, {HERE / 'selection-handout.png'}")


if __name__ == "__main__":
    main()
