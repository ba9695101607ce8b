"""Stage 3, search: answer queries from one open index version.

Owns hybrid ranking (BM25F, semantic passages, fusion, knobs), facets, snippets, the
read model of cases and collections (``catalog``), the public JSON shape (``output``) and
search-quality evaluation. Reads index files through ``kennisbank.indexing``; never builds.
"""
