"""One build at a time per index directory (an advisory ``flock`` that dies with its owner)."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".build.lock"


class BuildLocked(Exception):
    """Another build holds the lock and did not finish within the wait."""


@contextmanager
def build_lock(index_dir: Path, wait_seconds: float = 600.0) -> Iterator[None]:
    """Hold the index's build lock; waits for a running build, then gives up with a message."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildLocked(
                        f"{index_dir}: er loopt al een build; probeer het later opnieuw"
                    ) from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)
