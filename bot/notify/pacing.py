"""Telegram's limits kept across every worker: about 30 messages a second per bot, 20 a minute per
group. Without them the city group, which hears of every lead, falls hours behind.

The outbox_pace table holds, per group chat, the earliest moment its next message may go, and in
the row of chat 0 the same for the bot as a whole. A claim locks the pace rows it uses (FOR UPDATE
SKIP LOCKED on PostgreSQL: a chat another worker is serving right now is skipped this round), so
several workers share one budget. Due rows are taken highest priority first (a citizen waiting,
then urgent leads), one message per group per interval. When `merge_at` new-lead notices wait
for one group, they go as a single "N 条新线索" message with a button per lead, so a group is never
more than about one interval and one merged message behind; the merged cards are never edited
(the lead's card is opened from the button, and edited from then on).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import OutboxConfig
from bot.leads.models import OutboxPaceRow, OutboxRow, utcnow
from bot.notify.outbox import due, in_line

BOT = 0
"""The pace row of the bot as a whole (no chat has id 0)."""
WINDOW = 200
"""How many due rows one claim looks at, best first."""
MERGE_MAX = 20
"""New-lead notices per merged message: a button each, and the text stays well under 4096."""
MERGEABLE = "staff_new_lead"
MERGED = "staff_merged"

Merger = Callable[[AsyncSession, Sequence[OutboxRow]], Awaitable[tuple[str, list[dict[str, Any]]]]]
"""The merged message's HTML and buttons for these new-lead notices (bot/casework/merged.py)."""


def is_group(chat_id: int) -> bool:
    return chat_id < 0


class Pacing:
    def __init__(self, settings: OutboxConfig, merger: Merger | None = None) -> None:
        self.settings = settings
        self.merger = merger
        self.retry_at: datetime | None = None
        """When the last claim held something back: the moment it may go (for the worker's wait)."""

    async def claim(
        self, session: AsyncSession, now: datetime | None = None, batch: int = 20
    ) -> list[OutboxRow]:
        now = now or utcnow()
        self.retry_at = None
        bot = await _pace(session, BOT, now)
        if bot is None:
            self.retry_at = await _next_at(session, BOT)
            return []
        query = (
            select(OutboxRow)
            .where(due(now, self.settings.claim_timeout_seconds))
            .order_by(OutboxRow.priority.desc(), OutboxRow.id)
            .limit(WINDOW)
            .with_for_update(skip_locked=True)
        )
        rows = await in_line(session, list((await session.execute(query)).scalars()))
        waiting: defaultdict[int, list[OutboxRow]] = defaultdict(list)
        for row in rows:
            if row.purpose == MERGEABLE and row.edit_of is None:
                waiting[row.chat_id].append(row)
        chosen: list[OutboxRow] = []
        served: dict[int, OutboxPaceRow | None] = {}
        for row in rows:
            if len(chosen) >= batch:
                break
            if not is_group(row.chat_id):
                chosen.append(row)
                continue
            if row.chat_id in served:
                continue
            served[row.chat_id] = pace = await _pace(session, row.chat_id, now)
            if pace is None:
                later = await _next_at(session, row.chat_id)
                if later is not None and (self.retry_at is None or later < self.retry_at):
                    self.retry_at = later
                continue
            pace.next_at = now + timedelta(seconds=self.settings.group_interval_seconds)
            notices = waiting.get(row.chat_id, [])
            if self.merger is not None and row in notices and len(notices) >= self.settings.merge_at:
                chosen.append(await self._merge(session, notices[:MERGE_MAX], now))
            else:
                chosen.append(row)
        for row in chosen:
            row.status, row.claimed_at, row.attempts = "claimed", now, row.attempts + 1
        if chosen:
            bot.next_at = now + timedelta(seconds=len(chosen) / self.settings.bot_per_second)
        return chosen

    async def charge(self, session: AsyncSession, sent: int, now: datetime | None = None) -> None:
        """Counts messages sent outside a claim (a citizen's replies, at once) against the bot."""
        now = now or utcnow()
        bot = await _pace(session, BOT, now, wait=True)
        if bot is not None:
            bot.next_at = max(bot.next_at, now) + timedelta(seconds=sent / self.settings.bot_per_second)

    async def _merge(self, session: AsyncSession, notices: list[OutboxRow], now: datetime) -> OutboxRow:
        assert self.merger is not None
        text, buttons = await self.merger(session, notices)
        for row in notices:
            row.status, row.last_error = "merged", "sent within a merged new-lead message"
        merged = OutboxRow(
            chat_id=notices[0].chat_id,
            purpose=MERGED,
            text=text,
            html=True,
            buttons=buttons,
            status="claimed",
            attempts=0,
            not_before=now,
            priority=max(r.priority for r in notices),
        )
        session.add(merged)
        await session.flush()
        return merged


async def _next_at(session: AsyncSession, chat_id: int) -> datetime | None:
    query = select(OutboxPaceRow.next_at).where(OutboxPaceRow.chat_id == chat_id)
    return (await session.execute(query)).scalar_one_or_none()


async def _pace(
    session: AsyncSession, chat_id: int, now: datetime, wait: bool = False
) -> OutboxPaceRow | None:
    """The chat's pace row, locked, if its next message may go now (or `wait`: in any case)."""
    query = (
        select(OutboxPaceRow).where(OutboxPaceRow.chat_id == chat_id).with_for_update(skip_locked=not wait)
    )
    row = (await session.execute(query)).scalar_one_or_none()
    if row is None:
        try:
            async with session.begin_nested():
                row = OutboxPaceRow(chat_id=chat_id, next_at=now)
                session.add(row)
        except IntegrityError:
            return None
    return row if wait or row.next_at <= now else None
