"""A citizen's replies are queued with what they answer: sent at once, and a reply whose send
fails is retried until it arrives, once. The tracking number always reaches the citizen."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.dialogue.model import Inbound
from bot.intake import Incoming
from bot.leads.models import OutboxRow, utcnow
from bot.notify.worker import OutboxWorker
from tests.integration.conftest import COMPLAINT
from tests.integration.test_outbox import SETTINGS, RecordingSender

TRACKING = re.compile(r"JZ-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


async def say(hotline, worker, chat_id, update_id, text):
    rows = await hotline.intake.handle_durably(
        Incoming(chat_id, Inbound.say(text, hotline.clock()), update_id)
    )
    await worker.deliver_now(rows)
    return rows


async def test_replies_are_sent_at_once_and_a_failed_one_is_retried_until_it_arrives(hotline, db):
    sender = RecordingSender(fail_with=[ConnectionError("network down")])
    worker = OutboxWorker(hotline.db, sender, SETTINGS)
    rows = await say(hotline, worker, 51, 5101, "你好")
    assert rows and sender.sent == []  # the one send failed: the reply waits in the outbox
    async with db.transaction() as s:
        row = await s.get(OutboxRow, rows[0])
        assert (row.status, row.purpose) == ("pending", "citizen_reply")
        row.not_before = utcnow() - timedelta(seconds=1)
    await worker.drain()
    assert len(sender.sent) == 1 and sender.sent[0][0] == 51
    await worker.drain()
    assert len(sender.sent) == 1  # once


async def test_the_tracking_number_arrives_even_when_the_submit_reply_first_fails(hotline, db):
    sender = RecordingSender()
    worker = OutboxWorker(hotline.db, sender, SETTINGS)
    for n, step in enumerate(COMPLAINT[:-1]):
        inbound = (
            Inbound.press(step[1:], hotline.clock())
            if step.startswith("!")
            else Inbound.say(step, hotline.clock())
        )
        await worker.deliver_now(await hotline.intake.handle_durably(Incoming(52, inbound, 5200 + n)))
    sender.fail_with = [ConnectionError("reset"), TimeoutError("slow")]
    submit = Inbound.press(COMPLAINT[-1][1:], hotline.clock())
    await worker.deliver_now(await hotline.intake.handle_durably(Incoming(52, submit, 5299)))
    assert not any(TRACKING.search(text) for chat, text in sender.sent if chat == 52)
    for _ in range(3):
        async with db.transaction() as s:
            for row in (await s.execute(select(OutboxRow).where(OutboxRow.status == "pending"))).scalars():
                row.not_before = utcnow() - timedelta(seconds=1)
        await worker.drain()
    receipts = [text for chat, text in sender.sent if chat == 52 and TRACKING.search(text)]
    assert len(receipts) == 1
