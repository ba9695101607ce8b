"""The printed handout of a collection or a selection: what a meeting discusses, on paper.

Every section of each case is printed (Aanleiding and Resultaten carry the situation and
the figures a room talks about, not only Aanpak and Lessen), with its characteristics in
one compact line and its sources as short titles, so a reader can check a claim without a
screen. The cover has a QR code for the collection's own page; each case one for its page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from kennisbank.content.sections import split_sections
from kennisbank.search.catalog import CaseRecord
from kennisbank.webapp.pages.contexts import CollectionPage
from kennisbank.webapp.pages.qr import qr_svg
from kennisbank.webapp.rendering import render_markdown
from kennisbank.webapp.settings import Settings
from kennisbank.webapp.templating import render


class HandoutSource(BaseModel):
    title: str
    host: str  # the source's site, short enough to read aloud or type


class HandoutCase(BaseModel):
    slug: str
    title: str
    summary: str
    note: str
    characteristics: str  # "Veilig opgroeien · Zeeland (Hulst) · Gemeente, Onderwijs · ..."
    sections: list[tuple[str, str]]  # (heading, html) in the case's own order
    sources: list[HandoutSource]
    url: str
    qr: str


def case_sections(case: CaseRecord) -> list[tuple[str, str]]:
    """(heading, html) of every section, in order; text before the first heading too."""
    return [
        (s.heading, render_markdown(s.markdown))
        for s in split_sections(case.body)
        if s.markdown.strip()
    ]


def characteristics(case: CaseRecord, labels: dict[str, dict[str, str]]) -> str:
    """The case's facts in one line, the way a programme booklet lists them."""

    def named(field: str, ids: list[str]) -> str:
        return ", ".join(labels.get(field, {}).get(i, i) for i in ids)

    region = named("regions", case.regions)
    if case.places:
        region += f" ({', '.join(case.places[:4])})"
    parts = [named("principles", case.principles), region, named("partners", case.partners)]
    if case.organisations:
        shown = case.organisations[:5]
        more = len(case.organisations) - len(shown)
        parts.append(", ".join(shown) + (f" en {more} meer" if more > 0 else ""))
    if case.year:
        parts.append(f"sinds {case.year}")
    if case.evidence:
        parts.append(labels.get("evidence", {}).get(case.evidence, case.evidence))
    return " · ".join(p for p in parts if p)


def handout_case(item: Any, labels: dict[str, dict[str, str]], base_url: str) -> HandoutCase:
    case: CaseRecord = item.case
    url = f"{base_url}/voorbeelden/{case.slug}"
    return HandoutCase(
        slug=case.slug,
        title=case.title,
        summary=case.summary,
        note=item.note,
        characteristics=characteristics(case, labels),
        sections=case_sections(case),
        sources=[
            HandoutSource(title=link.title, host=urlsplit(link.url).netloc.removeprefix("www."))
            for link in case.links
        ],
        url=url,
        qr=str(qr_svg(url)),
    )


def handout_response(
    request: Request, page: CollectionPage, settings: Settings, online_url: str = ""
) -> HTMLResponse:
    """The print view; ``online_url`` is where the cover's QR code leads (the page itself)."""
    base = settings.base_url.rstrip("/")
    items = [
        handout_case(item, page.labels, base)
        for item in page.collection.items
        if item.case is not None
    ]
    online = online_url or page.url
    return render(
        request,
        "print.html",
        {
            "page": page,
            "items": items,
            "title": page.collection.title,
            "online_url": online,
            "cover_qr": qr_svg(online),
        },
    )
