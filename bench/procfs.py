"""Figures from ``/proc/PID/status``, shared by the measured child jobs and the scripts.

Imports nothing beyond ``pathlib``: ``_child.py`` imports this before it starts its clocks,
and a measured process must not pay for more than it did when the code lived there.
"""

from __future__ import annotations

from pathlib import Path


def status_value(status: str, field: str) -> int | None:
    """One numeric field of a status text (``VmRSS``, ``VmHWM`` in kB; ``PPid``)."""
    for line in status.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def status_kb(field: str, pid: int | str = "self") -> int:
    """A status figure in kB (VmHWM = peak RSS, VmRSS = current); 0 when absent.

    Also 0 when the process is gone (or its status cannot be read or parsed): callers
    sample a child that may exit between two polls.
    """
    try:
        return status_value(Path(f"/proc/{pid}/status").read_text(), field) or 0
    except (OSError, ValueError):
        return 0
