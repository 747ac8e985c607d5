"""The morning digest: at the configured time on working days, each county group's counts, and
one table of every queue for the city bureau. Sent once per queue and day (a `digests` row)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from html import escape

from sqlalchemy import and_, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.casework.cases import Cases
from bot.casework.lifecycle import OPEN, Status
from bot.clock.lead_clock import responsible_column
from bot.config import SupervisionConfig
from bot.leads.db import Database
from bot.leads.models import DigestRow, LeadRow
from bot.reports.text import aligned
from bot.supervision.messages import Outgoing, queue_messages

COLUMNS = ("new", "due_today", "overdue", "awaiting")


class Digests:
    def __init__(self, cases: Cases, db: Database, settings: SupervisionConfig) -> None:
        self.cases = cases
        self.db = db
        self.at = time.fromisoformat(settings.digest_time)
        self.texts = cases.texts

    async def due(self, now: datetime, dry_run: bool) -> list[Outgoing]:
        local = self.cases.timing.local(now)
        day = local.date()
        if local.time() < self.at or not self.cases.timing.deadlines.calendar.is_working_day(day):
            return []
        async with self.db.transaction() as session:
            done = set(
                (await session.execute(select(DigestRow.queue_code).where(DigestRow.day == day))).scalars()
            )
            counts = await self._counts(session, now, day)
        messages = [m for m in self._messages(counts, day) if m.queue_code not in done]
        if dry_run:
            return messages
        return [m for m in messages if await self._record(m, day, now)]

    async def _counts(self, session: AsyncSession, now: datetime, day: date) -> dict[str, dict[str, int]]:
        running = and_(LeadRow.stage.is_not(None), LeadRow.paused_at.is_(None))
        end_of_today = self.cases.timing.utc(datetime.combine(day, time()) + timedelta(days=1))
        columns = {
            "new": LeadRow.status.in_(("new", "returned")),
            "due_today": and_(running, LeadRow.due_at > now, LeadRow.due_at <= end_of_today),
            "overdue": and_(running, LeadRow.due_at <= now),
            "awaiting": LeadRow.status == "awaiting_info",
        }
        queue = responsible_column(self.cases.timing).label("queue")
        query = (
            select(queue, *(func.sum(case((cond, 1), else_=0)).label(name) for name, cond in columns.items()))
            .where(LeadRow.status.in_([s.value for s in (*OPEN, Status.REVIEW)]))
            .group_by(queue)
        )
        result = await session.execute(query)
        return {row.queue: {name: int(getattr(row, name) or 0) for name in COLUMNS} for row in result}

    def _messages(self, counts: dict[str, dict[str, int]], day: date) -> list[Outgoing]:
        config, t = self.cases.config, self.texts.get
        zero = dict.fromkeys(COLUMNS, 0)
        shown = str(day)
        open_list = ({"label": t("digest.open"), "data": "ls:open:0", "row": 0},)
        messages = []
        for queue in config.counties:
            c = counts.get(queue.code, zero)
            if any(c.values()):
                text = t(
                    "digest.county", day=shown, queue=escape(queue.name), **{k: str(v) for k, v in c.items()}
                )
                messages.append(Outgoing(queue.chat_id, queue.code, "digest", text, open_list))
        rows = [(q.name, counts.get(q.code, zero)) for q in (*config.counties, config.city)]
        total = {name: sum(c[name] for _, c in rows) for name in COLUMNS}
        table = [t("digest.columns").split("|")]
        table += [[name, *(str(c[n]) for n in COLUMNS)] for name, c in (*rows, (t("digest.total"), total))]
        lines = aligned(table)
        city_text = t("digest.city", day=shown) + "\n<pre>" + escape("\n".join(lines)) + "</pre>"
        messages.append(Outgoing(config.city.chat_id, config.city.code, "digest", city_text, open_list))
        return messages

    async def _record(self, message: Outgoing, day: date, now: datetime) -> bool:
        try:
            async with self.db.transaction() as session:
                session.add(DigestRow(queue_code=message.queue_code, day=day, at=now))
                await session.flush()
                queue_messages(session, [message])
        except IntegrityError:
            return False
        return True
