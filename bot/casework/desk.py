"""The staff desk: a press on a card or a prompt, or a reply to a prompt, in one transaction.

Every press is checked: the user is staff of the lead's queue or of the city, the message pressed
is that lead's card (or prompt) in that chat, the card shows the lead's current status, and the
lifecycle table allows the action. Anything else changes nothing and gets a plain answer.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from html import escape
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.casework import cards
from bot.casework.cases import CARD_PURPOSES, Actor, Cases, resume_of
from bot.casework.inputs import PICKS, Step, first_step, next_step, outcomes_for, read_words
from bot.casework.lifecycle import Action, Decision, Refusal, decide
from bot.casework.relay import Relays
from bot.dialogue.model import clean_text
from bot.leads import store
from bot.leads.db import Database
from bot.leads.models import EvidenceRow, LeadRow, OutboxRow, StaffPromptRow, utcnow
from bot.notify import outbox

log = logging.getLogger(__name__)
CANCEL_PICK = "x"
IN_FLIGHT = ("claimed", "sending")
IN_FLIGHT_WAITS = (0.2, 0.5, 1.0)
"""Seconds to wait, in turn, for the outbox to record a message a press or reply already answers."""

CONFIRM_FINE_ABOVE_FEN = 250_000 * 100
"""A fine above 25 万元, the cap without illegal gains or with gains under 5 万元 (facts 1.21, 专利法
第六十八条), is typed twice: a slip (3000万 for 3000) would go straight into the month's totals and
the public disclosure."""


@dataclass(frozen=True)
class StaffPress:
    chat_id: int
    message_id: int | None
    user_id: int
    user_name: str
    data: str
    update_id: int | None = None


@dataclass(frozen=True)
class StaffReply:
    chat_id: int
    reply_to: int
    user_id: int
    user_name: str
    text: str
    update_id: int | None = None


@dataclass(frozen=True)
class PressAnswer:
    text: str
    alert: bool = False
    """Shown as an alert to the presser alone (Telegram's show_alert): a confidential contact."""


class Desk:
    def __init__(self, cases: Cases, relays: Relays, db: Database, wake_outbox: Callable[[], None]) -> None:
        self.supervise: Callable[[AsyncSession, StaffPress], Awaitable[PressAnswer]] | None = None
        """The 督办 button's handler (bot/supervision/press.py), set by the composition root."""
        self.cases = cases
        self.relays = relays
        self.db = db
        self.wake_outbox = wake_outbox
        self.texts = cases.texts
        self.config = cases.config

    def t(self, key: str, **values: Any) -> str:
        return self.texts.get(key, "zh", **values)

    async def press(self, press: StaffPress) -> PressAnswer:
        """A press on a card or a prompt. Like a reply, a press can outrun the outbox (the card is
        in Telegram, its message id not yet stored): it is then looked up again shortly."""
        answer = None
        for wait in (*IN_FLIGHT_WAITS, None):
            answer = await self._press_once(press, retry=wait is not None)
            if answer is not None or wait is None:
                break
            await asyncio.sleep(wait)
        assert answer is not None, "the last try never defers"
        self.wake_outbox()
        return answer

    async def _press_once(self, press: StaffPress, retry: bool) -> PressAnswer | None:
        async with self.db.transaction() as session:
            if retry and press.message_id is not None and await self._outrun(session, press):
                return None
            if press.update_id is not None and not await store.first_time(session, press.update_id):
                return PressAnswer("")
            if press.data.startswith("cp:"):
                answer = await self._pick(session, press)
            elif press.data.startswith("sv:") and self.supervise is not None:
                answer = await self.supervise(session, press)
            elif press.data.startswith("hr:end:") and press.data[7:].isdigit():
                answer = PressAnswer(await self.relays.staff_end(session, int(press.data[7:]), press.user_id))
            else:
                answer = await self._card_press(session, press)
        return answer

    async def _outrun(self, session: AsyncSession, press: StaffPress) -> bool:
        assert press.message_id is not None
        unknown = await sent_message(session, press.chat_id, press.message_id) is None
        return unknown and await _in_flight(session, press.chat_id)

    async def reply(self, reply: StaffReply) -> bool:
        """A staff member's reply to one of the bot's messages. False: not one the desk knows.

        A reply can outrun the outbox: Telegram has the prompt, the worker has not yet stored its
        message id. While a message to the chat is in flight the reply is looked up again shortly."""
        reply = dataclasses.replace(reply, text=clean_text(reply.text))
        for wait in (*IN_FLIGHT_WAITS, None):
            handled = await self._reply_once(reply, retry=wait is not None)
            if handled is not None:
                return handled
            assert wait is not None
            await asyncio.sleep(wait)
        return False

    async def _reply_once(self, reply: StaffReply, retry: bool) -> bool | None:
        """None: the message replied to is unknown but a send to the chat is in flight."""
        async with self.db.transaction() as session:
            sent = await sent_message(session, reply.chat_id, reply.reply_to)
            if sent is None and retry and await _in_flight(session, reply.chat_id):
                return None
            if reply.update_id is not None and not await store.first_time(session, reply.update_id):
                return True
            if sent is None:
                return False
            if sent.purpose == "relay_in" and sent.relay_id is not None:
                handled = await self.relays.staff_answers(session, sent.relay_id, reply.user_id, reply.text)
            elif sent.purpose == "staff_prompt":
                handled = await self._words(session, sent, reply)
            else:
                return False
        self.wake_outbox()
        return handled

    # ---- card presses
    async def _card_press(self, session: AsyncSession, press: StaffPress) -> PressAnswer:
        parsed = cards.parse_press(press.data)
        if parsed is None:
            return PressAnswer(self.t("desk.invalid"))
        lead = await store.lead_by_tracking(session, parsed.tracking, lock=True)
        if lead is None or not await self._shown_here(session, lead, press):
            log.warning(
                "press %r by %s in chat %s: not this lead's message", press.data, press.user_id, press.chat_id
            )
            return PressAnswer(self.t("desk.invalid"))
        roles = self.cases.roles(press.user_id, lead)
        if not roles:
            log.warning("lead %s: press by %s refused (not staff)", lead.tracking_number, press.user_id)
            return PressAnswer(self.t("desk.not_staff"))
        if parsed.shown_status is not None and parsed.shown_status.value != lead.status:
            await self.cases.refresh_cards(session, lead)
            return PressAnswer(self.t("desk.stale", status=self.t(f"status.{lead.status}")))
        decision = decide(self.cases.facts(lead), parsed.action, roles, resume_of(lead))
        if isinstance(decision, Refusal):
            if parsed.shown_status is None and decision is Refusal.NOT_IN_STATUS:
                return PressAnswer(self.t("staff.already"))
            return PressAnswer(self.t(f"desk.refused.{decision.value}"))
        actor = Actor(press.user_id, press.user_name, roles)
        if parsed.action is Action.VIEW_CONTACT:
            await store.add_event(session, lead, actor.tag, "view_contact", {"name": actor.name})
            log.info("lead %s: contact viewed by staff %s", lead.tracking_number, press.user_id)
            return PressAnswer(
                self.t("desk.contact", contact=f"{lead.contact_name or ''} {lead.contact_phone or ''}"), True
            )
        if parsed.action is Action.VIEW_EVIDENCE:
            return await self._show_evidence(session, lead, actor, press.chat_id)
        step = first_step(decision.rule.needs)
        if step is None:
            await self.cases.take(session, lead, decision, actor, {})
            if parsed.action is Action.INFO_DONE:
                await self.relays.close_info(session, lead, by_staff=True)
            return PressAnswer(self.t("desk.done", action=self.t(f"card.button.{parsed.action.value}")))
        prompt = StaffPromptRow(
            lead_id=lead.id,
            chat_id=press.chat_id,
            staff_id=press.user_id,
            staff_name=press.user_name[:80],
            action=parsed.action.value,
            step=step.value,
            status_at_prompt=lead.status,
            data={},
            expires_at=utcnow() + timedelta(minutes=self.config.casework.prompt_minutes),
        )
        session.add(prompt)
        await session.flush()
        await self._ask(session, prompt, lead)
        return PressAnswer(self.t("desk.prompted"))

    async def _shown_here(self, session: AsyncSession, lead: LeadRow, press: StaffPress) -> bool:
        """The pressed message is one of this lead's cards (or relayed messages) in this chat."""
        if press.message_id is None:
            return False
        sent = await sent_message(session, press.chat_id, press.message_id)
        if sent is None or sent.lead_id != lead.id:
            return False
        return sent.purpose in (*CARD_PURPOSES, "staff_edit", "relay_in")

    async def _show_evidence(
        self, session: AsyncSession, lead: LeadRow, actor: Actor, chat_id: int
    ) -> PressAnswer:
        query = select(EvidenceRow).where(EvidenceRow.lead_id == lead.id).order_by(EvidenceRow.id)
        files = list((await session.execute(query)).scalars())
        await store.add_event(
            session, lead, actor.tag, "view_evidence", {"name": actor.name, "files": len(files)}
        )
        for n, f in enumerate(files, 1):
            caption = self.t(
                "desk.evidence_caption" if f.status == "stored" else "desk.evidence_caption_unkept",
                tracking=lead.tracking_number,
                n=n,
                count=len(files),
                name=f.name or "-",
                size=f.size or 0,
                sha=(f.sha256 or "-")[:16],
            )
            row = outbox.enqueue(session, chat_id, "staff_file", caption, lead_id=lead.id)
            row.file_id, row.file_kind = f.file_id, f.kind
        return PressAnswer(self.t("desk.evidence_sent", count=len(files)))

    # ---- prompts
    async def _ask(
        self, session: AsyncSession, prompt: StaffPromptRow, lead: LeadRow, error: str | None = None
    ) -> None:
        step, action = Step(prompt.step), Action(prompt.action)
        mention = f'<a href="tg://user?id={prompt.staff_id}">{escape(prompt.staff_name)}</a>'
        head = self.t(
            "prompt.head",
            who=mention,
            action=self.t(f"card.button.{action.value}"),
            tracking=lead.tracking_number,
        )
        lines = [head]
        if error:
            lines.append(escape(self.t(error)))
        buttons: list[dict[str, Any]] = []
        if step in PICKS:
            lines.append(escape(self.t(f"prompt.pick.{step.value}")))
            labels = self._choices(step, lead, labels=True)
            buttons = [
                {"label": label, "data": f"cp:{prompt.id}:{n}", "row": n // 2}
                for n, label in enumerate(labels)
            ]
            buttons.append(
                {"label": self.t("prompt.cancel"), "data": f"cp:{prompt.id}:{CANCEL_PICK}", "row": 99}
            )
        else:
            key = f"prompt.words.{step.value}.{action.value}"
            lines.append(
                escape(
                    self.t(
                        key if self.texts.has(key) else f"prompt.words.{step.value}",
                        example=self._example(lead),
                    )
                )
            )
            if step is Step.REASON and action is Action.REJECT:
                lines.extend(
                    f"{n}. {escape(r)}" for n, r in enumerate(self.config.casework.reject_reasons, 1)
                )
            lines.append(escape(self.t("prompt.minutes", minutes=self.config.casework.prompt_minutes)))
        row = outbox.enqueue(
            session,
            prompt.chat_id,
            "staff_prompt",
            "\n".join(lines),
            html=True,
            buttons=buttons,
            lead_id=lead.id,
        )
        row.force_reply = step not in PICKS
        await session.flush()
        prompt.outbox_id = row.id

    def _choices(self, step: Step, lead: LeadRow, labels: bool = False) -> list[str]:
        if step is Step.COUNTY:
            codes = [q.code for q in self.config.counties if q.code != lead.queue_code]
            return [self.config.queues[c].name for c in codes] if labels else codes
        if step is Step.OUTCOME:
            values = list(outcomes_for(lead.kind, self.cases.filing(lead.kind)))
            return [self.t(f"outcome.{v}") for v in values] if labels else values
        return list(self.config.casework.departments)

    def _example(self, lead: LeadRow) -> str:
        return self.cases.case_number(self.cases.filing_office(lead), self.cases.local_today().year, 1)

    async def _open_prompt(
        self, session: AsyncSession, prompt_id: int, user_id: int
    ) -> tuple[StaffPromptRow, LeadRow] | str:
        prompt = await session.get(StaffPromptRow, prompt_id, with_for_update=True)
        if prompt is None or prompt.done:
            return "desk.prompt_gone"
        if prompt.staff_id != user_id:
            return "desk.prompt_not_yours"
        if prompt.expires_at < utcnow():
            return "desk.prompt_expired"
        lead = await session.get(LeadRow, prompt.lead_id, with_for_update=True)
        if lead is None or lead.status != prompt.status_at_prompt:
            prompt.done = True
            return "desk.prompt_stale"
        return prompt, lead

    async def _pick(self, session: AsyncSession, press: StaffPress) -> PressAnswer:
        _, prompt_id, choice = [*press.data.split(":"), "", ""][:3]
        if not prompt_id.isdigit():
            return PressAnswer(self.t("desk.invalid"))
        opened = await self._open_prompt(session, int(prompt_id), press.user_id)
        if isinstance(opened, str):
            return PressAnswer(self.t(opened))
        prompt, lead = opened
        if prompt.chat_id != press.chat_id or Step(prompt.step) not in PICKS:
            return PressAnswer(self.t("desk.invalid"))
        if choice == CANCEL_PICK:
            prompt.done = True
            return PressAnswer(self.t("desk.cancelled"))
        values = self._choices(Step(prompt.step), lead)
        if not choice.isdigit() or int(choice) >= len(values):
            return PressAnswer(self.t("desk.invalid"))
        return await self._advance(session, prompt, lead, values[int(choice)])

    async def _words(self, session: AsyncSession, sent: OutboxRow, reply: StaffReply) -> bool:
        query = select(StaffPromptRow.id).where(StaffPromptRow.outbox_id == sent.id)
        prompt_id = (await session.execute(query)).scalar_one_or_none()
        if prompt_id is None:
            return True
        opened = await self._open_prompt(session, prompt_id, reply.user_id)
        if isinstance(opened, str):
            if opened in ("desk.prompt_expired", "desk.prompt_stale"):
                outbox.enqueue(session, reply.chat_id, "staff_notice", self.t(opened))
            return True
        prompt, lead = opened
        step = Step(prompt.step)
        if step in PICKS:
            return True
        words = read_words(step, reply.text, Action(prompt.action), self.config.casework.reject_reasons)
        error = words.error
        if error is None and step is Step.CASE_NUMBER and words.value:
            error = await self._case_number_taken(session, lead, str(words.value))
        if error is None and step is Step.FINE and self._fine_to_confirm(prompt, words.value):
            prompt.data = {**prompt.data, "fine_to_confirm": words.value}
            error = "prompt.fine_confirm"

        if error:
            await self._ask(session, prompt, lead, error)
            return True
        await self._advance(session, prompt, lead, words.value)
        return True

    @staticmethod
    def _fine_to_confirm(prompt: StaffPromptRow, fen: object) -> bool:
        """Above the cap and not yet typed twice in a row."""
        above = isinstance(fen, int) and fen > CONFIRM_FINE_ABOVE_FEN
        return above and prompt.data.get("fine_to_confirm") != fen

    async def _case_number_taken(self, session: AsyncSession, lead: LeadRow, number: str) -> str | None:
        """A 立案号 names one case: typed twice (平知执立〔2026〕7号 for two leads), it is asked again."""
        query = select(LeadRow.id).where(LeadRow.case_number == number, LeadRow.id != lead.id).limit(1)
        return "prompt.case_number_taken" if (await session.execute(query)).first() else None

    async def _advance(
        self, session: AsyncSession, prompt: StaffPromptRow, lead: LeadRow, value: Any
    ) -> PressAnswer:
        step = Step(prompt.step)
        prompt.data = {**prompt.data, step.value: value}
        following = next_step(step, str(value))
        if following is not None:
            prompt.step = following.value
            prompt.expires_at = utcnow() + timedelta(minutes=self.config.casework.prompt_minutes)
            await self._ask(session, prompt, lead)
            return PressAnswer(self.t("desk.prompted"))
        prompt.done = True
        roles = self.cases.roles(prompt.staff_id, lead)
        decision = decide(self.cases.facts(lead), Action(prompt.action), roles, resume_of(lead))
        if not isinstance(decision, Decision):
            return PressAnswer(self.t(f"desk.refused.{decision.value}"))
        inputs = dict(prompt.data)
        await self.cases.take(
            session, lead, decision, Actor(prompt.staff_id, prompt.staff_name, roles), inputs
        )
        if decision.rule.action is Action.REQUEST_INFO:
            await self.relays.open_info(session, lead, prompt.chat_id)
        action_label = self.t(f"card.action.{prompt.action}")
        outbox.enqueue(
            session,
            prompt.chat_id,
            "staff_notice",
            self.t(
                "desk.done_in_chat", who=prompt.staff_name, action=action_label, tracking=lead.tracking_number
            ),
        )
        return PressAnswer(self.t("desk.done", action=action_label))


async def _in_flight(session: AsyncSession, chat_id: int) -> bool:
    query = select(OutboxRow.id).where(OutboxRow.chat_id == chat_id, OutboxRow.status.in_(IN_FLIGHT))
    return (await session.execute(query.limit(1))).first() is not None


async def sent_message(session: AsyncSession, chat_id: int, message_id: int) -> OutboxRow | None:
    query = select(OutboxRow).where(OutboxRow.chat_id == chat_id, OutboxRow.message_id == message_id)
    return (await session.execute(query.order_by(OutboxRow.id.desc()).limit(1))).scalar_one_or_none()
