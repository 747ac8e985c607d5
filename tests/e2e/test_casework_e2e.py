"""A lead's whole life over HTTP: the real `hotline run` against our loopback Bot API server,
staff working it in their groups with buttons and ForceReply prompts, the citizen in private."""

from __future__ import annotations

import hashlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    CITY_CHAT,
    CITY_STAFF,
    PINGYAO_BYSTANDER,
    PINGYAO_CHAT,
    PINGYAO_STAFF,
    PRESS,
    BotProcess,
    Chat,
    HotlineBotApi,
    callback_answer,
    complain,
    running_bot,
)
from tests.support.fake_bot_api import SentMessage

PHOTO = b"\xff\xd8fake-jpeg of the patent certificate"


def card(server: HotlineBotApi, chat_id: int, tracking: str) -> SentMessage:
    return next(
        m
        for m in reversed(server.messages(chat_id))
        if tracking in (m.text or "").split("\n")[0] and "状态：" in (m.text or "")
    )


async def act(server: HotlineBotApi, bot: BotProcess, staff: Chat, tracking: str, label: str) -> str:
    """Presses a button of the lead's card as the group shows it once the outbox has caught up (a
    press on a card not yet edited is refused as stale, rightly)."""
    await bot.settle()
    message = card(server, staff.chat_id, tracking)
    data = next(b["callback_data"] for b in message.buttons if b["text"] == label)
    query = await staff.press(data, message)
    return (await callback_answer(server, query))["text"] or ""


async def answer_prompt(server: HotlineBotApi, bot: BotProcess, staff: Chat, words: str) -> None:
    """Replies to the prompt once the outbox has recorded its message id: a reply that arrives
    before that (within milliseconds of the send) is not recognised, a window no person hits."""
    prompt = await server.wait_for_message(staff.chat_id, lambda m: "请回复本消息" in (m.text or ""))
    await bot.settle()
    assert prompt.reply_markup == {"force_reply": True, "selective": True}
    await server.user_replies(staff.user_id, staff.chat_id, prompt.message_id, words)


async def status_is(bot: BotProcess, tracking: str, status: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(lead.tracking_number == tracking and lead.status == status for lead in bot.leads()):
            return
        await _sleep()
    raise AssertionError(
        f"{tracking} never became {status}: {[(x.tracking_number, x.status) for x in bot.leads()]}"
    )


async def _sleep() -> None:
    import asyncio

    await asyncio.sleep(0.05)


async def test_an_infringement_lead_lives_to_its_end_in_the_groups_and_the_citizen_is_told_each_step(
    server: HotlineBotApi, bot: BotProcess, citizen: Chat, tmp_path: Path
) -> None:
    started = time.monotonic()
    tracking = await complain(citizen)
    pingyao = Chat(server, PINGYAO_STAFF, PINGYAO_CHAT)
    city = Chat(server, CITY_STAFF, CITY_CHAT)
    bystander = Chat(server, PINGYAO_BYSTANDER, PINGYAO_CHAT)
    await server.wait_for_message(PINGYAO_CHAT, tracking)

    assert "不是" in await act(server, bot, bystander, tracking, "受理")
    assert "已受理" in await act(server, bot, pingyao, tracking, "受理")
    await citizen.next(lambda m: "符合条件的交晋中市局立案处理" in (m.text or ""))

    await act(server, bot, pingyao, tracking, "补充材料")
    await answer_prompt(server, bot, pingyao, "请补充专利证书的照片")
    await citizen.next(lambda m: "请补充专利证书的照片" in (m.text or ""))
    await citizen.say("证书照片如下")
    await server.user_sends_photo(citizen.user_id, citizen.chat_id, content=PHOTO)
    await server.wait_for_message(PINGYAO_CHAT, lambda m: m.kind == "photo")
    await citizen.press(f"cz:id:{tracking}", citizen.with_button(f"cz:id:{tracking}"))
    await status_is(bot, tracking, "accepted")

    await act(server, bot, pingyao, tracking, "移交市局")
    await status_is(bot, tracking, "handed_up")
    await act(server, bot, city, tracking, "立案")
    await answer_prompt(server, bot, city, "0")
    filed = await citizen.next(lambda m: "已立案" in (m.text or ""))
    assert "〔" in (filed.text or "")

    await act(server, bot, city, tracking, "结案")
    outcome = await server.wait_for_message(CITY_CHAT, lambda m: "请选择结案结果" in (m.text or ""))
    query = await city.press(
        next(b["callback_data"] for b in outcome.buttons if b["text"] == "调解达成协议"), outcome
    )
    await callback_answer(server, query)
    closing = await citizen.next(lambda m: "已结案" in (m.text or ""))
    await citizen.press(f"cz:ra:{tracking}:2", closing)
    await server.wait_for_message(CITY_CHAT, lambda m: "评分 2 分" in (m.text or ""))
    offer = await citizen.next(lambda m: f"cz:rv:{tracking}" in m.callback_data)
    await citizen.press(f"cz:rv:{tracking}", offer)
    await status_is(bot, tracking, "review")
    elapsed = time.monotonic() - started

    await bot.settle()
    [lead] = bot.leads()
    assert (lead.outcome, lead.rating, lead.reviewed, lead.queue_code) == ("mediated", 2, True, "140728")
    stored = hashlib.sha256(PHOTO).hexdigest()
    evidence_dir = bot.config_path.parent / "var" / "evidence"
    files = list(evidence_dir.glob(f"{stored}*"))
    assert files and files[0].read_bytes() == PHOTO and (files[0].stat().st_mode & 0o077) == 0
    assert bot.log_errors() == []
    print(f"\ninfringement lead from complaint to review over HTTP: {elapsed:.1f}s")


JIEXIU_CHAT, JIEXIU_STAFF = -100140781, 7801
COUNTERFEIT_OPENING = "举报假冒专利：平遥县城一家超市卖的保温杯标着专利号，其实根本没有专利"
COUNTERFEIT_ANSWERS = {
    "product": "保温杯",
    "respondent": "平遥县好运来超市",
    "county": PRESS + "set:county:140728",
    "claim": "杯身上印着专利产品字样和一个专利号",
    "evidence": PRESS + "skip:evidence",
    "contact": PRESS + "set:contact:confidential",
    "name": "李四",
    "phone": "13812345678",
}


@pytest.fixture
async def bot3(server: HotlineBotApi, tmp_path: Path, jieba_cache: Path) -> AsyncIterator[BotProcess]:
    """The bot with a third group configured: 介休市's, for transfers."""
    server.add_group(JIEXIU_CHAT, "介休市 12330 工作群")
    server.add_member(JIEXIU_CHAT, JIEXIU_STAFF, "赵科长")
    async with running_bot(
        server, tmp_path, jieba_cache, (("140781", JIEXIU_CHAT, JIEXIU_STAFF),)
    ) as process:
        yield process


async def pick(server: HotlineBotApi, bot: BotProcess, staff: Chat, label: str) -> None:
    prompt = await server.wait_for_message(staff.chat_id, lambda m: "请选择" in (m.text or ""))
    await bot.settle()
    await callback_answer(
        server,
        await staff.press(next(b["callback_data"] for b in prompt.buttons if b["text"] == label), prompt),
    )


async def test_a_counterfeit_report_goes_to_the_police_and_its_reporter_stays_confidential(
    server: HotlineBotApi, bot: BotProcess, citizen: Chat
) -> None:
    tracking = await complain(citizen, COUNTERFEIT_ANSWERS, COUNTERFEIT_OPENING)
    pingyao = Chat(server, PINGYAO_STAFF, PINGYAO_CHAT)
    await bot.settle()
    for chat_id in (PINGYAO_CHAT, CITY_CHAT):
        shown = card(server, chat_id, tracking).text or ""
        assert "李*" in shown and "13812345678" not in shown and "李四" not in shown
    message = card(server, PINGYAO_CHAT, tracking)
    data = next(b["callback_data"] for b in message.buttons if b["text"] == "查看联系方式")
    answer = await callback_answer(server, await pingyao.press(data, message))
    assert answer["show_alert"] and "李四 13812345678" in (answer["text"] or "")

    await act(server, bot, pingyao, tracking, "受理")
    await act(server, bot, pingyao, tracking, "立案")
    await answer_prompt(server, bot, pingyao, "平遥知执立〔2026〕17号")
    await citizen.next(lambda m: "平遥知执立〔2026〕17号" in (m.text or ""))
    await act(server, bot, pingyao, tracking, "移送公安")
    await answer_prompt(server, bot, pingyao, "涉嫌假冒他人专利，情节严重")
    await citizen.next(lambda m: "已移送公安机关" in (m.text or ""))
    await status_is(bot, tracking, "police")
    assert bot.log_errors() == [] and "13812345678" not in bot.log()


async def test_pingyao_transfers_to_jiexiu_which_returns_it_and_the_city_decides_for_good(
    server: HotlineBotApi, bot3: BotProcess, citizen: Chat
) -> None:
    bot = bot3
    tracking = await complain(citizen)
    pingyao, jiexiu = Chat(server, PINGYAO_STAFF, PINGYAO_CHAT), Chat(server, JIEXIU_STAFF, JIEXIU_CHAT)
    city = Chat(server, CITY_STAFF, CITY_CHAT)
    await act(server, bot, pingyao, tracking, "转派")
    await pick(server, bot, pingyao, "介休市")
    await answer_prompt(server, bot, pingyao, "被投诉方实际在介休")
    await citizen.next(lambda m: "已转交介休市办理" in (m.text or ""))
    await bot.settle()
    assert [b["text"] for b in card(server, JIEXIU_CHAT, tracking).buttons] == ["受理", "退回", "不予受理"]
    assert card(server, PINGYAO_CHAT, tracking).buttons == []

    await act(server, bot, jiexiu, tracking, "退回")
    await answer_prompt(server, bot, jiexiu, "厂址在平遥")
    await status_is(bot, tracking, "returned")
    await act(server, bot, city, tracking, "指派")
    await pick(server, bot, city, "介休市")
    await answer_prompt(server, bot, city, "营业执照登记在介休")
    await status_is(bot, tracking, "new")
    await bot.settle()
    final = card(server, JIEXIU_CHAT, tracking)
    assert [b["text"] for b in final.buttons] == ["受理", "不予受理"]
    forged = await callback_answer(server, await jiexiu.press(f"cw:rt:{tracking}:0", final, forge=True))
    assert "不由您所在的单位" in (forged["text"] or "")
    [lead] = bot.leads()
    assert (lead.queue_code, lead.city_assigned, lead.transferred_from) == ("140781", True, "140728")


async def test_a_rejection_reaches_the_citizen_with_its_reason_and_the_court_route(
    server: HotlineBotApi, bot: BotProcess, citizen: Chat
) -> None:
    tracking = await complain(citizen)
    pingyao = Chat(server, PINGYAO_STAFF, PINGYAO_CHAT)
    await act(server, bot, pingyao, tracking, "不予受理")
    await answer_prompt(server, bot, pingyao, "2")
    told = await citizen.next(lambda m: "不予受理" in (m.text or ""))
    assert "已向人民法院起诉" in (told.text or "") and "专利法第六十五条" in (told.text or "")
    assert [b["callback_data"] for b in told.buttons][:1] == [f"cz:ra:{tracking}:1"]


async def test_the_human_relay_carries_words_both_ways_and_either_side_can_end_it(
    server: HotlineBotApi, bot: BotProcess, citizen: Chat
) -> None:
    await citizen.say("/human")
    await citizen.next(lambda m: "已为您转接" in (m.text or ""))
    await server.wait_for_message(CITY_CHAT, lambda m: "市民请求人工服务" in (m.text or ""))
    await citizen.say("我想问问我家的专利怎么维权")
    relayed = await server.wait_for_message(CITY_CHAT, lambda m: "我想问问" in (m.text or ""))
    assert "张三" not in (relayed.text or "") and str(citizen.user_id) not in (relayed.text or "")
    await bot.settle()
    await server.user_replies(CITY_STAFF, CITY_CHAT, relayed.message_id, "您好，请说说具体情况")
    await citizen.next("工作人员：您好，请说说具体情况")
    end = next(b["callback_data"] for b in relayed.buttons)
    await callback_answer(server, await Chat(server, CITY_STAFF, CITY_CHAT).press(end, relayed))
    await citizen.next("人工服务已结束")
    await citizen.say("你好")
    await citizen.next(lambda m: "12330" in (m.text or "") or bool(m.callback_data))
    await bot.settle()
    assert not any("你好" in (m.text or "") for m in server.messages(CITY_CHAT))


async def test_report_in_the_city_group_sends_the_summary_three_charts_and_the_workbook(
    server: HotlineBotApi, bot: BotProcess, citizen: Chat
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    await complain(citizen)
    month = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    city = Chat(server, CITY_STAFF, CITY_CHAT)
    before = len(city.messages())
    await city.say(f"/report {month}")
    document = await server.wait_for_message(CITY_CHAT, lambda m: m.kind == "document", timeout=60)
    sent = city.messages()[before:]
    summary = next(m for m in sent if m.kind == "text" and "线索统计" in (m.text or ""))
    assert "收到线索 1 条" in (summary.text or "") and "平遥县" not in (summary.text or "").split("\n")[0]
    assert [m.kind for m in sent if m.kind != "text"] == ["photo", "photo", "photo", "document"]
    assert document.media["file_name"].endswith(".xlsx")

    pingyao = Chat(server, PINGYAO_STAFF, PINGYAO_CHAT)
    await pingyao.say(f"/report {month}")
    own = await server.wait_for_message(PINGYAO_CHAT, lambda m: "线索统计" in (m.text or ""), timeout=60)
    assert "（平遥县）" in (own.text or "")  # a county group sees its own numbers
