"""Pydantic models for a case and a collection: the rules of the content format in one place.

The validator runs these models and translates their errors into Dutch, located messages, so
a rule is written once. Taxonomy ids are checked against the taxonomy passed in the
validation context (``{"taxonomy": Taxonomy}``), never against a list in code.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from kennisbank.content.slugs import is_valid_slug
from kennisbank.content.taxonomy import FACET_FIELDS, SINGLE_ID_FIELDS, Taxonomy

HTML_TAG_RE = re.compile(r"</?[a-zA-Z!][^>]*>")
MIN_YEAR = 1950


def _date_only(value: Any) -> Any:
    """Accept a YAML date or an ISO string, never a number (pydantic reads those as epochs)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError("date_format", "geen geldige datum") from None
    raise PydanticCustomError("date_format", "geen geldige datum")


def _strict_int(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("int_type", "geen geheel getal")
    return value


def _in_vocabulary(value: str, info: ValidationInfo) -> str:
    """Check an id against the vocabulary that the field being validated draws from."""
    field = str(info.field_name)
    vocabulary = FACET_FIELDS.get(field) or SINGLE_ID_FIELDS[field]
    _check_id(_taxonomy(info), vocabulary, value)
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_date_only)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


class Link(BaseModel):
    """A link to a report, website or document about the case."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]

    @field_validator("url")
    @classmethod
    def _http_only(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE):
            raise PydanticCustomError("url_scheme", "url moet beginnen met http:// of https://")
        return value


class CaseFrontMatter(BaseModel):
    """The front matter of ``content/cases/<slug>.md``: exactly the fields of the format."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=160)]
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=20, max_length=400)]
    principles: Annotated[list[Annotated[str, AfterValidator(_in_vocabulary)]], Field(min_length=1)]
    regions: Annotated[list[Annotated[str, AfterValidator(_in_vocabulary)]], Field(min_length=1)]
    partners: Annotated[list[Annotated[str, AfterValidator(_in_vocabulary)]], Field(min_length=1)]
    places: list[Tag] = []
    themes: list[Tag] = []
    organisations: list[Tag] = []
    year: Annotated[int, BeforeValidator(_strict_int)] | None = None
    contact: Text | None = None
    links: list[Link] = []
    target_groups: list[Tag] = []
    evidence: Annotated[str, AfterValidator(_in_vocabulary)] | None = None
    costs: Text | None = None
    updated: IsoDate | None = None
    review_by: IsoDate | None = None
    status: str | None = None

    @field_validator("summary")
    @classmethod
    def _plain_text(cls, value: str) -> str:
        if HTML_TAG_RE.search(value):
            raise PydanticCustomError(
                "plain_text", "samenvatting moet platte tekst zijn, zonder HTML"
            )
        return value

    @field_validator("principles", "regions", "partners")
    @classmethod
    def _no_repeats(cls, values: list[str]) -> list[str]:
        if len(set(values)) != len(values):
            raise PydanticCustomError("duplicate_item", "bevat hetzelfde id twee keer")
        return values

    @field_validator("themes", "target_groups")
    @classmethod
    def _lowercase(cls, values: list[str]) -> list[str]:
        for value in values:
            if value != value.lower():
                raise PydanticCustomError(
                    "lowercase",
                    "gebruik kleine letters: '{suggestion}'",
                    {"suggestion": value.lower()},
                )
        return values

    @field_validator("year")
    @classmethod
    def _year_range(cls, value: int | None) -> int | None:
        this_year = dt.date.today().year
        if value is not None and not MIN_YEAR <= value <= this_year:
            raise PydanticCustomError(
                "year_range",
                "jaar moet tussen {low} en {high} liggen",
                {"low": MIN_YEAR, "high": this_year},
            )
        return value

    @field_validator("status")
    @classmethod
    def _status(cls, value: str | None) -> str | None:
        if value is not None and value != "voorbeeld":
            raise PydanticCustomError("status_value", "de enige geldige status is 'voorbeeld'")
        return value


class Case(CaseFrontMatter):
    """A validated case with the parts that come from the file rather than the front matter."""

    slug: str
    body: str
    path: str


class CollectionEntry(BaseModel):
    """One case in a collection, with the curator's optional note."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""

    @field_validator("slug")
    @classmethod
    def _slug_shape(cls, value: str) -> str:
        if not is_valid_slug(value):
            raise PydanticCustomError(
                "slug_format", "'{value}' is geen geldige slug", {"value": value}
            )
        return value


def _entry(value: Any) -> Any:
    return {"slug": value} if isinstance(value, str) else value


class CollectionFrontMatter(BaseModel):
    """The front matter of ``content/collections/<slug>.md``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=160)]
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=600)] = ""
    date: IsoDate | None = None
    location: Text | None = None
    curator: Text | None = None
    cases: Annotated[list[Annotated[CollectionEntry, BeforeValidator(_entry)]], Field(min_length=1)]


class Collection(CollectionFrontMatter):
    """A validated collection: its entries name existing cases, in the curator's order."""

    slug: str
    body: str
    path: str


def _taxonomy(info: ValidationInfo) -> Taxonomy:
    context = info.context or {}
    taxonomy = context.get("taxonomy")
    if not isinstance(taxonomy, Taxonomy):
        raise RuntimeError("case validation needs the taxonomy in its context")
    return taxonomy


def _check_id(taxonomy: Taxonomy, vocabulary: str, value: str) -> None:
    if value in taxonomy.ids(vocabulary):
        return
    closest = taxonomy.closest(vocabulary, value)
    hint = (
        f"bedoelde je {' of '.join(repr(c) for c in closest)}?"
        if closest
        else "geldig zijn: " + ", ".join(taxonomy.ids(vocabulary))
    )
    raise PydanticCustomError(
        "unknown_id",
        "onbekend id '{value}' in {vocabulary}; {hint}",
        {"value": value, "vocabulary": vocabulary, "hint": hint},
    )
