"""A linear model read from a data file: weights per feature and class, summed, then softmax.

The intent model and the FAQ model are of this kind, fitted by scripts/train_intents.py and
scripts/train_faq.py (scikit-learn, a build-time tool only) and
written as text: a header naming the classes, then one line per feature with its weights that
matter, as class-position:weight pairs (a weight too small to decide anything is left out).
Applying it needs nothing but dictionary lookups.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

HEADER = "# linear-model v2"


@dataclass(frozen=True)
class LinearModel:
    classes: tuple[str, ...]
    weights: dict[str, tuple[tuple[int, float], ...]]
    """feature -> (class position, weight) pairs"""
    meta: dict[str, str]

    @cached_property
    def _dense(self) -> dict[str, tuple[float, ...]]:
        """Every feature's weights for all classes, zeros included: summed column by column."""
        dense = {}
        for feature, row in self.weights.items():
            full = [0.0] * len(self.classes)
            for n, w in row:
                full[n] = w
            dense[feature] = tuple(full)
        return dense

    def probabilities(self, features: Iterable[str]) -> list[tuple[str, float]]:
        """Each class with its probability, most probable first (ties by class order)."""
        dense = self._dense
        rows = [row for row in map(dense.get, features) if row is not None]
        totals = list(map(sum, zip((0.0,) * len(self.classes), *rows, strict=True)))
        top = max(totals)
        exps = [math.exp(t - top) for t in totals]
        norm = sum(exps)
        ranked = sorted(range(len(self.classes)), key=lambda n: (-exps[n], n))
        return [(self.classes[n], exps[n] / norm) for n in ranked]

    def to_text(self) -> str:
        lines = [HEADER, *(f"# {k}: {v}" for k, v in sorted(self.meta.items()))]
        lines.append("classes\t" + "\t".join(self.classes))
        for feature in sorted(self.weights):
            lines.append(feature + "\t" + " ".join(f"{n}:{_number(w)}" for n, w in self.weights[feature]))
        return "\n".join(lines) + "\n"

    @classmethod
    def from_text(cls, text: str) -> LinearModel:
        lines = text.splitlines()
        if not lines or lines[0] != HEADER:
            raise ValueError("not a linear model file")
        meta: dict[str, str] = {}
        classes: tuple[str, ...] = ()
        weights: dict[str, tuple[tuple[int, float], ...]] = {}
        for line in lines[1:]:
            if line.startswith("# "):
                key, _, value = line[2:].partition(": ")
                meta[key] = value
            elif line.startswith("classes\t"):
                classes = tuple(line.split("\t")[1:])
            elif line:
                feature, _, pairs = line.rpartition("\t")
                row = tuple((int(n), float(w)) for n, w in (p.split(":") for p in pairs.split()))
                if any(not 0 <= n < len(classes) for n, _ in row):
                    raise ValueError(f"feature {feature!r} names a class that is not there")
                weights[feature] = row
        return cls(classes, weights, meta)


def _number(w: float) -> str:
    return f"{w:.3f}".rstrip("0").rstrip(".")


def prune(weights: dict[str, Sequence[float]], below: float) -> dict[str, tuple[tuple[int, float], ...]]:
    """Keep, per feature, the weights at least `below` in size; a feature left with none goes."""
    kept = {f: tuple((n, w) for n, w in enumerate(row) if abs(w) >= below) for f, row in weights.items()}
    return {f: row for f, row in kept.items() if row}
