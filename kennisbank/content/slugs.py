"""Slugs: the stable names of cases and collections, taken from file names."""

from __future__ import annotations

import re

from kennisbank.text.folding import fold_ascii

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_LENGTH = 120


def is_valid_slug(value: str) -> bool:
    """Lowercase ASCII letters, digits and single hyphens, not at either end."""
    return len(value) <= MAX_SLUG_LENGTH and bool(SLUG_RE.fullmatch(value))


def slugify(text: str, max_length: int = 80) -> str:
    """Make a valid slug from a title; words are kept whole where the length allows."""
    ascii_text = fold_ascii(text).lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or (words[0][:max_length] if words else "")
