"""understand(text) -> Understanding: the one entry point of the intents library."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from intents.entities import TagSets, find_phones, find_tracking_numbers
from intents.features import message_features
from intents.labels import Intent
from intents.places import Gazetteer, PlaceResult, read_gazetteer_rows
from intents.rules import IntentRules, Scores, confidence
from intents.text import MAX_CHARS, clean, detect_language
from intents.tokenizer import DomainTokenizer
from intents.understanding import Entities, Understanding
from knowledge.linear import LinearModel
from knowledge.patent_numbers import PatentNumber, find_patent_numbers

WEAK_BELOW = 0.45
AMBIGUOUS_RATIO = 0.7
MODEL_WEAK_BELOW = 0.5
"""With the fitted model: below this probability the best intent is too unsure to act on."""
MODEL_AMBIGUOUS_RATIO = 0.6
"""With the fitted model: a runner-up this close (or an exact tie) makes the message ambiguous."""
MODEL_OVERRULES = 0.8
"""The model's probability at which it overrules the rules without asking the citizen."""
MODEL_SURE = 0.95
"""Above this the model's verdict on a report stands over the rules' doubt (专利产品 … 专利号 … 仿造
has both reports' words and is a plain complaint); a question keeps it, since its answer comes
first and the report it may lead to is one button away."""
MODEL_FILE = "intent_model.tsv"


@dataclass(frozen=True)
class Analysis:
    """Everything read off a message before its intent is decided."""

    cleaned: str
    fixed: str
    tokens: list[str]
    numbers: tuple[PatentNumber, ...]
    phones: tuple[str, ...]
    tracking: tuple[str, ...]
    place: PlaceResult
    markers: list[str]
    present: set[str]
    scores: Scores


class Understander:
    def __init__(
        self,
        rules: IntentRules,
        gazetteer: Gazetteer,
        sectors: TagSets,
        channels: TagSets,
        tokenizer: DomainTokenizer,
        model: LinearModel | None = None,
    ) -> None:
        self.model = model
        self.rules = rules
        self.gazetteer = gazetteer
        self.sectors = sectors
        self.channels = channels
        self.tokenizer = tokenizer

    def tokens(self, text: str) -> list[str]:
        """The domain tokens of any text, as the FAQ index and understand() see them."""
        return self.tokenizer.tokens(self.rules.fix_typos(clean(text)))

    def analyse(self, text: str) -> Analysis:
        cleaned = clean(text)
        numbers = tuple(find_patent_numbers(text[:MAX_CHARS]))
        phones = tuple(find_phones(cleaned))
        tracking = tuple(find_tracking_numbers(cleaned))
        fixed = self.rules.fix_typos(cleaned)
        tokens = self.tokenizer.tokens(fixed)
        place = self.gazetteer.resolve(tokens)
        markers = [
            m
            for m, present in (
                ("<patent_no>", numbers),
                ("<case_no>", tracking),
                ("<phone>", phones),
                ("<place>", place.county_code or place.out_of_area),
            )
            if present
        ]
        present = self.rules.candidates(tokens)
        if self.rules.is_general_question(cleaned, tokens, bool(markers)):
            markers.append("<general_question>")
        scores = self.rules.score(tokens, markers, present)
        return Analysis(cleaned, fixed, tokens, numbers, phones, tracking, place, markers, present, scores)

    def features(self, a: Analysis) -> set[str]:
        places = (m.name for m in a.place.mentions)
        return message_features(a.fixed, a.tokens, a.markers, a.scores.ranked, places)

    def understand(self, text: str) -> Understanding:
        a = self.analyse(text)
        entities = Entities(
            county_code=a.place.county_code,
            county_name=self.gazetteer.county_names.get(a.place.county_code or ""),
            out_of_area=a.place.out_of_area,
            patent_numbers=a.numbers,
            phones=a.phones,
            sectors=tuple(self.sectors.find(a.present)),
            channels=tuple(self.channels.find(a.present)),
            language=detect_language(a.cleaned),
            tracking_numbers=a.tracking,
        )
        if not a.cleaned:
            return Understanding(text, Intent.OUT_OF_SCOPE, 0.0, weak=True, entities=entities)
        decided = self._by_model(a) if self.model is not None else self._by_rules(a)
        found = entities
        if decided.intent is Intent.OUT_OF_SCOPE and decided.confidence >= MODEL_OVERRULES:
            # a place in a message about something else is no county of ours (明天左权下雨不); a
            # doubtful out-of-scope keeps it, since it may answer "who" or "where" (平遥县宏达机械);
            # over the 5,394 labelled messages, 0.5 and 0.8 here route the same (98.1%)
            entities = replace(entities, county_code=None, county_name=None, out_of_area=False)
        return replace(decided, text=text, entities=entities, matched=a.scores.matched, named_place=found)

    def _by_model(self, a: Analysis) -> Understanding:
        """The fitted model names the intent; whether to act on it or ask is decided with the
        rules as a second opinion. When both agree, the rules' caution stands (their weak and
        ambiguous flags carry design knowledge: 冒充专利 may be either report). When they disagree
        and the model is not sure, the message is ambiguous between the two."""
        assert self.model is not None
        ranked = self.model.probabilities(self.features(a))
        (best, p1), (second, p2) = ranked[0], ranked[1]
        rules = self._by_rules(a)
        if best == Intent.OUT_OF_SCOPE and p1 < MODEL_WEAK_BELOW and not rules.weak and a.scores.ranked:
            # "nothing of ours", said unsurely, gives way to a keyword the rules are sure of (投诉);
            # leaving one writer's set out at a time, this costs nothing (91.46% against 91.47%)
            return rules
        intent, runner_up = Intent(best), Intent(second)
        silent = not a.scores.ranked
        weak = p1 < (MODEL_OVERRULES if silent else MODEL_WEAK_BELOW) or (
            silent and intent is Intent.OUT_OF_SCOPE
        )
        ambiguous = p2 >= MODEL_AMBIGUOUS_RATIO * p1
        if not silent and rules.intent is intent:
            sure = p1 >= MODEL_SURE and intent is not Intent.LEGAL_FAQ  # a question keeps its offer
            weak, ambiguous = rules.weak, rules.ambiguous and not sure
            runner_up = rules.runner_up or runner_up
        elif not silent and p1 < MODEL_OVERRULES:
            ambiguous, runner_up = True, rules.intent
        return Understanding(
            text="",
            intent=intent,
            confidence=round(p1, 3),
            runner_up=runner_up,
            runner_up_confidence=round(dict(ranked).get(runner_up.value, 0.0), 3),
            weak=weak,
            ambiguous=ambiguous,
        )

    def _by_rules(self, a: Analysis) -> Understanding:
        if not a.scores.ranked:
            return Understanding("", Intent.OUT_OF_SCOPE, 0.3, weak=True)
        best_intent, best = a.scores.ranked[0]
        runner_up, second = a.scores.ranked[1] if len(a.scores.ranked) > 1 else (None, 0.0)
        conf = confidence(best, second)
        return Understanding(
            text="",
            intent=best_intent,
            confidence=conf,
            runner_up=runner_up,
            runner_up_confidence=confidence(second, best) if runner_up else 0.0,
            weak=conf < WEAK_BELOW,
            ambiguous=runner_up is not None and second >= AMBIGUOUS_RATIO * best,
        )


def _data(name: str) -> str:
    return resources.files("intents").joinpath("data", name).read_text(encoding="utf-8")


def load_understander(cache_dir: Path | None = None, with_model: bool = True) -> Understander:
    """Read the rules, gazetteer and fitted model from the package data and load jieba: start-up
    work. with_model=False decides by the hand rules alone (the build step fits on that)."""
    rules_data = tomllib.loads(_data("rules.toml"))
    rules = IntentRules.from_data(rules_data)
    gazetteer = Gazetteer.from_data(
        tomllib.loads(_data("places.toml")), read_gazetteer_rows(_data("gazetteer.csv"))
    )
    sectors = TagSets.from_data(rules_data["sector"])
    channels = TagSets.from_data(rules_data["channel"])
    words = [*rules.vocabulary(), *gazetteer.vocabulary(), *sectors.vocabulary(), *channels.vocabulary()]
    model = None
    if with_model and resources.files("intents").joinpath("data", MODEL_FILE).is_file():
        model = LinearModel.from_text(_data(MODEL_FILE))
    tokenizer = DomainTokenizer(words, cache_dir)
    return Understander(rules, gazetteer, sectors, channels, tokenizer, model)
