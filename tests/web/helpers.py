"""Shared helpers of the web tests: constants, oracles read from the content files, and a
hostile content tree."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import httpx
import yaml
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient

WEB_TESTS = Path(__file__).resolve().parent
REPO = WEB_TESTS.parents[1]
CONTENT = REPO / "tests" / "fixtures" / "content"
TAXONOMY = CONTENT / "taxonomy.yml"
# A public address that is not the default, so tests can tell it was used.
BASE_URL = "https://kennisbank.example.nl"
ROADSHOW = "roadshow-oost-geldzorgen"
XSS_SLUG = "script-in-de-tekst"
XSS_OTHER = "gewoon-voorbeeld"
XSS_COLLECTION = "collectie-met-script"
XSS_TITLE = "Vet <b>gedrukt</b> en <img src=x onerror=alert(1)>"


def _security_headers_hook(response: httpx.Response) -> None:
    if not response.headers.get("content-type", "").startswith("text/html"):
        return
    assert_security_headers(response)


def assert_security_headers(response: httpx.Response) -> None:
    """The headers every HTML page must carry, the OpenAPI viewer's included."""
    csp = response.headers.get("content-security-policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src is not None, f"no script policy in {csp!r}"
    assert "'unsafe-inline'" not in script_src, csp
    assert "'unsafe-eval'" not in script_src, csp
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert response.headers.get("referrer-policy"), "Referrer-Policy missing"


def make_client(app: FastAPI) -> TestClient:
    """A fresh client (own cookie jar) that checks the security headers of HTML pages."""
    client = TestClient(app)
    client.event_hooks = {"response": [_security_headers_hook]}
    return client


def soup(response: httpx.Response) -> BeautifulSoup:
    assert response.status_code < 400 or "text/html" in response.headers["content-type"]
    return BeautifulSoup(response.text, "html.parser")


def front_matter(path: Path) -> tuple[dict[str, Any], str]:
    """(front matter, body) of a content file, read with plain YAML as an oracle."""
    text = path.read_text(encoding="utf-8")
    _, head, body = text.split("---\n", 2)
    return yaml.safe_load(head), body


def collection_entries(slug: str, content: Path = CONTENT) -> list[tuple[str, str]]:
    """(slug, note) per case of a collection file, in the file's order."""
    data, _ = front_matter(content / "collections" / f"{slug}.md")
    entries = []
    for entry in data["cases"]:
        if isinstance(entry, str):
            entries.append((entry, ""))
        else:
            entries.append((entry["slug"], entry.get("note", "")))
    return entries


def case_slugs(content: Path = CONTENT) -> list[str]:
    return sorted(p.stem for p in (content / "cases").glob("*.md"))


# --- A hostile content tree ----------------------------------------------------------------

XSS_BODY = """\
## Aanleiding

Een regel met <script>alert(1)</script> en <script>window.__xss=1</script> erin.

<img src=x onerror="window.__xss=2">

<iframe src="https://example.org/"></iframe>

## Aanpak

Klik [hier](javascript:alert(1)) of [daar](JAVASCRIPT:window.__xss=3) of
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) en
<a href="javascript:alert(1)">ruw</a>. Een gewone [link](https://example.nl/rapport).

![plaatje](javascript:alert(1))

## Resultaten

`<script>alert(1)</script>` in code is tekst.

## Lessen

Bewoners <b onmouseover="alert(1)">vet</b> & "quotes" 'enkel' < 3 > 2.
"""

PLAIN_BODY = """\
## Aanleiding

Ouders met geldzorgen kwamen pas laat in beeld bij de schuldhulpverlening.

## Aanpak

Een budgetcoach houdt spreekuur op het consultatiebureau.

## Resultaten

Meer gezinnen vinden op tijd hulp.

## Lessen

Stel de vraag gewoon, en elke keer.
"""


def _case_file(fields: dict[str, Any], body: str) -> str:
    head = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
    return f"---\n{head}---\n{body}"


def write_hostile_tree(root: Path) -> Path:
    """A tree whose case puts markup in the body and in every free-text field it may."""
    (root / "cases").mkdir(parents=True)
    (root / "collections").mkdir()
    shutil.copyfile(TAXONOMY, root / "taxonomy.yml")
    hostile = {
        "title": XSS_TITLE,
        # the summary must be plain text (validation refuses tags), so only the characters
        "summary": "Samenvatting met < 3 & \"aanhalingstekens\" en 'enkele' > 2 tekens erin.",
        "principles": ["bestaanszekerheid"],
        "regions": ["utrecht"],
        "partners": ["gemeente"],
        "places": ["<script>alert(1)</script>"],
        "organisations": ["<b>Stichting</b> <img src=x onerror=alert(1)>"],
        "contact": "<a href='javascript:alert(1)'>mail</a>",
        "costs": "<script>window.__xss=4</script>",
        "links": [
            {"title": "<b>Rapport</b><script>alert(1)</script>", "url": "https://example.nl/"}
        ],
    }
    plain = {
        "title": "Budgetcoach op het consultatiebureau",
        "summary": "Jeugdverpleegkundigen vragen ouders of ze rondkomen en verwijzen door.",
        "principles": ["bestaanszekerheid"],
        "regions": ["limburg"],
        "partners": ["gemeente", "zorg"],
    }
    (root / "cases" / f"{XSS_SLUG}.md").write_text(_case_file(hostile, XSS_BODY), "utf-8")
    (root / "cases" / f"{XSS_OTHER}.md").write_text(_case_file(plain, PLAIN_BODY), "utf-8")
    collection = {
        "title": "Collectie <b>vet</b> <script>alert(1)</script>",
        "description": "<img src=x onerror=alert(1)> beschrijving",
        "location": "<script>alert(1)</script>",
        "cases": [
            {"slug": XSS_SLUG, "note": "<script>window.__xss=5</script> notitie"},
            XSS_OTHER,
        ],
    }
    head = yaml.safe_dump(collection, allow_unicode=True, sort_keys=False)
    intro = "Inleiding <script>window.__xss=6</script> [x](javascript:alert(1)).\n"
    (root / "collections" / f"{XSS_COLLECTION}.md").write_text(f"---\n{head}---\n{intro}", "utf-8")
    return root
