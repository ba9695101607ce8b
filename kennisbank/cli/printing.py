"""The text ``build`` and ``search`` print (``--json`` prints the library's own shapes)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kennisbank.indexing.builder import BuildReport
    from kennisbank.search.searcher import SearchResult


def build_lines(report: BuildReport) -> Iterator[str]:
    """The warnings of a build, then one line on what it published."""
    for problem in report.warnings:
        yield problem.format()
    if report.up_to_date:
        yield f"Index is al actueel ({report.cases} voorbeelden, versie {report.version})."
        return
    yield (
        f"Index {report.version}: {report.cases} voorbeelden, {report.collections} "
        f"collecties, {report.passages} passages; {len(report.changed)} bijgewerkt, "
        f"{len(report.removed)} verwijderd, {report.embedded} passages ingebed "
        f"({report.reused} uit cache) in {report.seconds:.2f} s."
    )


def search_lines(result: SearchResult) -> Iterator[str]:
    """A heading (saying so when nothing matched and these are only the closest), then one
    line per hit with its snippet below it, the matched words between asterisks."""
    if result.match == "weak":
        yield (
            f"Geen voorbeeld gaat over '{result.query}'; dit komt het dichtst in de buurt "
            f"({result.total}, {result.took_ms:.1f} ms):"
        )
    else:
        yield f"{result.total} resultaten voor '{result.query}' ({result.took_ms:.1f} ms)"
    for rank, hit in enumerate(result.results, start=1):
        yield f"{rank:>3}. {hit.title}  [{hit.slug}]"
        if hit.snippet is not None:
            text = "".join(f"*{s.text}*" if s.mark else s.text for s in hit.snippet.segments)
            yield f"     {text}"
