"""A lead's whole life over HTTP: the real `hotline run` against our loopback Bot API server,
staff working it in their groups with buttons and ForceReply prompts, the citizen in private."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from tests.e2e.conftest import (
    CITY_CHAT,
    CITY_STAFF,
    PINGYAO_BYSTANDER,
    PINGYAO_CHAT,
    PINGYAO_STAFF,
    BotProcess,
    Chat,
    HotlineBotApi,
    callback_answer,
    complain,
)
from tests.support.fake_bot_api import SentMessage

PHOTO = b"\xff\xd8fake-jpeg of the patent certificate"


def card(server: HotlineBotApi, chat_id: int, tracking: str) -> SentMessage:
    return next(
        m
        for m in reversed(server.messages(chat_id))
        if tracking in (m.text or "") and "状态：" in (m.text or "")
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
