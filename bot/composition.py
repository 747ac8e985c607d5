"""The composition root: everything the program needs, built once from the config."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Config
from intents.understander import Understander, load_understander
from knowledge.faq import FaqIndex, load_default_faq


@dataclass(frozen=True)
class Core:
    understander: Understander
    faq: FaqIndex


def build_core(config: Config) -> Core:
    """Load jieba, the rules, the gazetteer and the FAQ index: the start-up work."""
    understander = load_understander(config.path(config.nlu.cache_dir))
    faq = FaqIndex(
        load_default_faq(),
        understander.tokens,
        threshold=config.faq.answer_threshold,
        margin=config.faq.answer_margin,
    )
    return Core(understander, faq)
