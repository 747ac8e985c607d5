"""The staff notification of a lead, in HTML with every citizen-written text escaped."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.dialogue.form import show_value
from bot.dialogue.states import FlowKind
from bot.dialogue.texts import Texts
from bot.leads.models import LeadRow, to_local

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


def accept_data(lead: LeadRow) -> str:
    return f"accept:{lead.tracking_number}"


def notification(config: Config, texts: Texts, lead: LeadRow) -> tuple[str, list[dict[str, Any]]]:
    t = texts.get
    queue = config.queues[lead.queue_code].name
    flow = FlowKind(lead.kind)
    title = f"{t('staff.new_lead')} · {t(f'flow.{lead.kind}')}"
    lines = [
        f"<b>{escape(title)}</b>  <code>{lead.tracking_number}</code>",
        f"{t('staff.queue')}：{escape(queue)}（{escape(t('route.' + lead.route_reason))}）",
        f"{t('staff.priority')}：{escape(priority_text(texts, lead))}",
    ]
    tags = [t(f"tag.{s}") for s in (*lead.sectors, *lead.channels) if texts.has(f"tag.{s}")]
    if tags:
        lines.append(f"{t('staff.tags')}：{escape('、'.join(tags))}")
    for name in SHOWN_FIELDS:
        if name in lead.fields and lead.fields[name] not in (None, "", []):
            value = show_value(texts, flow, name, lead.fields[name], "zh")
            lines.append(f"{escape(t('field.' + name))}：{escape(value)}")
    if lead.anonymous:
        lines.append(f"{t('staff.contact')}：{t('staff.anonymous')}")
    else:
        contact = f"{lead.contact_name or ''} {lead.contact_phone or ''}".strip()
        lines.append(f"{t('staff.contact')}：{escape(contact)}")
    lines.append(f"{t('field.evidence')}：{t('summary.files', count=lead.evidence_count)}")
    lines.append(f"{t('staff.due')}：{lead.accept_due.isoformat()}")
    buttons = [{"label": t("staff.accept"), "data": accept_data(lead), "row": 0}]
    return "\n".join(lines), buttons


def priority_text(texts: Texts, lead: LeadRow) -> str:
    if not lead.priority_reasons:
        return texts.get("priority.normal")
    reasons = []
    for reason in lead.priority_reasons:
        code, _, arg = reason.partition(":")
        if code == "sector":
            arg = texts.get(f"tag.{arg}")
        reasons.append(texts.get(f"priority.{code}", value=arg))
    return f"{texts.get('priority.high')}（{'；'.join(reasons)}）"


def accepted_line(texts: Texts, staff_name: str, at: datetime, timezone: str) -> str:
    local = to_local(at, ZoneInfo(timezone))
    return "\n\n✅ " + texts.get(
        "staff.accepted", name=escape(staff_name), when=local.strftime("%Y-%m-%d %H:%M")
    )
