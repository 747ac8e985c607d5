"""When a running stage calls for a message: pure, in the service's local time."""

from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum

from bot.clock.calendar import WorkCalendar
from bot.clock.deadlines import last_day


class Level(StrEnum):
    REMIND = "remind"  # the working day before the deadline, to the queue's group
    OVERDUE = "overdue"  # the deadline passed: the queue's group, and a 督办 notice to the city
    ESCALATE = "escalate"  # still overdue after N working days: both again
    SUPERVISE = "supervise"  # 督办 pressed by the city: a formal notice to the queue
    SUPERVISE_AGAIN = "supervise2"  # 督办 pressed after the escalation


def remind_from(started: datetime, due: datetime, calendar: WorkCalendar) -> datetime:
    """The start of the working day before the last day; for a stage too short to have one after
    its start (a fair's 24 hours, a one-day stage), half-way through it."""
    before = datetime.combine(calendar.previous_working_day(last_day(due)), time())
    return before if before > started else started + (due - started) / 2


def levels_due(
    started: datetime, due: datetime, now: datetime, calendar: WorkCalendar, escalate_after: int
) -> list[Level]:
    """Every level whose moment has come. Catching up after downtime, a deadline already passed
    gets no reminder, and one long overdue gets both the overdue notice and the escalation."""
    if now >= due:
        levels = [Level.OVERDUE]
        if calendar.working_days_between(last_day(due), now.date()) >= escalate_after:
            levels.append(Level.ESCALATE)
        return levels
    if now >= remind_from(started, due, calendar):
        return [Level.REMIND]
    return []


def overdue_working_days(due: datetime, now: datetime, calendar: WorkCalendar) -> int:
    return calendar.working_days_between(last_day(due), now.date())
