"""Fold Dutch text onto ASCII: one rule for slugs, taxonomy labels and the search analyzer.

``Fryslân``, ``coördinatie`` and ``café`` must match ``fryslan``, ``coordinatie`` and ``cafe``
wherever text is compared, so content, indexing and search all fold through this one table.
"""

from __future__ import annotations

import unicodedata


class _FoldTable(dict[int, str]):
    """``str.translate`` table that folds each character on first sight, then remembers it."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        self[code] = folded
        return folded


FOLD_TABLE = _FoldTable()


def fold_ascii(text: str) -> str:
    """Strip diacritics (``Fryslân`` -> ``Fryslan``) so Dutch text maps onto ASCII."""
    return text if text.isascii() else text.translate(FOLD_TABLE)
