"""Load the whole content tree: taxonomy, cases and collections, with every problem found.

Loading never raises on bad input: it returns what was valid plus a list of problems, so
``validate`` can report everything in one run and ``build`` can refuse with the same words.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kennisbank.content.files import is_inside
from kennisbank.content.frontmatter import ParseFailure
from kennisbank.content.layout import CASES_DIR, COLLECTIONS_DIR, TAXONOMY_FILE
from kennisbank.content.models import Case, Collection
from kennisbank.content.problems import ContentError, Problem, suggest
from kennisbank.content.taxonomy import Taxonomy, load_taxonomy
from kennisbank.content.validation import check_case_file, check_collection_file

__all__ = ["CASES_DIR", "COLLECTIONS_DIR", "TAXONOMY_FILE", "ContentTree", "load_content"]
MAX_FILES = 200_000


@dataclass
class ContentTree:
    """Everything read from ``content/``: valid objects and the problems of the rest."""

    taxonomy: Taxonomy | None
    cases: dict[str, Case] = field(default_factory=dict)
    collections: dict[str, Collection] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    case_files: int = 0
    case_slugs: set[str] = field(default_factory=set)  # every case file, valid or not
    collection_files: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def summary(self) -> str:
        """The one-line verdict, e.g. ``48 cases, 3 collections, 0 errors`` or ``1 error``.

        Scripts match this line, so it is English with regular plurals:
        ``\\d+ cases?, \\d+ collections?, \\d+ errors?(, \\d+ warnings?)?``.
        """
        line = ", ".join(
            counted(n, noun)
            for n, noun in (
                (self.case_files, "case"),
                (self.collection_files, "collection"),
                (len(self.errors), "error"),
            )
        )
        if self.warnings:
            line += ", " + counted(len(self.warnings), "warning")
        return line

    def require_valid(self) -> ContentTree:
        """Raise ContentError with every problem unless the tree has no errors."""
        if self.errors or self.taxonomy is None:
            raise ContentError(self.problems)
        return self


def content_files(directory: Path, problems: list[Problem] | None = None) -> list[Path]:
    """Markdown files below a folder, sorted; hidden files and folders are skipped.

    A folder that cannot be read is not silently empty (``os.walk`` drops the error by
    default): it is added to ``problems`` with its path, so nothing built from it is
    published as if its cases were deleted.
    """
    if not directory.is_dir():
        return []
    found: list[Path] = []

    def unreadable(error: OSError) -> None:
        if problems is not None:
            problems.append(
                Problem(
                    path=str(error.filename or directory),
                    code="unreadable-folder",
                    message=f"map kan niet gelezen worden ({error.strerror or error})",
                )
            )

    for root, dirs, files in os.walk(directory, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [
            Path(root) / name
            for name in sorted(files)
            if name.endswith(".md") and not name.startswith(".")
        ]
        if len(found) > MAX_FILES:
            break
    return found


def outside_problem(path: Path, root: Path, shown: str) -> Problem | None:
    """A symlink that leads out of the content folder is refused, never followed."""
    if is_inside(path, root):
        return None
    return Problem(
        path=shown,
        code="outside-content",
        message="verwijst (via een symbolische link) naar een bestand buiten de contentmap; "
        "alleen bestanden in de contentmap worden gelezen",
    )


def load_content(
    content_dir: Path, today: dt.date | None = None, skip: Callable[[Path], bool] | None = None
) -> ContentTree:
    """Read and check every file under ``content_dir``; never raises for bad content.

    ``skip`` names case files an incremental build already holds unchanged: they count as
    existing (for slugs and collection references) but are not parsed again.
    """
    problems: list[Problem] = []
    taxonomy_path = content_dir / TAXONOMY_FILE
    if not content_dir.is_dir():
        problems.append(
            Problem(
                path=str(content_dir), code="no-content", message="map met content bestaat niet"
            )
        )
        return ContentTree(taxonomy=None, problems=problems)
    outside = outside_problem(taxonomy_path, content_dir, str(taxonomy_path))
    if outside is not None:
        return ContentTree(taxonomy=None, problems=[outside])
    try:
        taxonomy = load_taxonomy(taxonomy_path, str(taxonomy_path))
    except ParseFailure as failure:
        problems += failure.problems
        return ContentTree(taxonomy=None, problems=problems)
    tree = ContentTree(taxonomy=taxonomy, problems=problems)
    cases_dir = content_dir / CASES_DIR
    if not cases_dir.is_dir():
        # A moved or misspelt folder is not "every case deleted" (git cannot hold an
        # empty folder, so a missing collections/ folder only means no collections).
        tree.problems.append(
            Problem(
                path=str(cases_dir),
                code="no-cases-folder",
                message="map met voorbeelden bestaat niet of is geen map",
            )
        )
    _load_cases(tree, content_dir, today, skip)
    _load_collections(tree, content_dir)
    tree.problems.sort(key=lambda p: (p.path, p.line or 0))
    return tree


def _load_cases(
    tree: ContentTree, content_dir: Path, today: dt.date | None, skip: Callable[[Path], bool] | None
) -> None:
    assert tree.taxonomy is not None
    directory = content_dir / CASES_DIR
    files = content_files(directory, tree.problems)
    if len(files) > MAX_FILES:
        tree.problems.append(
            Problem(
                path=str(directory),
                code="too-many-files",
                message=f"meer dan {MAX_FILES} bestanden; splits de content",
            )
        )
        files = files[:MAX_FILES]
    tree.case_files += len(files)
    for path, shown in _unique_slugs(tree, files):
        tree.case_slugs.add(path.stem)
        if (outside := outside_problem(path, content_dir, shown)) is not None:
            tree.problems.append(outside)
            continue
        if skip is not None and skip(path):
            continue
        case, problems = check_case_file(path, shown, tree.taxonomy, today)
        tree.problems += problems
        if case is not None:
            tree.cases[case.slug] = case


def _unique_slugs(tree: ContentTree, files: list[Path]) -> Iterator[tuple[Path, str]]:
    """Files with their shown path; a second file with the same slug is an error instead."""
    first_seen: dict[str, str] = {}
    for path in files:
        shown = str(path)
        if path.stem in first_seen:
            tree.problems.append(
                Problem(
                    path=shown,
                    code="duplicate-slug",
                    message=f"slug '{path.stem}' bestaat al in {first_seen[path.stem]}; "
                    "kies een andere bestandsnaam",
                )
            )
            continue
        first_seen[path.stem] = shown
        yield path, shown


def _load_collections(tree: ContentTree, content_dir: Path) -> None:
    assert tree.taxonomy is not None
    directory = content_dir / COLLECTIONS_DIR
    # A collection may name a case file that has errors of its own: those are reported
    # once, on the case file, rather than again on every collection that lists it.
    known = sorted(tree.case_slugs)
    files = content_files(directory, tree.problems)
    tree.collection_files += len(files)
    for path, shown in _unique_slugs(tree, files):
        if (outside := outside_problem(path, content_dir, shown)) is not None:
            tree.problems.append(outside)
            continue
        collection, document, problems = check_collection_file(path, shown, tree.taxonomy)
        tree.problems += problems
        if collection is None or document is None:
            continue
        reference_problems: list[Problem] = []
        seen: set[str] = set()
        for index, entry in enumerate(collection.cases):
            line = document.line_of(("cases", index))
            if entry.slug not in known:
                close = suggest(entry.slug, known)
                hint = f"; bedoelde je {' of '.join(repr(c) for c in close)}?" if close else ""
                reference_problems.append(
                    Problem(
                        path=shown,
                        line=line,
                        code="unknown-case",
                        message=f"collectie noemt '{entry.slug}', maar dat voorbeeld bestaat niet "
                        f"in content/cases{hint}",
                    )
                )
            elif entry.slug in seen:
                reference_problems.append(
                    Problem(
                        path=shown,
                        line=line,
                        code="duplicate-entry",
                        message=f"'{entry.slug}' staat twee keer in deze collectie",
                    )
                )
            seen.add(entry.slug)
        tree.problems += reference_problems
        if not reference_problems:
            tree.collections[collection.slug] = collection


def counted(n: int, noun: str) -> str:
    """``1 error``, ``2 errors``: a count with its noun in the singular only for one."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
