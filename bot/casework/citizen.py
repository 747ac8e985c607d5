"""The citizen's side of their case: a rating, 问题没解决, 申请复核, 补充完毕, ending a relay, a
comment after the rating, and the public timeline of `/status JZ-…`. All inside the caller's
transaction (the citizen's conversation row is locked)."""

from __future__ import annotations

from html import escape

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.casework.cases import Actor, Cases, resume_of
from bot.casework.lifecycle import Action, Decision, Role, Status, decide
from bot.casework.notices import timeline_line
from bot.casework.relay import Relays
from bot.dialogue.model import Button, Reply
from bot.leads import store
from bot.leads.models import LeadRow, OutboxRow
from bot.notify import outbox

CITIZEN = frozenset({Role.CITIZEN})
LOW_RATING = 2


class CitizenDesk:
    def __init__(self, cases: Cases, relays: Relays) -> None:
        self.cases = cases
        self.relays = relays
        self.texts = cases.texts

    def t(self, key: str, language: str, **values: object) -> str:
        return self.texts.get(key, language, **values)

    async def press(self, session: AsyncSession, chat_id: int, data: str, language: str) -> list[Reply]:
        parts = data.split(":")
        if parts[:2] == ["cz", "end"]:
            relay = await self.relays.active(session, chat_id)
            if relay is None:
                return [Reply(self.t("relay.none", language))]
            await self.relays.end(session, relay, by_staff=False)
            return [Reply(self.t("relay.ended", language))]
        if len(parts) < 3:
            return [Reply(self.t("button.stale", language))]
        lead = await store.lead_by_tracking(session, parts[2], lock=True)
        if lead is None or lead.chat_id != chat_id:
            return [Reply(self.t("button.stale", language))]
        code = parts[1]
        if code == "ra" and len(parts) == 4 and parts[3] in {"1", "2", "3", "4", "5"}:
            return await self._rate(session, lead, int(parts[3]))
        if code == "nr":
            return await self._unresolved(session, lead)
        if code == "rv":
            return await self._review(session, lead)
        if code == "id":
            return await self._info_done(session, lead)
        return [Reply(self.t("button.stale", lead.language))]

    async def _step(
        self, session: AsyncSession, lead: LeadRow, action: Action, inputs: dict[str, object]
    ) -> bool:
        decision = decide(self.cases.facts(lead), action, CITIZEN, resume_of(lead))
        if not isinstance(decision, Decision):
            return False
        await self.cases.take(session, lead, decision, Actor(0, "", CITIZEN), dict(inputs))
        return True

    async def _rate(self, session: AsyncSession, lead: LeadRow, rating: int) -> list[Reply]:
        lang = lead.language
        if not await self._step(session, lead, Action.RATE, {"rating": rating}):
            return [Reply(self.t("citizen.rated_already", lang))]
        row = outbox.enqueue(
            session, lead.chat_id, "citizen_comment", self.t("citizen.comment_please", lang), lead_id=lead.id
        )
        row.force_reply = True
        replies = [Reply(self.t("citizen.thanks", lang))]
        if rating <= LOW_RATING:
            self._alert(session, lead, "alert.low_rating", rating=rating)
            replies.append(self._review_offer(lead))
        return replies

    async def _unresolved(self, session: AsyncSession, lead: LeadRow) -> list[Reply]:
        await store.add_event(session, lead, "citizen", "unresolved", {})
        self._alert(session, lead, "alert.unresolved")
        return [Reply(self.t("citizen.unresolved", lead.language)), self._review_offer(lead)]

    def _review_offer(self, lead: LeadRow) -> Reply:
        button = Button(self.t("citizen.button.review", lead.language), f"cz:rv:{lead.tracking_number}")
        return Reply(self.t("citizen.review_offer", lead.language), ((button,),))

    async def _review(self, session: AsyncSession, lead: LeadRow) -> list[Reply]:
        if not await self._step(session, lead, Action.REQUEST_REVIEW, {}):
            return [Reply(self.t("citizen.review_not_now", lead.language))]
        self._alert(session, lead, "alert.review")
        return []

    async def _info_done(self, session: AsyncSession, lead: LeadRow) -> list[Reply]:
        if not await self._step(session, lead, Action.INFO_DONE, {}):
            return [Reply(self.t("citizen.info_not_waiting", lead.language))]
        relay = await self.relays.close_info(session, lead, by_staff=False)
        if relay is not None:
            text = self.t("desk.relay.info_done_staff", "zh", tracking=lead.tracking_number)
            outbox.enqueue(session, relay.staff_chat_id, "staff_notice", text)
        return [Reply(self.t("citizen.info_done", lead.language, tracking=lead.tracking_number))]

    def _alert(self, session: AsyncSession, lead: LeadRow, key: str, **values: object) -> None:
        queue = self.cases.queue_name(lead.queue_code)
        text = self.t(key, "zh", tracking=lead.tracking_number, queue=escape(queue), **values)
        self.cases.alert_city(session, lead, text)

    async def comment(self, session: AsyncSession, chat_id: int, reply_to: int, text: str) -> Reply | None:
        """The citizen's reply to the comment prompt after a rating; None if it is not that."""
        query = select(OutboxRow).where(
            OutboxRow.chat_id == chat_id,
            OutboxRow.message_id == reply_to,
            OutboxRow.purpose == "citizen_comment",
        )
        prompt = (await session.execute(query.limit(1))).scalar_one_or_none()
        if prompt is None or prompt.lead_id is None:
            return None
        lead = await session.get(LeadRow, prompt.lead_id, with_for_update=True)
        if lead is None or lead.chat_id != chat_id:
            return None
        lead.rating_comment = " ".join(text.split())[:1000]
        await store.add_event(session, lead, "citizen", "rating_comment", {})
        await self.cases.refresh_cards(session, lead)
        return Reply(self.t("citizen.comment_thanks", lead.language))

    async def timeline(self, session: AsyncSession, lead: LeadRow, language: str) -> Reply:
        lines = [
            self.t(
                "timeline.title",
                language,
                tracking=lead.tracking_number,
                kind=self.t(f"flow.{lead.kind}", language),
                status=self.t(f"status.{lead.status}", language),
            )
        ]
        if lead.case_number:
            lines.append(self.t("timeline.case_number", language, case_number=lead.case_number))
        for event in await store.history(session, lead.id):
            line = timeline_line(self.texts, lead, event, self.cases.when(event.at), language)
            if line:
                lines.append(line)
        buttons: tuple[tuple[Button, ...], ...] = ()
        if Status(lead.status) is Status.AWAITING_INFO:
            buttons = (
                (Button(self.t("citizen.button.info_done", language), f"cz:id:{lead.tracking_number}"),),
            )
        return Reply("\n".join(lines), buttons)
