"""``kennisbank new``: a case file to fill in, with every field explained in Dutch."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kennisbank.content.layout import CASES_DIR
from kennisbank.content.slugs import slugify
from kennisbank.content.taxonomy import Taxonomy

TEMPLATE = """\
---
# Titel: 5 tot 160 tekens. Zeg wat de aanpak doet, niet alleen hoe hij heet.
title: {title}
# Samenvatting: 20 tot 400 tekens platte tekst. Verschijnt in de zoekresultaten.
summary: ""
# Uitgangspunten (minstens één): {principles}
principles: []
# Regio's (minstens één provincie, of landelijk): {regions}
regions: []
# Plaatsen: gemeenten, dorpen of wijken, vrije tekst. Bijvoorbeeld [Utrecht, Overvecht].
places: []
# Soorten partners die samenwerken (minstens één): {partners}
partners: []
# Thema's: vrije trefwoorden in kleine letters, bijvoorbeeld [schulden, vroegsignalering].
themes: []
# Organisaties die meedoen, met hun naam.
organisations: []
# Doelgroepen in kleine letters, bijvoorbeeld ["jonge gezinnen", ouderen].
target_groups: []
# Startjaar van de aanpak (geheel getal), of leeg laten.
year:
# Contactpersoon of team, met e-mailadres.
contact:
# Bronnen: de openbare pagina's waar de feiten vandaan komen (nodig voor een echt voorbeeld).
# links:
#   - title: "Evaluatierapport"
#     url: "https://example.nl/evaluatie.pdf"
links: []
# Onderbouwing, één van: {evidence}
evidence:
# Kosten: wat kost het en wie betaalt?
costs:
# Laatste inhoudelijke wijziging (JJJJ-MM-DD).
updated: {today}
# Wanneer moet een redacteur dit voorbeeld opnieuw bekijken?
review_by: {review_by}
---
## Aanleiding

Welk probleem zagen jullie, bij wie, en waarom was de bestaande aanpak niet genoeg?

## Aanpak

Wie doet wat, wanneer, en hoe bereiken jullie de mensen om wie het gaat?

## Resultaten

Wat is er bereikt? Noem cijfers als ze er zijn, en hoe ze zijn verzameld.

## Lessen

Wat zou je een andere wijk of gemeente aanraden die hiermee wil beginnen?
"""


# The body's prompts, which an editor replaces with their own text; validate warns about
# any that are left (they read like real text, so a reviewer easily misses them).
TEMPLATE_PROMPTS = frozenset(
    line.strip()
    for line in TEMPLATE.rsplit("---\n", 1)[1].splitlines()
    if line.strip() and not line.startswith("#")
)


class CaseExistsError(FileExistsError):
    """The target file already exists; ``new`` never overwrites an editor's work."""


def new_case(
    title: str, content_dir: Path, taxonomy: Taxonomy, today: dt.date | None = None
) -> Path:
    """Write ``content/cases/<slug>.md`` from the template and return its path."""
    slug = slugify(title)
    if not slug:
        raise ValueError("de titel bevat geen letters of cijfers om een bestandsnaam van te maken")
    path = content_dir / CASES_DIR / f"{slug}.md"
    day = today or dt.date.today()
    text = TEMPLATE.format(
        title=_yaml_string(title.strip()),
        principles=", ".join(taxonomy.ids("principles")),
        regions=", ".join(taxonomy.ids("regions")),
        partners=", ".join(taxonomy.ids("partners")),
        evidence=", ".join(taxonomy.ids("evidence")),
        today=day.isoformat(),
        review_by=day.replace(year=day.year + 1, day=min(day.day, 28)).isoformat(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise CaseExistsError(
            f"{path} bestaat al; kies een andere titel of bewerk dat bestand"
        ) from None
    return path


def _yaml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
