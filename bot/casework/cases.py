"""Taking a decided step on a lead, inside the caller's transaction: the lead's columns, its
event, the deadline of the new stage, every card that shows it, and what the citizen is told."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.casework import cards, notices
from bot.casework.lifecycle import ENDS, Action, Decision, Filing, LeadFacts, Role, Status, Tell, staff_roles
from bot.casework.linked import link_lines
from bot.clock.lead_clock import LeadClock
from bot.clock.settings import KINDS, build_deadlines
from bot.config import Config
from bot.dialogue.texts import Texts

if TYPE_CHECKING:
    from bot.clock.deadlines import Deadlines
from bot.leads import links, store
from bot.leads.models import CaseCounterRow, EvidenceRow, LeadEventRow, LeadRow, OutboxRow, to_local, utcnow
from bot.notify import outbox

log = logging.getLogger(__name__)
CARD_PURPOSES = ("staff_new_lead", "staff_card")
RATING_BUTTONS = 5


def resume_of(lead: LeadRow) -> Status | None:
    """The status a waiting lead (待补充, 复核中) goes back to."""
    return Status(lead.resume_status) if lead.resume_status else None


@dataclass(frozen=True)
class Actor:
    id: int
    name: str
    roles: frozenset[Role]

    @property
    def tag(self) -> str:
        if Role.CITIZEN in self.roles:
            return "citizen"
        return f"staff:{self.id}" if self.id else "system"


class Cases:
    def __init__(
        self,
        config: Config,
        texts: Texts,
        clock: Callable[[], datetime] = utcnow,
        deadlines: Deadlines | None = None,
    ) -> None:
        self.config = config
        self.texts = texts
        self.zone = ZoneInfo(config.service.timezone)
        self.clock = clock
        filing = {kind: Filing(getattr(config.casework.filing, kind)) for kind in KINDS}
        self.timing = LeadClock(deadlines or build_deadlines(config), self.zone, filing, config.city.code)

    # ---- reading
    def filing(self, kind: str) -> Filing:
        return Filing(getattr(self.config.casework.filing, kind))

    def facts(self, lead: LeadRow) -> LeadFacts:
        return LeadFacts(
            Status(lead.status),
            lead.kind,
            self.filing(lead.kind),
            transferred_in=lead.transferred_from is not None and not lead.city_assigned,
            city_assigned=lead.city_assigned,
            rated=lead.rating is not None,
            reviewed=lead.reviewed,
            extendable=self.timing.extendable(lead),
        )

    def roles(self, user_id: int, lead: LeadRow) -> frozenset[Role]:
        queue = self.config.queues[lead.queue_code]
        return staff_roles(
            user_id in queue.staff_ids,
            user_id in self.config.city.staff_ids,
            queue.code == self.config.city.code,
        )

    def audience(self, chat_id: int, lead: LeadRow) -> frozenset[Role]:
        """Whose buttons a card in this chat carries: the city's, the lead's queue's, or none."""
        if chat_id == self.config.city.chat_id:
            return frozenset({Role.CITY})
        queue = self.config.queues[lead.queue_code]
        if chat_id == queue.chat_id:
            return frozenset({Role.CITY if queue.code == self.config.city.code else Role.QUEUE})
        return frozenset()

    def staff_chats(self, lead: LeadRow, *extra: int) -> list[int]:
        """The groups told of the lead: its queue's, the city's and any `extra` (an on-site team's)."""
        chats = (self.config.queues[lead.queue_code].chat_id, self.config.city.chat_id, *extra)
        return list(dict.fromkeys(c for c in chats if c))

    def local_today(self) -> date:
        return to_local(self.clock(), self.zone).date()

    def when(self, at: datetime) -> str:
        return to_local(at, self.zone).strftime("%m-%d %H:%M")

    def checks_first(self, lead: LeadRow, by_city: bool) -> bool:
        """A county accepting a kind the city files only checks it before handing it up (facts 2.6)."""
        return (
            self.filing(lead.kind) is Filing.CITY and not by_city and lead.queue_code != self.config.city.code
        )

    def case_number(self, queue_code: str, year: int, seq: int) -> str:
        name = self.config.queues[queue_code].name
        return self.config.casework.case_number_pattern.format(queue=name, year=year, seq=seq)

    def office_of(self, actor: Actor, lead: LeadRow, language: str) -> str:
        """Who the citizen hears acted: the city bureau for city staff, else the lead's queue."""
        code = self.config.city.code if Role.CITY in actor.roles else lead.queue_code
        return self.queue_name(code, language)

    def queue_name(self, code: str, language: str = "zh") -> str:
        if language == "en":
            key = "queue.city" if code == self.config.city.code else f"choice.county.{code}"
            if self.texts.has(key):
                return self.texts.get(key, "en")
        return self.config.queues[code].name

    async def evidence_count(self, session: AsyncSession, lead: LeadRow) -> int:
        query = select(func.count()).select_from(EvidenceRow).where(EvidenceRow.lead_id == lead.id)
        return int((await session.execute(query)).scalar_one())

    async def _card_maker(
        self, session: AsyncSession, lead: LeadRow
    ) -> Callable[[int], tuple[str, list[dict[str, Any]]]]:
        """Renders the lead's card for a chat; the history and evidence are read once for all chats."""
        last = await self._last_step(session, lead)
        files = await self.evidence_count(session, lead)
        facts, queue = self.facts(lead), self.config.queues[lead.queue_code].name
        linked = link_lines(self.texts, await links.load(session, lead))

        def render(chat_id: int) -> tuple[str, list[dict[str, Any]]]:
            roles = self.audience(chat_id, lead)
            return cards.card(self.texts, lead, facts, queue, roles, last, files, linked)

        return render

    async def _last_step(self, session: AsyncSession, lead: LeadRow) -> cards.LastStep | None:
        query = select(LeadEventRow).where(LeadEventRow.lead_id == lead.id).order_by(LeadEventRow.id.desc())
        event = (await session.execute(query.limit(1))).scalar_one_or_none()
        if event is None or event.action == "created" or not self.texts.has(f"card.action.{event.action}"):
            return None
        who = str(
            (event.detail or {}).get("name") or self.texts.get(f"card.actor.{event.actor.split(':')[0]}")
        )
        return cards.LastStep(event.action, who, self.when(event.at))

    # ---- writing
    async def refresh_cards(
        self, session: AsyncSession, lead: LeadRow, extra_chat: int | None = None
    ) -> None:
        """Edits every card of the lead; posts one in `extra_chat` (a new queue) if it has none."""
        query = select(OutboxRow).where(
            OutboxRow.lead_id == lead.id,
            OutboxRow.purpose.in_(CARD_PURPOSES),
            OutboxRow.status.notin_(("failed", "merged")),
        )
        shown = list((await session.execute(query.order_by(OutboxRow.id))).scalars())
        render = await self._card_maker(session, lead)
        for row in shown:
            text, buttons = render(row.chat_id)
            outbox.enqueue(
                session,
                row.chat_id,
                "staff_edit",
                text,
                html=True,
                buttons=buttons,
                lead_id=lead.id,
                edit_of=row.id,
            )
        if extra_chat and extra_chat not in {row.chat_id for row in shown}:
            await self.post_card(session, lead, extra_chat)

    async def post_card(
        self, session: AsyncSession, lead: LeadRow, chat_id: int, purpose: str = "staff_card"
    ) -> None:
        text, buttons = (await self._card_maker(session, lead))(chat_id)
        urgent = 1 if lead.priority == "high" else 0
        outbox.enqueue(
            session, chat_id, purpose, text, html=True, buttons=buttons, lead_id=lead.id, priority=urgent
        )

    async def take(
        self, session: AsyncSession, lead: LeadRow, decision: Decision, actor: Actor, inputs: dict[str, Any]
    ) -> None:
        action, before, queue_before = (
            decision.rule.action,
            Status(lead.status),
            self.timing.responsible(lead),
        )
        detail: dict[str, Any] = {"from": before.value, "to": decision.to.value, **inputs}
        if Role.CITIZEN not in actor.roles:
            detail["name"] = actor.name
            detail["by"] = self.office_of(actor, lead, lead.language)
            lead.handler_id = actor.id
        new_chat = self._set_columns(lead, action, decision.to, before, inputs, detail)
        if action is Action.ACCEPT:
            detail["checks_first"] = self.checks_first(lead, by_city=Role.CITY in actor.roles)
        lead.status = decision.to.value
        self.timing.step(session, lead, action, before, queue_before, self.clock())
        if action is Action.EXTEND:
            detail["due"] = lead.stage_due.isoformat() if lead.stage_due else None
        if action is Action.FILE and not lead.case_number:
            lead.case_number = await self._generated_case_number(session, lead)
        await store.add_event(session, lead, actor.tag, action.value, detail, at=self.clock())
        await self.refresh_cards(session, lead, new_chat)
        if Tell.CITIZEN in decision.rule.tells:
            self.tell_citizen(
                session,
                lead,
                notices.citizen_notice(self.texts, lead, action, detail, detail.get("by", "")),
                action,
            )
        log.info(
            "lead %s: %s by %s (%s -> %s)", lead.tracking_number, action.value, actor.tag, before, lead.status
        )

    def _set_columns(
        self,
        lead: LeadRow,
        action: Action,
        to: Status,
        before: Status,
        inputs: dict[str, Any],
        detail: dict[str, Any],
    ) -> int | None:
        """Sets what the step records on the lead; returns the chat of a queue it moved to."""
        now = self.clock()
        if to in (Status.AWAITING_INFO, Status.REVIEW):
            lead.resume_status = before.value
        elif before in (Status.AWAITING_INFO, Status.REVIEW):
            lead.resume_status = None
        if action is Action.ACCEPT:
            lead.accepted_by, lead.accepted_at = lead.handler_id, now
        if action in (Action.TRANSFER, Action.ASSIGN):
            code = str(inputs["county"])
            detail["queue_name"] = self.queue_name(code, lead.language)
            if action is Action.TRANSFER:
                lead.transferred_from = lead.queue_code
            lead.city_assigned = action is Action.ASSIGN
            lead.queue_code = code
            return self.config.queues[code].chat_id or None
        if action is Action.RETURN:
            lead.queue_code = self.config.city.code
        if action is Action.FILE:
            lead.case_number = inputs.get("case_number") or None
        if action is Action.CLOSE:
            lead.outcome, lead.fine_fen, lead.outcome_note = (
                inputs["outcome"],
                inputs.get("fine"),
                inputs.get("note"),
            )
            lead.penalised_party = inputs.get("party")
        if action is Action.REFER:
            lead.department = str(inputs["department"])
        if action is Action.RATE:
            lead.rating = int(inputs["rating"])
        if action is Action.REQUEST_REVIEW:
            lead.reviewed = True
        if action is Action.REOPEN:
            lead.closed_at = None
        if to in ENDS and before is not Status.REVIEW:
            lead.closed_at = now
        return None

    def filing_office(self, lead: LeadRow) -> str:
        """The queue whose case numbers a lead's case takes: the city's for a kind it files."""
        return self.config.city.code if self.filing(lead.kind) is Filing.CITY else lead.queue_code

    async def _generated_case_number(self, session: AsyncSession, lead: LeadRow) -> str:
        year, office = self.local_today().year, self.filing_office(lead)
        query = select(CaseCounterRow).where(CaseCounterRow.queue_code == office, CaseCounterRow.year == year)
        counter = (await session.execute(query.with_for_update())).scalar_one_or_none()
        if counter is None:
            counter = CaseCounterRow(queue_code=office, year=year, last=0)
            session.add(counter)
        counter.last += 1
        await session.flush()
        return self.case_number(office, year, counter.last)

    def tell_citizen(
        self, session: AsyncSession, lead: LeadRow, text: str, action: Action | None = None
    ) -> None:
        buttons: list[dict[str, Any]] = []
        if action in (Action.CLOSE, Action.POLICE, Action.REFER, Action.REJECT):
            buttons = [
                {"label": f"{n}⭐", "data": f"cz:ra:{lead.tracking_number}:{n}", "row": 0}
                for n in range(1, RATING_BUTTONS + 1)
            ]
            label = self.texts.get("citizen.button.unresolved", lead.language)
            buttons.append({"label": label, "data": f"cz:nr:{lead.tracking_number}", "row": 1})
        if action is Action.REQUEST_INFO:
            label = self.texts.get("citizen.button.info_done", lead.language)
            buttons = [{"label": label, "data": f"cz:id:{lead.tracking_number}", "row": 0}]
        outbox.enqueue(session, lead.chat_id, "citizen_update", text, buttons=buttons, lead_id=lead.id)

    def alert_city(self, session: AsyncSession, lead: LeadRow, text: str) -> None:
        if self.config.city.chat_id:
            outbox.enqueue(session, self.config.city.chat_id, "city_alert", text, html=True, lead_id=lead.id)
