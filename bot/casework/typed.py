"""Words a citizen types for a button they were offered: 补充完毕 while staff wait for material,
申请复核 after a result. Read as the button's data, so the press takes the one path it always does."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.casework.lifecycle import ENDS, Status
from bot.leads.models import LeadRow, RelayRow
from intents.entities import find_tracking_numbers

_INFO_DONE = re.compile(
    r"^\s*(?:补充完毕|补充完了|补充好了|材料补充完毕|完毕|好了|发完了|传完了|就这些|就这些了|没有了|都发了|"
    r"done|finished)[。.!！\s]*$",
    re.IGNORECASE,
)
"""What a citizen types, instead of pressing 补充完毕, when they have sent all the material asked for."""
_REVIEW = re.compile(r"申请复核|要求复核|我要复核|请求复核|重新处理|request (?:a )?review", re.IGNORECASE)


async def typed_press(session: AsyncSession, chat_id: int, text: str, relay: RelayRow | None) -> str | None:
    """The citizen button (cz:…) these words stand for, or None."""
    if _REVIEW.search(text):
        ended = await _ended_lead(session, chat_id, find_tracking_numbers(text.lower()))
        if ended is not None:
            return f"cz:rv:{ended}"
    if relay is not None and relay.kind == "info" and relay.lead_id and _INFO_DONE.match(text):
        lead = await session.get(LeadRow, relay.lead_id)
        if lead is not None:
            return f"cz:id:{lead.tracking_number}"
    return None


async def _ended_lead(session: AsyncSession, chat_id: int, tracking: list[str]) -> str | None:
    """The lead a typed 申请复核 is about: the one named, if it is this chat's, else the chat's
    latest if it has ended; None when there is none to review."""
    query = select(LeadRow).where(LeadRow.chat_id == chat_id).order_by(LeadRow.id.desc())
    if tracking:
        query = query.where(LeadRow.tracking_number == tracking[0])
    lead = (await session.execute(query.limit(1))).scalar_one_or_none()
    return lead.tracking_number if lead is not None and Status(lead.status) in ENDS else None
