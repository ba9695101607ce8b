"""The insights report as readable Dutch text with rich tables (``kennisbank insights``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kennisbank.search.insights import InsightsReport, QueryCount, WeakQuery

if TYPE_CHECKING:
    from rich.console import Console


def print_report(
    report: InsightsReport, console: Console, labels: dict[str, dict[str, str]]
) -> None:
    """Print the report; ``labels`` maps taxonomy ids to Dutch labels per vocabulary."""
    console.print(
        f"[bold]Zoekinzichten[/bold]: {report.searches} zoekopdrachten, "
        f"{report.distinct_queries} verschillende zoekvragen."
    )
    if report.bad_lines:
        console.print(f"{report.bad_lines} onleesbare regels in het zoeklog overgeslagen.")
    for problem in report.unreadable:
        console.print(f"Niet te lezen: {problem}", markup=False)
    _queries(console, "Meest gezocht", report.top_queries)
    _queries(console, "Zonder resultaten", report.zero_results)
    _queries(
        console,
        "Zwakke match (geen voorbeeld gaat erover; alleen wat het dichtst in de buurt komt)",
        report.weak_results,
    )
    _cases(
        console,
        "Nooit in de eerste tien resultaten",
        [(c.slug, c.title) for c in report.never_shown],
    )
    _cases(
        console,
        "Over de controledatum (review_by)",
        [(c.slug, f"{c.title} ({c.review_by})") for c in report.stale],
    )
    if report.gaps:
        from rich.table import Table
        from rich.text import Text

        table = Table(
            title="Gezocht, maar geen voorbeeld: uitgangspunt × regio", title_justify="left"
        )
        table.add_column("Uitgangspunt")
        table.add_column("Regio")
        table.add_column("Zoekopdrachten", justify="right")
        for gap in report.gaps:
            table.add_row(
                Text(labels.get("principles", {}).get(gap.principle, gap.principle)),
                Text(labels.get("regions", {}).get(gap.region, gap.region)),
                str(gap.count),
            )
        console.print(table)
    else:
        console.print("\n[bold]Gezocht, maar geen voorbeeld[/bold]: geen.")


def _queries(console: Console, title: str, rows: Sequence[QueryCount]) -> None:
    if not rows:
        console.print(f"\n[bold]{title}[/bold]: geen.")
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left")
    table.add_column("Zoekvraag")
    table.add_column("Aantal", justify="right")
    weak = any(isinstance(row, WeakQuery) for row in rows)
    if weak:
        table.add_column("Beste gelijkenis", justify="right")
    for row in rows:
        cells: list[Text | str] = [Text(row.query), str(row.count)]
        if isinstance(row, WeakQuery):
            cells.append(f"{row.top_score:.2f}")
        table.add_row(*cells)
    console.print(table)


def _cases(console: Console, title: str, rows: list[tuple[str, str]]) -> None:
    if not rows:
        console.print(f"\n[bold]{title}[/bold]: geen.")
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{title} ({len(rows)})", title_justify="left")
    table.add_column("Voorbeeld")
    table.add_column("Titel")
    for slug, text in rows:
        table.add_row(Text(slug), Text(text))
    console.print(table)
