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

import json
import sqlite3
import time
import weakref
from itertools import chain
from pathlib import Path

import numpy as np
import numpy.typing as npt

from kennisbank.content.taxonomy import Taxonomy
from kennisbank.embedders import (
    E5_EMBEDDER,
    Embedder,
    EmbedderError,
    get_embedder,
    known_backend,
    spec_for_name,
)
from kennisbank.indexing.layout import CASES_FILE, DB_FILE, PASSAGES_FILE
from kennisbank.indexing.manifest import IndexUnavailable, Manifest, read_manifest, verify_files
from kennisbank.indexing.store import open_readonly
from kennisbank.indexing.vectors import VectorIndex
from kennisbank.search.bm25 import TermIndex
from kennisbank.search.facets import FacetTable, Mask
from kennisbank.search.fallback import closest_by_meaning
from kennisbank.search.fusion import Scores, convex_fusion, reciprocal_rank_fusion
from kennisbank.search.hits import PageRows
from kennisbank.search.lexical import fts5_scores, informative_terms
from kennisbank.search.membership import (
    SAMPLE_SIZE,
    Calibration,
    SetRule,
    decide,
    standing,
    word_coverage,
)
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
from kennisbank.search.ranking import (
    RankingConfig,
    absolute_closeness,
    closeness_cutoff,
    ranking_for,
)
from kennisbank.search.sorting import SortOrders
from kennisbank.search.thesaurus import embedding_text, expansion_terms, synonym_words, thesaurus
from kennisbank.search.timing import SearchTiming, SearchTrace
from kennisbank.search.tried import feedback, with_case_vectors
from kennisbank.text.analysis import known_word, query_terms, stem, tokens

Positions = npt.NDArray[np.int64]

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
            self._load_tables()
            self.passage_index = VectorIndex.load(folder / PASSAGES_FILE)
            self.case_index = VectorIndex.load(folder / CASES_FILE)
            self.calibration = self._calibration()
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

    def _calibration(self) -> Calibration:
        """An evenly spread sample of the passages' vectors (membership.Calibration)."""
        if not len(self.passage_ids):
            return Calibration(np.zeros((0, self.passage_index.dim), dtype=np.float32))
        step = max(1, len(self.passage_ids) // SAMPLE_SIZE)
        return Calibration(self.passage_index.reconstruct(self.passage_ids[::step][:SAMPLE_SIZE]))

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

    def query_vector(self, query: str, trace: SearchTrace | None = None) -> npt.NDArray[np.float32]:
        """The (1, dim) vector of a cleaned query, from the process's cache when it has it."""
        embedder = self.embedder()
        if self.query_cache is None:
            return embedder.encode_query(query)
        vector, hit = self.query_cache.fetch(embedder.name, query, embedder.encode_query)
        if trace is not None and trace.cache_hit is None:  # a search's first lookup counts
            trace.cache_hit = hit
        return vector

    def _load_tables(self) -> None:
        rows = self.conn.execute(
            "SELECT id, slug, sort_date, title, json_extract(data, '$.evidence') AS evidence "
            "FROM cases ORDER BY id"
        ).fetchall()
        self.case_ids = np.asarray([row["id"] for row in rows], dtype=np.int64)
        self.slugs = [row["slug"] for row in rows]
        self.position = {slug: i for i, slug in enumerate(self.slugs)}
        self.orders = SortOrders([r["sort_date"] for r in rows], [r["title"] for r in rows])
        self.newest_first = self.orders.newest_first
        self.slug_rank = np.argsort(np.argsort(np.asarray(self.slugs, dtype=object)))
        meta = dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
        self.taxonomy = Taxonomy.model_validate(
            json.loads(meta.get("taxonomy", "{}")) or {"vocabularies": {}}
        )
        facet_rows = self.conn.execute("SELECT case_id, facet, value FROM facets").fetchall()
        positions = np.searchsorted(self.case_ids, [row[0] for row in facet_rows])
        field_to_param = {field: param for param, field in FILTERS.items()}
        self.facets = FacetTable(
            len(rows),
            chain(
                (
                    (int(pos), field_to_param[row[1]], row[2])
                    for pos, row in zip(positions, facet_rows, strict=True)
                    if row[1] in field_to_param
                ),
                # one id per case, read from the case's data (no facet rows in the index)
                ((i, "evidence", r["evidence"]) for i, r in enumerate(rows) if r["evidence"]),
            ),
            {param: self.taxonomy.ids(field) for param, field in FILTERS.items()},
        )
        self.terms = TermIndex(self.conn, self.case_ids)
        self.page_rows = PageRows(self.conn)
        passages = self.conn.execute("SELECT id, case_id FROM passages ORDER BY id").fetchall()
        self.passage_ids = np.asarray([row[0] for row in passages], dtype=np.int64)
        self.passage_case = np.searchsorted(self.case_ids, [row[1] for row in passages])

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
        synonyms = self._synonym_words(query) if params.snippets else ""
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
        similarity: dict[int, float] = {}
        terms = query_terms(query)  # analysed once: the keyword side and its upper bound
        named = named or read_names(query, self.taxonomy, self.facets, self.terms)
        config = self.ranking
        expands = config.synonym_weight or config.synonym_credit or config.synonym_text
        synonyms = thesaurus().expand(query) if expands else {}
        coverage = word_coverage(self.terms, named.topic, synonyms, config.synonym_credit)
        rare = self._rare_words(synonyms)
        if mode in ("hybrid", "lexical"):
            lexical = self._lexical(terms, expansion_terms(rare))
        if mode in ("hybrid", "semantic"):
            text = embedding_text(query, rare, config.synonym_text)
            semantic, _, similarity = self._semantic(text, allowed, trace)
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
        if config.fusion == "convex":
            top = 0.0
            if config.lexical_coverage:
                top = config.lexical_coverage * self.terms.upper_bound(terms)
            fused = convex_fusion(lexical, semantic, config.alpha, config.semantic_floor, top)
        else:
            fused = reciprocal_rank_fusion(
                [lexical, semantic],
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

    def _synonym_words(self, query: str) -> str:
        """The expansions' words for snippets ("" when the thesaurus is off)."""
        config = self.ranking
        if not (config.synonym_weight or config.synonym_credit):
            return ""
        return synonym_words(query)

    def _rare_words(
        self, synonyms: dict[str, tuple[tuple[str, ...], ...]]
    ) -> dict[str, tuple[tuple[str, ...], ...]]:
        """The expansions of the query words fewer than ``synonym_rare`` cases contain."""
        limit = self.ranking.synonym_rare
        if not limit:
            return synonyms
        return {
            word: phrases
            for word, phrases in synonyms.items()
            if max(self.terms.frequency(word), self.terms.frequency(stem(word))) < limit
        }

    def _floor(self, query: str) -> float:
        """The cosine a case must clear to be close to this query (a result by meaning).

        Under e5 the best cosine of a keyboard mash (0.78-0.83 on the fixture passages)
        overlaps that of real words no case uses ("isolement" 0.81), so a query that has a
        Dutch word (``known_word``) or a term of this index gets the closeness floor, and
        one without gets the higher cutoff set above gibberish: a typo such as
        "schuldhulpverlning" (0.89) still finds its cases, "xjdxkxwqn" (0.82) nothing.
        """
        config = self.ranking
        vocabulary = self.terms.vocabulary
        if any(
            known_word(token.word) or token.word in vocabulary or token.stem in vocabulary
            for token in tokens(query)
        ):
            return absolute_closeness(config)
        return closeness_cutoff(config)

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
        """Semantic candidates: best passage score per case, the close ones, and per passage.

        The nearest ``semantic_candidates`` passages are ranked; when filters are active a
        second search restricted to the allowed cases makes sure they have candidates too.
        Closeness is judged against the query's best match overall, not the filtered one,
        so it does not change with the filters.
        """
        encoding = time.perf_counter()
        trace = trace or SearchTrace()
        vector = self.query_vector(query, trace)
        trace.encode_seconds += time.perf_counter() - encoding
        config = self.ranking
        if config.prf_depth:
            vector = feedback(self.passage_index, vector, config.prf_depth, config.prf_weight)
        trace.spread = self.calibration.spread(vector)
        scores, ids = self.passage_index.search(vector, config.semantic_candidates)
        if not len(ids):
            empty: Scores = np.full(len(self.slugs), np.nan)
            return empty, np.zeros(len(self.slugs), dtype=bool), {}
        floor = absolute_closeness(config) if floor is None else floor
        cutoff = max(floor, config.semantic_relative * float(scores.max()))
        if allowed is not None and not allowed.all():
            bitmap = np.zeros(int(self.passage_ids[-1]) + 1, dtype=bool)
            bitmap[self.passage_ids] = allowed[self.passage_case]
            more_scores, more_ids = self.passage_index.search(
                vector, config.semantic_candidates, np.packbits(bitmap, bitorder="little")
            )
            scores = np.concatenate([scores, more_scores])
            ids = np.concatenate([ids, more_ids])
        per_passage = dict(zip(ids.tolist(), scores.tolist(), strict=True))
        unique_ids = np.fromiter(per_passage, dtype=np.int64, count=len(per_passage))
        unique_scores = np.fromiter(per_passage.values(), dtype=np.float64, count=len(per_passage))
        positions = self.passage_case[np.searchsorted(self.passage_ids, unique_ids)]
        best: Scores = np.full(len(self.slugs), -np.inf)
        np.maximum.at(best, positions, unique_scores)
        if config.case_vector:
            best = with_case_vectors(self.case_index, self.case_ids, vector, best, config)
        allowed_best = best if allowed is None else best[allowed]
        if allowed_best.size and np.isfinite(allowed_best).any():
            trace.saw_similarity(float(allowed_best.max()))
        if config.second_passage:
            # second best per case: the best of what remains once each case's best is removed
            is_best = unique_scores >= best[positions]
            second: Scores = np.full(len(self.slugs), -np.inf)
            np.maximum.at(second, positions[~is_best], unique_scores[~is_best])
            best = best + config.second_passage * np.maximum(second, 0.0)
        close = best >= cutoff
        best[np.isinf(best)] = np.nan
        return best, close, per_passage

    def related(self, slug: str, k: int = 5, other_region: bool = False) -> list[SearchHit]:
        """Cases nearest in meaning to a case ("more like this"), by their mean vectors.

        ``other_region`` keeps only cases that share a principle but no region with it:
        "the same kind of approach, elsewhere", which is what a visitor wants to compare.
        """
        position = self.position.get(slug)
        if position is None:
            return []
        case_id = int(self.case_ids[position])
        vector = self.case_index.reconstruct(np.asarray([case_id], dtype=np.int64))
        scores, ids = self.case_index.search(vector, min(len(self.slugs), 200))
        wanted: Mask = np.ones(len(self.slugs), dtype=bool)
        if other_region:
            principles = [v for v, m in self.facets.values["principle"].items() if m[position]]
            regions = [v for v, m in self.facets.values["region"].items() if m[position]]
            wanted = self.facets.mask("principle", principles) & ~self.facets.mask(
                "region", regions
            )
        order: list[int] = []
        similarity: Scores = np.zeros(len(self.slugs))
        for score, other in zip(scores.tolist(), ids.tolist(), strict=True):
            other_position = int(np.searchsorted(self.case_ids, other))
            if other_position != position and wanted[other_position]:
                order.append(other_position)
                similarity[other_position] = score
            if len(order) == k:
                break
        return self._hits(order, similarity, "", {})

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
