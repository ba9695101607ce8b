"""Set measures in ``kennisbank eval``: the whole result set is judged, not only the top k."""

from __future__ import annotations

from kennisbank.search.evaluation import JudgedQuery, evaluate, set_measures
from kennisbank.search.searcher import Searcher


def test_set_recall_and_precision() -> None:
    relevant = {"a": 2, "b": 1, "c": 0}
    assert set_measures(["a", "x", "y", "z"], relevant) == (0.5, 0.25)
    assert set_measures([], relevant) == (0.0, 0.0)
    assert set_measures(["a", "b"], relevant) == (1.0, 1.0)


def test_a_need_no_case_covers_is_judged_by_its_match(bundled_searcher: Searcher) -> None:
    queries = [
        JudgedQuery(
            id="k", query="schuldhulpverlening", relevant={"budgetcoach-jonge-gezinnen": 2}
        ),
        JudgedQuery(id="u", query="xjdxkxwqn", kind="uncovered"),
    ]
    report = evaluate(bundled_searcher, queries)
    assert report.overall.queries == 1 and set(report.per_query) == {"k"}
    assert report.overall.set_recall == 1.0
    assert 0 < report.overall.set_precision <= 1.0
    assert report.overall.median_set >= 1
    assert report.uncovered.queries == 1
    assert report.uncovered.honest == 1 and not report.uncovered.claimed
