"""The conversation as a careful clerk holds it: corrections change the field they name, a free-text
answer is checked against what was asked, "I don't know" is an answer where it can be, plain
agreement submits, thanks get a short answer, and nothing the person typed is lost.

Forms are opened with the menu buttons, so that what is tested here is the dialogue, not how the
intent model reads an opening message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.dialogue import checks, corrections, names
from bot.dialogue.form import staff_value
from bot.dialogue.machine import Dialogue
from bot.dialogue.model import Conversation, Inbound, Outcome, SubmitLead
from bot.dialogue.states import FlowKind, State
from bot.dialogue.texts import Texts, load_texts

T0 = datetime(2024, 5, 6, 9, 0)
PATENT = "201710601862.3"


@dataclass
class Chat:
    dialogue: Dialogue
    understander: Any
    conversation: Conversation = field(default_factory=Conversation)
    now: datetime = T0
    last: Outcome | None = None
    leads: list[SubmitLead] = field(default_factory=list)

    def __call__(self, *steps: str) -> Chat:
        """Type each step; `!data` presses the button with that data."""
        for step in steps:
            self.now += timedelta(seconds=20)
            if step.startswith("!"):
                inbound, u = Inbound.press(step[1:], self.now), None
            else:
                inbound, u = Inbound.say(step, self.now), self.understander.understand(step)
            self.last = self.dialogue.step(self.conversation, inbound, u)
            self.conversation = self.last.conversation
            self.leads += [e for e in self.last.effects if isinstance(e, SubmitLead)]
        return self

    @property
    def state(self) -> State:
        return self.conversation.state

    @property
    def pending(self) -> str | None:
        return self.conversation.draft.pending if self.conversation.draft else None

    @property
    def fields(self) -> dict[str, Any]:
        return dict(self.conversation.draft.fields) if self.conversation.draft else {}

    @property
    def texts(self) -> list[str]:
        return [r.text for r in self.last.replies] if self.last else []

    @property
    def buttons(self) -> list[str]:
        return [b.data for r in (self.last.replies if self.last else ()) for row in r.buttons for b in row]


@pytest.fixture(scope="module")
def texts() -> Texts:
    return load_texts()


@pytest.fixture(scope="module")
def dialogue(faq_index, texts, understander) -> Dialogue:
    return Dialogue(faq_index, texts, timedelta(minutes=30), understander.understand)


@pytest.fixture
def chat(dialogue, understander):
    def make(*steps: str) -> Chat:
        return Chat(dialogue, understander)(*steps)

    return make


# Each form up to a question, from the menu.
AT_RESPONDENT = ("!flow:infringement",)
AT_PRODUCT = (*AT_RESPONDENT, "宏达机械有限公司", "!set:county:140724")
AT_PATENTS = (*AT_PRODUCT, "切割机")
AT_NAME = (*AT_PATENTS, f"ZL{PATENT}", "!set:standing:patentee")
AT_PHONE = (*AT_NAME, "张三")
AT_FOUND = (*AT_PHONE, "13800001111")
AT_SUMMARY = (*AT_FOUND, "!skip:found_at", "!skip:evidence")


# ---- 1. corrections ------------------------------------------------------------------------------

CORRECTIONS = [
    pytest.param(AT_PRODUCT, "搞错了，厂子在寿阳不在昔阳", "county", "140725", id="county-at-product"),
    pytest.param(AT_NAME, "搞错了，厂子在寿阳不在昔阳", "county", "140725", id="county-at-name"),
    pytest.param(AT_PRODUCT, "不是昔阳，是寿阳", "county", "140725", id="not-here-but-there"),
    pytest.param(AT_FOUND, "号码写错了，应该是 13912345678", "phone", "13912345678", id="phone"),
    pytest.param(AT_FOUND, "电话改成0354-1234567", "phone", "0354-1234567", id="phone-changed-to"),
    pytest.param(
        AT_NAME, "专利号错了 应该是 ZL201810234567.3", "patents", "201810234567.3", id="patent-number"
    ),
    pytest.param(
        AT_NAME,
        "名字写错了 是平遥县宏达机械有限公司",
        "respondent",
        "平遥县宏达机械有限公司",
        id="respondent",
    ),
    pytest.param(AT_PATENTS, "不对，是播种机", "product", "播种机", id="the-answer-just-given"),
]


@pytest.mark.parametrize(("script", "correction", "name", "value"), CORRECTIONS)
def test_a_correction_changes_the_field_it_names_and_says_so(chat, texts, script, correction, name, value):
    c = chat(*script)
    pending, before = c.pending, c.fields
    c(correction)
    got = c.fields[name]
    assert (got[0]["normalized"] if name == "patents" else got) == value
    assert c.texts[0].startswith("已更正") and c.texts[0] != texts.get("correction.which")
    assert c.pending == pending and pending not in c.fields, "the correction was taken as the answer"
    assert {k: v for k, v in c.fields.items() if k != name} == {k: v for k, v in before.items() if k != name}


def test_a_correction_at_the_first_question_is_not_stored_as_the_respondent(chat):
    c = chat("!flow:infringement", "搞错了，厂子在寿阳不在昔阳")
    assert c.fields == {"county": "140725"} and c.pending == "respondent"


def test_a_correction_at_the_summary_changes_the_field_and_shows_the_summary_again(chat):
    c = chat(*AT_SUMMARY, "号码写错了，应该是 13912345678")
    assert c.state is State.CONFIRMING and c.fields["phone"] == "13912345678"
    assert c.texts[0] == "已更正：电话改为“13912345678”。"
    assert "• 电话：13912345678" in c.texts[-1].splitlines()
    c("提交")
    assert c.leads[0].fields["county"] == "140724"


def test_a_correction_naming_nothing_asks_what_was_wrong(chat, texts):
    c = chat(*AT_PATENTS, "搞错了")
    assert c.texts == [texts.get("correction.which"), texts.get("ask.patents")]
    assert "patents" not in c.fields
    c = chat(*AT_SUMMARY, "搞错了")
    assert c.state is State.CHOOSING_EDIT and "edit:phone" in c.buttons


def test_a_correction_without_a_readable_value_asks_that_field_again(chat, texts):
    c = chat(*AT_SUMMARY, "电话写错了")
    assert c.state is State.FILLING and c.pending == "phone" and "phone" not in c.fields
    assert c.texts == [texts.get("correction.again", label="电话"), texts.get("ask.phone")]
    c("13912345678")
    assert c.state is State.CONFIRMING and c.fields["phone"] == "13912345678"


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("搞错了，厂子在寿阳不在昔阳", "county", "厂子在寿阳"),
        ("号码写错了，应该是 13912345678", "phone", "13912345678"),
        ("专利号错了 应该是 ZL2019101234567", "patents", "ZL2019101234567"),
        ("名字写错了 是宏达机械有限公司", "respondent", "宏达机械有限公司"),
        ("不是昔阳，是寿阳", None, "寿阳"),
    ],
)
def test_a_correction_is_read_with_its_field_and_new_value(text, field, value):
    found = corrections.read(text)
    assert found is not None and (found.field, found.value_text) == (field, value)


@pytest.mark.parametrize(
    "text", ["宏达机械有限公司", "切割机", "我是专利权人", "上个月", "他们公司做的不对，仿我们的产品"]
)
def test_an_ordinary_answer_is_not_a_correction(text):
    assert corrections.read(text) is None


@pytest.mark.parametrize(
    ("script", "answer", "name", "value"),
    [
        pytest.param(AT_FOUND, "应该是上个月吧", "found_at", "上个月", id="probably-last-month"),
        pytest.param(
            ("!flow:infringement", "宏达机械有限公司"),
            "应该是平遥的",
            "county",
            "140728",
            id="probably-pingyao",
        ),
    ],
)
def test_a_hedged_answer_is_an_answer_not_a_correction(chat, script, answer, name, value):
    c = chat(*script)
    assert c.pending == name
    c(answer)
    assert c.fields[name] == value and c.pending != name


# ---- 2. a free-text answer is checked against what was asked -------------------------------------

STORY = "他们在县城开了个门市，专门卖仿我们的产品，已经卖了两年了，价格比我们便宜一半"


def test_a_story_typed_for_the_respondent_is_kept_and_the_name_asked_more_precisely(chat, texts):
    c = chat(*AT_RESPONDENT, STORY)
    assert "respondent" not in c.fields and c.pending == "respondent"
    assert c.texts == [
        f"{texts.get('story.kept')}\n{texts.get('hint.respondent')}",
        texts.get("ask.respondent"),
    ]
    c("宏达机械有限公司", "!set:county:140724")
    assert c.fields["respondent"] == "宏达机械有限公司"
    assert STORY in c.fields["notes"]


def test_a_story_naming_the_company_stores_the_company(chat):
    c = chat(*AT_RESPONDENT, "对方是平遥县宏达机械有限公司，去年开始仿造我们的切割机，在网上和集市上都卖")
    assert c.fields["respondent"] == "平遥县宏达机械有限公司" and c.pending != "respondent"


@pytest.mark.parametrize(
    "question", ["这个填啥？", "啥意思", "要写全称吗，不懂"], ids=["what-to-fill", "what-means", "full-name"]
)
def test_a_question_about_the_question_gets_a_hint_and_is_not_the_name(chat, texts, question):
    c = chat(*AT_RESPONDENT, question)
    assert "respondent" not in c.fields
    assert c.texts == [texts.get("hint.respondent"), texts.get("ask.respondent")]


@pytest.mark.parametrize(
    ("script", "question"),
    [
        pytest.param(AT_RESPONDENT, "问一下，外观设计专利保护几年啊", id="asked-at-respondent"),
        pytest.param(AT_NAME, "侵权的话咋赔偿", id="asked-at-name"),
        pytest.param(AT_PRODUCT, "假冒专利会被怎么处罚", id="asked-at-product"),
    ],
)
def test_a_colloquial_question_mid_form_is_answered_not_stored(chat, texts, script, question):
    c = chat(*script)
    pending = c.pending
    c(question)
    assert pending not in c.fields and c.pending == pending
    assert len(c.texts) >= 2 and c.texts[-1] == texts.get(f"ask.{pending}")
    assert c.texts[0] not in (texts.get("error.name"), texts.get("hint.field"))


REFUSED = [
    pytest.param(AT_NAME, "https://item.taobao.com/item.htm?id=1", "error.name", id="link-is-not-a-name"),
    pytest.param(AT_NAME, "zhangsan@qq.com", "error.name", id="mail-address-is-not-a-name"),
    pytest.param(AT_FOUND, "13912345678", "error.found_at", id="phone-is-not-a-date"),
    pytest.param(AT_FOUND, "www.example.com", "error.found_at", id="link-is-not-a-date"),
    pytest.param(AT_RESPONDENT, "www.hongda.com", "error.respondent", id="link-is-not-a-respondent"),
    pytest.param(AT_RESPONDENT, "0354-3012345", "error.respondent", id="phone-is-not-a-respondent"),
    pytest.param(AT_PRODUCT, "0354-3012345", "error.product", id="phone-is-not-a-product"),
    pytest.param(AT_PRODUCT, "www.hongda.com", "error.product", id="link-is-not-a-product"),
]


@pytest.mark.parametrize(("script", "answer", "error"), REFUSED)
def test_a_value_of_another_kind_is_refused_for_the_field(chat, texts, script, answer, error):
    c = chat(*script)
    pending = c.pending
    c(answer)
    assert pending not in c.fields and c.pending == pending
    assert c.texts[0] == texts.get(error)


# ---- 3. unknown, agreement, thanks ---------------------------------------------------------------


@pytest.mark.parametrize("answer", ["不知道", "不记得了", "证书在公司", "不清楚", "记不清了，证书在单位里"])
def test_not_knowing_the_patent_number_is_an_answer_and_the_form_goes_on(chat, texts, answer):
    c = chat(*AT_PATENTS, answer)
    assert c.fields["patents"] == [] and c.pending == "standing"
    assert c.texts[0] == texts.get("unknown.kept", label="专利号")
    assert f"专利号：{answer}" in c.fields["notes"]


def test_not_knowing_who_sells_a_counterfeit_leaves_the_respondent_open_and_keeps_the_words(chat):
    c = chat("!flow:counterfeit", "电暖气", "不知道是哪家")
    assert "respondent" not in c.fields and c.pending == "county"
    c("!set:county:140728", "包装上印着专利产品", "!skip:evidence", "!set:contact:anonymous", "提交")
    (lead,) = c.leads
    assert "respondent" not in lead.fields and "不知道是哪家" in lead.fields["description"]


@pytest.mark.parametrize(
    "answer", ["就是村东头那个厂子，叫啥我也不知道", "不知道是哪家，在超市买的", "不清楚"]
)
def test_not_knowing_the_respondent_in_a_few_words_is_an_answer_not_a_question(chat, texts, answer):
    c = chat(*AT_RESPONDENT, answer)
    assert "respondent" not in c.fields and c.pending == "county"
    assert c.texts[0] == texts.get("unknown.kept", label="被投诉方")
    assert f"被投诉方：{answer}" in c.fields["notes"]


def test_what_they_make_typed_for_who_they_are_fills_the_product_and_asks_the_name_again(chat, texts):
    c = chat(*AT_RESPONDENT, "做玉米脱粒机的")
    assert c.fields == {"product": "玉米脱粒机"} and c.pending == "respondent"
    assert c.texts == [texts.get("error.respondent"), texts.get("ask.respondent")]


@pytest.mark.parametrize("answer", ["证书在孩子那", "证书没带在身上"])
def test_the_certificate_elsewhere_is_an_unknown_patent_number(chat, answer):
    c = chat(*AT_PATENTS, answer)
    assert c.fields["patents"] == [] and c.pending == "standing"


@pytest.mark.parametrize(
    "agree", ["对 没问题 提交吧", "可以", "ok 提交", "没错", "好的", "确认无误", "对的，提交"]
)
def test_plain_agreement_at_the_summary_submits(chat, agree):
    c = chat(*AT_SUMMARY, agree)
    assert len(c.leads) == 1 and c.state is State.IDLE


@pytest.mark.parametrize("other", ["我再想想", "等一下", "还有别的要说"])
def test_other_words_at_the_summary_do_not_submit(chat, other):
    c = chat(*AT_SUMMARY, other)
    assert c.leads == [] and c.state is State.CONFIRMING


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("谢谢", "polite.thanks"),
        ("谢谢你！", "polite.thanks"),
        ("好的", "polite.ok"),
        ("辛苦了", "polite.thanks"),
    ],
)
def test_thanks_after_a_report_get_a_short_answer_not_the_menu(chat, texts, text, key):
    c = chat(*AT_SUMMARY, "!submit", text)
    assert c.texts == [texts.get(key)] and c.buttons == []


@pytest.mark.parametrize("text", ["谢谢", "好的", "嗯嗯", "中"])
def test_thanks_mid_form_are_not_an_answer(chat, texts, text):
    c = chat(*AT_RESPONDENT, text)
    assert "respondent" not in c.fields
    assert c.texts == [texts.get("polite.ack"), texts.get("ask.respondent")]


# ---- 4. a typed answer to a button question -----------------------------------------------------


def test_a_typed_answer_to_a_button_question_is_kept_and_the_question_asked_again(chat, texts):
    c = chat(*AT_PATENTS, f"ZL{PATENT}", "我是发明人的儿子")
    assert c.pending == "standing" and "standing" not in c.fields
    assert c.texts == [texts.get("typed.kept"), texts.get("ask.standing")]
    c("!set:standing:interested", "张三", "13800001111", "!skip:found_at", "!skip:evidence", "!submit")
    assert "您的身份：我是发明人的儿子" in c.leads[0].fields["description"]


# ---- 5. the counterfeit flow asks who sells or makes the product ---------------------------------


def test_the_counterfeit_flow_asks_who_sells_or_makes_the_product(chat, texts):
    c = chat("!flow:counterfeit", "保温杯")
    assert c.pending == "respondent" and c.texts == [texts.get("ask.counterfeit.respondent")]
    c(
        "平遥县好运来超市",
        "!set:county:140728",
        "印着专利产品字样",
        "!skip:evidence",
        "!set:contact:anonymous",
    )
    c("!submit")
    assert c.leads[0].fields["respondent"] == "平遥县好运来超市"


# ---- 6. extraction -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "product"),
    [
        ("做电暖气的", "电暖气"),
        ("他们是做电暖气的", "电暖气"),
        ("产品是电饭煲，在介休市", "电饭煲"),
        ("他们卖的是电暖气", "电暖气"),
        ("超市卖的保温杯标着专利号", "保温杯"),
        ("祁县有人生产我公司的专利产品电暖器", "电暖器"),
        ("有人冒用我的专利号在卖东西", None),
        ("有人抄袭我的设计", None),
        ("A factory in Pingyao copies our patented product", None),
    ],
)
def test_the_product_is_the_thing_made_or_sold_not_a_fragment(text, product):
    assert names.product(text) == product


def test_the_product_answer_do_x_is_stored_as_x(chat):
    assert chat(*AT_PRODUCT, "做电暖气的").fields["product"] == "电暖气"


@pytest.mark.parametrize(
    ("text", "respondent"),
    [
        ("A12展位的宏达机械有限公司仿造我们的专利", "宏达机械有限公司（展位 A12）"),
        ("宏达机械有限公司，展位A12", "宏达机械有限公司（展位 A12）"),
        ("平遥县宏达机械有限公司仿造我们的产品", "平遥县宏达机械有限公司"),
        ("灵石县某公司冒用我们的专利号", None),
        ("晋中市家家乐超市仿冒我们的专利", "晋中市家家乐超市"),
        ("太谷县大家发机械厂仿造我的专利", "太谷县大家发机械厂"),
        ("在展会上看到山西好运来商贸有限公司展位B3在卖", "山西好运来商贸有限公司（展位 B3）"),
        ("榆次区一个叫鑫源五金店的店在卖", "鑫源五金店"),
    ],
)
def test_the_respondent_keeps_its_full_name_and_booth(text, respondent):
    assert names.organisation(text) == respondent


@pytest.mark.parametrize(
    "answer",
    [
        "平遥县宏达机械有限公司（展位A12）",
        "3号展台 晋中市华丰食品有限公司",
        "对方是宏达机械有限公司榆次分公司",
    ],
)
def test_the_respondent_answer_is_kept_whole(chat, answer):
    c = chat(*AT_RESPONDENT, answer)
    assert c.fields["respondent"] == answer.removeprefix("对方是")


def test_the_patent_number_keeps_zl_as_written_in_the_summary(chat):
    c = chat(*AT_PATENTS, f"专利号是ZL{PATENT}", "!set:standing:patentee", "张三", "13800001111")
    c("!skip:found_at", "!skip:evidence")
    assert f"• 专利号：ZL{PATENT}" in c.texts[-1].splitlines()
    c = chat(*AT_PATENTS, PATENT, "!set:standing:patentee", "张三", "13800001111", "!skip:found_at")
    c("!skip:evidence")
    assert f"• 专利号：{PATENT}" in c.texts[-1].splitlines()


def test_a_wrong_check_digit_sent_again_is_kept_and_shown_to_staff(chat, texts):
    c = chat(*AT_PATENTS, "ZL201710601862.4")
    assert c.texts[0] == texts.get("error.patent_check_digit") and "patents" not in c.fields
    c("ZL201710601862.4")
    assert c.pending == "standing"
    (number,) = c.fields["patents"]
    assert number["valid"] is False and number["confirmed"] is True
    card = staff_value(texts, FlowKind.INFRINGEMENT, "patents", c.fields["patents"])
    assert card == "ZL201710601862.4（校验位不对：ZL201710601862.4）"


def test_a_wrong_number_in_a_counterfeit_mark_is_shown_to_staff(texts):
    shown = staff_value(texts, FlowKind.COUNTERFEIT, "claim", "包装上印着 ZL201710601862.4")
    assert shown.endswith("（校验位不对：ZL201710601862.4）")
    assert staff_value(texts, FlowKind.COUNTERFEIT, "claim", f"印着 ZL{PATENT}") == f"印着 ZL{PATENT}"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("https://a.cn/x", "link"),
        ("13912345678", "phone"),
        (f"ZL{PATENT}", "patent"),
        ("2024年5月6日", "date"),
        ("宏达机械有限公司", None),
    ],
)
def test_what_a_reply_looks_like(text, kind):
    kinds = {
        "link": checks.looks_like_link(text),
        "phone": checks.looks_like_phone(text),
        "patent": checks.looks_like_patent_number(text),
        "date": checks.looks_like_date(text),
    }
    assert [k for k, v in kinds.items() if v] == ([kind] if kind else [])


# ---- 7. the reply's language ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "JZ-ABCD-EFGH 进度",
        "jz-abcd-efgh 处理到哪了",
        "ZL201710601862.3 有效吗",
        "https://item.taobao.com/x 这家店卖假货",
    ],
)
def test_codes_in_a_chinese_message_do_not_make_it_english(chat, text):
    c = chat(text)
    assert c.conversation.language == "zh"
