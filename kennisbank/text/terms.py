"""How analysed text is weighed and stored: the part of the index format both sides share.

The build applies the field weights and writes each case's terms as one blob; the search
reads the blobs back into postings and scores them. Both must agree byte for byte, so the
weights and the encoding live here, below indexing and search, rather than in either.
"""

from __future__ import annotations

import numpy as np

# BM25 weights per column, in FTS column order: title, summary, tags, body, compound parts.
FIELD_WEIGHTS = (4.0, 2.0, 2.0, 1.0, 0.5)


def encode_terms(term_ids: list[int], weights: list[float]) -> bytes:
    """A case's (term id, weighted frequency) pairs as one blob: int32 ids, float32 weights."""
    return (
        np.asarray(term_ids, dtype=np.int32).tobytes()
        + np.asarray(weights, dtype=np.float32).tobytes()
    )
