"""Where things live in a content folder (the content format's layout).

Its own module so the loader, the validator and the scaffold can all name the folders
without importing each other (they used to: loading → validation → scaffold → loading).
"""

from __future__ import annotations

TAXONOMY_FILE = "taxonomy.yml"
CASES_DIR = "cases"
COLLECTIONS_DIR = "collections"
