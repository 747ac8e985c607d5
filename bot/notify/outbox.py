"""The outbox: messages written in the same transaction as the change they announce, then claimed
and sent by a worker. A row is claimed before it is sent (FOR UPDATE SKIP LOCKED on PostgreSQL, so
two workers never take the same row) and marked sent after; a claim that is never finished (the
process died) may be taken again after `claim_timeout_seconds`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.leads.models import OutboxRow, utcnow

BATCH = 20


def enqueue(
    session: AsyncSession,
    chat_id: int,
    purpose: str,
    text: str,
    *,
    html: bool = False,
    buttons: list[dict[str, Any]] | None = None,
    lead_id: int | None = None,
    edit_of: int | None = None,
) -> OutboxRow:
    row = OutboxRow(
        chat_id=chat_id,
        purpose=purpose,
        text=text,
        html=html,
        buttons=buttons or [],
        lead_id=lead_id,
        edit_of=edit_of,
        status="pending",
        attempts=0,
        not_before=utcnow(),
    )
    session.add(row)
    return row


async def claim(session: AsyncSession, claim_timeout: float, now: datetime | None = None) -> list[OutboxRow]:
    now = now or utcnow()
    due = or_(
        and_(OutboxRow.status == "pending", OutboxRow.not_before <= now),
        and_(OutboxRow.status == "sending", OutboxRow.claimed_at < now - timedelta(seconds=claim_timeout)),
    )
    query = select(OutboxRow).where(due).order_by(OutboxRow.id).limit(BATCH).with_for_update(skip_locked=True)
    rows = list((await session.execute(query)).scalars())
    for row in rows:
        row.status = "sending"
        row.claimed_at = now
        row.attempts += 1
    return rows


def backoff(attempts: int) -> float:
    return float(min(2**attempts, 300))


async def notifications_of(session: AsyncSession, lead_id: int, purpose: str) -> list[OutboxRow]:
    query = select(OutboxRow).where(OutboxRow.lead_id == lead_id, OutboxRow.purpose == purpose)
    return list((await session.execute(query.order_by(OutboxRow.id))).scalars())
