"""A correction the citizen types after submitting (搞错了，厂子在寿阳不在昔阳; 号码写错了，应该是…).

It is meant for their latest open lead. A new phone number is theirs to give and replaces the
contact on the lead (not on an anonymous one, which has none); anything else is the staff's to
weigh: the county and the city group get the citizen's words, and a wrong county is theirs to
转派. Either way it is one event in the lead's history, and the cards are edited.
"""

from __future__ import annotations

from html import escape

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.casework.cases import Cases
from bot.casework.lifecycle import ENDS, Status
from bot.casework.relay import link_evidence
from bot.dialogue.model import AddEvidence, AmendLead, Reply
from bot.leads import store
from bot.leads.models import LeadRow
from bot.notify import outbox
from bot.privacy import mask_numbers
from intents.entities import find_phones

QUOTED_LIMIT = 500
"""Characters of the citizen's correction quoted to staff (a card stays within Telegram's 4096)."""


async def latest_open_lead(session: AsyncSession, chat_id: int) -> LeadRow | None:
    query = select(LeadRow).where(LeadRow.chat_id == chat_id).order_by(LeadRow.id.desc()).limit(1)
    lead = (await session.execute(query.with_for_update())).scalar_one_or_none()
    return lead if lead is not None and Status(lead.status) not in ENDS else None


async def amend(session: AsyncSession, cases: Cases, chat_id: int, effect: AmendLead) -> Reply:
    t, language = cases.texts.get, effect.language
    lead = await latest_open_lead(session, chat_id)
    if lead is None:
        return Reply(t("amend.no_lead", language))
    phones = find_phones(effect.value_text) if effect.field in (None, "phone") else []
    if effect.field == "phone" or (effect.field is None and phones):
        return await _new_phone(session, cases, lead, phones, language)
    field = t(f"field.{effect.field}", language) if effect.field else t("amend.some_field", language)
    quoted = mask_numbers(effect.text[:QUOTED_LIMIT])
    detail = {"field": effect.field, "text": effect.text[:1000]}
    await store.add_event(session, lead, "citizen", "amended", detail)
    told = t("desk.amend", tracking=lead.tracking_number, field=escape(field), text=escape(quoted))
    _tell_staff(session, cases, lead, told)
    await cases.refresh_cards(session, lead)
    key = "amend.ack_county" if effect.field == "county" else "amend.ack"
    return Reply(t(key, language, tracking=lead.tracking_number, field=field))


async def _new_phone(
    session: AsyncSession, cases: Cases, lead: LeadRow, phones: list[str], language: str
) -> Reply:
    t = cases.texts.get
    if lead.anonymous:
        return Reply(t("amend.anonymous", language, tracking=lead.tracking_number))
    if len(phones) != 1:
        return Reply(t("amend.phone_unclear", language))
    lead.contact_phone = phones[0]
    await store.add_event(session, lead, "citizen", "amended", {"field": "phone"})
    _tell_staff(session, cases, lead, t("desk.amend.phone", tracking=lead.tracking_number))
    await cases.refresh_cards(session, lead)
    return Reply(t("amend.ack_phone", language, tracking=lead.tracking_number))


async def add_evidence(session: AsyncSession, cases: Cases, chat_id: int, effect: AddEvidence) -> Reply:
    """The file joins the latest open lead's evidence (查看证据 shows it) and its staff are told."""
    t, language = cases.texts.get, effect.language
    lead = await latest_open_lead(session, chat_id)
    if lead is None:
        return Reply(t("evidence_late.no_lead", language))
    await session.flush()  # the file's row, kept as it arrived, is linked below
    await link_evidence(session, lead, [effect.evidence.file_id])
    lead.evidence_count += 1
    name = effect.evidence.name or effect.evidence.kind
    await store.add_event(session, lead, "citizen", "evidence_added", {"file": effect.evidence.file_id})
    told = t("desk.evidence_late", tracking=lead.tracking_number, name=escape(name))
    _tell_staff(session, cases, lead, told)
    await cases.refresh_cards(session, lead)
    return Reply(t("evidence_late.ack", language, tracking=lead.tracking_number))


def _tell_staff(session: AsyncSession, cases: Cases, lead: LeadRow, html_text: str) -> None:
    for chat in cases.staff_chats(lead):
        outbox.enqueue(session, chat, "staff_amend", html_text, html=True, lead_id=lead.id)
