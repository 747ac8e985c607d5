"""understand(text) -> Understanding: the one entry point of the intents library."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from importlib import resources
from pathlib import Path

from intents.entities import TagSets, find_phones, find_tracking_numbers
from intents.labels import Intent
from intents.places import Gazetteer, read_gazetteer_rows
from intents.rules import IntentRules, confidence
from intents.text import MAX_CHARS, clean, detect_language
from intents.tokenizer import DomainTokenizer
from intents.understanding import Entities, Understanding
from knowledge.patent_numbers import find_patent_numbers

WEAK_BELOW = 0.45
AMBIGUOUS_RATIO = 0.7


class Understander:
    def __init__(
        self,
        rules: IntentRules,
        gazetteer: Gazetteer,
        sectors: TagSets,
        channels: TagSets,
        tokenizer: DomainTokenizer,
    ) -> None:
        self.rules = rules
        self.gazetteer = gazetteer
        self.sectors = sectors
        self.channels = channels
        self.tokenizer = tokenizer

    def tokens(self, text: str) -> list[str]:
        """The domain tokens of any text, as the FAQ index and understand() see them."""
        return self.tokenizer.tokens(self.rules.fix_typos(clean(text)))

    def understand(self, text: str) -> Understanding:
        cleaned = clean(text)
        numbers = tuple(find_patent_numbers(text[:MAX_CHARS]))
        phones = tuple(find_phones(cleaned))
        tracking = tuple(find_tracking_numbers(cleaned))
        tokens = self.tokenizer.tokens(self.rules.fix_typos(cleaned))
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
        scores = self.rules.score(tokens, markers)
        entities = Entities(
            county_code=place.county_code,
            county_name=self.gazetteer.county_names.get(place.county_code or ""),
            out_of_area=place.out_of_area,
            patent_numbers=numbers,
            phones=phones,
            sectors=tuple(self.sectors.find(present)),
            channels=tuple(self.channels.find(present)),
            language=detect_language(cleaned),
            tracking_numbers=tracking,
        )
        if not scores.ranked:
            return Understanding(text, Intent.OUT_OF_SCOPE, 0.3 if cleaned else 0.0, weak=True,
                                 entities=replace(entities, county_code=None, county_name=None))
        best_intent, best = scores.ranked[0]
        if best_intent is Intent.OUT_OF_SCOPE:
            entities = replace(entities, county_code=None, county_name=None, out_of_area=False)
        runner_up, second = scores.ranked[1] if len(scores.ranked) > 1 else (None, 0.0)
        conf = confidence(best, second)
        return Understanding(
            text=text,
            intent=best_intent,
            confidence=conf,
            runner_up=runner_up,
            runner_up_confidence=confidence(second, best) if runner_up else 0.0,
            weak=conf < WEAK_BELOW,
            ambiguous=runner_up is not None and second >= AMBIGUOUS_RATIO * best,
            entities=entities,
            matched=scores.matched,
        )


def _data(name: str) -> str:
    return resources.files("intents").joinpath("data", name).read_text(encoding="utf-8")


def load_understander(cache_dir: Path | None = None) -> Understander:
    """Read the rules and gazetteer from the package data and load jieba: start-up work."""
    rules_data = tomllib.loads(_data("rules.toml"))
    rules = IntentRules.from_data(rules_data)
    gazetteer = Gazetteer.from_data(
        tomllib.loads(_data("places.toml")), read_gazetteer_rows(_data("gazetteer.csv"))
    )
    sectors = TagSets.from_data(rules_data["sector"])
    channels = TagSets.from_data(rules_data["channel"])
    words = [*rules.vocabulary(), *gazetteer.vocabulary(), *sectors.vocabulary(),
             *channels.vocabulary()]
    return Understander(rules, gazetteer, sectors, channels, DomainTokenizer(words, cache_dir))
