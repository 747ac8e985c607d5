"""Reading and writing conversations, processed updates and leads inside the caller's transaction."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.leads.models import (
    ConversationRow,
    LeadEventRow,
    LeadPatentRow,
    LeadRow,
    LeadTagRow,
    PatentRegisterRow,
    ProcessedUpdateRow,
    utcnow,
)
from bot.leads.tracking import new_tracking_number
from knowledge.register import RegisterEntry


async def first_time(session: AsyncSession, update_id: int) -> bool:
    """Records the update; False when it was processed before (a redelivery)."""
    if await session.get(ProcessedUpdateRow, update_id) is not None:
        return False
    session.add(ProcessedUpdateRow(update_id=update_id))
    await session.flush()
    return True


async def lock_conversation(session: AsyncSession, chat_id: int) -> ConversationRow:
    """The chat's conversation row, locked for this transaction (FOR UPDATE on PostgreSQL), so
    that several workers serve one chat's messages strictly one after another."""
    query = select(ConversationRow).where(ConversationRow.chat_id == chat_id).with_for_update()
    row = (await session.execute(query)).scalar_one_or_none()
    if row is None:
        row = ConversationRow(chat_id=chat_id, data={})
        session.add(row)
        await session.flush()
    return row


async def unused_tracking_number(session: AsyncSession) -> str:
    while True:
        candidate = new_tracking_number()
        query = select(LeadRow.id).where(LeadRow.tracking_number == candidate)
        if (await session.execute(query)).first() is None:
            return candidate


async def add_lead(session: AsyncSession, lead: LeadRow, patents: list[str], actor: str) -> LeadRow:
    session.add(lead)
    await session.flush()
    for number in dict.fromkeys(patents):
        session.add(LeadPatentRow(lead_id=lead.id, number=number))
    tags = [f"sector:{s}" for s in lead.sectors] + [f"channel:{c}" for c in lead.channels]
    for tag in dict.fromkeys(tags):
        session.add(LeadTagRow(lead_id=lead.id, tag=tag))
    await add_event(
        session,
        lead,
        actor,
        "created",
        {"queue": lead.queue_code, "reason": lead.route_reason, "priority": lead.priority},
        at=lead.created_at,
    )
    return lead


async def add_event(
    session: AsyncSession,
    lead: LeadRow,
    actor: str,
    action: str,
    detail: dict[str, Any],
    at: datetime | None = None,
) -> None:
    now = at or utcnow()
    lead.updated_at = now
    session.add(LeadEventRow(lead_id=lead.id, at=now, actor=actor, action=action, detail=detail))
    await session.flush()


@dataclass(frozen=True)
class LeadSummary:
    tracking_number: str
    kind: str
    status: str
    last_change: datetime


async def leads_of_chat(
    session: AsyncSession, chat_id: int, tracking: str | None = None
) -> list[LeadSummary]:
    """The chat's own leads; a tracking number from another chat finds nothing."""
    query = select(LeadRow).where(LeadRow.chat_id == chat_id)
    if tracking is not None:
        query = query.where(LeadRow.tracking_number == tracking)
    rows = (await session.execute(query.order_by(LeadRow.created_at.desc()).limit(20))).scalars()
    return [LeadSummary(r.tracking_number, r.kind, r.status, r.updated_at) for r in rows]


async def lead_by_tracking(session: AsyncSession, tracking: str, lock: bool = False) -> LeadRow | None:
    query = select(LeadRow).where(LeadRow.tracking_number == tracking)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def history(session: AsyncSession, lead_id: int) -> list[LeadEventRow]:
    query = select(LeadEventRow).where(LeadEventRow.lead_id == lead_id).order_by(LeadEventRow.id)
    return list((await session.execute(query)).scalars())


async def register_entries(session: AsyncSession, numbers: list[str]) -> dict[str, PatentRegisterRow]:
    if not numbers:
        return {}
    query = select(PatentRegisterRow).where(PatentRegisterRow.number.in_(numbers))
    return {row.number: row for row in (await session.execute(query)).scalars()}


async def save_register(session: AsyncSession, entries: list[RegisterEntry]) -> int:
    """Adds or replaces entries by number; returns how many were written."""
    for entry in entries:
        await session.merge(PatentRegisterRow(**dataclasses.asdict(entry), imported_at=utcnow()))
    return len(entries)
