"""The inbox table as a per-chat queue: updates kept from their arrival until they are handled.

Polling and the webhook both store what Telegram sent here before confirming it. Webhook workers
(`hotline serve`, several processes on one PostgreSQL database) take rows with `claim`: only the
lowest row of its chat (no earlier row of that chat is left, i.e. every earlier one is done), not
claimed by another worker or claimed longer ago than the claim timeout (its worker died), locked
with FOR UPDATE SKIP LOCKED so that two workers never take the same row. A row is deleted when its
update was handled, so a chat's next update becomes claimable only then: one chat's updates are
handled one at a time, in update_id order, by whichever worker is free.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased

from bot.leads.db import Database
from bot.leads.models import InboxRow, ProcessedUpdateRow, utcnow

CHAT_CARRIERS = ("message", "edited_message", "channel_post", "edited_channel_post")


def chat_of(data: dict[str, Any]) -> int | None:
    """The chat an update (Bot API JSON) belongs to; None for one without a chat."""
    for key in CHAT_CARRIERS:
        chat = (data.get(key) or {}).get("chat") or {}
        if isinstance(chat.get("id"), int):
            return int(chat["id"])
    message = (data.get("callback_query") or {}).get("message") or {}
    chat = message.get("chat") or {}
    return int(chat["id"]) if isinstance(chat.get("id"), int) else None


@dataclass(frozen=True)
class Claimed:
    update_id: int
    chat_id: int | None
    data: dict[str, Any]
    received_at: datetime


async def keep(db: Database, updates: Sequence[dict[str, Any]]) -> int:
    """Stores these updates (Bot API JSON); one stored before, or already handled, is not stored
    again. Returns how many were new. Committed when it returns."""
    if not updates:
        return 0
    ids = [int(u["update_id"]) for u in updates]
    insert = sqlite_insert if db.is_sqlite else pg_insert
    async with db.transaction() as session:
        handled = set(
            (
                await session.execute(
                    select(ProcessedUpdateRow.update_id).where(ProcessedUpdateRow.update_id.in_(ids))
                )
            ).scalars()
        )
        rows = [
            {"update_id": int(u["update_id"]), "data": u, "chat_id": chat_of(u), "received_at": utcnow()}
            for u in updates
            if int(u["update_id"]) not in handled
        ]
        if not rows:
            return 0
        statement = insert(InboxRow).values(rows).on_conflict_do_nothing().returning(InboxRow.update_id)
        return len(list((await session.execute(statement)).scalars()))


async def claim(db: Database, limit: int, claim_timeout: float, now: datetime | None = None) -> list[Claimed]:
    """Up to `limit` updates this worker may handle now, each the next of its chat."""
    now = now or utcnow()
    stale = now - timedelta(seconds=claim_timeout)
    earlier = aliased(InboxRow)
    query = (
        select(InboxRow)
        .where(
            or_(InboxRow.claimed_at.is_(None), InboxRow.claimed_at < stale),
            ~exists().where(earlier.chat_id == InboxRow.chat_id, earlier.update_id < InboxRow.update_id),
        )
        .order_by(InboxRow.update_id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=InboxRow)
    )
    async with db.transaction() as session:
        rows = list((await session.execute(query)).scalars())
        if rows:
            await session.execute(
                update(InboxRow)
                .where(InboxRow.update_id.in_([r.update_id for r in rows]))
                .values(claimed_at=now)
            )
        return [Claimed(r.update_id, r.chat_id, dict(r.data), r.received_at) for r in rows]


async def done(db: Database, update_id: int) -> None:
    async with db.transaction() as session:
        await session.execute(delete(InboxRow).where(InboxRow.update_id == update_id))


async def left_over(db: Database) -> list[dict[str, Any]]:
    async with db.transaction() as session:
        query = select(InboxRow.data).order_by(InboxRow.update_id)
        return list((await session.execute(query)).scalars())


async def depth(db: Database) -> tuple[int, float]:
    """How many updates wait in the inbox, and the age in seconds of the oldest."""
    async with db.transaction() as session:
        count, oldest = (await session.execute(select(func.count(), func.min(InboxRow.received_at)))).one()
    return int(count), (utcnow() - oldest).total_seconds() if oldest is not None else 0.0
