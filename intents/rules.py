"""Keyword intent scoring over jieba tokens; the rules themselves are data (data/rules.toml)."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from rapidfuzz import fuzz, process

from intents.labels import Intent
from intents.memo import WordMemo

_ASCII_WORD = re.compile(r"^[a-z][a-z\-']*$")
_FUZZY_MIN_LEN = 5
_FUZZY_CUTOFF = 86.0
FILLER_YIELDS_TO = 2.5
"""A greeting gives way to another intent only when that one scores at least this much."""


_ORDER = {intent: n for n, intent in enumerate(Intent)}
"""Ties are broken in the labels' declared order, never by set iteration (which varies per process)."""


@dataclass(frozen=True)
class Combo:
    words: frozenset[str]
    intent: Intent
    weight: float


@dataclass(frozen=True)
class Scores:
    ranked: tuple[tuple[Intent, float], ...]
    """Intents with a positive score, best first; empty when nothing spoke."""
    matched: tuple[str, ...]


@dataclass
class IntentRules:
    exact: dict[str, list[tuple[Intent, float]]] = field(default_factory=dict)
    prefixes: list[tuple[str, Intent, float]] = field(default_factory=list)
    combos: list[Combo] = field(default_factory=list)
    fillers: frozenset[Intent] = frozenset()
    typos: dict[str, str] = field(default_factory=dict)
    question_words: frozenset[str] = frozenset()
    concrete_words: frozenset[str] = frozenset()
    domain_words: frozenset[str] = frozenset()
    _english_vocabulary: list[str] = field(default_factory=list)
    _typo_pattern: re.Pattern[str] | None = None

    def __post_init__(self) -> None:
        self._english: WordMemo[list[tuple[Intent, float]] | None] = WordMemo(self._english_hits)
        """An English word's keyword hits, its prefix or a close spelling, remembered per word."""

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> IntentRules:
        rules = cls(typos=dict(data.get("typos", {})))
        exact: defaultdict[str, list[tuple[Intent, float]]] = defaultdict(list)
        fillers = set()
        for label, spec in data["intent"].items():
            intent = Intent(label)
            if spec.get("filler"):
                fillers.add(intent)
            for word, weight in spec.get("words", {}).items():
                if word.endswith("*"):
                    rules.prefixes.append((word[:-1], intent, float(weight)))
                else:
                    exact[word].append((intent, float(weight)))
            for combo in spec.get("combo", []):
                rules.combos.append(Combo(frozenset(combo["all"]), intent, float(combo["weight"])))
        rules.exact = dict(exact)
        rules.question_words = frozenset(data.get("markers", {}).get("question", ()))
        rules.concrete_words = frozenset(data.get("markers", {}).get("concrete", ()))
        rules.domain_words = frozenset(data.get("markers", {}).get("domain", ()))
        rules.fillers = frozenset(fillers)
        rules._english_vocabulary = sorted(
            {w for w in exact if _ASCII_WORD.match(w) and len(w) >= _FUZZY_MIN_LEN}
            | {p for p, _, _ in rules.prefixes if _ASCII_WORD.match(p)}
        )
        if rules.typos:
            alternatives = sorted(rules.typos, key=len, reverse=True)
            rules._typo_pattern = re.compile("|".join(map(re.escape, alternatives)))
        return rules

    def vocabulary(self) -> Iterable[str]:
        """Words jieba must keep whole, for the user dictionary."""
        yield from (w for w in self.exact if not w.startswith("<"))
        for combo in self.combos:
            yield from (w for w in combo.words if not w.startswith("<"))
        yield from self.typos.values()
        yield from self.question_words
        yield from self.concrete_words

    def is_general_question(self, text: str, tokens: Sequence[str], names_something: bool) -> bool:
        """A question about the domain that names no place, number, party or own case.

        Chinese words are looked for inside the text, since jieba often glues them to their
        neighbours (什么叫, 罚多少钱); an English question starts with its question word.
        """
        present = set(tokens)
        if names_something or not present.isdisjoint(self.concrete_words):
            return False
        if not any(w in text for w in self.domain_words):
            return False
        if (tokens and tokens[0] in self.question_words) or text.endswith("?"):
            return True
        return any(w in text for w in self.question_words if not w.isascii())

    def fix_typos(self, cleaned: str) -> str:
        if self._typo_pattern is None:
            return cleaned
        return self._typo_pattern.sub(lambda m: self.typos[m.group(0)], cleaned)

    def candidates(self, tokens: Sequence[str]) -> set[str]:
        """Tokens, and each pair of neighbours joined, so that a keyword jieba split still counts."""
        found = set(tokens)
        for left, right in pairwise(tokens):
            if left.isascii() and right.isascii():
                found.add(f"{left} {right}")
            else:
                found.add(left + right)
        return found

    def score(
        self, tokens: Sequence[str], markers: Iterable[str] = (), candidates: set[str] | None = None
    ) -> Scores:
        """candidates: `candidates(tokens)` when the caller has them already."""
        present = set(candidates) if candidates is not None else self.candidates(tokens)
        present.update(markers)
        whole = set(tokens)
        found: dict[str, list[tuple[Intent, float]]] = {}
        for word in present:
            hits = self.exact.get(word)
            if hits is not None:
                found[word] = hits
            elif word.isascii():
                if len(word) >= _FUZZY_MIN_LEN and _ASCII_WORD.match(word):
                    english = self._english(word)
                    if english:
                        found[word] = english
            elif len(word) >= 3 and word in whole:
                found.update(self._inside(word))
        totals: defaultdict[Intent, float] = defaultdict(float)
        matched = tuple(sorted(found))
        for word in matched:  # in a fixed order, so that the float sums are the same every run
            for intent, weight in found[word]:
                totals[intent] += weight
        for combo in self.combos:
            if combo.words <= present:
                totals[combo.intent] += combo.weight
        ranked = sorted(
            ((i, s) for i, s in totals.items() if s > 0), key=lambda p: (-round(p[1], 9), _ORDER[p[0]])
        )
        if len(ranked) > 1:
            ranked = self._demote_fillers(ranked)
        return Scores(tuple(ranked), matched)

    def _inside(self, word: str) -> dict[str, list[tuple[Intent, float]]]:
        """Keywords inside a longer dictionary word jieba kept whole (专家论证会 holds 专家)."""
        inside = {}
        for size in range(len(word) - 1, 1, -1):
            for start in range(len(word) - size + 1):
                part = word[start : start + size]
                hits = self.exact.get(part)
                if hits is not None:
                    inside[part] = hits
        return inside

    def _english_hits(self, word: str) -> list[tuple[Intent, float]] | None:
        hits = [(intent, w) for prefix, intent, w in self.prefixes if word.startswith(prefix)]
        if hits:
            return hits
        best = process.extractOne(
            word, self._english_vocabulary, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
        )
        if best is None:
            return None
        close = best[0]
        return self.exact.get(close) or [
            (intent, w) for prefix, intent, w in self.prefixes if close == prefix
        ]

    def _demote_fillers(self, ranked: list[tuple[Intent, float]]) -> list[tuple[Intent, float]]:
        substantive = [p for p in ranked if p[0] not in self.fillers and p[1] >= FILLER_YIELDS_TO]
        if not substantive:
            return ranked
        return sorted(((i, s * 0.25 if i in self.fillers else s) for i, s in ranked), key=lambda p: -p[1])


def confidence(best: float, second: float) -> float:
    """Saturating in the best score, discounted by how close the runner-up is."""
    if best <= 0:
        return 0.0
    return round((1.0 - math.exp(-best / 2.0)) * best / (best + second), 3)
