"""The outbox: messages written in the same transaction as the change they announce, then claimed
and sent by a worker, each once as nearly as Telegram allows.

A row goes pending → claimed (FOR UPDATE SKIP LOCKED on PostgreSQL: two workers never take the
same row) → sending (committed just before the request to Telegram) → sent, with Telegram's message
id. A worker that dies leaves its rows behind: a claimed row was never sent, and is taken again
after `claim_timeout_seconds`; a row left sending may or may not have reached Telegram, which
cannot be asked, so it is marked in_doubt and not resent. That window is one request per worker
that dies: a duplicate is never sent blindly, and a message lost in it is counted and logged."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.leads.models import OutboxRow, utcnow

BATCH = 20
TEXT_LIMIT = 4096
"""Telegram's longest message, in characters."""


def chunks(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Telegram refuses longer messages: split at line ends where possible."""
    parts = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*parts, text] if text else parts or [" "]


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


def enqueue_parts(
    session: AsyncSession, chat_id: int, purpose: str, text: str, html: bool, buttons: list[dict[str, Any]]
) -> list[OutboxRow]:
    """A text of any length as messages Telegram takes, the buttons on the last."""
    parts = chunks(text)
    return [
        enqueue(session, chat_id, purpose, part, html=html, buttons=buttons if n == len(parts) - 1 else [])
        for n, part in enumerate(parts)
    ]


async def claim_these(session: AsyncSession, row_ids: list[int]) -> list[OutboxRow]:
    """These rows, in order, if still pending: claimed as `claim` does."""
    query = (
        select(OutboxRow)
        .where(OutboxRow.id.in_(row_ids), OutboxRow.status == "pending")
        .order_by(OutboxRow.id)
        .with_for_update(skip_locked=True)
    )
    rows = list((await session.execute(query)).scalars())
    now = utcnow()
    for row in rows:
        row.status, row.claimed_at, row.attempts = "claimed", now, row.attempts + 1
    return rows


async def claim(session: AsyncSession, claim_timeout: float, now: datetime | None = None) -> list[OutboxRow]:
    now = now or utcnow()
    stale = now - timedelta(seconds=claim_timeout)
    due = or_(
        and_(OutboxRow.status == "pending", OutboxRow.not_before <= now),
        and_(OutboxRow.status == "claimed", OutboxRow.claimed_at < stale),
    )
    query = select(OutboxRow).where(due).order_by(OutboxRow.id).limit(BATCH).with_for_update(skip_locked=True)
    rows = list((await session.execute(query)).scalars())
    for row in rows:
        row.status = "claimed"
        row.claimed_at = now
        row.attempts += 1
    return rows


async def mark_in_doubt(session: AsyncSession, claim_timeout: float, now: datetime | None = None) -> int:
    """Rows a dead worker left sending: not resent (Telegram may have them); how many."""
    now = now or utcnow()
    stale = now - timedelta(seconds=claim_timeout)
    query = select(OutboxRow).where(OutboxRow.status == "sending", OutboxRow.claimed_at < stale)
    rows = list((await session.execute(query.with_for_update(skip_locked=True))).scalars())
    for row in rows:
        row.status, row.last_error = "in_doubt", "the worker stopped during the send; not resent"
    return len(rows)


def backoff(attempts: int) -> float:
    return float(min(2**attempts, 300))


async def notifications_of(session: AsyncSession, lead_id: int, purpose: str) -> list[OutboxRow]:
    query = select(OutboxRow).where(OutboxRow.lead_id == lead_id, OutboxRow.purpose == purpose)
    return list((await session.execute(query.order_by(OutboxRow.id))).scalars())
