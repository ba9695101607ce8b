"""Machine-independent names for sentence-transformers models given as local paths.

A model shipped in a Python package lives under site-packages, whose absolute path differs
per virtual environment; the manifest records the part below site-packages instead, so an
index built on one machine is accepted on another with the same packages.
"""

from __future__ import annotations

import os
import site
import sysconfig
from pathlib import Path

MARKER = "/site-packages/"


def stable_model_name(model: str) -> str:
    normalised = model.replace(os.sep, "/").rstrip("/")
    if MARKER in normalised:
        return normalised.split(MARKER, 1)[1]
    return normalised


def resolve_model(name: str) -> str:
    """A relative name found below a site-packages folder becomes that absolute path."""
    if Path(name).is_absolute() or "/" not in name:
        return name
    roots = [sysconfig.get_paths()["purelib"], *site.getsitepackages()]
    for root in roots:
        candidate = Path(root) / name
        if candidate.exists():
            return str(candidate)
    return name
