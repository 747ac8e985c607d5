"""The real `hotline run` process against a Bot API in trouble: about half of all sends refused
(500 or 429) while a dozen citizens complain at once. Every reply and every notification must
arrive, once, in order; every citizen must get a tracking number; nobody is told their message
was not processed."""

from __future__ import annotations

import asyncio
from collections import Counter

from tests.e2e.conftest import (
    CITY_CHAT,
    PINGYAO_CHAT,
    BotProcess,
    Chat,
    HotlineBotApi,
    complain,
    notifications,
)

CITIZENS = 12


async def test_with_half_of_all_sends_failing_every_reply_and_notice_arrives_exactly_once(
    server: HotlineBotApi, bot: BotProcess
) -> None:
    chats = [server.add_private_chat(7000 + n, f"市民{n}") for n in range(CITIZENS)]
    # a reply refused four times running waits 1 + 2 + 4 + 8 s before its fifth try (outbox.backoff):
    # the test asks that it arrives, once, not that it arrives within the usual ten seconds
    citizens = [Chat(server, c.user_id, c.chat_id, patience=40.0) for c in chats]
    server.flaky(0.5)

    trackings = await asyncio.wait_for(asyncio.gather(*(complain(c) for c in citizens)), timeout=150)

    await bot.settle(timeout=60)
    assert len(set(trackings)) == CITIZENS
    refused = sum(code != 200 for attempts in server.attempts.values() for _, code in attempts)
    assert refused >= 50, f"the fault injection hardly bit: {refused} refusals"
    for citizen, tracking in zip(citizens, trackings, strict=True):
        texts = [m.text or "" for m in citizen.messages()]
        repeated = [t for t, n in Counter(texts).items() if n > 1]
        assert not repeated, f"sent twice to {citizen.chat_id}: {repeated}"
        assert sum(tracking in t for t in texts) == 1
        assert not any("没有处理" in t or "未处理" in t or "not processed" in t for t in texts)
    for tracking in trackings:
        for chat_id in (PINGYAO_CHAT, CITY_CHAT):
            cards = [
                m for m in notifications(server, chat_id, tracking) if tracking in m.text.splitlines()[0]
            ]
            assert len(cards) == 1, (chat_id, tracking)  # later cards name it too, as a linked lead
    unsent = [(r.id, r.status) for r in bot.outbox() if r.status not in ("sent", "merged")]
    assert not unsent, unsent
    delivered = sum(len(server.messages(c.chat_id)) for c in citizens)
    print(
        f"faults: {refused} sends refused; {delivered} citizen messages and "
        f"{2 * CITIZENS} new-lead cards delivered once each; {CITIZENS} tracking numbers received"
    )
