"""Collection exports: a readable Markdown handout, CSV, an Excel workbook and JSON."""

from __future__ import annotations

import json
from typing import Any

from fastapi import HTTPException
from fastapi.responses import Response

from kennisbank.webapp.exports import spreadsheet
from kennisbank.webapp.exports.case_records import case_json
from kennisbank.webapp.pages.contexts import CollectionPage
from kennisbank.webapp.settings import Settings

COLLECTION_CSV_HEADER = ("positie", "slug", "titel", "notitie", "samenvatting", "url")


def collection_response(page: CollectionPage, fmt: str, settings: Settings) -> Response:
    collection = page.collection
    base = settings.base_url.rstrip("/")
    name = f"{collection.slug}.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "json":
        data = json.loads(collection.model_dump_json())
        data["url"] = page.url
        data["licence"] = settings.licence
        return Response(
            json.dumps(data, ensure_ascii=False, indent=2),
            media_type="application/json",
            headers=disposition,
        )
    if fmt in ("csv", "xlsx"):
        rows = spreadsheet.collection_rows(page, base)
        if fmt == "xlsx":
            body = spreadsheet.xlsx_bytes(rows, "Collectie")
            return Response(body, media_type=spreadsheet.XLSX_TYPE, headers=disposition)
        return Response(
            spreadsheet.csv_text(rows), media_type="text/csv; charset=utf-8", headers=disposition
        )
    if fmt == "md":
        return Response(
            markdown_handout(page, base),
            media_type="text/markdown; charset=utf-8",
            headers=disposition,
        )
    raise HTTPException(404, "Onbekend exportformaat; kies md, csv, xlsx of json.")


def markdown_handout(page: CollectionPage, base: str) -> str:
    collection = page.collection
    lines = [f"# {collection.title}", ""]
    meta = [v for v in (collection.date, collection.location, collection.curator) if v]
    if meta:
        lines += [" · ".join(meta), ""]
    if collection.description:
        lines += [collection.description, ""]
    if collection.body.strip():
        lines += [collection.body.strip(), ""]
    for position, item in enumerate(collection.items, start=1):
        if item.case is None:
            continue
        lines += [f"## {position}. {item.case.title}", ""]
        if item.note:
            lines += [f"> {item.note}", ""]
        lines += [item.case.summary, "", f"Meer: {base}/voorbeelden/{item.slug}", ""]
    return "\n".join(lines)


def collection_json(page: CollectionPage, settings: Settings) -> dict[str, Any]:
    """A collection with its cases in order, each with the curator's note (API and export)."""
    data = page.collection.model_dump(exclude={"items"})
    data["url"] = page.url
    data["licence"] = settings.licence
    data["cases"] = [
        {
            "slug": item.slug,
            "note": item.note,
            "case": case_json(item.case, settings.base_url) if item.case else None,
        }
        for item in page.collection.items
    ]
    return data
