"""Complaints during a configured trade fair, through the real intake, desk, outbox worker and
database: the on-site team's chat, the 24-hour acceptance, the venue's county, 涉外 leads."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.composition import build_hotline
from bot.config import FairConfig
from bot.hotline import Hotline
from bot.leads.models import LeadTagRow
from tests.integration.conftest import CITY_CHAT, Citizen, staffed
from tests.integration.test_casework import Groups, Office, lead_of

TAIGU_CHAT, TAIGU_STAFF = -100703, 703
ONSITE_CHAT, ONSITE_STAFF = -100900, 901
FAIR = FairConfig(
    "晋中农博会", "140703", "2026-09-19", "2026-09-25", ("农博会",), ONSITE_CHAT, (ONSITE_STAFF,)
)
DURING = datetime(2026, 9, 21, 2, 0)  # 10:00 in Jinzhong, a Monday
AFTER = datetime(2026, 9, 28, 2, 0)
TRACKING = re.compile(r"JZ-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")
AT_THE_FAIR = (
    "在晋中农博会上看到有人卖仿冒我专利的播种机",
    "宏达农机",
    "!set:county:unknown",
    "ZL201710601862.3",
    "!set:standing:patentee",
    "张三",
    "13912345678",
    "!skip:found_at",
    "!skip:fair",
    "!skip:evidence",
    "!submit",
)
DURING_THE_FAIR = tuple(step for step in AT_THE_FAIR if step != "!set:county:unknown")
"""While the fair is on, its venue is the place: the county is not asked."""
IN_ENGLISH = (
    "Someone at booth B7 copies our patented seeder, I want to complain",
    "Hansen Maschinenbau GmbH",
    "ZL201710601862.3",
    "Anna Berg",
    "+4915112345678",
    "!skip:found_at",
    "!skip:fair",
    "!skip:evidence",
    "!submit",
)


def fair_hotline(config, core, db, now: datetime) -> Hotline:
    base = staffed(config)
    counties = tuple(
        dataclasses.replace(q, chat_id=TAIGU_CHAT, staff_ids=(TAIGU_STAFF,)) if q.code == "140703" else q
        for q in base.counties
    )
    cfg = dataclasses.replace(base, counties=counties, fairs=(FAIR,))
    return build_hotline(cfg, core=core, db=db, clock=lambda: now)


async def complain(hotline: Hotline, steps: tuple[str, ...], chat: int = 41) -> tuple[Office, Groups, str]:
    groups = Groups()
    office = Office(hotline, groups)
    replies = await Citizen(hotline, chat).script(*steps)
    assert not any("button.stale" in r or "已经失效" in r for r in replies), replies
    await office.worker.drain()
    match = TRACKING.search(replies[-1])
    assert match, replies
    return office, groups, match.group(0)


async def test_a_complaint_naming_the_fair_reaches_the_on_site_team_the_county_and_the_city(config, core, db):
    _, groups, tracking = await complain(fair_hotline(config, core, db, DURING), DURING_THE_FAIR)
    for chat in (ONSITE_CHAT, TAIGU_CHAT, CITY_CHAT):
        assert tracking in groups.card(chat, tracking).text
    assert groups.card(ONSITE_CHAT, tracking).buttons == []  # the on-site team hands over, the county accepts
    assert "受理" in [b["label"] for b in groups.card(TAIGU_CHAT, tracking).buttons]
    assert "展会进行中：晋中农博会" in groups.card(ONSITE_CHAT, tracking).text


async def test_a_fair_complaint_takes_the_venues_county_and_the_24_hour_handover(config, core, db):
    hotline = fair_hotline(config, core, db, DURING)
    replies = await Citizen(hotline, 42).script(*DURING_THE_FAIR[:3])
    assert hotline.texts.get("ask.county") not in replies  # the venue is the place: not asked
    _, _, tracking = await complain(hotline, DURING_THE_FAIR)
    lead = await lead_of(db, tracking)
    assert (lead.queue_code, lead.route_reason) == ("140703", "place_of_act")
    assert lead.fields["county"] == "140703"
    assert "fair:晋中农博会" in lead.priority_reasons
    assert (lead.stage, lead.due_at) == ("accept", DURING + timedelta(hours=24))


async def test_the_on_site_card_follows_the_lead_when_the_county_accepts(config, core, db):
    office, groups, tracking = await complain(fair_hotline(config, core, db, DURING), DURING_THE_FAIR)
    await office.act(TAIGU_STAFF, TAIGU_CHAT, tracking, "受理")
    onsite = groups.card(ONSITE_CHAT, tracking)
    assert onsite.edits >= 1 and "<b>状态：已受理" in onsite.text and onsite.buttons == []


async def test_a_place_the_citizen_names_outweighs_the_venue(config, core, db):
    steps = ("在晋中农博会上看到介休一家厂卖仿冒我专利的播种机", *DURING_THE_FAIR[1:])
    _, groups, tracking = await complain(fair_hotline(config, core, db, DURING), steps)
    assert (await lead_of(db, tracking)).queue_code == "140781"
    assert tracking in groups.card(ONSITE_CHAT, tracking).text


async def test_an_english_complaint_at_a_booth_is_marked_foreign_related(config, core, db):
    _, groups, tracking = await complain(fair_hotline(config, core, db, DURING), IN_ENGLISH)
    lead = await lead_of(db, tracking)
    assert lead.queue_code == "140703"
    async with db.transaction() as s:
        tags = set((await s.execute(select(LeadTagRow.tag).where(LeadTagRow.lead_id == lead.id))).scalars())
    assert "foreign" in tags
    for chat in (ONSITE_CHAT, TAIGU_CHAT, CITY_CHAT):
        assert "【涉外】" in groups.card(chat, tracking).text


async def test_a_chinese_complaint_is_not_marked_foreign_related(config, core, db):
    _, groups, tracking = await complain(fair_hotline(config, core, db, DURING), DURING_THE_FAIR)
    assert "涉外" not in groups.card(TAIGU_CHAT, tracking).text


@pytest.mark.parametrize("now", [AFTER, datetime(2026, 9, 18, 15, 0)])  # 23:00 on the 18th in Jinzhong
async def test_outside_the_fairs_dates_nothing_changes(config, core, db, now):
    _, groups, tracking = await complain(fair_hotline(config, core, db, now), AT_THE_FAIR)
    lead = await lead_of(db, tracking)
    assert (lead.queue_code, lead.route_reason) == (config.city.code, "place_unknown")
    assert not any(r.startswith("fair:") for r in lead.priority_reasons)
    assert lead.due_at - now > timedelta(hours=24)
    assert groups.in_chat(ONSITE_CHAT) == []
    assert tracking in groups.card(CITY_CHAT, tracking).text
