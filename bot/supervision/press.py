"""督办: the city bureau presses the button of an overdue notice; the county's group gets a formal
supervision notice, the press is recorded, and the notice pressed shows who did it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.casework.cases import Cases
from bot.casework.desk import PressAnswer, StaffPress, sent_message
from bot.leads import store
from bot.leads.models import LeadRow, SupervisionRow
from bot.notify import outbox
from bot.supervision.messages import lead_values, mark, open_button, shown_due
from bot.supervision.watch import Level, overdue_working_days


class SupervisionDesk:
    def __init__(self, cases: Cases) -> None:
        self.cases = cases
        self.texts = cases.texts
        self.clock = cases.timing

    async def press(self, session: AsyncSession, press: StaffPress) -> PressAnswer:
        t, city = self.texts.get, self.cases.config.city
        if not city.chat_id or press.chat_id != city.chat_id or press.user_id not in city.staff_ids:
            return PressAnswer(t("supervise.not_city"))
        lead = await store.lead_by_tracking(session, press.data.removeprefix("sv:"), lock=True)
        if lead is None:
            return PressAnswer(t("supervise.invalid"))
        now = self.cases.clock()
        if lead.stage is None or lead.due_at is None or lead.paused_at is not None or lead.due_at > now:
            return PressAnswer(t("supervise.not_overdue"))
        marks = await _marks(session, lead)
        level = Level.SUPERVISE_AGAIN if Level.ESCALATE.value in marks else Level.SUPERVISE
        if level.value in marks:
            return PressAnswer(t("supervise.already", when=self.cases.when(marks[level.value])))
        session.add(mark(self.clock, lead, level.value, now, press.user_id))
        queue = self.cases.config.queues[self.clock.responsible(lead)]
        when = self.cases.when(now)
        due_local = self.clock.local(lead.due_at)
        days = overdue_working_days(due_local, self.clock.local(now), self.clock.deadlines.calendar)
        values = lead_values(self.texts, lead, queue.name, shown_due(due_local), days)
        formal = t("supervise.formal", **values, who=press.user_name, when=when)
        if queue.chat_id:
            buttons = [open_button(self.texts, lead)]
            outbox.enqueue(
                session,
                queue.chat_id,
                "supervise_formal",
                formal,
                html=True,
                buttons=buttons,
                lead_id=lead.id,
            )
        await store.add_event(
            session,
            lead,
            f"staff:{press.user_id}",
            "supervise",
            {"name": press.user_name, "stage": lead.stage},
            now,
        )
        await self._mark_notice(session, press, lead, who=press.user_name, when=when)
        return PressAnswer(t("supervise.done", queue=queue.name))

    async def _mark_notice(
        self, session: AsyncSession, press: StaffPress, lead: LeadRow, who: str, when: str
    ) -> None:
        if press.message_id is None:
            return
        notice = await sent_message(session, press.chat_id, press.message_id)
        if notice is None or notice.purpose != "supervise_notice":
            return
        text = notice.text + "\n" + self.texts.get("supervise.done_line", who=who, when=when)
        outbox.enqueue(
            session,
            press.chat_id,
            "staff_edit",
            text,
            html=True,
            buttons=[open_button(self.texts, lead)],
            lead_id=lead.id,
            edit_of=notice.id,
        )


async def _marks(session: AsyncSession, lead: LeadRow) -> dict[str, datetime]:
    query = select(SupervisionRow.level, SupervisionRow.at).where(
        SupervisionRow.lead_id == lead.id,
        SupervisionRow.stage == lead.stage,
        SupervisionRow.due_at == lead.due_at,
    )
    return {level: at for level, at in await session.execute(query)}
