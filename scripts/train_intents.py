"""Fit the linear intent model on the labelled messages and write intents/data/intent_model.tsv.

    pip install -e ".[train]"
    python scripts/train_intents.py            # cross-validate, fit on everything, write the model
    python scripts/train_intents.py --cv-only  # only print the cross-validation table

The build step, not run time: scikit-learn fits a multinomial logistic regression over the binary
features of intents/features.py (the same function understand() applies). Cross-validation
leaves one writer's set out at a time, since what matters is how the model does on people it
has never read; the hand rules alone are scored on the same folds for comparison. The held-out
sets under tests/eval/final/ are never read here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intents.labels import Intent  # noqa: E402
from intents.understander import MODEL_FILE, load_understander  # noqa: E402
from knowledge.linear import LinearModel, prune  # noqa: E402

EVAL = ROOT / "tests" / "eval"
SOURCES = {
    "project": EVAL / "messages.jsonl",
    "project_holdout": EVAL / "holdout_messages.jsonl",
    "farmer": EVAL / "incoming" / "farmer_messages.jsonl",
    "shopowner": EVAL / "incoming" / "shopowner_messages.jsonl",
    "lawyer": EVAL / "incoming" / "lawyer_messages.jsonl",
    "angry": EVAL / "incoming" / "angry_messages.jsonl",
    **{p.stem.removesuffix("_messages"): p for p in sorted((EVAL / "train").glob("*_messages.jsonl"))},
}
CLASSES = tuple(i.value for i in Intent)
PRUNE_BELOW = 0.02


def read_labelled(sources: dict[str, Path], label: str) -> list[tuple[str, str, str]]:
    """(set, text, label) for every line of every labelled set."""
    rows = []
    for group, path in sources.items():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                rows.append((group, item["text"], item[label]))
    return rows


def digest_of(paths: list[Path]) -> str:
    """What the shipped model records of its inputs, so that a test can tell it is current."""
    h = hashlib.sha256()
    for path in paths:
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def read_sources() -> list[tuple[str, str, str]]:
    return read_labelled(SOURCES, "intent")


def digest() -> str:
    data = ROOT / "intents" / "data"
    inputs = [
        data / "rules.toml",
        data / "places.toml",
        data / "gazetteer.csv",
        ROOT / "intents" / "features.py",
    ]
    return digest_of([*SOURCES.values(), *inputs])


def fit(features: list[set[str]], labels: list[str], c: float, balanced: bool):  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([dict.fromkeys(f, 1) for f in features])
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced" if balanced else None)
    model.fit(x, labels)
    return vectorizer, model


def to_linear(
    vectorizer, model, meta: dict[str, str], classes: tuple[str, ...] = CLASSES, below: float = PRUNE_BELOW
) -> LinearModel:  # type: ignore[no-untyped-def]
    """The fitted weights in `classes` order; a class the data never showed can never win."""
    order = [list(model.classes_).index(c) if c in model.classes_ else None for c in classes]
    names = vectorizer.get_feature_names_out()
    weights: dict[str, list[float]] = {}
    for j, name in enumerate(names):
        weights[name] = [float(model.coef_[k, j]) if k is not None else -9.0 for k in order]
    bias = [float(model.intercept_[k]) if k is not None else -9.0 for k in order]
    weights["bias"] = [w + b for w, b in zip(weights.get("bias", [0.0] * len(classes)), bias, strict=True)]
    return LinearModel(classes, prune(weights, below), meta)


def cross_validate(rows, features, rule_guess, c: float, balanced: bool) -> dict[str, tuple[float, float]]:  # type: ignore[no-untyped-def]
    out = {}
    for group in SOURCES:
        train = [n for n, r in enumerate(rows) if r[0] != group]
        test = [n for n, r in enumerate(rows) if r[0] == group]
        vectorizer, model = fit([features[n] for n in train], [rows[n][2] for n in train], c, balanced)
        linear = to_linear(vectorizer, model, {})
        right = sum(linear.probabilities(features[n])[0][0] == rows[n][2] for n in test)
        rules_right = sum(rule_guess[n] == rows[n][2] for n in test)
        out[group] = (right / len(test), rules_right / len(test))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cv-only", action="store_true")
    parser.add_argument("--c", type=float, nargs="*", default=[10.0, 30.0])
    parser.add_argument("--balanced", action="store_true")
    args = parser.parse_args()

    understander = load_understander(with_model=False)
    rows = read_sources()
    analyses = [understander.analyse(text) for _, text, _ in rows]
    features = [understander.features(a) for a in analyses]
    rule_guess = [understander.understand(text).intent.value for _, text, _ in rows]
    print(f"{len(rows)} labelled messages:", dict(Counter(r[2] for r in rows)))

    best_c, best_mean = args.c[0], -1.0
    for c in args.c:
        table = cross_validate(rows, features, rule_guess, c, args.balanced)
        mean = sum(v[0] for v in table.values()) / len(table)
        rules_mean = sum(v[1] for v in table.values()) / len(table)
        cells = "  ".join(f"{g} {m:.3f}/{r:.3f}" for g, (m, r) in table.items())
        print(f"C={c:<5} model/rules per left-out set: {cells}  mean {mean:.3f} vs rules {rules_mean:.3f}")
        if mean > best_mean:
            best_c, best_mean = c, mean
    if args.cv_only:
        return
    vectorizer, model = fit(features, [r[2] for r in rows], best_c, args.balanced)
    meta = {
        "fitted on": f"{len(rows)} messages from {', '.join(SOURCES)}",
        "inputs sha256": digest(),
        "C": str(best_c),
        "class weights": "balanced" if args.balanced else "none",
        "leave-one-set-out accuracy": f"{best_mean:.3f}",
    }
    linear = to_linear(vectorizer, model, meta)
    target = ROOT / "intents" / "data" / MODEL_FILE
    target.write_text(linear.to_text(), encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}: {len(linear.weights)} features, C={best_c}")


if __name__ == "__main__":
    main()
