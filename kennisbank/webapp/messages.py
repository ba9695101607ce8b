"""Dutch wording for the errors FastAPI and Starlette produce in English.

The API's own messages are Dutch; without this, a client saw Dutch for an unknown region
and English ("Input should be less than or equal to 100") for a ``k`` out of range.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

HTTP_DETAILS: dict[str, str] = {
    "Not Found": "Dit adres bestaat niet.",
    "Method Not Allowed": "Deze methode is hier niet toegestaan.",
}


def http_detail(detail: Any) -> Any:
    """Starlette's default English detail in Dutch; the app's own details unchanged."""
    return HTTP_DETAILS.get(detail, detail) if isinstance(detail, str) else detail


def validation_message(error: Mapping[str, Any]) -> str:
    """One pydantic validation error of a request parameter, in Dutch."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "value_error":  # raised by our own validators, already Dutch
        return str(error.get("msg", ""))
    templates = {
        "less_than_equal": "moet ten hoogste {le} zijn",
        "less_than": "moet kleiner zijn dan {lt}",
        "greater_than_equal": "moet minstens {ge} zijn",
        "greater_than": "moet groter zijn dan {gt}",
        "string_too_long": "mag ten hoogste {max_length} tekens lang zijn",
        "string_too_short": "moet minstens {min_length} tekens lang zijn",
        "too_long": "mag ten hoogste {max_length} waarden bevatten",
        "int_parsing": "moet een geheel getal zijn",
        "int_type": "moet een geheel getal zijn",
        "missing": "ontbreekt",
        "string_type": "moet tekst zijn",
    }
    template = templates.get(kind)
    if template is None:
        return "ongeldige waarde"
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return "ongeldige waarde"
