"""Scale the bundled cases to a synthetic corpus of N cases, for benchmarks only.

    python bench/make_corpus.py 10000 bench/corpus/10000 [--seed 1] [--content DIR]
    python bench/make_corpus.py 10000 bench/corpus/10000-distinct1000 --distinct 1000

Each synthetic case recombines the bundled ones so that no two texts are alike (otherwise
the embedding cache would turn a "full build" into a cache read):

- title: the part before the colon of one bundled title + the part after it of another,
  with a number suffix that keeps it unique;
- summary: a bundled summary, often with one sentence swapped for one of another summary;
- body: the four sections, each made of two blocks (paragraphs or list items) taken from
  the same section of two different bundled cases, in random order, with the numbers in
  the text varied;
- facets: 1-2 principles, 1-2 regions, 2-4 partners, drawn from ``taxonomy.yml``;
  ``updated`` spread over 2020-2026; ``status: voorbeeld``.

With ``--distinct N`` only the first N cases get texts of their own; case i > N repeats the
title, summary and body of case ((i-1) mod N)+1, with its own slug, facets and date. Its
passages are then N cases' passages over and over, which a build embeds once: a large
index for search and memory figures at the embedding cost of a small one (e5 embeds ~3
passages/s). Cases 1..N are byte for byte those of the plain corpus of N cases with the
same seed, so the embedding cache of that corpus's index already holds every vector.
``corpus.json`` records ``distinct``, so neither kind of corpus is taken for the other.

Plain string building and no validation, so 100k cases take well under a minute on one
core (check a sample with ``kennisbank validate --content OUT_DIR``). The generator writes
``OUT_DIR/corpus.json`` last; a folder with a matching marker is complete.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

GENERATOR_VERSION = 1
MARKER_FILE = "corpus.json"
SECTIONS = ("Aanleiding", "Aanpak", "Resultaten", "Lessen")
# The fictional fixture cases: corpora stay comparable whatever editors change in content/.
FIXTURE_CONTENT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "content"
SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
# A standalone integer: not part of 80.000 or 1,5 and not glued to letters (B1, Wmo-2).
NUMBER_RE = re.compile(r"(?<![\w.,-])\d+(?![\w]|[.,]\d)")
FIRST_DAY = dt.date(2020, 1, 1)
LAST_DAY = dt.date(2026, 10, 31)


@dataclass(frozen=True)
class CaseText:
    """The texts a case's passages are made of; a repeated case reuses all three."""

    title: str
    summary: str
    body: str


@dataclass
class Source:
    """One bundled case, cut into the parts the generator recombines."""

    slug: str
    head: str  # title before the colon (or its first words)
    tail: str  # title after the colon (or the rest)
    sentences: list[str]  # of the summary
    sections: dict[str, list[list[str]]]  # heading -> blocks; a block is its lines
    meta: dict[str, object]


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def split_title(title: str) -> tuple[str, str]:
    if ":" in title:
        head, tail = title.split(":", 1)
        return head.strip(), tail.strip()
    words = title.split()
    cut = max(2, len(words) // 3)
    return " ".join(words[:cut]), " ".join(words[cut:])


def split_body(body: str) -> dict[str, list[list[str]]]:
    sections: dict[str, list[list[str]]] = {}
    current: str | None = None
    block: list[str] = []

    def flush() -> None:
        if current is not None and block:
            sections.setdefault(current, []).append(list(block))
        block.clear()

    for line in body.splitlines():
        if line.startswith("## "):
            flush()
            current = line[3:].strip()
        elif not line.strip():
            flush()
        else:
            block.append(line)
    flush()
    return sections


def load_sources(content: Path) -> list[Source]:
    sources = []
    for path in sorted((content / "cases").glob("*.md")):
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        head, tail = split_title(str(meta["title"]))
        sections = split_body(body)
        if not all(sections.get(name) for name in SECTIONS):
            continue
        sentences = SENTENCE_RE.split(" ".join(str(meta["summary"]).split()))
        sources.append(Source(path.stem, head, tail, sentences, sections, meta))
    if len(sources) < 2:
        raise SystemExit(f"{content}: need at least two cases with all four sections")
    return sources


def taxonomy_ids(taxonomy_file: Path) -> dict[str, list[str]]:
    data = yaml.safe_load(taxonomy_file.read_text(encoding="utf-8"))
    return {name: list(values) for name, values in data.items() if isinstance(values, dict)}


def pool(sources: list[Source], key: str) -> list[str]:
    values: set[str] = set()
    for source in sources:
        for value in source.meta.get(key) or []:  # type: ignore[attr-defined]
            values.add(str(value))
    return sorted(values)


class Generator:
    def __init__(self, sources: list[Source], taxonomy: dict[str, list[str]], seed: int) -> None:
        self.sources = sources
        self.taxonomy = taxonomy
        self.rng = random.Random(seed)
        self.places = pool(sources, "places")
        self.themes = pool(sources, "themes")
        self.organisations = pool(sources, "organisations")
        self.target_groups = pool(sources, "target_groups")
        self.contacts = sorted({str(s.meta["contact"]) for s in sources if s.meta.get("contact")})
        self.costs = sorted({str(s.meta["costs"]) for s in sources if s.meta.get("costs")})
        self.days = (LAST_DAY - FIRST_DAY).days

    def vary_numbers(self, text: str) -> str:
        rng = self.rng

        def replace(match: re.Match[str]) -> str:
            value = int(match.group())
            if 1950 <= value <= 2030:  # a year
                return str(rng.randint(2012, 2025))
            if value <= 1:
                return match.group()
            return str(max(2, round(value * rng.uniform(0.5, 1.6))))

        return NUMBER_RE.sub(replace, text)

    def two_sources(self) -> tuple[Source, Source]:
        first, second = self.rng.sample(self.sources, 2)
        return first, second

    def block(self, lines: list[str]) -> str:
        """A paragraph as is; of a list, a shuffled subset of its items."""
        if all(line.lstrip().startswith(("- ", "* ")) or line.startswith("  ") for line in lines):
            items: list[str] = []
            for line in lines:
                if line.lstrip().startswith(("- ", "* ")) or not items:
                    items.append(line)
                else:
                    items[-1] += "\n" + line
            keep = self.rng.sample(items, min(len(items), self.rng.randint(2, 4)))
            return "\n".join(keep)
        return "\n".join(lines)

    def section(self, name: str) -> str:
        first, second = self.two_sources()
        blocks = [
            self.block(self.rng.choice(first.sections[name])),
            self.block(self.rng.choice(second.sections[name])),
        ]
        self.rng.shuffle(blocks)
        return self.vary_numbers("\n\n".join(blocks))

    def title(self, number: int) -> str:
        first, second = self.two_sources()
        place = self.rng.choice(self.places)
        suffix = f" ({place} {number})"
        text = f"{first.head}: {second.tail}"
        if len(text) + len(suffix) > 160:
            text = text[: 160 - len(suffix) - 1].rsplit(" ", 1)[0]
        return text + suffix

    def summary(self) -> str:
        first, second = self.two_sources()
        sentences = list(first.sentences)
        if len(sentences) > 1 and self.rng.random() < 0.7:
            sentences[self.rng.randrange(len(sentences))] = self.rng.choice(second.sentences)
        text = self.vary_numbers(" ".join(sentences))
        return text if 20 <= len(text) <= 400 else " ".join(first.sentences)

    def pick(self, values: list[str], low: int, high: int) -> list[str]:
        return self.rng.sample(values, min(len(values), self.rng.randint(low, high)))

    def case(self, number: int, repeat: CaseText | None = None) -> tuple[str, CaseText]:
        """The file text of case ``number`` and its texts; ``repeat`` reuses another's texts.

        The random draws happen in one fixed order (date, title, summary, facets, body), and
        a repeat skips only the draws of the texts it reuses: the cases before the first
        repeat are the same as in a corpus without repeats.
        """
        updated = FIRST_DAY + dt.timedelta(days=self.rng.randrange(self.days + 1))
        title = repeat.title if repeat else self.title(number)
        summary = repeat.summary if repeat else self.summary()
        fields: dict[str, object] = {"title": title, "summary": summary, **self.facets(updated)}
        body = repeat.body if repeat else self.body()
        lines = ["---"]
        for key, value in fields.items():
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
        lines += [f"updated: {updated.isoformat()}", "status: voorbeeld", "---"]
        return "\n".join(lines) + "\n" + body, CaseText(title, summary, body)

    def facets(self, updated: dt.date) -> dict[str, object]:
        """Every front matter field but the title and summary, drawn at random."""
        rng = self.rng
        taxonomy = self.taxonomy
        fields: dict[str, object] = {
            "principles": self.pick(taxonomy["principles"], 1, 2),
            "regions": self.pick(taxonomy["regions"], 1, 2),
            "places": self.pick(self.places, 1, 2),
            "partners": self.pick(taxonomy["partners"], 2, 4),
            "themes": self.pick(self.themes, 2, 4),
            "organisations": self.pick(self.organisations, 1, 2),
            "year": rng.randint(2010, min(updated.year, 2025)),
        }
        if self.contacts:
            fields["contact"] = rng.choice(self.contacts)
        if self.target_groups:
            fields["target_groups"] = self.pick(self.target_groups, 1, 2)
        if taxonomy.get("evidence"):
            fields["evidence"] = rng.choice(taxonomy["evidence"])
        if self.costs and rng.random() < 0.5:
            fields["costs"] = self.vary_numbers(" ".join(rng.choice(self.costs).split()))
        return fields

    def body(self) -> str:
        lines: list[str] = []
        for name in SECTIONS:
            lines += [f"## {name}", "", self.section(name), ""]
        return "\n".join(lines)

    def collection(self, number: int, size: int) -> str:
        rng = self.rng
        chosen = rng.sample(range(1, size + 1), min(size, 8))
        entries = []
        for position, case in enumerate(chosen):
            if position % 3 == 0:
                note = json.dumps(f"Bespreken in ronde {position // 3 + 1}.", ensure_ascii=False)
                entries.append(f"  - slug: {slug(case)}\n    note: {note}")
            else:
                entries.append(f"  - {slug(case)}")
        return "\n".join(
            [
                "---",
                f'title: "Synthetische collectie {number}"',
                f'description: "Acht willekeurige voorbeelden uit een corpus van {size}."',
                f"date: {FIRST_DAY + dt.timedelta(days=rng.randrange(self.days + 1))}",
                'curator: "Benchmark"',
                "cases:",
                *entries,
                "---",
                "Een collectie voor de benchmark.",
                "",
            ]
        )


def slug(number: int) -> str:
    return f"syn-{number:06d}"


def marker(size: int, seed: int, distinct: int | None = None) -> dict[str, object]:
    """What ``corpus.json`` says; a corpus with repeats names ``distinct``, a plain one not."""
    found: dict[str, object] = {"cases": size, "seed": seed, "generator": GENERATOR_VERSION}
    if distinct:
        found["distinct"] = distinct
    return found


def is_complete(out: Path, size: int, seed: int, distinct: int | None = None) -> bool:
    try:
        found: object = json.loads((out / MARKER_FILE).read_text())
    except (OSError, ValueError):
        return False
    return found == marker(size, seed, distinct)


def make_corpus(
    size: int,
    out: Path,
    seed: int = 1,
    content: Path = FIXTURE_CONTENT,
    distinct: int | None = None,
) -> float:
    """Write the corpus (replacing any previous one in ``out``); returns the seconds taken.

    With ``distinct`` N (< size), case i > N reuses the title, summary and body of case
    ((i - 1) mod N) + 1: its passages are the same texts, which the embedding cache embeds
    once. Cases 1..N are those of the plain corpus of N cases with the same seed.
    """
    if distinct is not None and not 1 <= distinct < size:
        raise ValueError(f"distinct must be 1..{size - 1}, not {distinct}")
    started = time.perf_counter()
    sources = load_sources(content)
    taxonomy = taxonomy_ids(content / "taxonomy.yml")
    generator = Generator(sources, taxonomy, seed)
    for folder in ("cases", "collections"):
        shutil.rmtree(out / folder, ignore_errors=True)
    (out / MARKER_FILE).unlink(missing_ok=True)
    (out / "cases").mkdir(parents=True)
    (out / "collections").mkdir(parents=True)
    shutil.copyfile(content / "taxonomy.yml", out / "taxonomy.yml")
    cases = out / "cases"
    texts: list[CaseText] = []
    for number in range(1, size + 1):
        repeat = texts[(number - 1) % distinct] if distinct and number > distinct else None
        text, parts = generator.case(number, repeat)
        if distinct and number <= distinct:
            texts.append(parts)
        (cases / f"{slug(number)}.md").write_text(text, encoding="utf-8")
    if size >= 8:
        for number in (1, 2):
            text = generator.collection(number, size)
            (out / "collections" / f"syn-collectie-{number}.md").write_text(text, "utf-8")
    (out / MARKER_FILE).write_text(json.dumps(marker(size, seed, distinct)) + "\n")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", type=int, help="number of cases")
    parser.add_argument("out", type=Path, help="content folder to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--content", type=Path, default=FIXTURE_CONTENT, help="source cases (the fixture tree)"
    )
    parser.add_argument(
        "--distinct",
        type=int,
        default=None,
        metavar="N",
        help="only N cases' texts: case i > N reuses the title, summary and body of case "
        "((i-1) mod N)+1 (slugs, facets and dates still differ), so the embedding cache "
        "embeds N cases' passages; cases 1..N equal the plain corpus of N cases",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.size <= 999_999:
        parser.error("size must be 1..999999")
    if args.distinct is not None and not 1 <= args.distinct < args.size:
        parser.error("--distinct must be at least 1 and below size")
    seconds = make_corpus(args.size, args.out, args.seed, args.content, args.distinct)
    print(f"{args.size} cases in {args.out} ({seconds:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
