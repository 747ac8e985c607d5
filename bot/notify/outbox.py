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

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.leads.models import OutboxRow, utcnow

BATCH = 20
SOMEONE_WAITING = 2
"""The priority of a reply to a citizen or a prompt to staff: someone is looking at the chat."""
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
    priority: int | None = None,
) -> OutboxRow:
    """priority: higher goes first; by default a reply someone waits for goes before notices."""
    if priority is None:
        waiting = purpose.startswith("citizen") or purpose == "staff_prompt"
        priority = SOMEONE_WAITING if waiting else 0
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
        priority=priority,
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


OPEN = ("pending", "claimed", "sending")


async def in_line(session: AsyncSession, rows: list[OutboxRow]) -> list[OutboxRow]:
    """The rows that may go now without overtaking an earlier message to the same chat: a row
    waiting out its backoff, or being sent by another worker, holds back every later one of its
    chat, so that a citizen never reads the next question before the answer to the last."""
    if not rows:
        return rows
    taken = {r.id for r in rows}
    query = (
        select(OutboxRow.chat_id, OutboxRow.id)
        .where(OutboxRow.chat_id.in_({r.chat_id for r in rows}), OutboxRow.status.in_(OPEN))
        .where(OutboxRow.id < max(taken))
    )
    blocker: dict[int, int] = {}
    for chat_id, row_id in await session.execute(query):
        if row_id not in taken and row_id < blocker.get(chat_id, row_id + 1):
            blocker[chat_id] = row_id
    return [r for r in rows if r.id < blocker.get(r.chat_id, r.id + 1)]


async def claim_these(session: AsyncSession, row_ids: list[int]) -> list[OutboxRow]:
    """These rows, in order, if still pending, past their wait and next in line: claimed as
    `claim` does. A row the worker took first and Telegram refused with retry_after waits like
    any other; sending it again at once is what 429 forbids."""
    now = utcnow()
    query = (
        select(OutboxRow)
        .where(OutboxRow.id.in_(row_ids), OutboxRow.status == "pending", OutboxRow.not_before <= now)
        .order_by(OutboxRow.id)
        .with_for_update(skip_locked=True)
    )
    rows = await in_line(session, list((await session.execute(query)).scalars()))
    for row in rows:
        row.status, row.claimed_at, row.attempts = "claimed", now, row.attempts + 1
    return rows


def due(now: datetime, claim_timeout: float) -> ColumnElement[bool]:
    """Rows that may be taken now: pending and past their wait, or claimed by a worker that never
    finished them."""
    stale = now - timedelta(seconds=claim_timeout)
    return or_(
        and_(OutboxRow.status == "pending", OutboxRow.not_before <= now),
        and_(OutboxRow.status == "claimed", OutboxRow.claimed_at < stale),
    )


async def claim(session: AsyncSession, claim_timeout: float, now: datetime | None = None) -> list[OutboxRow]:
    now = now or utcnow()
    query = (
        select(OutboxRow)
        .where(due(now, claim_timeout))
        .order_by(OutboxRow.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    rows = await in_line(session, list((await session.execute(query)).scalars()))
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


def backoff(attempts: int, longest: float = 300.0) -> float:
    """1, 2, 4 … seconds after the first, second, third failure, never more than `longest`."""
    return float(min(2 ** max(attempts - 1, 0), longest))


async def notifications_of(session: AsyncSession, lead_id: int, purpose: str) -> list[OutboxRow]:
    query = select(OutboxRow).where(OutboxRow.lead_id == lead_id, OutboxRow.purpose == purpose)
    return list((await session.execute(query.order_by(OutboxRow.id))).scalars())
