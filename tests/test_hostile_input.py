"""Hostile input through the library, the command line and HTTP.

Generated query strings full of FTS5 syntax, control characters and other scripts go
through ``Searcher.search``, ``kennisbank search --json`` and both search endpoints;
oversized, deeply nested and self-referencing content files, a tree of 20,000 files and
over-long slugs go through validation and the build. Nothing may raise, hang or answer 5xx.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    FIXTURE_CONTENT,
    REPO_ROOT,
    SECTIONS_BODY,
    ContentTreeFactory,
    collection_text,
    valid_case_text,
)
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kennisbank.cli import app as cli_app
from kennisbank.content.frontmatter import MAX_FILE_BYTES
from kennisbank.content.loading import load_content
from kennisbank.content.problems import ContentError
from kennisbank.content.slugs import MAX_SLUG_LENGTH
from kennisbank.indexing.builder import build_index
from kennisbank.search.searcher import MAX_QUERY_CHARS, Searcher, SearchParams, SearchResult
from kennisbank.webapp import Settings, create_app

runner = CliRunner()

# --- generated queries -----------------------------------------------------------------------

FTS_SYNTAX = list("\"*^:()-+{}[],.;/\\'")
CONTROL = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\t", "\n", "\r"]
ODD_SPACE = ["\u00a0", "\u200b", "\u200e", "\u202e", "\u2028", "\ufeff", "\u3000"]
WORDS = ["AND", "OR", "NOT", "NEAR", "NEAR(", "title:", "cases_fts:", "schulden", "wonen", " "]

characters = st.one_of(
    st.sampled_from(FTS_SYNTAX + CONTROL + ODD_SPACE),
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),  # Arabic
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # Chinese
    st.characters(min_codepoint=0x0400, max_codepoint=0x04FF),  # Cyrillic
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),  # emoji
    st.characters(codec="utf-8"),  # anything else that can be sent (no lone surrogates)
)
QUERIES = st.one_of(
    st.text(alphabet=characters, max_size=10_000),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(alphabet=characters, max_size=12))).map(
        " ".join
    ),
)
LONG = ['"*^:()-+' * 1250, "\x00\x1b" * 5000, "🙂مساعدة债务долги" * 625, "a" * 501]
HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@HYPOTHESIS
@given(query=QUERIES, mode=st.sampled_from(["hybrid", "lexical", "semantic"]))
@example(query=LONG[0], mode="hybrid")
@example(query=LONG[1], mode="lexical")
@example(query=LONG[2], mode="semantic")
def test_any_query_through_the_library(bundled_searcher: Searcher, query: str, mode: str) -> None:
    result = bundled_searcher.search(SearchParams(query=query, mode=mode, k=5))
    assert isinstance(result, SearchResult)
    assert len(result.results) <= 5 <= 5 + result.total
    assert len(result.query) <= MAX_QUERY_CHARS
    assert result.query.isprintable()
    json.dumps(result.model_dump(), allow_nan=False)


@HYPOTHESIS
@given(query=QUERIES)
@example(query=LONG[0])
@example(query=LONG[1])
@example(query=LONG[2])
def test_any_query_through_the_cli(bundled_index: Path, query: str) -> None:
    # "--" so a query starting with "-" is a query, not an option
    result = runner.invoke(
        cli_app, ["search", "--json", "--index", str(bundled_index), "--", query]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout
    payload = json.loads(lines[0])
    assert set(payload) == {"query", "match", "total", "results"}
    assert len(payload["query"]) <= MAX_QUERY_CHARS


@pytest.fixture(scope="module")
def http(bundled_index: Path) -> Iterator[TestClient]:
    app = create_app(Settings(content=FIXTURE_CONTENT, index=bundled_index, reload_interval=0))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@HYPOTHESIS
@given(query=QUERIES)
@example(query=LONG[0])
@example(query=LONG[1])
@example(query=LONG[2])
@example(query=LONG[3])
def test_any_query_through_http(http: TestClient, query: str) -> None:
    api = http.get("/api/search", params={"q": query})
    if len(query) <= MAX_QUERY_CHARS:
        assert api.status_code == 200, (api.status_code, api.text[:300])
        assert set(api.json()) == {"query", "match", "total", "results", "facets", "index"}
    else:
        assert api.status_code == 422, (api.status_code, api.text[:300])
        assert api.json()["detail"]
    page = http.get("/zoeken", params={"q": query})
    assert page.status_code == 200, (page.status_code, page.text[:300])
    assert page.headers["content-type"].startswith("text/html")
    assert "Traceback" not in page.text


# --- oversized and self-referencing content --------------------------------------------------


def timed(function: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    outcome = function(*args, **kwargs)
    return outcome, time.perf_counter() - started


def test_a_five_megabyte_case_is_refused_quickly(content_tree: ContentTreeFactory) -> None:
    text = valid_case_text(
        body=SECTIONS_BODY + ("Een regel tekst die steeds terugkomt.\n" * 140_000)
    )
    assert len(text.encode()) > 5_000_000
    root = content_tree(cases={"budgetcoach.md": text, "gewoon.md": valid_case_text()})
    path = root / "cases" / "budgetcoach.md"
    tree, seconds = timed(load_content, root)
    print(f"5 MB file refused in {seconds:.3f} s")
    assert seconds < 5
    [problem] = tree.errors
    assert (problem.path, problem.code) == (str(path), "too-large")
    assert problem.format().startswith(f"{path}: ")
    assert f"{MAX_FILE_BYTES // 1000} kB" in problem.message
    assert "gewoon" in tree.cases  # the other file is still read
    result, seconds = timed(runner.invoke, cli_app, ["validate", "--content", str(root)])
    assert seconds < 5
    assert result.exit_code == 1
    assert f"{path}: " in result.stdout


BILLION_LAUGHS = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    *(
        f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]"
        for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
    ),
]
HOSTILE_YAML = {
    "billion-laughs": (BILLION_LAUGHS, "yaml-alias"),
    "deep-flow": ([f"places: {'[' * 50_000}{']' * 50_000}"], "yaml-too-deep"),
    "deep-block": (
        [f"{'  ' * i}k{i}:" for i in range(200)] + ["  " * 200 + "z: 1"],
        "yaml-too-deep",
    ),
    "deep-mapping-flow": ([f"costs: {'{a: ' * 5_000}1{'}' * 5_000}"], "yaml-too-deep"),
    "many-events": (
        [f"themes: [{', '.join(f'thema{i}' for i in range(30_000))}]"],
        "yaml-too-large",
    ),
}


@pytest.mark.parametrize("kind", list(HOSTILE_YAML))
def test_hostile_yaml_is_refused_quickly_by_validate_and_build(
    content_tree: ContentTreeFactory, tmp_path: Path, kind: str
) -> None:
    lines, code = HOSTILE_YAML[kind]
    root = content_tree(cases={"budgetcoach.md": valid_case_text(extra_lines=lines)})
    path = root / "cases" / "budgetcoach.md"

    result, seconds = timed(runner.invoke, cli_app, ["validate", "--content", str(root)])
    print(f"{kind}: validate {seconds:.3f} s")
    assert seconds < 5
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert any(line.startswith(f"{path}:") for line in result.stdout.splitlines()), result.stdout

    started = time.perf_counter()
    with pytest.raises(ContentError) as caught:
        build_index(root, tmp_path / "index")
    print(f"{kind}: build refused in {time.perf_counter() - started:.3f} s")
    assert time.perf_counter() - started < 5
    assert [p.code for p in caught.value.problems if p.severity == "error"] == [code]
    assert not (tmp_path / "index" / "manifest.json").exists()


# --- slugs -----------------------------------------------------------------------------------


def test_a_file_name_slug_over_the_limit_is_refused(content_tree: ContentTreeFactory) -> None:
    # 600 characters cannot even be a file name here (NAME_MAX is 255 bytes), so the
    # longest possible name stands in for it: a well-formed slug of 250 characters.
    slug = "-".join(["lang"] * 50)[:250].rstrip("-")
    assert len(slug) > MAX_SLUG_LENGTH
    root = content_tree(cases={f"{slug}.md": valid_case_text()})
    path = root / "cases" / f"{slug}.md"
    tree = load_content(root)
    assert tree.cases == {}
    [problem] = tree.errors
    assert (problem.path, problem.code) == (str(path), "invalid-slug")
    assert problem.format().startswith(f"{path}: ")


def test_a_600_character_slug_is_refused_in_a_collection_and_over_http(
    content_tree: ContentTreeFactory, http: TestClient
) -> None:
    slug = ("abcdefghi-" * 60)[:599] + "x"
    assert len(slug) == 600
    root = content_tree(collections={"roadshow.md": collection_text("budgetcoach", slug)})
    path = root / "collections" / "roadshow.md"
    tree = load_content(root)
    assert tree.collections == {}
    [problem] = tree.errors
    assert (problem.path, problem.line, problem.code) == (str(path), 5, "slug-format")
    for url in (f"/api/cases/{slug}", f"/voorbeelden/{slug}", f"/api/collections/{slug}"):
        response = http.get(url)
        assert response.status_code == 404, (url, response.status_code)
        assert slug not in response.text  # the echo is cut short
    assert http.get("/selectie", params={"s": slug}).status_code == 200


# --- a very large tree -----------------------------------------------------------------------


@pytest.mark.slow
def test_twenty_thousand_case_files_validate_and_build_in_bounded_time_and_memory(
    tmp_path: Path,
) -> None:
    """20k files: validation in one process, then a full build in its own measured process.

    All files are alike, so the embedding cache embeds each distinct passage once: this
    bounds everything but the model (parsing, analysis, SQLite, postings, FAISS training).
    The build runs as the benchmarks' measured child job (``bench/_child.py build``), whose
    embedding throughput bench/run_bench.py reports.
    """
    root = tmp_path / "content"
    cases = root / "cases"
    cases.mkdir(parents=True)
    (root / "collections").mkdir()
    (root / "taxonomy.yml").write_bytes((FIXTURE_CONTENT / "taxonomy.yml").read_bytes())
    template = valid_case_text().encode()
    started = time.perf_counter()
    for number in range(20_000):
        (cases / f"voorbeeld-{number}.md").write_bytes(template)
    print(f"wrote 20,000 files in {time.perf_counter() - started:.1f} s")

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    tree, seconds = timed(load_content, root)
    growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(f"validated 20,000 files in {seconds:.1f} s; peak memory grew {growth_mb:.0f} MB")
    assert tree.summary() == "20000 cases, 0 collections, 0 errors"
    assert len(tree.cases) == 20_000
    assert seconds < 120
    assert growth_mb < 1024
    del tree

    index = tmp_path / "index"
    process = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "_child.py"), "build", str(root), str(index)],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert process.returncode == 0, process.stderr[-3000:]
    built = json.loads(process.stdout.strip().splitlines()[-1])
    print(
        f"built 20,000 cases ({built['report']['passages']} passages) in {built['wall_s']:.1f} s;"
        f" peak RSS {built['peak_rss_mb']:.0f} MB, workers {built['worker_peak_rss_mb']:.0f} MB"
    )
    assert built["report"]["cases"] == 20_000
    assert built["wall_s"] < 600
    assert built["peak_rss_mb"] < 3072
    searcher = Searcher(index)
    assert searcher.search(SearchParams(query="")).total == 20_000
    assert searcher.search(SearchParams(query="budgetcoach", k=5)).total > 0
