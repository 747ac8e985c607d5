"""One supervision round at a given moment: deadline messages, then the morning digests.

Safe with several workers: each message's mark (a `supervision` or `digests` row with a unique
key) is written in the transaction that queues it, so a second worker's insert fails and it sends
nothing. A round is a pure function of the moment and the database, so a round after days of
downtime catches up: a passed deadline gets its overdue notice (no reminder after the fact), a
long-overdue one its escalation too, and only today's digest is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.casework.cases import Cases
from bot.config import SupervisionConfig
from bot.dialogue.texts import Texts
from bot.leads import store
from bot.leads.db import Database
from bot.leads.models import LeadRow, SupervisionRow
from bot.supervision.digest import Digests
from bot.supervision.messages import (
    Outgoing,
    lead_values,
    mark,
    open_button,
    queue_messages,
    shown_due,
    supervise_button,
)
from bot.supervision.watch import Level, levels_due, overdue_working_days

log = logging.getLogger(__name__)
HORIZON_DAYS = 15
"""How far ahead a round looks for deadlines to remind of: longer than any holiday."""


class Supervisor:
    def __init__(self, cases: Cases, db: Database, settings: SupervisionConfig) -> None:
        self.cases = cases
        self.db = db
        self.settings = settings
        self.texts = cases.texts
        self.clock = cases.timing
        self.digests = Digests(cases, db, settings)

    async def run(self, stop: asyncio.Event, wake_outbox: Callable[[], None]) -> None:
        """A round every `round_seconds` until `stop`; a failed round is logged and retried."""
        while not stop.is_set():
            try:
                if await self.round(self.cases.clock()):
                    wake_outbox()
            except Exception:
                log.exception("supervision round failed; trying again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.settings.round_seconds)

    async def round(self, now: datetime, dry_run: bool = False) -> list[Outgoing]:
        """`now` is naive UTC. Returns the messages sent (queued), or that would be with dry_run."""
        sent = await self._deadlines(now, dry_run)
        sent += await self.digests.due(now, dry_run)
        return sent

    async def _deadlines(self, now: datetime, dry_run: bool) -> list[Outgoing]:
        async with self.db.transaction() as session:
            leads = await _running(session, now + timedelta(days=HORIZON_DAYS))
            marks = await _marks(session, leads)
        local_now = self.clock.local(now)
        sent: list[Outgoing] = []
        for lead in leads:
            assert lead.due_at is not None and lead.stage_started is not None
            started, due = self.clock.local(lead.stage_started), self.clock.local(lead.due_at)
            levels = levels_due(
                started,
                due,
                local_now,
                self.clock.deadlines.calendar,
                self.settings.second_escalation_working_days,
            )
            for level in levels:
                if (lead.id, level.value) in marks:
                    continue
                messages = self.messages(lead, level, local_now)
                if dry_run or await self._record(lead, level, messages, now):
                    sent.extend(messages)
        return sent

    def messages(self, lead: LeadRow, level: Level, local_now: datetime) -> list[Outgoing]:
        assert lead.due_at is not None
        due_local = self.clock.local(lead.due_at)
        days = overdue_working_days(due_local, local_now, self.clock.deadlines.calendar)
        queue = self.cases.config.queues[self.clock.responsible(lead)]
        city = self.cases.config.city
        values = lead_values(self.texts, lead, queue.name, shown_due(due_local), days)
        t = self.texts.get
        to_queue = Outgoing(
            queue.chat_id,
            queue.code,
            f"supervise_{level.value}",
            t(_own_key(self.texts, f"supervise.{level.value}", queue.code == city.code), **values),
            (open_button(self.texts, lead),),
            lead.id,
        )
        if level is Level.REMIND:
            return [to_queue]
        city_notice = Outgoing(
            city.chat_id,
            city.code,
            "supervise_notice",
            t(f"supervise.{level.value}_city", **values),
            (supervise_button(self.texts, lead), {**open_button(self.texts, lead), "row": 0}),
            lead.id,
        )
        return [to_queue] if queue.code == city.code else [to_queue, city_notice]

    async def _record(self, lead: LeadRow, level: Level, messages: Sequence[Outgoing], now: datetime) -> bool:
        """Marks and queues in one transaction; False when the lead moved on or another worker
        marked it first."""
        try:
            async with self.db.transaction() as session:
                fresh = await store.lead_by_tracking(session, lead.tracking_number, lock=True)
                if fresh is None or (fresh.stage, fresh.due_at, fresh.paused_at) != (
                    lead.stage,
                    lead.due_at,
                    None,
                ):
                    return False
                assert fresh.stage is not None and fresh.due_at is not None
                session.add(mark(self.clock, fresh, level.value, now))
                await session.flush()
                queue_messages(session, messages)
                detail = {"stage": fresh.stage, "due": shown_due(self.clock.local(fresh.due_at))}
                await store.add_event(session, fresh, "system", level.value, detail, at=now)
        except IntegrityError:
            log.info("lead %s: %s already sent by another worker", lead.tracking_number, level.value)
            return False
        return True


async def _running(session: AsyncSession, horizon: datetime) -> list[LeadRow]:
    """Leads whose stage clock runs with a deadline before `horizon`, except those already
    escalated for that deadline (nothing more is sent about them)."""
    escalated = exists().where(
        and_(
            SupervisionRow.lead_id == LeadRow.id,
            SupervisionRow.stage == LeadRow.stage,
            SupervisionRow.due_at == LeadRow.due_at,
            SupervisionRow.level == Level.ESCALATE.value,
        )
    )
    query = (
        select(LeadRow)
        .where(
            LeadRow.due_at.is_not(None),
            LeadRow.due_at <= horizon,
            LeadRow.stage.is_not(None),
            LeadRow.paused_at.is_(None),
            ~escalated,
        )
        .order_by(LeadRow.due_at)
    )
    return list((await session.execute(query)).scalars())


async def _marks(session: AsyncSession, leads: list[LeadRow]) -> set[tuple[int, str]]:
    """(lead id, level) already sent for each lead's current stage and deadline."""
    current = {lead.id: (lead.stage, lead.due_at) for lead in leads}
    marks: set[tuple[int, str]] = set()
    ids = list(current)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = select(
            SupervisionRow.lead_id, SupervisionRow.stage, SupervisionRow.due_at, SupervisionRow.level
        )
        for lead_id, stage, due_at, level in await session.execute(
            query.where(SupervisionRow.lead_id.in_(chunk))
        ):
            if current[lead_id] == (stage, due_at):
                marks.add((lead_id, level))
    return marks


def _own_key(texts: Texts, key: str, own: bool) -> str:
    """The text for the city's own lead where it must differ (no "the city knows" to the city)."""
    return f"{key}_own" if own and texts.has(f"{key}_own") else key
