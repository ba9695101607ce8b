"""A case as the exports and the API give it: its fields as JSON with its public URL.

Its own module so the JSON exports and the spreadsheets can both use it without importing
each other (they used to: exports → spreadsheet → exports).
"""

from __future__ import annotations

import json
from typing import Any

from kennisbank.search.catalog import CaseRecord


def case_json(case: CaseRecord, base_url: str) -> dict[str, Any]:
    """A case's fields as JSON, with its public URL (no body: that is for one case only)."""
    data: dict[str, Any] = json.loads(case.model_dump_json(exclude={"path", "body"}))
    data["url"] = f"{base_url.rstrip('/')}/voorbeelden/{case.slug}"
    return data
