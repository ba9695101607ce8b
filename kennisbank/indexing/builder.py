"""``build_index``: content files -> a new index version, swapped in atomically.

A build never touches the version being served. It copies the current version's database
and vectors into a temporary folder, applies only what changed (by per-file content
hashes), embeds only passages the cache has not seen, then renames the folder into place
and replaces ``manifest.json``. A failure at any point leaves the old version serving.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from kennisbank.content.loading import (
    TAXONOMY_FILE,
    ContentTree,
    load_content,
)
from kennisbank.content.problems import Problem
from kennisbank.embedders import (
    USE_EMBEDDER,
    Embedder,
    companion_for,
    embedder_name,
    get_embedder,
    known_dim,
    spec_for_name,
)
from kennisbank.indexing.content_scan import fingerprint as content_fingerprint
from kennisbank.indexing.content_scan import old_files, scan, served_slugs, sha_of
from kennisbank.indexing.embedder_choice import new_index_embedder, usable_previous
from kennisbank.indexing.layout import (
    CACHE_DIR,
    CASES_FILE,
    COMPANION_FILE,
    DB_FILE,
    PASSAGES_FILE,
    VERSION_FILES,
    VERSIONS_DIR,
)
from kennisbank.indexing.lock import build_lock
from kennisbank.indexing.manifest import (
    Manifest,
    file_digest,
    remove_stale_temporaries,
    write_manifest,
)
from kennisbank.indexing.passages import case_passages
from kennisbank.indexing.store import (
    FileState,
    case_ids,
    delete_case,
    insert_cases,
    open_for_writing,
    replace_collections,
    set_meta,
    write_files,
)
from kennisbank.indexing.vector_stage import add_case_vectors, embed_texts, replace_vectors
from kennisbank.indexing.vectors import VectorIndex
from kennisbank.text.analysis import ANALYZER_VERSION

KEEP_VERSIONS = 3  # current + two older, for readers still answering from them

Progress = Callable[[str, int, int], None]


class BuildError(Exception):
    """The build failed for a reason other than invalid content; the old index still serves."""


class RemovalRefused(BuildError):
    """The build would remove most of the published cases; ``allow_removals`` permits it.

    A moved, misspelt or half-checked-out content folder looks exactly like "every case
    deleted"; publishing that would empty the site, so it takes the editor's word for it.
    """

    def __init__(self, removed: int, served: int) -> None:
        self.removed = removed
        self.served = served
        super().__init__(
            f"build geweigerd: deze build zou {removed} van de {served} gepubliceerde "
            "voorbeelden verwijderen. Klopt dat, bouw dan opnieuw met --allow-removals; "
            "de vorige index blijft in gebruik"
        )


def removes_too_many(removed: int, served: int) -> bool:
    """More than half of the published cases (so also all of one or two)."""
    return served > 0 and removed * 2 > served


class BuildReport(BaseModel):
    """What a build did, for the CLI, the web preview and the benchmarks."""

    version: str
    up_to_date: bool = False
    full: bool = False
    cases: int = 0
    collections: int = 0
    passages: int = 0
    embedded: int = 0
    reused: int = 0
    changed: list[str] = []
    removed: list[str] = []
    seconds: float = 0.0
    warnings: list[Problem] = []


def build_index(
    content_dir: Path,
    index_dir: Path,
    embedder: str | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    full: bool = False,
    allow_removals: bool = False,
    companion: bool = True,
) -> BuildReport:
    """Build or update the index; raises ContentError (invalid content) or BuildError.

    ``full`` rebuilds every case from its file instead of updating the current version
    (embeddings still come from the cache): for after a change in kennisbank itself.
    A build that would remove more than half of the published cases raises
    RemovalRefused unless ``allow_removals`` says the editor means it. ``companion``
    False leaves out the companion embedder's vectors (embedders.COMPANIONS): for
    measuring what they add.
    """
    started = time.perf_counter()
    try:
        with build_lock(index_dir):
            remove_stale_temporaries(index_dir)
            build = _Build(content_dir, index_dir, embedder, progress, workers, full, companion)
            build.allow_removals = allow_removals
            report = build.run()
    except OSError as exc:  # the lock, the scan, a stale file: one line, never a traceback
        where = exc.filename or index_dir
        raise BuildError(
            f"build mislukt: {exc.strerror or exc} ({where}); de vorige index blijft in gebruik"
        ) from exc
    report.seconds = round(time.perf_counter() - started, 3)
    return report


class _Build:
    def __init__(
        self,
        content_dir: Path,
        index_dir: Path,
        embedder: str | None,
        progress: Progress | None,
        workers: int | None,
        full: bool = False,
        companion: bool = True,
    ) -> None:
        self.content_dir = content_dir
        self.full = full
        self.index_dir = index_dir
        self.progress = progress or (lambda stage, done, total: None)
        self.workers = workers
        self.previous = usable_previous(index_dir)
        self.spec = embedder or (
            spec_for_name(self.previous.embedder) if self.previous else new_index_embedder()
        )
        self.name = embedder_name(self.spec)
        self.companion = companion_for(self.name) if companion else None
        self._embedder: Embedder | None = None
        self._companion: Embedder | None = None
        self.allow_removals = False

    def embedder(self) -> Embedder:
        """The build's own model: e5 encodes with one OpenMP thread per core in-process
        (its engine is C, so threads scale); USE stays at one thread and spreads large
        jobs over processes instead (parallel_embed)."""
        if self._embedder is None:
            threads = 1 if self.spec == USE_EMBEDDER else self.workers or os.cpu_count() or 1
            self._embedder = get_embedder(self.spec, threads=threads)
        return self._embedder

    def companion_embedder(self) -> Embedder:
        """The companion's model (USE: one thread; parallel_embed spreads large jobs)."""
        if self._companion is None:
            assert self.companion is not None
            self._companion = get_embedder(self.companion, threads=1)
        return self._companion

    def run(self) -> BuildReport:
        previous = None if self.full else self.previous
        if previous and (
            previous.embedder != self.name
            or previous.analyzer != ANALYZER_VERSION
            or previous.companion != self.companion
        ):
            previous = None
        old = old_files(previous, self.index_dir)
        states = scan(self.content_dir, old)
        taxonomy_key = TAXONOMY_FILE
        if previous and sha_of(states, taxonomy_key) != sha_of(old, taxonomy_key):
            previous = None
        unchanged = {
            self.content_dir / s.path
            for s in states.values()
            if previous and s.kind == "case" and s.path in old and old[s.path].sha256 == s.sha256
        }
        tree = load_content(self.content_dir, skip=unchanged.__contains__).require_valid()
        self._check_removals(tree)
        fingerprint = content_fingerprint(states)
        if previous and fingerprint == previous.content_fingerprint:
            return BuildReport(
                version=previous.version,
                up_to_date=True,
                cases=previous.cases,
                collections=previous.collections,
                passages=previous.passages,
                warnings=tree.warnings,
            )
        work = self.index_dir / VERSIONS_DIR / f".tmp-{os.getpid()}-{time.time_ns()}"
        try:
            return self._write_version(work, previous, tree, states, fingerprint)
        except OSError as exc:
            where = exc.filename2 or exc.filename or work
            raise BuildError(
                f"build mislukt: {exc.strerror or exc} ({where}); de vorige index blijft in gebruik"
            ) from exc
        except (sqlite3.Error, RuntimeError) as exc:  # SQLite or FAISS could not write
            raise BuildError(
                f"build mislukt: {exc} ({work}); de vorige index blijft in gebruik"
            ) from exc

        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _check_removals(self, tree: ContentTree) -> None:
        """Refuse to publish a version without most of the served cases (unless allowed).

        Compared with the version being served, whatever this build reuses from it: a
        ``--full`` build or an embedder switch must not empty the site either.
        """
        if self.allow_removals or self.previous is None:
            return
        served = served_slugs(self.previous, self.index_dir)
        removed = len(served - tree.case_slugs)
        if removes_too_many(removed, len(served)):
            raise RemovalRefused(removed, len(served))

    def _write_version(
        self,
        work: Path,
        previous: Manifest | None,
        tree: ContentTree,
        states: dict[str, FileState],
        fingerprint: str,
    ) -> BuildReport:
        work.mkdir(parents=True)
        if previous:
            source = previous.version_dir(self.index_dir)
            shutil.copyfile(source / DB_FILE, work / DB_FILE)
        db = open_for_writing(work / DB_FILE)
        existing = case_ids(db)
        removed = sorted(set(existing) - tree.case_slugs)
        changed = sorted(tree.cases)
        old_passages: list[int] = []
        old_cases: list[int] = []
        with db.conn:
            for slug in [*removed, *(s for s in changed if s in existing)]:
                old_passages += delete_case(db, existing[slug])
                old_cases.append(existing[slug])
            new_ids: list[int] = []
            texts: list[str] = []
            hashes: list[str] = []
            owners: list[int] = []
            items = [(tree.cases[slug], case_passages(tree.cases[slug])) for slug in changed]
            for (_, passages), (case_id, ids) in zip(
                items, insert_cases(db, items, tree.taxonomy), strict=True
            ):
                new_ids += ids
                texts += [p.embed_text for p in passages]
                hashes += [p.text_hash for p in passages]
                owners += [case_id] * len(passages)
            replace_collections(db, tree.collections.values())
            write_files(db, states.values())
        dim = self._dim(previous)
        vectors, embedded = self._embed(texts, hashes, self.embedder, self.spec, dim, "embed")
        total_passages = db.execute("SELECT count(*) FROM passages").fetchone()[0]
        passage_index, case_index = self._vector_indexes(previous, dim, total_passages, vectors)
        replace_vectors(passage_index, old_passages, new_ids, vectors)
        case_index.remove(np.asarray(old_cases, dtype=np.int64))
        add_case_vectors(case_index, owners, vectors)
        companion_dim = self._write_companion(
            work, previous, texts, hashes, old_passages, new_ids, total_passages
        )
        version = _new_version_id(fingerprint)
        manifest = Manifest(
            version=version,
            embedder=self.name,
            dim=dim,
            analyzer=ANALYZER_VERSION,
            content_fingerprint=fingerprint,
            built_at=dt.datetime.now(dt.UTC).isoformat(),
            cases=db.execute("SELECT count(*) FROM cases").fetchone()[0],
            collections=len(tree.collections),
            passages=total_passages,
            vector_index=passage_index.kind,
            companion=self.companion,
            companion_dim=companion_dim,
        )
        with db.conn:
            set_meta(
                db,
                {
                    "version": version,
                    "embedder": self.name,
                    "taxonomy": tree.taxonomy.model_dump() if tree.taxonomy else {},
                },
            )
        db.close()
        passage_index.save(work / PASSAGES_FILE)
        case_index.save(work / CASES_FILE)
        names = (*VERSION_FILES, COMPANION_FILE) if self.companion else VERSION_FILES
        manifest.files = {name: file_digest(work / name) for name in names}
        write_manifest(manifest, work)
        final = self.index_dir / VERSIONS_DIR / version
        work.replace(final)
        write_manifest(manifest, self.index_dir)  # the swap
        _prune(self.index_dir, keep=version)
        return BuildReport(
            version=version,
            full=previous is None,
            cases=manifest.cases,
            collections=manifest.collections,
            passages=total_passages,
            embedded=embedded,
            reused=len(texts) - embedded,
            changed=changed,
            removed=removed,
            warnings=tree.warnings,
        )

    def _write_companion(
        self,
        work: Path,
        previous: Manifest | None,
        texts: list[str],
        hashes: list[str],
        old_passages: list[int],
        new_ids: list[int],
        total_passages: int,
    ) -> int | None:
        """The companion's passage vectors, under the same ids as the main ones; its size."""
        if self.companion is None:
            return None
        dim = known_dim(self.companion) or self.companion_embedder().dim
        model, spec = self.companion_embedder, self.companion
        vectors, _ = self._embed(texts, hashes, model, spec, dim, "companion")
        if previous:
            index = VectorIndex.load(previous.version_dir(self.index_dir) / COMPANION_FILE)
        else:
            index = VectorIndex.create(dim, total_passages, vectors)
        replace_vectors(index, old_passages, new_ids, vectors)
        index.save(work / COMPANION_FILE)
        return dim

    def _embed(
        self,
        texts: list[str],
        hashes: list[str],
        model: Callable[[], Embedder],
        spec: str,
        dim: int,
        stage: str,
    ) -> tuple[np.ndarray, int]:
        def advance(done: int, total: int) -> None:
            self.progress(stage, done, total)

        cache = self.index_dir / CACHE_DIR
        return embed_texts(cache, texts, hashes, model, spec, dim, self.workers, advance)

    def _dim(self, previous: Manifest | None) -> int:
        """Vector size, without loading a model whose size is known in advance."""
        if previous:
            return previous.dim
        return known_dim(self.spec) or self.embedder().dim

    def _vector_indexes(
        self, previous: Manifest | None, dim: int, expected: int, sample: np.ndarray
    ) -> tuple[VectorIndex, VectorIndex]:
        if previous:
            source = previous.version_dir(self.index_dir)
            return (VectorIndex.load(source / PASSAGES_FILE), VectorIndex.load(source / CASES_FILE))
        return VectorIndex.create(dim, expected, sample), VectorIndex.create(dim, 0)


def _new_version_id(fingerprint: str) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    return f"{stamp}-{fingerprint[:8]}"


def _prune(index_dir: Path, keep: str) -> None:
    """Drop old versions beyond KEEP_VERSIONS and leftovers of crashed builds."""
    folder = index_dir / VERSIONS_DIR
    versions = sorted(
        (p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.name,
    )
    for path in versions[:-KEEP_VERSIONS]:
        if path.name != keep:
            shutil.rmtree(path, ignore_errors=True)
    for path in folder.glob(".tmp-*"):
        shutil.rmtree(path, ignore_errors=True)
