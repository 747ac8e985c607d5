"""The supervisor with a controlled clock, on the real database (SQLite, and PostgreSQL when
configured): reminders, overdue, 督办, the second escalation, catch-up after downtime, two workers,
the paused clock, 延长, and the morning digest."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.composition import build_hotline
from bot.leads.db import Database
from bot.leads.models import LeadStageRow, OutboxRow, SupervisionRow
from tests.integration.conftest import CITY_CHAT, CITY_STAFF, PINGYAO_CHAT, PINGYAO_STAFF, staffed
from tests.integration.test_casework import COUNTERFEIT, Groups, Office, lead_of, submitted

ZONE = ZoneInfo("Asia/Shanghai")


class Clock:
    """The service's clock, set by the test (local time of Jinzhong in, naive UTC out)."""

    def __init__(self, local: datetime) -> None:
        self.set(local)

    def set(self, local: datetime) -> None:
        self.now = local.replace(tzinfo=ZONE).astimezone(UTC).replace(tzinfo=None)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 12, 7, 9, 0))  # a Monday


def late_digest(config):
    """The deadline tests' service sends its morning digest just before midnight, out of their way."""
    supervision = dataclasses.replace(config.supervision, digest_time="23:59")
    return dataclasses.replace(staffed(config), supervision=supervision)


@pytest.fixture
def office(config, core, db, clock) -> Office:
    return Office(build_hotline(late_digest(config), core=core, db=db, clock=clock), Groups())


@pytest.fixture
def morning_office(config, core, db, clock) -> Office:
    return Office(build_hotline(staffed(config), core=core, db=db, clock=clock), Groups())


async def supervise(
    office: Office, clock: Clock, local: datetime, dry_run: bool = False
) -> list[tuple[int, str]]:
    clock.set(local)
    sent = await office.hotline.supervisor.round(clock(), dry_run=dry_run)
    await office.worker.drain()
    return [(m.chat_id, m.purpose) for m in sent]


async def rows(db: Database, model) -> int:
    async with db.transaction() as s:
        return (await s.execute(select(func.count()).select_from(model))).scalar_one()


async def test_a_deadline_is_reminded_the_day_before_then_overdue_then_escalated_each_once(office, clock, db):
    _, tracking = await submitted(office.hotline, office, 81)
    lead = await lead_of(db, tracking)
    assert lead.stage == "accept" and lead.stage_due.isoformat() == "2026-12-10"  # 3 working days

    assert await supervise(office, clock, datetime(2026, 12, 8, 9)) == []
    assert await supervise(office, clock, datetime(2026, 12, 9, 9)) == [(PINGYAO_CHAT, "supervise_remind")]
    assert "2026-12-10" in office.groups.last(PINGYAO_CHAT).text
    assert await supervise(office, clock, datetime(2026, 12, 9, 15)) == []
    assert await supervise(office, clock, datetime(2026, 12, 10, 23, 58)) == []

    overdue = await supervise(office, clock, datetime(2026, 12, 11, 0, 1))
    assert overdue == [(PINGYAO_CHAT, "supervise_overdue"), (CITY_CHAT, "supervise_notice")]
    notice = office.groups.last(CITY_CHAT)
    assert "平遥县" in notice.text and [b["label"] for b in notice.buttons] == ["督办", "查看线索"]
    assert await supervise(office, clock, datetime(2026, 12, 11, 10)) == []

    # five working days after the last day (10 December): 17 December
    assert await supervise(office, clock, datetime(2026, 12, 16, 18)) == []
    escalated = await supervise(office, clock, datetime(2026, 12, 17, 9))
    assert escalated == [(PINGYAO_CHAT, "supervise_escalate"), (CITY_CHAT, "supervise_notice")]
    assert "超期 5 个工作日" in office.groups.last(PINGYAO_CHAT).text
    assert await supervise(office, clock, datetime(2026, 12, 28, 9)) == []
    events = [e for e in await _events(db, tracking) if e in ("remind", "overdue", "escalate")]
    assert events == ["remind", "overdue", "escalate"]


async def test_the_city_presses_督办_and_the_county_gets_a_formal_notice_once(office, clock, db):
    _, tracking = await submitted(office.hotline, office, 82)
    await supervise(office, clock, datetime(2026, 12, 11, 9))
    notice = office.groups.last(CITY_CHAT)

    refused = await office.press(PINGYAO_STAFF, CITY_CHAT, notice, "督办")
    assert "只有市局" in refused
    answer = await office.press(CITY_STAFF, CITY_CHAT, notice, "督办")
    assert "已向平遥县发出督办通知" in answer
    formal = office.groups.last(PINGYAO_CHAT)
    assert "督办通知" in formal.text and tracking in formal.text and f"u{CITY_STAFF}" in formal.text
    assert "已督办" in notice.text and [b["label"] for b in notice.buttons] == ["查看线索"]
    again = await office.press(CITY_STAFF, CITY_CHAT, notice, "督办", forge=f"sv:{tracking}")
    assert "已经督办过" in again
    async with db.transaction() as s:
        levels = list((await s.execute(select(SupervisionRow.level).order_by(SupervisionRow.id))).scalars())
    assert levels == ["overdue", "supervise"]


async def test_督办_on_a_lead_handled_in_the_meantime_is_refused(office, clock, db):
    _, tracking = await submitted(office.hotline, office, 83)
    await supervise(office, clock, datetime(2026, 12, 11, 9))
    notice = office.groups.last(CITY_CHAT)
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "受理")
    assert "没有超期" in await office.press(CITY_STAFF, CITY_CHAT, notice, "督办")


async def test_after_days_of_downtime_a_round_catches_up_without_a_late_reminder(office, clock, db):
    await submitted(office.hotline, office, 84)
    sent = await supervise(office, clock, datetime(2026, 12, 21, 9))  # down from Monday to the next-but-one
    assert sent == [
        (PINGYAO_CHAT, "supervise_overdue"),
        (CITY_CHAT, "supervise_notice"),
        (PINGYAO_CHAT, "supervise_escalate"),
        (CITY_CHAT, "supervise_notice"),
    ]
    assert not any(m.purpose == "supervise_remind" for m in await _outbox(db))


async def test_two_workers_running_the_same_round_send_each_message_once(
    office, clock, db, config, core, database_url
):
    for chat in (85, 86, 87):
        await submitted(office.hotline, office, chat)
    second_db = Database(database_url)
    try:
        other = build_hotline(late_digest(config), core=core, db=second_db, clock=clock)
        clock.set(datetime(2026, 12, 11, 9))
        first, second = await asyncio.gather(
            office.hotline.supervisor.round(clock()), other.supervisor.round(clock())
        )
    finally:
        await second_db.close()
    assert len(first) + len(second) == 6  # three leads, a county message and a city notice each
    purposes = [m.purpose for m in await _outbox(db) if m.purpose.startswith("supervise")]
    assert sorted(purposes) == ["supervise_notice"] * 3 + ["supervise_overdue"] * 3


async def test_a_dry_run_records_nothing_and_a_real_round_then_sends_the_same(office, clock, db):
    await submitted(office.hotline, office, 88)
    outbox_before = await rows(db, OutboxRow)
    dry = await supervise(office, clock, datetime(2026, 12, 11, 9), dry_run=True)
    assert dry and await rows(db, SupervisionRow) == 0 and await rows(db, OutboxRow) == outbox_before
    assert await supervise(office, clock, datetime(2026, 12, 11, 9)) == dry


async def test_no_clock_runs_while_the_citizen_is_asked_for_more_and_the_wait_moves_the_deadline(
    office, clock, db
):
    citizen, tracking = await submitted(office.hotline, office, 89)
    clock.set(datetime(2026, 12, 8, 10))  # Tuesday
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "受理")
    lead = await lead_of(db, tracking)
    assert (lead.stage, lead.stage_due.isoformat()) == ("file", "2026-12-14")  # 5 working days from arrival
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "补充材料")
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, "请补充专利证书")
    assert "计时暂停" in office.groups.card(PINGYAO_CHAT, tracking).text
    assert await supervise(office, clock, datetime(2026, 12, 16, 9)) == []  # past the old deadline: paused

    clock.set(datetime(2026, 12, 16, 10))  # the citizen answers six working days later... on Wednesday
    await citizen.send(f"!cz:id:{tracking}")
    lead = await lead_of(db, tracking)
    # waited 9, 10, 11, 14, 15, 16 December: six working days more than 14 December
    assert (lead.status, lead.stage, lead.stage_due.isoformat()) == ("accepted", "file", "2026-12-22")
    async with db.transaction() as s:
        stages = list((await s.execute(select(LeadStageRow))).scalars())
    assert [(r.stage, r.ended_by, r.on_time, r.working_days, r.queue_code) for r in stages] == [
        ("accept", "accept", True, 1, "140728")
    ]


async def test_a_counterfeit_case_is_extended_once_by_the_30_days_of_facts_3_6(office, clock, db):
    _, tracking = await submitted(office.hotline, office, 90, COUNTERFEIT)
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "受理")
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "立案")
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, "0")
    lead = await lead_of(db, tracking)
    assert (lead.stage, lead.stage_due.isoformat()) == ("close", "2027-03-07")  # 90 days from 7 December
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "延长")
    await office.reply(PINGYAO_STAFF, PINGYAO_CHAT, "需要补充鉴定，经负责人批准")
    lead = await lead_of(db, tracking)
    assert (lead.extended, lead.stage_due.isoformat()) == (True, "2027-04-06")
    assert "延长" not in [b["label"] for b in office.groups.card(PINGYAO_CHAT, tracking).buttons]
    assert "2027-04-06" in office.groups.last(90).text


async def test_the_morning_digest_goes_out_once_on_working_days_after_its_time(morning_office, clock, db):
    office = morning_office
    await submitted(office.hotline, office, 91)
    await submitted(office.hotline, office, 92)
    assert (
        await supervise(office, clock, datetime(2026, 12, 12, 9))
        == [
            (PINGYAO_CHAT, "supervise_overdue"),
            (CITY_CHAT, "supervise_notice"),
        ]
        * 2
    )  # a Saturday: deadlines are watched, no digest
    assert await supervise(office, clock, datetime(2026, 12, 14, 8, 0)) == []
    digest = await supervise(office, clock, datetime(2026, 12, 14, 8, 31))
    assert digest == [(PINGYAO_CHAT, "digest"), (CITY_CHAT, "digest")]
    county = office.groups.last(PINGYAO_CHAT).text
    assert "待受理 2 条" in county and "已超期 2 条" in county
    city = office.groups.last(CITY_CHAT).text
    assert "平遥县" in city and "榆次区" in city and "合计" in city
    assert await supervise(office, clock, datetime(2026, 12, 14, 11)) == []


async def _events(db: Database, tracking: str) -> list[str]:
    from tests.integration.test_casework import events_of

    return await events_of(db, tracking)


async def _outbox(db: Database) -> list[OutboxRow]:
    async with db.transaction() as s:
        return list((await s.execute(select(OutboxRow).order_by(OutboxRow.id))).scalars())


def test_the_clock_helper_reads_jinzhong_time():
    assert Clock(datetime(2026, 12, 7, 9))() == datetime(2026, 12, 7, 1)


async def test_a_case_the_city_holds_is_supervised_as_the_citys_and_takes_the_citys_case_number(
    office, clock, db
):
    _, tracking = await submitted(office.hotline, office, 93)
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "受理")
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, tracking, "移交市局")
    sent = await supervise(office, clock, datetime(2026, 12, 15, 9))  # filing due 14 December
    assert sent == [(CITY_CHAT, "supervise_overdue")]  # the city's own: no 督办 notice to itself
    assert "请尽快办理" in office.groups.last(CITY_CHAT).text
    async with db.transaction() as s:
        assert list((await s.execute(select(SupervisionRow.queue_code))).scalars()) == ["140700"]
    await office.act(CITY_STAFF, CITY_CHAT, tracking, "立案")
    await office.reply(CITY_STAFF, CITY_CHAT, "0")
    assert (await lead_of(db, tracking)).case_number == "晋中市局知执立〔2026〕001号"
    async with db.transaction() as s:
        ended = list((await s.execute(select(LeadStageRow).order_by(LeadStageRow.id))).scalars())
    assert [(r.stage, r.queue_code, r.on_time) for r in ended] == [
        ("accept", "140728", True),
        ("file", "140700", False),
    ]
