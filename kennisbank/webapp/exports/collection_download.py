"""The collection file an organiser downloads from "Mijn selectie".

It asks for what the collection format has, and only writes what was given: ``date`` is
the event's date (the handout's cover prints it), so it is never the download day; there
are fields for the place, the curator, an introduction and a note per case. Kept apart
from ``selection.py`` (reading the list), which only supplies the cases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

import yaml
from fastapi import HTTPException

from kennisbank.content.slugs import slugify
from kennisbank.search.catalog import CollectionRecord

# Longest value accepted per form field (the format's own limits where it has them).
LIMITS = {"titel": 160, "beschrijving": 600, "plaats": 200, "samensteller": 200}
MAX_NOTE = 2000
MAX_INTRO = 10_000
NOTE_PREFIX = "notitie-"


def event_date(value: str) -> dt.date | None:
    """The event date from the form (``JJJJ-MM-DD``), or None when left empty.

    A date that is malformed or does not exist is refused with a message, rather than
    written into a file that ``kennisbank validate`` would then reject.
    """
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10]) if len(value) == 10 else _bad_date(value)
    except ValueError:
        return _bad_date(value)


def _bad_date(value: str) -> dt.date:
    raise HTTPException(
        400, f"De datum ‘{value[:20]}’ bestaat niet; gebruik JJJJ-MM-DD, bijvoorbeeld 2026-03-12."
    )


def collection_title(value: str) -> str:
    title = " ".join(value.split())[: LIMITS["titel"]] or "Mijn selectie"
    return title if len(title) >= 5 else f"Selectie: {title}"


def download_name(title: str, taken: Collection[str]) -> tuple[str, str]:
    """(file name, the taken slug it avoids or ""): a name no published collection has.

    The file goes into ``content/collections/``; under the slug of its title it would
    overwrite a collection of the same name, so the first free ``<slug>-2``, ``-3`` … is used.
    """
    base = slugify(collection_title(title)) or "selectie"
    if base not in taken:
        return f"{base}.md", ""
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}.md", base


def collection_download(
    selection: CollectionRecord, form: Mapping[str, str], taken: Collection[str] = ()
) -> tuple[str, str]:
    """A ready-to-commit ``content/collections/<slug>.md`` and its file name.

    ``form`` holds the download form's fields: ``titel``, ``beschrijving``, ``datum``,
    ``plaats``, ``samensteller``, ``inleiding`` and ``notitie-<slug>`` per case; ``taken``
    the slugs of the published collections, which the file name avoids (and says so).
    """

    def field(name: str) -> str:
        return " ".join(form.get(name, "").split())[: LIMITS[name]]

    title = collection_title(form.get("titel", ""))
    data: dict[str, object] = {"title": title}
    if field("beschrijving"):
        data["description"] = field("beschrijving")
    date = event_date(form.get("datum", ""))
    if date is not None:
        data["date"] = date
    if field("plaats"):
        data["location"] = field("plaats")
    if field("samensteller"):
        data["curator"] = field("samensteller")
    entries: list[object] = []
    for item in selection.items:
        note = " ".join(form.get(NOTE_PREFIX + item.slug, "").split())[:MAX_NOTE]
        entries.append({"slug": item.slug, "note": note} if note else item.slug)
    data["cases"] = entries
    front = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    intro = form.get("inleiding", "").replace("\r\n", "\n").strip()[:MAX_INTRO]
    name, avoided = download_name(title, taken)
    if avoided:
        # a YAML comment: the editor who commits the file reads why it has this name
        front = (
            f"# Er bestaat al een collectie '{avoided}'; dit bestand heet daarom '{name}'.\n"
            + front
        )
    return f"---\n{front}---\n" + (f"{intro}\n" if intro else ""), name
