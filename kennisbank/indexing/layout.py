"""The files of an index folder: what the builder writes and the searcher and server read.

One place for the names, so that the reading side never imports the writing side (the
searcher used to take them from the builder) and a renamed file cannot break only one side.

    index/
      manifest.json              which version is current, and how it was built
      versions/<version>/        one complete, immutable index version
        kennisbank.db            SQLite: cases, facets, passages, FTS5, term postings
        passages.faiss           passage vectors under their SQLite rowids
        cases.faiss              one mean vector per case (related cases)
        companion.faiss          the passages again, by the companion embedder (e5: USE)
      cache/                     embeddings by (embedder, text hash), shared by versions
"""

from __future__ import annotations

MANIFEST_FILE = "manifest.json"
VERSIONS_DIR = "versions"
DB_FILE = "kennisbank.db"
PASSAGES_FILE = "passages.faiss"
CASES_FILE = "cases.faiss"
COMPANION_FILE = "companion.faiss"  # only when the manifest names a companion
CACHE_DIR = "cache"
VERSION_FILES = (DB_FILE, PASSAGES_FILE, CASES_FILE)
