"""When the supervisor speaks: the working day before a deadline, at it, and N working days on."""

from datetime import date, datetime

from bot.clock.calendar import WorkCalendar
from bot.clock.deadlines import end_of
from bot.supervision.watch import Level, levels_due, remind_from

CALENDAR = WorkCalendar()


def test_a_deadline_on_monday_is_reminded_on_friday_even_when_the_lead_came_on_wednesday_night():
    started, due = datetime(2026, 12, 2, 21, 2), end_of(date(2026, 12, 7))
    assert remind_from(started, due, CALENDAR) == datetime(2026, 12, 4)
    assert levels_due(started, due, datetime(2026, 12, 4, 9), CALENDAR, 5) == [Level.REMIND]
    assert levels_due(started, due, datetime(2026, 12, 3, 23), CALENDAR, 5) == []


def test_a_24_hour_deadline_over_a_weekend_is_reminded_half_way():
    started = datetime(2026, 12, 5, 10)  # a Saturday at a fair
    assert remind_from(started, datetime(2026, 12, 6, 10), CALENDAR) == datetime(2026, 12, 5, 22)


def test_the_day_before_the_national_day_holiday_is_the_working_day_before():
    due = end_of(date(2026, 10, 8))
    assert remind_from(datetime(2026, 9, 25, 9), due, CALENDAR) == datetime(2026, 9, 30)


def test_overdue_then_escalated_after_five_working_days_the_holiday_not_counted():
    started, due = datetime(2026, 9, 25, 9), end_of(date(2026, 9, 29))
    assert levels_due(started, due, datetime(2026, 9, 30, 9), CALENDAR, 5) == [Level.OVERDUE]
    # 30 September, 8, 9, 10 (a Saturday worked) and 12 October
    assert levels_due(started, due, datetime(2026, 10, 11, 9), CALENDAR, 5) == [Level.OVERDUE]
    assert levels_due(started, due, datetime(2026, 10, 12, 9), CALENDAR, 5) == [Level.OVERDUE, Level.ESCALATE]
