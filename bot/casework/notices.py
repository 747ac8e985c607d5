"""What the citizen is told of each step of their case, and the public timeline of /status.

Never a staff member's name or an internal note: the citizen hears which office acted and what
it decided (a rejection's reason, the question asked, the case number, the outcome)."""

from __future__ import annotations

from typing import Any

from bot.casework.cards import yuan
from bot.casework.lifecycle import Action
from bot.dialogue.texts import Texts
from bot.leads.models import LeadEventRow, LeadRow

PUBLIC_ACTIONS = frozenset(
    {
        "created",
        Action.ACCEPT,
        Action.TRANSFER,
        Action.ASSIGN,
        Action.RETURN,
        Action.REJECT,
        Action.REQUEST_INFO,
        Action.INFO_DONE,
        Action.HAND_UP,
        Action.FILE,
        Action.CLOSE,
        Action.EXTEND,
        Action.POLICE,
        Action.REFER,
        Action.RATE,
        Action.REQUEST_REVIEW,
        Action.REOPEN,
        Action.UPHOLD,
    }
)


def outcome_text(texts: Texts, lead: LeadRow, language: str) -> str:
    text = texts.get(f"outcome.{lead.outcome}", language)
    if lead.fine_fen is not None:
        text += texts.get("card.fine", language, yuan=yuan(lead.fine_fen))
    if lead.outcome_note:
        text += f"（{lead.outcome_note}）"
    return text


def values_of(texts: Texts, lead: LeadRow, detail: dict[str, Any], by: str, language: str) -> dict[str, str]:
    return {
        "tracking": lead.tracking_number,
        "by": by,
        "queue": str(detail.get("queue_name", "")),
        "reason": str(detail.get("reason", "")),
        "question": str(detail.get("question", "")),
        "case_number": lead.case_number or "",
        "outcome": outcome_text(texts, lead, language) if lead.outcome else "",
        "department": lead.department or "",
        "rating": str(lead.rating or ""),
        "due": str(detail.get("due") or ""),
    }


def citizen_notice(texts: Texts, lead: LeadRow, action: Action, detail: dict[str, Any], by: str) -> str:
    language = lead.language
    key = f"notice.{action.value}"
    if action is Action.ACCEPT and lead.kind == "infringement" and detail.get("checks_first"):
        key = "notice.accept_check"
    if action is Action.REJECT:
        key = f"notice.reject.{lead.kind}" if texts.has(f"notice.reject.{lead.kind}") else key
    return texts.get(key, language, **values_of(texts, lead, detail, by, language))


def timeline_line(texts: Texts, lead: LeadRow, event: LeadEventRow, when: str, language: str) -> str | None:
    if event.action not in PUBLIC_ACTIONS:
        return None
    detail = dict(event.detail or {})
    values = values_of(texts, lead, detail, str(detail.get("by", "")), language)
    values["rating"] = str(detail.get("rating", ""))
    return f"{when} " + texts.get(f"timeline.{event.action}", language, **values)
