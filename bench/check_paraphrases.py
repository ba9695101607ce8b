"""Check that paraphrase queries are honest: no content word or stem shared with the
titles and summaries of the cases judged relevant to them.

    python bench/check_paraphrases.py bench/queries/content.jsonl --content content

A paraphrase that reuses a case's own title or summary words measures keyword matching,
not whether search understands a situation described in everyday words. Both sides go
through the project's own Dutch analysis (``kennisbank.text.analysis.analyze``): folded
words, their Snowball stems and the stems of compound parts, stop words dropped, so
"huur" in a query shares a stem with "huurachterstand" in a title. Exits 1 and prints
each offending query with the shared terms; ``--kind`` chooses which queries are checked.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kennisbank.content.loading import load_content
from kennisbank.text.analysis import analyze


def terms(text: str) -> set[str]:
    """Surface forms, stems and compound-part stems of a text's content words."""
    stems, parts = analyze(text)
    return {*stems, *parts}


def shared_terms(query: str, texts: list[str]) -> set[str]:
    """The query's terms that also occur in any of ``texts``."""
    other: set[str] = set()
    for text in texts:
        other |= terms(text)
    return terms(query) & other


def check(queries: Path, content: Path, kind: str = "paraphrase") -> list[str]:
    """One line per dishonest query: its id, text and the shared terms."""
    tree = load_content(content)
    problems: list[str] = []
    for number, line in enumerate(queries.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        judged = json.loads(line)
        if judged.get("kind") != kind:
            continue
        texts: list[str] = []
        for slug, grade in judged["relevant"].items():
            case = tree.cases.get(slug)
            if case is None:
                problems.append(f"{queries}:{number}: {judged['id']}: onbekend voorbeeld {slug}")
            elif grade > 0:
                texts += [case.title, case.summary]
        shared = shared_terms(judged["query"], texts)
        if shared:
            words = ", ".join(sorted(shared))
            where = f"{queries}:{number}: {judged['id']}"
            problems.append(f"{where} '{judged['query']}' deelt: {words}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("queries", type=Path)
    parser.add_argument("--content", type=Path, default=Path("content"))
    parser.add_argument("--kind", default="paraphrase")
    args = parser.parse_args()
    problems = check(args.queries, args.content, args.kind)
    for problem in problems:
        print(problem)
    count = sum(
        json.loads(line).get("kind") == args.kind
        for line in args.queries.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    print(f"{count} {args.kind} queries, {len(problems)} not honest")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
