"""Drains the outbox: each row sent once, retried with growing waits, Telegram's RetryAfter honoured."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.config import OutboxConfig
from bot.leads.db import Database
from bot.leads.models import OutboxRow, utcnow
from bot.notify.outbox import backoff, claim, claim_these, mark_in_doubt
from bot.notify.pacing import Pacing
from bot.notify.sender import RetryLater, Sender, Undeliverable

log = logging.getLogger(__name__)
EDIT_WAIT_SECONDS = 2.0
FLUSH_SECONDS = 5.0


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
    claimed_at: datetime | None


class OutboxWorker:
    def __init__(
        self, db: Database, sender: Sender, settings: OutboxConfig, pacing: Pacing | None = None
    ) -> None:
        """pacing: Telegram's rate limits (bot/notify/pacing.py); the console has none."""
        self.db = db
        self.sender = sender
        self.settings = settings
        self.pacing = pacing
        self.wake = asyncio.Event()

    async def drain_once(self) -> int:
        """Claims what is due and sends it; returns how many rows were handled."""
        async with self.db.transaction() as session:
            doubtful = await mark_in_doubt(session, self.settings.claim_timeout_seconds)
            if self.pacing is not None:
                rows = await self.pacing.claim(session)
            else:
                rows = await claim(session, self.settings.claim_timeout_seconds)
            jobs = [_job(r) for r in rows]
        if doubtful:
            log.warning("outbox: %s messages were being sent when a worker stopped; not resent", doubtful)
        await self._deliver_in_order(jobs)
        return len(jobs)

    async def deliver_now(self, row_ids: list[int]) -> None:
        """Sends these rows at once, in order (a citizen's replies, just committed). A row the
        worker already took is left to it; a failed send stays queued and is retried like any."""
        if not row_ids:
            return
        async with self.db.transaction() as session:
            rows = await claim_these(session, row_ids)
            jobs = [_job(r) for r in rows]
            if self.pacing is not None and jobs:
                await self.pacing.charge(session, len(jobs))
        await self._deliver_in_order(jobs)

    def _wait(self) -> float:
        """Until the next poll, or sooner when Telegram's pace held a message back until then."""
        poll = self.settings.poll_seconds
        retry_at = self.pacing.retry_at if self.pacing is not None else None
        if retry_at is None:
            return poll
        return min(poll, max((retry_at - utcnow()).total_seconds(), 0.01))

    async def _deliver_in_order(self, jobs: list[_Job]) -> None:
        """Sends the jobs; once one to a chat fails, the chat's later ones go back to wait behind
        it, so that no message overtakes an earlier one."""
        held: set[int] = set()
        for job in jobs:
            if job.chat_id in held:
                await self._update(job.id, status="pending", attempts_delta=-1)
            elif not await self._deliver(job):
                held.add(job.chat_id)

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
                await asyncio.wait_for(_first(stop, self.wake), timeout=self._wait())
        await self._flush(FLUSH_SECONDS)

    async def _flush(self, within: float) -> None:
        """On the way out, what is due still goes (a reply queued behind an earlier one to its
        chat, say), waiting out Telegram's pace, for at most `within` seconds; the rest stays
        queued for the next start."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            try:
                if await self.drain_once():
                    continue
            except Exception:
                log.exception("outbox: the last drain failed; what is left stays queued")
                return
            if self.pacing is None or self.pacing.retry_at is None:
                return
            await asyncio.sleep(min(self._wait(), max(deadline - time.monotonic(), 0.0)))

    async def _deliver(self, job: _Job) -> bool:
        """True when the message went (or needs nothing more); False when it waits to be retried."""
        if not await self._still_ours(job):
            log.warning("outbox %s: claimed again by another worker while this one waited", job.id)
            return False
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
                    return True
        except RetryLater as exc:
            await self._update(
                job.id,
                status="pending",
                attempts_delta=-1,
                not_before=utcnow() + timedelta(seconds=exc.seconds),
                last_error=str(exc),
            )
            log.warning("outbox %s: rate limited, retry in %.1fs", job.id, exc.seconds)
            return False
        except Undeliverable as exc:
            await self._update(job.id, status="failed", last_error=str(exc))
            log.error("outbox %s to chat %s: undeliverable: %s", job.id, job.chat_id, exc)
            return True
        except Exception as exc:
            final = job.attempts >= self.settings.max_attempts
            wait = backoff(job.attempts, self.settings.backoff_max_seconds)
            await self._update(
                job.id,
                status="failed" if final else "pending",
                last_error=repr(exc),
                not_before=utcnow() + timedelta(seconds=wait),
            )
            log.warning("outbox %s: attempt %s failed: %r", job.id, job.attempts, exc)
            return final
        await self._update(job.id, status="sent", message_id=message_id, sent_at=utcnow())
        return True

    async def _edit(self, job: _Job) -> int | None:
        async with self.db.transaction() as session:
            target = await session.get(OutboxRow, job.edit_of)
            status, message_id = (target.status, target.message_id) if target else ("failed", None)
        if status == "merged":
            await self._update(job.id, status="merged", last_error="its card went in a merged message")
            return None
        if message_id is None:
            if status in ("failed", "in_doubt"):
                # an in-doubt card's message id is unknown: waiting for it would hold the edit,
                # and the group's queue behind it, for ever
                raise Undeliverable(f"the message to edit is {status}: its id is unknown")
            await self._update(
                job.id,
                status="pending",
                attempts_delta=-1,
                not_before=utcnow() + timedelta(seconds=EDIT_WAIT_SECONDS),
            )
            return None
        await self.sender.edit(job.chat_id, message_id, job.text, job.html, job.buttons)
        return message_id

    async def _still_ours(self, job: _Job) -> bool:
        """Marks the row sending, if it is still as this worker claimed it: a claim that grew stale
        while earlier sends took long may have been taken by another worker, which then sends it."""
        async with self.db.transaction() as session:
            row = await session.get(OutboxRow, job.id, with_for_update=True)
            if row is None or row.status != "claimed" or row.claimed_at != job.claimed_at:
                return False
            row.status, row.claimed_at = "sending", utcnow()
            return True

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
        r.claimed_at,
    )


async def _first(*events: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()
