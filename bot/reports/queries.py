"""The report's tables, each one SQL aggregate (GROUP BY, CASE sums) that runs the same on SQLite
and PostgreSQL, never a Python loop over the leads. Percentiles are read from a histogram of
working days that SQL counts (a few hundred rows): a window function over every stage row took
ten seconds at a million leads on PostgreSQL.

Intake tables count leads received in the period; results (stages ended, outcomes, penalties,
police referrals, ratings, reviews, overdue) count what happened in it."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Executable, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.leads.models import LeadEventRow, LeadPatentRow, LeadRow, LeadStageRow, LeadTagRow, SupervisionRow
from bot.reports.period import ReportPeriod

KINDS = ("infringement", "counterfeit", "other_ip", "assistance")
SECTORS = ("food_drug", "environment", "safety", "high_tech")
CHANNELS = ("ecommerce", "market", "exhibition")
STAGES = ("accept", "file", "close")
COMPLETES = {"accept": ("accept",), "file": ("file",), "close": ("close", "police", "refer")}
"""The actions that complete a stage (its duration counts); any ending counts for on-time."""


@dataclass(frozen=True)
class Window:
    """The period as naive UTC bounds, and the queue it is limited to."""

    start: datetime
    end: datetime
    months: tuple[tuple[datetime, datetime], ...]
    county: str | None
    now: datetime

    @classmethod
    def of(cls, period: ReportPeriod, to_utc: Callable[[datetime], datetime], now: datetime) -> Window:
        def at(day: date) -> datetime:
            return to_utc(datetime.combine(day, time()))

        months = tuple((at(a), at(b)) for a, b in period.months())
        return cls(at(period.start), at(period.end), months, period.county, now)

    def received(self) -> ColumnElement[bool]:
        return self.within(LeadRow.created_at, LeadRow.queue_code)

    def within(self, column: Any, queue: Any) -> ColumnElement[bool]:
        condition = and_(column >= self.start, column < self.end)
        return and_(condition, queue == self.county) if self.county else condition


async def _rows(session: AsyncSession, query: Executable) -> list[Any]:
    return list(await session.execute(query))


async def by_queue_and_kind(session: AsyncSession, w: Window) -> list[Any]:
    query = (
        select(LeadRow.queue_code, LeadRow.kind, func.count())
        .where(w.received())
        .group_by(LeadRow.queue_code, LeadRow.kind)
    )
    return await _rows(session, query)


async def by_column(session: AsyncSession, w: Window, column: Any) -> list[Any]:
    return await _rows(session, select(column, func.count()).where(w.received()).group_by(column))


async def by_tag(session: AsyncSession, w: Window) -> list[Any]:
    """(kind, tag, leads) for every sector and channel tag of leads received (not links)."""
    query = (
        select(LeadRow.kind, LeadTagRow.tag, func.count())
        .join(LeadTagRow, LeadTagRow.lead_id == LeadRow.id)
        .where(w.received(), or_(LeadTagRow.tag.like("sector:%"), LeadTagRow.tag.like("channel:%")))
        .group_by(LeadRow.kind, LeadTagRow.tag)
    )
    return await _rows(session, query)


async def untagged_sector_by_kind(session: AsyncSession, w: Window) -> list[Any]:
    has_sector = (
        select(LeadTagRow.lead_id)
        .where(LeadTagRow.lead_id == LeadRow.id, LeadTagRow.tag.like("sector:%"))
        .exists()
    )
    query = select(LeadRow.kind, func.count()).where(w.received(), ~has_sector).group_by(LeadRow.kind)
    return await _rows(session, query)


async def outcomes(session: AsyncSession, w: Window) -> list[Any]:
    """(status, outcome, cases, total fine in fen) of leads that ended in the period."""
    query = (
        select(LeadRow.status, LeadRow.outcome, func.count(), func.coalesce(func.sum(LeadRow.fine_fen), 0))
        .where(w.within(LeadRow.closed_at, LeadRow.queue_code))
        .group_by(LeadRow.status, LeadRow.outcome)
    )
    return await _rows(session, query)


async def by_queue_and_month(session: AsyncSession, w: Window) -> list[Any]:
    """(queue, count in month 1, month 2, …): one CASE sum per month, one scan."""
    sums = [
        func.sum(case((and_(LeadRow.created_at >= a, LeadRow.created_at < b), 1), else_=0))
        for a, b in w.months
    ]
    first, last = w.months[0][0], w.months[-1][1]
    where = and_(LeadRow.created_at >= first, LeadRow.created_at < last)
    if w.county:
        where = and_(where, LeadRow.queue_code == w.county)
    return await _rows(session, select(LeadRow.queue_code, *sums).where(where).group_by(LeadRow.queue_code))


async def stage_durations(session: AsyncSession, w: Window) -> list[Any]:
    """(queue, stage, working days, stages) of the stages completed in the period: a histogram,
    a few hundred rows whatever the number of leads, from which percentiles are read exactly."""
    s = LeadStageRow
    completed = or_(*(and_(s.stage == stage, s.ended_by.in_(by)) for stage, by in COMPLETES.items()))
    query = (
        select(s.queue_code, s.stage, s.working_days, func.count())
        .where(w.within(s.ended_at, s.queue_code), completed)
        .group_by(s.queue_code, s.stage, s.working_days)
    )
    return await _rows(session, query)


def nearest_rank(histogram: dict[int, int], share: float) -> int | None:
    """The value at rank ceil(n·share) of the sorted values a histogram counts."""
    n = sum(histogram.values())
    if n == 0:
        return None
    rank, seen = max(1, math.ceil(n * share - 1e-9)), 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return None


async def on_time(session: AsyncSession, w: Window) -> list[Any]:
    """(queue, stage, ended, ended in time) of every stage that ended in the period."""
    query = (
        select(
            LeadStageRow.queue_code,
            LeadStageRow.stage,
            func.count(),
            func.sum(case((LeadStageRow.on_time, 1), else_=0)),
        )
        .where(w.within(LeadStageRow.ended_at, LeadStageRow.queue_code), LeadStageRow.stage.in_(STAGES))
        .group_by(LeadStageRow.queue_code, LeadStageRow.stage)
    )
    return await _rows(session, query)


async def open_and_late(session: AsyncSession, w: Window, queue: ColumnElement[str]) -> list[Any]:
    """(queue, stage, stages) still open whose deadline passed in the period: late, though not
    ended, so a queue that never acts does not keep a perfect on-time rate."""
    passed = and_(LeadRow.due_at >= w.start, LeadRow.due_at < min(w.end, w.now))
    where = and_(passed, LeadRow.stage.in_(STAGES))
    if w.county:
        where = and_(where, queue == w.county)
    query = select(queue, LeadRow.stage, func.count()).where(where).group_by(queue, LeadRow.stage)
    return await _rows(session, query)


async def supervision(session: AsyncSession, w: Window) -> list[Any]:
    """(queue, level, distinct leads, messages) of the supervisor's and the city's marks."""
    query = (
        select(
            SupervisionRow.queue_code,
            SupervisionRow.level,
            func.count(func.distinct(SupervisionRow.lead_id)),
            func.count(),
        )
        .where(w.within(SupervisionRow.at, SupervisionRow.queue_code))
        .group_by(SupervisionRow.queue_code, SupervisionRow.level)
    )
    return await _rows(session, query)


async def ratings(session: AsyncSession, w: Window) -> Any:
    """(ratings, mean, ratings of 4 or 5) given in the period."""
    rated = and_(LeadEventRow.action == "rate", _events_in(w))
    query = (
        select(func.count(), func.avg(LeadRow.rating), func.sum(case((LeadRow.rating >= 4, 1), else_=0)))
        .select_from(LeadEventRow)
        .join(LeadRow, LeadRow.id == LeadEventRow.lead_id)
        .where(rated)
    )
    return (await session.execute(query)).one()


async def reviews(session: AsyncSession, w: Window) -> int:
    query = (
        select(func.count())
        .select_from(LeadEventRow)
        .join(LeadRow, LeadRow.id == LeadEventRow.lead_id)
        .where(LeadEventRow.action == "request_review", _events_in(w))
    )
    return int((await session.execute(query)).scalar_one())


def _events_in(w: Window) -> ColumnElement[bool]:
    return w.within(LeadEventRow.at, LeadRow.queue_code)


async def repeated_respondents(session: AsyncSession, w: Window, limit: int = 20) -> list[Any]:
    """(respondent, complainants) for each respondent named by more than one complainant (chat):
    the same citizen filing again is not a repeat. Grouped by the stored key, the normalised name
    of bot/leads/respondents.py (宏达机械公司 and 平遥县宏达机械有限公司 meet); its fuzzy matching
    compares pairs, too slow for a year of leads in SQL, so it is left to the staff card."""
    complainants = func.count(func.distinct(LeadRow.chat_id))
    query = (
        select(LeadRow.respondent_key, complainants)
        .where(w.received(), LeadRow.respondent_key.is_not(None))
        .group_by(LeadRow.respondent_key)
        .having(complainants > 1)
        .order_by(complainants.desc(), LeadRow.respondent_key)
        .limit(limit)
    )
    return await _rows(session, query)


async def repeated_patents(session: AsyncSession, w: Window, limit: int = 20) -> list[Any]:
    count = func.count(func.distinct(LeadPatentRow.lead_id))
    query = (
        select(LeadPatentRow.number, count)
        .join(LeadRow, LeadRow.id == LeadPatentRow.lead_id)
        .where(w.received())
        .group_by(LeadPatentRow.number)
        .having(count > 1)
        .order_by(count.desc(), LeadPatentRow.number)
        .limit(limit)
    )
    return await _rows(session, query)
