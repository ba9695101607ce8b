"""The bundled ``content/`` is real, documented practice: sourced, dated, and complete.

This is the one test module that reads ``content/`` (every other test reads the fictional
fixture tree, ``tests/fixtures/content``), so it fails when an editor's change breaks a
promise the site makes: every case names its public sources, none is illustrative, and
every province, ``landelijk`` and every principle has at least one case.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT

from kennisbank.content.loading import ContentTree, load_content
from kennisbank.content.models import Case
from kennisbank.search.searcher import Searcher, SearchParams
from kennisbank.search.suggest import named_filters

REAL_CONTENT = REPO_ROOT / "content"

# The coalition's five principles, word for word (the content format fixes them).
COALITION_PRINCIPLES = {
    "betaalbaar-wonen": "Iedereen heeft recht op een betaalbare woning.",
    "bestaanszekerheid": "Iedereen heeft recht op bestaanszekerheid.",
    "meedoen": "Iedereen moet kunnen meedoen aan de samenleving.",
    "veilig-opgroeien": "Iedereen moet veilig, gezond en zonder achterstand kunnen opgroeien.",
    "betrouwbare-overheid": "Iedereen moet kunnen rekenen op een betrouwbare overheid.",
}


@pytest.fixture(scope="module")
def tree() -> ContentTree:
    return load_content(REAL_CONTENT)


@pytest.fixture(scope="module")
def cases(tree: ContentTree) -> list[Case]:
    return list(tree.cases.values())


def uncovered(wanted: Iterable[str], cases: list[Case], field: str) -> list[str]:
    covered = {value for case in cases for value in getattr(case, field)}
    return [value for value in wanted if value not in covered]


def test_content_validates_without_errors(tree: ContentTree) -> None:
    assert tree.taxonomy is not None
    assert tree.errors == [], "\n".join(p.format() for p in tree.errors)
    assert len(tree.cases) == tree.case_files >= 20
    assert len(tree.collections) == tree.collection_files


def test_only_missing_sections_are_warned_about(tree: ContentTree) -> None:
    # A case may leave out a section its sources do not support; nothing else may warn
    # (no stale review dates, no future warning about missing sources).
    other = [p.format() for p in tree.warnings if p.code != "missing-sections"]
    assert other == []


def test_every_case_names_its_public_sources(cases: list[Case]) -> None:
    unsourced = [case.slug for case in cases if not case.links]
    assert unsourced == [], f"cases without links: {unsourced}"
    for case in cases:
        for link in case.links:
            assert link.url.startswith(("https://", "http://")), (case.slug, link.url)
            assert len(link.title) >= 10, (case.slug, link.title)


def test_no_case_is_illustrative(cases: list[Case]) -> None:
    illustrative = [case.slug for case in cases if case.status == "voorbeeld"]
    assert illustrative == [], f"status: voorbeeld in content/: {illustrative}"


def test_every_case_says_when_it_was_checked_and_how_strong_the_support_is(
    cases: list[Case],
) -> None:
    for case in cases:
        assert case.updated is not None, case.slug
        assert case.review_by is not None and case.review_by > case.updated, case.slug
        assert case.evidence is not None, case.slug


def test_every_province_and_landelijk_has_a_case(tree: ContentTree, cases: list[Case]) -> None:
    assert tree.taxonomy is not None
    regions = tree.taxonomy.ids("regions")
    assert len(regions) == 13 and "landelijk" in regions
    assert uncovered(regions, cases, "regions") == []


def test_every_principle_has_a_case(tree: ContentTree, cases: list[Case]) -> None:
    assert tree.taxonomy is not None
    assert uncovered(tree.taxonomy.ids("principles"), cases, "principles") == []


def regions_with(cases: list[Case], principle: str) -> set[str]:
    return {r for case in cases if principle in case.principles for r in case.regions}


def test_each_principle_is_covered_where_the_content_issues_promised(
    tree: ContentTree, cases: list[Case]
) -> None:
    """The promises of the three real-content issues: betaalbaar wonen, bestaanszekerheid
    and meedoen in every province, veilig opgroeien in every province and nationwide, and
    betrouwbare overheid in at least 9 of the 13 regions."""
    assert tree.taxonomy is not None
    provinces = set(tree.taxonomy.ids("regions")) - {"landelijk"}
    for principle in ("betaalbaar-wonen", "bestaanszekerheid", "meedoen"):
        assert provinces - regions_with(cases, principle) == set(), principle
    assert provinces | {"landelijk"} <= regions_with(cases, "veilig-opgroeien")
    assert len(regions_with(cases, "betrouwbare-overheid")) >= 9


def test_the_2023_regional_meetings_each_have_a_collection(tree: ContentTree) -> None:
    """Five meetings, one collection each; the four besides Leeuwarden say that their link
    to the roadshow is an inference (the ministry's page does not name the coalition)."""
    meetings = {c.date.isoformat(): c for c in tree.collections.values() if c.date}
    for date in ("2023-03-27", "2023-03-28", "2023-04-03", "2023-04-04", "2023-04-06"):
        assert date in meetings, date
        if date != "2023-04-04":
            assert "afleiding" in meetings[date].body, date


def test_principles_keep_the_coalitions_wording() -> None:
    import yaml

    taxonomy = yaml.safe_load((REAL_CONTENT / "taxonomy.yml").read_text(encoding="utf-8"))
    descriptions = {term: value["description"] for term, value in taxonomy["principles"].items()}
    assert descriptions == COALITION_PRINCIPLES


def test_collections_name_existing_cases(tree: ContentTree) -> None:
    assert len(tree.collections) >= 4
    for collection in tree.collections.values():
        missing = [e.slug for e in collection.cases if e.slug not in tree.cases]
        assert missing == [], (collection.slug, missing)


def test_the_leeuwarden_roadshow_meeting_has_a_collection(tree: ContentTree) -> None:
    meetings = [c for c in tree.collections.values() if c.date is not None]
    leeuwarden = [c for c in meetings if c.location and "Leeuwarden" in c.location]
    assert [c.date.isoformat() for c in leeuwarden if c.date] == ["2023-04-04"]


def test_no_other_test_reads_the_real_content() -> None:
    # Tests keep their own content: only this module may name the repository's content/.
    here = Path(__file__).resolve()
    offenders = []
    for path in here.parent.rglob("*.py"):
        if path == here:
            continue
        text = path.read_text(encoding="utf-8")
        if 'ROOT / "content"' in text or 'REPO / "content"' in text:
            offenders.append(str(path.relative_to(here.parent)))
    assert offenders == []


def test_the_judged_queries_over_the_real_content_name_real_cases(tree: ContentTree) -> None:
    import json

    lines = (REPO_ROOT / "bench" / "queries" / "content.jsonl").read_text(encoding="utf-8")
    judged = [json.loads(line) for line in lines.splitlines() if line.strip()]
    assert len(judged) >= 30
    assert len({q["id"] for q in judged}) == len(judged)
    kinds = {"keyword", "question", "paraphrase", "filter", "uncovered"}
    assert {q["kind"] for q in judged} == kinds
    assert tree.taxonomy is not None
    vocabularies = {"principle": "principles", "region": "regions", "partner": "partners"}
    heldout = (REPO_ROOT / "bench" / "queries" / "heldout.jsonl").read_text(encoding="utf-8")
    held = [json.loads(line) for line in heldout.splitlines() if line.strip()]
    assert {q["kind"] for q in held} == {"paraphrase"}
    assert not {q["id"] for q in held} & {q["id"] for q in judged}
    for query in judged + held:
        # an empty judgement is a need no case covers ("uncovered"), never a forgotten one
        assert bool(query["relevant"]) != (query["kind"] == "uncovered"), query["id"]
        assert set(query["relevant"]) <= set(tree.cases), query["id"]
        assert set(query["relevant"].values()) <= {1, 2}, query["id"]
        for facet, ids in query.get("filters", {}).items():
            assert set(ids) <= set(tree.taxonomy.ids(vocabularies[facet])), query["id"]


# Hybrid nDCG@10, recall@10, paraphrase nDCG@10 over bench/queries/content.jsonl with the
# default embedder (e5, USE as companion), measured on the 103 real cases: 0.799, 0.824,
# 0.635 (without the thesaurus 0.733, 0.443 on paraphrases; without the companion 0.803,
# 0.625). The paraphrases are honest (bench/check_paraphrases.py: no word, stem or
# compound part shared with their cases). Set recall and precision: 0.779 and 0.485
# (median set 5 of 103 cases); every uncovered need comes back weak or none.
REAL_FLOORS = (0.78, 0.80, 0.61)
REAL_SET_FLOORS = (0.76, 0.47)
# bench/queries/heldout.jsonl: 30 honest paraphrases written without seeing the engine or
# the thesaurus, judged against all cases: nDCG@10 0.640 (0.597 without the companion,
# 0.479 without the thesaurus either).
HELDOUT_FLOOR = 0.62


def test_search_quality_on_the_real_content_keeps_its_floor(real: Searcher) -> None:
    """The ranking knobs were chosen on both judged sets; this keeps the real one honest
    when cases are added or edited (a new case may legitimately change the judgments:
    then re-judge the queries, do not lower the floor)."""
    from kennisbank.search.evaluation import evaluate, load_queries

    report = evaluate(real, load_queries(REPO_ROOT / "bench" / "queries" / "content.jsonl"))
    ndcg, recall, paraphrase = REAL_FLOORS
    assert report.overall.ndcg >= ndcg, report.overall
    assert report.overall.recall >= recall, report.overall
    assert report.by_kind["paraphrase"].ndcg >= paraphrase, report.by_kind["paraphrase"]
    set_recall, set_precision = REAL_SET_FLOORS
    assert report.overall.set_recall >= set_recall, report.overall
    assert report.overall.set_precision >= set_precision, report.overall
    assert report.uncovered.queries >= 6
    assert report.uncovered.honest == report.uncovered.queries, report.uncovered.claimed


def test_held_out_paraphrases_keep_their_floor(real: Searcher) -> None:
    """A set the thesaurus was not written against: what it buys on paraphrases it has not
    seen (the judged file's own paraphrases overstate that, see docs/search-quality.md)."""
    from kennisbank.search.evaluation import evaluate, load_queries

    queries = load_queries(REPO_ROOT / "bench" / "queries" / "heldout.jsonl")
    assert len(queries) >= 20 and all(query.kind == "paraphrase" for query in queries)
    report = evaluate(real, queries)
    assert report.overall.ndcg >= HELDOUT_FLOOR, report.overall


def test_the_real_paraphrases_share_no_word_with_their_cases() -> None:
    """bench/check_paraphrases.py: at least 20 honest paraphrases over content/."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "check_paraphrases", REPO_ROOT / "bench" / "check_paraphrases.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    queries = REPO_ROOT / "bench" / "queries" / "content.jsonl"
    assert module.check(queries, REAL_CONTENT) == []
    assert module.check(REPO_ROOT / "bench" / "queries" / "heldout.jsonl", REAL_CONTENT) == []
    lines = queries.read_text(encoding="utf-8").splitlines()
    assert sum('"kind": "paraphrase"' in line for line in lines) >= 20
    # the checker does catch a reused word: a title's own words are not a paraphrase
    assert module.shared_terms("eerst een woning", ["Housing First: eerst een woning"]) == {
        "eerst",
        "woning",
    }


# --- places and taxonomy words on the real content (issue 18, item 3) -------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory, e5_embedder: Any) -> Searcher:
    from kennisbank.indexing.builder import build_index

    index = tmp_path_factory.mktemp("real-e5") / "index"
    build_index(REAL_CONTENT, index, embedder="multilingual-e5-small")
    return Searcher(index, embedder=e5_embedder)


@pytest.mark.parametrize("province", ["Overijssel", "Noord-Holland", "Drenthe", "Limburg"])
def test_a_province_ranks_its_own_cases_first(real: Searcher, province: str) -> None:
    result = real.search(SearchParams(query=province, k=100))
    region = province.lower()
    tagged = [region in hit.regions for hit in result.results]
    assert tagged and tagged[0], province
    assert tagged == sorted(tagged, reverse=True), province  # every tagged case first
    assert sum(tagged) == int(real.facets.mask("region", [region]).sum())


def test_a_municipality_without_a_case_offers_its_province(real: Searcher) -> None:
    result = real.search(SearchParams(query="Zwolle"))
    [note] = result.places
    assert (note.name, note.province, note.province_label) == ("Zwolle", "overijssel", "Overijssel")
    from_zwolle = bool(real.search(SearchParams(query="Zwolle", mode="lexical")).total)
    if not from_zwolle:  # the bundled content has no case from Zwolle
        assert not note.found
        assert result.match == "strong" and result.results
        assert note.in_province == result.total
        assert all("overijssel" in hit.regions for hit in result.results)
    assert named_filters(real.taxonomy, "Zwolle") == {"region": ["overijssel"]}


def test_a_place_a_case_names_ranks_that_case_first(real: Searcher) -> None:
    result = real.search(SearchParams(query="Sluiskil"))
    assert result.places and result.places[0].found
    assert result.results[0].slug == "skaeve-huse-terneuzen"


def test_a_topic_with_a_place_ranks_the_province_first(real: Searcher) -> None:
    result = real.search(SearchParams(query="werk voor mensen met psychische problemen Enschede"))
    assert result.match == "strong"
    assert "overijssel" in result.results[0].regions
    assert result.places[0].name == "Enschede"


def test_every_province_of_the_gazetteer_is_a_region_of_the_real_taxonomy(
    tree: ContentTree,
) -> None:
    from kennisbank.search.places import gazetteer

    assert tree.taxonomy is not None
    assert {place.province for _, place in gazetteer()} <= set(tree.taxonomy.ids("regions"))


def test_a_place_only_search_is_not_found_by_meaning_nor_offers_related(real: Searcher) -> None:
    result = real.search(SearchParams(query="Zwolle"))
    assert result.results and not result.related
    assert all(hit.snippet is not None and not hit.snippet.by_meaning for hit in result.results)
