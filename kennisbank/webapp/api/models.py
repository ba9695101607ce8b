"""The JSON API's response shapes, as OpenAPI documents them and as every answer is checked.

Why typed models rather than ``dict``: ``/openapi.json`` is what API clients generate code
from and what the schema tests (schemathesis) hold every answer against. A ``dict`` there
documents "any object", so no answer could ever violate it. Every model forbids keys it
does not name, so a field added to an answer without being documented here fails the
response validation (a 500 in the tests), and the documentation cannot fall behind.

Field names are the content format's (English); descriptions are Dutch, for the API docs.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ApiModel(BaseModel):
    """Answers name exactly their documented keys: no more, no fewer."""

    model_config = ConfigDict(extra="forbid")


class LinkOut(ApiModel):
    title: str
    url: str


class SearchResultOut(ApiModel):
    """One hit, the fields ``kennisbank search --json`` prints."""

    slug: str
    title: str
    score: float = Field(description="Hoe goed het voorbeeld past (hoger is beter).")
    principles: list[str]
    regions: list[str]
    partners: list[str]


class SearchResponse(ApiModel):
    query: str = Field(description="De zoekvraag zoals gezocht (opgeschoond).")
    match: Literal["strong", "weak", "none"] = Field(
        description="'strong': er zijn voorbeelden die over de vraag gaan; 'weak': geen "
        "voorbeeld gaat erover, de resultaten zijn de (hoogstens vijf) voorbeelden die qua "
        "betekenis het dichtst in de buurt komen; 'none': niets komt in de buurt."
    )
    total: int = Field(
        description="Aantal voorbeelden dat over de vraag gaat en aan de filters voldoet "
        "(bij 'weak': het aantal dichtstbijzijnde)."
    )
    results: list[SearchResultOut] = Field(description="Beste eerst.")
    facets: dict[str, dict[str, int]] = Field(
        description="Per facet (principle, region, partner): aantal voorbeelden per id, "
        "met de filters van de andere facetten toegepast."
    )
    index: str = Field(description="De indexversie die antwoordde.")


class CaseSummary(ApiModel):
    """A case's front-matter fields and its public URL (lists, exports, collections)."""

    slug: str
    title: str
    summary: str
    principles: list[str]
    regions: list[str]
    partners: list[str]
    places: list[str]
    themes: list[str]
    organisations: list[str]
    year: int | None
    contact: str | None
    links: list[LinkOut]
    target_groups: list[str]
    evidence: str | None
    costs: str | None
    updated: str | None
    review_by: str | None
    status: str | None
    url: str = Field(description="De pagina van het voorbeeld op deze site.")


class CaseDetail(CaseSummary):
    """``/api/cases/{slug}``: the summary fields plus the text, as Markdown and as HTML."""

    body: str = Field(description="De tekst als Markdown, zoals in het bestand.")
    html: str = Field(description="De tekst als veilige HTML.")
    index: str


class CasesPage(ApiModel):
    total: int
    offset: int
    limit: int
    licence: str
    index: str
    cases: list[CaseSummary]


class CasesExport(ApiModel):
    licence: str
    source: str = Field(description="De site waar deze export vandaan komt.")
    index: str
    cases: list[CaseSummary]


class CollectionEntryOut(ApiModel):
    slug: str
    note: str = Field(description="De notitie van de samensteller bij dit voorbeeld.")
    case: CaseSummary | None = Field(description="Leeg als het voorbeeld niet meer bestaat.")


class CollectionFields(ApiModel):
    """What a collection and its entry in the list both start with (fields in this order)."""

    slug: str
    title: str
    description: str
    date: str | None
    location: str | None
    curator: str | None


class CollectionOut(CollectionFields):
    body: str
    url: str
    licence: str
    cases: list[CollectionEntryOut] = Field(description="In de volgorde van de samensteller.")


class CollectionListItem(CollectionFields):
    url: str
    cases: int = Field(description="Aantal voorbeelden in de collectie.")


class CollectionsList(ApiModel):
    total: int
    index: str
    collections: list[CollectionListItem] = Field(description="Nieuwste bijeenkomst eerst.")


class Health(ApiModel):
    status: Literal["ok"]
    cases: int
    index: str
