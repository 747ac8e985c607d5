"""Group commands for staff: /leads (the queue's open leads, most urgent first, paged and
filtered), /lead JZ-… (the card again, with its history), /find … (respondent, patent number,
phone or tracking number). The city bureau sees every queue; a county its own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select

from bot.casework.cases import Cases
from bot.casework.lifecycle import OPEN, Status
from bot.dialogue.model import Button, Reply
from bot.leads import rules, store
from bot.leads.db import Database
from bot.leads.models import LeadPatentRow, LeadRow
from intents.entities import find_phones, find_tracking_numbers, phone_forms
from knowledge.patent_numbers import find_patent_numbers

FILTERS: dict[str, frozenset[Status]] = {
    "open": frozenset(OPEN),
    "new": frozenset({Status.NEW, Status.RETURNED}),
    "info": frozenset({Status.AWAITING_INFO}),
    "filed": frozenset({Status.FILED}),
    "mine": frozenset(OPEN),
}
FILTER_WORDS = {"待受理": "new", "我经办的": "mine", "我的": "mine", "待补充": "info", "已立案": "filed"}
FIND_LIMIT = 20
GROUP_COMMANDS = ("leads", "lead", "find")


@dataclass(frozen=True)
class Viewer:
    user_id: int
    chat_id: int
    queue_code: str | None
    """The county whose group this is; None for the city's group (every queue)."""


class Lists:
    def __init__(self, cases: Cases, db: Database) -> None:
        self.cases = cases
        self.db = db
        self.config = cases.config
        self.texts = cases.texts
        self.wake_outbox: Callable[[], None] = lambda: None

    def viewer(self, chat_id: int, user_id: int) -> Viewer | str:
        """Who asks, from which group; or the text key of why they may not."""
        config = self.config
        if chat_id == config.city.chat_id and chat_id:
            return Viewer(user_id, chat_id, None) if user_id in config.city.staff_ids else "desk.not_staff"
        county = next((q for q in config.counties if q.chat_id == chat_id and chat_id), None)
        if county is None:
            return "lists.not_configured"
        if user_id not in county.staff_ids and user_id not in config.city.staff_ids:
            return "desk.not_staff"
        return Viewer(user_id, chat_id, county.code)

    def _scoped(self, viewer: Viewer, query: Select[Any]) -> Select[Any]:
        if viewer.queue_code is None:
            return query
        return query.where(
            or_(LeadRow.queue_code == viewer.queue_code, LeadRow.transferred_from == viewer.queue_code)
        )

    async def leads(self, viewer: Viewer, filter_name: str = "open", page: int = 0) -> Reply:
        filter_name = FILTER_WORDS.get(filter_name, filter_name)
        statuses = FILTERS.get(filter_name, FILTERS["open"])
        size = self.config.casework.page_size
        query = select(LeadRow).where(LeadRow.status.in_([s.value for s in statuses]))
        if viewer.queue_code is not None:  # the leads the county works now, not those it passed on
            query = query.where(LeadRow.queue_code == viewer.queue_code)
        if filter_name == "mine":
            query = query.where(LeadRow.handler_id == viewer.user_id)
        query = query.order_by(
            LeadRow.stage_due.is_(None), LeadRow.stage_due, LeadRow.priority != "high", LeadRow.id
        )
        async with self.db.transaction() as session:
            rows: list[LeadRow] = list(
                (await session.execute(query.offset(page * size).limit(size + 1))).scalars()
            )
        more, rows = len(rows) > size, rows[:size]
        title = self.texts.get(f"lists.title.{filter_name}" if filter_name in FILTERS else "lists.title.open")
        lines = [f"<b>{escape(title)}</b>（{self.texts.get('lists.page', page=page + 1)}）"]
        lines += [self._line(lead) for lead in rows] or [self.texts.get("lists.empty")]
        buttons = [(Button(lead.tracking_number, f"lo:{lead.tracking_number}"),) for lead in rows]
        nav = []
        if page > 0:
            nav.append(Button(self.texts.get("lists.prev"), f"ls:{filter_name}:{page - 1}"))
        if more:
            nav.append(Button(self.texts.get("lists.next"), f"ls:{filter_name}:{page + 1}"))
        filters = tuple(
            Button(self.texts.get(f"lists.filter.{f}"), f"ls:{f}:0") for f in FILTERS if f != filter_name
        )
        return Reply("\n".join(lines), (*buttons, *((tuple(nav),) if nav else ()), filters), html=True)

    def _line(self, lead: LeadRow) -> str:
        due = lead.stage_due.isoformat() if lead.stage_due else "-"
        overdue = lead.due_at is not None and lead.paused_at is None and lead.due_at <= self.cases.clock()
        flag = "⚠️" if overdue else ("❗" if lead.priority == "high" else "•")
        fields = lead.fields
        who = str(fields.get("respondent") or fields.get("organisation") or fields.get("product") or "")[:30]
        status = self.texts.get(f"status.{lead.status}")
        queue = self.config.queues[lead.queue_code].name
        return escape(
            f"{flag} {lead.tracking_number} · {status} · {queue} · {self.texts.get('card.due')} {due} · {who}"
        )

    async def command(self, viewer: Viewer, name: str, args: str) -> Reply:
        """/leads [filter], /find words, /lead JZ-…: the same in Telegram and the console."""
        if name == "leads":
            return await self.leads(viewer, args.strip() or "open")
        if name == "find":
            return await self.find(viewer, args)
        return await self.lead(viewer, args.strip().upper())

    async def press(self, viewer: Viewer, data: str) -> tuple[Reply, bool]:
        """A list's button: `lo:<tracking>` opens a lead, `ls:<filter>:<page>` turns the page.
        True when the reply replaces the list pressed (a page) rather than following it."""
        kind, _, rest = data.partition(":")
        if kind == "lo":
            return await self.lead(viewer, rest), False
        filter_name, _, page = rest.partition(":")
        return await self.leads(viewer, filter_name, int(page) if page.isdigit() else 0), True

    async def lead(self, viewer: Viewer, tracking: str) -> Reply:
        """The lead's card posted again in the viewer's chat, and its history as the reply."""
        async with self.db.transaction() as session:
            lead = await store.lead_by_tracking(session, tracking)
            if lead is None or not self._may_see(viewer, lead):
                return Reply(self.texts.get("lists.no_such_lead", tracking=tracking))
            await self.cases.post_card(session, lead, viewer.chat_id)
            lines = [self.texts.get("lists.history", tracking=lead.tracking_number)]
            for event in await store.history(session, lead.id):
                detail = event.detail or {}
                who = detail.get("name") or self.texts.get(f"card.actor.{event.actor.split(':')[0]}")
                what = (
                    self.texts.get(f"card.action.{event.action}")
                    if self.texts.has(f"card.action.{event.action}")
                    else event.action
                )
                words = ("reason", "question", "case_number", "queue_name", "due")
                shown = [str(detail[k]) for k in words if detail.get(k)] if event.action != "created" else []
                extra = "；".join(shown)
                lines.append(f"{self.cases.when(event.at)} {who} {what}" + (f"：{extra}" if extra else ""))
        self.wake_outbox()
        return Reply(escape("\n".join(lines)), html=True)

    def _may_see(self, viewer: Viewer, lead: LeadRow) -> bool:
        return viewer.queue_code is None or viewer.queue_code in (lead.queue_code, lead.transferred_from)

    async def find(self, viewer: Viewer, text: str) -> Reply:
        text = text.strip()
        if not text:
            return Reply(self.texts.get("lists.find_usage"))
        conditions: list[ColumnElement[bool]] = []
        tracking = find_tracking_numbers(text.lower())
        if tracking:
            conditions.append(LeadRow.tracking_number.in_(tracking))
        numbers = [p.normalized for p in find_patent_numbers(text)]
        if numbers:
            conditions.append(
                LeadRow.id.in_(select(LeadPatentRow.lead_id).where(LeadPatentRow.number.in_(numbers)))
            )
        phones = set(find_phones(text))
        if phones:
            conditions.append(LeadRow.contact_phone.in_({f for p in phones for f in phone_forms(p)}))
        key = rules.respondent_key(text)
        if not conditions and key:
            conditions.append(LeadRow.respondent_key.contains(key))
        if not conditions:
            return Reply(self.texts.get("lists.find_usage"))
        query = self._scoped(viewer, select(LeadRow).where(or_(*conditions))).order_by(LeadRow.id.desc())
        async with self.db.transaction() as session:
            rows: list[LeadRow] = list((await session.execute(query.limit(FIND_LIMIT))).scalars())
        lines = [escape(self.texts.get("lists.found", count=len(rows), text=text[:40]))]
        lines += [self._line(lead) for lead in rows]
        buttons = tuple((Button(lead.tracking_number, f"lo:{lead.tracking_number}"),) for lead in rows)
        return Reply("\n".join(lines), buttons, html=True)
