"""The fitted models: their file format, how they decide, and that the shipped ones are current."""

import sys
from pathlib import Path

import pytest

from intents.labels import Intent
from intents.understander import Understander
from knowledge.linear import LinearModel, prune

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))


def _model(weights, classes=("a", "b", "c")):
    return LinearModel(tuple(classes), prune(weights, 0.01), {"note": "test"})


def test_a_model_survives_its_text_form_and_gives_the_same_probabilities():
    model = _model({"bias": [0.5, -0.25, 0.0], "t:专利": [2.0, 0.0, -1.0], "c:侵权": [0.0, 1.5, 0.0]})
    again = LinearModel.from_text(model.to_text())
    features = {"bias", "t:专利", "c:侵权", "t:unknown"}
    assert again.classes == model.classes and again.meta == {"note": "test"}
    assert dict(again.probabilities(features)) == pytest.approx(dict(model.probabilities(features)))


def test_probabilities_sum_to_one_and_rank_the_heaviest_class_first():
    model = _model({"bias": [0.0, 0.0, 0.0], "t:x": [0.0, 3.0, 1.0]})
    ranked = model.probabilities({"bias", "t:x"})
    assert [c for c, _ in ranked] == ["b", "c", "a"]
    assert sum(p for _, p in ranked) == pytest.approx(1.0)


def test_features_the_model_never_saw_leave_the_prior():
    model = _model({"bias": [1.0, 0.0, 0.0]})
    assert model.probabilities({"bias", "t:new"}) == model.probabilities({"bias"})


def test_weights_too_small_to_matter_are_not_kept():
    pruned = prune({"t:a": [0.001, -0.002, 0.0], "t:b": [0.0, 0.5, 0.001]}, 0.01)
    assert pruned == {"t:b": ((1, 0.5),)}


def test_a_file_that_is_not_a_model_or_names_a_missing_class_is_refused():
    with pytest.raises(ValueError):
        LinearModel.from_text("intent,weight\n")
    with pytest.raises(ValueError, match="class"):
        LinearModel.from_text("# linear-model v2\nclasses\ta\tb\nt:x\t5:1.0\n")


def test_a_tie_between_two_intents_is_ambiguous_not_settled_by_label_order(understander):
    classes = [i.value for i in Intent]
    tie = [0.0] * len(classes)
    tie[classes.index("legal_faq")] = tie[classes.index("case_status")] = 5.0
    tied = Understander(
        understander.rules,
        understander.gazetteer,
        understander.sectors,
        understander.channels,
        understander.tokenizer,
        LinearModel(tuple(classes), prune({"bias": tie}, 0.01), {}),
    )
    result = tied.understand("嗯嗯")  # no hand rule speaks: the model decides alone
    assert result.ambiguous
    assert {result.intent, result.runner_up} == {Intent.LEGAL_FAQ, Intent.CASE_STATUS}


def test_the_shipped_intent_model_was_fitted_on_the_current_data_and_features():
    train_intents = pytest.importorskip("train_intents")
    model = LinearModel.from_text((ROOT / "intents" / "data" / "intent_model.tsv").read_text("utf-8"))
    assert model.meta["inputs sha256"] == train_intents.digest(), (
        "the labelled messages, rules, places or features changed: run scripts/train_intents.py"
    )
    assert model.classes == tuple(i.value for i in Intent)


def test_the_shipped_faq_model_was_fitted_on_the_current_entries_and_questions():
    train_faq = pytest.importorskip("train_faq")
    model = LinearModel.from_text((ROOT / "knowledge" / "data" / "faq_model.tsv").read_text("utf-8"))
    assert model.meta["inputs sha256"] == train_faq.digest(), (
        "the FAQ entries or labelled questions changed: run scripts/train_faq.py"
    )
