"""The controlled vocabularies, read from ``content/taxonomy.yml``.

The taxonomy is data: the code knows which case fields are checked against which vocabulary,
but no id. Editors extend a vocabulary by adding a line to the YAML file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from kennisbank.content.characters import nearest_line, value_problems
from kennisbank.content.frontmatter import ParseFailure, load_yaml, read_text
from kennisbank.content.problems import Problem
from kennisbank.content.slugs import is_valid_slug
from kennisbank.text.folding import fold_ascii

# Case field -> vocabulary name. These are format field names, not taxonomy ids.
FACET_FIELDS: dict[str, str] = {
    "principles": "principles",
    "regions": "regions",
    "partners": "partners",
}
SINGLE_ID_FIELDS: dict[str, str] = {"evidence": "evidence"}
REQUIRED_VOCABULARIES = ("principles", "regions", "partners", "evidence")


class Term(BaseModel):
    """One vocabulary entry."""

    id: str
    label: str
    description: str = ""
    # Other words people use for it ("Friesland" for Fryslân): searched like the label.
    synonyms: list[str] = []


class Taxonomy(BaseModel):
    """All vocabularies, in file order (the order the site shows them in)."""

    vocabularies: dict[str, list[Term]]

    def ids(self, vocabulary: str) -> list[str]:
        return [term.id for term in self.vocabularies.get(vocabulary, [])]

    def label(self, vocabulary: str, term_id: str) -> str:
        for term in self.vocabularies.get(vocabulary, []):
            if term.id == term_id:
                return term.label
        return term_id

    def labels(self, vocabulary: str) -> dict[str, str]:
        return {term.id: term.label for term in self.vocabularies.get(vocabulary, [])}

    def words(self, vocabulary: str, term_id: str) -> list[str]:
        """The label and synonyms of an id: what a searcher may type for it."""
        for term in self.vocabularies.get(vocabulary, []):
            if term.id == term_id:
                return [term.label, *term.synonyms]
        return []

    def closest(self, vocabulary: str, value: str, limit: int = 3) -> list[str]:
        """Valid ids nearest to a wrong one, matching ids and (folded) labels alike."""
        import difflib

        wanted = fold_ascii(str(value)).lower().strip()
        by_key: dict[str, str] = {}
        for term in self.vocabularies.get(vocabulary, []):
            by_key.setdefault(term.id, term.id)
            by_key.setdefault(fold_ascii(term.label).lower(), term.id)
        hits = difflib.get_close_matches(wanted, list(by_key), n=limit * 2, cutoff=0.55)
        contained = [key for key in by_key if wanted and (wanted in key or key in wanted)]
        result: list[str] = []
        for key in hits + contained:
            if by_key[key] not in result:
                result.append(by_key[key])
        return result[:limit]


def load_taxonomy(path: Path, shown: str | None = None) -> Taxonomy:
    """Parse and check the taxonomy file; raises ParseFailure with every problem found."""
    shown = shown or str(path)
    text = read_text(path, shown)
    data, lines = load_yaml(text, shown, first_line=1)
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise ParseFailure(
            [
                Problem(
                    path=shown,
                    line=1,
                    code="taxonomy-shape",
                    message="taxonomie moet lijsten bevatten: principles, "
                    "regions, partners, evidence",
                )
            ]
        )
    problems += value_problems(data, nearest_line(lines), shown)
    vocabularies: dict[str, list[Term]] = {}
    for name, entries in data.items():
        terms = _parse_vocabulary(str(name), entries, lines, shown, problems)
        vocabularies[str(name)] = terms
    for name in REQUIRED_VOCABULARIES:
        if name not in vocabularies:
            problems.append(
                Problem(
                    path=shown,
                    line=1,
                    code="taxonomy-missing",
                    message=f"lijst '{name}' ontbreekt in de taxonomie",
                )
            )
    if problems:
        raise ParseFailure(problems)
    return Taxonomy(vocabularies=vocabularies)


def _parse_vocabulary(
    name: str,
    entries: Any,
    lines: dict[tuple[str | int, ...], int],
    shown: str,
    problems: list[Problem],
) -> list[Term]:
    line = lines.get((name,), 1)
    if not isinstance(entries, dict) or not entries:
        problems.append(
            Problem(
                path=shown,
                line=line,
                code="taxonomy-shape",
                message=f"'{name}' moet ids met labels bevatten, "
                "bijvoorbeeld 'utrecht: \"Utrecht\"'",
            )
        )
        return []
    terms: list[Term] = []
    for term_id, value in entries.items():
        key = str(term_id)
        term_line = lines.get((name, key), line)
        if not is_valid_slug(key):
            problems.append(
                Problem(
                    path=shown,
                    line=term_line,
                    code="taxonomy-id",
                    message=f"id '{key}' in '{name}' mag alleen kleine letters, "
                    "cijfers en koppeltekens bevatten",
                )
            )
            continue
        if isinstance(value, str) and value.strip():
            terms.append(Term(id=key, label=value.strip()))
        elif (
            isinstance(value, dict)
            and isinstance(value.get("label"), str)
            and set(value) <= {"label", "description", "synonyms"}
            and _is_word_list(value.get("synonyms", []))
        ):
            description = value.get("description", "")
            terms.append(
                Term(
                    id=key,
                    label=value["label"].strip(),
                    description=str(description or "").strip(),
                    synonyms=[w.strip() for w in value.get("synonyms") or [] if w.strip()],
                )
            )
        else:
            problems.append(
                Problem(
                    path=shown,
                    line=term_line,
                    code="taxonomy-label",
                    message=f"'{name}.{key}' heeft een label nodig: een tekst, "
                    "of {label: ..., description: ..., synonyms: [...]}",
                )
            )
    return terms


def _is_word_list(value: Any) -> bool:
    """``synonyms`` is absent, empty or a list of texts."""
    return value is None or (
        isinstance(value, list) and all(isinstance(w, str) and len(w) <= 80 for w in value)
    )
