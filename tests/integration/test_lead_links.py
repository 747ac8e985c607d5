"""Links between leads on a real database (SQLite, and PostgreSQL when configured): the staff card
names the earlier leads about the same respondent or patent with their statuses now, the same
complainant's earlier leads are a duplicate and not a repeat, and several respondents on one
patent within the window are flagged as a possible group infringement."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime

from sqlalchemy import select

from bot.config import Config, RepeatsConfig
from bot.dialogue.model import SubmitLead
from bot.dialogue.states import FlowKind
from bot.hotline import Hotline
from bot.leads.db import Database
from bot.leads.models import LeadPatentRow, LeadRow, LeadTagRow, OutboxRow
from bot.leads.submit import create_lead
from bot.reports.period import ReportPeriod
from tests.integration.conftest import COMPLAINT, PINGYAO_CHAT, PINGYAO_STAFF, Citizen, staffed
from tests.integration.test_casework import Groups, Office

PATENT = "201810234567.3"
OTHER_PATENT = "201920345678.1"
TRACKING = re.compile(r"JZ-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


async def file(
    hotline: Hotline,
    config: Config,
    respondent: str | None,
    chat_id: int,
    day: date = date(2026, 11, 24),
    patents: tuple[str, ...] = (PATENT,),
    phone: str | None = None,
) -> LeadRow:
    fields: dict = {"county": "140728", "patents": [{"normalized": n} for n in patents]}
    if respondent:
        fields["respondent"] = respondent
    if phone:
        fields |= {"name": "王五", "phone": phone}
    effect = SubmitLead(FlowKind.INFRINGEMENT, fields, (), (), "zh")
    clock = hotline.cases.timing
    async with hotline.db.transaction() as s:
        now = clock.utc(datetime.combine(day, datetime.min.time()))
        return await create_lead(s, config, clock, effect, chat_id, now)


async def card(hotline: Hotline, lead: LeadRow) -> str:
    """The card as the Pingyao group would be sent it now."""
    async with hotline.db.transaction() as s:
        row = await s.get(LeadRow, lead.id)
        await hotline.cases.post_card(s, row, PINGYAO_CHAT)
        await s.flush()
        query = select(OutboxRow.text).where(OutboxRow.lead_id == lead.id).order_by(OutboxRow.id.desc())
        return (await s.execute(query.limit(1))).scalar_one()


async def set_status(db: Database, lead: LeadRow, status: str) -> None:
    async with db.transaction() as s:
        (await s.get(LeadRow, lead.id)).status = status


async def test_the_card_names_the_earlier_lead_about_the_same_patent_and_respondent(hotline, db, config):
    cfg = staffed(config)
    first = await file(hotline, cfg, "宏达机械公司", chat_id=41)
    await set_status(db, first, "accepted")
    second = await file(hotline, cfg, "平遥县宏达机械有限公司", chat_id=42)
    text = await card(hotline, second)
    earlier = (
        f"与 <code>{first.tracking_number}</code>（已受理） 涉及同一专利 {PATENT}、同一被投诉方 宏达机械公司"
    )
    assert earlier in text
    assert second.priority == "high"
    assert second.priority_reasons == ["linked_respondent", f"linked_patent:{PATENT}"]
    assert "重复侵权" not in text
    assert "涉及同一" not in await card(hotline, first)  # the earlier card names no later lead


async def test_the_card_shows_the_earlier_leads_status_as_it_is_now(hotline, db, config):
    cfg = staffed(config)
    first = await file(hotline, cfg, "宏达机械", chat_id=41, patents=())
    second = await file(hotline, cfg, "宏达机械厂", chat_id=42, patents=())
    shown = f"<code>{first.tracking_number}</code>（待受理） 涉及同一被投诉方 宏达机械"
    assert shown in await card(hotline, second)
    await set_status(db, first, "filed")
    assert f"<code>{first.tracking_number}</code>（已立案）" in await card(hotline, second)


async def test_a_different_firm_with_a_similar_name_is_not_linked(hotline, db, config):
    cfg = staffed(config)
    await file(hotline, cfg, "宏大机械", chat_id=41, patents=())
    await file(hotline, cfg, "介休市宏达机械", chat_id=42, patents=())
    third = await file(hotline, cfg, "平遥县宏达机械厂", chat_id=43, patents=())
    assert third.priority_reasons == []
    assert "涉及同一" not in await card(hotline, third)


async def test_the_same_complainant_filing_again_is_a_duplicate_not_a_repeat(hotline, db, config):
    cfg = staffed(config)
    first = await file(hotline, cfg, "宏达机械公司", chat_id=41)
    again = await file(hotline, cfg, "平遥县宏达机械有限公司", chat_id=41)
    text = await card(hotline, again)
    assert again.priority == "normal" and again.priority_reasons == []
    assert "涉及同一" not in text
    assert f"同一投诉人此前就同一被投诉方提交过 <code>{first.tracking_number}</code>（待受理）" in text


async def test_the_same_phone_from_another_chat_is_the_same_complainant(hotline, db, config):
    cfg = staffed(config)
    await file(hotline, cfg, "宏达机械", chat_id=41, patents=(), phone="13912345678")
    again = await file(hotline, cfg, "宏达机械公司", chat_id=51, patents=(), phone="+86 139 1234 5678")
    assert again.priority_reasons == []
    assert "同一投诉人" in await card(hotline, again)


async def test_the_same_complainant_against_another_respondent_shares_the_patent(hotline, db, config):
    cfg = staffed(config)
    first = await file(hotline, cfg, "宏达机械", chat_id=41)
    second = await file(hotline, cfg, "昌盛农机", chat_id=41)
    text = await card(hotline, second)
    assert f"与 <code>{first.tracking_number}</code>（待受理） 涉及同一专利 {PATENT}" in text
    assert "同一被投诉方" not in text and "同一投诉人" not in text


async def test_three_respondents_on_one_patent_within_the_window_are_a_possible_group_infringement(
    hotline, db, config
):
    cfg = staffed(config)
    first = await file(hotline, cfg, "宏达机械", chat_id=41, day=date(2026, 11, 2))
    second = await file(hotline, cfg, "昌盛农机有限公司", chat_id=42, day=date(2026, 11, 10))
    third = await file(hotline, cfg, "平遥县永兴五金店", chat_id=43, day=date(2026, 11, 24))
    assert f"group:{PATENT}" in third.priority_reasons
    assert not any(r.startswith("group:") for r in second.priority_reasons)
    text = await card(hotline, third)
    line = next(x for x in text.split("\n") if x.startswith("疑似群体侵权"))
    assert f"专利 {PATENT} 在 23 天内涉及 3 个不同被投诉方" in line
    assert f"<code>{second.tracking_number}</code>（待受理，昌盛农机有限公司）" in line
    assert f"<code>{first.tracking_number}</code>（待受理，宏达机械）" in line
    assert "疑似群体侵权（专利" in text.split("\n")[3]


async def test_a_group_needs_different_respondents_and_a_short_time(hotline, db, config):
    cfg = staffed(config)
    await file(hotline, cfg, "宏达机械", chat_id=41, day=date(2026, 10, 1))
    await file(hotline, cfg, "昌盛农机", chat_id=42, day=date(2026, 11, 20))
    late = await file(hotline, cfg, "永兴五金", chat_id=43, day=date(2026, 11, 24))
    assert not any(r.startswith("group:") for r in late.priority_reasons)
    await file(hotline, cfg, "平遥县昌盛农机有限公司", chat_id=44, day=date(2026, 11, 24))
    async with db.transaction() as s:
        last = (await s.execute(select(LeadRow).order_by(LeadRow.id.desc()).limit(1))).scalar_one()
    assert not any(r.startswith("group:") for r in last.priority_reasons)  # 昌盛 twice: two firms in 30 days
    wider = dataclasses.replace(cfg, repeats=RepeatsConfig(group_window_days=60, group_min_respondents=3))
    flagged = await file(hotline, wider, "顺达商贸", chat_id=45, day=date(2026, 11, 25))
    assert f"group:{PATENT}" in flagged.priority_reasons
    assert "疑似群体侵权" in await card(hotline, flagged)


async def test_many_links_are_capped_and_counted_and_the_card_fits_telegram(hotline, db, config):
    cfg = staffed(config)
    long_name = "平遥县宏达" + "农业机械制造" * 8 + "有限公司"
    for n in range(9):
        await file(hotline, cfg, long_name, chat_id=60 + n, patents=(PATENT, OTHER_PATENT))
    last = await file(hotline, cfg, long_name, chat_id=99, patents=(PATENT, OTHER_PATENT))
    text = await card(hotline, last)
    assert text.count("涉及同一专利") == 5
    assert "等 9 条关联线索（以上为最近 5 条）" in text
    assert len(text) < 4096


async def test_links_are_kept_as_lead_tags(hotline, db, config):
    cfg = staffed(config)
    first = await file(hotline, cfg, "宏达机械", chat_id=41)
    second = await file(hotline, cfg, "宏达机械", chat_id=42)
    async with db.transaction() as s:
        query = select(LeadTagRow.tag).where(LeadTagRow.lead_id == second.id)
        assert set((await s.execute(query)).scalars()) == {f"link:r:{first.id}", f"link:p:{first.id}"}


async def test_the_report_counts_a_respondent_once_per_complainant_under_its_normalised_name(hotline, config):
    cfg = staffed(config)
    for name, chat in (
        ("宏达机械公司", 41),
        ("平遥县宏达机械有限公司", 42),
        ("宏达机械厂", 41),
        ("宏大机械", 43),
    ):
        await file(hotline, cfg, name, chat_id=chat, day=date(2026, 11, 10))
    await file(hotline, cfg, "宏大机械有限公司", chat_id=43, day=date(2026, 11, 11))
    report = await hotline.reports.build(ReportPeriod(2026, 11))
    assert {row[0]: row[1:] for row in report.table("repeat_respondents").rows} == {"宏达机械": (2,)}
    assert {row[0]: row[1:] for row in report.table("repeat_patents").rows} == {PATENT: (5,)}
    assert sum(n for _, n in report.table("by_channel").rows) == 0


async def test_a_second_citizen_reporting_the_same_firm_through_the_conversation_sees_it_linked(hotline, db):
    groups = Groups()
    office = Office(hotline, groups)
    first = TRACKING.search((await Citizen(hotline, 71).script(*COMPLAINT))[-1]).group(0)
    await office.worker.drain()
    await office.act(PINGYAO_STAFF, PINGYAO_CHAT, first, "受理")
    someone_else = tuple({"张三": "李四", "13912345678": "13812345678"}.get(step, step) for step in COMPLAINT)
    second = TRACKING.search((await Citizen(hotline, 72).script(*someone_else))[-1]).group(0)
    await office.worker.drain()
    async with db.transaction() as s:
        lead = (await s.execute(select(LeadRow).where(LeadRow.tracking_number == second))).scalar_one()
        query = select(LeadPatentRow.number).where(LeadPatentRow.lead_id == lead.id)
        number = (await s.execute(query)).scalars().first()
    text = groups.card(PINGYAO_CHAT, second).text
    assert (
        f"与 <code>{first}</code>（已受理） 涉及同一专利 {number}、同一被投诉方 平遥县宏达机械有限公司"
        in text
    )
