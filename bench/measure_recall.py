"""FAISS passage index kind and, for IVF, recall@k of the IVF search against an exact
flat search over the very vectors stored in it.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import numpy as np
from common import log


def stored_vectors(index: Any) -> tuple[np.ndarray, np.ndarray]:
    """(ids, vectors) of every vector stored in an IVFFlat index, read from its lists."""
    import faiss

    ivf = faiss.extract_index_ivf(index)
    invlists = ivf.invlists
    assert invlists is not None  # an IVF index has its lists
    all_ids, all_vectors = [], []
    for number in range(ivf.nlist):
        count = invlists.list_size(number)
        if not count:
            continue
        ids = faiss.rev_swig_ptr(invlists.get_ids(number), count).copy()
        all_ids.append(ids)
        # decoded by the index itself (fp16 residual codes need their centroid added back)
        all_vectors.append(np.vstack([index.reconstruct(int(i)) for i in ids]))
    return np.concatenate(all_ids), np.vstack(all_vectors)


def vector_quality(index: Path, queries: np.ndarray, candidates: int) -> dict[str, Any]:
    """Index kind; for IVF, recall@10 and @candidates against exact search, same vectors."""
    import faiss

    from kennisbank.indexing.layout import PASSAGES_FILE
    from kennisbank.indexing.manifest import read_manifest
    from kennisbank.indexing.vectors import VectorIndex

    path = read_manifest(index).version_dir(index) / PASSAGES_FILE
    loaded = VectorIndex.load(path)
    result: dict[str, Any] = {"kind": loaded.kind, "ntotal": loaded.size, "dim": loaded.dim}
    if loaded.kind != "ivf":
        result["note"] = "exact (flat): recall 1.0 by construction"
        return result
    raw = faiss.read_index(str(path))
    ivf = faiss.extract_index_ivf(raw)
    result.update(nlist=int(ivf.nlist), nprobe=loaded.nprobe)
    ids, vectors = stored_vectors(raw)
    exact = faiss.IndexFlatIP(loaded.dim)
    exact.add(np.ascontiguousarray(vectors))
    for k in (10, candidates):
        _, truth = exact.search(queries, k)
        recalls = []
        for row, query in enumerate(queries):
            _, found = loaded.search(query[None, :], k)
            wanted = set(ids[truth[row]].tolist())
            recalls.append(len(wanted & set(found.tolist())) / len(wanted))
        result[f"recall_at_{k}"] = statistics.fmean(recalls)
        result[f"recall_at_{k}_min"] = min(recalls)
    log(f"IVF recall@10 {result['recall_at_10']:.3f}")
    return result
