"""The FAQ as data: every fixed id, a legal basis, a next step, and no invented figure."""

import json
import re
from datetime import date
from pathlib import Path

import pytest

from knowledge.faq import load_default_faq

ROOT = Path(__file__).resolve().parents[2]
FACTS = ROOT.parent / "shared" / "reference" / "patent_law_facts.md"
DESIGN_IDS = [
    "patent.types",
    "patent.term",
    "patent.annual_fee",
    "patent.number_format",
    "patent.evaluation_report",
    "patent.invalidation",
    "status.how_to_check",
    "status.terms",
    "infringement.definition",
    "infringement.remedies",
    "infringement.materials",
    "infringement.admin_vs_court",
    "infringement.damages",
    "infringement.limitation",
    "infringement.exceptions",
    "infringement.innocent_seller",
    "counterfeit.definition",
    "counterfeit.penalty",
    "counterfeit.crime",
    "counterfeit.how_to_report",
    "marking.rules",
    "marking.after_expiry",
    "case.timeline",
    "case.privacy",
    "exhibition.complaint",
    "ecommerce.complaint",
    "hotline.about",
    "assistance.services",
    "other_ip.referral",
]
NEXT_STEP = re.compile(
    r"(发送|投诉|举报|/status|人工|查询|拨打|联系|complaint|report|send|type)", re.I
)

ARTICLE_CITATION = re.compile(r"\b(?:Articles?|Arts?\.)\s+\d+(?:(?:,\s*|\s+and\s+|\s+to\s+|[-–])\d+)*")
ENTRIES = load_default_faq()


def test_every_faq_id_the_design_fixes_exists_once():
    ids = [e.id for e in ENTRIES]
    assert len(ids) == len(set(ids))
    assert set(DESIGN_IDS) <= set(ids)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_each_entry_has_a_basis_a_review_date_and_alternates(entry):
    assert entry.basis and all(b.law and b.version and b.article for b in entry.basis)
    assert isinstance(entry.reviewed, date)
    assert len(entry.alternates) >= 5 and entry.keywords


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_each_answer_ends_with_what_the_person_can_do_next(entry):
    last = re.split(r"(?<=[。.!！])\s*", entry.answer.strip().rstrip("。"))[-1]
    assert NEXT_STEP.search(last), last
    if entry.answer_en:
        last_en = re.split(r"(?<=[.!])\s+", entry.answer_en.strip())[-1]
        assert NEXT_STEP.search(last_en), last_en


def test_at_least_the_ten_most_asked_topics_have_english_answers():
    english = {e.id for e in ENTRIES if e.answer_en}
    most_asked = {"patent.types", "patent.term", "patent.annual_fee", "status.how_to_check",
                  "infringement.definition", "infringement.remedies", "infringement.materials",
                  "counterfeit.definition", "counterfeit.how_to_report", "exhibition.complaint"}
    assert most_asked <= english


NO_FACTS = "../shared/reference/patent_law_facts.md is not beside the project"


@pytest.mark.skipif(not FACTS.exists(), reason=NO_FACTS)
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_every_figure_in_an_answer_appears_in_the_facts_sheet(entry):
    facts = FACTS.read_text(encoding="utf-8")
    for text in filter(None, (entry.answer, entry.answer_en)):
        text = ARTICLE_CITATION.sub("", text)  # the sheet writes article numbers in Chinese
        for figure in re.findall(r"\d+(?:\.\d+)?", text):
            assert figure in facts, f"{entry.id}: {figure} is not in the facts sheet"


def test_the_evaluation_questions_are_not_copies_of_the_faq_alternates():
    phrasings = {p.strip() for e in ENTRIES for p in e.phrasings}
    for name in ("faq_questions.jsonl", "holdout_faq.jsonl"):
        path = ROOT / "tests" / "eval" / name
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                assert json.loads(line)["text"].strip() not in phrasings
