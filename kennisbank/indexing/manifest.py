"""``index/manifest.json``: which index version is current and how it was built.

The top-level manifest is the pointer a searcher follows; replacing it with ``os.replace``
is the atomic swap of a build. Each version folder keeps its own copy.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pydantic import BaseModel, ValidationError

from kennisbank.indexing.layout import MANIFEST_FILE, VERSIONS_DIR

# 2: BM25F term postings (case_terms, vocab); 3: snippet marks per passage;
# 4: taxonomy labels and synonyms as words of the cases they tag
FORMAT_VERSION = 4


class IndexUnavailable(Exception):
    """The index cannot be used: missing, damaged, or built by another embedder or format."""


class Manifest(BaseModel):
    format_version: int = FORMAT_VERSION
    version: str
    embedder: str
    dim: int
    analyzer: str
    content_fingerprint: str
    built_at: str
    cases: int
    collections: int
    passages: int
    vector_index: str
    # The embedder whose passage vectors are stored beside the main ones (COMPANION_FILE),
    # and their size; None in an index without them (built before, or by USE itself).
    companion: str | None = None
    companion_dim: int | None = None
    # size, sha256 and mtime (ns) of every file in the version folder: a damaged file is
    # refused. A file whose size and mtime are still those the build wrote is trusted without
    # re-hashing it (as make and rsync do); any write to it changes its mtime.
    files: dict[str, tuple[int, str, int] | tuple[int, str]] = {}

    def version_dir(self, index_dir: Path) -> Path:
        return index_dir / VERSIONS_DIR / self.version


def read_manifest(index_dir: Path) -> Manifest:
    """The current manifest; IndexUnavailable with a clear message when it cannot be used."""
    path = index_dir / MANIFEST_FILE
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise IndexUnavailable(f"{path}: beschadigd manifest; bouw de index opnieuw") from None
    except FileNotFoundError:
        raise IndexUnavailable(
            f"{path}: geen index gevonden; bouw die met 'kennisbank build'"
        ) from None
    except OSError as exc:
        raise IndexUnavailable(f"{path}: kan niet gelezen worden ({exc.strerror})") from exc
    try:
        data = json.loads(raw)
        if data.get("format_version") != FORMAT_VERSION:
            raise IndexUnavailable(
                f"{path}: indexformaat {data.get('format_version')} wordt niet "
                f"ondersteund (verwacht {FORMAT_VERSION}); bouw de index opnieuw"
            )
        return Manifest.model_validate(data)
    except (ValueError, ValidationError, AttributeError) as exc:
        raise IndexUnavailable(f"{path}: beschadigd manifest; bouw de index opnieuw") from exc


def write_manifest(manifest: Manifest, directory: Path) -> None:
    """Write atomically: a reader sees the old manifest or the new one, never half of one."""
    target = directory / MANIFEST_FILE
    temporary = directory / f".{MANIFEST_FILE}.{os.getpid()}.tmp"
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(manifest.model_dump_json(indent=2))
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(target)
    _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_digest(path: Path) -> tuple[int, str, int]:
    """(size, sha256, mtime in ns) of a file, read in chunks."""
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    stat = path.stat()
    return stat.st_size, digest.hexdigest(), stat.st_mtime_ns


def verify_files(manifest: Manifest, folder: Path) -> None:
    """Refuse a version whose files differ from what its build recorded."""
    for name, recorded in manifest.files.items():
        size, sha = recorded[0], recorded[1]
        path = folder / name
        try:
            stat = path.stat()
            if len(recorded) == 3 and (stat.st_size, stat.st_mtime_ns) == (size, recorded[2]):
                continue
            if stat.st_size != size or file_digest(path)[1] != sha:
                raise IndexUnavailable(
                    f"{path}: bestand is beschadigd (controlesom klopt niet); bouw de index opnieuw"
                )
        except OSError as exc:
            raise IndexUnavailable(
                f"{path}: ontbreekt of is onleesbaar ({exc.strerror}); bouw de index opnieuw"
            ) from exc


def remove_stale_temporaries(index_dir: Path) -> None:
    """Temporary manifests of builds killed between fsync and rename (under the lock, so
    no other build is writing one)."""
    folders = [index_dir, *(p for p in (index_dir / VERSIONS_DIR).glob("*") if p.is_dir())]
    for folder in folders:
        for stale in folder.glob(f".{MANIFEST_FILE}.*.tmp"):
            stale.unlink(missing_ok=True)
