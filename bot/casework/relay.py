"""A citizen's private chat relayed to a staff group, both ways: the answer to 补充材料 (kind
"info", tied to the lead) or a conversation with a person after /human (kind "human").

Staff see the citizen's words as "市民" with the lead's tracking number, never a name or a
Telegram account; the citizen sees "工作人员" and the words. One relay is active per citizen chat.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.casework.cases import Cases
from bot.casework.lifecycle import ENDS, Status
from bot.config import office_hours
from bot.dialogue.model import Button, Evidence, Reply
from bot.leads import store
from bot.leads.models import EvidenceRow, LeadRow, OutboxRow, RelayRow, to_local, utcnow
from bot.notify import outbox

log = logging.getLogger(__name__)


class Relays:
    def __init__(self, cases: Cases) -> None:
        self.cases = cases
        self.texts = cases.texts
        self.config = cases.config

    async def active(self, session: AsyncSession, chat_id: int) -> RelayRow | None:
        query = select(RelayRow).where(RelayRow.citizen_chat_id == chat_id, RelayRow.active.is_(True))
        return (await session.execute(query.order_by(RelayRow.id.desc()).limit(1))).scalar_one_or_none()

    async def _open(
        self,
        session: AsyncSession,
        kind: str,
        chat_id: int,
        staff_chat: int,
        queue: str,
        language: str,
        lead: LeadRow | None,
    ) -> RelayRow:
        current = await self.active(session, chat_id)
        if current is not None:
            current.active, current.closed_at = False, utcnow()
        relay = RelayRow(
            kind=kind,
            citizen_chat_id=chat_id,
            staff_chat_id=staff_chat,
            queue_code=queue,
            language=language,
            lead_id=lead.id if lead else None,
            active=True,
        )
        session.add(relay)
        await session.flush()
        return relay

    async def open_info(self, session: AsyncSession, lead: LeadRow, staff_chat: int) -> None:
        """The citizen's next messages go to `staff_chat`, the group that asked."""
        await self._open(session, "info", lead.chat_id, staff_chat, lead.queue_code, lead.language, lead)

    async def close_info(self, session: AsyncSession, lead: LeadRow, by_staff: bool) -> RelayRow | None:
        """Ends the lead's 补充材料 relay; returns it (its staff chat is the group that asked)."""
        relay = await self.active(session, lead.chat_id)
        if relay is None or relay.kind != "info" or relay.lead_id != lead.id:
            return None
        relay.active, relay.closed_at = False, utcnow()
        if by_staff:
            text = self.texts.get("relay.info_closed", lead.language, tracking=lead.tracking_number)
            outbox.enqueue(session, lead.chat_id, "citizen_update", text, lead_id=lead.id)
        return relay

    async def open_human(
        self, session: AsyncSession, chat_id: int, language: str, now: datetime, form_open: bool = False
    ) -> Reply:
        """Relays the chat to the queue of the citizen's open lead, or to the city. While a form is
        open its answers still go to the form (the relay starts when it is submitted or cancelled)."""
        lead = await _open_lead_of(session, chat_id)
        queue = self.config.queues[lead.queue_code] if lead else self.config.city
        staff_chat = queue.chat_id or self.config.city.chat_id
        if not staff_chat:
            return Reply(self.texts.get("human", language))
        relay = await self._open(session, "human", chat_id, staff_chat, queue.code, language, lead)
        about = lead.tracking_number if lead else self.texts.get("desk.relay.no_lead")
        head = self.texts.get("desk.relay.human_opened_staff", about=escape(about))
        self._to_staff(session, relay, head, lead)
        text = self.texts.get(
            "relay.human_opened", language, queue=self.cases.queue_name(queue.code, language)
        )
        later = self.next_opening(now)
        if later is not None:
            text += "\n" + self.texts.get("relay.after_hours", language, when=later)
        if form_open:
            text += "\n" + self.texts.get("relay.form_open", language)
        return Reply(text, ((self._end_button(language),),))

    def _end_button(self, language: str) -> Button:
        return Button(self.texts.get("relay.button.end", language), "cz:end")

    async def citizen_says(
        self, session: AsyncSession, relay: RelayRow, text: str, evidence: Evidence | None
    ) -> Reply:
        lead = await session.get(LeadRow, relay.lead_id) if relay.lead_id else None
        about = lead.tracking_number if lead else self.texts.get("desk.relay.no_lead")
        key = "desk.relay.info_from_citizen" if relay.kind == "info" else "desk.relay.human_from_citizen"
        body = escape(text) if text else ""
        if evidence is not None:
            body = (body + "\n" if body else "") + escape(
                self.texts.get("desk.relay.file", name=evidence.name or evidence.kind)
            )
        row = self._to_staff(session, relay, self.texts.get(key, about=escape(about), text=body), lead)
        if evidence is not None:
            row.file_id, row.file_kind = evidence.file_id, evidence.kind
        if lead is not None:
            await store.add_event(
                session,
                lead,
                "citizen",
                "info_supplied" if relay.kind == "info" else "human_message",
                {"text": text[:1000], "file": evidence.file_id if evidence else None},
            )
        ack = "relay.info_ack" if relay.kind == "info" else "relay.human_ack"
        if relay.kind == "info" and lead is not None:
            label = self.texts.get("citizen.button.info_done", relay.language)
            button = Button(label, f"cz:id:{lead.tracking_number}")
        else:
            button = self._end_button(relay.language)
        return Reply(self.texts.get(ack, relay.language), ((button,),))

    def _to_staff(
        self, session: AsyncSession, relay: RelayRow, html_text: str, lead: LeadRow | None
    ) -> OutboxRow:
        buttons: list[dict[str, Any]] = []
        if relay.kind == "human":
            buttons = [
                {
                    "label": self.texts.get("desk.relay.button.staff_end"),
                    "data": f"hr:end:{relay.id}",
                    "row": 0,
                }
            ]
        row = outbox.enqueue(
            session,
            relay.staff_chat_id,
            "relay_in",
            html_text,
            html=True,
            buttons=buttons,
            lead_id=lead.id if lead else None,
        )
        row.relay_id = relay.id
        return row

    async def staff_answers(self, session: AsyncSession, relay_id: int, user_id: int, text: str) -> bool:
        relay = await session.get(RelayRow, relay_id)
        if relay is None:
            return False
        if not self._is_staff(user_id, relay):
            return True
        if not relay.active:
            outbox.enqueue(
                session, relay.staff_chat_id, "staff_notice", self.texts.get("desk.relay.closed_staff")
            )
            return True
        words = " ".join(text.split())[:3500]
        outbox.enqueue(
            session,
            relay.citizen_chat_id,
            "citizen_update",
            self.texts.get("relay.staff_says", relay.language, text=words),
            lead_id=relay.lead_id,
        )
        if relay.lead_id is not None:
            lead = await session.get(LeadRow, relay.lead_id)
            if lead is not None:
                await store.add_event(
                    session, lead, f"staff:{user_id}", "staff_message", {"text": words[:1000]}
                )
        return True

    def _is_staff(self, user_id: int, relay: RelayRow) -> bool:
        return (
            user_id in self.config.queues[relay.queue_code].staff_ids or user_id in self.config.city.staff_ids
        )

    async def end(self, session: AsyncSession, relay: RelayRow, by_staff: bool) -> None:
        relay.active, relay.closed_at = False, utcnow()
        outbox.enqueue(
            session,
            relay.staff_chat_id,
            "staff_notice",
            self.texts.get(
                "desk.relay.ended_staff",
                who=self.texts.get("desk.relay.by_staff" if by_staff else "desk.relay.by_citizen"),
            ),
        )
        if by_staff:
            outbox.enqueue(
                session,
                relay.citizen_chat_id,
                "citizen_update",
                self.texts.get("relay.ended", relay.language),
            )

    async def staff_end(self, session: AsyncSession, relay_id: int, user_id: int) -> str:
        relay = await session.get(RelayRow, relay_id, with_for_update=True)
        if relay is None or not self._is_staff(user_id, relay):
            return self.texts.get("desk.not_staff")
        if not relay.active:
            return self.texts.get("desk.relay.closed_staff")
        await self.end(session, relay, by_staff=True)
        return self.texts.get("desk.relay.ended_ok")

    def next_opening(self, now: datetime) -> str | None:
        """None within office hours on a working day; else when a person is next there."""
        zone = ZoneInfo(self.config.service.timezone)
        local = now.astimezone(zone) if now.tzinfo else to_local(now, zone)
        opens, closes = office_hours(self.config.casework.office_hours)
        if local.weekday() < 5 and opens <= local.time() < closes:
            return None
        day = local.date() if local.time() < opens else local.date() + timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return f"{day.isoformat()} {opens.strftime('%H:%M')}"


async def _open_lead_of(session: AsyncSession, chat_id: int) -> LeadRow | None:
    query = select(LeadRow).where(LeadRow.chat_id == chat_id).order_by(LeadRow.id.desc()).limit(20)
    for lead in (await session.execute(query)).scalars():
        if Status(lead.status) not in ENDS:
            return lead
    return None


async def link_evidence(session: AsyncSession, lead: LeadRow, file_ids: list[str]) -> None:
    """The files the citizen sent while filling the form become the lead's."""
    if not file_ids:
        return
    query = select(EvidenceRow).where(
        EvidenceRow.chat_id == lead.chat_id, EvidenceRow.lead_id.is_(None), EvidenceRow.file_id.in_(file_ids)
    )
    for row in (await session.execute(query)).scalars():
        row.lead_id = lead.id
