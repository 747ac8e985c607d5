"""The citizen's service: one inbound event in, in one transaction, replies out.

Channels (Telegram, console) translate their input into `Incoming` and send back the replies;
everything else happens here: redelivered updates are dropped, the chat's conversation row is
locked, the citizen's side of a case (a rating, 补充材料, a relay to a person) or the dialogue
steps, its effects run, and staff cards are queued in the outbox, all committed together or not
at all. Staff actions are the desk's (`bot/casework/desk.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.casework.amend import add_evidence, amend
from bot.casework.cases import Cases
from bot.casework.citizen import CitizenDesk
from bot.casework.evidence import EvidenceStore, Fetched
from bot.casework.relay import Relays, link_evidence
from bot.casework.typed import typed_press
from bot.config import Config
from bot.dialogue.machine import Dialogue
from bot.dialogue.model import (
    AddEvidence,
    AmendLead,
    Conversation,
    Effect,
    Inbound,
    InboundKind,
    LookupPatents,
    OpenRelay,
    Reply,
    ShowStatus,
    SubmitLead,
)
from bot.dialogue.texts import Texts
from bot.leads import fairs, store
from bot.leads.db import Database
from bot.leads.models import LeadRow, ProcessedUpdateRow, to_local, utcnow
from bot.leads.submit import create_lead
from bot.notify import outbox
from bot.patent_reply import patent_reply
from intents.understander import Understander

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Incoming:
    chat_id: int
    inbound: Inbound
    update_id: int | None = None
    reply_to: int | None = None
    """The id of the bot's message this one replies to (a comment after a rating)."""


class Intake:
    def __init__(
        self,
        config: Config,
        understander: Understander,
        dialogue: Dialogue,
        texts: Texts,
        db: Database,
        cases: Cases,
        relays: Relays,
        citizen: CitizenDesk,
        evidence: EvidenceStore,
        wake_outbox: Callable[[], None] = lambda: None,
    ) -> None:
        self.config = config
        self.understander = understander
        self.dialogue = dialogue
        self.texts = texts
        self.db = db
        self.cases = cases
        self.relays = relays
        self.citizen = citizen
        self.evidence = evidence
        self.wake_outbox = wake_outbox
        self.zone = ZoneInfo(config.service.timezone)

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """The replies to one update, for a channel that shows them itself (the console)."""
        replies, _ = await self._handle(incoming, durable=False)
        return replies

    async def handle_durably(self, incoming: Incoming) -> list[int]:
        """Like `handle`, but the replies are queued in the outbox in the same transaction as what
        they answer, and their rows returned for the channel to send at once: a reply whose send
        fails is retried, so a stored message is never answered with silence."""
        _, rows = await self._handle(incoming, durable=True)
        return rows

    async def _handle(self, incoming: Incoming, durable: bool) -> tuple[list[Reply], list[int]]:
        inbound = incoming.inbound
        understanding = (
            self.understander.understand(inbound.text) if inbound.kind is InboundKind.TEXT else None
        )
        fetched = await self.evidence.fetch(inbound.evidence) if inbound.evidence is not None else None
        try:
            async with self.db.transaction() as session:
                if incoming.update_id is not None and not await store.first_time(session, incoming.update_id):
                    log.info("update %s already processed; dropped", incoming.update_id)
                    return [], []
                replies = await self._replies(session, incoming, understanding, fetched)
                rows = await self._queue(session, incoming.chat_id, replies) if durable else []
        except IntegrityError:
            if incoming.update_id is not None and await self._seen(incoming.update_id):
                log.info("update %s processed concurrently elsewhere; dropped", incoming.update_id)
                return [], []
            raise
        self.wake_outbox()
        return replies, rows

    async def _replies(
        self, session: AsyncSession, incoming: Incoming, understanding: Any, fetched: Fetched | None
    ) -> list[Reply]:
        inbound = incoming.inbound
        row = await store.lock_conversation(session, incoming.chat_id)
        conv = Conversation.from_dict(row.data)
        if fetched is not None:
            await self._keep_file(session, incoming, fetched)
        row.updated_at = utcnow()
        case_replies = await self._case_side(session, incoming, conv)
        if case_replies is not None:
            return case_replies
        outcome = self.dialogue.step(conv, inbound, understanding)
        replies: list[Reply] = []
        for effect in outcome.effects:
            form_open = outcome.conversation.draft is not None
            replies.extend(await self._carry_out(session, effect, incoming.chat_id, inbound.now, form_open))
        row.data = outcome.conversation.to_dict()
        return [*replies, *outcome.replies]

    async def _queue(self, session: AsyncSession, chat_id: int, replies: list[Reply]) -> list[int]:
        rows = []
        for reply in replies:
            buttons = [
                {"label": b.label, "data": b.data, "row": n} for n, r in enumerate(reply.buttons) for b in r
            ]
            rows += outbox.enqueue_parts(session, chat_id, "citizen_reply", reply.text, reply.html, buttons)
        await session.flush()
        return [row.id for row in rows]

    async def _seen(self, update_id: int) -> bool:
        async with self.db.transaction() as session:
            return await session.get(ProcessedUpdateRow, update_id) is not None

    async def _keep_file(self, session: AsyncSession, incoming: Incoming, fetched: Fetched) -> None:
        evidence = incoming.inbound.evidence
        assert evidence is not None
        row = EvidenceStore.row(incoming.chat_id, evidence, fetched)
        relay = await self.relays.active(session, incoming.chat_id)
        if relay is not None and relay.kind == "info":
            row.lead_id = relay.lead_id
        session.add(row)

    async def _case_side(
        self, session: AsyncSession, incoming: Incoming, conv: Conversation
    ) -> list[Reply] | None:
        """The citizen's part in a case, ahead of the dialogue; None when the message is the dialogue's."""
        inbound, chat_id = incoming.inbound, incoming.chat_id
        if inbound.kind is InboundKind.BUTTON and inbound.text.startswith("cz:"):
            return await self.citizen.press(session, chat_id, inbound.text, conv.language)
        if incoming.reply_to is not None and inbound.kind is InboundKind.TEXT:
            comment = await self.citizen.comment(session, chat_id, incoming.reply_to, inbound.text)
            if comment is not None:
                return [comment]
        if conv.draft is not None:
            return None
        relay = await self.relays.active(session, chat_id)
        text = inbound.text if inbound.kind is InboundKind.TEXT else ""
        typed = await typed_press(session, chat_id, text, relay) if text else None
        if typed is not None:  # 申请复核, 补充完毕 typed: as the buttons offered for them
            return await self.citizen.press(session, chat_id, typed, conv.language)
        if relay is None:
            return None
        if inbound.kind is InboundKind.COMMAND and inbound.text in ("cancel", "end"):
            await self.relays.end(session, relay, by_staff=False)
            return [Reply(self.texts.get("relay.ended", relay.language))]
        if inbound.kind in (InboundKind.TEXT, InboundKind.FILE) and (
            inbound.text.strip() or inbound.evidence
        ):
            return [await self.relays.citizen_says(session, relay, inbound.text, inbound.evidence)]
        return None

    async def _carry_out(
        self, session: AsyncSession, effect: Effect, chat_id: int, now: datetime, form_open: bool = False
    ) -> list[Reply]:
        if isinstance(effect, ShowStatus):
            return [await self._status(session, effect, chat_id)]
        if isinstance(effect, LookupPatents):
            entries = await store.register_entries(session, list(effect.numbers))
            today, language = self.cases.local_today(), effect.language
            return [patent_reply(self.texts, n, entries.get(n), language, today) for n in effect.numbers]
        if isinstance(effect, OpenRelay):
            return [await self.relays.open_human(session, chat_id, effect.language, now, form_open)]
        if isinstance(effect, AmendLead):
            return [await amend(session, self.cases, chat_id, effect)]
        if isinstance(effect, AddEvidence):
            return [await add_evidence(session, self.cases, chat_id, effect)]
        return [await self._submit(session, effect, chat_id)]

    async def _submit(self, session: AsyncSession, effect: SubmitLead, chat_id: int) -> Reply:
        now = self.cases.clock()
        lead = await create_lead(session, self.config, self.cases.timing, effect, chat_id, now)
        files = [str(e.get("file_id")) for e in effect.fields.get("evidence") or [] if isinstance(e, dict)]
        await link_evidence(session, lead, files)
        onsite = fairs.onsite_chat(self.config.fairs, lead.fields, self.cases.timing.local(lead.created_at))
        targets = self.cases.staff_chats(lead, onsite)
        for target in targets:
            await self.cases.post_card(session, lead, target, purpose="staff_new_lead")
        if not targets:
            log.warning(
                "lead %s: no staff chat configured for queue %s or the city",
                lead.tracking_number,
                lead.queue_code,
            )
        return Reply(self._receipt(lead, effect.language))

    def _receipt(self, lead: LeadRow, language: str) -> str:
        t = self.texts.get
        queue = self.cases.queue_name(lead.queue_code, language)
        if self.cases.checks_first(lead, by_city=False):
            city = self.cases.queue_name(self.config.city.code, language)
            queue = t("lead.route.checks", language, queue=queue, city=city)
        deadline = t("lead.deadline", language, date=lead.accept_due.isoformat())
        text = t("lead.submitted", language, tracking=lead.tracking_number, queue=queue, deadline=deadline)
        if lead.anonymous:
            text += "\n" + t("lead.anonymous", language)
        return text

    async def _status(self, session: AsyncSession, effect: ShowStatus, chat_id: int) -> Reply:
        t, lang = self.texts.get, effect.language
        leads = await store.leads_of_chat(session, chat_id, effect.tracking_number)
        if effect.tracking_number and not leads:
            return Reply(t("status.not_found", lang, tracking=effect.tracking_number))
        if not leads:
            return Reply(t("status.none", lang))
        if effect.tracking_number:
            lead = await store.lead_by_tracking(session, effect.tracking_number)
            assert lead is not None
            return await self.citizen.timeline(session, lead, lang)
        lines = [t("status.title", lang)]
        for summary in leads:
            when = to_local(summary.last_change, self.zone).strftime("%Y-%m-%d %H:%M")
            lines.append(
                t(
                    "status.line",
                    lang,
                    tracking=summary.tracking_number,
                    kind=t(f"flow.{summary.kind}", lang),
                    status=t(f"status.{summary.status}", lang),
                    when=when,
                )
            )
        lines.append(t("status.more", lang))
        return Reply("\n".join(lines))
