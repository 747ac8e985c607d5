"""Any sequence of messages, presses, commands, files and pauses: the machine never raises, keeps its
invariants, and its conversation survives storage (to_dict → JSON → from_dict) unchanged."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.dialogue.flows import FLOWS, field_of
from bot.dialogue.machine import Dialogue
from bot.dialogue.model import Conversation, Evidence, Inbound, InboundKind, Outcome
from bot.dialogue.states import FlowKind, State
from bot.dialogue.texts import load_texts

T0 = datetime(2024, 5, 6, 9, 0)
RESUME_AFTER = timedelta(minutes=30)
TELEGRAM_CALLBACK_DATA_BYTES = 64

PHRASES = [
    "平遥有家厂仿造我的专利产品",
    "我想匿名举报假冒专利",
    "有人卖假冒的商标产品",
    "我要申请维权援助",
    "我要维权",
    "外观设计专利保护几年？",
    "ZL201710601862.3这个专利还有效吗？",
    "ZL201710601862.4",
    "宏达机械有限公司",
    "13912345678",
    "12345",
    "王五",
    "取消",
    "提交",
    "修改",
    "继续",
    "重新开始",
    "确定取消",
    "继续填写",
    "跳过",
    "没有",
    "完成",
    "匿名",
    "平遥县",
    "不知道",
    "I want to report a patent infringement",
    "Hello",
    "",
]

VALID_BUTTONS = sorted(
    {
        *(f"flow:{k.value}" for k in FlowKind),
        *(f"set:{fd.name}:{v}" for fields in FLOWS.values() for fd in fields for v in fd.choices),
        *(f"skip:{fd.name}" for fields in FLOWS.values() for fd in fields),
        *(f"edit:{fd.name}" for fields in FLOWS.values() for fd in fields),
        "done:evidence",
        "submit",
        "edit",
        "back",
        "cancel",
        "cancel:yes",
        "cancel:no",
        "resume",
        "restart",
        "status",
        "faq:patent.term",
        "faq:other_ip.referral",
        "lang:en",
        "lang:zh",
    }
)
COMMANDS = ["start", "help", "cancel", "status", "english", "chinese", "human", "report", "bogus"]

steps = st.one_of(
    st.tuples(st.just("say"), st.one_of(st.sampled_from(PHRASES), st.text(max_size=40))),
    st.tuples(st.just("press"), st.one_of(st.sampled_from(VALID_BUTTONS), st.text(max_size=64))),
    st.tuples(st.just("command"), st.sampled_from(COMMANDS)),
    st.tuples(st.just("file"), st.sampled_from(["photo", "document"])),
    st.tuples(st.just("wait"), st.sampled_from([1, 45, 24 * 60])),
)


@pytest.fixture(scope="module")
def dialogue(faq_index) -> Dialogue:
    return Dialogue(faq_index, load_texts(), RESUME_AFTER)


def stored(conversation: Conversation) -> Conversation:
    return Conversation.from_dict(json.loads(json.dumps(conversation.to_dict(), ensure_ascii=False)))


def check_invariants(conv: Conversation, out: Outcome) -> None:
    assert out.replies or out.effects, "every step answers something"
    for reply in out.replies:
        assert reply.text.strip()
        for row in reply.buttons:
            assert row
            for button in row:
                assert button.label.strip()
                assert len(button.data.encode()) <= TELEGRAM_CALLBACK_DATA_BYTES
    draft = conv.draft
    if conv.state is State.FILLING:
        assert draft is not None and draft.pending is not None
        assert field_of(draft.flow, draft.pending) is not None
    if conv.state in (State.CONFIRMING, State.CHOOSING_EDIT, State.CONFIRMING_CANCEL, State.OFFERING_RESUME):
        assert draft is not None
    if conv.state is State.CHOOSING_FLOW:
        assert draft is None and set(conv.offered) <= {k.value for k in FlowKind}
    assert conv.language in ("zh", "en")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=st.lists(steps, max_size=15))
def test_any_script_never_raises_and_the_conversation_survives_storage(dialogue, understander, script):
    conv, now = Conversation(), T0
    for kind, arg in script:
        now += timedelta(seconds=5)
        understanding = None
        if kind == "wait":
            now += timedelta(minutes=arg)
            continue
        if kind == "say":
            inbound, understanding = Inbound.say(arg, now), understander.understand(arg)
        elif kind == "press":
            inbound = Inbound.press(arg, now)
        elif kind == "command":
            inbound = Inbound.command(arg, now)
        else:
            inbound = Inbound(InboundKind.FILE, now, "", Evidence("file-id", arg))
        out = dialogue.step(conv, inbound, understanding)
        conv = out.conversation
        check_invariants(conv, out)
        assert Conversation.from_dict(conv.to_dict()) == conv
        assert stored(conv) == conv
        conv = stored(conv)  # go on from what the service would load


UNREADABLE: list[Any] = [
    None,
    {},
    [],
    {"v": 99, "state": "filling"},
    {"v": 1},
    {"v": 1, "state": "nonsense"},
    {"v": 1, "state": "filling", "draft": {"flow": "bogus", "fields": {}}},
    {"v": 1, "state": "filling", "draft": {"flow": "infringement"}},
    {"v": 1, "state": "idle", "updated_at": "yesterday"},
    {"v": 1, "state": "idle", "offered": 5},
    {"v": 1, "state": "idle", "candidates": [5]},
]


@pytest.mark.parametrize("data", UNREADABLE, ids=range(len(UNREADABLE)))
def test_an_unreadable_stored_conversation_starts_afresh(data):
    assert Conversation.from_dict(data) == Conversation()


ODD_BUT_READABLE = [
    pytest.param(
        {"v": 1, "state": "filling", "draft": {"flow": "infringement", "fields": {}, "pending": "bogus"}},
        id="unknown-pending-field",
    ),
    pytest.param({"v": 1, "state": "filling", "draft": None}, id="filling-without-draft"),
    pytest.param({"v": 1, "state": "confirming", "draft": None}, id="confirming-without-draft"),
    pytest.param({"v": 1, "state": "offering_resume", "draft": None}, id="resume-without-draft"),
    pytest.param(
        {"v": 1, "state": "filling", "draft": {"flow": "counterfeit", "fields": {}, "pending": 5}},
        id="pending-not-a-string",
    ),
]


@pytest.mark.parametrize("data", ODD_BUT_READABLE)
@pytest.mark.parametrize(
    "inbound",
    [
        Inbound.say("你好", T0),
        Inbound.press("submit", T0),
        Inbound.command("cancel", T0),
        Inbound(InboundKind.FILE, T0, "", Evidence("f", "photo")),
    ],
    ids=["text", "button", "command", "file"],
)
def test_an_odd_stored_conversation_still_gets_an_answer(dialogue, understander, data, inbound):
    u = understander.understand(inbound.text) if inbound.kind is InboundKind.TEXT else None
    out = dialogue.step(Conversation.from_dict(data), inbound, u)
    assert out.replies


def test_a_stored_flow_choice_offering_something_else_still_gets_an_answer(dialogue, understander):
    conv = Conversation.from_dict({"v": 1, "state": "choosing_flow", "offered": ["faq:patent.term"]})
    assert dialogue.step(conv, Inbound.say("你好", T0), understander.understand("你好")).replies
