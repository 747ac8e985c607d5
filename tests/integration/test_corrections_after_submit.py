"""A correction typed after the submit, through the real intake, outbox worker and database: it
reaches the staff of the lead just submitted and is never taken for a new report."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.composition import build_hotline
from bot.dialogue.model import Evidence, Inbound, InboundKind
from bot.hotline import Hotline
from bot.intake import Incoming
from bot.leads import store
from bot.leads.models import EvidenceRow, LeadEventRow
from tests.integration.conftest import CITY_CHAT, COMPLAINT, PINGYAO_CHAT, Citizen, staffed
from tests.integration.test_casework import Groups, Office, lead_of

TRACKING = re.compile(r"JZ-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


async def submitted(hotline, chat: int = 51) -> tuple[Citizen, Office, Groups, str]:
    groups = Groups()
    office = Office(hotline, groups)
    citizen = Citizen(hotline, chat)
    replies = await citizen.script(*COMPLAINT)
    await office.worker.drain()
    match = TRACKING.search(replies[-1])
    assert match, replies
    return citizen, office, groups, match.group(0)


async def corrected(hotline, correction: str) -> tuple[str, Groups, str]:
    """A complaint submitted, then the correction typed: its reply, the groups, the lead's number."""
    citizen, office, groups, tracking = await submitted(hotline)
    [reply] = await citizen.send(correction)
    await office.worker.drain()
    return reply, groups, tracking


@pytest.fixture
def hotline(config, core, db) -> Hotline:
    """This module's hotline has staff groups (conftest's has none)."""
    return build_hotline(staffed(config), core=core, db=db)


async def events(db, tracking: str) -> list[LeadEventRow]:
    lead = await lead_of(db, tracking)
    async with db.transaction() as s:
        query = select(LeadEventRow).where(LeadEventRow.lead_id == lead.id).order_by(LeadEventRow.id)
        return list((await s.execute(query)).scalars())


async def test_a_place_corrected_after_the_submit_reaches_the_county_and_the_city_not_a_new_report(
    hotline, db
):
    reply, groups, tracking = await corrected(hotline, "搞错了，厂子在介休不在平遥")

    assert tracking in reply and "转派" in reply
    for chat in (PINGYAO_CHAT, CITY_CHAT):
        told = groups.in_chat(chat)[-2:]
        assert any("更正" in m.text and "厂子在介休不在平遥" in m.text for m in told), [m.text for m in told]
    lead = await lead_of(db, tracking)
    assert lead.queue_code == "140728"  # the county is the staff's to change, by 转派
    assert [e.action for e in await events(db, tracking)][-1] == "amended"
    async with db.transaction() as s:
        assert len(await store.leads_of_chat(s, 51)) == 1  # not taken for a new report


async def test_a_phone_corrected_after_the_submit_replaces_the_contact_and_staff_see_no_number_in_the_notice(
    hotline, db
):
    reply, groups, tracking = await corrected(hotline, "号码写错了，应该是13912345679")

    assert tracking in reply
    assert (await lead_of(db, tracking)).contact_phone == "13912345679"
    notice = next(m for m in reversed(groups.in_chat(PINGYAO_CHAT)) if "更正" in m.text and "✏️" in m.text)
    assert "13912345679" not in notice.text
    assert "13912345679" in groups.card(PINGYAO_CHAT, tracking).text  # the card shows it as before


async def test_a_correction_long_after_the_submit_is_read_as_a_new_message(hotline, db):
    citizen, _, _, tracking = await submitted(hotline)
    later = hotline.clock() + timedelta(days=4)
    replies = await citizen.send("搞错了，厂子在介休不在平遥", now=later)
    assert not any(tracking in r for r in replies)
    assert [e.action for e in await events(db, tracking)][-1] != "amended"


async def test_a_correction_with_no_open_lead_says_so_plainly(hotline, db):
    citizen, _, _, tracking = await submitted(hotline)
    lead = await lead_of(db, tracking)
    async with db.transaction() as s:
        row = await s.get(type(lead), lead.id)
        assert row is not None
        row.status = "closed"
    [reply] = await citizen.send("号码写错了，应该是13912345679")
    assert reply == hotline.texts.get("amend.no_lead")
    assert (await lead_of(db, tracking)).contact_phone == "13912345678"


async def test_a_photo_sent_soon_after_the_submit_joins_the_lead_as_evidence_not_a_new_report(hotline, db):
    _, office, groups, tracking = await submitted(hotline)
    before = (await lead_of(db, tracking)).evidence_count
    photo = Inbound(InboundKind.FILE, hotline.clock(), "", Evidence("file-late", "photo", "发票.jpg"))
    [reply] = await hotline.intake.handle(Incoming(51, photo, 51_900))
    await office.worker.drain()
    assert tracking in reply.text
    lead = await lead_of(db, tracking)
    assert lead.evidence_count == before + 1
    assert [e.action for e in await events(db, tracking)][-1] == "evidence_added"
    async with db.transaction() as s:
        row = (await s.execute(select(EvidenceRow).where(EvidenceRow.file_id == "file-late"))).scalar_one()
        assert row.lead_id == lead.id
        assert len(await store.leads_of_chat(s, 51)) == 1
    for chat in (PINGYAO_CHAT, CITY_CHAT):
        assert any("补充了一份证据" in m.text for m in groups.in_chat(chat))
