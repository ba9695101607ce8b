"""A per-user cache of expensive, derived, read-only objects (the lexicon, the USE model).

Loading USE parses a protobuf in pure Python (~0.6 s) and unpacks its weights (~0.5 s);
deriving the Dutch lexicon from wordfreq takes ~0.7 s. Each costs ~0.1 s from a pickle,
which decides whether an incremental build fits its 2 s budget. Entries are keyed by the
versions of the packages they come from; an unreadable or stale entry is rebuilt, and a
cache folder that cannot be written is simply not used. Only this process writes these
files, into the user's own cache folder (``KENNISBANK_CACHE`` or ``~/.cache/kennisbank``).
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger("kennisbank")


def cache_dir() -> Path:
    configured = os.environ.get("KENNISBANK_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kennisbank"


def cached(name: str, build: Callable[[], T]) -> T:
    """The object stored under ``name``, or ``build()`` (then stored for next time)."""
    if os.environ.get("KENNISBANK_NO_DISK_CACHE"):
        return build()
    path = cache_dir() / f"{name}.pickle"
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)  # type: ignore[no-any-return]  # noqa: S301 - own file
    except FileNotFoundError:
        pass
    except Exception as exc:  # a damaged or incompatible entry: rebuild it
        log.info("cache %s unusable (%s); rebuilding", path, exc)
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            pickle.dump(value, handle, protocol=5)
        temporary.replace(path)
    except OSError as exc:
        log.info("cache %s not written (%s)", path, exc)
    return value
