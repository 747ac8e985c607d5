"""The hotline's core service: one inbound event in, in one transaction, replies out.

Channels (Telegram, console) translate their input into `Incoming` and send back the replies;
everything else happens here: redelivered updates are dropped, the chat's conversation row is
locked, the dialogue steps, its effects run, and staff notifications are queued in the outbox, all
committed together or not at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.composition import Core
from bot.config import Config
from bot.dialogue.machine import Dialogue
from bot.dialogue.model import (
    Conversation,
    Effect,
    Inbound,
    InboundKind,
    LookupPatents,
    Reply,
    ShowStatus,
    SubmitLead,
)
from bot.dialogue.texts import Texts
from bot.leads import store
from bot.leads.db import Database
from bot.leads.models import to_local, utcnow
from bot.leads.submit import create_lead
from bot.notify import outbox
from bot.notify.staff import accepted_line
from bot.patent_reply import patent_reply

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Incoming:
    chat_id: int
    inbound: Inbound
    update_id: int | None = None


class Intake:
    def __init__(
        self,
        config: Config,
        core: Core,
        dialogue: Dialogue,
        texts: Texts,
        db: Database,
        wake_outbox: Callable[[], None] = lambda: None,
    ) -> None:
        self.config = config
        self.core = core
        self.dialogue = dialogue
        self.texts = texts
        self.db = db
        self.wake_outbox = wake_outbox
        self.zone = ZoneInfo(config.service.timezone)

    async def handle(self, incoming: Incoming) -> list[Reply]:
        inbound = incoming.inbound
        understanding = (
            self.core.understander.understand(inbound.text) if inbound.kind is InboundKind.TEXT else None
        )
        try:
            async with self.db.transaction() as session:
                if incoming.update_id is not None and not await store.first_time(session, incoming.update_id):
                    log.info("update %s already processed; dropped", incoming.update_id)
                    return []
                row = await store.lock_conversation(session, incoming.chat_id)
                outcome = self.dialogue.step(Conversation.from_dict(row.data), inbound, understanding)
                replies: list[Reply] = []
                for effect in outcome.effects:
                    replies.extend(await self._carry_out(session, effect, incoming.chat_id))
                row.data = outcome.conversation.to_dict()
                row.updated_at = utcnow()
        except IntegrityError:
            log.info("update %s processed concurrently elsewhere; dropped", incoming.update_id)
            return []
        if any(isinstance(e, SubmitLead) for e in outcome.effects):
            self.wake_outbox()
        return [*replies, *outcome.replies]

    async def _carry_out(self, session: AsyncSession, effect: Effect, chat_id: int) -> list[Reply]:
        if isinstance(effect, ShowStatus):
            return [await self._status(session, effect, chat_id)]
        if isinstance(effect, LookupPatents):
            entries = await store.register_entries(session, list(effect.numbers))
            return [patent_reply(self.texts, n, entries.get(n), effect.language) for n in effect.numbers]
        lead = await create_lead(session, self.config, self.texts, effect, chat_id, self.local_now())
        queue = self.queue_name(lead.queue_code, effect.language)
        t = self.texts.get
        deadline = t("lead.deadline", effect.language, date=lead.accept_due.isoformat())
        text = t(
            "lead.submitted", effect.language, tracking=lead.tracking_number, queue=queue, deadline=deadline
        )
        if lead.anonymous:
            text += "\n" + t("lead.anonymous", effect.language)
        return [Reply(text)]

    async def _status(self, session: AsyncSession, effect: ShowStatus, chat_id: int) -> Reply:
        t, lang = self.texts.get, effect.language
        leads = await store.leads_of_chat(session, chat_id, effect.tracking_number)
        if effect.tracking_number and not leads:
            return Reply(t("status.not_found", lang, tracking=effect.tracking_number))
        if not leads:
            return Reply(t("status.none", lang))
        lines = [t("status.title", lang)]
        for lead in leads:
            when = to_local(lead.last_change, self.zone).strftime("%Y-%m-%d %H:%M")
            lines.append(
                t(
                    "status.line",
                    lang,
                    tracking=lead.tracking_number,
                    kind=t(f"flow.{lead.kind}", lang),
                    status=t(f"status.{lead.status}", lang),
                    when=when,
                )
            )
        return Reply("\n".join(lines))

    async def accept(self, update_id: int | None, tracking: str, user_id: int, user_name: str) -> str:
        """A staff member pressed 受理. Returns the text of the callback answer."""
        t = self.texts.get
        async with self.db.transaction() as session:
            if update_id is not None and not await store.first_time(session, update_id):
                return ""
            lead = await store.lead_by_tracking(session, tracking, lock=True)
            if lead is None:
                return t("staff.unknown_lead")
            allowed = self.config.queues[lead.queue_code].staff_ids + self.config.city.staff_ids
            if user_id not in allowed:
                log.warning(
                    "lead %s: accept refused for user %s (not staff of %s)",
                    tracking,
                    user_id,
                    lead.queue_code,
                )
                return t("staff.refused")
            if lead.status != "new":
                return t("staff.already")
            now = utcnow()
            lead.status, lead.accepted_by, lead.accepted_at = "accepted", user_id, now
            await store.add_event(session, lead, f"staff:{user_id}", "accepted", {"name": user_name})
            line = accepted_line(self.texts, user_name, now, self.config.service.timezone)
            for sent in await outbox.notifications_of(session, lead.id, "staff_new_lead"):
                outbox.enqueue(
                    session,
                    sent.chat_id,
                    "staff_edit",
                    sent.text + line,
                    html=True,
                    lead_id=lead.id,
                    edit_of=sent.id,
                )
            queue = self.queue_name(lead.queue_code, lead.language)
            outbox.enqueue(
                session,
                lead.chat_id,
                "citizen_update",
                t("lead.accepted", lead.language, tracking=lead.tracking_number, queue=queue),
                lead_id=lead.id,
            )
        log.info("lead %s accepted by staff %s", tracking, user_id)
        self.wake_outbox()
        return t("staff.accepted_ok")

    def queue_name(self, code: str, language: str) -> str:
        if language == "en":
            key = "queue.city" if code == self.config.city.code else f"choice.county.{code}"
            if self.texts.has(key):
                return self.texts.get(key, "en")
        return self.config.queues[code].name

    def local_now(self) -> datetime:
        return datetime.now(self.zone)
