"""The clock built from config.toml: the calendar with its fallback, and each kind's periods."""

from __future__ import annotations

from datetime import date

from bot.clock.calendar import WorkCalendar
from bot.clock.deadlines import Deadlines, KindPeriods, Period, parse_period
from bot.config import Config, ConfigError, DeadlineConfig

KINDS = ("infringement", "counterfeit", "other_ip", "assistance")


def _period(text: str, key: str, optional: bool = False) -> Period | None:
    if optional and not text.strip():
        return None
    period = parse_period(text)
    if period is None:
        raise ConfigError(f'{key}: a period like "5wd", "90d", "3m" or "24h", got {text!r}')
    return period


def _required(text: str, key: str) -> Period:
    period = _period(text, key)
    assert period is not None
    return period


def _kind(rule: DeadlineConfig, key: str) -> KindPeriods:
    return KindPeriods(
        accept=_required(rule.accept, f"{key}.accept"),
        file=_period(rule.file, f"{key}.file", optional=True),
        close=_required(rule.close, f"{key}.close"),
        extension=_period(rule.extension, f"{key}.extension", optional=True),
    )


def _dates(values: tuple[str, ...], key: str) -> list[date]:
    try:
        return [date.fromisoformat(v) for v in values]
    except ValueError as exc:
        raise ConfigError(f"{key}: dates must be YYYY-MM-DD ({exc})") from exc


def work_calendar(config: Config) -> WorkCalendar:
    return WorkCalendar(
        _dates(config.calendar.holidays, "calendar.holidays"),
        _dates(config.calendar.workdays, "calendar.workdays"),
    )


def build_deadlines(config: Config, calendar: WorkCalendar | None = None) -> Deadlines:
    """Raises ConfigError on a period that does not parse, so a bad setting stops the start."""
    d = config.deadlines
    return Deadlines(
        {kind: _kind(getattr(d, kind), f"deadlines.{kind}") for kind in KINDS},
        review=_required(d.review, "deadlines.review"),
        exhibition_accept=_required(d.exhibition_accept, "deadlines.exhibition_accept"),
        calendar=calendar or work_calendar(config),
    )


def calendar_warnings(calendar: WorkCalendar, today: date) -> list[str]:
    """This year and the next, where the official calendar is missing: deadlines that cross into
    such a year count Monday to Friday plus config.toml's lists, which someone must keep."""
    return [
        f"working days of {year}: chinese-calendar has no official calendar for it; using Monday to "
        f"Friday and the {sum(d.year == year for d in calendar.holidays)} holidays and "
        f"{sum(d.year == year for d in calendar.workdays)} working weekends of config.toml's [calendar]"
        for year in calendar.uncovered_years((today.year, today.year + 1))
    ]
