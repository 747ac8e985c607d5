"""The patent-law FAQ: entries as data (data/faq.toml) and a ranked search over them.

Ranking blends two signals. BM25 over word tokens and Chinese character bigrams finds the
entry whose vocabulary the question shares (bigrams survive a segmentation jieba got wrong
and most one-character typos). rapidfuzz's similarity to the closest single phrasing rewards a
question worded like one the entry already lists. The tokenizer is passed in, so this module
needs no jieba of its own.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources

from rapidfuzz import fuzz, process

from knowledge.citations_en import cite_en
from knowledge.faq_model import MODEL_WEIGHT, question_features
from knowledge.linear import LinearModel

Tokenize = Callable[[str], list[str]]

_HAN_RUN = re.compile(r"[\u3400-\u9fff]{2,}")
_ENGLISH_SUFFIX = re.compile(r"(ments|ment|ing|ed|es|s)$")
_NOISE = frozenset("的了吗呢啊吧呀么嘛哦是我你他她它们这那就都也还在有和与及或、，。,.!?！？ ")
_K1, _B = 1.4, 0.6
BM25_WEIGHT, FUZZY_WEIGHT = 0.5, 0.5
FUZZY_SHORTLIST = 6
"""Only the best entries by BM25 are compared phrasing by phrasing: the costly half of a search."""


@dataclass(frozen=True)
class LegalBasis:
    law: str
    version: str
    article: str

    def cite(self) -> str:
        return f"《{self.law}》（{self.version}）{self.article}".replace("》（", "》(").replace("）", ")")


@dataclass(frozen=True)
class FaqEntry:
    id: str
    question: str
    question_en: str
    alternates: tuple[str, ...]
    keywords: tuple[str, ...]
    answer: str
    answer_en: str | None
    basis: tuple[LegalBasis, ...]
    reviewed: date

    def question_in(self, language: str) -> str:
        return self.question_en if language == "en" and self.question_en else self.question

    def answer_in(self, language: str) -> str:
        return self.answer_en if language == "en" and self.answer_en else self.answer

    def citations(self, language: str = "zh") -> str:
        """The legal basis as one line: 《law》article（version）；… or, in English, the laws'
        English names and article numbers."""
        if language == "en":
            return "; ".join(cite_en(b.law, b.article, b.version) for b in self.basis)
        return "；".join(f"《{b.law}》{b.article}（{b.version}）" for b in self.basis)

    @property
    def phrasings(self) -> tuple[str, ...]:
        return (self.question, self.question_en, *self.alternates)


@dataclass(frozen=True)
class FaqHit:
    entry: FaqEntry
    score: float


@dataclass(frozen=True)
class FaqResult:
    text: str
    hits: tuple[FaqHit, ...]
    answered: bool

    @property
    def best(self) -> FaqEntry | None:
        return self.hits[0].entry if self.answered and self.hits else None


def parse_faq(text: str) -> list[FaqEntry]:
    entries = []
    for raw in tomllib.loads(text)["faq"]:
        entries.append(
            FaqEntry(
                id=raw["id"],
                question=raw["question"],
                question_en=raw.get("question_en", ""),
                alternates=tuple(raw.get("alternates", ())),
                keywords=tuple(raw.get("keywords", ())),
                answer=raw["answer"].strip(),
                answer_en=raw["answer_en"].strip() if raw.get("answer_en") else None,
                basis=tuple(LegalBasis(b["law"], b["version"], b["article"]) for b in raw["basis"]),
                reviewed=raw["reviewed"],
            )
        )
    return entries


def load_default_faq() -> list[FaqEntry]:
    return parse_faq(resources.files("knowledge").joinpath("data", "faq.toml").read_text(encoding="utf-8"))


class FaqIndex:
    def __init__(
        self,
        entries: Sequence[FaqEntry],
        tokenize: Tokenize,
        threshold: float = 0.5,
        margin: float = 0.04,
        model: LinearModel | None = None,
        model_weight: float = MODEL_WEIGHT,
    ) -> None:
        """threshold and margin: the best entry is given as the answer only when it scores at
        least threshold and leads the runner-up by margin; otherwise the best three are offered.
        model: the fitted classifier over entry ids (knowledge/faq_model.py), blended in."""
        self.entries = list(entries)
        self.model = model
        self.model_weight = model_weight if model is not None else 0.0
        self._position = {e.id: n for n, e in enumerate(self.entries)}
        self.threshold = threshold
        self.margin = margin
        self._tokenize = tokenize
        docs = [self._features(" ".join((*e.phrasings, *e.keywords, *e.keywords, e.answer))) for e in entries]
        self._lengths = [sum(d.values()) for d in docs]
        self._avg_length = sum(self._lengths) / max(len(docs), 1)
        self._postings: defaultdict[str, list[tuple[int, int]]] = defaultdict(list)
        for n, doc in enumerate(docs):
            for feature, count in doc.items():
                self._postings[feature].append((n, count))
        total = len(docs)
        self._idf = {
            f: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5)) for f, p in self._postings.items()
        }
        self._phrasings: list[list[str]] = [
            [self._normal(self._tokens(p)) for p in e.phrasings if p] for e in entries
        ]

    def _tokens(self, text: str) -> list[str]:
        return [t for t in self._tokenize(text) if t not in _NOISE]

    @staticmethod
    def _normal(tokens: list[str]) -> str:
        return " ".join(tokens)

    @staticmethod
    def _features_of(tokens: list[str]) -> Counter[str]:
        features = Counter(_ENGLISH_SUFFIX.sub("", t) if t.isascii() and len(t) > 4 else t for t in tokens)
        for run in _HAN_RUN.findall("".join(tokens)):
            features.update("#" + run[i : i + 2] for i in range(len(run) - 1))
        return features

    def _features(self, text: str) -> Counter[str]:
        return self._features_of(self._tokens(text))

    def _bm25(self, query: Counter[str]) -> list[float]:
        scores = [0.0] * len(self.entries)
        for feature in query:
            idf = self._idf.get(feature)
            if idf is None:
                continue
            for n, tf in self._postings[feature]:
                norm = _K1 * (1 - _B + _B * self._lengths[n] / self._avg_length)
                scores[n] += idf * tf * (_K1 + 1) / (tf + norm)
        return scores

    def _fuzzy(self, normal: str, candidates: Sequence[int]) -> dict[int, float]:
        """Similarity to each candidate's closest phrasing (rapidfuzz token_set_ratio)."""
        best: dict[int, float] = {}
        if not normal:
            return best
        for n in candidates:
            match = process.extractOne(normal, self._phrasings[n], scorer=fuzz.token_set_ratio)
            best[n] = match[1] / 100.0 if match else 0.0
        return best

    def search(self, text: str, limit: int = 3) -> FaqResult:
        tokens = self._tokens(text)
        bm25 = self._bm25(self._features_of(tokens))
        top = max(bm25) if bm25 else 0.0
        shortlist = sorted(range(len(bm25)), key=lambda n: -bm25[n])[:FUZZY_SHORTLIST]
        learned = self._learned(tokens)
        shortlist += [n for n in sorted(learned, key=lambda n: -learned[n])[:3] if n not in shortlist]
        fuzzy = self._fuzzy(self._normal(tokens), shortlist)
        saturation = top / (top + 6.0)
        combined = []
        for n in shortlist:
            relative = bm25[n] / top if top else 0.0
            score = BM25_WEIGHT * relative * saturation + FUZZY_WEIGHT * fuzzy.get(n, 0.0)
            score = (1 - self.model_weight) * score + self.model_weight * learned.get(n, 0.0)
            combined.append(FaqHit(self.entries[n], round(score, 4)))
        combined.sort(key=lambda hit: -hit.score)
        hits = tuple(hit for hit in combined[:limit] if hit.score > 0)
        runner_up = combined[1].score if len(combined) > 1 else 0.0
        answered = bool(hits) and hits[0].score >= self.threshold and hits[0].score - runner_up >= self.margin
        return FaqResult(text, hits, answered)

    def _learned(self, tokens: list[str]) -> dict[int, float]:
        """The classifier's probability of each entry, by entry position; empty without a model."""
        if self.model is None or not tokens:
            return {}
        ranked = self.model.probabilities(question_features(tokens))
        return {self._position[i]: p for i, p in ranked if i in self._position}

    def get(self, entry_id: str) -> FaqEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)
