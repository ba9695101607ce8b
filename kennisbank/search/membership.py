"""Which cases a search is *about*: the result set, and how strong the match is.

A result set used to be "any informative word, or a cosine above a floor": under e5 every
Dutch text sits at a cosine of 0.78-0.88 to every other, so nearly every query claimed
nearly every case. Two per-query rules replace it, both relative to the query itself so
they hold as the collection grows:

- **Words: minimum should match.** Each query word is a concept; a case covers it when it
  contains the word or its stem (full credit), or all parts of a compound query word
  (``PART_CREDIT``: "gokverslaving" is not found by "verslaving" alone). A concept weighs
  its idf in the collection (a word no case contains weighs the most), and a case belongs
  when it covers at least ``min_should_match`` of the query's weight: for "huiselijk
  geweld" both words, for "hoe voorkom je dat huurders met schulden uit huis worden gezet"
  the specific half of the question.
- **Meaning: calibrated per query.** A case's best passage cosine is turned into a z-score
  against the query's own cosines over a fixed sample of the index's passages (mean and
  spread), not held against an absolute floor inside e5's narrow band. A case belongs
  when it stands out (``member_z``) and is near the query's best (``member_window``).

The match is ``strong`` when some case covers the query's words, or stands out by meaning
as far as no need the collection does not cover did (``strong_z``); otherwise ``weak``:
the few closest cases by meaning are offered as such (or ``none`` if even they are not
close: gibberish). Thresholds and the measurements behind them: docs/search-quality.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kennisbank.search.bm25 import TermIndex
from kennisbank.search.facets import Mask
from kennisbank.search.fusion import Scores
from kennisbank.text.analysis import STOP_WORDS, WORD_RE, compound_parts, normalize, stem

# Search-engine operators people type out of habit ("schuld AND hulp"): not concepts.
OPERATORS = frozenset({"and", "or", "not", "near"})
PART_CREDIT = 0.45  # below min_should_match: a compound's parts alone never make a member
SAMPLE_SIZE = 1024  # passages whose cosines calibrate a query


@dataclass(frozen=True)
class Concept:
    """One informative query word: its surface and stem, and the stems of its parts."""

    forms: tuple[str, ...]
    parts: tuple[str, ...]


def concepts(query: str) -> list[Concept]:
    """The query's informative words, each once, in order."""
    return [concept for concept, _ in concepts_with_words(query)]


def concepts_with_words(query: str) -> list[tuple[Concept, str]]:
    """The query's concepts with the folded word each stands for."""
    seen: dict[str, Concept] = {}
    for word in WORD_RE.findall(normalize(query)):
        if len(word) < 2 or word in STOP_WORDS or word in OPERATORS or word in seen:
            continue
        forms = tuple(dict.fromkeys((word, stem(word), *voicing(stem(word)))))
        seen[word] = Concept(forms, tuple(stem(part) for part in compound_parts(word)))
    return [(concept, word) for word, concept in seen.items()]


# Dutch spells a stem's last consonant voiced before a vowel ("dakloos", "daklozen"; "brief",
# "brieven"); the Snowball stemmer keeps both spellings apart ("daklos", "dakloz").
VOICING = {"s": "z", "z": "s", "f": "v", "v": "f"}


def voicing(word_stem: str) -> tuple[str, ...]:
    """The stem with its last consonant's other spelling (none for short stems)."""
    last = word_stem[-1:]
    if len(word_stem) < 5 or last not in VOICING:
        return ()
    return (word_stem[:-1] + VOICING[last],)


def word_coverage(
    terms: TermIndex,
    query: str,
    synonyms: Mapping[str, tuple[tuple[str, ...], ...]] | None = None,
    synonym_credit: float = 0.0,
) -> Scores:
    """Per case position, the idf-weighted share of the query's concepts it covers (0-1).

    ``synonyms`` (thesaurus.Thesaurus.expand) gives per query word the phrases it also
    stands for; a case with all words of one covers the word for ``synonym_credit`` of its
    weight. The weight stays the word's own idf: "zwervers", a word no case uses, weighs
    the most, so a case about daklozen covers most of the query.
    """
    coverage: Scores = np.zeros(terms.size)
    total = 0.0
    synonyms = synonyms or {}
    for concept, word in concepts_with_words(query):
        direct = _cases_with_any(terms, concept.forms)
        weight = _idf(terms.size, int(np.count_nonzero(direct)))
        total += weight
        credit: Scores = np.zeros(terms.size)
        if concept.parts:
            credit[_cases_with_all(terms, concept.parts)] = PART_CREDIT
        if synonym_credit:
            for phrase in synonyms.get(word, ()):
                inside = _cases_with_all(terms, phrase)
                credit[inside] = np.maximum(credit[inside], synonym_credit)
        credit[direct] = 1.0
        coverage += credit * weight
    return coverage / total if total else coverage


def _idf(size: int, documents: int) -> float:
    """BM25's idf (bm25.TermIndex): a word no case contains weighs the most."""
    return math.log(1 + (size - documents + 0.5) / (documents + 0.5))


def _cases(terms: TermIndex, term: str) -> Mask:
    mask: Mask = np.zeros(terms.size, dtype=bool)
    term_id = terms.vocabulary.get(term)
    if term_id is not None and term_id + 1 < len(terms.starts):
        mask[terms.postings_case[terms.starts[term_id] : terms.starts[term_id + 1]]] = True
    return mask


def _cases_with_any(terms: TermIndex, forms: tuple[str, ...]) -> Mask:
    mask: Mask = np.zeros(terms.size, dtype=bool)
    for form in forms:
        mask |= _cases(terms, form)
    return mask


def _cases_with_all(terms: TermIndex, parts: tuple[str, ...]) -> Mask:
    mask: Mask = np.ones(terms.size, dtype=bool)
    for part in parts:
        mask &= _cases(terms, part)
    return mask


class Calibration:
    """Cosines of a query against a fixed, evenly spread sample of the index's passages."""

    def __init__(self, sample: npt.NDArray[np.float32]) -> None:
        self.sample = np.ascontiguousarray(sample, dtype=np.float32)

    def spread(self, vector: npt.NDArray[np.float32]) -> tuple[float, float]:
        """(mean, standard deviation) of the query's cosines over the sample."""
        if not len(self.sample):
            return 0.0, 1.0
        cosines = self.sample @ vector.reshape(-1)
        return float(cosines.mean()), max(float(cosines.std()), 1e-6)


@dataclass(frozen=True)
class SetRule:
    """The knobs of membership (RankingConfig carries them, per embedder)."""

    min_should_match: float
    member_z: float
    member_window: float
    strong_z: float


def standing(semantic: Scores, spread: tuple[float, float]) -> Scores:
    """Cosines as z-scores against the query's own distribution (NaN stays NaN)."""
    mean, deviation = spread
    return (semantic - mean) / deviation


def decide(coverage: Scores, z: Scores, rule: SetRule) -> tuple[Mask, bool]:
    """(members, strong) from word coverage and semantic standing per case."""
    by_words = coverage >= rule.min_should_match
    finite = np.nan_to_num(z, nan=-np.inf)
    top = float(finite.max()) if len(finite) else -np.inf
    by_meaning = (finite >= rule.member_z) & (finite >= top - rule.member_window)
    strong = bool(by_words.any()) or top >= rule.strong_z
    if not strong:
        return np.zeros(len(coverage), dtype=bool), False
    return by_words | by_meaning, True
