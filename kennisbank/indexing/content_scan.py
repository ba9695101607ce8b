"""What an incremental build starts from: the content files' states and the served version.

Each content file gets a state (path, kind, mtime, size, sha256). A file whose size and
mtime match the served version's record keeps its hash without being read again; a build
that finds nothing changed (the fingerprint of all states) publishes nothing.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import sqlite_utils

from kennisbank.content.files import check_openable, is_inside, read_limited
from kennisbank.content.loading import CASES_DIR, COLLECTIONS_DIR, TAXONOMY_FILE, content_files
from kennisbank.indexing.layout import DB_FILE
from kennisbank.indexing.manifest import Manifest
from kennisbank.indexing.store import FileState, case_ids, read_files


def old_files(previous: Manifest | None, index_dir: Path) -> dict[str, FileState]:
    if previous is None:
        return {}
    database = sqlite_utils.Database(previous.version_dir(index_dir) / DB_FILE)
    try:
        return read_files(database)
    except sqlite3.Error:
        return {}
    finally:
        database.close()


def served_slugs(previous: Manifest, index_dir: Path) -> set[str]:
    database = sqlite_utils.Database(previous.version_dir(index_dir) / DB_FILE)
    try:
        return set(case_ids(database))
    except sqlite3.Error:
        return set()
    finally:
        database.close()


def scan(content_dir: Path, old: dict[str, FileState]) -> dict[str, FileState]:
    """Every content file with its hash; files whose size and mtime are unchanged keep theirs.

    Reads are bounded (regular files only, at most the size limit plus one byte). A file
    that cannot be read, is no regular file, is too large or leads out of the content
    folder gets no state: it is then not "unchanged", so loading reads it and reports the
    same located problem ``validate`` does (an unchanged mtime included: ``chmod`` keeps it).
    """
    paths: list[tuple[str, Path]] = [("taxonomy", content_dir / TAXONOMY_FILE)]
    paths += [("case", p) for p in content_files(content_dir / CASES_DIR)]
    paths += [("collection", p) for p in content_files(content_dir / COLLECTIONS_DIR)]
    states: dict[str, FileState] = {}
    for kind, path in paths:
        key = path.relative_to(content_dir).as_posix()
        try:
            stat = path.stat()
            if not is_inside(path, content_dir):
                continue
            known = old.get(key)
            if known and known.mtime_ns == stat.st_mtime_ns and known.size == stat.st_size:
                check_openable(path)
                sha = known.sha256
            else:
                sha = hashlib.sha256(read_limited(path)).hexdigest()
        except OSError:  # unreadable, FileTooLarge, NotRegularFile: loading reports it
            continue
        states[key] = FileState(key, kind, stat.st_mtime_ns, stat.st_size, sha)
    return states


def sha_of(states: dict[str, FileState], key: str) -> str | None:
    state = states.get(key)
    return state.sha256 if state else None


def fingerprint(states: dict[str, FileState]) -> str:
    digest = hashlib.sha256()
    for key in sorted(states):
        digest.update(f"{key}\0{states[key].sha256}\n".encode())
    return digest.hexdigest()
