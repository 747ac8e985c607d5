"""A lead's card in a staff group: what it says and which buttons it carries, for one audience.

Button data is `cw:<action code>:<tracking number>:<status code>`: the status the card showed,
so a press on an older card is recognised as stale (at most 28 bytes of Telegram's 64).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from bot.casework.lifecycle import Action, LeadFacts, Role, Status, allowed_actions
from bot.dialogue.form import staff_value
from bot.dialogue.states import FlowKind
from bot.dialogue.texts import Texts
from bot.leads import foreign
from bot.leads.models import LeadRow
from bot.privacy import mask_identity, mask_name, mask_phone

FIELD_LIMIT = 600
"""Characters of one field shown on a card: a card with its history and buttons must stay within
Telegram's 4096 after every edit, however long the citizen's story (kept whole on the lead)."""
SHOWN_FIELDS = (
    "respondent",
    "product",
    "patents",
    "claim",
    "standing",
    "ip_kind",
    "need",
    "organisation",
    "found_at",
    "fair",
    "shop",
    "description",
)
ABOUT_THE_RESPONDENT = frozenset({"respondent", "product", "patents", "fair", "shop"})
"""Fields that describe the other side, shown as written; the rest may name the reporter."""
ACTION_CODES: dict[Action, str] = {
    Action.ACCEPT: "ac",
    Action.TRANSFER: "tr",
    Action.ASSIGN: "as",
    Action.RETURN: "rt",
    Action.REJECT: "rj",
    Action.REQUEST_INFO: "ri",
    Action.INFO_DONE: "id",
    Action.HAND_UP: "hu",
    Action.FILE: "fi",
    Action.CLOSE: "cl",
    Action.EXTEND: "ex",
    Action.POLICE: "po",
    Action.REFER: "rf",
    Action.RATE: "ra",
    Action.REQUEST_REVIEW: "rv",
    Action.REOPEN: "ro",
    Action.UPHOLD: "up",
    Action.VIEW_CONTACT: "vc",
    Action.VIEW_EVIDENCE: "ve",
}
_ACTIONS_BY_CODE = {code: action for action, code in ACTION_CODES.items()}
STATUS_CODES = {status: str(n) for n, status in enumerate(Status)}
_STATUS_BY_CODE = {code: status for status, code in STATUS_CODES.items()}
BUTTONS_PER_ROW = 3


@dataclass(frozen=True)
class CardPress:
    action: Action
    tracking: str
    shown_status: Status | None
    """None for the old `accept:<tracking>` buttons of cards sent before casework existed."""


def press_data(action: Action, lead: LeadRow) -> str:
    return f"cw:{ACTION_CODES[action]}:{lead.tracking_number}:{STATUS_CODES[Status(lead.status)]}"


def parse_press(data: str) -> CardPress | None:
    if data.startswith("accept:"):
        return CardPress(Action.ACCEPT, data.removeprefix("accept:"), None)
    parts = data.split(":")
    if len(parts) != 4 or parts[0] != "cw":
        return None
    action, status = _ACTIONS_BY_CODE.get(parts[1]), _STATUS_BY_CODE.get(parts[3])
    if action is None or status is None:
        return None
    return CardPress(action, parts[2], status)


@dataclass(frozen=True)
class LastStep:
    action: str
    who: str
    when: str


def card(
    texts: Texts,
    lead: LeadRow,
    facts: LeadFacts,
    queue_name: str,
    roles: frozenset[Role],
    last: LastStep | None,
    evidence_files: int,
    linked: Sequence[str] = (),
) -> tuple[str, list[dict[str, Any]]]:
    """The card's HTML (citizen-written text escaped) and its buttons for staff of `roles`;
    `linked`: the lines naming the earlier leads it is linked to (bot/casework/linked.py)."""
    t = texts.get
    flow = FlowKind(lead.kind)
    title = t(f"flow.{lead.kind}")
    status = t(f"status.{lead.status}")
    lines = [
        f"<b>{escape(title)}</b>  <code>{lead.tracking_number}</code>",
        f"<b>{t('card.status')}：{status}</b>",
    ]
    if foreign.is_foreign(lead):
        lines[0] += f"  <b>{escape(t('card.foreign'))}</b>"
    if last is not None:
        lines[-1] += escape(f"（{t('card.action.' + last.action)}：{last.who}，{last.when}）")
    lines.append(f"{t('staff.queue')}：{escape(queue_name)}（{escape(t('route.' + lead.route_reason))}）")
    lines.append(f"{t('staff.priority')}：{escape(priority_text(texts, lead))}")
    lines.extend(linked)
    tags = [t(f"tag.{s}") for s in (*lead.sectors, *lead.channels) if texts.has(f"tag.{s}")]
    if tags:
        lines.append(f"{t('staff.tags')}：{escape('、'.join(tags))}")
    for name in SHOWN_FIELDS:
        if name in lead.fields and lead.fields[name] not in (None, "", []):
            value = staff_value(texts, flow, name, lead.fields[name], "zh")
            if (lead.confidential or lead.anonymous) and name not in ABOUT_THE_RESPONDENT:
                value = mask_identity(value, lead.contact_name, lead.contact_phone)
            value = value if len(value) <= FIELD_LIMIT else value[:FIELD_LIMIT] + "…"
            lines.append(f"{escape(t('field.' + name))}：{escape(value)}")
    lines.append(f"{t('staff.contact')}：{escape(contact_line(texts, lead))}")
    lines.append(
        f"{t('field.evidence')}：{t('summary.files', count=max(evidence_files, lead.evidence_count))}"
    )
    lines.extend(_case_lines(texts, lead))
    if lead.stage_due is not None and lead.stage is not None:
        paused = t("card.due_paused") if lead.paused_at is not None else ""
        lines.append(f"{t(f'card.due.{lead.stage}')}：{lead.stage_due.isoformat()}{paused}")
    buttons: list[dict[str, Any]] = []
    for action in allowed_actions(facts, roles):
        if action is Action.VIEW_CONTACT and not lead.confidential:
            continue
        if action is Action.VIEW_EVIDENCE and not evidence_files:
            continue
        buttons.append({"label": t(f"card.button.{action.value}"), "data": press_data(action, lead)})
    for n, button in enumerate(buttons):
        button["row"] = n // BUTTONS_PER_ROW
    return "\n".join(lines), buttons


def contact_line(texts: Texts, lead: LeadRow) -> str:
    if lead.anonymous:
        return texts.get("staff.anonymous")
    if lead.confidential:
        masked = f"{mask_name(lead.contact_name)} {mask_phone(lead.contact_phone)}"
        return texts.get("card.confidential", masked=masked)
    return f"{lead.contact_name or ''} {lead.contact_phone or ''}".strip() or "-"


def _case_lines(texts: Texts, lead: LeadRow) -> list[str]:
    t, lines = texts.get, []
    if lead.case_number:
        lines.append(f"{t('card.case_number')}：{escape(lead.case_number)}")
    if lead.outcome:
        outcome = t(f"outcome.{lead.outcome}")
        if lead.fine_fen is not None:
            outcome += t("card.fine", yuan=yuan(lead.fine_fen))
        if lead.outcome_note:
            outcome += f"（{lead.outcome_note}）"
        lines.append(f"{t('card.outcome')}：{escape(outcome)}")
    if lead.penalised_party:
        lines.append(f"{t('card.party')}：{escape(lead.penalised_party)}")
    if lead.department:
        lines.append(f"{t('card.department')}：{escape(lead.department)}")
    if lead.rating is not None:
        lines.append(f"{t('card.rating')}：{'★' * lead.rating}{'☆' * (5 - lead.rating)}")
        if lead.rating_comment:
            lines.append(f"{t('card.rating_comment')}：{escape(lead.rating_comment)}")
    return lines


def yuan(fen: int) -> str:
    whole, cents = divmod(fen, 100)
    return f"{whole:,}" if not cents else f"{whole:,}.{cents:02d}"


RENAMED_REASONS = {"repeat_respondent": "linked_respondent", "repeat_patent": "linked_patent"}
"""Reasons of leads stored before links named the earlier leads: shown as a link, not a verdict."""


def priority_text(texts: Texts, lead: LeadRow) -> str:
    if not lead.priority_reasons:
        return texts.get("priority.normal")
    reasons = []
    for reason in lead.priority_reasons:
        code, _, arg = reason.partition(":")
        code = RENAMED_REASONS.get(code, code)
        if code == "sector":
            arg = texts.get(f"tag.{arg}")
        reasons.append(texts.get(f"priority.{code}", value=arg))
    return f"{texts.get('priority.high')}（{'；'.join(reasons)}）"
