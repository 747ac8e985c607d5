"""A webhook worker's loop: claims the inbox rows it may handle (bot/leads/inbox.py), handles up to
`handlers` of them at once (each of a different chat), and deletes each row once its update was
handled and the replies it queued for the citizen were sent or left waiting for a retry.

That last wait keeps a chat's replies in order across workers: the outbox loop of any worker may
be the one that sends a reply, and the chat's next update, handled perhaps by another worker, is
not taken before its row is gone. On stop the loop claims nothing more and waits for the updates in
hand; one still running after `shutdown_seconds` is cancelled and its claim released, so it is
handled again at once by another worker or at the next start. The claims of the updates in hand
are renewed while they run; a worker that dies leaves claims that grow stale after
`inbox_claim_seconds`, and other workers take those rows again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from sqlalchemy import and_, func, or_, select, update

from bot.config import OpsConfig
from bot.leads import inbox
from bot.leads.db import Database
from bot.leads.inbox import Claimed
from bot.leads.models import InboxRow, OutboxRow, utcnow
from bot.ops.metrics import observe_handled

log = logging.getLogger(__name__)
REPLIES_WAIT_SECONDS = 10.0
REPLIES_POLL_SECONDS = 0.02
RETRY_AFTER_ERROR_SECONDS = 1.0

Handle = Callable[[Claimed], Awaitable[bool]]
"""Handles one update; False when it failed (the citizen was told), True otherwise."""


class Dispatcher:
    def __init__(self, db: Database, handle: Handle, settings: OpsConfig) -> None:
        self.db = db
        self.handle = handle
        self.settings = settings
        self.wake = asyncio.Event()
        self.in_hand: dict[int, asyncio.Task[None]] = {}

    async def run(self, stop: asyncio.Event) -> None:
        heartbeat = asyncio.create_task(self._heartbeat(stop), name="inbox heartbeat")
        try:
            await self._claim_until(stop)
        finally:
            await self._finish()
            heartbeat.cancel()
            await asyncio.gather(heartbeat, return_exceptions=True)

    async def _heartbeat(self, stop: asyncio.Event) -> None:
        """Renews the claims of the updates in hand: only a dead worker's claims grow stale, however
        long a live worker's updates wait for the CPU."""
        every = self.settings.inbox_claim_seconds / 3
        while True:
            await asyncio.sleep(every)
            if not self.in_hand:
                continue
            try:
                async with self.db.transaction() as session:
                    await session.execute(
                        update(InboxRow)
                        .where(InboxRow.update_id.in_(list(self.in_hand)))
                        .values(claimed_at=utcnow())
                    )
            except Exception as exc:
                log.warning("inbox: claims not renewed: %s", type(exc).__name__)

    async def _claim_until(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.wake.clear()
            free = self.settings.handlers - len(self.in_hand)
            claimed: list[Claimed] = []
            if free > 0:
                try:
                    claimed = await inbox.claim(self.db, free, self.settings.inbox_claim_seconds)
                except Exception as exc:
                    log.error("inbox: claim failed: %s; trying again", type(exc).__name__)
                    await _wait(stop, RETRY_AFTER_ERROR_SECONDS)
                    continue
            for row in claimed:
                self.in_hand[row.update_id] = asyncio.create_task(
                    self._one(row), name=f"update {row.update_id}"
                )
            if claimed and len(claimed) == free:
                continue
            await _wait_any(stop, self.wake, self.settings.idle_poll_seconds)

    async def _finish(self) -> None:
        tasks = list(self.in_hand.values())
        if not tasks:
            return
        log.info("finishing %s updates in hand", len(tasks))
        _, late = await asyncio.wait(tasks, timeout=self.settings.shutdown_seconds)
        if not late:
            return
        unfinished = [uid for uid, task in self.in_hand.items() if task in late]
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
        with contextlib.suppress(Exception):
            async with self.db.transaction() as session:
                await session.execute(
                    update(InboxRow).where(InboxRow.update_id.in_(unfinished)).values(claimed_at=None)
                )
        log.warning("%s updates still running at shutdown were left for the next worker", len(unfinished))

    async def _one(self, row: Claimed) -> None:
        try:
            try:
                ok = await self.handle(row)
            except Exception as exc:  # handlers' errors are the channel's; this one cannot be parsed
                log.error("update %s cannot be handled: %s; dropped", row.update_id, type(exc).__name__)
                ok = False
            if row.chat_id is not None and row.chat_id > 0:
                await replies_settled(self.db, row.chat_id)
            await inbox.done(self.db, row.update_id)
            observe_handled(not ok, (utcnow() - row.received_at).total_seconds())
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error("update %s: %s; left in the inbox", row.update_id, type(exc).__name__)
        finally:
            self.in_hand.pop(row.update_id, None)
            self.wake.set()


async def replies_settled(db: Database, chat_id: int, timeout: float = REPLIES_WAIT_SECONDS) -> bool:
    """Until no message to this chat is due, claimed or being sent by any worker (each is sent, or
    waits for a retry); False if that did not happen within `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        busy_now = or_(
            OutboxRow.status.in_(("claimed", "sending")),
            and_(OutboxRow.status == "pending", OutboxRow.not_before <= utcnow()),
        )
        query = select(func.count()).where(OutboxRow.chat_id == chat_id, busy_now)
        async with db.transaction() as session:
            busy = (await session.execute(query)).scalar_one()
        if not busy:
            return True
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(REPLIES_POLL_SECONDS)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def _wait_any(stop: asyncio.Event, wake: asyncio.Event, seconds: float) -> None:
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
