"""Check one case or collection file and say, in Dutch, exactly what is wrong and where.

Rules live in the pydantic models; this module runs them, translates each error into a
located message that says what would be valid, and adds the checks a model cannot make on
its own (file name, stale review date, recommended sections).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from kennisbank.content.characters import body_problems, value_problems
from kennisbank.content.frontmatter import Document, ParseFailure, parse_document, read_text
from kennisbank.content.models import Case, CaseFrontMatter, Collection, CollectionFrontMatter
from kennisbank.content.problems import Problem
from kennisbank.content.scaffold import TEMPLATE_PROMPTS
from kennisbank.content.sections import missing_recommended
from kennisbank.content.slugs import is_valid_slug, slugify
from kennisbank.content.taxonomy import Taxonomy

_TYPE_NAMES = {
    "string_type": "tekst",
    "list_type": "een lijst, bijvoorbeeld [a, b]",
    "int_type": "een geheel getal",
    "int_parsing": "een geheel getal",
    "int_from_float": "een geheel getal",
    "model_type": "velden 'naam: waarde'",
    "model_attributes_type": "velden 'naam: waarde'",
    "dict_type": "velden 'naam: waarde'",
    "date_format": "een datum als JJJJ-MM-DD",
}


def check_case_file(
    path: Path, shown: str, taxonomy: Taxonomy, today: dt.date | None = None
) -> tuple[Case | None, list[Problem]]:
    """Parse and validate a case file; returns the case (if valid) and every problem found."""
    document, problems = _read(path, shown)
    if document is None:
        return None, problems
    characters = _character_problems(document, shown)
    problems += _slug_problems(path, shown) + characters
    fields, model_problems = _validate(CaseFrontMatter, document, shown, taxonomy)
    problems += _not_on_lines(model_problems, characters)
    problems += _case_warnings(document, shown, today or dt.date.today())
    if fields is None or any(p.severity == "error" for p in problems):
        return None, problems
    case = Case.model_construct(**dict(fields), slug=path.stem, body=document.body, path=shown)
    return case, problems


def check_collection_file(
    path: Path, shown: str, taxonomy: Taxonomy
) -> tuple[Collection | None, Document | None, list[Problem]]:
    """Parse and validate a collection file; case references are checked by the caller."""
    document, problems = _read(path, shown)
    if document is None:
        return None, None, problems
    characters = _character_problems(document, shown)
    problems += _slug_problems(path, shown) + characters
    fields, model_problems = _validate(CollectionFrontMatter, document, shown, taxonomy)
    problems += _not_on_lines(model_problems, characters)
    if fields is None or problems:
        return None, document, problems
    collection = Collection.model_construct(
        **dict(fields), slug=path.stem, body=document.body, path=shown
    )
    return collection, document, problems


def _read(path: Path, shown: str) -> tuple[Document | None, list[Problem]]:
    try:
        return parse_document(read_text(path, shown), shown), []
    except ParseFailure as failure:
        return None, list(failure.problems)


def _character_problems(document: Document, shown: str) -> list[Problem]:
    return value_problems(document.data, document.line_of, shown) + body_problems(
        document.body, document.body_line, shown
    )


def _not_on_lines(problems: list[Problem], reported: list[Problem]) -> list[Problem]:
    """Drop what a value's control character already explains (``"http://\x0bjavascript:"``
    is reported once, for the character, not again as a bad URL)."""
    lines = {p.line for p in reported}
    return [p for p in problems if p.line not in lines]


def _slug_problems(path: Path, shown: str) -> list[Problem]:
    if is_valid_slug(path.stem):
        return []
    hint = slugify(path.stem)
    suggestion = f"; hernoem het bestand naar '{hint}{path.suffix}'" if hint else ""
    return [
        Problem(
            path=shown,
            code="invalid-slug",
            message=f"bestandsnaam '{path.stem}' is geen geldige slug: gebruik kleine "
            f"letters, cijfers en enkele koppeltekens{suggestion}",
        )
    ]


def _validate(
    model: type[BaseModel], document: Document, shown: str, taxonomy: Taxonomy
) -> tuple[Any, list[Problem]]:
    try:
        return model.model_validate(document.data, context={"taxonomy": taxonomy}), []
    except ValidationError as exc:
        problems = [_translate(error, document, shown, model) for error in exc.errors()]
        problems.sort(key=lambda p: p.line or 0)
        return None, problems


def _translate(error: Any, document: Document, shown: str, model: type[BaseModel]) -> Problem:
    """Turn one pydantic error into a Dutch message at the line of the offending value."""
    loc: tuple[str | int, ...] = tuple(error["loc"])
    owner = _owning_model(model, loc)
    allowed = list(owner.model_fields)
    kind: str = error["type"]
    name = _field_name(loc)
    value = error.get("input")
    line = document.line_of(loc)
    if kind == "missing":
        parent = loc[:-1]
        line = document.line_of(parent) if parent else 1
        message = f"verplicht veld '{name}' ontbreekt"
    elif kind == "extra_forbidden":
        key = str(loc[-1])
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f"bedoelde je '{close[0]}'?" if close else "geldige velden: " + ", ".join(allowed)
        message = f"onbekend veld '{key}'; {hint}"
    elif kind in ("string_too_short", "string_too_long"):
        length = len(value.strip()) if isinstance(value, str) else 0
        low, high = _length_bounds(owner, str(loc[-1]))
        message = f"'{name}' is {length} tekens lang; {low}–{high} tekens is toegestaan"
    elif kind == "invalid_key":
        message = f"veldnaam '{loc[-1]}' moet tekst zijn, bijvoorbeeld 'title'"
    elif kind == "too_short":
        message = f"'{name}' moet minstens één waarde bevatten"
    elif kind == "date_from_datetime_parsing" or (kind == "date_format" and _impossible(value)):
        message = f"'{name}': de datum {value} bestaat niet"
        kind = "date-impossible"
    elif kind in _TYPE_NAMES:
        message = f"'{name}' moet {_TYPE_NAMES[kind]} zijn, niet {_describe(value)}"
    else:
        message = f"'{name}': {error['msg']}"
    return Problem(path=shown, line=line, code=kind.replace("_", "-"), message=message)


def _impossible(value: Any) -> bool:
    """A JJJJ-MM-DD text that names no day, such as 2027-02-30 (the format is right)."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return False
    try:
        dt.date.fromisoformat(value.strip())
    except ValueError:
        return True
    return False


def _owning_model(model: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel]:
    """The (nested) model whose field a location names: ('links', 0, 'url') -> Link."""
    current = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        nested = _nested_model(field.annotation) if field else None
        if nested is None:
            break
        current = nested
    return current


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """Find a BaseModel inside list[...] / Annotated[...] / Optional[...] annotations."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()) or ():
        found = _nested_model(argument)
        if found is not None:
            return found
    origin = getattr(annotation, "__origin__", None)
    return _nested_model(origin) if origin not in (None, list) else None


def _length_bounds(model: type[BaseModel], name: str) -> tuple[str, str]:
    """The field's own length rule, so both ends are named whichever one was broken."""
    low: Any = 0
    high: Any = "…"
    field = model.model_fields.get(name)
    for item in field.metadata if field else []:
        low = getattr(item, "min_length", None) or low
        high = getattr(item, "max_length", None) or high
    return str(low), str(high)


def _field_name(loc: tuple[str | int, ...]) -> str:
    name = ""
    for part in loc:
        if isinstance(part, int):
            name += f"[{part + 1}]"
        else:
            name += f".{part}" if name else part
    return name or "front matter"


def _describe(value: Any) -> str:
    if value is None:
        return "leeg"
    if isinstance(value, bool):
        return f"ja/nee ({str(value).lower()})"
    if isinstance(value, dict):
        return "een mapping"
    if isinstance(value, list):
        return "een lijst"
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _future_update(document: Document, shown: str, today: dt.date) -> list[Problem]:
    """``updated`` says when the text was last revised; a date to come is a typo (the feed
    and the sort by newest would put the case on top for months)."""
    updated = _as_date(document.data.get("updated"))
    if updated is None or updated <= today:
        return []
    return [
        Problem(
            path=shown,
            line=document.line_of(("updated",)),
            code="future-updated",
            severity="warning",
            message=f"updated {updated.isoformat()} ligt in de toekomst: gebruik de datum "
            f"van de laatste inhoudelijke wijziging (vandaag is {today.isoformat()})",
        )
    ]


def _case_warnings(document: Document, shown: str, today: dt.date) -> list[Problem]:
    warnings: list[Problem] = []
    review_by = document.data.get("review_by")
    if isinstance(review_by, str):
        try:
            review_by = dt.date.fromisoformat(review_by)
        except ValueError:
            review_by = None
    if isinstance(review_by, dt.datetime):
        review_by = review_by.date()
    if isinstance(review_by, dt.date) and review_by < today:
        warnings.append(
            Problem(
                path=shown,
                line=document.line_of(("review_by",)),
                code="stale",
                severity="warning",
                message=f"review_by {review_by.isoformat()} is verstreken: "
                "controleer het voorbeeld en zet een nieuwe datum",
            )
        )
    warnings += _future_update(document, shown, today)
    warnings += _leftover_prompts(document, shown)
    warnings += _unsourced(document, shown)
    missing = missing_recommended(document.body)
    if missing:
        names = ", ".join(f"'## {name}'" for name in missing)
        warnings.append(
            Problem(
                path=shown,
                line=document.body_line,
                code="missing-sections",
                severity="warning",
                message=f"aanbevolen secties ontbreken: {names}",
            )
        )
    return warnings


def _unsourced(document: Document, shown: str) -> list[Problem]:
    """A real case names its public sources; only an illustrative one may have none.

    Any ``status`` counts: a wrong one is already an error that names the valid value.
    """
    links = document.data.get("links")
    if "status" in document.data or (isinstance(links, list) and links):
        return []
    return [
        Problem(
            path=shown,
            line=document.line_of(("links",)),  # line 1 when there is no links field
            code="no-sources",
            severity="warning",
            message="geen bronnen onder 'links': een echt praktijkvoorbeeld noemt de "
            "openbare bronnen van zijn feiten; een verzonnen voorbeeld krijgt "
            "'status: voorbeeld'",
        )
    ]


def _leftover_prompts(document: Document, shown: str) -> list[Problem]:
    """A question from ``kennisbank new``'s template still in the body, at its line."""
    return [
        Problem(
            path=shown,
            line=document.body_line + number,
            code="template-prompt",
            severity="warning",
            message=f"de vraag uit het sjabloon staat er nog: '{line.strip()[:60]}'; "
            "vervang die door jullie eigen tekst",
        )
        for number, line in enumerate(document.body.splitlines())
        if line.strip() in TEMPLATE_PROMPTS
    ]
