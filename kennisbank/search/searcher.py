"""``Searcher``: one open index version answering hybrid searches and related-case lookups.

A searcher loads a version once (SQLite read-only, FAISS in memory, facet arrays, BM25F
postings) and is then safe to share between threads. A search:

1. Keyword side: BM25F over the in-memory postings (``bm25``) for the query's informative
   terms; a case has a keyword score when any of them occurs in it.
2. Semantic side: the nearest ``semantic_candidates`` passages from FAISS (plus as many
   again restricted to the filtered cases, when filters are on); a case scores its best
   passage cosine, and is *close* when that cosine clears both the embedder's floor and a
   share of the query's best match (``RankingConfig.semantic_floor`` / ``semantic_relative``).
3. Fusion: convex by default (``fusion.convex_fusion``: alpha * scaled cosine +
   (1 - alpha) * scaled BM25F); reciprocal rank fusion stays available for comparison.

The result set that totals, facet counts and pages are computed on is: cases with a
keyword score, plus the close ones. That set does not depend on the filters, so a facet
count is exactly the total the user gets by selecting it; filters narrow the set before
the ranking is cut, so a filtered query still returns its best matches.
"""

from __future__ import annotations

import sqlite3
import time
import weakref
from pathlib import Path

import numpy as np
import numpy.typing as npt

from kennisbank.embedders import (
    E5_EMBEDDER,
    Embedder,
    EmbedderError,
    get_embedder,
    known_backend,
    spec_for_name,
)
from kennisbank.indexing.layout import CASES_FILE, COMPANION_FILE, DB_FILE, PASSAGES_FILE
from kennisbank.indexing.manifest import IndexUnavailable, Manifest, read_manifest, verify_files
from kennisbank.indexing.store import open_readonly
from kennisbank.indexing.vectors import VectorIndex
from kennisbank.search.companion import CompanionSide, Spread, blend
from kennisbank.search.facets import Mask
from kennisbank.search.fallback import closest_by_meaning
from kennisbank.search.fusion import Scores, convex_fusion, reciprocal_rank_fusion
from kennisbank.search.lexical import fts5_scores, informative_terms
from kennisbank.search.membership import SetRule, decide, standing, word_coverage
from kennisbank.search.models import (  # re-exported: the searcher's public vocabulary
    FILTERS,
    MAX_QUERY_CHARS,
    Match,
    Mode,
    PlaceNote,
    SearchHit,
    SearchParams,
    SearchResult,
    clean_query,
)
from kennisbank.search.named import Named, place_notes, read_names, tiered
from kennisbank.search.page import page_hits
from kennisbank.search.query_cache import QUERY_VECTORS, QueryVectorCache
from kennisbank.search.ranking import RankingConfig, ranking_for
from kennisbank.search.related import related_cases
from kennisbank.search.semantic import SemanticSide, calibration_sample, query_floor
from kennisbank.search.tables import Positions, load_tables
from kennisbank.search.thesaurus import (
    embedding_text,
    expansion_terms,
    rare_expansions,
    synonym_words,
    thesaurus,
)
from kennisbank.search.timing import SearchTiming, SearchTrace
from kennisbank.text.analysis import query_terms

# Knobs of the tried semantic refinements, which apply to the main embedder only.
PRIMARY_ONLY = {"prf_depth": 0, "case_vector": 0.0, "second_passage": 0.0}

__all__ = [
    "FILTERS",
    "MAX_QUERY_CHARS",
    "Match",
    "Mode",
    "SearchHit",
    "SearchParams",
    "SearchResult",
    "Searcher",
    "clean_query",
]


class Searcher:
    """An open, read-only index version."""

    def __init__(
        self,
        index_dir: Path,
        embedder: Embedder | None = None,
        ranking: RankingConfig | None = None,
        query_cache: QueryVectorCache | None = QUERY_VECTORS,
        encode_threads: int = 1,
        companion: Embedder | None = None,
    ) -> None:
        self.manifest: Manifest = read_manifest(index_dir)
        # The knobs belong to the embedder the index was built with (ranking.EMBEDDER_KNOBS).
        self.ranking = ranking or ranking_for(self.manifest.embedder)
        self.query_cache = query_cache
        self.encode_threads = encode_threads  # OpenMP threads per query (e5; docs/benchmarks.md)
        folder = self.manifest.version_dir(index_dir)
        if embedder is not None and embedder.name != self.manifest.embedder:
            raise IndexUnavailable(
                f"{index_dir}: index is gebouwd met embedder '{self.manifest.embedder}', "
                f"deze zoekmachine gebruikt '{embedder.name}'; bouw de index opnieuw"
            )
        if not known_backend(self.manifest.embedder):
            raise IndexUnavailable(
                f"{index_dir / 'manifest.json'}: onbekende embedder "
                f"'{self.manifest.embedder[:80]}'; bouw de index opnieuw"
            )
        verify_files(self.manifest, folder)
        try:
            self.conn = open_readonly(folder / DB_FILE)
            # sqlite3's statement cache refers back to its connection, so an unused
            # connection waits for the cyclic GC; close it as soon as this version is
            # dropped, so that a server swapping versions lets go of their files at once.
            weakref.finalize(self, self.conn.close)
            self.tables = tables = load_tables(self.conn)
            self.passage_index = VectorIndex.load(folder / PASSAGES_FILE)
            self.case_index = VectorIndex.load(folder / CASES_FILE)
            self.calibration = calibration_sample(self.passage_index, tables.passage_ids)
            self.companion = self._load_companion(folder)
        except IndexUnavailable:
            raise
        except Exception as exc:  # a damaged file of any kind: name it, never a traceback
            raise IndexUnavailable(
                f"{folder}: index is beschadigd of onvolledig ({exc}); bouw de index opnieuw"
            ) from exc
        if self.passage_index.dim != self.manifest.dim:
            raise IndexUnavailable(
                f"{folder}: vectoren hebben dimensie "
                f"{self.passage_index.dim}, manifest zegt {self.manifest.dim}"
            )
        self._embedder = embedder
        self._companion_embedder = companion
        self.semantic_side = SemanticSide(
            tables, self.passage_index, self.case_index, self.calibration
        )
        # Each table is also an attribute of the searcher: the web app, CLI and bench read it.
        self.case_ids, self.slugs, self.position = tables.case_ids, tables.slugs, tables.position
        self.orders, self.newest_first = tables.orders, tables.orders.newest_first
        self.slug_rank, self.taxonomy = tables.slug_rank, tables.taxonomy
        self.facets, self.terms, self.page_rows = tables.facets, tables.terms, tables.page_rows
        self.passage_ids, self.passage_case = tables.passage_ids, tables.passage_case

    def _load_companion(self, folder: Path) -> CompanionSide | None:
        """The companion's passage vectors, when the index has them and the ranking uses
        them (an index from before them, or a companion this version does not know, is
        served by the main embedder alone)."""
        name = self.manifest.companion
        if not name or not self.ranking.companion_weight or not known_backend(name):
            return None
        index = VectorIndex.load(folder / COMPANION_FILE)
        if index.dim != self.manifest.companion_dim:
            raise IndexUnavailable(
                f"{folder}: vectoren van {name} hebben dimensie {index.dim}, "
                f"manifest zegt {self.manifest.companion_dim}; bouw de index opnieuw"
            )
        side = SemanticSide(
            self.tables, index, self.case_index, calibration_sample(index, self.tables.passage_ids)
        )
        return CompanionSide(name, side)

    @property
    def rule(self) -> SetRule:
        config = self.ranking
        return SetRule(
            config.min_should_match, config.member_z, config.member_window, config.strong_z
        )

    @property
    def version(self) -> str:
        return self.manifest.version

    def embedder(self) -> Embedder:
        """The query embedder, loaded on first use; IndexUnavailable when it cannot load."""
        if self._embedder is None:
            try:
                # Only e5's C engine gains from a second thread per query; USE's numpy
                # encoder is fastest on one BLAS thread (measured facts).
                threads = self.encode_threads if self.manifest.embedder == E5_EMBEDDER else 1
                self._embedder = get_embedder(
                    spec_for_name(self.manifest.embedder), threads=threads
                )
            except EmbedderError as exc:
                raise IndexUnavailable(
                    f"embedder van de index kan niet geladen worden: {exc}"
                ) from exc
        return self._embedder

    def companion_embedder(self) -> Embedder | None:
        """The companion's query embedder (None without one), loaded on first use."""
        if self.companion is None:
            return None
        if self._companion_embedder is None or self._companion_embedder.name != self.companion.name:
            try:
                self._companion_embedder = get_embedder(spec_for_name(self.companion.name))
            except EmbedderError as exc:
                raise IndexUnavailable(
                    f"tweede embedder van de index kan niet geladen worden: {exc}"
                ) from exc
        return self._companion_embedder

    def query_vector(
        self, query: str, trace: SearchTrace | None = None, embedder: Embedder | None = None
    ) -> npt.NDArray[np.float32]:
        """The (1, dim) vector of a cleaned query, from the process's cache when it has it."""
        embedder = embedder or self.embedder()
        if self.query_cache is None:
            return embedder.encode_query(query)
        vector, hit = self.query_cache.fetch(embedder.name, query, embedder.encode_query)
        if trace is not None and trace.cache_hit is None:  # a search's first lookup counts
            trace.cache_hit = hit
        return vector

    def search(self, params: SearchParams) -> SearchResult:
        """Run one search; never raises for any query text or filter value.

        A database that fails while answering (damage the checksums could not see, a
        vanished file) raises IndexUnavailable, which callers turn into a clear message.
        """
        try:
            return self._search(params)
        except sqlite3.DatabaseError as exc:
            raise IndexUnavailable(f"{self.manifest.version}: index onleesbaar ({exc})") from exc

    def _search(self, params: SearchParams) -> SearchResult:
        started = time.perf_counter()
        trace = SearchTrace()
        query = clean_query(params.query)
        filters = params.filters()
        allowed = self.facets.filter_mask(filters)
        match: Match = "strong"
        notes: list[PlaceNote] = []
        if not query:
            matched = np.ones(len(self.slugs), dtype=bool)
            order = self.newest_first[allowed[self.newest_first]]
            scores: Scores = np.zeros(len(self.slugs))
            similarity: dict[int, float] = {}
            outside = order[:0]
            worded: Mask = matched
        else:
            named = read_names(query, self.taxonomy, self.facets, self.terms)
            ranked = self._rank(query, params.mode, allowed, trace, named)
            matched, order, scores, similarity, outside, cosines, worded = ranked
            match = "strong" if matched.any() else "none"
            notes = place_notes(named, self.taxonomy, self.facets, order)
        by_meaning = bool(query) and params.mode == "hybrid" and not matched.any()
        if by_meaning:  # no case is about the query: offer the closest cases by meaning
            floor = min(self._floor(query), self.ranking.fallback_floor)
            matched, order = closest_by_meaning(cosines, scores, allowed, self.ranking, floor)
            by_meaning = bool(len(order))
            match = "weak" if by_meaning else "none"
            outside = outside[~np.isin(outside, order)] if by_meaning else outside[:0]
        order = self.orders.apply(order, params.sort)
        page = [int(p) for p in order[params.offset : params.offset + params.k]]
        text = query if params.snippets else ""
        expands = self.ranking.synonym_weight or self.ranking.synonym_credit
        synonyms = synonym_words(query) if params.snippets and expands else ""  # marked too
        hits = self._hits(page, scores, text, similarity, worded, synonyms)
        related: list[SearchHit] = []
        room = params.k - len(page)
        if room > 0 and len(outside) and self.ranking.related:
            start = max(0, params.offset - len(order))
            extra = [int(p) for p in outside[start : start + room]]
            related = self._hits(extra, scores, text, similarity, worded, synonyms)
        took = time.perf_counter() - started
        return SearchResult(
            query=query,
            total=len(order),
            results=hits,
            related=related,
            facets=self.facets.counts(matched, filters),
            offset=params.offset,
            k=params.k,
            index=self.version,
            took_ms=round(took * 1000, 2),
            timing=SearchTiming(
                encode_ms=round(trace.encode_seconds * 1000, 3),
                rank_ms=round((took - trace.encode_seconds) * 1000, 3),
                cache_hit=trace.cache_hit,
            ),
            best_similarity=trace.best_similarity,
            by_meaning=by_meaning,
            match=match,
            places=notes,
        )

    def _rank(
        self,
        query: str,
        mode: Mode,
        allowed: Mask,
        trace: SearchTrace | None = None,
        named: Named | None = None,
    ) -> tuple[Mask, Positions, Scores, dict[int, float], Positions, Scores, Mask]:
        """Result set, its order (best first), fused scores, per-passage similarity, the
        allowed cases outside the set that have any score, best first (the related ones),
        each case's best passage cosine (NaN: not a candidate), and the cases the query's
        words found (the rest were found by meaning)."""
        size = len(self.slugs)
        trace = trace or SearchTrace()
        lexical: Scores = np.full(size, np.nan)
        semantic: Scores = np.full(size, np.nan)
        ordering = semantic  # what fusion ranks by: semantic, blended with the companion's
        similarity: dict[int, float] = {}
        terms = query_terms(query)  # analysed once: the keyword side and its upper bound
        named = named or read_names(query, self.taxonomy, self.facets, self.terms)
        config = self.ranking
        expands = config.synonym_weight or config.synonym_credit or config.synonym_text
        synonyms = thesaurus().expand(query) if expands else {}
        coverage = word_coverage(self.terms, named.topic, synonyms, config.synonym_credit)
        rare = rare_expansions(synonyms, self.terms.frequency, config.synonym_rare)
        if mode in ("hybrid", "lexical"):
            lexical = self._lexical(terms, expansion_terms(rare))
        if mode in ("hybrid", "semantic"):
            text = embedding_text(query, rare, config.synonym_text)
            semantic, _, similarity = self._semantic(text, allowed, trace)
            ordering = self._with_companion(text, semantic, allowed, trace)
        if mode == "semantic":
            # Semantic-only ranking (an evaluation mode) keeps every candidate: without a
            # keyword side there is nothing else to decide membership.
            matched = ~np.isnan(semantic)
        elif mode == "lexical":
            matched = coverage >= self.ranking.min_should_match
        else:
            z = standing(semantic, trace.spread or (0.0, 1.0))
            z[~(semantic >= self._floor(query))] = np.nan  # never closer than gibberish is
            matched, _ = decide(coverage, z, self.rule)
        if named.only_places and mode != "semantic":
            # "Zwolle": the cases from there, else from its province
            matched = named.here.copy() if named.here.any() else named.tagged.copy()
        cosines = semantic.copy()
        lexical[~allowed] = np.nan  # scale and rank within what the filters allow
        semantic[~allowed] = np.nan
        ordering = np.where(allowed, ordering, np.nan)
        if config.fusion == "convex":
            top = 0.0
            if config.lexical_coverage:
                top = config.lexical_coverage * self.terms.upper_bound(terms)
            fused = convex_fusion(lexical, ordering, config.alpha, config.semantic_floor, top)
        else:
            fused = reciprocal_rank_fusion(
                [lexical, ordering],
                [config.lexical_weight, config.semantic_weight],
                config.rrf_k,
            )
        members = np.flatnonzero(matched & allowed)
        order = tiered(members, fused, self.slug_rank, named)
        scored = ~np.isnan(lexical) | ~np.isnan(semantic)
        others = np.flatnonzero(~matched & allowed & scored)
        outside = tiered(others, fused, self.slug_rank, named)
        worded = (coverage >= self.ranking.min_should_match) | named.here
        if named.only_places:  # "Zwolle": found by its province, not by meaning; and a
            worded |= named.tagged  # place name has no meaning to be related by
            outside = outside[:0]
        return matched, order, fused, similarity, outside, cosines, worded

    def _floor(self, query: str) -> float:
        """The cosine a case must clear to be close to this query (semantic.query_floor)."""
        return query_floor(query, self.terms.vocabulary, self.ranking)

    def _lexical(self, query_terms: list[str], expansions: list[str] | None = None) -> Scores:
        """Keyword scores per case position (NaN: no informative query term matches);
        the thesaurus's ``expansions`` count at ``synonym_weight`` (BM25F only)."""
        share = self.ranking.max_term_share
        terms = informative_terms(query_terms, self.terms.frequency, len(self.slugs), share)
        if self.ranking.lexical_engine == "bm25f":
            extra = [term for term in expansions or () if term not in terms]
            extra = informative_terms(extra, self.terms.frequency, len(self.slugs), share)
            weights = dict.fromkeys(extra, self.ranking.synonym_weight)
            return self.terms.scores(terms + extra, weights)
        scores: Scores = np.full(len(self.slugs), np.nan)
        case_ids, values = fts5_scores(self.conn, terms, self.ranking.field_weights)
        scores[np.searchsorted(self.case_ids, case_ids)] = values
        return scores

    def _semantic(
        self,
        query: str,
        allowed: Mask | None,
        trace: SearchTrace | None = None,
        floor: float | None = None,
    ) -> tuple[Scores, Mask, dict[int, float]]:
        """The query encoded (its time traced), then scored per case by the semantic side:
        best passage score per case, the close ones, and per passage (semantic.py)."""
        encoding = time.perf_counter()
        trace = trace or SearchTrace()
        vector = self.query_vector(query, trace)
        trace.encode_seconds += time.perf_counter() - encoding
        return self.semantic_side.candidates(vector, allowed, self.ranking, trace, floor)

    def _with_companion(
        self, text: str, semantic: Scores, allowed: Mask, trace: SearchTrace
    ) -> Scores:
        """The semantic scores to rank by: blended with the companion's (companion.py)."""
        if self.companion is None or trace.spread is None:
            return semantic
        spread: Spread = trace.spread
        encoding = time.perf_counter()
        vector = self.query_vector(text, trace, self.companion_embedder())
        trace.encode_seconds += time.perf_counter() - encoding
        own = SearchTrace()  # the companion's spread, kept apart from the main one
        config = self.ranking.model_copy(update=PRIMARY_ONLY)
        other, _, _ = self.companion.side.candidates(vector, allowed, config, own)
        assert own.spread is not None
        return blend(semantic, spread, other, own.spread, self.ranking.companion_weight)

    def related(self, slug: str, k: int = 5, other_region: bool = False) -> list[SearchHit]:
        """Cases nearest in meaning to a case, or sharing its principle elsewhere
        (``other_region``): related.related_cases."""
        return related_cases(self.tables, self.case_index, slug, k, other_region)

    def _hits(
        self,
        page: list[int],
        scores: Scores,
        query: str,
        similarity: dict[int, float],
        worded: Mask | None = None,
        synonyms: str = "",
    ) -> list[SearchHit]:
        by_meaning = None if worded is None else ~worded
        return page_hits(
            self.page_rows, self.case_ids, page, scores, query, similarity, by_meaning, synonyms
        )
