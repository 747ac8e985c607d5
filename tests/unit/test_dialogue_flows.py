"""The conversation state machine, driven by scripts of messages, button presses, commands and files.

Each table row is one conversation. The driver understands each typed text the way the service does
(`understander.understand`) and can "answer whatever is asked" from a dict keyed by field name, so a
row does not hard-code the order of the questions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.dialogue.machine import Dialogue
from bot.dialogue.model import (
    Conversation,
    Effect,
    Evidence,
    Inbound,
    InboundKind,
    LookupPatents,
    OpenRelay,
    Outcome,
    Reply,
    ShowStatus,
    SubmitLead,
)
from bot.dialogue.states import FlowKind, State
from bot.dialogue.texts import Texts, load_texts

T0 = datetime(2024, 5, 6, 9, 0)
RESUME_AFTER = timedelta(minutes=30)
CJK = re.compile(r"[\u3400-\u9fff]")

# ---- the driver ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Press:
    """A button press with this data."""

    data: str


@dataclass(frozen=True)
class Command:
    """A slash command, without the slash."""

    name: str


@dataclass(frozen=True)
class File:
    """A photo or document sent as evidence."""

    file_id: str = "file-id"
    kind: str = "photo"


@dataclass(frozen=True)
class Wait:
    """The user goes away for a while."""

    delta: timedelta


Step = str | Press | Command | File | Wait
Answer = Step | tuple[Step, ...]


@dataclass(repr=False)
class Driver:
    dialogue: Dialogue
    understander: Any
    conversation: Conversation = field(default_factory=Conversation)
    now: datetime = T0
    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    """Every field asked, in order (repeated when asked again)."""
    last: Outcome | None = None

    def __repr__(self) -> str:
        return f"Driver({self.state.value}, pending={self.pending!r}, asked={self.asked})"

    # -- single steps

    def step(self, step: Step) -> Outcome:
        if isinstance(step, Wait):
            self.now += step.delta
            return self.last or Outcome(self.conversation)
        self.now += timedelta(seconds=20)
        understanding = None
        if isinstance(step, str):
            inbound = Inbound.say(step, self.now)
            understanding = self.understander.understand(step)
        elif isinstance(step, Press):
            inbound = Inbound.press(step.data, self.now)
        elif isinstance(step, Command):
            inbound = Inbound.command(step.name, self.now)
        else:
            inbound = Inbound(InboundKind.FILE, self.now, "", Evidence(step.file_id, step.kind))
        out = self.dialogue.step(self.conversation, inbound, understanding)
        self.conversation = out.conversation
        self.replies.extend(out.replies)
        self.effects.extend(out.effects)
        if self.state is State.FILLING and self.pending:
            self.asked.append(self.pending)
        self.last = out
        return out

    def run(self, steps: Iterable[Step]) -> Driver:
        for s in steps:
            self.step(s)
        return self

    def answer(self, answers: Mapping[str, Answer]) -> Driver:
        """Answer whatever is asked from `answers`, each field once, until the summary, anything but a
        question, or a question asked again after its answer (refused: the caller looks at why)."""
        answered: set[str] = set()
        while self.state is State.FILLING and self.pending not in answered:
            name = self.pending
            assert name in answers, f"asked {name!r}, no answer given (asked so far: {self.asked})"
            answered.add(name)
            given = answers[name]
            self.run(given if isinstance(given, tuple) else (given,))
        return self

    def complete(self, answers: Mapping[str, Answer]) -> SubmitLead:
        self.answer(answers)
        assert self.state is State.CONFIRMING, f"{self!r}: {self.last_texts}"
        self.step(Press("submit"))
        assert self.lead is not None
        return self.lead

    # -- what happened

    @property
    def state(self) -> State:
        return self.conversation.state

    @property
    def draft_fields(self) -> dict[str, Any]:
        return dict(self.conversation.draft.fields) if self.conversation.draft else {}

    @property
    def pending(self) -> str | None:
        return self.conversation.draft.pending if self.conversation.draft else None

    @property
    def lead(self) -> SubmitLead | None:
        return next((e for e in self.effects if isinstance(e, SubmitLead)), None)

    @property
    def last_texts(self) -> list[str]:
        return [r.text for r in self.last.replies] if self.last else []

    @property
    def last_buttons(self) -> list[str]:
        return [b.data for r in (self.last.replies if self.last else ()) for row in r.buttons for b in row]


def plain(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Fields as a row writes them: patents as their normalised numbers, evidence as a count."""
    out = dict(fields)
    if isinstance(out.get("patents"), list):
        out["patents"] = [p["normalized"] if isinstance(p, dict) else p for p in out["patents"]]
    if isinstance(out.get("evidence"), list):
        out["evidence"] = len(out["evidence"])
    return out


def subset(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The expected fields whose actual value differs: {} when all match."""
    got = plain(actual)
    return {k: (v, got.get(k, "<missing>")) for k, v in expected.items() if got.get(k, "<missing>") != v}


# Answers to every question of every flow; distinct from what the openings prefill, so a value that
# survives to the lead was prefilled, not asked.
ANSWERS: dict[str, Answer] = {
    "respondent": "晋中市鑫源机械有限公司",
    "county": Press("set:county:140702"),
    "product": "电动喷雾器",
    "patents": "ZL201810234567.3",
    "standing": Press("set:standing:licensee"),
    "name": "李明",
    "phone": "13912345678",
    "found_at": "上个月",
    "fair": "晋中农博会",
    "shop": "鑫源农机专营店",
    "evidence": Press("skip:evidence"),
    "claim": "包装上印着“国家专利产品”",
    "contact": Press("set:contact:confidential"),
    "ip_kind": Press("set:ip_kind:trademark"),
    "description": "有人在集市上卖印着我们商标的化肥",
    "need": Press("set:need:mediation"),
    "organisation": "晋中市恒通农机有限公司",
}


@pytest.fixture(scope="module")
def texts() -> Texts:
    return load_texts()


@pytest.fixture(scope="module")
def dialogue(faq_index, texts) -> Dialogue:
    return Dialogue(faq_index, texts, RESUME_AFTER)


@pytest.fixture
def drive(dialogue, understander):
    def make(*steps: Step) -> Driver:
        return Driver(dialogue, understander).run(steps)

    return make


def question_text(texts: Texts, flow: FlowKind, name: str, language: str = "zh") -> str:
    key = f"ask.{flow.value}.{name}"
    return texts.get(key if texts.has(key) else f"ask.{name}", language)


def without(fields: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in plain(fields).items() if k not in names}


def frozen(conversation: Conversation) -> Conversation:
    """The conversation without its clock, to compare before and after a step."""
    return replace(conversation, updated_at=None)


# ---- 1. opening messages -------------------------------------------------------------------------

INF, CF, OIP, AST = FlowKind.INFRINGEMENT, FlowKind.COUNTERFEIT, FlowKind.OTHER_IP, FlowKind.ASSISTANCE
PATENT = "201710601862.3"


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(reason=reason, strict=True)


# (opening message, flow it opens, fields it already fills besides `description`, first question)
OPENINGS = [
    # 盗用 a design is taking the design itself: infringement, clear enough not to ask
    pytest.param(
        "寿阳有人盗用我们公司的外观设计", INF, {"county": "140725"}, "respondent", id="shouyang-design"
    ),
    pytest.param(
        "平遥有家厂仿造我的专利产品",
        INF,
        {"county": "140728", "standing": "patentee"},
        "respondent",
        id="pingyao-factory-copies-my-patent",
    ),
    pytest.param("我要投诉专利侵权", INF, {}, "respondent", id="plain-infringement-complaint"),
    # my number on someone's goods is counterfeiting (facts 2.2: 未经许可在产品上标他人专利号)
    pytest.param("有人冒用我的专利号在卖东西", CF, {}, "product", id="misused-number-selling-things"),
    pytest.param("投诉", INF, {}, "respondent", id="one-word-complaint"),
    pytest.param(
        "有人侵犯我的专利", INF, {"standing": "patentee"}, "respondent", id="someone-infringes-my-patent"
    ),
    pytest.param(
        "有人用了我的专利", INF, {"standing": "patentee"}, "respondent", id="someone-uses-my-patent"
    ),
    pytest.param(
        f"宏达机械有限公司仿造我们的专利产品，专利号ZL{PATENT}",
        INF,
        {"respondent": "宏达机械有限公司", "patents": [PATENT], "standing": "patentee"},
        "county",
        id="named-company-and-patent-number",
    ),
    pytest.param(
        "我是专利权人，介休的宏达机械有限公司在销售我的专利产品切割机，电话13912345678",
        INF,
        {
            "respondent": "宏达机械有限公司",
            "county": "140781",
            "product": "切割机",
            "standing": "patentee",
            "phone": "13912345678",
        },
        "patents",
        id="patentee-gives-everything",
    ),
    pytest.param(
        "我家的专利被人侵犯了，对方是榆社县光明五金厂",
        INF,
        {"respondent": "榆社县光明五金厂", "county": "140721", "standing": "patentee"},
        "product",
        id="respondent-after-duifang",
    ),
    pytest.param(
        "我是被许可人，寿阳有企业侵犯专利",
        INF,
        {"county": "140725", "standing": "licensee"},
        "respondent",
        id="licensee-in-shouyang",
    ),
    pytest.param(
        "有人侵犯了我的专利权，在左权，电话0354-3012345",
        INF,
        {"county": "140722", "standing": "patentee", "phone": "0354-3012345"},
        "respondent",
        id="landline-phone-and-county",
    ),
    pytest.param(
        f"我公司的专利ZL{PATENT}被人侵犯，侵权方在北京",
        INF,
        {"county": "outside", "patents": [PATENT], "standing": "patentee"},
        "respondent",
        id="respondent-outside-jinzhong",
    ),
    pytest.param(
        "和顺县有家厂用了我们的技术", INF, {"county": "140723"}, "respondent", id="heshun-technology"
    ),
    pytest.param(
        "我们公司的产品被人模仿了，在榆次", INF, {"county": "140702"}, "respondent", id="imitated-in-yuci"
    ),
    pytest.param(
        "我要投诉，平遥县", INF, {"county": "140728"}, "respondent", id="complaint-with-county-only"
    ),
    pytest.param(
        "左权县的华丰食品有限公司仿造我们的外观设计专利ZL201730123456.1",
        INF,
        {"respondent": "华丰食品有限公司", "county": "140722", "patents": ["201730123456.1"]},
        "product",
        id="design-patent-number",
    ),
    pytest.param(
        "昨天在晋中农博会上发现有人卖仿冒我们专利的播种机",
        INF,
        {"product": "播种机", "found_at": "昨天"},
        "respondent",
        id="seen-yesterday-at-a-fair",
    ),
    pytest.param("有人在网上卖仿冒我们专利的产品", INF, {}, "respondent", id="sold-online"),
    pytest.param(
        "淘宝上有店铺卖仿冒我们专利的产品",
        INF,
        {},
        "respondent",
        id="taobao-shop-is-not-a-respondent",
    ),
    pytest.param(
        "有人抄袭我的设计",
        INF,
        {},
        "respondent",
        id="design-is-not-a-product",
    ),
    pytest.param("我想举报假冒专利", CF, {}, "product", id="plain-counterfeit-report"),
    pytest.param("我想匿名举报假冒专利", CF, {"contact": "anonymous"}, "product", id="anonymous-counterfeit"),
    pytest.param(
        "超市里卖的保温杯上标着专利号，但是是假的",
        CF,
        {"product": "保温杯"},
        "respondent",
        id="fake-number-on-a-thermos",
    ),
    pytest.param("那个产品写着专利产品但是查不到专利号", CF, {}, "product", id="patented-product-not-found"),
    pytest.param(
        "榆次有家店卖的产品标注了假的专利号",
        CF,
        {"county": "140702"},
        "product",
        id="fake-number-in-a-yuci-shop",
    ),
    pytest.param(
        "我要举报假冒专利，产品是电饭煲，在介休市，我叫张三，电话13800138000",
        CF,
        {
            "product": "电饭煲",
            "county": "140781",
            "contact": "confidential",
            "name": "张三",
            "phone": "13800138000",
        },
        "respondent",  # who sells it: the counterfeit flow asks that before the claim
        id="counterfeit-with-everything",
    ),
    pytest.param(
        "祁县有人生产我公司的专利产品电暖器",
        INF,
        {"county": "140727", "product": "电暖器", "standing": "patentee"},
        "respondent",
        id="qixian-heater",
    ),
    pytest.param("有人卖假冒的商标产品", OIP, {"ip_kind": "trademark"}, "description", id="trademark"),
    pytest.param("有人盗版我的书", OIP, {"ip_kind": "copyright"}, "description", id="pirated-book"),
    pytest.param("有人卖假货", OIP, {"ip_kind": "fake_goods"}, "description", id="fake-goods"),
    pytest.param("商标侵权", OIP, {"ip_kind": "trademark"}, "description", id="trademark-infringement"),
    pytest.param("我要申请维权援助", AST, {"need": "aid"}, "organisation", id="assistance"),
    pytest.param(
        "我们公司在海外遇到专利纠纷，需要帮助", AST, {"need": "overseas"}, "organisation", id="dispute-abroad"
    ),
    pytest.param("我想申请专家咨询意见", AST, {"need": "expert"}, "organisation", id="expert-opinion"),
    pytest.param("我想找人帮忙调解专利纠纷", AST, {"need": "mediation"}, "organisation", id="mediation"),
    pytest.param("I want to report a patent infringement", INF, {}, "respondent", id="en-infringement"),
    pytest.param("I want to complain", INF, {}, "respondent", id="en-complain"),
    pytest.param(
        "A factory in Pingyao copies our patented product",
        INF,
        {"county": "140728", "standing": "patentee"},
        "respondent",
        id="en-pingyao-factory",
    ),
    pytest.param("I want to report a fake patent mark", CF, {}, "product", id="en-counterfeit"),
    pytest.param(
        "I need help with a patent dispute abroad",
        AST,
        {"need": "overseas"},
        "organisation",
        id="en-help-abroad",
    ),
]


@pytest.mark.parametrize(("opening", "flow", "prefilled", "first"), OPENINGS)
def test_an_opening_message_starts_its_flow_prefilled_and_completes(drive, opening, flow, prefilled, first):
    d = drive(opening)
    assert d.state is State.FILLING
    assert d.conversation.draft.flow is flow
    assert without(d.draft_fields, "description") == prefilled
    assert d.pending == first
    lead = d.complete(ANSWERS)
    assert lead.flow is flow
    assert subset(prefilled, lead.fields) == {}
    assert lead.language == ("zh" if CJK.search(opening) else "en")
    assert not set(prefilled) & set(d.asked), "a field the opening filled was asked again"
    assert d.state is State.IDLE and d.conversation.draft is None


# (opening message, the flow offered first, the button pressed, fields kept, first question)
CHOICES = [
    pytest.param(
        "有个厂家冒充我们的专利",
        "counterfeit",
        INF,
        {"standing": "patentee"},
        "respondent",
        id="imitates-our-patent",
    ),
    pytest.param(
        "我要维权", "infringement", AST, {"need": "aid"}, "organisation", id="i-want-to-defend-my-rights"
    ),
    pytest.param("维权", "infringement", AST, {"need": "aid"}, "organisation", id="one-word-weiquan"),
    pytest.param(
        "昔阳县有企业侵犯我们的商标和专利",
        "other_ip",
        INF,
        {"county": "140724"},
        "respondent",
        id="trademark-and-patent",
    ),
    pytest.param(
        "昔阳县有企业侵犯我们的商标和专利",
        "other_ip",
        OIP,
        {"ip_kind": "trademark", "county": "140724"},
        "contact",
        id="trademark-and-patent-as-other-ip",
    ),
    pytest.param(
        "我想问问有人仿我的产品怎么办", "infringement", INF, {}, "respondent", id="question-or-complaint"
    ),
    pytest.param(
        "Someone is selling fake patented goods in Yuci",  # fake goods, or a patent copied
        "other_ip",
        OIP,
        {"ip_kind": "fake_goods", "county": "140702"},
        "contact",
        id="en-fake-goods-in-yuci",
    ),
    pytest.param("fake", "other_ip", CF, {}, "product", id="en-one-word-fake"),
    pytest.param(
        "灵石县某公司冒用我们的专利号",
        "counterfeit",
        CF,
        {"county": "140729"},
        "product",
        id="lingshi-misused-number",
    ),
]


@pytest.mark.parametrize(("opening", "offered_first", "chosen", "kept", "first"), CHOICES)
def test_a_weak_or_ambiguous_opening_offers_flows_and_keeps_what_it_said(
    drive, texts, opening, offered_first, chosen, kept, first
):
    d = drive(opening)
    assert d.state is State.CHOOSING_FLOW and d.conversation.draft is None
    assert d.last_texts == [texts.get("flow.choose", d.conversation.language)]
    offered = d.last_buttons
    assert f"flow:{offered_first}" in offered[:2]  # the two likeliest first; their order is the model's
    assert sorted(offered) == sorted(f"flow:{k.value}" for k in FlowKind)
    d.step(Press(f"flow:{chosen.value}"))
    assert d.state is State.FILLING and d.conversation.draft.flow is chosen
    assert without(d.draft_fields, "description") == kept
    assert d.pending == first
    lead = d.complete(ANSWERS)
    assert lead.flow is chosen and subset(kept, lead.fields) == {}


@pytest.mark.parametrize(
    ("question", "topic", "flow"),
    [("假冒专利怎么处罚", "counterfeit.penalty", CF), ("假冒专利会罚多少钱", "counterfeit.penalty", CF)],
)
def test_a_question_on_a_reports_topic_is_answered_with_the_report_one_button_away(
    drive, texts, question, topic, flow
):
    d = drive(question)
    assert d.state is State.IDLE and d.conversation.draft is None
    answer, offer = d.last_texts
    entry = d.dialogue.answers.faq.get(topic)
    assert entry is not None and entry.answer_in("zh") in answer
    assert offer == texts.get("flow.offer_after_answer")
    assert d.last_buttons == [f"flow:{flow.value}"]
    d.step(Press(f"flow:{flow.value}"))
    assert d.state is State.FILLING and d.conversation.draft.flow is flow


def test_an_accused_user_is_not_taken_for_a_complainant(drive):
    d = drive("我被人告了专利侵权")
    assert d.state is State.CHOOSING_FLOW or d.conversation.draft.flow is AST


@pytest.mark.parametrize("text", ["专利", "我想反映一个情况"], ids=["patent", "i-want-to-report-something"])
def test_a_vague_message_gets_the_menu_without_being_called_out_of_scope(drive, texts, text):
    d = drive(text)
    assert d.state in (State.IDLE, State.CHOOSING_FLOW)  # the menu, or the flows to choose from
    assert "flow:infringement" in d.last_buttons
    assert d.last_texts != [texts.get("out_of_scope")]


def test_typing_a_flow_label_while_choosing_picks_that_flow(drive):
    d = drive("昔阳县有企业侵犯我们的商标和专利", "专利侵权投诉")
    assert d.state is State.FILLING and d.conversation.draft.flow is INF
    assert without(d.draft_fields, "description") == {"county": "140724"}


def test_a_question_while_choosing_is_answered_and_the_choice_stays(drive, texts):
    d = drive("昔阳县有企业侵犯我们的商标和专利", "外观设计专利保护几年？")
    assert d.state is State.CHOOSING_FLOW
    assert d.last_texts[-1] == texts.get("flow.choose")
    d.step(Press("flow:infringement"))
    assert without(d.draft_fields, "description") == {"county": "140724"}


def test_a_clear_intent_typed_while_choosing_keeps_what_the_opening_said(drive):
    d = drive("昔阳县有企业侵犯我们的商标和专利", "我要投诉专利侵权")
    assert d.conversation.draft.flow is INF
    assert d.draft_fields.get("county") == "140724"


def test_a_stray_message_while_choosing_is_not_called_out_of_scope(drive, texts):
    d = drive("昔阳县有企业侵犯我们的商标和专利", "宏达机械有限公司")
    assert d.last_texts[0] != texts.get("out_of_scope")
    assert "flow:infringement" in d.last_buttons


def test_a_typed_answer_to_the_flow_choice_keeps_the_opening_and_what_was_typed(drive, texts):
    d = drive("昔阳县有企业侵犯我们的商标和专利", "宏达机械有限公司")
    assert d.state is State.CHOOSING_FLOW
    assert d.last_texts == [texts.get("flow.kept"), texts.get("flow.choose")]
    d.step(Press("flow:infringement"))
    assert d.draft_fields["county"] == "140724"
    assert d.draft_fields["respondent"] == "宏达机械有限公司"
    lead = d.complete(ANSWERS)
    assert lead.fields["description"].startswith("昔阳县有企业侵犯我们的商标和专利")
    assert "宏达机械有限公司" in lead.fields["description"]


@pytest.mark.parametrize("typed", ["投诉", "侵权投诉", "我选专利侵权投诉"], ids=["part", "more", "sentence"])
def test_a_part_of_a_flow_label_typed_while_choosing_picks_that_flow(drive, typed):
    d = drive("昔阳县有企业侵犯我们的商标和专利", typed)
    assert d.state is State.FILLING and d.conversation.draft.flow is INF
    assert d.draft_fields["county"] == "140724"


# ---- 2. every flow to its lead -------------------------------------------------------------------

ANSWERED = {
    "respondent": "晋中市鑫源机械有限公司",
    "county": "140702",
    "product": "电动喷雾器",
    "name": "李明",
    "phone": "13912345678",
}
FLOWS = [
    pytest.param(
        ("我要投诉专利侵权",),
        {},
        {
            "flow": INF,
            **ANSWERED,
            "patents": ["201810234567.3"],
            "standing": "licensee",
            "found_at": "上个月",
            "evidence": 0,
        },
        id="infringement",
    ),
    pytest.param(
        ("我要投诉专利侵权",),
        {"patents": Press("skip:patents"), "found_at": Press("skip:found_at")},
        {"flow": INF, **ANSWERED, "patents": [], "standing": "licensee", "evidence": 0},
        id="infringement-without-patent-number-or-date",
    ),
    pytest.param(
        ("有人在网上卖仿冒我们专利的产品",),
        {"shop": "鑫源农机专营店"},
        {
            "flow": INF,
            **ANSWERED,
            "patents": ["201810234567.3"],
            "standing": "licensee",
            "found_at": "上个月",
            "shop": "鑫源农机专营店",
            "evidence": 0,
        },
        id="infringement-online-asks-the-shop",
    ),
    pytest.param(
        ("在展会上发现有人展出仿制我们专利的机器",),
        {},
        {
            "flow": INF,
            **ANSWERED,
            "product": "机器",
            "patents": ["201810234567.3"],
            "standing": "licensee",
            "found_at": "上个月",
            "fair": "晋中农博会",
            "evidence": 0,
        },
        id="infringement-at-a-fair-asks-the-fair",
    ),
    pytest.param(
        ("我想举报假冒专利",),
        {},
        {
            "flow": CF,
            "product": "电动喷雾器",
            "respondent": "晋中市鑫源机械有限公司",
            "county": "140702",
            "claim": "包装上印着“国家专利产品”",
            "evidence": 0,
            "contact": "confidential",
            "name": "李明",
            "phone": "13912345678",
        },
        id="counterfeit-confidential",
    ),
    pytest.param(
        ("我想举报假冒专利",),
        {"contact": Press("set:contact:anonymous"), "claim": "标有“专利产品”字样，没有专利号"},
        {
            "flow": CF,
            "product": "电动喷雾器",
            "respondent": "晋中市鑫源机械有限公司",
            "county": "140702",
            "claim": "标有“专利产品”字样，没有专利号",
            "evidence": 0,
            "contact": "anonymous",
        },
        id="counterfeit-anonymous-by-button",
    ),
    pytest.param(
        ("我想举报假冒专利",),
        {"contact": "匿名"},
        {
            "flow": CF,
            "product": "电动喷雾器",
            "respondent": "晋中市鑫源机械有限公司",
            "county": "140702",
            "claim": "包装上印着“国家专利产品”",
            "evidence": 0,
            "contact": "anonymous",
        },
        id="counterfeit-anonymous-typed",
    ),
    pytest.param(
        ("我想匿名举报假冒专利",),
        {},
        {
            "flow": CF,
            "product": "电动喷雾器",
            "respondent": "晋中市鑫源机械有限公司",
            "county": "140702",
            "claim": "包装上印着“国家专利产品”",
            "evidence": 0,
            "contact": "anonymous",
        },
        id="counterfeit-anonymous-from-the-start",
    ),
    pytest.param(
        ("有人卖假冒的商标产品",),
        {},
        {
            "flow": OIP,
            "ip_kind": "trademark",
            "description": ANSWERS["description"],
            "county": "140702",
            "contact": "confidential",
            "name": "李明",
            "phone": "13912345678",
        },
        id="other-ip",
    ),
    pytest.param(
        ("有人卖假冒的商标产品",),
        {"county": Press("skip:county"), "contact": Press("set:contact:anonymous")},
        {"flow": OIP, "ip_kind": "trademark", "description": ANSWERS["description"], "contact": "anonymous"},
        id="other-ip-anonymous-without-place",
    ),
    pytest.param(
        ("我要申请维权援助",),
        {},
        {
            "flow": AST,
            "need": "aid",
            "organisation": "晋中市恒通农机有限公司",
            "name": "李明",
            "phone": "13912345678",
        },
        id="assistance",
    ),
    pytest.param(
        ("帮帮我",),
        {"organisation": "个人"},
        {"flow": AST, "need": "mediation", "organisation": "个人", "name": "李明", "phone": "13912345678"},
        id="assistance-need-asked",
    ),
    pytest.param(
        (Press("flow:assistance"),),
        {"need": "海外维权"},
        {
            "flow": AST,
            "need": "overseas",
            "organisation": "晋中市恒通农机有限公司",
            "name": "李明",
            "phone": "13912345678",
        },
        id="assistance-from-the-menu-need-typed",
    ),
]


@pytest.mark.parametrize(("opening", "answers", "lead"), FLOWS)
def test_every_flow_completes_to_a_lead_with_its_fields(drive, opening, answers, lead):
    d = drive(*opening)
    submitted = d.complete({**ANSWERS, **answers})
    expected = dict(lead)
    assert submitted.flow is expected.pop("flow")
    assert without(submitted.fields, "description") == without(expected, "description")
    if "description" in expected:
        assert submitted.fields["description"] == expected["description"]
    assert submitted.language == "zh"


@pytest.mark.parametrize(
    "opening", ["我想匿名举报假冒专利", "我想举报假冒专利"], ids=["said-at-once", "chosen-later"]
)
def test_an_anonymous_counterfeit_report_never_asks_name_or_phone(drive, opening):
    d = drive(opening)
    lead = d.complete({**ANSWERS, "contact": Press("set:contact:anonymous")})
    assert not {"name", "phone"} & set(d.asked)
    assert not {"name", "phone"} & set(lead.fields)
    assert lead.fields["contact"] == "anonymous"


def test_the_other_ip_flow_explains_the_referral_before_its_first_question(drive, dialogue, faq_index, texts):
    d = drive("有人卖假冒的商标产品")
    referral = dialogue.answers.entry(faq_index.get("other_ip.referral"), "zh").text
    assert d.last_texts == [texts.get("flow.other_ip.intro"), referral, texts.get("ask.description")]


def test_a_market_report_keeps_its_sector_and_channel_tags(drive):
    lead = drive("超市里卖的保温杯上标着专利号，但是是假的").complete(ANSWERS)
    assert lead.channels == ("market",)


def test_the_first_message_is_kept_as_the_description_when_it_says_something(drive):
    opening = "我是专利权人，介休的宏达机械有限公司在销售我的专利产品切割机，电话13912345678"
    assert drive(opening).complete(ANSWERS).fields["description"] == opening
    assert "description" not in drive("我要投诉专利侵权").complete(ANSWERS).fields


def test_a_patent_number_in_the_claim_does_not_choose_the_contact_for_the_user(drive):
    d = drive("我想举报假冒专利").answer(
        {**ANSWERS, "contact": Press("set:contact:anonymous"), "claim": "标着专利号ZL201810234567.3"}
    )
    assert "contact" in d.asked and d.draft_fields["contact"] == "anonymous"


def test_switching_to_anonymous_at_the_summary_drops_name_and_phone(drive):
    d = drive("我想举报假冒专利").answer(ANSWERS)
    d.run([Press("edit"), Press("edit:contact"), Press("set:contact:anonymous"), Press("submit")])
    assert d.lead is not None and not {"name", "phone"} & set(d.lead.fields)


def test_a_company_name_with_zhizao_does_not_fill_the_product(drive):
    d = drive("平遥有家厂仿造我的专利产品", "晋中市鑫源机械制造有限公司")
    assert d.draft_fields["respondent"] == "晋中市鑫源机械制造有限公司"
    assert "product" not in d.draft_fields and d.pending == "product"


@pytest.mark.parametrize("answer", ["淘宝上的鑫源农机专营店", "京东鑫源旗舰店"], ids=["taobao", "jd"])
def test_the_shop_answer_keeps_the_shop_name(drive, answer):
    d = drive("有人在网上卖仿冒我们专利的产品").answer({**ANSWERS, "shop": answer})
    assert d.draft_fields["shop"] == answer


# ---- 3. the summary and changing an answer -------------------------------------------------------


def test_the_summary_shows_every_answer_with_submit_change_cancel(drive, texts):
    d = drive("平遥有家厂仿造我的专利产品").answer(ANSWERS)
    assert d.state is State.CONFIRMING
    (summary,) = d.last.replies
    assert [[(b.label, b.data) for b in row] for row in summary.buttons] == [
        [("提交", "submit"), ("修改", "edit"), ("取消", "cancel")]
    ]
    for line in (
        "• 被投诉方：晋中市鑫源机械有限公司",
        "• 地点：平遥县",
        "• 产品/行为：电动喷雾器",
        "• 专利号：ZL201810234567.3",
        "• 您的身份：专利权人",
        "• 电话：13912345678",
        "• 证据：无",
    ):
        assert line in summary.text.splitlines()
    assert summary.text.startswith(texts.get("summary.title", flow="专利侵权投诉"))


@pytest.mark.parametrize(
    ("field_button", "answer", "new_value"),
    [
        pytest.param(Press("edit:phone"), "0354-1234567", "0354-1234567", id="phone"),
        pytest.param(Press("edit:county"), "介休", "140781", id="county-typed"),
        pytest.param(Press("edit:county"), Press("set:county:140729"), "140729", id="county-pressed"),
        pytest.param(Press("edit:respondent"), "榆次区宏达五金店", "榆次区宏达五金店", id="respondent"),
        pytest.param(Press("edit:standing"), Press("set:standing:interested"), "interested", id="standing"),
        pytest.param("电话", "0354-1234567", "0354-1234567", id="field-label-typed"),
    ],
)
def test_changing_one_answer_returns_to_the_summary_with_the_others_kept(
    drive, field_button, answer, new_value
):
    d = drive("平遥有家厂仿造我的专利产品").answer(ANSWERS)
    before = plain(d.draft_fields)
    d.step(Press("edit"))
    assert d.state is State.CHOOSING_EDIT and "back" in d.last_buttons
    d.step(field_button)
    name = d.pending
    assert d.state is State.FILLING and name not in d.draft_fields
    d.step(answer)
    assert d.state is State.CONFIRMING
    assert plain(d.draft_fields) == {**before, name: new_value}
    assert d.step(Press("submit")) and plain(d.lead.fields) == {**before, name: new_value}


def test_change_typed_at_the_summary_and_back_changes_nothing(drive):
    d = drive("我要申请维权援助").answer(ANSWERS)
    before = frozen(d.conversation)
    d.step("修改")
    assert d.state is State.CHOOSING_EDIT
    assert d.last_buttons == ["edit:need", "edit:organisation", "edit:name", "edit:phone", "back"]
    d.step(Press("back"))
    assert frozen(d.conversation) == before


def test_submit_typed_at_the_summary_submits(drive):
    d = drive("我要申请维权援助").answer(ANSWERS).run(["提交"])
    assert d.lead is not None and d.state is State.IDLE


def test_an_optional_answer_can_be_removed_by_changing_it_to_skip(drive):
    d = (
        drive("我要投诉专利侵权")
        .answer(ANSWERS)
        .run([Press("edit"), Press("edit:found_at"), Press("skip:found_at")])
    )
    assert d.state is State.CONFIRMING and "found_at" not in d.draft_fields


# ---- 4. questions in the middle of the form ------------------------------------------------------

ASIDES = [
    pytest.param("外观设计专利保护几年？", "patent.term", id="design-term"),
    pytest.param("专利侵权怎么赔偿？", "infringement.damages", id="damages"),
    pytest.param("投诉需要准备什么材料？", "infringement.materials", id="materials"),
    pytest.param("假冒专利会受到什么处罚？", "counterfeit.penalty", id="counterfeit-penalty"),
]


@pytest.mark.parametrize(
    "pending_after", [(), ("宏达机械有限公司", "切割机")], ids=["at-respondent", "at-patents"]
)
@pytest.mark.parametrize(("question", "faq_id"), ASIDES)
def test_a_legal_question_mid_form_is_answered_and_the_question_asked_again(
    drive, dialogue, faq_index, texts, question, faq_id, pending_after
):
    d = drive("平遥有家厂仿造我的专利产品", *pending_after)
    before = frozen(d.conversation)
    d.step(question)
    answer = dialogue.answers.entry(faq_index.get(faq_id), "zh").text
    assert d.last_texts == [answer, question_text(texts, INF, before.draft.pending)]
    assert frozen(d.conversation) == before


@pytest.mark.parametrize("pending_after", [(), ("宏达机械有限公司",)], ids=["at-respondent", "at-product"])
def test_a_patent_status_question_mid_form_looks_the_patent_up_and_resumes(drive, texts, pending_after):
    d = drive("平遥有家厂仿造我的专利产品", *pending_after)
    before = frozen(d.conversation)
    d.step(f"ZL{PATENT}这个专利还有效吗？")
    assert d.last.effects == (LookupPatents((PATENT,), "zh"),)
    assert d.last_texts == [question_text(texts, INF, before.draft.pending)]
    assert frozen(d.conversation) == before


def test_a_patent_number_given_when_asked_for_patents_is_an_answer_not_a_lookup(drive):
    d = drive("平遥有家厂仿造我的专利产品", "宏达机械有限公司", "切割机", f"ZL{PATENT}这个专利还有效吗？")
    assert d.last.effects == ()
    assert plain(d.draft_fields)["patents"] == [PATENT] and d.pending == "name"


def test_a_status_request_without_a_question_mark_is_still_an_aside(drive):
    d = drive("平遥有家厂仿造我的专利产品", f"帮我查一下专利ZL{PATENT}的状态")
    assert d.last.effects == (LookupPatents((PATENT,), "zh"),)
    assert d.pending == "respondent" and "respondent" not in d.draft_fields


@pytest.mark.parametrize(
    ("text", "reply_key", "effect"),
    [
        pytest.param("我要找人工客服", None, OpenRelay("zh"), id="human"),
        pytest.param("我的线索处理到哪一步了？", None, ShowStatus("zh"), id="case-status"),
        pytest.param(Command("status"), None, ShowStatus("zh"), id="status-command"),
        pytest.param(Command("human"), None, OpenRelay("zh"), id="human-command"),
        pytest.param(Press("faq:patent.term"), None, None, id="faq-button"),
    ],
)
def test_other_asides_mid_form_keep_the_question(drive, texts, text, reply_key, effect):
    d = drive("平遥有家厂仿造我的专利产品")
    before = frozen(d.conversation)
    d.step(text)
    assert d.last_texts[-1] == texts.get("ask.respondent")
    if reply_key:
        assert d.last_texts[0] == texts.get(reply_key)
    assert d.last.effects == ((effect,) if effect else ())
    assert frozen(d.conversation) == before


# ---- 5. cancelling -------------------------------------------------------------------------------

CANCELS = [
    pytest.param(Command("cancel"), id="command"),
    pytest.param("取消", id="typed"),
    pytest.param("我不想填了，取消吧", id="sentence"),
    pytest.param(Press("cancel"), id="button"),
]


@pytest.mark.parametrize(
    "answered", [(), ("宏达机械有限公司", "切割机")], ids=["first-question", "third-question"]
)
@pytest.mark.parametrize("cancel", CANCELS)
def test_cancel_asks_first_and_no_goes_back_to_the_same_question(drive, texts, cancel, answered):
    d = drive("平遥有家厂仿造我的专利产品", *answered)
    before = frozen(d.conversation)
    d.step(cancel)
    assert d.state is State.CONFIRMING_CANCEL
    assert d.last_texts == [texts.get("cancel.confirm")] and d.last_buttons == ["cancel:yes", "cancel:no"]
    d.step(Press("cancel:no"))
    assert frozen(d.conversation) == before
    assert d.last_texts == [question_text(texts, INF, before.draft.pending)]


@pytest.mark.parametrize("cancel", CANCELS)
@pytest.mark.parametrize("confirm", [Press("cancel:yes"), "确定取消"], ids=["pressed", "typed"])
def test_cancel_confirmed_drops_the_draft(drive, texts, cancel, confirm):
    d = drive("平遥有家厂仿造我的专利产品", "宏达机械有限公司", cancel, confirm)
    assert d.state is State.IDLE and d.conversation.draft is None
    assert d.last_texts == [texts.get("cancel.done")] and "flow:infringement" in d.last_buttons


@pytest.mark.parametrize("said", ["俺刚才说了啊 玉米脱粒机", "我刚才说过了，是脱粒机"])
def test_saying_one_said_it_already_is_an_answer_not_a_wish_to_cancel(drive, said):
    d = drive("平遥有家厂仿造我的专利产品", "宏达机械有限公司", said)
    assert d.state is State.FILLING and "脱粒机" in d.conversation.draft.fields["product"]


def test_words_typed_at_the_cancel_question_that_are_no_yes_go_to_the_form(drive):
    d = drive("平遥有家厂仿造我的专利产品", "宏达机械有限公司", "取消")
    assert d.state is State.CONFIRMING_CANCEL
    d.step("不是 我是说产品是切割机")
    assert d.state is State.FILLING and "切割机" in d.conversation.draft.fields["product"]
    d.step("取消")
    d.step("是")
    assert d.state is State.IDLE and d.conversation.draft is None


def test_cancel_at_the_summary_and_no_shows_the_summary_again(drive):
    d = drive("我要申请维权援助").answer(ANSWERS)
    before = frozen(d.conversation)
    d.run([Press("cancel"), "继续填写"])
    assert frozen(d.conversation) == before and d.last_buttons == ["submit", "edit", "cancel"]


@pytest.mark.parametrize("cancel", [Command("cancel"), "取消"], ids=["command", "typed"])
def test_cancel_with_nothing_open_says_so(drive, texts, cancel):
    d = drive(cancel)
    assert d.state is State.IDLE and d.last_texts == [texts.get("cancel.nothing")]


# ---- 6. coming back later ------------------------------------------------------------------------

LATER = Wait(RESUME_AFTER + timedelta(minutes=1))


@pytest.mark.parametrize(
    "comeback",
    ["你好", "切割机", Press("submit"), Command("start"), File()],
    ids=["greeting", "an-answer", "old-button", "start", "file"],
)
def test_a_draft_left_too_long_is_offered_back(drive, texts, comeback):
    d = drive("平遥有家厂仿造我的专利产品", "宏达机械有限公司", LATER, comeback)
    assert d.state is State.OFFERING_RESUME
    assert d.last_texts == [texts.get("resume.offer", flow="专利侵权投诉")]
    assert d.last_buttons == ["resume", "restart"]
    assert d.draft_fields["respondent"] == "宏达机械有限公司"


@pytest.mark.parametrize("resume", [Press("resume"), "继续"], ids=["pressed", "typed"])
def test_resume_asks_the_pending_question_again(drive, texts, resume):
    d = drive("平遥有家厂仿造我的专利产品", "宏达机械有限公司", LATER, "你好")
    fields = d.draft_fields
    d.step(resume)
    assert d.state is State.FILLING and d.pending == "product" and d.draft_fields == fields
    assert d.last_texts == [texts.get("ask.product")]


def test_asking_where_one_was_after_a_pause_is_not_kept_as_the_answer(drive, texts):
    d = drive("平遥有家厂仿造我的专利产品", "宏达机械有限公司", LATER, "你好 我上次说到哪了")
    d.step(Press("resume"))
    assert d.pending == "product" and "product" not in d.draft_fields


@pytest.mark.parametrize("restart", [Press("restart"), "重新开始"], ids=["pressed", "typed"])
def test_restart_starts_the_same_flow_with_an_empty_draft(drive, texts, restart):
    d = drive("平遥有家厂仿造我的专利产品", "宏达机械有限公司", LATER, "你好", restart)
    assert d.state is State.FILLING and d.conversation.draft.flow is INF
    assert d.draft_fields == {} and d.pending == "respondent"
    assert d.last_texts == [texts.get("flow.infringement.intro"), texts.get("ask.respondent")]


def test_a_summary_left_too_long_is_offered_back_and_resumes_at_the_summary(drive):
    d = drive("我要申请维权援助").answer(ANSWERS).run([LATER, "在吗"])
    assert d.state is State.OFFERING_RESUME
    d.step(Press("resume"))
    assert d.state is State.CONFIRMING and d.last_buttons == ["submit", "edit", "cancel"]


def test_a_short_pause_is_not_a_comeback(drive):
    d = drive("平遥有家厂仿造我的专利产品", Wait(RESUME_AFTER - timedelta(minutes=1)), "宏达机械有限公司")
    assert d.state is State.FILLING and d.draft_fields["respondent"] == "宏达机械有限公司"


def test_cancel_after_a_long_pause_asks_to_confirm_directly(drive):
    d = drive("平遥有家厂仿造我的专利产品", LATER, Command("cancel"))
    assert d.state is State.CONFIRMING_CANCEL


def test_the_answer_that_triggered_the_offer_is_not_lost(drive):
    d = drive("平遥有家厂仿造我的专利产品", "宏达机械有限公司", LATER, "切割机", Press("resume"))
    assert d.draft_fields.get("product") == "切割机"


# ---- 7. answers that are refused -----------------------------------------------------------------

TO_PATENTS = ("平遥有家厂仿造我的专利产品", "宏达机械有限公司", "切割机")
TO_NAME = ("我要申请维权援助", "个人")
TO_PHONE = (*TO_NAME, "王五")
TO_COUNTY = ("我要投诉专利侵权", "宏达机械有限公司")
TO_STANDING = (*TO_COUNTY, Press("set:county:140728"), "切割机", Press("skip:patents"))

REFUSED = [
    pytest.param(TO_PATENTS, "ZL201710601862.4", "error.patent_check_digit", id="patent-check-digit"),
    pytest.param(TO_PATENTS, "201820123456.X", "error.patent_check_digit", id="utility-model-check-digit"),
    pytest.param(TO_PATENTS, "随便写的", "error.patents", id="no-patent-number"),
    pytest.param(TO_PHONE, "12345", "error.phone", id="short-phone"),
    pytest.param(TO_PHONE, "王五", "error.phone", id="name-for-phone"),
    pytest.param(TO_NAME, "13912345678", "error.name", id="phone-for-name"),
    pytest.param(TO_NAME, "李", "error.name", id="one-character-name"),
    pytest.param(TO_NAME, "王" * 41, "error.name", id="41-character-name"),
    pytest.param(TO_COUNTY, "火星", "error.county", id="unknown-place"),
    pytest.param(TO_STANDING, "随便", "typed.kept", id="standing-not-a-choice"),
]


@pytest.mark.parametrize(("script", "answer", "error"), REFUSED)
def test_a_refused_answer_is_explained_and_the_question_asked_again(drive, texts, script, answer, error):
    d = drive(*script)
    pending = d.pending
    d.step(answer)
    assert d.pending == pending and pending not in d.draft_fields and d.state is State.FILLING
    assert d.last_texts == [texts.get(error), question_text(texts, d.conversation.draft.flow, pending)]


def test_a_phone_typed_for_the_name_is_kept_as_the_phone(drive):
    d = drive(*TO_NAME, "13912345678", "王五")
    assert d.state is State.CONFIRMING and d.draft_fields["phone"] == "13912345678"


ACCEPTED = [
    pytest.param(TO_PATENTS, Press("skip:patents"), "patents", [], id="patents-skip-button"),
    pytest.param(TO_PATENTS, "暂时没有专利号", "patents", [], id="patents-skip-label-typed"),
    pytest.param(TO_PATENTS, "没有", "patents", [], id="patents-none"),
    pytest.param(TO_PATENTS, "ZL 2017 1060 1862.3", "patents", [PATENT], id="patent-with-spaces"),
    pytest.param(TO_PATENTS, "CN108123456A", "patents", ["CN108123456A"], id="publication-number"),
    pytest.param(TO_PHONE, "0354 1234567", "phone", "0354-1234567", id="landline-with-space"),
    pytest.param(TO_PHONE, "+86 138 0013 8000", "phone", "+86-13800138000", id="mobile-with-country-code"),
    pytest.param(TO_PHONE, "+49 30 12345678", "phone", "+493012345678", id="german-number"),
    pytest.param(TO_PHONE, "+91 98765 43210", "phone", "+919876543210", id="indian-number"),
    pytest.param(TO_PHONE, "+82-10-1234-5678", "phone", "+821012345678", id="korean-number"),
    pytest.param(TO_PATENTS, "不记得了", "patents", [], id="patents-not-remembered"),
    pytest.param(TO_PATENTS, "证书在公司", "patents", [], id="patents-certificate-at-the-office"),
    pytest.param(TO_PATENTS, "不清楚", "patents", [], id="patents-not-sure"),
    pytest.param(TO_COUNTY, "不记得了", "county", "unknown", id="place-not-remembered"),
    pytest.param(TO_NAME, "我叫赵六", "name", "赵六", id="name-in-a-sentence"),
    pytest.param(TO_COUNTY, "北京", "county", "outside", id="outside-jinzhong"),
    pytest.param(TO_COUNTY, "不知道", "county", "unknown", id="place-unknown"),
    pytest.param(TO_COUNTY, "平遥县", "county", "140728", id="county-label-typed"),
    pytest.param(TO_STANDING, "我是专利权人", "standing", "patentee", id="standing-in-a-sentence"),
    pytest.param(TO_STANDING, "被许可人", "standing", "licensee", id="standing-label-typed"),
]


@pytest.mark.parametrize(("script", "answer", "name", "value"), ACCEPTED)
def test_an_accepted_answer_is_stored_and_the_form_moves_on(drive, script, answer, name, value):
    d = drive(*script)
    assert d.pending == name
    d.step(answer)
    assert plain(d.draft_fields)[name] == value and d.pending != name


def test_a_wrong_patent_number_in_the_opening_is_not_silently_dropped(drive, texts):
    d = drive("左权县的华丰食品有限公司仿造我们的外观设计专利ZL201730123456.7", "月饼包装盒")
    assert d.pending == "patents"
    assert texts.get("error.patent_check_digit") in d.last_texts


# ---- 8. forged and stale buttons -----------------------------------------------------------------

GARBAGE = [
    pytest.param("set:county:999999", id="county-not-a-choice"),
    pytest.param("edit:nonexistent", id="edit-unknown-field"),
    pytest.param("edit:description", id="edit-field-never-asked"),
    pytest.param("flow:bogus", id="unknown-flow"),
    pytest.param("set:name:张三", id="set-free-text-field"),
    pytest.param("skip:respondent", id="skip-required-field"),
    pytest.param("cancel:maybe", id="cancel-maybe"),
    pytest.param("lang:fr", id="unknown-language"),
    pytest.param("faq:nonexistent", id="unknown-faq"),
    pytest.param("", id="empty"),
    pytest.param(":", id="colon"),
    pytest.param("set::", id="set-nothing"),
    pytest.param(bytes(range(0, 256, 5)).decode("latin-1"), id="random-bytes"),
    pytest.param("\x00" * 64, id="64-nul-bytes"),
    pytest.param("x" * 30 + ":" + "y" * 33, id="64-byte-garbage"),
    pytest.param("set:county:140728:extra", id="extra-colon"),
    pytest.param("SUBMIT", id="wrong-case"),
]

STATES = {
    "idle": (),
    "choosing-flow": ("我要维权",),
    "filling": ("平遥有家厂仿造我的专利产品",),
    "filling-county": TO_COUNTY,
    "confirming": ("我要申请维权援助", "个人", "王五", "13912345678"),
    "choosing-edit": ("我要申请维权援助", "个人", "王五", "13912345678", Press("edit")),
    "confirming-cancel": ("平遥有家厂仿造我的专利产品", Command("cancel")),
    "offering-resume": ("平遥有家厂仿造我的专利产品", LATER, "你好"),
}

# Buttons that are real somewhere but not in this state.
OUT_OF_PLACE = [
    ("filling", "submit"),
    ("filling", "resume"),
    ("filling", "restart"),
    ("filling", "back"),
    ("filling", "cancel:yes"),
    ("filling", "done:evidence"),
    ("filling", "set:county:140728"),
    ("filling-county", "set:standing:patentee"),
    ("filling-county", "skip:county"),
    ("confirming", "back"),
    ("confirming", "set:need:aid"),
    ("confirming", "cancel:no"),
    ("choosing-edit", "submit"),
    ("choosing-edit", "edit:respondent"),
    ("confirming-cancel", "submit"),
    ("confirming-cancel", "edit"),
    ("offering-resume", "submit"),
    ("offering-resume", "set:county:140702"),
    ("offering-resume", "edit"),
    ("idle", "submit"),
    ("idle", "cancel:yes"),
    ("idle", "resume"),
    ("idle", "edit:phone"),
    ("choosing-flow", "submit"),
    ("choosing-flow", "set:need:aid"),
]


def assert_stale(d: Driver, texts: Texts, data: str) -> None:
    before = frozen(d.conversation)
    d.step(Press(data))
    assert frozen(d.conversation) == before
    assert d.last_texts[0] == texts.get("button.stale", before.language)
    assert len(d.last_texts) >= 2, "the stale text is followed by what is being asked"
    assert d.last.effects == ()


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("data", GARBAGE)
def test_a_forged_button_changes_nothing_and_says_it_is_stale(drive, texts, state, data):
    assert_stale(drive(*STATES[state]), texts, data)


@pytest.mark.parametrize(("state", "data"), OUT_OF_PLACE, ids=[f"{s}-{b}" for s, b in OUT_OF_PLACE])
def test_a_button_from_another_state_changes_nothing_and_says_it_is_stale(drive, texts, state, data):
    assert_stale(drive(*STATES[state]), texts, data)


def test_a_button_from_an_earlier_question_is_stale(drive, texts):
    d = drive(*TO_COUNTY, Press("set:county:140728"))
    assert_stale(d, texts, "set:county:140702")
    assert d.draft_fields["county"] == "140728"


def test_a_second_press_of_submit_does_not_submit_twice(drive, texts):
    d = drive("我要申请维权援助").answer(ANSWERS).run([Press("submit")])
    assert_stale(d, texts, "submit")
    assert sum(isinstance(e, SubmitLead) for e in d.effects) == 1


# ---- 9. English ----------------------------------------------------------------------------------

EN_ANSWERS: dict[str, Answer] = {
    "respondent": "Hongda Machinery Co., Ltd.",
    "county": "Pingyao",
    "product": "cutting machines",
    "patents": f"ZL{PATENT}",
    "standing": "I am the patentee",
    "name": "John Smith",
    "phone": "13912345678",
    "found_at": "last week",
    "evidence": "no",
    "claim": "it says patented product",
    "contact": "anonymous",
    "description": "someone sells fake brand shoes",
    "need": "mediation",
    "organisation": "individual",
}
EN_OPENINGS = [
    pytest.param("I want to report a patent infringement", INF, id="infringement"),
    pytest.param("I want to report a fake patent mark", CF, id="counterfeit"),
    pytest.param("I need help with a patent dispute abroad", AST, id="assistance"),
    pytest.param("Someone sells fake brand shoes, a trademark problem", OIP, id="other-ip"),
]


@pytest.mark.parametrize(("opening", "flow"), EN_OPENINGS)
def test_an_english_opening_gets_english_questions_summary_and_lead(
    drive, dialogue, faq_index, texts, opening, flow
):
    d = drive(opening)
    d.answer(EN_ANSWERS)
    summary = d.last.replies[0].text
    d.step(Press("submit"))
    referral = dialogue.answers.entry(faq_index.get("other_ip.referral"), "en").text
    english = {texts.get(k, "en") for k in texts.keys("en")} | {referral, summary}
    for reply in d.replies:
        assert reply.text in english, reply.text
        assert not CJK.search(reply.text.split("\n\n")[0]), reply.text  # the legal basis cites Chinese laws
        assert not any(CJK.search(b.label) for row in reply.buttons for b in row), reply.buttons
    assert summary.startswith("Please check your") and not CJK.search(summary)
    assert d.lead.language == "en" and d.lead.flow is flow


def test_english_questions_are_the_english_texts(drive, texts):
    d = drive("I want to report a patent infringement")
    assert d.last_texts == [texts.get("flow.infringement.intro", "en"), texts.get("ask.respondent", "en")]
    d.step(EN_ANSWERS["respondent"])
    assert d.last_texts == [texts.get("ask.county", "en")]
    assert [b.label for row in d.last.replies[0].buttons for b in row][-2:] == [
        "Outside Jinzhong",
        "Not sure",
    ]


def test_an_english_question_mid_form_gets_the_english_answer(drive, dialogue, faq_index, texts):
    d = drive("I want to report a patent infringement", "How long does a design patent last?")
    assert d.last_texts == [
        dialogue.answers.entry(faq_index.get("patent.term"), "en").text,
        texts.get("ask.respondent", "en"),
    ]


def test_the_language_button_switches_mid_form(drive, texts):
    d = drive("平遥有家厂仿造我的专利产品", Press("lang:en"))
    assert d.last_texts == [texts.get("language.set", "en"), texts.get("ask.respondent", "en")]
    assert d.complete(ANSWERS).language == "en"


@pytest.mark.parametrize(
    ("script", "answer"),
    [
        pytest.param(
            ("平遥有家厂仿造我的专利产品",), "Shanxi Hongda Machinery Co., Ltd.", id="english-company-name"
        ),
        pytest.param(
            (
                "有人在网上卖仿冒我们专利的产品",
                "宏达机械有限公司",
                Press("set:county:140728"),
                "切割机",
                Press("skip:patents"),
                Press("set:standing:patentee"),
                "王五",
                "13912345678",
                Press("skip:found_at"),
            ),
            "https://item.taobao.com/item.htm?id=123",
            id="shop-link",
        ),
    ],
)
def test_a_latin_answer_in_a_chinese_form_keeps_chinese(drive, script, answer):
    d = drive(*script)
    d.step(answer)
    assert d.conversation.language == "zh"


# ---- 10. evidence --------------------------------------------------------------------------------


def test_files_sent_during_the_form_are_counted_and_the_question_repeated(drive, texts):
    d = drive("平遥有家厂仿造我的专利产品", File("a"))
    assert d.last_texts == [texts.get("file.received", count=1), texts.get("ask.respondent")]
    d.step(File("b", "document"))
    assert d.last_texts[0] == texts.get("file.received", count=2)
    lead = d.complete(ANSWERS)
    assert "evidence" not in d.asked
    assert lead.fields["evidence"] == [
        {"file_id": "a", "kind": "photo", "name": ""},
        {"file_id": "b", "kind": "document", "name": ""},
    ]


def test_files_sent_at_the_evidence_question_are_counted_until_done(drive, texts):
    d = drive("我想匿名举报假冒专利").answer({**ANSWERS, "evidence": (File("a"), File("b"), File("c"))})
    assert d.pending == "evidence" and d.last_texts == [texts.get("file.received", count=3)]
    d.step(Press("done:evidence"))
    assert d.state is State.CONFIRMING
    assert "• 证据：3 个文件" in d.last_texts[0].splitlines()
    d.step(Press("submit"))
    assert [f["file_id"] for f in d.lead.fields["evidence"]] == ["a", "b", "c"]


@pytest.mark.parametrize(
    "done",
    [Press("done:evidence"), Press("skip:evidence"), "完成", "跳过", "没有", "发完了"],
    ids=["done-button", "skip-button", "done-typed", "skip-typed", "none-typed", "all-sent-typed"],
)
def test_the_evidence_question_ends_with_done_or_skip(drive, done):
    d = drive("我想匿名举报假冒专利").answer({**ANSWERS, "evidence": done})
    assert d.state is State.CONFIRMING and d.draft_fields["evidence"] == []


def test_text_at_the_evidence_question_asks_for_files(drive, texts):
    d = drive("我想匿名举报假冒专利").answer({**ANSWERS, "evidence": "有照片"})
    assert d.pending == "evidence"
    assert d.last_texts == [texts.get("file.please"), texts.get("ask.evidence")]


@pytest.mark.parametrize("text", ["没有证据", "暂时没有证据"], ids=["no-evidence", "no-evidence-yet"])
def test_no_evidence_in_words_moves_on(drive, text):
    d = drive("我想匿名举报假冒专利").answer({**ANSWERS, "evidence": text})
    assert d.state is State.CONFIRMING


@pytest.mark.parametrize("state", ["idle", "choosing-flow"])
def test_a_file_with_no_form_open_gets_a_helpful_reply(drive, texts, state):
    d = drive(*STATES[state])
    before = frozen(d.conversation)
    d.step(File())
    assert d.last_texts[0] == texts.get("file.no_form")
    assert frozen(d.conversation) == before


def test_a_file_sent_at_the_summary_is_added_to_the_evidence(drive, texts):
    d = drive("我想匿名举报假冒专利").answer(ANSWERS).run([File("late")])
    assert d.last_texts[0] != texts.get("file.no_form")
    assert [f["file_id"] for f in d.draft_fields["evidence"]] == ["late"]


def test_a_respondent_named_with_its_county_fills_the_county_whatever_the_model_makes_of_the_name(drive):
    d = drive("有人侵犯我的专利", "平遥县宏达机械有限公司")
    assert d.conversation.draft.fields["county"] == "140728" and d.pending != "county"


def test_asking_to_stay_anonymous_where_the_name_is_asked_makes_the_report_anonymous(drive):
    d = drive("举报假冒专利：平遥县城一家超市卖的保温杯标着专利号")
    d.answer({**ANSWERS, "name": "那还是匿名吧"})
    assert d.state is State.CONFIRMING
    assert d.conversation.draft.fields["contact"] == "anonymous" and "name" not in d.conversation.draft.fields
    assert "phone" not in d.conversation.draft.fields


def test_a_request_typed_where_the_name_is_asked_is_not_taken_for_a_name(drive):
    d = drive("平遥有家厂仿造我的专利产品")
    d.answer({**ANSWERS, "name": "需要法律咨询和取证帮助"})
    assert d.pending == "name" and "name" not in d.conversation.draft.fields


def test_a_thing_named_in_one_character_is_a_product(drive):
    d = drive("平遥有家厂仿造我的专利产品", "宏达机械有限公司", "锁")
    assert d.draft_fields.get("product") == "锁" and d.pending != "product"


def test_a_name_typed_where_the_time_is_asked_is_asked_again(drive):
    d = drive("平遥有家厂仿造我的专利产品")
    d.answer({**ANSWERS, "found_at": "赵顺达"})
    assert d.pending == "found_at" and "found_at" not in d.conversation.draft.fields


def test_a_plain_complaint_with_both_reports_words_starts_the_complaint_without_asking(drive):
    d = drive("平遥县宏达机械厂仿造我们公司的专利产品脱粒机，专利号ZL201710601862.3，我是专利权人")
    assert d.state is State.FILLING and d.conversation.draft.flow is INF
