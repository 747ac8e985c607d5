"""Drains the outbox: each row sent once, retried with growing waits, Telegram's RetryAfter honoured."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.config import OutboxConfig
from bot.leads.db import Database
from bot.leads.models import OutboxRow, utcnow
from bot.notify.outbox import backoff, claim, claim_these, mark_in_doubt
from bot.notify.sender import RetryLater, Sender, Undeliverable

log = logging.getLogger(__name__)
EDIT_WAIT_SECONDS = 2.0


@dataclass(frozen=True)
class _Job:
    id: int
    chat_id: int
    text: str
    html: bool
    buttons: list[dict[str, Any]]
    edit_of: int | None
    attempts: int
    force_reply: bool
    file_id: str | None
    file_kind: str | None


class OutboxWorker:
    def __init__(self, db: Database, sender: Sender, settings: OutboxConfig) -> None:
        self.db = db
        self.sender = sender
        self.settings = settings
        self.wake = asyncio.Event()

    async def drain_once(self) -> int:
        """Claims what is due and sends it; returns how many rows were handled."""
        async with self.db.transaction() as session:
            doubtful = await mark_in_doubt(session, self.settings.claim_timeout_seconds)
            jobs = [_job(r) for r in await claim(session, self.settings.claim_timeout_seconds)]
        if doubtful:
            log.warning("outbox: %s messages were being sent when a worker stopped; not resent", doubtful)
        for job in jobs:
            await self._deliver(job)
        return len(jobs)

    async def deliver_now(self, row_ids: list[int]) -> None:
        """Sends these rows at once, in order (a citizen's replies, just committed). A row the
        worker already took is left to it; a failed send stays queued and is retried like any."""
        if not row_ids:
            return
        async with self.db.transaction() as session:
            rows = await claim_these(session, row_ids)
            jobs = [_job(r) for r in rows]
        for job in jobs:
            await self._deliver(job)

    async def drain(self) -> None:
        while await self.drain_once():
            pass

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.drain()
            except Exception:
                log.exception("outbox: drain failed; trying again")
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_first(stop, self.wake), timeout=self.settings.poll_seconds)

    async def _deliver(self, job: _Job) -> None:
        await self._update(job.id, status="sending", claimed_at=utcnow())
        try:
            if job.file_id is not None:
                message_id: int | None = await self.sender.send_file(
                    job.chat_id, job.file_id, job.file_kind or "document", job.text, job.html
                )
            elif job.edit_of is None:
                message_id = await self.sender.send(
                    job.chat_id, job.text, job.html, job.buttons, job.force_reply
                )
            else:
                message_id = await self._edit(job)
                if message_id is None:
                    return
        except RetryLater as exc:
            await self._update(
                job.id,
                status="pending",
                attempts_delta=-1,
                not_before=utcnow() + timedelta(seconds=exc.seconds),
                last_error=str(exc),
            )
            log.warning("outbox %s: rate limited, retry in %.1fs", job.id, exc.seconds)
        except Undeliverable as exc:
            await self._update(job.id, status="failed", last_error=str(exc))
            log.error("outbox %s to chat %s: undeliverable: %s", job.id, job.chat_id, exc)
        except Exception as exc:
            final = job.attempts >= self.settings.max_attempts
            await self._update(
                job.id,
                status="failed" if final else "pending",
                last_error=repr(exc),
                not_before=utcnow() + timedelta(seconds=backoff(job.attempts)),
            )
            log.warning("outbox %s: attempt %s failed: %r", job.id, job.attempts, exc)
        else:
            await self._update(job.id, status="sent", message_id=message_id, sent_at=utcnow())

    async def _edit(self, job: _Job) -> int | None:
        async with self.db.transaction() as session:
            target = await session.get(OutboxRow, job.edit_of)
            status, message_id = (target.status, target.message_id) if target else ("failed", None)
        if message_id is None:
            if status == "failed":
                raise Undeliverable("the message to edit was never sent")
            await self._update(
                job.id,
                status="pending",
                attempts_delta=-1,
                not_before=utcnow() + timedelta(seconds=EDIT_WAIT_SECONDS),
            )
            return None
        await self.sender.edit(job.chat_id, message_id, job.text, job.html, job.buttons)
        return message_id

    async def _update(self, row_id: int, attempts_delta: int = 0, **values: Any) -> None:
        async with self.db.transaction() as session:
            row = await session.get(OutboxRow, row_id)
            if row is None:
                return
            for key, value in values.items():
                setattr(row, key, value)
            row.attempts += attempts_delta


def _job(r: OutboxRow) -> _Job:
    return _Job(
        r.id,
        r.chat_id,
        r.text,
        r.html,
        list(r.buttons),
        r.edit_of,
        r.attempts,
        r.force_reply,
        r.file_id,
        r.file_kind,
    )


async def _first(*events: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()
