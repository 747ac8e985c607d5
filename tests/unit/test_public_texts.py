"""What the public reads is true to the facts sheet: no drafting notes, no rule that does not exist,
no publication number called a patent, no invention term that ends "at the latest"."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.dialogue.texts import load_texts
from bot.patent_reply import patent_reply
from knowledge.faq import load_default_faq

ENTRIES = load_default_faq()
BY_ID = {e.id: e for e in ENTRIES}
TEXTS = load_texts()
ZH = {k: TEXTS.get(k) for k in TEXTS.keys("zh")}
EN = {k: TEXTS.get(k, "en") for k in TEXTS.keys("en")}
STAFF_ONLY = ("staff.", "route.", "priority.", "tag.", "card.", "desk.", "prompt.", "alert.", "lists.")
USER_FACING = sorted(k for k in ZH if not k.startswith(STAFF_ONLY) and k in EN)
"""The citizen's texts: those with an English version (staff texts are Chinese only)."""
TODAY = date(2026, 12, 2)

DRAFTING_NOTES = ("本热线服务规则", "待核对", "二手", "转述", "转载文本", "据地方公开信息")
CAMPAIGN_PLAN = "雷霆"


def public_texts() -> list[tuple[str, str]]:
    """(where, text) for every FAQ answer and basis, and every text the citizen can be shown."""
    shown = []
    for e in ENTRIES:
        shown += [(f"{e.id}.answer", e.answer), (f"{e.id}.answer_en", e.answer_en or "")]
        shown += [(f"{e.id}.basis", b.cite()) for b in e.basis]
    shown += [(f"zh.{k}", ZH[k]) for k in USER_FACING]
    shown += [(f"en.{k}", EN[k]) for k in USER_FACING]
    return shown


PUBLIC = public_texts()


@pytest.mark.parametrize(("where", "text"), PUBLIC, ids=[where for where, _ in PUBLIC])
def test_no_public_text_shows_a_drafting_note_or_the_rule_that_does_not_exist(where, text):
    for note in DRAFTING_NOTES:
        assert note not in text, f"{where}: {note}"


@pytest.mark.parametrize(("where", "text"), PUBLIC, ids=[where for where, _ in PUBLIC])
def test_no_public_text_calls_a_publication_number_a_patent_number(where, text):
    assert not re.search(r"专利号[^。；，]{0,30}\bCN\d+A\b", text), where
    assert not re.search(r"patent number[^.;]{0,30}\bCN\d+A\b", text, re.I), where


@pytest.mark.parametrize(("where", "text"), PUBLIC, ids=[where for where, _ in PUBLIC])
def test_invalidation_is_never_called_an_early_end(where, text):
    assert not re.search(r"无效[^。；]{0,6}(等)?会?提前终止", text), where
    assert not re.search(r"invalidation[^.;]{0,10}end it earlier", text, re.I), where


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_the_2018_campaign_plan_is_not_cited_as_a_legal_basis(entry):
    assert all(CAMPAIGN_PLAN not in b.law for b in entry.basis)


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.answer_en], ids=lambda e: e.id)
def test_english_answers_name_the_laws_in_english(entry):
    assert "《" not in entry.answer_en
    for run in re.findall(r"[\u3400-\u9fff]+", entry.answer_en or ""):
        assert not re.search(r"法|规定|通知|细则|条例|解释|办法|国知", run), f"{entry.id}: {run}"


def test_the_term_answer_says_an_invention_term_can_be_extended_never_at_the_latest():
    term = BY_ID["patent.term"]
    assert "最晚" not in term.answer and "at the latest" not in (term.answer_en or "")
    assert "可以依法延长" in term.answer and "can be extended" in (term.answer_en or "")
    assert "14" in term.answer  # the new-drug ceiling of facts 1.11


def test_the_number_answer_says_an_application_number_alone_is_not_a_patent_number():
    answer = BY_ID["patent.number_format"].answer
    assert "申请号本身不是专利号" in answer and "不等于已经授权" in answer


def test_the_exhibition_answer_promises_the_24_hour_handover_and_leaves_decisions_to_the_authority():
    entry = BY_ID["exhibition.complaint"]
    assert "24小时内移交" in entry.answer and "驻会工作人员" in entry.answer
    assert "由行政管理部门依法决定" in entry.answer
    assert "24-hour handover" in (entry.answer_en or "") and "on-site team" in (entry.answer_en or "")


@pytest.mark.parametrize("key", ["welcome", "help"])
def test_start_and_help_say_who_runs_it_when_people_answer_the_phone_and_where_the_privacy_notice_is(key):
    zh, en = ZH[key], EN[key]
    for needed in (
        "12330",
        "晋中市知识产权管理部门",
        "自动助手",
        "工作日办公时间",
        "0354",
        "12345",
        "/privacy",
    ):
        assert needed in zh, (key, needed)
    for needed in ("12330", "automated assistant", "office hours", "0354", "12345", "/privacy"):
        assert needed in en, (key, needed)


def test_the_privacy_notice_says_what_is_collected_who_sees_it_and_that_reports_may_be_anonymous():
    zh, en = ZH["privacy"], EN["privacy"]
    for needed in ("收集什么", "谁能看到", "县（市、区）", "晋中市局", "匿名", "单独查看", "/privacy"):
        assert needed in zh, needed
    for needed in ("collected", "Who sees it", "anonymous", "on record", "/privacy"):
        assert needed in en, needed


def reply(number: str, language: str = "zh") -> str:
    return patent_reply(TEXTS, number, None, language, TODAY).text


def test_an_application_number_is_named_as_such_with_the_patent_number_it_would_have():
    text = reply("201710601862.3")
    assert text.startswith("申请号 201710601862.3") and "ZL201710601862.3" in text
    assert "不能说明是否已经授权" in text


def test_an_a_publication_is_neither_a_patent_number_nor_a_grant():
    for language, not_patent, not_grant in (
        ("zh", "不是专利号", "不等于已经授权"),
        ("en", "not a patent number", "not a grant"),
    ):
        text = reply("CN108123456A", language)
        assert not text.startswith(("专利号", "Patent number"))
        assert not_patent in text and not_grant in text


@pytest.mark.parametrize("number", ["CN108123456A", "CN2123456U", "CN308123456S", "CN108123456B"])
def test_what_a_kind_code_means_is_hedged_as_the_facts_sheet_marks_it_second_hand(number):
    assert "代码含义以官方最新标准为准" in reply(number)
    assert "latest official standard" in reply(number, "en")


def test_an_invention_term_is_not_said_to_end_at_the_latest_and_can_be_extended():
    zh, en = reply("201710601862.3"), reply("201710601862.3", "en")
    assert "最晚" not in zh and "at the latest" not in en
    assert "2037 年届满" in zh and "期限补偿" in zh and "term compensation" in en


def test_a_term_that_has_run_out_is_said_to_have_expired_with_the_counterfeiting_note():
    zh, en = reply("95115608.X"), reply("95115608.X", "en")
    assert "已在 2015 年届满" in zh and "假冒专利" in zh
    assert "ran out in 2015" in en and "counterfeiting" in en


def test_invalidation_is_said_to_make_a_patent_deemed_never_to_have_existed():
    zh, en = reply("201710601862.3"), reply("201710601862.3", "en")
    assert "视为自始不存在" in zh and "提前终止" not in zh
    assert "deemed never to have existed" in en


def test_a_2021_design_depends_on_its_filing_date():
    assert "要看具体申请日" in reply("202130012345.X")
