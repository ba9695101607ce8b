"""A4 page counts of the bundled collections' printed handouts, as Chromium prints them.

Runs a checkout's own ``kennisbank build`` and ``serve`` (so an older commit can be measured
beside the current one), prints ``/collecties/<slug>/afdrukken`` of every collection in its
content folder to PDF with Debian's Chromium, and reports pages and cases per collection:

    python bench/handout_pages.py                      # this checkout
    python bench/handout_pages.py --checkout /tmp/old  # e.g. a `git worktree` of an old commit
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright
from ports import free_port
from pypdf import PdfReader

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkout", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--embedder", default="use-multilingual", help="any: print ignores it")
    args = parser.parse_args()
    checkout = args.checkout.resolve()
    content = checkout / "content"
    kennisbank = [sys.executable, "-m", "kennisbank"]
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        subprocess.run(
            [*kennisbank, "build", "--content", str(content), "--index", str(index),
             "--embedder", args.embedder, "--quiet"],
            cwd=checkout, check=True,
        )  # fmt: skip
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [*kennisbank, "serve", "--content", str(content), "--index", str(index),
             "--port", str(port)],
            cwd=checkout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    httpx.get(f"{url}/healthz", timeout=5)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("serve did not start") from None
                    time.sleep(0.2)
            report = {}
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                for path in sorted((content / "collections").glob("*.md")):
                    page = browser.new_page()
                    page.goto(f"{url}/collecties/{path.stem}/afdrukken")
                    cases = page.locator("article.handout-case").count()
                    pdf = page.pdf(format="A4")
                    page.close()
                    report[path.stem] = {
                        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
                        "cases": cases,
                    }
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    total = {k: sum(v[k] for v in report.values()) for k in ("pages", "cases")}
    print(json.dumps({"checkout": str(checkout), "collections": report, "total": total}, indent=1))


if __name__ == "__main__":
    main()
