"""The FAQ's learned half: which entry people mean, fitted on how people have asked.

BM25 and fuzzy matching (knowledge/faq.py) only know the words an entry lists. The classifier is
fitted (scripts/train_faq.py) on every phrasing an entry lists and on labelled questions written
by people who never saw the entries, so it learns that 磨了 near 专利号 asks about marking after
expiry. Its probability is blended with the retrieval score.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from importlib import resources

from knowledge.linear import LinearModel

MODEL_FILE = "faq_model.tsv"
MODEL_WEIGHT = 0.6
"""The classifier's share of the blended score; retrieval keeps the rest."""

_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_STEM = 5


def question_features(tokens: Sequence[str]) -> set[str]:
    """Tokens, English stems and Chinese character bigrams and trigrams of a question."""
    out = {"bias"}
    out.update(f"t:{t}" for t in tokens)
    out.update(f"e:{t[:_STEM]}" for t in tokens if t.isascii() and t.isalpha() and len(t) > _STEM)
    for run in _HAN_RUN.findall("".join(tokens)):
        out.update(f"c:{run[i : i + 2]}" for i in range(len(run) - 1))
        out.update(f"c:{run[i : i + 3]}" for i in range(len(run) - 2))
    return out


def load_faq_model() -> LinearModel | None:
    path = resources.files("knowledge").joinpath("data", MODEL_FILE)
    return LinearModel.from_text(path.read_text(encoding="utf-8")) if path.is_file() else None
