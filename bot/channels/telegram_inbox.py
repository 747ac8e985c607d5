"""No update lost between its fetch and its handling.

python-telegram-bot confirms the polling offset with its next getUpdates, which it sends while the
updates it fetched are still waiting to be handled; a crash then lost them. `InboxBot` writes what
getUpdates returned to the `inbox` table before python-telegram-bot sees it; a row is deleted once
its update was handled (or failed and the user was told), and rows left by a crash are handled
again at the next start. Handling is idempotent (the processed-updates table), so an update handled
just before the crash is not handled twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import ExtBot

from bot.leads import inbox
from bot.leads.db import Database

log = logging.getLogger(__name__)


class Inbox:
    """The inbox table (bot/leads/inbox.py) for python-telegram-bot's updates."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def keep(self, updates: Sequence[Update]) -> None:
        await inbox.keep(self.db, [u.to_dict() for u in updates])

    async def done(self, update_id: int) -> None:
        await inbox.done(self.db, update_id)

    async def left_over(self) -> list[dict[str, Any]]:
        return await inbox.left_over(self.db)


class InboxBot(ExtBot[None]):
    """The application's bot, whose getUpdates keeps what it fetched before returning it."""

    def __init__(self, *args: Any, inbox: Inbox | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with self._unfrozen():
            self.inbox = inbox

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        updates = await super().get_updates(*args, **kwargs)
        if updates and self.inbox is not None:
            await self.inbox.keep(updates)
        return updates
