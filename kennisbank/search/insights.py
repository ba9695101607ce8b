"""``kennisbank insights``: what practitioners look for and do not find, for editors.

Reads search logs (``querylog``), the index (through a ``Searcher``) and the content
folder, and reports: how many searches and distinct queries; the top queries; queries with
no results; queries whose match was weak (no case is about them: the log line's ``match``; for
lines without it, a best cosine below the embedder's closeness cutoff, read from the
index's ranking, see ``ranking.closeness_cutoff``); cases never among the first
ten results of any logged search (the logged searches are run again on the current
index, since a log line keeps only the first three); cases past their ``review_by``; and
principle x region cells without a case that people did filter on.

Only first pages count as searches: a visitor paging through results asked once.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel

from kennisbank.content.loading import load_content
from kennisbank.search.catalog import coverage
from kennisbank.search.querylog import SearchLogEntry, read_logs
from kennisbank.search.ranking import closeness_cutoff
from kennisbank.search.searcher import Searcher, SearchParams

SHOWN_DEPTH = 10  # "shown": among the first ten results, one page of the site
MAX_RERUNS = 5_000  # distinct searches run again for never_shown, most frequent first


class QueryCount(BaseModel):
    query: str
    count: int


class WeakQuery(QueryCount):
    top_score: float  # the best cosine this query reached while it was weak


class CaseRef(BaseModel):
    slug: str
    title: str


class StaleCase(CaseRef):
    review_by: str


class Gap(BaseModel):
    principle: str
    region: str
    count: int  # first-page searches filtered on exactly this cell (among others)


class InsightsReport(BaseModel):
    """The report; ``--json`` prints it as one object."""

    searches: int
    distinct_queries: int
    top_queries: list[QueryCount]
    zero_results: list[QueryCount]
    weak_results: list[WeakQuery]
    never_shown: list[CaseRef]
    stale: list[StaleCase]
    gaps: list[Gap]
    weak_below: float
    bad_lines: int
    unreadable: list[str]


def normal_query(text: str) -> str:
    """One spelling per query: case-folded, whitespace collapsed."""
    return " ".join(text.casefold().split())


def make_insights(
    logs: Iterable[Path],
    searcher: Searcher,
    content: Path | None = None,
    since: dt.date | None = None,
    limit: int = 20,
    today: dt.date | None = None,
) -> InsightsReport:
    """The whole report: read the logs, ask the index, and (optionally) read the content."""
    read = read_logs(logs, since)
    firsts = [e for e in read.entries if e.page == 1]
    asked = Counter(normal_query(e.q) for e in firsts if e.q.strip())
    cutoff = closeness_cutoff(searcher.ranking)
    stale: list[StaleCase] = []
    if content is not None:
        stale, problems = _stale(content, today or dt.date.today())
        read.unreadable += problems
    return InsightsReport(
        searches=len(firsts),
        distinct_queries=len(asked),
        top_queries=_counted(asked, limit),
        zero_results=_counted(
            Counter(normal_query(e.q) for e in firsts if e.q.strip() and e.total == 0), limit
        ),
        weak_results=_weak(firsts, cutoff, limit),
        never_shown=_never_shown(firsts, searcher),
        stale=stale,
        gaps=_gaps(firsts, searcher, limit),
        weak_below=cutoff,
        bad_lines=read.bad_lines,
        unreadable=read.unreadable,
    )


def _counted(counts: Counter[str], limit: int) -> list[QueryCount]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [QueryCount(query=query, count=count) for query, count in ranked[:limit]]


def weak_entry(entry: SearchLogEntry, cutoff: float) -> bool:
    """Whether a logged search found cases but none about the query: its ``match`` says so
    (``weak``); a line from before the field existed falls back to its best cosine."""
    if entry.match is not None:
        return entry.match == "weak"
    score = entry.top_score
    return entry.total > 0 and score is not None and score < cutoff


def _weak(entries: list[SearchLogEntry], cutoff: float, limit: int) -> list[WeakQuery]:
    """Queries that found only the closest cases by meaning: no case is about them."""
    counts: Counter[str] = Counter()
    best: dict[str, float] = {}
    for entry in entries:
        score = entry.top_score or 0.0
        if entry.q.strip() and weak_entry(entry, cutoff):
            query = normal_query(entry.q)
            counts[query] += 1
            best[query] = max(best.get(query, score), score)
    return [
        WeakQuery(query=item.query, count=item.count, top_score=best[item.query])
        for item in _counted(counts, limit)
    ]


def _never_shown(entries: list[SearchLogEntry], searcher: Searcher) -> list[CaseRef]:
    """Cases not in the first ten of any logged search, run again on this index."""
    searches: Counter[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]] = Counter()
    for entry in entries:
        filters = tuple(sorted((k, tuple(v)) for k, v in entry.filters.items() if v))
        searches[(normal_query(entry.q), filters)] += 1
    shown: set[str] = set()
    for (query, filters), _ in searches.most_common(MAX_RERUNS):
        chosen = {name: list(values) for name, values in filters}
        if any(name not in ("principle", "region", "partner") for name in chosen):
            continue
        params = SearchParams(query=query, k=SHOWN_DEPTH, snippets=False, **chosen)
        shown.update(hit.slug for hit in searcher.search(params).results)
    titles = dict(searcher.conn.execute("SELECT slug, title FROM cases ORDER BY slug").fetchall())
    return [CaseRef(slug=slug, title=title) for slug, title in titles.items() if slug not in shown]


def _stale(content: Path, today: dt.date) -> tuple[list[StaleCase], list[str]]:
    """Cases in the content folder whose ``review_by`` date has passed (and why none, if so)."""
    tree = load_content(content)
    if tree.taxonomy is None:
        return [], [f"{content}: geen bruikbare content; verlopen review_by niet bepaald"]
    stale = [
        StaleCase(slug=case.slug, title=case.title, review_by=case.review_by.isoformat())
        for case in tree.cases.values()
        if case.review_by is not None and case.review_by < today
    ]
    return sorted(stale, key=lambda case: (case.review_by, case.slug)), []


def _gaps(entries: list[SearchLogEntry], searcher: Searcher, limit: int) -> list[Gap]:
    """Principle x region cells that have no case, with how often people filtered on them."""
    have = coverage(searcher.conn, "principles", "regions")
    principles = set(searcher.taxonomy.ids("principles"))
    regions = set(searcher.taxonomy.ids("regions"))
    wanted: Counter[tuple[str, str]] = Counter()
    for entry in entries:
        for principle in set(entry.filters.get("principle", [])) & principles:
            for region in set(entry.filters.get("region", [])) & regions:
                if not have.get((principle, region)):
                    wanted[(principle, region)] += 1
    ranked = sorted(wanted.items(), key=lambda item: (-item[1], item[0]))
    return [Gap(principle=p, region=r, count=n) for (p, r), n in ranked[:limit]]
