"""The period a report covers, a month or a year, for the whole city or one county queue."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ReportPeriod:
    year: int
    month: int | None = None
    county: str | None = None
    """A queue code, or None for every queue."""

    @property
    def start(self) -> date:
        return date(self.year, self.month or 1, 1)

    @property
    def end(self) -> date:
        """The first day after the period."""
        if self.month is None or self.month == 12:
            return date(self.year + 1, 1, 1)
        return date(self.year, self.month + 1, 1)

    def months(self) -> list[tuple[date, date]]:
        """The months a per-month table shows: January to the period's month (or all twelve)."""
        last = self.month or 12
        return [
            (date(self.year, m, 1), date(self.year + (m == 12), m % 12 + 1, 1)) for m in range(1, last + 1)
        ]

    def label(self) -> str:
        return f"{self.year}年{self.month}月" if self.month else f"{self.year}年"


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_when(text: str) -> tuple[int, int | None] | None:
    """ "2026-11" → (2026, 11); "2026" → (2026, None); anything else None."""
    text = text.strip()
    if match := _MONTH.match(text):
        year, month = int(match.group(1)), int(match.group(2))
        return (year, month) if 1 <= month <= 12 and 2000 <= year <= 2100 else None
    if match := _YEAR.match(text):
        year = int(match.group(1))
        return (year, None) if 2000 <= year <= 2100 else None
    return None


def previous_month(today: date) -> tuple[int, int]:
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def find_queue(text: str, names: dict[str, str]) -> str | None:
    """A queue code from its code or name, with or without 县/区/市 (平遥, 平遥县, 140728)."""
    text = text.strip()
    if text in names:
        return text
    for code, name in names.items():
        if text in (name, name.rstrip("县区市局")) or (len(text) >= 2 and name.startswith(text)):
            return code
    return None
