"""The message that stands for several new-lead cards when a group's queue is long.

Telegram lets a bot post about 20 messages a minute to a group; at a busy hour the city group
would fall ever further behind one card per lead. bot/notify/pacing.py then folds the waiting
cards into one message made here: a line per lead and a button that opens its card.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.casework.cases import Cases
from bot.leads.models import LeadRow, OutboxRow
from bot.notify.pacing import Merger

BUTTONS_PER_ROW = 2


def merged_notice(cases: Cases) -> Merger:
    """The merger for bot/notify/pacing.py, speaking with the cases' texts and queue names."""

    async def merge(session: AsyncSession, rows: Sequence[OutboxRow]) -> tuple[str, list[dict[str, Any]]]:
        ids = [r.lead_id for r in rows if r.lead_id is not None]
        found = (await session.execute(select(LeadRow).where(LeadRow.id.in_(ids)))).scalars()
        leads = sorted(found, key=lambda lead: (lead.priority != "high", lead.id))
        t = cases.texts.get
        lines = [f"<b>{escape(t('card.merged.title', count=len(leads)))}</b>"]
        buttons = []
        for n, lead in enumerate(leads):
            flag = "❗" if lead.priority == "high" else "•"
            kind, queue = t(f"flow.{lead.kind}"), cases.queue_name(lead.queue_code)
            lines.append(escape(f"{flag} {lead.tracking_number} · {kind} · {queue}"))
            buttons.append(
                {
                    "label": lead.tracking_number,
                    "data": f"lo:{lead.tracking_number}",
                    "row": n // BUTTONS_PER_ROW,
                }
            )
        lines.append(escape(t("card.merged.hint")))
        return "\n".join(lines), buttons

    return merge
