"""The companion embedder: USE's passage vectors beside e5's, blended into the ranking.

Real builds (e5 and USE on small trees), real FAISS files, real searches: the blend must
change the order and nothing else, an edit must re-embed only what changed for both
models, and a damaged or missing companion must never take the index down unnoticed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kennisbank.content.loading import load_content
from kennisbank.embedders import E5_EMBEDDER, USE_EMBEDDER, get_embedder
from kennisbank.indexing.builder import build_index
from kennisbank.indexing.layout import COMPANION_FILE, DB_FILE
from kennisbank.indexing.manifest import IndexUnavailable, read_manifest
from kennisbank.indexing.passages import case_passages
from kennisbank.indexing.vectors import VectorIndex
from kennisbank.search.companion import blend
from kennisbank.search.ranking import COMPANION_OFF, ranking_for
from kennisbank.search.searcher import Searcher, SearchParams
from tests.conftest import valid_case_text

NAN = float("nan")


def test_the_blend_moves_the_main_z_score_toward_the_companions() -> None:
    semantic = np.array([0.80, 0.85, NAN, 0.78])
    companion = np.array([0.40, NAN, 0.50, 0.20])
    spread, other = (0.75, 0.05), (0.20, 0.10)
    blended = blend(semantic, spread, companion, other, 0.5)
    # z: main (1, 2, -, 0.6); companion (2, lowest=0, 3, 0)
    assert blended[0] == pytest.approx(0.75 + 0.05 * 1.5)
    assert blended[1] == pytest.approx(0.75 + 0.05 * 1.0)  # the companion's lowest z
    assert np.isnan(blended[2])  # candidates stay the main embedder's
    assert blended[3] == pytest.approx(0.75 + 0.05 * 0.3)
    assert blend(semantic, spread, companion, other, 0.0) is semantic


def test_a_companion_without_any_score_counts_as_z_zero() -> None:
    semantic = np.array([0.8, 0.9])
    blended = blend(semantic, (0.7, 0.1), np.array([NAN, NAN]), (0.2, 0.1), 1.0)
    assert blended == pytest.approx([0.7, 0.7])


def test_an_e5_index_stores_use_vectors_of_every_passage(e5_index: Path) -> None:
    manifest = read_manifest(e5_index)
    assert (manifest.companion, manifest.companion_dim) == (USE_EMBEDDER, 512)
    folder = manifest.version_dir(e5_index)
    assert COMPANION_FILE in manifest.files
    companion = VectorIndex.load(folder / COMPANION_FILE)
    assert (companion.size, companion.dim) == (manifest.passages, 512)
    with sqlite3.connect(folder / DB_FILE) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM passages ORDER BY id")]
    vectors = companion.reconstruct(np.asarray(ids, dtype=np.int64))
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


def test_a_use_index_has_no_companion(bundled_index: Path) -> None:
    manifest = read_manifest(bundled_index)
    assert manifest.companion is None
    assert not (manifest.version_dir(bundled_index) / COMPANION_FILE).exists()


def companion_vectors(index: Path) -> dict[str, np.ndarray]:
    """Each passage's companion vector by the hash of its embedded text."""
    manifest = read_manifest(index)
    folder = manifest.version_dir(index)
    companion = VectorIndex.load(folder / COMPANION_FILE)
    with sqlite3.connect(folder / DB_FILE) as conn:
        rows = conn.execute("SELECT id, text_hash FROM passages ORDER BY id").fetchall()
    vectors = companion.reconstruct(np.asarray([r[0] for r in rows], dtype=np.int64))
    return {digest: vector for (_, digest), vector in zip(rows, vectors, strict=True)}


def test_an_edit_reembeds_that_case_for_both_models(
    content_tree: Callable[..., Path], tmp_path: Path, use_embedder: Any
) -> None:
    cases = {
        "budgetcoach.md": valid_case_text(),
        "buurtkamer.md": valid_case_text(
            title="Buurtkamer voor eenzame ouderen",
            summary="Een huiskamer in de wijk waar ouderen elkaar dagelijks ontmoeten.",
        ),
    }
    content = content_tree(cases=cases)
    index = tmp_path / "index"
    build_index(content, index, embedder=E5_EMBEDDER)
    before = companion_vectors(index)
    edited = valid_case_text(
        title="Buurtkamer voor eenzame ouderen",
        summary="Een huiskamer in de buurt waar bewoners van alle leeftijden samen eten.",
    )
    (content / "cases" / "buurtkamer.md").write_text(edited, encoding="utf-8")
    report = build_index(content, index, embedder=E5_EMBEDDER)
    assert report.changed == ["buurtkamer"] and 0 < report.embedded < report.passages
    after = companion_vectors(index)
    assert len(after) == read_manifest(index).passages
    kept = before.keys() & after.keys()
    assert kept and all(np.array_equal(before[h], after[h]) for h in kept)
    case = load_content(content).cases["buurtkamer"]
    passages = {p.text_hash: p.embed_text for p in case_passages(case)}
    new = [digest for digest in after if digest not in before]
    assert new and set(new) <= passages.keys()
    fresh = use_embedder.encode_documents([passages[digest] for digest in new])
    assert np.allclose(np.vstack([after[digest] for digest in new]), fresh, atol=1e-4)


def test_the_blend_changes_the_order_never_the_result_set(e5_index: Path, e5_searcher: Any) -> None:
    alone = Searcher(
        e5_index, embedder=e5_searcher.embedder(), ranking=ranking_for(E5_EMBEDDER, **COMPANION_OFF)
    )
    assert alone.companion is None and e5_searcher.companion is not None
    queries = [
        "mensen die hun rekeningen niet meer kunnen betalen",
        "jongeren die op straat slapen",
        "hoe krijg je bewoners mee",
        "eenzaamheid",
    ]
    orders_differ = False
    for query in queries:
        params = SearchParams(query=query, k=100)
        both, one = e5_searcher.search(params), alone.search(params)
        assert (both.total, both.match, both.facets) == (one.total, one.match, one.facets)
        assert {h.slug for h in both.results} == {h.slug for h in one.results}
        scores = [h.score for h in both.results], [h.score for h in one.results]
        orders_differ |= scores[0] != scores[1]
    assert orders_differ


def test_an_index_built_without_companion_serves_and_the_next_build_adds_it(
    content_tree: Callable[..., Path], tmp_path: Path
) -> None:
    content = content_tree()
    index = tmp_path / "index"
    build_index(content, index, embedder=E5_EMBEDDER, companion=False)
    assert read_manifest(index).companion is None
    searcher = Searcher(index)
    assert searcher.companion is None and searcher.companion_embedder() is None
    result = searcher.search(SearchParams(query="geldzorgen bij jonge ouders"))
    assert [h.slug for h in result.results] == ["budgetcoach"]
    report = build_index(content, index, embedder=E5_EMBEDDER)
    assert report.full and report.embedded == 0  # e5's vectors came from the cache
    assert read_manifest(index).companion == USE_EMBEDDER
    assert Searcher(index).companion is not None


def test_a_damaged_companion_file_is_refused_by_name(
    content_tree: Callable[..., Path], tmp_path: Path
) -> None:
    index = tmp_path / "index"
    build_index(content_tree(), index, embedder=E5_EMBEDDER)
    path = read_manifest(index).version_dir(index) / COMPANION_FILE
    data = bytearray(path.read_bytes())
    data[-8:] = b"\x00" * 8
    path.write_bytes(bytes(data))
    with pytest.raises(IndexUnavailable, match=COMPANION_FILE):
        Searcher(index)
    # the next build sees the damage and rebuilds the version whole
    report = build_index(content_tree(), index, embedder=E5_EMBEDDER)
    assert report.full
    assert Searcher(index).companion is not None


def test_the_companion_model_is_loaded_once_and_shared(e5_index: Path, use_embedder: Any) -> None:
    searcher = Searcher(e5_index, companion=use_embedder)
    assert searcher.companion_embedder() is use_embedder
    other = Searcher(e5_index, companion=get_embedder(E5_EMBEDDER))  # not the companion
    loaded = other.companion_embedder()
    assert loaded is not None and loaded.name == USE_EMBEDDER
