"""Each lead's clock: the stage it is in, when that stage is due, paused and extended. Pure.

Stages (the periods and their basis are in config.toml, `[deadlines]`):
- ACCEPT: from arrival in a queue to 受理 or 不予受理 (the hotline's own target; 24 hours for a
  complaint made at a fair in progress, facts 4.7);
- FILE: to 立案, counted from the lead's arrival in its queue, as facts 3.2 counts from receipt;
- CLOSE: from 立案 (or from 受理 for a kind that is never filed) to 结案;
- REVIEW: a citizen's 申请复核, to the city's decision.
While a lead waits for the citizen (待补充) no stage runs; on resuming, its deadline moves on by
the working days (or days, or hours) the wait took. 延长 adds the kind's extension once.
"""

from __future__ import annotations

import calendar as months
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.casework.lifecycle import Filing, Status
from bot.clock.calendar import WorkCalendar


class Stage(StrEnum):
    ACCEPT = "accept"
    FILE = "file"
    CLOSE = "close"
    REVIEW = "review"


class Unit(StrEnum):
    WORKING_DAYS = "wd"
    DAYS = "d"
    MONTHS = "m"
    HOURS = "h"


@dataclass(frozen=True)
class Period:
    amount: int
    unit: Unit

    def __str__(self) -> str:
        return f"{self.amount}{self.unit.value}"


_PERIOD = re.compile(r"^\s*(\d{1,4})\s*(wd|d|m|h)\s*$")


def parse_period(text: str) -> Period | None:
    """ "5wd" (working days), "90d" (days), "3m" (months), "24h" (hours); "" for none."""
    match = _PERIOD.match(text)
    if not match:
        return None
    return Period(int(match.group(1)), Unit(match.group(2)))


@dataclass(frozen=True)
class KindPeriods:
    accept: Period
    file: Period | None
    close: Period
    extension: Period | None


def stage_of(status: Status, filing: Filing) -> Stage | None:
    if status in (Status.NEW, Status.RETURNED):
        return Stage.ACCEPT
    if status in (Status.ACCEPTED, Status.HANDED_UP):
        return Stage.CLOSE if filing is Filing.NONE else Stage.FILE
    if status is Status.FILED:
        return Stage.CLOSE
    if status is Status.REVIEW:
        return Stage.REVIEW
    return None


def _add_months(day: date, count: int) -> date:
    month = day.month - 1 + count
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, months.monthrange(year, month)[1]))


class Deadlines:
    """Deadlines in the service's local time (naive datetimes): a day-counted stage is due at the
    end of its last day, an hour-counted one at its exact hour."""

    def __init__(
        self,
        periods: dict[str, KindPeriods],
        review: Period,
        exhibition_accept: Period,
        calendar: WorkCalendar,
    ) -> None:
        self.periods = periods
        self.review = review
        self.exhibition_accept = exhibition_accept
        self.calendar = calendar

    def period(self, kind: str, stage: Stage, at_fair: bool = False) -> Period | None:
        kp = self.periods[kind]
        if stage is Stage.ACCEPT:
            return self.exhibition_accept if at_fair else kp.accept
        if stage is Stage.FILE:
            return kp.file
        if stage is Stage.CLOSE:
            return kp.close
        return self.review

    def due(self, period: Period, start: datetime) -> datetime:
        if period.unit is Unit.HOURS:
            return start + timedelta(hours=period.amount)
        day = start.date()
        if period.unit is Unit.WORKING_DAYS:
            last = self.calendar.add_working_days(day, period.amount)
        elif period.unit is Unit.DAYS:
            last = day + timedelta(days=period.amount)
        else:
            last = _add_months(day, period.amount)
        return end_of(last)

    def resumed(self, due: datetime, unit: Unit, paused: datetime, resumed: datetime) -> datetime:
        """The deadline after a wait for the citizen from `paused` to `resumed`."""
        if unit is Unit.HOURS:
            return due + max(resumed - paused, timedelta(0))
        if unit is Unit.WORKING_DAYS:
            waited = self.calendar.working_days_between(paused.date(), resumed.date())
            return end_of(self.calendar.add_working_days(last_day(due), waited))
        return due + timedelta(days=max((resumed.date() - paused.date()).days, 0))

    def extended(self, due: datetime, extension: Period) -> datetime:
        if extension.unit is Unit.HOURS:
            return due + timedelta(hours=extension.amount)
        return self.due(extension, datetime.combine(last_day(due), time()))


def end_of(day: date) -> datetime:
    """The moment a day-counted deadline passes: midnight after its last day."""
    return datetime.combine(day + timedelta(days=1), time())


def last_day(due: datetime) -> date:
    """The last day on which a deadline can still be met (shown on cards)."""
    return (due - timedelta(microseconds=1)).date()
