from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Config, load_config
from intents.understander import Understander, load_understander
from knowledge.faq import FaqIndex, load_default_faq
from knowledge.faq_model import load_faq_model

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT / "tests" / "eval"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config(ROOT / "config.toml")


@pytest.fixture(scope="session")
def understander(tmp_path_factory: pytest.TempPathFactory) -> Understander:
    return load_understander(tmp_path_factory.mktemp("jieba-cache"))


@pytest.fixture(scope="session")
def faq_index(understander: Understander, config: Config) -> FaqIndex:
    return FaqIndex(
        load_default_faq(),
        understander.tokens,
        threshold=config.faq.answer_threshold,
        margin=config.faq.answer_margin,
        model=load_faq_model(),
    )
