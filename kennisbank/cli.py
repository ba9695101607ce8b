"""The ``kennisbank`` command: argument parsing and printing over one library call each."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Kennisbank: praktijkvoorbeelden uit het sociaal domein, doorzoekbaar.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ContentOpt = Annotated[Path, typer.Option("--content", envvar="KENNISBANK_CONTENT",
                                          help="Map met taxonomy.yml, cases/ en collections/.")]
IndexOpt = Annotated[Path, typer.Option("--index", envvar="KENNISBANK_INDEX",
                                        help="Map waarin de index staat.")]


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


@app.command()
def validate(
    content: ContentOpt = Path("content"),
    output: Annotated[OutputFormat, typer.Option("--format", help="text of json")] =
        OutputFormat.text,
) -> None:
    """Controleer alle content; elke fout op een eigen regel als pad:regel: melding."""
    from kennisbank.content import load_content

    tree = load_content(content)
    if output is OutputFormat.json:
        typer.echo(json.dumps([p.model_dump() for p in tree.problems], ensure_ascii=False,
                              indent=2))
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
    from kennisbank.content import TAXONOMY_FILE
    from kennisbank.frontmatter import ParseFailure
    from kennisbank.scaffold import CaseExistsError, new_case
    from kennisbank.taxonomy import load_taxonomy

    try:
        taxonomy = load_taxonomy(content / TAXONOMY_FILE)
        path = new_case(title, content, taxonomy)
    except ParseFailure as failure:
        raise _fail("\n".join(p.format() for p in failure.problems)) from None
    except (CaseExistsError, ValueError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"Aangemaakt: {path}")
    typer.echo("Vul de velden in en controleer met: kennisbank validate")


def main() -> None:
    """Console-script entry point."""
    app()
