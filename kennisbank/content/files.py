"""Reading content files with a bound: only regular files, never more than the limit.

Git carries symlinks and a working tree can hold FIFOs or devices, so a content pull
request can name ``/dev/zero`` (endless), a FIFO (blocks forever on open or read) or a
file outside the content folder. ``st_size`` says nothing about those (it is 0 for a
device), so a file is opened without blocking, checked with ``fstat`` on the open
descriptor (no race with a rename), and read to at most the limit plus one byte.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_FILE_BYTES = 1_000_000


class NotRegularFile(OSError):
    """The path is a FIFO, a device, a socket or a folder: never read as content."""


class FileTooLarge(OSError):
    """The file holds more than the limit; ``size`` is what was seen (at least limit + 1)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"bestand is groter dan {MAX_FILE_BYTES} bytes")
        self.size = size


def read_limited(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Raises NotRegularFile, FileTooLarge or any other OSError (unreadable, missing).
    ``O_NONBLOCK`` makes opening a FIFO return at once instead of waiting for a writer; it
    changes nothing for a regular file.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(f"{path}: geen gewoon bestand")
        if info.st_size > limit:
            raise FileTooLarge(info.st_size)
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            chunk = os.read(fd, limit + 1 - got)
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > limit:  # grew after fstat, or a file system that misreports sizes
            raise FileTooLarge(max(got, info.st_size))
        return b"".join(chunks)
    finally:
        os.close(fd)


def check_openable(path: Path) -> None:
    """Raise the OSError reading ``path`` would raise, without reading it (cheap).

    An incremental build trusts a file whose size and mtime are unchanged; ``chmod`` does
    not change the mtime, so it still asks whether the file can be opened at all.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(f"{path}: geen gewoon bestand")
    finally:
        os.close(fd)


def is_inside(path: Path, root: Path) -> bool:
    """Whether ``path``, with every symlink followed, stays inside ``root``."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return False
