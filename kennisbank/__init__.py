"""Kennisbank: Dutch social-domain practice examples with hybrid semantic search.

The library's front door: ``from kennisbank import build_index, Searcher, SearchParams``.
These are loaded on first use, so that ``import kennisbank`` (and ``kennisbank --help``,
``kennisbank validate``) never pays for numpy, FAISS or an embedding model.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_PUBLIC = {
    "build_index": "kennisbank.indexing.builder",
    "BuildReport": "kennisbank.indexing.builder",
    "Searcher": "kennisbank.search.searcher",
    "SearchParams": "kennisbank.search.searcher",
    "SearchResult": "kennisbank.search.searcher",
    "load_content": "kennisbank.content.loading",
}

__all__ = [
    "BuildReport",
    "SearchParams",
    "SearchResult",
    "Searcher",
    "__version__",
    "build_index",
    "load_content",
]

if TYPE_CHECKING:
    from kennisbank.content.loading import load_content
    from kennisbank.indexing.builder import BuildReport, build_index
    from kennisbank.search.searcher import Searcher, SearchParams, SearchResult


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'kennisbank' has no attribute {name!r}")
