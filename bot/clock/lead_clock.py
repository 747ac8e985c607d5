"""A lead's stage clock kept on its row: started at submit, moved on by each step, paused while it
waits for the citizen, extended once; every stage that ends leaves a `lead_stages` row."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, or_
from sqlalchemy.ext.asyncio import AsyncSession

from bot.casework.lifecycle import Action, Filing, Status
from bot.clock.deadlines import Deadlines, Stage, last_day, stage_of
from bot.leads.models import LeadRow, LeadStageRow

MOVES = frozenset({Action.TRANSFER, Action.ASSIGN, Action.RETURN})


class LeadClock:
    def __init__(self, deadlines: Deadlines, zone: ZoneInfo, filing: dict[str, Filing], city: str) -> None:
        self.deadlines = deadlines
        self.zone = zone
        self.filing = filing
        self.city = city

    def responsible(self, lead: LeadRow, status: Status | None = None) -> str:
        """The queue whose deadline a stage is: the city bureau once it holds a kind it files
        (移交市局, 立案 by the city) or decides a review; otherwise the lead's queue."""
        status = status or Status(lead.status)
        if status is Status.AWAITING_INFO and lead.resume_status:
            status = Status(lead.resume_status)
        city_files = self.filing[lead.kind] is Filing.CITY
        if status is Status.REVIEW or (city_files and status in (Status.HANDED_UP, Status.FILED)):
            return self.city
        return lead.queue_code

    def local(self, naive_utc: datetime) -> datetime:
        return naive_utc.replace(tzinfo=UTC).astimezone(self.zone).replace(tzinfo=None)

    def utc(self, naive_local: datetime) -> datetime:
        return naive_local.replace(tzinfo=self.zone).astimezone(UTC).replace(tzinfo=None)

    def extendable(self, lead: LeadRow) -> bool:
        return not lead.extended and self.deadlines.periods[lead.kind].extension is not None

    def start(
        self, lead: LeadRow, stage: Stage | None, now: datetime, anchor: datetime | None = None
    ) -> None:
        """Starts `stage` (None: no clock runs) at `anchor` (default now), all times naive UTC."""
        lead.stage, lead.paused_at = (stage.value if stage else None), None
        period = self.deadlines.period(lead.kind, stage, at_fair=_at_fair(lead)) if stage else None
        if stage is None or period is None:
            lead.stage = lead.stage_started = lead.due_at = lead.stage_due = None
            return
        lead.stage_started = anchor or now
        self._set_due(lead, self.deadlines.due(period, self.local(lead.stage_started)))
        if lead.stage_due is not None and stage is Stage.ACCEPT and lead.accept_due is None:
            lead.accept_due = lead.stage_due
        if lead.stage_due is not None and stage is Stage.CLOSE:
            lead.close_due = lead.stage_due

    def _set_due(self, lead: LeadRow, due_local: datetime) -> None:
        lead.due_at = self.utc(due_local)
        lead.stage_due = last_day(due_local)

    def step(
        self,
        session: AsyncSession,
        lead: LeadRow,
        action: Action,
        before: Status,
        queue_before: str,
        now: datetime,
    ) -> None:
        """After `action` took the lead from `before` (in `queue_before`) to its current status; a
        stage that ends is recorded against the queue that was responsible for it."""
        after = Status(lead.status)
        moved = action in MOVES
        if after is Status.AWAITING_INFO:
            lead.paused_at = lead.paused_at or now
            return
        if action is Action.EXTEND and lead.due_at is not None:
            extension = self.deadlines.periods[lead.kind].extension
            if extension is not None:
                self._set_due(lead, self.deadlines.extended(self.local(lead.due_at), extension))
                lead.extended = True
            return
        stage = stage_of(after, self.filing[lead.kind])
        current = Stage(lead.stage) if lead.stage else None
        if before is Status.AWAITING_INFO and stage is current and not moved:
            self._resume(lead, now)
            return
        if stage is current and not moved:
            return
        anchor = lead.stage_started if current is Stage.ACCEPT and stage is Stage.FILE else None
        self.end(session, lead, action.value, queue_before, now)
        self.start(lead, stage, now, anchor)

    def _resume(self, lead: LeadRow, now: datetime) -> None:
        if lead.paused_at is None or lead.due_at is None or lead.stage is None:
            return
        period = self.deadlines.period(lead.kind, Stage(lead.stage), at_fair=_at_fair(lead))
        if period is not None:
            due = self.deadlines.resumed(
                self.local(lead.due_at), period.unit, self.local(lead.paused_at), self.local(now)
            )
            self._set_due(lead, due)
        lead.paused_at = None

    def end(self, session: AsyncSession, lead: LeadRow, ended_by: str, queue: str, now: datetime) -> None:
        if lead.stage is None or lead.stage_started is None or lead.due_at is None:
            return
        calendar = self.deadlines.calendar
        session.add(
            LeadStageRow(
                lead_id=lead.id,
                queue_code=queue,
                kind=lead.kind,
                stage=lead.stage,
                started_at=lead.stage_started,
                due_at=lead.due_at,
                ended_at=now,
                ended_by=ended_by,
                working_days=calendar.working_days_between(
                    self.local(lead.stage_started).date(), self.local(now).date()
                ),
                on_time=now < lead.due_at,
            )
        )


def _at_fair(lead: LeadRow) -> bool:
    return any(r.startswith("fair:") for r in lead.priority_reasons or [])


def responsible_column(clock: LeadClock) -> ColumnElement[str]:
    """`LeadClock.responsible` in SQL, for counting by the queue a deadline belongs to."""
    city_kinds = [kind for kind, filing in clock.filing.items() if filing is Filing.CITY]
    held = ("handed_up", "filed")
    at_city = or_(
        LeadRow.status == "review",
        and_(
            LeadRow.kind.in_(city_kinds),
            or_(
                LeadRow.status.in_(held),
                and_(LeadRow.status == "awaiting_info", LeadRow.resume_status.in_(held)),
            ),
        ),
    )
    return case((at_city, clock.city), else_=LeadRow.queue_code)
