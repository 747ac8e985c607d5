"""Working days of China's official calendar, its adjusted weekends, and the fallback for a year it
does not cover."""

from datetime import date

import pytest

from bot.clock.calendar import WorkCalendar
from bot.clock.settings import calendar_warnings

OFFICIAL = WorkCalendar()


def test_the_national_day_holiday_is_not_counted():
    assert OFFICIAL.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)


def test_an_adjusted_working_saturday_is_counted():
    assert OFFICIAL.is_working_day(date(2026, 10, 10))
    assert OFFICIAL.add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)


def test_the_spring_festival_week_is_skipped_and_its_working_weekends_kept():
    assert OFFICIAL.is_working_day(date(2026, 2, 14))  # a Saturday worked before the holiday
    assert not OFFICIAL.is_working_day(date(2026, 2, 17))
    assert OFFICIAL.is_working_day(date(2026, 2, 28))


def test_a_plain_weekend_is_skipped():
    assert OFFICIAL.add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)


def test_working_days_between_counts_the_end_and_not_the_start():
    assert OFFICIAL.working_days_between(date(2026, 9, 30), date(2026, 10, 9)) == 2
    assert OFFICIAL.working_days_between(date(2026, 10, 9), date(2026, 10, 9)) == 0
    assert OFFICIAL.working_days_between(date(2026, 10, 9), date(2026, 10, 1)) == 0


def test_the_working_day_before_a_day_after_a_holiday_is_before_the_holiday():
    assert OFFICIAL.previous_working_day(date(2026, 10, 8)) == date(2026, 9, 30)


def test_a_year_the_library_does_not_cover_falls_back_to_the_configured_holidays():
    fallback = WorkCalendar(holidays=[date(2027, 1, 1)], workdays=[date(2027, 1, 9)])
    assert not fallback.covers(2027)
    assert fallback.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert fallback.is_working_day(date(2027, 1, 9))  # a Saturday listed as worked
    assert WorkCalendar().add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 1)


def test_without_the_official_calendar_every_year_uses_the_fallback():
    bare = WorkCalendar(holidays=[date(2026, 10, 1)], official=False)
    assert bare.is_working_day(date(2026, 10, 2))
    assert not bare.is_working_day(date(2026, 10, 1))
    assert not bare.is_working_day(date(2026, 10, 10))


@pytest.mark.parametrize(("today", "years"), [(date(2026, 12, 2), [2027]), (date(2025, 6, 1), [])])
def test_a_warning_names_each_year_near_today_without_an_official_calendar(today, years):
    warnings = calendar_warnings(OFFICIAL, today)
    assert [int(w.split()[3].rstrip(":")) for w in warnings] == years


def test_the_configured_calendar_keeps_the_statutory_holidays_of_2027():
    from pathlib import Path

    from bot.clock.settings import work_calendar
    from bot.config import load_config

    calendar = work_calendar(load_config(Path(__file__).resolve().parents[2] / "config.toml"))
    assert not calendar.is_working_day(date(2027, 1, 1))
    assert not calendar.is_working_day(date(2027, 2, 8))  # 正月初三
    assert calendar.add_working_days(date(2026, 12, 30), 2) == date(2027, 1, 4)
