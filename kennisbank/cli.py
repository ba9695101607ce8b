"""The ``kennisbank`` command: argument parsing and printing over one library call each."""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

if TYPE_CHECKING:
    from kennisbank.search.searcher import Searcher

T = TypeVar("T")

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


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


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
        raise _fail("\n".join(p.format() for p in failure.problems)) from None
    except (CaseExistsError, ValueError) as exc:
        raise _fail(str(exc)) from None
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
        with _progress(quiet) as progress:
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
        raise _fail(
            "Index niet bijgewerkt: los eerst de fouten hierboven op. "
            "De vorige index blijft in gebruik."
        ) from None
    except (BuildError, BuildLocked, EmbedderError) as exc:
        raise _fail(str(exc)) from None
    if quiet:
        return
    for problem in report.warnings:
        typer.echo(problem.format())
    if report.up_to_date:
        typer.echo(f"Index is al actueel ({report.cases} voorbeelden, versie {report.version}).")
        return
    typer.echo(
        f"Index {report.version}: {report.cases} voorbeelden, {report.collections} "
        f"collecties, {report.passages} passages; {len(report.changed)} bijgewerkt, "
        f"{len(report.removed)} verwijderd, {report.embedded} passages ingebed "
        f"({report.reused} uit cache) in {report.seconds:.2f} s."
    )


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

    searcher = _open_searcher(index)
    result = _guard(
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
    if result.match == "weak":
        typer.echo(
            f"Geen voorbeeld gaat over '{result.query}'; dit komt het dichtst in de buurt "
            f"({result.total}, {result.took_ms:.1f} ms):"
        )
    else:
        typer.echo(f"{result.total} resultaten voor '{result.query}' ({result.took_ms:.1f} ms)")
    for rank, hit in enumerate(result.results, start=1):
        typer.echo(f"{rank:>3}. {hit.title}  [{hit.slug}]")
        if hit.snippet is not None:
            text = "".join(f"*{s.text}*" if s.mark else s.text for s in hit.snippet.segments)
            typer.echo(f"     {text}")


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
        raise _fail(f"onbekende mode '{mode}': kies hybrid, lexical of semantic", 2)
    try:
        judged = load_queries(queries)
    except (OSError, ValueError) as exc:
        raise _fail(str(exc)) from None
    searcher = _open_searcher(index)
    report = _guard(lambda: run_eval(searcher, judged, k=k, mode=mode))  # type: ignore[arg-type]
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
        raise _fail(f"--since '{str(since)[:40]}' is geen datum (JJJJ-MM-DD)", 2) from None
    missing = [str(path) for path in logs if not path.is_file()]
    if missing:
        raise _fail(f"zoeklog niet gevonden: {', '.join(missing)}")
    searcher = _open_searcher(index)
    report = _guard(lambda: make_insights(logs, searcher, content, start, limit))
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
    import os

    import uvicorn

    if search_log is not None:
        os.environ["KENNISBANK_SEARCH_LOG"] = str(search_log)
    metrics_dir = _metrics_dir(workers)
    os.environ["KENNISBANK_CONTENT"] = str(content)
    os.environ["KENNISBANK_INDEX"] = str(index)
    os.environ["KENNISBANK_WATCH"] = "true" if watch else "false"
    # QR codes, the feed and exports name the site's public address; unless one is set,
    # that is the address this server listens on (not a fixed port 8000).
    os.environ.setdefault("KENNISBANK_BASE_URL", local_base_url(host, port))
    if watch and workers > 1:
        raise _fail("--watch werkt met één worker; laat --workers weg")
    typer.echo(f"Kennisbank op http://{host}:{port} (index: {index})")
    if watch:
        typer.echo(
            f"Bewaakt {content.resolve()}: elke opgeslagen wijziging wordt meteen verwerkt, "
            "open pagina's laden zichzelf opnieuw en fouten staan bovenaan elke pagina."
        )
    try:
        uvicorn.run(
            "kennisbank.webapp:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            proxy_headers=True,
            # bounds for slow and huge clients (KENNISBANK_HEADER_TIMEOUT and friends), named
            # as a string like the app: the CLI does not import the web app
            http="kennisbank.webapp.operations.server:BoundedHttpToolsProtocol",
        )
    finally:
        if metrics_dir is not None:
            import shutil

            shutil.rmtree(metrics_dir, ignore_errors=True)


def _metrics_dir(workers: int) -> Path | None:
    """Prepare prometheus-client's multiprocess folder; returns a folder made here to remove.

    Several workers need one (each writes its values there, /metrics sums them). An
    operator's ``PROMETHEUS_MULTIPROC_DIR`` is used and emptied of an earlier run's files;
    otherwise ``serve --workers N`` makes a temporary one for this run.
    """
    import os
    import tempfile

    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):  # an earlier run's values would add to this run's
            stale.unlink(missing_ok=True)
        return None
    if workers < 2:
        return None
    made = Path(tempfile.mkdtemp(prefix="kennisbank-metrics-"))
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(made)
    return made


def local_base_url(host: str, port: int) -> str:
    """``http://host:port`` for a listening address; a wildcard host is named ``localhost``."""
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - a name for the address, not a bind
        host = "localhost"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _guard(call: Callable[[], T]) -> T:
    """Run a search; an index that fails while answering gives one line, not a traceback."""
    from kennisbank.indexing.manifest import IndexUnavailable

    try:
        return call()
    except IndexUnavailable as exc:
        raise _fail(str(exc)) from None


def _open_searcher(index: Path) -> Searcher:
    from kennisbank.embedders import EmbedderError
    from kennisbank.indexing.manifest import IndexUnavailable
    from kennisbank.search.searcher import Searcher

    try:
        return Searcher(index)
    except (IndexUnavailable, EmbedderError) as exc:
        raise _fail(str(exc)) from None


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress bar with an ETA for the embedding stage, shown only on a terminal.

    A first e5 build of a few thousand cases takes many minutes; the ETA says how many.
    """
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("nog"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("Passages inbedden", total=None)

        def update(stage: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def main() -> None:
    """Console-script entry point."""
    app()
