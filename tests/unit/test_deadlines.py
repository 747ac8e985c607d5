"""Stage deadlines: periods, the stage of each status, pauses and extensions."""

import dataclasses
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.casework.lifecycle import Filing, Status
from bot.clock.deadlines import Stage, Unit, end_of, last_day, parse_period, stage_of
from bot.clock.settings import build_deadlines
from bot.config import ConfigError, load_config

CONFIG = load_config(Path(__file__).resolve().parents[2] / "config.toml")
DEADLINES = build_deadlines(CONFIG)


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("5wd", 5, Unit.WORKING_DAYS),
        ("90d", 90, Unit.DAYS),
        (" 3m ", 3, Unit.MONTHS),
        ("24h", 24, Unit.HOURS),
    ],
)
def test_a_period_is_a_number_and_a_unit(text, amount, unit):
    assert parse_period(text) == parse_period(text) and parse_period(text).amount == amount
    assert parse_period(text).unit is unit


@pytest.mark.parametrize("text", ["", "5", "wd", "5 weeks", "-3d", "3.5d"])
def test_anything_else_is_not_a_period(text):
    assert parse_period(text) is None


def test_a_bad_period_in_the_config_names_its_key():
    broken = dataclasses.replace(
        CONFIG.deadlines, counterfeit=dataclasses.replace(CONFIG.deadlines.counterfeit, close="ninety days")
    )
    with pytest.raises(ConfigError, match=r"deadlines\.counterfeit\.close"):
        build_deadlines(dataclasses.replace(CONFIG, deadlines=broken))


@pytest.mark.parametrize(
    ("status", "filing", "stage"),
    [
        (Status.NEW, Filing.CITY, Stage.ACCEPT),
        (Status.RETURNED, Filing.CITY, Stage.ACCEPT),
        (Status.ACCEPTED, Filing.CITY, Stage.FILE),
        (Status.HANDED_UP, Filing.CITY, Stage.FILE),
        (Status.ACCEPTED, Filing.NONE, Stage.CLOSE),
        (Status.FILED, Filing.COUNTY, Stage.CLOSE),
        (Status.REVIEW, Filing.COUNTY, Stage.REVIEW),
        (Status.AWAITING_INFO, Filing.COUNTY, None),
        (Status.CLOSED, Filing.COUNTY, None),
        (Status.POLICE, Filing.COUNTY, None),
    ],
)
def test_each_status_belongs_to_the_stage_whose_clock_runs(status, filing, stage):
    assert stage_of(status, filing) is stage


def test_a_day_counted_deadline_passes_at_midnight_after_its_last_day():
    due = DEADLINES.due(parse_period("3wd"), datetime(2026, 9, 30, 16, 0))
    assert due == datetime(2026, 10, 11) and last_day(due) == date(2026, 10, 10)


def test_the_infringement_filing_period_comes_from_facts_3_2_and_closing_from_3_3():
    periods = DEADLINES.periods["infringement"]
    assert (str(periods.file), str(periods.close), str(periods.extension)) == ("5wd", "3m", "1m")


def test_the_counterfeit_closing_period_is_the_90_days_of_facts_3_6_plus_30():
    periods = DEADLINES.periods["counterfeit"]
    assert (str(periods.close), str(periods.extension)) == ("90d", "30d")


def test_a_month_counted_deadline_keeps_to_the_end_of_a_shorter_month():
    assert last_day(DEADLINES.due(parse_period("1m"), datetime(2026, 1, 31, 9))) == date(2026, 2, 28)
    assert last_day(DEADLINES.due(parse_period("3m"), datetime(2026, 11, 30, 9))) == date(2027, 2, 28)


def test_a_complaint_at_a_fair_is_due_within_24_hours_even_over_a_weekend():
    period = DEADLINES.period("infringement", Stage.ACCEPT, at_fair=True)
    assert DEADLINES.due(period, datetime(2026, 11, 28, 15, 30)) == datetime(2026, 11, 29, 15, 30)


def test_a_wait_for_the_citizen_moves_the_deadline_on_by_the_working_days_it_took():
    due = end_of(date(2026, 10, 9))
    paused, resumed = datetime(2026, 9, 29, 10), datetime(2026, 10, 8, 11)
    # waited 30 September and 8 October (the holiday is not counted): two working days more
    assert last_day(DEADLINES.resumed(due, Unit.WORKING_DAYS, paused, resumed)) == date(2026, 10, 12)
    assert DEADLINES.resumed(due, Unit.DAYS, paused, resumed) == end_of(date(2026, 10, 18))
    assert DEADLINES.resumed(due, Unit.HOURS, paused, paused) == due


def test_an_extension_adds_the_kinds_period_to_the_deadline():
    due = end_of(date(2026, 12, 31))
    assert last_day(DEADLINES.extended(due, parse_period("30d"))) == date(2027, 1, 30)
    assert last_day(DEADLINES.extended(due, parse_period("1m"))) == date(2027, 1, 31)
