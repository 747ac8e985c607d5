"""What the supervisor says: the texts of reminders, overdue notices, escalations and 督办."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock.deadlines import last_day
from bot.clock.lead_clock import LeadClock
from bot.dialogue.texts import Texts
from bot.leads.models import LeadRow, SupervisionRow
from bot.notify import outbox

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """One message of a round: to a queue's group (its chat id 0 while not configured)."""

    chat_id: int
    queue_code: str
    purpose: str
    text: str
    """HTML, citizen-written parts escaped."""
    buttons: tuple[dict[str, Any], ...] = field(default=())
    lead_id: int | None = None


def about(lead: LeadRow) -> str:
    fields = lead.fields or {}
    words = fields.get("respondent") or fields.get("organisation") or fields.get("product") or "—"
    return str(words)[:40]


def lead_values(texts: Texts, lead: LeadRow, queue_name: str, due: str, days: int) -> dict[str, str]:
    return {
        "tracking": lead.tracking_number,
        "kind": texts.get(f"flow.{lead.kind}"),
        "about": escape(about(lead)),
        "stage": texts.get(f"supervise.stage.{lead.stage}"),
        "queue": escape(queue_name),
        "due": due,
        "days": str(days),
    }


def open_button(texts: Texts, lead: LeadRow) -> dict[str, Any]:
    return {"label": texts.get("supervise.button_open"), "data": f"lo:{lead.tracking_number}", "row": 0}


def supervise_button(texts: Texts, lead: LeadRow) -> dict[str, Any]:
    return {"label": texts.get("supervise.button"), "data": f"sv:{lead.tracking_number}", "row": 0}


def queue_messages(session: AsyncSession, messages: Sequence[Outgoing]) -> None:
    for m in messages:
        if m.chat_id:
            outbox.enqueue(
                session, m.chat_id, m.purpose, m.text, html=True, buttons=list(m.buttons), lead_id=m.lead_id
            )
        else:
            log.warning("%s for queue %s not sent: its chat_id is not configured", m.purpose, m.queue_code)


def shown_due(due_local: datetime) -> str:
    """A day-counted deadline by its last day; an hour-counted one (a fair's 24 hours) to the minute."""
    if due_local.time() == datetime.min.time():
        return last_day(due_local).isoformat()
    return due_local.strftime("%Y-%m-%d %H:%M")


def mark(
    clock: LeadClock, lead: LeadRow, level: str, at: datetime, staff_id: int | None = None
) -> SupervisionRow:
    """The row that says this lead's current deadline got this message (its unique key makes it
    once), held against the queue the deadline belongs to."""
    assert lead.stage is not None and lead.due_at is not None
    return SupervisionRow(
        lead_id=lead.id,
        queue_code=clock.responsible(lead),
        stage=lead.stage,
        due_at=lead.due_at,
        level=level,
        at=at,
        staff_id=staff_id,
    )
