"""Fit the FAQ classifier on the entries' phrasings and labelled questions: knowledge/data/faq_model.tsv.

    pip install -e ".[train]"
    python scripts/train_faq.py [--cv-only]

Every phrasing an entry lists (question, question_en, alternates) is always in the training data;
the labelled questions come in sets, one per writer, and cross-validation leaves one set out at
a time, scoring the blended search (retrieval and classifier) against retrieval alone on the same
folds. The held-out sets under tests/eval/final/ are never read here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from train_intents import digest_of, fit, read_labelled, to_linear  # noqa: E402

from intents.understander import load_understander  # noqa: E402
from knowledge.faq import FaqIndex, load_default_faq  # noqa: E402
from knowledge.faq_model import MODEL_FILE, MODEL_WEIGHT, question_features  # noqa: E402

EVAL = ROOT / "tests" / "eval"
PRUNE_BELOW = 0.05
SOURCES = {
    "project": EVAL / "faq_questions.jsonl",
    "project_holdout": EVAL / "holdout_faq.jsonl",
    **{p.stem.removesuffix("_faq"): p for p in sorted((EVAL / "incoming").glob("*_faq.jsonl"))},
    **{p.stem.removesuffix("_faq"): p for p in sorted((EVAL / "train").glob("*_faq.jsonl"))},
}


def labelled() -> list[tuple[str, str, str]]:
    return read_labelled(SOURCES, "id")


def digest() -> str:
    inputs = [ROOT / "knowledge" / "data" / "faq.toml", ROOT / "knowledge" / "faq_model.py"]
    return digest_of([*SOURCES.values(), *inputs])


def scores(index: FaqIndex, rows: list[tuple[str, str, str]]) -> tuple[float, float, float, float]:
    first = top3 = answered = answered_right = 0
    for _, text, want in rows:
        result = index.search(text)
        ids = [h.entry.id for h in result.hits]
        first += bool(ids) and ids[0] == want
        top3 += want in ids
        answered += result.answered
        answered_right += result.answered and ids[0] == want
    n = len(rows)
    return first / n, top3 / n, answered / n, answered_right / max(answered, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cv-only", action="store_true")
    parser.add_argument("--c", type=float, default=10.0)
    parser.add_argument("--weights", type=float, nargs="*", default=[MODEL_WEIGHT])
    args = parser.parse_args()

    understander = load_understander(with_model=False)
    entries = load_default_faq()
    ids = tuple(e.id for e in entries)
    phrasings = [(e.id, p) for e in entries for p in e.phrasings if p]
    rows = labelled()
    feats = {text: question_features(understander.tokens(text)) for _, text, _ in rows}
    feats.update({p: question_features(understander.tokens(p)) for _, p in phrasings})
    print(f"{len(phrasings)} entry phrasings, {len(rows)} labelled questions in {len(SOURCES)} sets")

    def model_without(group: str | None):  # type: ignore[no-untyped-def]
        train = [(i, p) for i, p in phrasings] + [(i, t) for g, t, i in rows if g != group]
        vectorizer, model = fit([feats[t] for _, t in train], [i for i, _ in train], args.c, False)
        return to_linear(vectorizer, model, {}, ids, PRUNE_BELOW)

    retrieval = FaqIndex(entries, understander.tokens)
    results: dict[float, list[float]] = {w: [] for w in args.weights}
    for group in SOURCES:
        held = [r for r in rows if r[0] == group]
        linear = model_without(group)
        base = scores(retrieval, held)
        line = [f"{group}: retrieval {base[0]:.3f}/{base[1]:.3f}"]
        for w in args.weights:
            got = scores(FaqIndex(entries, understander.tokens, model=linear, model_weight=w), held)
            results[w].append(got[0])
            line.append(
                f"w={w} first {got[0]:.3f} top3 {got[1]:.3f} answered {got[2]:.2f} right {got[3]:.2f}"
            )
        print("  ".join(line))
    for w, firsts in results.items():
        print(f"w={w}: mean first answer on left-out sets {sum(firsts) / len(firsts):.3f}")
    if args.cv_only:
        return
    linear = model_without(None)
    linear.meta.update(
        {
            "fitted on": f"{len(phrasings)} entry phrasings and {len(rows)} questions "
            f"from {', '.join(SOURCES)}",
            "inputs sha256": digest(),
            "C": str(args.c),
        }
    )
    target = ROOT / "knowledge" / "data" / MODEL_FILE
    target.write_text(linear.to_text(), encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}: {len(linear.weights)} features")


if __name__ == "__main__":
    main()
