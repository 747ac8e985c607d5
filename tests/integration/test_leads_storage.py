"""Leads through the intake service on a real database: routing, priority, deadlines, history,
redelivered updates, restarts, privacy of /status and who may accept."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from bot.composition import build_hotline
from bot.config import Config
from bot.dialogue.model import SubmitLead
from bot.dialogue.states import FlowKind
from bot.hotline import Core
from bot.leads.db import Database
from bot.leads.models import LeadEventRow, LeadPatentRow, LeadRow, OutboxRow
from bot.leads.submit import create_lead
from tests.integration.conftest import (
    CITY_CHAT,
    COMPLAINT,
    PINGYAO_CHAT,
    Citizen,
    staffed,
)

TRACKING = re.compile(r"JZ-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


async def count(db: Database, model: type, **where: object) -> int:
    async with db.transaction() as s:
        query = select(func.count()).select_from(model).filter_by(**where)
        return int((await s.execute(query)).scalar_one())


async def only_lead(db: Database) -> LeadRow:
    async with db.transaction() as s:
        return (await s.execute(select(LeadRow))).scalar_one()


async def test_a_complaint_becomes_one_lead_routed_to_the_county_with_staff_notifications(hotline, db):
    replies = await Citizen(hotline, 11).script(*COMPLAINT)
    tracking = TRACKING.search(replies[-1])
    assert tracking, replies[-1]
    lead = await only_lead(db)
    assert lead.tracking_number == tracking.group(0)
    assert (lead.queue_code, lead.route_reason, lead.status) == ("140728", "place_of_act", "new")
    assert lead.fields["respondent"] == "平遥县宏达机械有限公司" and "phone" not in lead.fields
    assert (lead.contact_name, lead.contact_phone) == ("张三", "13912345678")
    assert await count(db, LeadPatentRow, number="201710601862.3") == 1
    assert await count(db, LeadEventRow, lead_id=lead.id, action="created") == 1
    async with db.transaction() as s:
        chats = sorted(r.chat_id for r in (await s.execute(select(OutboxRow))).scalars())
    assert chats == sorted([CITY_CHAT, PINGYAO_CHAT])


async def test_tracking_numbers_differ_and_follow_no_sequence(hotline, db):
    numbers = set()
    for chat in range(20, 26):
        numbers.add(TRACKING.search((await Citizen(hotline, chat).script(*COMPLAINT))[-1]).group(0))
    assert len(numbers) == 6
    assert len({n[3:7] for n in numbers}) > 1


def effect(fields: dict, flow: FlowKind = FlowKind.INFRINGEMENT, sectors=(), channels=()) -> SubmitLead:
    return SubmitLead(flow, fields, tuple(sectors), tuple(channels), "zh")


async def submit(
    db: Database, config: Config, hotline, e: SubmitLead, day: date = date(2026, 11, 24), chat_id: int = 5
):
    from datetime import datetime

    async with db.transaction() as s:
        clock = hotline.cases.timing
        return await create_lead(
            s, config, clock, e, chat_id, clock.utc(datetime.combine(day, datetime.min.time()))
        )


async def test_unresolved_outside_and_non_patent_leads_go_to_the_city_bureau_saying_why(hotline, db, config):
    cfg = staffed(config)
    cases = [
        (effect({"county": "unknown"}), "place_unknown"),
        (effect({}), "place_unknown"),
        (effect({"county": "outside"}), "out_of_area"),
        (effect({"ip_kind": "trademark"}, FlowKind.OTHER_IP), "referral"),
        (effect({"need": "aid"}, FlowKind.ASSISTANCE), "assistance"),
    ]
    for e, reason in cases:
        lead = await submit(db, cfg, hotline, e)
        assert (lead.queue_code, lead.route_reason) == (cfg.city.code, reason)


async def test_a_respondent_or_patent_seen_before_raises_the_priority_with_its_reasons(hotline, db, config):
    cfg = staffed(config)
    patents = [{"normalized": "201710601862.3"}]
    first = await submit(db, cfg, hotline, effect({"respondent": "宏达机械有限公司", "patents": patents}))
    assert (first.priority, first.priority_reasons) == ("normal", [])
    e = effect({"respondent": "平遥县宏达机械公司", "patents": patents})
    again = await submit(db, cfg, hotline, e, chat_id=6)
    assert again.priority == "high"
    assert again.priority_reasons == ["linked_respondent", "linked_patent:201710601862.3"]
    same_citizen = await submit(db, cfg, hotline, e, chat_id=6)
    assert (same_citizen.priority, same_citizen.priority_reasons[:1]) == ("high", ["linked_respondent"])


async def test_priority_sectors_and_a_fair_in_progress_raise_the_priority(hotline, db, config):
    import dataclasses

    from bot.config import FairConfig

    fair = FairConfig("晋中农机博览会", "140702", "2026-11-20", "2026-11-26")
    cfg = dataclasses.replace(staffed(config), fairs=(fair,))
    lead = await submit(db, cfg, hotline, effect({}, sectors=["food_drug"], channels=["exhibition"]))
    assert lead.priority_reasons == ["fair:晋中农机博览会", "sector:food_drug"]
    after = await submit(db, cfg, hotline, effect({}, channels=["exhibition"]), day=date(2026, 11, 27))
    assert after.priority == "normal"


async def test_deadlines_come_from_the_config_in_working_days_of_the_official_calendar(hotline, db, config):
    cfg = staffed(config)
    friday = date(2026, 11, 27)
    lead = await submit(db, cfg, hotline, effect({}), day=friday)
    assert lead.accept_due == date(2026, 12, 2)  # 3 working days, the weekend skipped
    assert (lead.stage, lead.stage_due) == ("accept", date(2026, 12, 2))
    before_national_day = await submit(
        db, cfg, hotline, effect({}, FlowKind.COUNTERFEIT), day=date(2026, 9, 30)
    )
    assert before_national_day.accept_due == date(2026, 10, 10)  # 1–7 October off, Saturday the 10th worked


async def test_a_redelivered_update_is_processed_once(hotline, db):
    citizen = Citizen(hotline, 31)
    await citizen.script(*COMPLAINT[:-1])
    assert await citizen.send("!submit")
    citizen.update_id -= 1
    assert await citizen.send("!submit") == []
    assert await count(db, LeadRow) == 1


async def test_the_conversation_survives_a_restart_on_the_same_database(config, core, database_url):
    from tests.integration.conftest import fresh_database

    first_db = await fresh_database(database_url)
    before = Citizen(build_hotline(staffed(config), core=core, db=first_db), 41)
    await before.script(*COMPLAINT[:5])
    await first_db.close()
    second_db = Database(database_url)
    after = Citizen(build_hotline(staffed(config), core=core, db=second_db), 41, first_update=500)
    replies = await after.script(*COMPLAINT[5:])
    assert TRACKING.search(replies[-1])
    assert await count(second_db, LeadRow) == 1
    await second_db.close()


async def test_status_shows_only_the_chats_own_leads(hotline, db):
    replies = await Citizen(hotline, 51).script(*COMPLAINT)
    tracking = TRACKING.search(replies[-1]).group(0)
    mine = await Citizen(hotline, 51, 100).send("/status")
    assert tracking in mine[0] and "待受理" in mine[0]
    other = Citizen(hotline, 52)
    assert tracking not in (await other.send("/status"))[0]
    probe = await other.send(f"我的线索 {tracking} 进展怎么样了")
    assert "没有找到" in probe[0] and "张三" not in " ".join(probe)


async def test_core_is_shared_between_builds(core: Core):
    assert core.faq.get("patent.term") is not None


async def test_many_chats_at_once_with_the_outbox_worker_running_lose_nothing(hotline, db):
    import asyncio

    from bot.notify.worker import OutboxWorker
    from tests.integration.test_outbox import SETTINGS, RecordingSender

    sender = RecordingSender()
    worker = OutboxWorker(db, sender, SETTINGS)
    hotline.intake.wake_outbox = worker.wake.set
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    replies = await asyncio.gather(*[Citizen(hotline, 200 + n).script(*COMPLAINT) for n in range(12)])
    await worker.drain()
    stop.set()
    await running
    assert all(TRACKING.search(r[-1]) for r in replies)
    assert await count(db, LeadRow) == 12
    assert len(sender.sent) == 24 and len(set(sender.sent)) == 24
