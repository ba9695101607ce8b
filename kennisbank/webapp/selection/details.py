"""What an organiser types about their selection (title, date, place, intro, notes), kept.

The selection itself lives in a cookie; so do these details, in a second cookie, so they
survive a reload and reach the printed handout without an account or server-side state.
The value is compressed JSON, and it is bounded like the selection cookie: fields are cut
to the collection format's limits, and a whole that would not fit one cookie (browsers keep
about 4 KB) is refused with a message instead of being cut silently.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Mapping

from fastapi import Request
from pydantic import BaseModel, ValidationError

from kennisbank.content.slugs import is_valid_slug
from kennisbank.webapp.exports.collection_download import LIMITS, MAX_INTRO, MAX_NOTE, NOTE_PREFIX
from kennisbank.webapp.selection.cookie import MAX_ITEMS

COOKIE = "selectie-gegevens"
# One cookie of name and value stays below the 4,096 bytes every browser keeps.
MAX_COOKIE_CHARS = 3_800
# A value longer than this is never decoded (a hostile cookie costs no more than a full one).
FIELDS = ("titel", "beschrijving", "datum", "plaats", "samensteller", "inleiding")


class SelectionDetails(BaseModel):
    """The download form's fields, by their Dutch form names; notes per case slug."""

    titel: str = ""
    beschrijving: str = ""
    datum: str = ""
    plaats: str = ""
    samensteller: str = ""
    inleiding: str = ""
    notities: dict[str, str] = {}

    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in FIELDS) and not self.notities

    def form(self) -> dict[str, str]:
        """The fields as the download form names them (``notitie-<slug>`` per note)."""
        values = {name: getattr(self, name) for name in FIELDS}
        values.update({NOTE_PREFIX + slug: note for slug, note in self.notities.items()})
        return values


def details_from_form(form: Mapping[str, str]) -> SelectionDetails:
    """The posted form, each field cut to its limit; notes only for valid slugs."""

    def line(name: str, limit: int) -> str:
        return " ".join(str(form.get(name, "")).split())[:limit]

    notes: dict[str, str] = {}
    for key, value in form.items():
        slug = key[len(NOTE_PREFIX) :] if key.startswith(NOTE_PREFIX) else ""
        note = " ".join(str(value).split())[:MAX_NOTE]
        if is_valid_slug(slug) and note and len(notes) < MAX_ITEMS:
            notes[slug] = note
    return SelectionDetails(
        titel=line("titel", LIMITS["titel"]),
        beschrijving=line("beschrijving", LIMITS["beschrijving"]),
        datum=line("datum", 10),
        plaats=line("plaats", LIMITS["plaats"]),
        samensteller=line("samensteller", LIMITS["samensteller"]),
        inleiding=str(form.get("inleiding", "")).replace("\r\n", "\n").strip()[:MAX_INTRO],
        notities=notes,
    )


def encode_details(details: SelectionDetails) -> str | None:
    """The cookie value, or None when the details do not fit one cookie."""
    raw = json.dumps(details.model_dump(exclude_defaults=True), ensure_ascii=False)
    packed = base64.urlsafe_b64encode(zlib.compress(raw.encode("utf-8"), 9)).decode("ascii")
    return packed if len(COOKIE) + len(packed) <= MAX_COOKIE_CHARS else None


def decode_details(value: str) -> SelectionDetails:
    """The details in a cookie value; anything malformed reads as no details."""
    if not value or len(value) > MAX_COOKIE_CHARS:
        return SelectionDetails()
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(base64.urlsafe_b64decode(value.encode("ascii")), 64_000)
        return details_from_form(_flatten(json.loads(raw.decode("utf-8"))))
    except (ValueError, binascii.Error, zlib.error, ValidationError, TypeError):
        return SelectionDetails()


def _flatten(data: object) -> dict[str, str]:
    """Stored JSON back into form fields, checked as a posted form would be."""
    if not isinstance(data, dict):
        return {}
    form = {name: data[name] for name in FIELDS if isinstance(data.get(name), str)}
    notes = data.get("notities")
    if isinstance(notes, dict):
        form.update({NOTE_PREFIX + k: v for k, v in notes.items() if isinstance(v, str)})
    return form


def read_details(request: Request) -> SelectionDetails:
    return decode_details(request.cookies.get(COOKIE) or "")
