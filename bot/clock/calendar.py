"""Working days as China's State Council sets them: holidays and the adjusted working weekends (调休).

The official calendar comes from chinese-calendar, which covers the years whose notice it has.
For any other year the working days are Monday to Friday, minus the holidays and plus the working
weekends listed in config.toml; `uncovered_years` says which years that is, for a warning at start.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Protocol


class OfficialCalendar(Protocol):
    def is_workday(self, day: date) -> bool: ...


def _official() -> OfficialCalendar | None:
    try:
        import chinese_calendar  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - it is a dependency; this keeps the fallback honest
        return None
    official: OfficialCalendar = chinese_calendar
    return official


class WorkCalendar:
    def __init__(
        self,
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
        official: OfficialCalendar | bool | None = True,
    ) -> None:
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        self.official = _official() if official is True else (official or None)
        self._covered: dict[int, bool] = {}
        self._days: dict[date, bool] = {}
        """Every day asked about, remembered: a supervision round asks about the same days for
        thousands of leads."""

    def covers(self, year: int) -> bool:
        """Whether the official calendar knows `year`."""
        if year not in self._covered:
            covered = False
            if self.official is not None:
                try:
                    self.official.is_workday(date(year, 6, 1))
                    covered = True
                except NotImplementedError:
                    covered = False
            self._covered[year] = covered
        return self._covered[year]

    def uncovered_years(self, years: Iterable[int]) -> list[int]:
        return [y for y in years if not self.covers(y)]

    def is_working_day(self, day: date) -> bool:
        known = self._days.get(day)
        if known is None:
            known = self._days[day] = self._is_working_day(day)
        return known

    def _is_working_day(self, day: date) -> bool:
        if self.official is not None and self.covers(day.year):
            return bool(self.official.is_workday(day))
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (start itself not counted)."""
        current = start
        while days > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                days -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: 0 when end is not after start."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def previous_working_day(self, day: date) -> date:
        current = day - timedelta(days=1)
        while not self.is_working_day(current):
            current -= timedelta(days=1)
        return current
