"""The features a message is scored on: what the linear intent model was fitted over.

The same function serves the build step (scripts/train_intents.py) and `understand()`, so a
model is always applied to features made exactly as it was fitted on. Every feature is binary:
jieba tokens and their neighbour pairs, character n-grams (which survive a segmentation jieba got
wrong, new compounds such as 乱印专利号, and one-character typos), the entity markers, and the
hand rules' verdict in coarse steps, so that what the rules know and the data lacks still counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import pairwise

from intents.labels import Intent

RULE_STEPS = (1.0, 2.5, 5.0, 8.0)
"""A rule score at or above each step is one feature (cumulative): the model weighs how loud
the rules spoke, not their exact sum, which the hand weights made arbitrary."""

_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_LATIN_WORD = re.compile(r"[a-z][a-z'\-]*")
_STEM = 5
_PLACE = "<place>"
_LENGTHS = (4, 12, 40, 120)


def message_features(
    fixed: str,
    tokens: Sequence[str],
    markers: Iterable[str],
    ranked: Sequence[tuple[Intent, float]],
    places: Iterable[str] = (),
) -> set[str]:
    """fixed: the cleaned text after typo fixing; ranked: the hand rules' scores, best first;
    places: the place names found, each seen as one <place> so that no place leans to an intent."""
    names = set(places)
    if names:
        for name in sorted(names, key=len, reverse=True):
            fixed = fixed.replace(name, _PLACE)
        tokens = [_PLACE if t in names else t for t in tokens]
    out = ["bias"]
    out += ["t:" + t for t in tokens]
    out += [f"p:{a}|{b}" for a, b in pairwise(tokens)]
    for run in _HAN_RUN.findall(fixed):
        if len(run) == 1:
            out.append("c:" + run)
            continue
        out += ["c:" + run[i : i + 2] for i in range(len(run) - 1)]
        out += ["c:" + run[i : i + 3] for i in range(len(run) - 2)]
    out += ["e:" + w[:_STEM] for w in _LATIN_WORD.findall(fixed) if len(w) > _STEM]
    out += ["m:" + m for m in markers]
    if fixed.rstrip().endswith(("?", "？")):
        out.append("m:<ends_question>")
    out.append(f"len:{sum(1 for limit in _LENGTHS if len(fixed) > limit)}")
    if not ranked:
        out.append("r:none")
    out += [f"r{n}:{intent.value}" for n, (intent, _score) in enumerate(ranked[:2])]
    for intent, score in ranked:
        out += [f"r:{intent.value}>={step}" for step in RULE_STEPS if score >= step]
    return set(out)
