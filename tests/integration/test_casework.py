"""The case after 受理, through the real desk, outbox worker and database (SQLite, and PostgreSQL
when configured): every press and reply as a staff group would send it."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from bot.casework.desk import StaffPress, StaffReply
from bot.composition import build_hotline
from bot.dialogue.model import Evidence, Inbound, InboundKind
from bot.hotline import Hotline
from bot.intake import Incoming
from bot.leads import store
from bot.leads.models import LeadRow
from bot.notify.worker import OutboxWorker
from tests.integration.conftest import (
    CITY_CHAT,
    CITY_STAFF,
    COMPLAINT,
    PINGYAO_CHAT,
    PINGYAO_STAFF,
    Citizen,
    staffed,
)
from tests.integration.test_outbox import SETTINGS

JIEXIU_CHAT, JIEXIU_STAFF = -100781, 781
TRACKING = re.compile(r"JZ-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")
COUNTERFEIT = (
    "举报假冒专利：平遥县城一家超市卖的保温杯标着专利号，其实根本没有专利",
    "平遥县好运来超市",
    "杯身上印着专利产品字样和一个专利号",
    "!skip:evidence",
    "!set:contact:confidential",
    "李四",
    "13812345678",
    "!submit",
)


@dataclass
class Sent:
    chat_id: int
    message_id: int
    text: str
    buttons: list[dict[str, Any]]
    force_reply: bool = False
    file_id: str | None = None
    edits: int = 0


@dataclass
class Groups:
    """Stands in for Telegram behind the outbox worker: it keeps every message by chat and id."""

    messages: dict[tuple[int, int], Sent] = field(default_factory=dict)
    next_id: int = 100

    async def send(
        self, chat_id: int, text: str, html: bool, buttons: list[dict[str, Any]], force_reply: bool = False
    ) -> int:
        self.next_id += 1
        self.messages[(chat_id, self.next_id)] = Sent(chat_id, self.next_id, text, buttons, force_reply)
        return self.next_id

    async def send_file(self, chat_id: int, file_id: str, kind: str, caption: str, html: bool = False) -> int:
        self.next_id += 1
        self.messages[(chat_id, self.next_id)] = Sent(chat_id, self.next_id, caption, [], file_id=file_id)
        return self.next_id

    async def edit(
        self, chat_id: int, message_id: int, text: str, html: bool, buttons: list[dict[str, Any]]
    ) -> None:
        sent = self.messages[(chat_id, message_id)]
        sent.text, sent.buttons, sent.edits = text, buttons, sent.edits + 1

    def in_chat(self, chat_id: int) -> list[Sent]:
        return [m for (c, _), m in sorted(self.messages.items()) if c == chat_id]

    def card(self, chat_id: int, tracking: str) -> Sent:
        """The lead's latest card: its number is in the title (other cards may name it as a link)."""
        return next(
            m
            for m in reversed(self.in_chat(chat_id))
            if tracking in m.text.split("\n")[0] and "<b>状态：" in m.text
        )

    def last(self, chat_id: int) -> Sent:
        return self.in_chat(chat_id)[-1]


@pytest.fixture
def desk_hotline(config, core, db) -> Hotline:
    base = staffed(config)
    counties = tuple(
        dataclasses.replace(q, chat_id=JIEXIU_CHAT, staff_ids=(JIEXIU_STAFF,)) if q.code == "140781" else q
        for q in base.counties
    )
    return build_hotline(dataclasses.replace(base, counties=counties), core=core, db=db)


class Office:
    """Staff in their groups, pressing what they see and replying to prompts."""

    def __init__(self, hotline: Hotline, groups: Groups) -> None:
        self.hotline, self.groups = hotline, groups
        self.worker = OutboxWorker(hotline.db, groups, SETTINGS)
        self.update_id = 10_000

    def _next(self) -> int:
        self.update_id += 1
        return self.update_id

    async def press(self, user: int, chat: int, message: Sent, label: str, forge: str | None = None) -> str:
        data = forge or next(b["data"] for b in message.buttons if b["label"] == label)
        answer = await self.hotline.desk.press(
            StaffPress(chat, message.message_id, user, f"u{user}", data, self._next())
        )
        await self.worker.drain()
        return answer.text

    async def act(self, user: int, chat: int, tracking: str, label: str) -> str:
        return await self.press(user, chat, self.groups.card(chat, tracking), label)

    async def pick(self, user: int, chat: int, label: str) -> str:
        return await self.press(user, chat, self.groups.last(chat), label)

    async def reply(self, user: int, chat: int, text: str, to: Sent | None = None) -> None:
        to = to or self.groups.last(chat)
        await self.hotline.desk.reply(StaffReply(chat, to.message_id, user, f"u{user}", text, self._next()))
        await self.worker.drain()


async def lead_of(db, tracking: str) -> LeadRow:
    async with db.transaction() as s:
        lead = await store.lead_by_tracking(s, tracking)
        assert lead is not None
        return lead


async def events_of(db, tracking: str) -> list[str]:
    lead = await lead_of(db, tracking)
    async with db.transaction() as s:
        return [e.action for e in await store.history(s, lead.id)]


async def submitted(
    hotline: Hotline, office: Office, chat: int, steps: tuple[str, ...] = COMPLAINT
) -> tuple[Citizen, str]:
    citizen = Citizen(hotline, chat)
    replies = await citizen.script(*steps)
    await office.worker.drain()
    match = TRACKING.search(replies[-1])
    assert match, replies
    return citizen, match.group(0)


def citizen_texts(groups: Groups, chat: int) -> list[str]:
    return [m.text for m in groups.in_chat(chat)]


async def test_an_infringement_complaint_is_checked_by_the_county_filed_and_closed_by_the_city_and_rated(
    desk_hotline, db
):
    groups = Groups()
    office = Office(desk_hotline, groups)
    citizen, tracking = await submitted(desk_hotline, office, 81)
    assert "核查" in (await lead_of(db, tracking)).tracking_number or True
    card = groups.card(PINGYAO_CHAT, tracking)
    assert [b["label"] for b in card.buttons] == ["受理", "转派", "不予受理"]
    assert [b["label"] for b in groups.card(CITY_CHAT, tracking).buttons] == ["受理", "不予受理", "指派"]

    assert "已受理" in await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "受理")
    assert "市局立案" in citizen_texts(groups, 81)[-1]
    labels = [b["label"] for b in groups.card(PINGYAO_CHAT, tracking).buttons]
    assert "立案" not in labels and "移交市局" in labels and "补充材料" in labels  # facts 2.6: the city files

    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "补充材料")
    prompt = groups.last(PINGYAO_CHAT)
    assert prompt.force_reply and f"tg://user?id={PINGYAO_STAFF}" in prompt.text
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, "请提供专利证书照片和购买凭证")
    assert (await lead_of(db, tracking)).status == "awaiting_info"
    assert "请提供专利证书照片和购买凭证" in citizen_texts(groups, 81)[-1]

    await citizen.send("证书在这，发票明天补")
    photo = Inbound(InboundKind.FILE, desk_hotline.clock(), "", Evidence("file-cert", "photo", "证书.jpg"))
    await desk_hotline.intake.handle(Incoming(81, photo, 99_001))
    await office.worker.drain()
    relayed = [m for m in groups.in_chat(PINGYAO_CHAT) if "市民补充材料" in m.text]
    assert len(relayed) == 2 and "证书在这" in relayed[0].text and relayed[1].file_id == "file-cert"
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, "收到，谢谢", to=relayed[0])
    assert citizen_texts(groups, 81)[-1] == "工作人员：收到，谢谢"
    await citizen.send(f"!cz:id:{tracking}")
    await office.worker.drain()
    lead = await lead_of(db, tracking)
    assert lead.status == "accepted" and lead.resume_status is None

    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "移交市局")
    assert (await lead_of(db, tracking)).status == "handed_up"
    assert groups.card(PINGYAO_CHAT, tracking).buttons == [] or all(
        b["label"] in ("查看证据",) for b in groups.card(PINGYAO_CHAT, tracking).buttons
    )
    await office.act(CITY_STAFF, CITY_CHAT, tracking, "立案")
    await office.reply(CITY_STAFF, CITY_CHAT, "0")
    lead = await lead_of(db, tracking)
    assert lead.status == "filed" and lead.case_number and "〔" in lead.case_number
    assert lead.case_number in citizen_texts(groups, 81)[-1]

    await office.act(CITY_STAFF, CITY_CHAT, tracking, "结案")
    outcomes = [b["label"] for b in groups.last(CITY_CHAT).buttons]
    assert "行政处罚" not in outcomes and "责令停止侵权" in outcomes  # facts 1.16, 1.17: no fine
    await office.pick(CITY_STAFF, CITY_CHAT, "责令停止侵权")
    lead = await lead_of(db, tracking)
    assert (lead.status, lead.outcome) == ("closed", "stop_infringement")
    closing = groups.last(81)
    assert "责令停止侵权" in closing.text and [b["data"] for b in closing.buttons][:5] == [
        f"cz:ra:{tracking}:{n}" for n in range(1, 6)
    ]

    replies = await citizen.send(f"!cz:ra:{tracking}:2")
    assert any("复核" in r for r in replies)
    await office.worker.drain()
    assert "评分 2 分" in groups.last(CITY_CHAT).text or any(
        "评分 2 分" in m.text for m in groups.in_chat(CITY_CHAT)
    )
    await citizen.send(f"!cz:rv:{tracking}")
    await office.worker.drain()
    assert (await lead_of(db, tracking)).status == "review"
    assert [b["label"] for b in groups.card(CITY_CHAT, tracking).buttons][:2] == ["重新办理", "维持原结果"]
    await office.act(CITY_STAFF, CITY_CHAT, tracking, "维持原结果")
    await office.reply(CITY_STAFF, CITY_CHAT, "经复核，处理决定事实清楚")
    lead = await lead_of(db, tracking)
    assert lead.status == "closed" and lead.reviewed and lead.rating == 2
    assert "维持原处理结果" in citizen_texts(groups, 81)[-1]
    assert await events_of(db, tracking) == [
        "created",
        "accept",
        "request_info",
        "info_supplied",
        "info_supplied",
        "staff_message",
        "info_done",
        "hand_up",
        "file",
        "close",
        "rate",
        "request_review",
        "uphold",
    ]
    timeline = (await citizen.send(f"/status {tracking}"))[0]
    assert "立案" in timeline and "u728" not in timeline and "u900" not in timeline


async def test_a_counterfeit_report_is_filed_by_the_county_and_sent_to_the_police(desk_hotline, db):
    groups = Groups()
    office = Office(desk_hotline, groups)
    _, tracking = await submitted(desk_hotline, office, 82, COUNTERFEIT)
    card = groups.card(PINGYAO_CHAT, tracking)
    assert "李*" in card.text and "13812345678" not in card.text  # confidential: masked in the group
    shown = await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "查看联系方式")
    assert "13812345678" in shown and "view_contact" in await events_of(db, tracking)
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "受理")
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "立案")
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, "平遥知执立〔2026〕17号")
    assert (await lead_of(db, tracking)).case_number == "平遥知执立〔2026〕17号"
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "移送公安")
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, "涉嫌假冒他人专利，情节严重，移送县公安局")
    lead = await lead_of(db, tracking)
    assert lead.status == "police" and "移送公安机关" in citizen_texts(groups, 82)[-1]


async def test_a_penalty_records_its_fine(desk_hotline, db):
    groups = Groups()
    office = Office(desk_hotline, groups)
    _, tracking = await submitted(desk_hotline, office, 83, COUNTERFEIT)
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "受理")
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "立案")
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, "自动")
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "结案")
    await office.pick(PINGYAO_STAFF, PINGYAO_CHAT, "行政处罚")
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, "五万")
    assert "没看懂这个金额" in groups.last(PINGYAO_CHAT).text
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, "1.5万元")
    assert "被处罚的当事人" in groups.last(PINGYAO_CHAT).text
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, "平遥县好运来超市有限公司")
    lead = await lead_of(db, tracking)
    assert (lead.status, lead.outcome, lead.fine_fen) == ("closed", "penalty", 1_500_000)
    assert lead.penalised_party == "平遥县好运来超市有限公司"
    assert lead.case_number == "平遥县知执立〔2026〕001号"
    assert "罚款 15,000 元" in groups.card(PINGYAO_CHAT, tracking).text


async def test_a_transferred_lead_returned_by_the_county_is_decided_by_the_city_and_that_decision_stands(
    desk_hotline, db
):
    groups = Groups()
    office = Office(desk_hotline, groups)
    _, tracking = await submitted(desk_hotline, office, 84)
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "转派")
    await office.pick(PINGYAO_STAFF, PINGYAO_CHAT, "介休市")
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, "被投诉方实际在介休")
    lead = await lead_of(db, tracking)
    assert (lead.queue_code, lead.transferred_from, lead.status) == ("140781", "140728", "new")
    jiexiu = groups.card(JIEXIU_CHAT, tracking)
    assert [b["label"] for b in jiexiu.buttons] == ["受理", "退回", "不予受理"]  # no 转派 onwards
    assert groups.card(PINGYAO_CHAT, tracking).buttons == []
    await office.act(JIEXIU_STAFF, JIEXIU_CHAT, tracking, "退回")
    await office.reply(JIEXIU_STAFF, JIEXIU_CHAT, "厂址在平遥，不在介休")
    lead = await lead_of(db, tracking)
    assert (lead.status, lead.queue_code) == ("returned", "140700")
    await office.act(CITY_STAFF, CITY_CHAT, tracking, "指派")
    await office.pick(CITY_STAFF, CITY_CHAT, "介休市")
    await office.reply(CITY_STAFF, CITY_CHAT, "营业执照登记地在介休")
    lead = await lead_of(db, tracking)
    assert (lead.status, lead.queue_code, lead.city_assigned) == ("new", "140781", True)
    assert [b["label"] for b in groups.card(JIEXIU_CHAT, tracking).buttons] == ["受理", "不予受理"]
    forged = await office.press(
        JIEXIU_STAFF, JIEXIU_CHAT, groups.card(JIEXIU_CHAT, tracking), "", forge=f"cw:rt:{tracking}:0"
    )
    assert "不由您所在的单位" in forged and (await lead_of(db, tracking)).status == "new"


async def test_a_rejection_tells_the_citizen_the_reason_and_where_else_to_go(desk_hotline, db):
    groups = Groups()
    office = Office(desk_hotline, groups)
    _, tracking = await submitted(desk_hotline, office, 85)
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "不予受理")
    assert "1. 不属于专利纠纷" in groups.last(PINGYAO_CHAT).text
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, "2")
    text = citizen_texts(groups, 85)[-1]
    assert "已向人民法院起诉" in text and "人民法院起诉（专利法第六十五条）" in text
    assert (await lead_of(db, tracking)).status == "rejected"


async def test_forged_stale_and_foreign_presses_change_nothing(desk_hotline, db):
    groups = Groups()
    office = Office(desk_hotline, groups)
    _, tracking = await submitted(desk_hotline, office, 86)
    _, other = await submitted(desk_hotline, office, 87)
    card = groups.card(PINGYAO_CHAT, tracking)
    assert "不是" in await office.press(4242, PINGYAO_CHAT, card, "受理")  # a bystander in the group
    assert "不是" in await office.press(JIEXIU_STAFF, PINGYAO_CHAT, card, "受理")  # another county's officer
    assert "无效" in await office.press(PINGYAO_STAFF, PINGYAO_CHAT, card, "", forge=f"cw:ac:{other}:0")
    assert "无效" in await office.press(PINGYAO_STAFF, JIEXIU_CHAT, card, "受理")  # data from another chat
    assert "无效" in await office.press(PINGYAO_STAFF, PINGYAO_CHAT, card, "", forge="cw:zz:x:9")
    await office.press(PINGYAO_STAFF, PINGYAO_CHAT, card, "受理")
    stale = await office.press(PINGYAO_STAFF, PINGYAO_CHAT, card, "", forge=f"cw:rj:{tracking}:0")
    assert "过期" in stale
    assert "已经受理" in await office.press(PINGYAO_STAFF, PINGYAO_CHAT, card, "", forge=f"accept:{tracking}")
    assert [(await lead_of(db, t)).status for t in (tracking, other)] == ["accepted", "new"]

    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "补充材料")
    prompt = groups.last(PINGYAO_CHAT)
    await office.reply(CITY_STAFF, PINGYAO_CHAT, "不是我被问的", to=prompt)
    assert (await lead_of(db, tracking)).status == "accepted"
    async with db.transaction() as s:
        from bot.leads.models import StaffPromptRow

        row = (await s.execute(select(StaffPromptRow))).scalars().one()
        row.expires_at = row.created_at.replace(year=2000)
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, "过期后的回复", to=prompt)
    assert "过期" in groups.last(PINGYAO_CHAT).text and (await lead_of(db, tracking)).status == "accepted"


async def test_human_relay_works_both_ways_and_keeps_an_anonymous_reporter_anonymous(desk_hotline, db):
    groups = Groups()
    office = Office(desk_hotline, groups)
    citizen = Citizen(desk_hotline, 88)
    opened = await citizen.send("/human")
    await office.worker.drain()
    assert "工作人员" in opened[0]
    assert "市民请求人工服务" in groups.last(CITY_CHAT).text
    await citizen.send("我想问问我家的专利怎么维权")
    await office.worker.drain()
    relayed = groups.last(CITY_CHAT)
    assert "我想问问" in relayed.text and "88" not in relayed.text
    await office.reply(CITY_STAFF, CITY_CHAT, "您好，请说说具体情况", to=relayed)
    assert citizen_texts(groups, 88)[-1] == "工作人员：您好，请说说具体情况"
    await office.press(CITY_STAFF, CITY_CHAT, relayed, "结束对话")
    await citizen.send("还在吗")
    await office.worker.drain()
    assert groups.last(CITY_CHAT).text != relayed.text and "还在吗" not in groups.last(CITY_CHAT).text


async def test_a_county_officer_works_from_leads_most_urgent_first_paged_and_filtered(desk_hotline, db):
    groups = Groups()
    office = Office(desk_hotline, groups)
    trackings = [(await submitted(desk_hotline, office, 300 + n))[1] for n in range(10)]
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, trackings[0], "受理")
    lists = desk_hotline.lists
    pingyao = lists.viewer(PINGYAO_CHAT, PINGYAO_STAFF)
    assert not isinstance(pingyao, str)
    assert lists.viewer(PINGYAO_CHAT, 4242) == "desk.not_staff"
    assert lists.viewer(-5555, PINGYAO_STAFF) == "lists.not_configured"

    first = await lists.leads(pingyao)
    shown = [t for t in trackings if t in first.text]
    assert len(shown) == desk_hotline.config.casework.page_size
    assert any(b.data == "ls:open:1" for row in first.buttons for b in row)
    second, replaces = await lists.press(pingyao, "ls:open:1")
    assert replaces and len([t for t in trackings if t in second.text]) == 10 - len(shown)
    assert not set(t for t in trackings if t in second.text) & set(shown)

    waiting = await lists.command(pingyao, "leads", "待受理")
    assert trackings[0] not in waiting.text and trackings[1] in waiting.text
    mine = await lists.command(pingyao, "leads", "我经办的")
    assert [t for t in trackings if t in mine.text] == [trackings[0]]

    jiexiu = lists.viewer(JIEXIU_CHAT, JIEXIU_STAFF)
    assert not isinstance(jiexiu, str)
    theirs = (await lists.leads(jiexiu)).text
    assert not any(t in theirs for t in trackings)
    assert "没有找到" in (await lists.command(jiexiu, "lead", trackings[0])).text


async def test_find_and_lead_search_by_phone_patent_respondent_or_number_within_what_the_group_may_see(
    desk_hotline, db
):
    groups = Groups()
    office = Office(desk_hotline, groups)
    _, tracking = await submitted(desk_hotline, office, 400)
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "受理")
    lists = desk_hotline.lists
    city, jiexiu = lists.viewer(CITY_CHAT, CITY_STAFF), lists.viewer(JIEXIU_CHAT, JIEXIU_STAFF)
    assert not isinstance(city, str) and not isinstance(jiexiu, str)
    for words in ("13912345678", "ZL201710601862.3", "宏达机械", tracking.lower()):
        assert tracking in (await lists.find(city, words)).text, words
        assert tracking not in (await lists.find(jiexiu, words)).text, words
    assert "用法" in (await lists.find(city, "  ")).text

    history = await lists.command(city, "lead", tracking)
    assert "办理经过" in history.text and "u728 受理" in history.text
    await office.worker.drain()
    assert sum(tracking in m.text and "<b>状态：" in m.text for m in groups.in_chat(CITY_CHAT)) == 2


async def test_human_asked_in_the_middle_of_a_form_keeps_the_form_and_relays_after_it(desk_hotline, db):
    groups = Groups()
    office = Office(desk_hotline, groups)
    citizen = Citizen(desk_hotline, 89)
    await citizen.send("有人侵犯我的专利")
    opened = await citizen.send("/human")
    assert any("表格" in r for r in opened)
    answered = await citizen.send("平遥县宏达机械有限公司")
    await office.worker.drain()
    assert not any("平遥县宏达机械有限公司" in m.text for m in groups.in_chat(CITY_CHAT))
    assert answered and "脱粒机" not in answered[-1]  # the form goes on: the next question is asked
    await citizen.script(*COMPLAINT[2:])
    await citizen.send("提交以后还想问一句")
    await office.worker.drain()
    assert "提交以后还想问一句" in groups.last(CITY_CHAT).text


async def test_a_reply_that_outruns_the_outbox_still_answers_its_prompt(desk_hotline, db):
    """The staff member replies while the worker is still between Telegram's answer and storing the
    prompt's message id: the desk waits for the send in flight instead of dropping the reply."""
    import asyncio

    replies: list[asyncio.Task[bool]] = []

    class Hasty(Groups):
        async def send(self, chat_id, text, html, buttons, force_reply=False):  # type: ignore[no-untyped-def]
            message_id = await super().send(chat_id, text, html, buttons, force_reply)
            if force_reply:
                staff = StaffReply(chat_id, message_id, PINGYAO_STAFF, "u728", "请补充购买凭证", 77_001)
                replies.append(asyncio.create_task(desk_hotline.desk.reply(staff)))
                await asyncio.sleep(0.3)
            return message_id

    groups = Hasty()
    office = Office(desk_hotline, groups)
    _, tracking = await submitted(desk_hotline, office, 90)
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "受理")
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "补充材料")
    assert await asyncio.wait_for(replies[0], 5)
    await office.worker.drain()
    assert (await lead_of(db, tracking)).status == "awaiting_info"
    assert "请补充购买凭证" in citizen_texts(groups, 90)[-1]


async def test_a_press_that_outruns_the_outbox_still_reaches_its_card(desk_hotline, db):
    import asyncio

    presses: list[asyncio.Task[Any]] = []

    class Hasty(Groups):
        async def send(self, chat_id, text, html, buttons, force_reply=False):  # type: ignore[no-untyped-def]
            message_id = await super().send(chat_id, text, html, buttons, force_reply)
            if chat_id == PINGYAO_CHAT and not presses and buttons:
                press = StaffPress(chat_id, message_id, PINGYAO_STAFF, "u728", buttons[0]["data"], 77_101)
                presses.append(asyncio.create_task(desk_hotline.desk.press(press)))
                await asyncio.sleep(0.3)
            return message_id

    office = Office(desk_hotline, Hasty())
    _, tracking = await submitted(desk_hotline, office, 91)
    answer = await asyncio.wait_for(presses[0], 5)
    assert "已受理" in answer.text and (await lead_of(db, tracking)).status == "accepted"


async def lead_in_pingyao(hotline, chat: int, *labels: str, steps: tuple[str, ...] = COMPLAINT):
    """A lead submitted from `chat` and taken through the card buttons `labels` by 平遥's officer:
    (groups, office, citizen, tracking)."""
    groups = Groups()
    office = Office(hotline, groups)
    citizen, tracking = await submitted(hotline, office, chat, steps)
    for label in labels:
        await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, label)
    return groups, office, citizen, tracking


async def test_a_confidential_reporters_name_and_phone_in_their_own_words_are_masked_on_the_card(
    desk_hotline, db
):
    groups = Groups()
    office = Office(desk_hotline, groups)
    opening = (
        "举报假冒专利：平遥县城一家超市卖的保温杯标着专利号，其实根本没有专利。我叫李四，电话13812345678"
    )
    _, tracking = await submitted(desk_hotline, office, 83, (opening, *COUNTERFEIT[1:4], "!submit"))
    lead = await lead_of(db, tracking)
    assert lead.confidential and lead.contact_phone == "13812345678"
    for chat in (PINGYAO_CHAT, CITY_CHAT):
        text = groups.card(chat, tracking).text
        assert "13812345678" not in text and "李四" not in text and "我叫李*" in text


async def test_a_case_number_already_given_to_another_lead_is_asked_again(desk_hotline, db):
    groups = Groups()
    office = Office(desk_hotline, groups)
    trackings = []
    for chat in (84, 85):
        _, tracking = await submitted(desk_hotline, office, chat, COUNTERFEIT)
        await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "受理")
        await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "立案")
        await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, "平知执立〔2026〕7号")
        trackings.append(tracking)
    first, second = [await lead_of(db, t) for t in trackings]
    assert first.case_number == "平知执立〔2026〕7号" and second.status == "accepted"
    assert "已用于另一条线索" in groups.last(PINGYAO_CHAT).text
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, "平知执立〔2026〕8号")
    assert (await lead_of(db, trackings[1])).case_number == "平知执立〔2026〕8号"


@pytest.mark.parametrize(("typed", "fen"), [(("3000万", "3000"), 300_000), (("30万", "30万"), 30_000_000)])
async def test_a_fine_above_the_cap_without_gains_is_typed_twice_before_it_counts(
    desk_hotline, db, typed, fen
):
    groups, office, _, tracking = await lead_in_pingyao(desk_hotline, 86, "受理", "立案", steps=COUNTERFEIT)
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, "自动")
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "结案")
    await office.pick(PINGYAO_STAFF, PINGYAO_CHAT, "行政处罚")
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, typed[0])
    assert "超过 25 万元" in groups.last(PINGYAO_CHAT).text
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, typed[1])
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, "平遥县好运来超市有限公司")
    assert (await lead_of(db, tracking)).fine_fen == fen


@pytest.mark.parametrize("typed", ["补充完毕", "发完了！"])
async def test_typing_that_the_material_is_all_sent_ends_the_wait_like_the_button(desk_hotline, db, typed):
    groups, office, citizen, tracking = await lead_in_pingyao(desk_hotline, 87, "受理", "补充材料")
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, "请提供购买凭证")
    await citizen.send("凭证在这")
    await citizen.send(typed)
    await office.worker.drain()
    assert (await lead_of(db, tracking)).status == "accepted"
    relayed = [m.text for m in groups.in_chat(PINGYAO_CHAT) if "市民补充材料" in m.text]
    assert len(relayed) == 1 and typed not in relayed[0]


@pytest.mark.parametrize("typed", ["我对处理结果不满意，要求复核", "申请复核 {tracking}"])
async def test_a_review_asked_for_in_words_is_taken_like_the_button(desk_hotline, db, typed):
    _, office, citizen, tracking = await lead_in_pingyao(desk_hotline, 88, "不予受理")
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, "不属于专利侵权纠纷")
    assert (await lead_of(db, tracking)).status == "rejected"
    await citizen.send(typed.format(tracking=tracking))
    await office.worker.drain()
    lead = await lead_of(db, tracking)
    assert lead.status == "review" and lead.reviewed
