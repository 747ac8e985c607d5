"""The real `hotline run` process when things go wrong: it is killed mid-conversation, Telegram
delivers an update twice, Telegram answers 429 Too Many Requests."""

from __future__ import annotations

import itertools
import time

from tests.e2e.conftest import (
    ANSWERS,
    CITIZEN,
    CITY_CHAT,
    COMPLAINT,
    PINGYAO_CHAT,
    QUESTIONS,
    BotProcess,
    Chat,
    HotlineBotApi,
    complain,
    fill_form,
    is_question_or_summary,
    notifications,
    processed_so_far,
    submit,
    update_id_of_query,
)


def _one_notification_per_staff_chat(server: HotlineBotApi, tracking: str) -> None:
    for chat_id in (PINGYAO_CHAT, CITY_CHAT):
        found = notifications(server, chat_id, tracking)
        assert len(found) == 1, f"{len(found)} notifications of {tracking} in chat {chat_id}"


async def test_a_conversation_survives_a_crash_and_its_lead_is_announced_once(
    server: HotlineBotApi, bot: BotProcess, citizen: Chat
) -> None:
    await citizen.say(COMPLAINT)
    _, asked = await fill_form(citizen, ANSWERS, stop_at="phone")
    assert asked[-1] == "name"

    await bot.kill()  # SIGKILL while the phone number is asked
    await bot.start()  # same database
    await citizen.say("13912345678")

    summary, asked = await fill_form(citizen, ANSWERS)
    assert asked[0] == "found_at"  # carried on where it was, not from the start
    assert "张三" in (summary.text or "") and "13912345678" in (summary.text or "")
    tracking = await submit(citizen, summary)
    await server.wait_for_message(PINGYAO_CHAT, tracking)
    await server.wait_for_message(CITY_CHAT, tracking)
    await bot.settle()

    await bot.kill()  # and once more after the notifications went out: nothing is sent again
    await bot.start()
    await processed_so_far(server)
    await bot.settle()
    [lead] = bot.leads()
    assert (lead.tracking_number, lead.contact_phone, lead.status) == (tracking, "13912345678", "new")
    _one_notification_per_staff_chat(server, tracking)
    assert len([m for m in citizen.messages() if tracking in (m.text or "")]) == 1


async def test_a_redelivered_text_message_is_processed_once(
    server: HotlineBotApi, bot: BotProcess, citizen: Chat
) -> None:
    await citizen.say(COMPLAINT)
    await fill_form(citizen, ANSWERS, stop_at="name")
    name_update = await citizen.say("张三")
    question = await citizen.next(is_question_or_summary)
    assert QUESTIONS[question.text or ""] == "phone"
    count = len(citizen.messages())

    await server.redeliver(name_update)
    await processed_so_far(server)
    assert server.pending_updates == 0  # it was fetched again …
    assert len(citizen.messages()) == count  # … and not answered again (张三 is not a phone number)

    await citizen.say("13912345678")
    summary, asked = await fill_form(citizen, ANSWERS)
    assert asked[0] == "found_at"
    tracking = await submit(citizen, summary)
    await bot.settle()
    assert len(bot.leads()) == 1
    _one_notification_per_staff_chat(server, tracking)


async def test_a_redelivered_button_press_is_processed_once(
    server: HotlineBotApi, bot: BotProcess, citizen: Chat
) -> None:
    await citizen.say(COMPLAINT)
    summary, _ = await fill_form(citizen, ANSWERS)
    query = await citizen.press("submit", summary)
    reply = await citizen.next("已提交")
    await bot.settle()
    count = len(citizen.messages())

    await server.redeliver(update_id_of_query(server, query))
    await processed_so_far(server)
    await bot.settle()
    assert server.pending_updates == 0
    [lead] = bot.leads()
    assert lead.tracking_number in (reply.text or "")
    _one_notification_per_staff_chat(server, lead.tracking_number)
    assert [m.text for m in citizen.messages()[count:]] == []  # no second reply of any kind
    assert bot.log_errors() == []


async def test_a_429_before_the_submit_delays_but_does_not_duplicate_or_lose_messages(
    server: HotlineBotApi, bot: BotProcess, citizen: Chat
) -> None:
    await citizen.say(COMPLAINT)
    summary, _ = await fill_form(citizen, ANSWERS)
    requests_before = len(server.requests)
    server.fail_next("sendMessage", 429, retry_after=1)
    pressed = time.monotonic()
    tracking = await submit(citizen, summary)
    county = await server.wait_for_message(PINGYAO_CHAT, tracking)
    city = await server.wait_for_message(CITY_CHAT, tracking)
    await bot.settle()

    _one_notification_per_staff_chat(server, tracking)
    replies = [m for m in citizen.messages() if tracking in (m.text or "")]
    assert len(replies) == 1
    # Three messages, four requests: the refused one was sent again, once, after retry_after.
    sends = [params for name, params in server.requests[requests_before:] if name == "sendMessage"]
    assert len(sends) == 4
    refused_chat = int(sends[0]["chat_id"])
    arrived = {
        CITIZEN: server.arrived[(CITIZEN, replies[0].message_id)],
        PINGYAO_CHAT: server.arrived[(PINGYAO_CHAT, county.message_id)],
        CITY_CHAT: server.arrived[(CITY_CHAT, city.message_id)],
    }
    assert arrived[refused_chat] - pressed >= 1.0, {k: v - pressed for k, v in arrived.items()}
    assert bot.log_errors() == []


async def test_a_staff_group_that_keeps_answering_429_gets_its_notification_once_when_it_may(
    server: HotlineBotApi, bot: BotProcess, citizen: Chat
) -> None:
    # Twice in a row: more than PTB's rate limiter retries, so the outbox has to wait and retry.
    server.fail_next_in_chat(PINGYAO_CHAT, times=2, retry_after=1)
    tracking = await complain(citizen)
    county = await server.wait_for_message(PINGYAO_CHAT, tracking, timeout=15)
    await bot.settle()

    _one_notification_per_staff_chat(server, tracking)
    attempts = server.attempts[PINGYAO_CHAT]
    assert [code for _, code in attempts] == [429, 429, 200]
    waits = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(attempts)]
    assert min(waits) >= 1.0, f"retried before retry_after: {waits}"
    assert server.arrived[(PINGYAO_CHAT, county.message_id)] == attempts[-1][0]
    [row] = [r for r in bot.outbox() if r.chat_id == PINGYAO_CHAT]
    assert (row.status, row.message_id) == ("sent", county.message_id)
    # The city group's notification went out normally.
    assert [code for _, code in server.attempts[CITY_CHAT]] == [200]
