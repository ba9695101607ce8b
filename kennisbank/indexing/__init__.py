"""Stage 2, indexing: content -> an immutable index version (SQLite + FAISS), swapped in atomically.

Owns the builder, the folder layout of an index (``layout``), the manifest, the SQLite store,
the FAISS vectors, passages, the embedding cache, parallel embedding and the build lock.
"""
