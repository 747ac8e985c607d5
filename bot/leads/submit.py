"""A submitted form becomes a lead: routed, prioritised, given deadlines."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock.deadlines import Stage
from bot.clock.lead_clock import LeadClock
from bot.config import Config
from bot.dialogue.model import SubmitLead
from bot.leads import fairs, foreign, links, rules, store
from bot.leads.models import LeadRow
from bot.privacy import mask_name, mask_phone
from knowledge.patent_numbers import find_patent_numbers

log = logging.getLogger(__name__)


def _patents(effect: SubmitLead) -> list[str]:
    numbers = [p["normalized"] for p in effect.fields.get("patents") or []]
    numbers += [p.normalized for p in find_patent_numbers(str(effect.fields.get("claim") or ""))]
    return list(dict.fromkeys(numbers))


async def create_lead(
    session: AsyncSession,
    config: Config,
    clock: LeadClock,
    effect: SubmitLead,
    chat_id: int,
    now: datetime,
) -> LeadRow:
    """The lead (received at `now`, naive UTC) with its acceptance clock running, and its first
    event; its cards are posted by the caller (bot/casework)."""
    fields = dict(effect.fields)
    name, phone = fields.pop("name", None), fields.pop("phone", None)
    anonymous = fields.get("contact") == "anonymous"
    if anonymous:
        name = phone = None
    kind = effect.flow.value
    day = clock.local(now).date()
    fair = fairs.match_form(config.fairs, fields, day)
    routed = fairs.routing_fields(fields, fair)
    route = rules.route(kind, routed, (q.code for q in config.counties), config.city.code)
    patents = _patents(effect)
    respondent = str(fields.get("respondent") or "") or None
    linked = await links.find(
        session, config.repeats, respondent, patents, links.Complainant(chat_id, phone), now
    )
    reasons = rules.priority_reasons(
        effect.sectors,
        effect.channels,
        fields.get("fair") or (fair.by if fair else None),
        [fair.fair.name] if fair else rules.fairs_on(config, day),
        linked.reasons(),
    )
    lead = LeadRow(
        tracking_number=await store.unused_tracking_number(session),
        kind=kind,
        status="new",
        queue_code=route.queue_code,
        route_reason=route.reason,
        priority="high" if reasons else "normal",
        priority_reasons=reasons,
        sectors=list(effect.sectors),
        channels=list(effect.channels),
        fields=fields,
        respondent_key=rules.respondent_key(respondent),
        contact_name=name,
        contact_phone=phone,
        anonymous=anonymous,
        chat_id=chat_id,
        language=effect.language,
        evidence_count=len(fields.get("evidence") or []),
        created_at=now,
        updated_at=now,
    )
    clock.start(lead, Stage.ACCEPT, now)
    lead.close_due = lead.close_due or lead.accept_due
    await store.add_lead(session, lead, patents, actor="citizen")
    links.save(session, lead, linked)
    foreign.tag(session, lead)
    log.info(
        "lead %s created: kind=%s queue=%s (%s) priority=%s contact=%s %s",
        lead.tracking_number,
        kind,
        lead.queue_code,
        lead.route_reason,
        lead.priority,
        mask_name(name),
        mask_phone(phone),
    )
    return lead
