"""One test per kind of content defect: the exact ``path:line`` that is printed and the code.

Line numbers count from 1 at the opening ``---``; see conftest.py for the layout of the
cases made by ``valid_case_text``.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from conftest import (
    FIXTURE_CONTENT,
    OMIT,
    SECTIONS_BODY,
    VALID_CASE_FIELDS,
    ContentTreeFactory,
    collection_text,
    expect_problem,
    formatted,
    valid_case_text,
)
from typer.testing import CliRunner

from kennisbank.cli import app
from kennisbank.content.loading import ContentTree, load_content

TODAY = dt.date(2026, 6, 15)


def load_one(
    content_tree: ContentTreeFactory, text: str | bytes, name: str = "budgetcoach.md"
) -> tuple[ContentTree, Path]:
    """A tree holding one case file; returns the loaded tree and the file's path."""
    root = content_tree(cases={name: text})
    return load_content(root, today=TODAY), root / "cases" / name


def error_codes(tree: ContentTree) -> list[str]:
    return [p.code for p in tree.errors]


# --- the baseline ---------------------------------------------------------------------


def test_valid_case_has_no_problems(content_tree: ContentTreeFactory) -> None:
    tree, _ = load_one(content_tree, valid_case_text())
    assert tree.problems == []
    assert list(tree.cases) == ["budgetcoach"]
    assert tree.summary() == "1 case, 0 collections, 0 errors"


def test_bundled_content_validates_without_errors() -> None:
    tree = load_content(FIXTURE_CONTENT)
    assert tree.taxonomy is not None
    assert tree.errors == [], "\n".join(p.format() for p in tree.errors)
    case_files = sorted((FIXTURE_CONTENT / "cases").glob("*.md"))
    assert sorted(tree.cases) == sorted(p.stem for p in case_files)
    assert len(tree.collections) == len(list((FIXTURE_CONTENT / "collections").glob("*.md")))


# --- the file as a whole --------------------------------------------------------------


def test_missing_front_matter(content_tree: ContentTreeFactory) -> None:
    tree, path = load_one(content_tree, "title: Geen front matter\n\n## Aanleiding\n")
    expect_problem(tree, path, 1, "no-front-matter", "'---'")
    assert error_codes(tree) == ["no-front-matter"]


def test_unclosed_front_matter(content_tree: ContentTreeFactory) -> None:
    text = valid_case_text().replace("\n---\n", "\n\n", 1)
    assert text.count("---") == 1
    tree, path = load_one(content_tree, text)
    expect_problem(tree, path, 1, "unclosed-front-matter", "afgesloten")
    assert error_codes(tree) == ["unclosed-front-matter"]


def test_invalid_yaml_reports_the_parser_line(content_tree: ContentTreeFactory) -> None:
    tree, path = load_one(content_tree, valid_case_text(extra_lines=["contact: team: vroeg"]))
    expect_problem(tree, path, 7, "invalid-yaml", "ongeldige YAML")
    assert error_codes(tree) == ["invalid-yaml"]


def test_tab_indentation(content_tree: ContentTreeFactory) -> None:
    lines = ["links:", '\t- title: "Rapport"', '\t  url: "https://example.nl/r.pdf"']
    tree, path = load_one(content_tree, valid_case_text(extra_lines=lines))
    assert formatted(tree) == [
        f"{path}:8: tab gebruikt als inspringing; gebruik spaties",
        f"{path}:9: tab gebruikt als inspringing; gebruik spaties",
    ]
    assert error_codes(tree) == ["tab-indent", "tab-indent"]


def test_non_utf8_file_reports_the_line_of_the_bad_byte(content_tree: ContentTreeFactory) -> None:
    raw = valid_case_text(regions=["fryslan"], places=["Fryslân"]).encode("cp1252")
    tree, path = load_one(content_tree, raw)
    # places is the first added field: line 7; 'â' is 0xe2 in cp1252.
    expect_problem(tree, path, 7, "not-utf8", "0xe2", "UTF-8")
    assert error_codes(tree) == ["not-utf8"]


@pytest.mark.parametrize("text", ["", "\n", "  \n\n\t\n"], ids=["empty", "newline", "blank"])
def test_empty_file(content_tree: ContentTreeFactory, text: str) -> None:
    tree, path = load_one(content_tree, text)
    expect_problem(tree, path, None, "empty", "leeg")
    assert error_codes(tree) == ["empty"]


def test_file_over_one_megabyte_is_refused(content_tree: ContentTreeFactory) -> None:
    text = valid_case_text(body=SECTIONS_BODY + "x" * 1_000_001)
    tree, path = load_one(content_tree, text)
    expect_problem(tree, path, None, "too-large", "1000 kB")
    assert error_codes(tree) == ["too-large"]


# --- YAML that is refused before it is built -------------------------------------------


BILLION_LAUGHS = """\
---
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---
"""


def test_yaml_anchors_and_aliases_are_refused_fast(content_tree: ContentTreeFactory) -> None:
    started = time.perf_counter()
    tree, path = load_one(content_tree, BILLION_LAUGHS)
    assert time.perf_counter() - started < 2.0
    expect_problem(tree, path, 2, "yaml-alias", "&", "*")
    assert error_codes(tree) == ["yaml-alias"]


def test_alias_to_a_plain_anchor_is_refused(content_tree: ContentTreeFactory) -> None:
    lines = ['contact: &team "Team Geldzorgen"', "costs: *team"]
    tree, path = load_one(content_tree, valid_case_text(extra_lines=lines))
    expect_problem(tree, path, 7, "yaml-alias")


@pytest.mark.parametrize("depth", [12, 10_000])
def test_deeply_nested_yaml_is_refused(content_tree: ContentTreeFactory, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    tree, path = load_one(content_tree, valid_case_text(extra_lines=[f"places: {nested}"]))
    expect_problem(tree, path, 7, "yaml-too-deep", "8")
    assert error_codes(tree) == ["yaml-too-deep"]


def test_deeply_nested_block_yaml_reports_the_line_too_deep(
    content_tree: ContentTreeFactory,
) -> None:
    # The front matter itself is level 1; 'a:' opens level 2, ... 'h:' opens level 9.
    keys = "abcdefgh"
    lines = [f"{'  ' * i}{key}:" for i, key in enumerate(keys)] + ["  " * len(keys) + "z: 1"]
    tree, path = load_one(content_tree, valid_case_text(extra_lines=lines))
    expect_problem(tree, path, 7 + len(keys), "yaml-too-deep")


def test_duplicate_yaml_key(content_tree: ContentTreeFactory) -> None:
    text = valid_case_text(extra_lines=['title: "Nog een titel voor hetzelfde voorbeeld"'])
    tree, path = load_one(content_tree, text)
    expect_problem(tree, path, 7, "duplicate-key", "'title'", "twee keer")
    assert error_codes(tree) == ["duplicate-key"]


# --- fields ---------------------------------------------------------------------------


def test_unknown_key_suggests_the_closest_field(content_tree: ContentTreeFactory) -> None:
    tree, path = load_one(content_tree, valid_case_text(titel="Een titel met een typfout"))
    expect_problem(
        tree, path, 7, "extra-forbidden", "onbekend veld 'titel'", "bedoelde je 'title'?"
    )
    assert error_codes(tree) == ["extra-forbidden"]


@pytest.mark.parametrize("field", ["title", "summary", "principles", "regions", "partners"])
def test_missing_required_field(content_tree: ContentTreeFactory, field: str) -> None:
    tree, path = load_one(content_tree, valid_case_text(**{field: OMIT}))
    # A field that is not there has no line of its own: the opening '---' stands for it.
    expect_problem(tree, path, 1, "missing", f"verplicht veld '{field}' ontbreekt")
    assert error_codes(tree) == ["missing"]


@pytest.mark.parametrize(
    ("extra_line", "code", "fragment"),
    [
        ("principles: bestaanszekerheid", "list-type", "'principles' moet een lijst"),
        ('year: "twintig"', "int-type", "'year' moet een geheel getal zijn, niet 'twintig'"),
        ("year: twintig", "int-type", "'year' moet een geheel getal zijn"),
        ("year: 2019.5", "int-type", "'year' moet een geheel getal zijn"),
        ("year: true", "int-type", "'year' moet een geheel getal zijn"),
        ("updated: 14-11-2025", "date-format", "'updated' moet een datum als JJJJ-MM-DD"),
        ("links: https://example.nl", "list-type", "'links' moet een lijst"),
    ],
    ids=[
        "principles-string",
        "year-quoted",
        "year-word",
        "year-float",
        "year-bool",
        "date-dutch-order",
        "links-string",
    ],
)
def test_wrong_type(
    content_tree: ContentTreeFactory, extra_line: str, code: str, fragment: str
) -> None:
    key = extra_line.split(":", 1)[0]
    fields = {k: OMIT for k in VALID_CASE_FIELDS if k == key}
    tree, path = load_one(content_tree, valid_case_text(extra_lines=[extra_line], **fields))
    line = 6 if key in VALID_CASE_FIELDS else 7  # a dropped field moves the rest up
    expect_problem(tree, path, line, code, fragment)
    assert error_codes(tree) == [code]


NEXT_YEAR = dt.date.today().year + 1


@pytest.mark.parametrize(
    ("overrides", "line", "code"),
    [
        ({"title": "Kort"}, 2, "string-too-short"),
        ({"title": "T" * 161}, 2, "string-too-long"),
        ({"summary": "Te kort."}, 3, "string-too-short"),
        ({"summary": "S" * 401}, 3, "string-too-long"),
        ({"year": 1900}, 7, "year-range"),
        ({"year": NEXT_YEAR}, 7, "year-range"),
        ({"principles": []}, 4, "too-short"),
    ],
    ids=[
        "title-short",
        "title-long",
        "summary-short",
        "summary-long",
        "year-1900",
        "year-next",
        "principles-empty",
    ],
)
def test_out_of_range(
    content_tree: ContentTreeFactory, overrides: dict[str, object], line: int, code: str
) -> None:
    tree, path = load_one(content_tree, valid_case_text(**overrides))
    problem = expect_problem(tree, path, line, code)
    assert error_codes(tree) == [code]
    if code == "year-range":
        assert f"1950 en {NEXT_YEAR - 1}" in problem.message


def test_year_bounds_are_inclusive(content_tree: ContentTreeFactory) -> None:
    root = content_tree(
        cases={
            "oud.md": valid_case_text(year=1950),
            "nieuw.md": valid_case_text(year=NEXT_YEAR - 1),
        }
    )
    tree = load_content(root, today=TODAY)
    assert tree.problems == []
    assert sorted(tree.cases) == ["nieuw", "oud"]


@pytest.mark.parametrize(
    ("field", "wrong", "suggestion"),
    [
        ("regions", "friesland", "fryslan"),
        ("regions", "fryslân", "fryslan"),
        ("regions", "Fryslân", "fryslan"),
        ("partners", "woningcorporaties", "woningcorporatie"),
        ("principles", "bestaanzekerheid", "bestaanszekerheid"),
    ],
)
def test_unknown_taxonomy_id_suggests_the_closest(
    content_tree: ContentTreeFactory, field: str, wrong: str, suggestion: str
) -> None:
    values = [*VALID_CASE_FIELDS[field], wrong]
    tree, path = load_one(content_tree, valid_case_text(**{field: values}))
    line = {"principles": 4, "regions": 5, "partners": 6}[field]
    expect_problem(
        tree,
        path,
        line,
        "unknown-id",
        f"onbekend id '{wrong}' in {field}",
        f"bedoelde je '{suggestion}'",
    )
    assert error_codes(tree) == ["unknown-id"]


def test_unknown_evidence_id(content_tree: ContentTreeFactory) -> None:
    tree, path = load_one(content_tree, valid_case_text(evidence="effectstudie"))
    expect_problem(tree, path, 7, "unknown-id", "'effectstudie' in evidence", "'effectonderzoek'")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.nl/rapport.pdf",
        "example.nl/rapport.pdf",
        "http:// spaties.nl",
    ],
)
def test_link_url_must_be_http(content_tree: ContentTreeFactory, url: str) -> None:
    lines = [
        "links:",
        '  - title: "Goed"',
        '    url: "https://example.nl/goed.pdf"',
        '  - title: "Fout"',
        f'    url: "{url}"',
    ]
    tree, path = load_one(content_tree, valid_case_text(extra_lines=lines))
    expect_problem(tree, path, 11, "url-scheme", "'links[2].url'", "http:// of https://")
    assert error_codes(tree) == ["url-scheme"]


def test_themes_must_be_lowercase(content_tree: ContentTreeFactory) -> None:
    tree, path = load_one(content_tree, valid_case_text(themes=["schulden", "Vroegsignalering"]))
    expect_problem(tree, path, 7, "lowercase", "'vroegsignalering'")
    assert error_codes(tree) == ["lowercase"]


def test_status_other_than_voorbeeld(content_tree: ContentTreeFactory) -> None:
    tree, path = load_one(content_tree, valid_case_text(status="concept"))
    expect_problem(tree, path, 7, "status-value", "'voorbeeld'")
    assert error_codes(tree) == ["status-value"]
    valid, _ = load_one(content_tree, valid_case_text(status="voorbeeld"))
    assert valid.problems == []


def test_html_in_summary(content_tree: ContentTreeFactory) -> None:
    summary = "Ouders krijgen <b>direct</b> hulp bij geldzorgen op het consultatiebureau."
    tree, path = load_one(content_tree, valid_case_text(summary=summary))
    expect_problem(tree, path, 3, "plain-text", "zonder HTML")
    assert error_codes(tree) == ["plain-text"]


# --- file names and references ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("Budget_Coach.md", "budget-coach.md"),
        ("budget_coach.md", "budget-coach.md"),
        ("Budgetcoach.md", "budgetcoach.md"),
    ],
)
def test_invalid_slug(content_tree: ContentTreeFactory, name: str, hint: str) -> None:
    tree, path = load_one(content_tree, valid_case_text(), name=name)
    expect_problem(tree, path, None, "invalid-slug", f"'{hint}'")
    assert error_codes(tree) == ["invalid-slug"]
    assert tree.cases == {}


def test_duplicate_slug_in_a_subfolder(content_tree: ContentTreeFactory) -> None:
    root = content_tree(
        cases={"budgetcoach.md": valid_case_text(), "archief/budgetcoach.md": valid_case_text()}
    )
    tree = load_content(root, today=TODAY)
    first = root / "cases" / "budgetcoach.md"
    expect_problem(
        tree,
        root / "cases" / "archief" / "budgetcoach.md",
        None,
        "duplicate-slug",
        "'budgetcoach'",
        str(first),
    )
    assert error_codes(tree) == ["duplicate-slug"]
    assert tree.case_files == 2


def test_collection_entry_naming_no_case(content_tree: ContentTreeFactory) -> None:
    root = content_tree(collections={"roadshow.md": collection_text("budgetcoach", "budgetcoah")})
    tree = load_content(root, today=TODAY)
    path = root / "collections" / "roadshow.md"
    expect_problem(tree, path, 5, "unknown-case", "'budgetcoah'", "bedoelde je 'budgetcoach'")
    assert error_codes(tree) == ["unknown-case"]
    assert tree.collections == {}


def test_duplicate_entry_in_a_collection(content_tree: ContentTreeFactory) -> None:
    text = collection_text("budgetcoach", 'slug: budgetcoach\n    note: "Nog een keer."')
    root = content_tree(collections={"roadshow.md": text})
    tree = load_content(root, today=TODAY)
    path = root / "collections" / "roadshow.md"
    expect_problem(tree, path, 5, "duplicate-entry", "'budgetcoach'", "twee keer")
    assert error_codes(tree) == ["duplicate-entry"]


def test_valid_collection_keeps_its_order_and_notes(content_tree: ContentTreeFactory) -> None:
    text = collection_text('slug: budgetcoach\n    note: "Eerst."', "spreekuur")
    root = content_tree(
        cases={"budgetcoach.md": valid_case_text(), "spreekuur.md": valid_case_text()},
        collections={"roadshow.md": text},
    )
    tree = load_content(root, today=TODAY)
    assert tree.problems == []
    entries = tree.collections["roadshow"].cases
    assert [(e.slug, e.note) for e in entries] == [("budgetcoach", "Eerst."), ("spreekuur", "")]


# --- warnings -----------------------------------------------------------------------------


def test_stale_review_by_is_a_warning(content_tree: ContentTreeFactory) -> None:
    stale = TODAY - dt.timedelta(days=1)
    tree, path = load_one(content_tree, valid_case_text(review_by=stale))
    expect_problem(tree, path, 7, "stale", stale.isoformat(), severity="warning")
    assert tree.errors == []
    assert "budgetcoach" in tree.cases
    assert tree.summary() == "1 case, 0 collections, 0 errors, 1 warning"

    current, _ = load_one(content_tree, valid_case_text(review_by=TODAY))
    assert current.problems == []


def test_an_updated_date_in_the_future_is_a_warning(content_tree: ContentTreeFactory) -> None:
    """Round 2, item 8: a typo such as 2062 for 2026 put a case on top of "newest" unseen."""
    future = TODAY + dt.timedelta(days=1)
    tree, path = load_one(content_tree, valid_case_text(updated=future))
    expect_problem(tree, path, 7, "future-updated", future.isoformat(), severity="warning")
    assert tree.errors == []
    today, _ = load_one(content_tree, valid_case_text(updated=TODAY))
    assert today.problems == []


def test_counts_of_problems_read_as_dutch() -> None:
    from kennisbank.content.problems import ContentError, Problem

    one = ContentError([Problem(path="a.md", line=1, code="x", message="m")])
    assert str(one) == "1 fout in de content"
    two = ContentError([Problem(path="a.md", line=1, code="x", message="m")] * 2)
    assert str(two) == "2 fouten in de content"


def test_missing_recommended_sections_is_a_warning(content_tree: ContentTreeFactory) -> None:
    body = "## Aanleiding\n\nWaarom.\n\n## Aanpak\n\nHoe.\n\n```\n## Lessen\n```\n"
    tree, path = load_one(content_tree, valid_case_text(body=body))
    # The closing '---' is line 8 (after the status line), so the body starts at line 9.
    expect_problem(
        tree, path, 9, "missing-sections", "'## Resultaten', '## Lessen'", severity="warning"
    )
    assert tree.errors == []
    assert "budgetcoach" in tree.cases


def test_warnings_do_not_make_validate_fail(content_tree: ContentTreeFactory) -> None:
    text = valid_case_text(review_by=dt.date(2020, 1, 1), body="Alleen een alinea.\n")
    root = content_tree(cases={"budgetcoach.md": text})
    result = CliRunner().invoke(app, ["validate", "--content", str(root)])
    path = root / "cases" / "budgetcoach.md"
    assert result.exit_code == 0, result.output
    assert f"{path}:7: waarschuwing: review_by 2020-01-01 is verstreken" in result.output
    assert f"{path}:10: waarschuwing: aanbevolen secties ontbreken" in result.output
    assert result.output.splitlines()[-1] == "1 case, 0 collections, 0 errors, 2 warnings"


# --- the whole tree in one run --------------------------------------------------------------


def test_every_error_in_the_tree_is_reported_in_one_run(content_tree: ContentTreeFactory) -> None:
    root = content_tree(
        cases={
            "budgetcoach.md": valid_case_text(),
            "a-regio.md": valid_case_text(regions=["friesland"]),
            "b-leeg.md": "",
            "c-jaar.md": valid_case_text(year=1900, status="concept"),
            "D_naam.md": valid_case_text(),
        },
        collections={"roadshow.md": collection_text("budgetcoach", "onbekend-voorbeeld")},
    )
    tree = load_content(root, today=TODAY)
    cases = root / "cases"
    expect_problem(tree, cases / "a-regio.md", 5, "unknown-id")
    expect_problem(tree, cases / "b-leeg.md", None, "empty")
    expect_problem(tree, cases / "c-jaar.md", 7, "year-range")
    expect_problem(tree, cases / "c-jaar.md", 8, "status-value")
    expect_problem(tree, cases / "D_naam.md", None, "invalid-slug")
    expect_problem(tree, root / "collections" / "roadshow.md", 5, "unknown-case")
    assert len(tree.errors) == 6
    assert tree.summary() == "5 cases, 1 collection, 6 errors"
    assert list(tree.cases) == ["budgetcoach"]

    result = CliRunner().invoke(app, ["validate", "--content", str(root)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [*formatted(tree), tree.summary()]


# --- defects that must be reported, never raised --------------------------------------------
# Each of these is YAML that the parser accepts but cannot turn into a value. The validator
# must report it at its line like any other invalid YAML instead of crashing the whole run.


@pytest.mark.parametrize(
    "extra_line",
    [
        "updated: 2025-02-30",
        "review_by: 2027-13-01",
        "year: !!int twintig",
        "contact: !!bool misschien",
        "updated: !!timestamp gisteren",
        "year: !!int",
        "costs: !!float veel",
        "year: " + "1" * 5000,
    ],
    ids=[
        "impossible-day",
        "impossible-month",
        "int-tag",
        "bool-tag",
        "timestamp-tag",
        "empty-int-tag",
        "float-tag",
        "huge-int",
    ],
)
def test_unconstructible_yaml_value_is_reported(
    content_tree: ContentTreeFactory, extra_line: str
) -> None:
    tree, path = load_one(content_tree, valid_case_text(extra_lines=[extra_line]))
    assert tree.cases == {}
    assert [p.format().startswith(f"{path}:7: ") for p in tree.errors] == [True]


@pytest.mark.parametrize(
    "char",
    ["\x07", "\x1b", "\x7f", "\x9f", "\ufffe"],
    ids=["bel", "escape", "delete", "c1-control", "noncharacter"],
)
def test_control_character_in_front_matter_is_reported(
    content_tree: ContentTreeFactory, char: str
) -> None:
    text = valid_case_text(extra_lines=[f'contact: "Team{char}Geldzorgen"'])
    tree, path = load_one(content_tree, text)
    assert tree.cases == {}
    assert [p.format().startswith(f"{path}:7: ") for p in tree.errors] == [True]


def test_review_by_with_a_time_of_day_is_checked_for_staleness(
    content_tree: ContentTreeFactory,
) -> None:
    # YAML reads '2020-01-01 10:00:00' as a datetime; the model accepts it as a date.
    tree, path = load_one(
        content_tree, valid_case_text(extra_lines=["review_by: 2020-01-01 10:00:00"])
    )
    expect_problem(tree, path, 7, "stale", severity="warning")
    assert tree.errors == []


def test_length_message_states_the_allowed_range(content_tree: ContentTreeFactory) -> None:
    short, path = load_one(content_tree, valid_case_text(title="Kort"))
    expect_problem(short, path, 2, "string-too-short", "5–160 tekens")
    long, path = load_one(content_tree, valid_case_text(summary="S" * 401))
    expect_problem(long, path, 3, "string-too-long", "20–400 tekens")


def test_non_string_key_is_reported_at_its_line_in_dutch(content_tree: ContentTreeFactory) -> None:
    tree, path = load_one(content_tree, valid_case_text(extra_lines=["2021: gestart"]))
    assert len(tree.errors) == 1
    printed = tree.errors[0].format()
    assert printed.startswith(f"{path}:7: "), printed
    assert "Keys should be strings" not in printed


@pytest.mark.parametrize("value", ["2025-02-30", "2027-13-01", "2026-04-31"])
def test_a_date_that_does_not_exist_is_called_so(
    content_tree: ContentTreeFactory, value: str
) -> None:
    """It is in JJJJ-MM-DD form; the editor needs to hear that the day does not exist."""
    tree, path = load_one(content_tree, valid_case_text(extra_lines=[f"updated: {value}"]))
    problem = expect_problem(tree, path, 7, "date-impossible", value, "bestaat niet")
    assert "JJJJ-MM-DD" not in problem.message


def test_one_error_is_one_error(content_tree: ContentTreeFactory) -> None:
    tree, _ = load_one(content_tree, valid_case_text(extra_lines=["updated: 2025-02-30"]))
    assert tree.summary() == "1 case, 0 collections, 1 error"


@pytest.mark.parametrize(
    ("extra_lines", "bad_line", "fragment"),
    [
        (['contact: "Team Geldzorgen', "year: 2020", 'costs: "geen"'], 7, "afgesloten"),
        (["themes: [schulden, wonen", "year: 2020"], 7, "afgesloten"),
        (["themes: [schulden]", " year: 2020"], 8, "inspringen"),
    ],
    ids=["unclosed-quote", "unclosed-list", "indented-key"],
)
def test_a_yaml_mistake_is_reported_in_dutch_where_it_is(
    content_tree: ContentTreeFactory, extra_lines: list[str], bad_line: int, fragment: str
) -> None:
    """An unclosed quote was reported two lines late, and every YAML message in English."""
    tree, path = load_one(content_tree, valid_case_text(extra_lines=extra_lines))
    expect_problem(tree, path, bad_line, "invalid-yaml", fragment)


def test_a_real_case_without_sources_is_warned_about(content_tree: ContentTreeFactory) -> None:
    """content-format.md: validate warns when a case without `status: voorbeeld` has no
    links; an illustrative case, or one that names a source, is not warned about."""
    link = [{"title": "Verslag", "url": "https://example.nl/verslag"}]
    root = content_tree(
        cases={
            "zonder.md": valid_case_text(status=OMIT),
            "leeg.md": valid_case_text(status=OMIT, links=[]),
            "met.md": valid_case_text(status=OMIT, links=link),
            "verzonnen.md": valid_case_text(),
        }
    )
    tree = load_content(root)
    warned = {(Path(p.path).name, p.line) for p in tree.problems if p.code == "no-sources"}
    # at line 1 when there is no links field, else at the links line (line 7)
    assert warned == {("zonder.md", 1), ("leeg.md", 7)}
    assert tree.errors == []
