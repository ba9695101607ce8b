"""Query expansion with the domain thesaurus: the words people use for what the cases call
otherwise ("zwervers" for daklozen, "de dokter" for de huisarts, "geldzorgen" for schulden).

Embeddings alone did not bridge that gap: on honest paraphrases (no word shared with the
case) e5-small ranks the right case 6th-15th, and the set rule then finds no case *about*
the query. A thesaurus is what search engines use for it (Solr's and Elasticsearch's
synonym filters; the format of ``data/thesaurus.txt`` is theirs). Expansions count on the
keyword side at a reduced weight and, in the set rule, cover the query word they expand;
the measurements are in docs/search-quality.md.

Matching is on whole words (lowercase, without accents), in order, with stop words kept
inside phrases ("op straat slapen" is not "straat"). Not on stems: the Dutch stemmer
joins "ouders" (parents) and "ouderen" (the elderly), so the file lists the forms it
means ("dakloos, dakloze, daklozen").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kennisbank.text.analysis import STOP_WORDS, WORD_RE, normalize, stem

THESAURUS_FILE = Path(__file__).parent / "data" / "thesaurus.txt"

Phrase = tuple[str, ...]  # a phrase's folded words


@dataclass(frozen=True)
class Rule:
    """Phrases that, found in a query, also stand for ``targets`` (their informative words)."""

    sources: tuple[Phrase, ...]
    targets: tuple[Phrase, ...]
    texts: tuple[str, ...]  # the targets as written


def phrase(text: str) -> Phrase:
    """All words of a text, folded, stop words included: what a query must contain."""
    return tuple(WORD_RE.findall(normalize(text)))


def informative(text: str) -> Phrase:
    """A text's informative words, folded: what a case must contain to cover it."""
    return tuple(
        word
        for word in WORD_RE.findall(normalize(text))
        if len(word) >= 2 and word not in STOP_WORDS
    )


def parse(lines: Iterable[str]) -> list[Rule]:
    """Rules from thesaurus lines: ``a, b, c`` (equivalent) or ``a, b => c, d`` (one way).

    Raises ValueError naming the line for an entry that has no words.
    """
    rules: list[Rule] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        left, arrow, right = line.partition("=>")
        pieces = (left + "," + right).split(",") if arrow else left.split(",")
        sources = [phrase(part) for part in left.split(",")]
        # A phrase with stop words ("op straat slapen", "uit elkaar") is a source only: as a
        # target its remaining words ("straat") would mean something else.
        texts = [
            part.strip()
            for part in (right.split(",") if arrow else pieces)
            if len(informative(part)) == len(phrase(part))
        ]
        targets = [informative(text) for text in texts]
        if not all(phrase(piece) for piece in pieces):
            raise ValueError(f"thesaurus line {number}: an entry without words: {raw.strip()}")
        rules.append(Rule(tuple(sources), tuple(targets), tuple(texts)))
    return rules


class Thesaurus:
    """Rules indexed by the first word of each source phrase."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._by_first: dict[str, list[tuple[Phrase, tuple[Phrase, ...]]]] = {}
        self.texts: dict[Phrase, str] = {}  # a target's words as written in the thesaurus
        for rule in rules:
            self.texts.update(
                (target, text) for target, text in zip(rule.targets, rule.texts, strict=True)
            )
            for source in rule.sources:
                self._by_first.setdefault(source[0], []).append((source, rule.targets))

    def expand(self, query: str) -> dict[str, tuple[Phrase, ...]]:
        """Per query word (folded, as ``membership.concepts`` keys it), the phrases it also
        stands for: the informative words of each, without phrases the query already has."""
        words = WORD_RE.findall(normalize(query))
        present = set(words)
        found: dict[str, dict[Phrase, None]] = {}
        for start, first in enumerate(words):
            for source, targets in self._by_first.get(first, ()):
                end = start + len(source)
                if tuple(words[start:end]) != source:
                    continue
                for target in targets:
                    if set(target) <= present:  # the query has it already (or is it)
                        continue
                    for word in words[start:end]:
                        if len(word) >= 2 and word not in STOP_WORDS:
                            found.setdefault(word, {})[target] = None
        return {word: tuple(phrases) for word, phrases in found.items()}


@lru_cache(maxsize=1)
def thesaurus() -> Thesaurus:
    """The bundled thesaurus, parsed once per process."""
    return Thesaurus(parse(THESAURUS_FILE.read_text(encoding="utf-8").splitlines()))


def expansion_terms(expansions: dict[str, tuple[Phrase, ...]]) -> list[str]:
    """All words of all expansions, each once, for the keyword side."""
    seen: dict[str, None] = {}
    for phrases in expansions.values():
        for target in phrases:
            for part in target:
                seen.setdefault(part, None)
    return list(seen)


def rare_expansions(
    expansions: dict[str, tuple[Phrase, ...]], frequency: Callable[[str], int], limit: int
) -> dict[str, tuple[Phrase, ...]]:
    """The expansions of the query words fewer than ``limit`` cases contain (all of them
    when ``limit`` is 0); ``frequency`` counts the cases with a term (the word or its stem).
    """
    if not limit:
        return expansions
    return {
        word: phrases
        for word, phrases in expansions.items()
        if max(frequency(word), frequency(stem(word))) < limit
    }


def embedding_text(query: str, expansions: dict[str, tuple[Phrase, ...]], limit: int) -> str:
    """The query as the embedder reads it: with up to ``limit`` expansions, taken in turn
    from each expanded word ("zwervers zonder dak" -> "zwervers zonder dak (dakloos)").

    Measured against blending separately encoded expansion vectors into the query's, the
    text form ranked better on two of the three judged sets (docs/search-quality.md); it
    costs e5 about 2 ms per extra token, hence the limit.
    """
    if limit <= 0 or not expansions:
        return query
    texts = thesaurus().texts
    # An inflection of a word already there ("tiener" for "tieners", "dealer" for "dealen")
    # tells the embedder nothing new: only other words are worth their tokens.
    seen = [word[:PREFIX] for word in expansions]
    columns = [
        [target for target in phrases if not _inflection(target, seen)]
        for phrases in expansions.values()
    ]
    chosen: list[str] = []
    depth = 0
    while len(chosen) < limit and any(depth < len(column) for column in columns):
        for column in columns:
            if depth < len(column) and len(chosen) < limit:
                target = column[depth]
                if _inflection(target, seen):
                    continue
                chosen.append(texts.get(target, " ".join(target)))
                seen.extend(word[:PREFIX] for word in target)
        depth += 1
    return f"{query} ({', '.join(chosen)})" if chosen else query


PREFIX = 5  # letters two forms of one word share ("dakloos", "daklozen")


def _inflection(target: Phrase, seen: list[str]) -> bool:
    return len(target) == 1 and target[0][:PREFIX] in seen


def synonym_words(query: str) -> str:
    """The one-word expansions of the query, for snippets to find and mark: a case found
    through "daklozen" for "zwervers" then shows where it says so. A phrase's words alone
    are left out: "gemeenten" of "gemeentelijke schuldhulp" marked on its own would say
    nothing about why the case was found."""
    expansions = thesaurus().expand(query)
    single: dict[str, tuple[Phrase, ...]] = {
        word: tuple(p for p in phrases if len(p) == 1) for word, phrases in expansions.items()
    }
    return " ".join(expansion_terms(single))
