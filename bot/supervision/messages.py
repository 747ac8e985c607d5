"""What the supervisor says: the texts of reminders, overdue notices, escalations and 督办."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.texts import Texts
from bot.leads.models import LeadRow
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
