"""Exports for spreadsheets: CSV that Excel reads as UTF-8, and real ``.xlsx`` files.

A CSV without a byte order mark is read by Excel in the local code page, so "coördinatie"
showed as "coÃ¶rdinatie" and "€" as "â‚¬"; taxonomy ids (``veilig-opgroeien``) meant
nothing to a reader. Every table here has a label column beside each id column, the CSV
starts with a BOM, and the same rows are written as a workbook with openpyxl.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from kennisbank.search.catalog import CaseRecord
from kennisbank.webapp.exports import csv_export
from kennisbank.webapp.exports.case_records import case_json
from kennisbank.webapp.pages.contexts import CollectionPage

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Case fields in export order; a facet field is followed by its labels.
CASE_FIELDS = (
    "slug",
    "title",
    "summary",
    "principles",
    "regions",
    "places",
    "partners",
    "themes",
    "organisations",
    "target_groups",
    "year",
    "evidence",
    "costs",
    "contact",
    "updated",
    "url",
)
LABELLED = {"principles", "regions", "partners", "evidence"}
COLLECTION_HEADER = (
    "positie",
    "slug",
    "titel",
    "notitie",
    "samenvatting",
    "uitgangspunten",
    "regio's",
    "partners",
    "url",
)
Row = list[str]


def _labelled(value: Any, labels: dict[str, str]) -> str:
    ids = value if isinstance(value, list) else [value] if value else []
    return csv_export.cell_text([labels.get(str(i), str(i)) for i in ids])


def case_rows(
    cases: Iterable[CaseRecord], labels: dict[str, dict[str, str]], base_url: str, licence: str
) -> list[Row]:
    """Header and one row per case: ids, their labels (``regions_label``), the licence."""
    header: Row = []
    for field in CASE_FIELDS:
        header += [field, f"{field}_label"] if field in LABELLED else [field]
    rows = [[*header, "licence"]]
    for case in cases:
        data = case_json(case, base_url)
        row: Row = []
        for field in CASE_FIELDS:
            row.append(csv_export.cell_text(data.get(field)))
            if field in LABELLED:
                row.append(_labelled(data.get(field), labels.get(field, {})))
        rows.append([*row, licence])
    return rows


def collection_rows(page: CollectionPage, base_url: str) -> list[Row]:
    """Header and one row per case of a collection, in order, with the curator's note."""
    labels = page.labels
    rows: list[Row] = [list(COLLECTION_HEADER)]
    for position, item in enumerate(page.collection.items, start=1):
        case = item.case
        rows.append(
            [
                str(position),
                item.slug,
                csv_export.cell_text(case.title if case else ""),
                csv_export.cell_text(item.note),
                csv_export.cell_text(case.summary if case else ""),
                _labelled(case.principles if case else [], labels.get("principles", {})),
                _labelled(case.regions if case else [], labels.get("regions", {})),
                _labelled(case.partners if case else [], labels.get("partners", {})),
                f"{base_url.rstrip('/')}/voorbeelden/{item.slug}",
            ]
        )
    return rows


def csv_text(rows: Sequence[Sequence[str]]) -> str:
    """The rows (header first) through the site's one CSV writer: BOM, formulas defused."""
    return csv_export.csv_text(rows[0], rows[1:]) if rows else csv_export.BOM


def xlsx_bytes(rows: Sequence[Sequence[str]], title: str) -> bytes:
    """A one-sheet workbook: header in bold and frozen, every cell text (never a formula,
    so no quoting is needed: "=1+1" stays the text "=1+1")."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "Blad1")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    for number, row in enumerate(rows):
        cells = []
        for value in row:
            written = WriteOnlyCell(sheet, value=value)
            written.data_type = "s"  # text, even when it starts with "="
            if number == 0:
                written.font = bold
            cells.append(written)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
