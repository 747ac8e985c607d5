"""The outbox worker on a real database, with a recording sender standing in for Telegram (a fake,
named as one: the Telegram sender itself is exercised end to end in tests/e2e)."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.config import OutboxConfig
from bot.leads.db import Database
from bot.leads.models import OutboxRow, utcnow
from bot.notify import outbox
from bot.notify.sender import RetryLater, Undeliverable
from bot.notify.worker import OutboxWorker

SETTINGS = OutboxConfig(max_attempts=3, poll_seconds=0.05, claim_timeout_seconds=60.0)


class RecordingSender:
    def __init__(self, fail_with: list[Exception] | None = None, delay: float = 0.0) -> None:
        self.sent: list[tuple[int, str]] = []
        self.edits: list[tuple[int, int, str]] = []
        self.fail_with = list(fail_with or [])
        self.delay = delay

    async def send(
        self, chat_id: int, text: str, html: bool, buttons: list[dict[str, Any]], force_reply: bool = False
    ) -> int:
        await asyncio.sleep(self.delay)
        if self.fail_with:
            raise self.fail_with.pop(0)
        self.sent.append((chat_id, text))
        return 1000 + len(self.sent)

    async def send_file(self, chat_id: int, file_id: str, kind: str, caption: str, html: bool = False) -> int:
        return await self.send(chat_id, caption, html, [])

    async def edit(
        self, chat_id: int, message_id: int, text: str, html: bool, buttons: list[dict[str, Any]]
    ) -> None:
        self.edits.append((chat_id, message_id, text))


async def queue(db: Database, *texts: str, chat_id: int = -1) -> list[int]:
    async with db.transaction() as s:
        rows = [outbox.enqueue(s, chat_id, "staff_new_lead", t) for t in texts]
        await s.flush()
        return [r.id for r in rows]


async def rows(db: Database) -> dict[int, OutboxRow]:
    async with db.transaction() as s:
        return {r.id: r for r in (await s.execute(select(OutboxRow))).scalars()}


async def test_each_message_is_sent_once_even_when_drained_again(db):
    await queue(db, "一", "二")
    sender = RecordingSender()
    worker = OutboxWorker(db, sender, SETTINGS)
    await worker.drain()
    await worker.drain()
    assert [t for _, t in sender.sent] == ["一", "二"]
    assert {r.status for r in (await rows(db)).values()} == {"sent"}


async def test_retry_after_postpones_without_spending_an_attempt(db):
    (row_id,) = await queue(db, "限流")
    worker = OutboxWorker(db, RecordingSender([RetryLater(30)]), SETTINGS)
    await worker.drain()
    row = (await rows(db))[row_id]
    assert (row.status, row.attempts) == ("pending", 0)
    assert row.not_before > utcnow() + timedelta(seconds=25)


async def test_an_undeliverable_message_fails_at_once_and_others_still_go(db):
    bad, good = await queue(db, "坏", "好")
    sender = RecordingSender([Undeliverable("chat not found")])
    await OutboxWorker(db, sender, SETTINGS).drain()
    state = await rows(db)
    assert (state[bad].status, state[good].status) == ("failed", "sent")
    assert "chat not found" in (state[bad].last_error or "")


async def test_transient_errors_are_retried_until_max_attempts(db):
    (row_id,) = await queue(db, "网络")
    sender = RecordingSender([ConnectionError("down")] * 5)
    worker = OutboxWorker(db, sender, SETTINGS)
    for _ in range(SETTINGS.max_attempts):
        async with db.transaction() as s:
            (await s.get(OutboxRow, row_id)).not_before = utcnow() - timedelta(seconds=1)
        await worker.drain()
    row = (await rows(db))[row_id]
    assert (row.status, row.attempts) == ("failed", SETTINGS.max_attempts)


async def test_an_edit_waits_for_its_message_to_be_sent(db):
    (original,) = await queue(db, "原文")
    async with db.transaction() as s:
        outbox.enqueue(s, -1, "staff_edit", "原文 已受理", edit_of=original)
    async with db.transaction() as s:
        (await s.get(OutboxRow, original)).not_before = utcnow() + timedelta(hours=1)
    sender = RecordingSender()
    worker = OutboxWorker(db, sender, SETTINGS)
    await worker.drain()
    assert sender.edits == []
    async with db.transaction() as s:
        (await s.get(OutboxRow, original)).not_before = utcnow()
        for row in (await s.execute(select(OutboxRow))).scalars():
            row.not_before = utcnow() - timedelta(seconds=1)
    await worker.drain()
    assert sender.edits == [(-1, 1001, "原文 已受理")]


async def test_an_edit_of_a_card_in_doubt_fails_at_once_instead_of_waiting_for_ever(db):
    (original,) = await queue(db, "原文")
    async with db.transaction() as s:
        (await s.get(OutboxRow, original)).status = "in_doubt"
        edit = outbox.enqueue(s, -1, "staff_edit", "原文 已受理", edit_of=original)
        await s.flush()
        edit_id = edit.id
    sender = RecordingSender()
    await OutboxWorker(db, sender, SETTINGS).drain()
    row = (await rows(db))[edit_id]
    assert row.status == "failed" and "in_doubt" in (row.last_error or "")
    assert sender.edits == [] and sender.sent == []


async def test_a_reply_sent_at_once_waits_out_a_retry_after_the_worker_met_first(db):
    """The worker took the citizen's reply before the handler's deliver_now and got a 429."""
    (row_id,) = await queue(db, "已提交", chat_id=5001)
    worker = OutboxWorker(db, RecordingSender([RetryLater(30)]), SETTINGS)
    await worker.drain()
    sender = RecordingSender()
    await OutboxWorker(db, sender, SETTINGS).deliver_now([row_id])
    assert sender.sent == []
    assert (await rows(db))[row_id].status == "pending"


async def test_a_claim_abandoned_by_a_dead_worker_is_taken_again_after_the_timeout(db):
    (row_id,) = await queue(db, "遗留")
    async with db.transaction() as s:
        row = await s.get(OutboxRow, row_id)
        row.status, row.claimed_at = "claimed", utcnow() - timedelta(seconds=120)
    sender = RecordingSender()
    await OutboxWorker(db, sender, SETTINGS).drain()
    assert sender.sent == [(-1, "遗留")]
    fresh = dataclasses.replace(SETTINGS, claim_timeout_seconds=3600)
    async with db.transaction() as s:
        row = await s.get(OutboxRow, row_id)
        row.status, row.claimed_at = "claimed", utcnow()
    await OutboxWorker(db, sender, fresh).drain()
    assert len(sender.sent) == 1


async def test_a_message_a_dead_worker_was_sending_is_marked_in_doubt_and_never_resent(db):
    (row_id,) = await queue(db, "发送中断")
    async with db.transaction() as s:
        row = await s.get(OutboxRow, row_id)
        row.status, row.claimed_at = "sending", utcnow() - timedelta(seconds=120)
    sender = RecordingSender()
    await OutboxWorker(db, sender, SETTINGS).drain()
    assert sender.sent == []
    async with db.transaction() as s:
        assert (await s.get(OutboxRow, row_id)).status == "in_doubt"


async def test_two_workers_draining_together_send_each_message_once(db, database_url):
    await queue(db, *[f"消息{n}" for n in range(40)])
    other_db = Database(database_url)
    sender = RecordingSender(delay=0.001)
    try:
        await asyncio.gather(
            OutboxWorker(db, sender, SETTINGS).drain(), OutboxWorker(other_db, sender, SETTINGS).drain()
        )
    finally:
        await other_db.close()
    texts = [t for _, t in sender.sent]
    assert sorted(texts) == sorted(f"消息{n}" for n in range(40))
