"""The commands, their arguments and options: each parses, makes one library call, prints."""

from __future__ import annotations

import json
import shlex
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kennisbank.cli import serving
from kennisbank.cli.printing import build_lines, search_lines
from kennisbank.cli.support import fail, guard, open_searcher, progress_bar

app = typer.Typer(
    help="Kennisbank: praktijkvoorbeelden uit het sociaal domein, doorzoekbaar.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ContentOpt = Annotated[
    Path,
    typer.Option(
        "--content",
        envvar="KENNISBANK_CONTENT",
        help="Map met taxonomy.yml, cases/ en collections/.",
    ),
]
IndexOpt = Annotated[
    Path, typer.Option("--index", envvar="KENNISBANK_INDEX", help="Map waarin de index staat.")
]


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


@app.command()
def validate(
    content: ContentOpt = Path("content"),
    output: Annotated[
        OutputFormat, typer.Option("--format", help="text of json")
    ] = OutputFormat.text,
) -> None:
    """Controleer alle content; elke fout op een eigen regel als pad:regel: melding."""
    from kennisbank.content.loading import load_content

    tree = load_content(content)
    if output is OutputFormat.json:
        typer.echo(
            json.dumps([p.model_dump() for p in tree.problems], ensure_ascii=False, indent=2)
        )
    else:
        for problem in tree.problems:
            typer.echo(problem.format())
        typer.echo(tree.summary())
    if tree.errors or tree.taxonomy is None:
        raise typer.Exit(1)


@app.command()
def new(
    title: Annotated[str, typer.Argument(help="Titel van het nieuwe voorbeeld.")],
    content: ContentOpt = Path("content"),
) -> None:
    """Maak een nieuw voorbeeldbestand vanuit het sjabloon."""
    from kennisbank.content.frontmatter import ParseFailure
    from kennisbank.content.loading import TAXONOMY_FILE
    from kennisbank.content.scaffold import CaseExistsError, new_case
    from kennisbank.content.taxonomy import load_taxonomy

    try:
        taxonomy = load_taxonomy(content / TAXONOMY_FILE)
        path = new_case(title, content, taxonomy)
    except ParseFailure as failure:
        raise fail("\n".join(p.format() for p in failure.problems)) from None
    except (CaseExistsError, ValueError) as exc:
        raise fail(str(exc)) from None
    typer.echo(f"Aangemaakt: {path}")
    check = "kennisbank validate"
    if content != Path("content"):
        check += f" --content {shlex.quote(str(content))}"
    typer.echo(f"Vul de velden in en controleer met: {check}")


@app.command()
def build(
    content: ContentOpt = Path("content"),
    index: IndexOpt = Path("index"),
    embedder: Annotated[
        str | None,
        typer.Option(
            help="multilingual-e5-small (standaard voor een nieuwe index), use-multilingual "
            "(ca. 20x sneller te bouwen) of sentence-transformers:<model>; een andere "
            "embedder dan die van de huidige index bouwt alles opnieuw."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Alleen fouten tonen.")] = False,
    full: Annotated[
        bool, typer.Option("--full", help="Alles opnieuw opbouwen (inbeddingen uit de cache).")
    ] = False,
    allow_removals: Annotated[
        bool,
        typer.Option(
            "--allow-removals",
            help="Publiceer ook als meer dan de helft van de gepubliceerde voorbeelden "
            "verdwijnt (anders geweigerd).",
        ),
    ] = False,
) -> None:
    """Bouw of werk de index bij (incrementeel: alleen wat veranderd is)."""
    from kennisbank.content.problems import ContentError
    from kennisbank.embedders import EmbedderError
    from kennisbank.indexing.builder import BuildError, build_index
    from kennisbank.indexing.embedder_choice import switch_cost
    from kennisbank.indexing.lock import BuildLocked

    cost = switch_cost(index, embedder)
    if cost and not quiet:
        typer.echo(cost, err=True)
    try:
        with progress_bar(quiet) as progress:
            report = build_index(
                content,
                index,
                embedder=embedder,
                progress=progress,
                full=full,
                allow_removals=allow_removals,
            )
    except ContentError as exc:
        for problem in exc.problems:
            typer.echo(problem.format(), err=True)
        raise fail(
            "Index niet bijgewerkt: los eerst de fouten hierboven op. "
            "De vorige index blijft in gebruik."
        ) from None
    except (BuildError, BuildLocked, EmbedderError) as exc:
        raise fail(str(exc)) from None
    if quiet:
        return
    for line in build_lines(report):
        typer.echo(line)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Zoekvraag in gewoon Nederlands.")],
    index: IndexOpt = Path("index"),
    k: Annotated[int, typer.Option("-k", min=1, max=100, help="Aantal resultaten.")] = 10,
    principle: Annotated[list[str] | None, typer.Option(help="Filter op uitgangspunt.")] = None,
    region: Annotated[list[str] | None, typer.Option(help="Filter op regio.")] = None,
    partner: Annotated[list[str] | None, typer.Option(help="Filter op soort partner.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Eén JSON-object.")] = False,
) -> None:
    """Zoek in de index; filters binnen een facet: OF, tussen facetten: EN."""
    from kennisbank.search.output import search_json
    from kennisbank.search.searcher import SearchParams

    searcher = open_searcher(index)
    result = guard(
        lambda: searcher.search(
            SearchParams(
                query=query,
                k=k,
                principle=principle or [],
                region=region or [],
                partner=partner or [],
                snippets=not as_json,
            )
        )
    )
    if as_json:
        typer.echo(json.dumps(search_json(result), ensure_ascii=False))
        return
    for line in search_lines(result):
        typer.echo(line)


@app.command(name="eval")
def evaluate(
    queries: Annotated[Path, typer.Argument(help="JSONL-bestand met beoordeelde zoekvragen.")],
    index: IndexOpt = Path("index"),
    k: Annotated[int, typer.Option("-k", min=1, max=100)] = 10,
    mode: Annotated[str, typer.Option(help="hybrid, lexical of semantic")] = "hybrid",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Meet zoekkwaliteit: nDCG@k, recall@k, MRR en mediane zoektijd, per soort vraag."""
    from kennisbank.search.evaluation import evaluate as run_eval
    from kennisbank.search.evaluation import format_report, load_queries

    if mode not in ("hybrid", "lexical", "semantic"):
        raise fail(f"onbekende mode '{mode}': kies hybrid, lexical of semantic", 2)
    try:
        judged = load_queries(queries)
    except (OSError, ValueError) as exc:
        raise fail(str(exc)) from None
    searcher = open_searcher(index)
    report = guard(lambda: run_eval(searcher, judged, k=k, mode=mode))  # type: ignore[arg-type]
    typer.echo(report.model_dump_json(indent=2) if as_json else format_report(report))


@app.command()
def insights(
    logs: Annotated[list[Path], typer.Argument(help="Zoeklog(s); gedraaide .gz-bestanden ook.")],
    index: IndexOpt = Path("index"),
    content: ContentOpt = Path("content"),
    since: Annotated[
        str | None, typer.Option("--since", help="Alleen zoekopdrachten vanaf deze datum.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Regels per lijst.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Eén JSON-object.")] = False,
) -> None:
    """Wat mensen zoeken en niet vinden: voor de redactie, uit het zoeklog."""
    import datetime as dt

    from kennisbank.search.insights import make_insights

    try:
        start = dt.date.fromisoformat(since) if since else None
    except ValueError:
        raise fail(f"--since '{str(since)[:40]}' is geen datum (JJJJ-MM-DD)", 2) from None
    missing = [str(path) for path in logs if not path.is_file()]
    if missing:
        raise fail(f"zoeklog niet gevonden: {', '.join(missing)}")
    searcher = open_searcher(index)
    report = guard(lambda: make_insights(logs, searcher, content, start, limit))
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
        return
    from rich.console import Console

    from kennisbank.search.insights_text import print_report

    labels = {v: searcher.taxonomy.labels(v) for v in ("principles", "regions")}
    print_report(report, Console(), labels)


@app.command()
def serve(
    content: ContentOpt = Path("content"),
    index: IndexOpt = Path("index"),
    host: Annotated[str, typer.Option(help="Adres om op te luisteren.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Poort.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Aantal worker-processen.")] = 1,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch", help="Herbouw de index bij elke wijziging in de content (voor redacteuren)."
        ),
    ] = False,
    search_log: Annotated[
        Path | None,
        typer.Option("--search-log", help="Schrijf elke zoekopdracht als JSON-regel hierheen."),
    ] = None,
) -> None:
    """Start de website en de API (uvicorn), begrensd tegen trage en grote verzoeken."""
    if watch and workers > 1:  # refused before anything is set up (a metrics folder)
        raise fail("--watch werkt met één worker; laat --workers weg")
    made = serving.configure(
        content, index, host=host, port=port, workers=workers, watch=watch, search_log=search_log
    )
    typer.echo(f"Kennisbank op http://{host}:{port} (index: {index})")
    if watch:
        typer.echo(
            f"Bewaakt {content.resolve()}: elke opgeslagen wijziging wordt meteen verwerkt, "
            "open pagina's laden zichzelf opnieuw en fouten staan bovenaan elke pagina."
        )
    serving.run(host, port, workers, made)


def main() -> None:
    """Console-script entry point."""
    app()
