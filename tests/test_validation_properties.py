"""Whatever an editor saves, ``load_content`` reports problems; it never raises.

Each example writes one case file into a content tree in a temporary folder and loads it.
The outcome must be either a valid case or at least one error located in that file.
"""

from __future__ import annotations

import datetime as dt
import string
import tempfile
from pathlib import Path

import yaml
from conftest import OMIT, TAXONOMY_PATH, VALID_CASE_FIELDS, valid_case_text, write_content_tree
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kennisbank.content.loading import load_content

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TODAY = dt.date(2026, 6, 15)
TAXONOMY_TEXT = TAXONOMY_PATH.read_text(encoding="utf-8")
CASE_FIELDS = [
    "title",
    "summary",
    "principles",
    "regions",
    "partners",
    "places",
    "themes",
    "organisations",
    "year",
    "contact",
    "links",
    "target_groups",
    "evidence",
    "costs",
    "updated",
    "review_by",
    "status",
]
TAXONOMY_WORDS = [
    "meedoen",
    "utrecht",
    "fryslan",
    "gemeente",
    "monitoring",
    "voorbeeld",
    "https://example.nl/r.pdf",
    "javascript:alert(1)",
    "url",
    "title",
]


def check_never_raises(data: bytes) -> None:
    """Load a tree whose one case file holds ``data``; the verdict must be coherent."""
    with tempfile.TemporaryDirectory() as tmp:
        root = write_content_tree(Path(tmp) / "content", TAXONOMY_TEXT, cases={"x.md": data})
        tree = load_content(root, today=TODAY)
        path = str(root / "cases" / "x.md")
        assert tree.case_files == 1
        for problem in tree.problems:
            assert problem.path == path
            assert problem.line is None or problem.line >= 1
            assert problem.message
            problem.format()
        if "x" in tree.cases:
            assert tree.errors == []
        else:
            assert tree.errors, "an invalid case must come with an error"


# --- arbitrary bytes ------------------------------------------------------------------------


@SETTINGS
@given(st.binary(max_size=2000))
@example(b"")
@example(b"\xff\xfe")
@example(b"---")
@example(b"---\n---\n")
@example(b"\xef\xbb\xbf---\ntitle: x\n---\n")
def test_arbitrary_bytes_as_a_case_file(data: bytes) -> None:
    check_never_raises(data)


@SETTINGS
@given(st.binary(max_size=1000), st.binary(max_size=200))
@example(b'contact: "a\x07b"', b"")
@example(b"updated: 2025-02-30", b"")
def test_arbitrary_bytes_inside_front_matter(front: bytes, body: bytes) -> None:
    check_never_raises(b"---\n" + front + b"\n---\n" + body)


# --- YAML-ish text inside the front matter ---------------------------------------------------


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.integers(min_value=1900, max_value=2100),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.text(alphabet=string.ascii_lowercase + "-", max_size=20),
    st.sampled_from(TAXONOMY_WORDS),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31)),
)
keys = st.one_of(
    st.sampled_from(CASE_FIELDS), st.text(max_size=12), st.integers(0, 3000), st.booleans()
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4)
    ),
    max_leaves=16,
)
front_matters = st.dictionaries(keys, values, max_size=10)


@SETTINGS
@given(front_matters, st.booleans(), st.booleans())
@example({"review_by": dt.datetime(2020, 1, 1, 10, 0)}, False, True)
def test_random_yaml_front_matter(
    data: dict[object, object], flow: bool, start_valid: bool
) -> None:
    fields: dict[object, object] = dict(VALID_CASE_FIELDS) if start_valid else {}
    fields.update(data)
    dumped = yaml.safe_dump(fields, allow_unicode=True, default_flow_style=flow, sort_keys=False)
    check_never_raises(f"---\n{dumped}---\n## Aanleiding\n".encode())


def dump_block(data: dict[object, object]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


YAML_TOKENS = [
    *":-[]{},&*!|>'\"#%@`?\n\t ",
    "\n  ",
    "\n- ",
    ": ",
    "!!int ",
    "!!timestamp ",
    "!!binary ",
    "!!python/object ",
    "---",
    "...",
    "2025-02-30",
    "title",
    "regions",
    "review_by: ",
    "<<: ",
    "\\x",
]
yamlish_text = st.lists(st.one_of(st.sampled_from(YAML_TOKENS), st.characters()), max_size=60).map(
    "".join
)


@SETTINGS
@given(st.lists(st.one_of(yamlish_text, front_matters.map(dump_block)), min_size=1, max_size=4))
@example(["contact: \x1b"])
@example(["year: !!int twintig"])
def test_yamlish_text_inside_front_matter(pieces: list[str]) -> None:
    text = "\n".join(pieces)
    check_never_raises(f"---\n{text}\n---\nTekst.\n".encode("utf-8", "surrogatepass"))


@SETTINGS
@given(st.sampled_from(sorted(VALID_CASE_FIELDS)), values)
def test_one_field_replaced_by_a_random_value(field: str, value: object) -> None:
    line = yaml.safe_dump({field: value}, allow_unicode=True).rstrip("\n")
    text = valid_case_text(extra_lines=[line], **{field: OMIT})
    check_never_raises(text.encode())
