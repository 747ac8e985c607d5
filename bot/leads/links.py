"""A new lead's links to earlier leads, for the staff card: the same respondent named by another
complainant, the same patent, the same complainant's earlier lead against the same respondent (a
duplicate, not a repeat), and several respondents on one patent within a short time (a possible
group infringement).

Found once at submit and kept as lead_tags rows (link:r:<lead id> …), so a card names the same
leads after every edit; the linked leads' statuses are read whenever the card is drawn.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import RepeatsConfig
from bot.leads.models import LeadPatentRow, LeadRow, LeadTagRow
from bot.leads.respondents import HEAD_TYPO_FROM, Respondent, clusters, could_be, normalise, same

CANDIDATES = 500
"""Earlier leads read per kind, the most recent first."""
RESPONDENT, PATENT, DUPLICATE, GROUP = "link:r:", "link:p:", "link:d:", "link:g:"


def _digits(phone: str | None) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits


@dataclass(frozen=True)
class Complainant:
    """Who files: the same chat, or the same phone from another chat, is the same complainant."""

    chat_id: int
    phone: str | None

    def same(self, other: Complainant) -> bool:
        mine = _digits(self.phone)
        return other.chat_id == self.chat_id or (bool(mine) and mine == _digits(other.phone))

    def filed(self, lead: LeadRow) -> bool:
        return self.same(Complainant(lead.chat_id, lead.contact_phone))


def respondent_of(lead: LeadRow) -> Respondent | None:
    name = lead.fields.get("respondent")
    return normalise(str(name)) if name else normalise(lead.respondent_key)


@dataclass
class Found:
    respondent: list[int] = field(default_factory=list)
    patent: list[int] = field(default_factory=list)
    duplicate: list[int] = field(default_factory=list)
    group: list[int] = field(default_factory=list)
    shared_patents: list[str] = field(default_factory=list)
    group_patents: list[str] = field(default_factory=list)

    def reasons(self) -> list[str]:
        """Why the lead is urgent (bot/leads/rules.py): duplicates are not a reason."""
        reasons = ["linked_respondent"] if self.respondent else []
        reasons += [f"linked_patent:{n}" for n in self.shared_patents]
        return reasons + [f"group:{n}" for n in self.group_patents]

    def tags(self) -> list[str]:
        kinds = ((RESPONDENT, self.respondent), (PATENT, self.patent), (DUPLICATE, self.duplicate))
        tags = [f"{prefix}{i}" for prefix, ids in (*kinds, (GROUP, self.group)) for i in ids]
        return list(dict.fromkeys(tags))


def _padded(ids: list[int]) -> list[int]:
    """The ids for an IN list, made a power of two long by repeating the last one.

    Each length of an IN list is a statement of its own, which SQLite and asyncpg prepare and keep
    in their per-connection statement caches (128 and 100 statements), each as large as its list.
    Bound as they came, the ids of the earlier leads about a much-reported respondent made every
    new lead prepare a larger statement: the bot grew by tens of KiB a lead for as long as it ran
    (benchmarks/bench_soak.py). Padded, a few lengths serve every count up to the bound."""
    size = 1 << (len(ids) - 1).bit_length()
    return ids + ids[-1:] * (size - len(ids))


async def _leads(session: AsyncSession, ids: Iterable[int]) -> list[LeadRow]:
    """These leads, the most recent first; callers pass at most a few times CANDIDATES ids."""
    ids = list(ids)
    if not ids:
        return []
    query = (
        select(LeadRow)
        .where(LeadRow.id.in_(_padded(ids)))
        .order_by(LeadRow.created_at.desc(), LeadRow.id.desc())
    )
    return list((await session.execute(query.limit(CANDIDATES))).scalars())


async def find(
    session: AsyncSession,
    repeats: RepeatsConfig,
    name: str | None,
    patents: list[str],
    who: Complainant,
    now: datetime,
) -> Found:
    """The links of a lead about to be created (so not among the leads read). Earlier names are
    first narrowed in SQL to keys holding the trade name (for a long or Latin one, its first
    three characters: a typo there is missed), then compared in Python. Of each kind, the
    CANDIDATES most recent earlier leads are read."""
    found, me = Found(), normalise(name)
    newest_first = (LeadRow.created_at.desc(), LeadRow.id.desc())
    if me is not None:
        like = me.head[:3] if me.key.isascii() or len(me.head) >= HEAD_TYPO_FROM else me.head
        keys = await session.execute(
            select(LeadRow.id, LeadRow.respondent_key)
            .where(LeadRow.respondent_key.contains(like, autoescape=True))
            .order_by(*newest_first)
        )
        alike = [i for i, key in keys if key and could_be(me, key)]
        for lead in await _leads(session, alike[:CANDIDATES]):
            theirs = respondent_of(lead)
            if theirs is not None and same(me, theirs):
                (found.duplicate if who.filed(lead) else found.respondent).append(lead.id)
    numbers: defaultdict[int, set[str]] = defaultdict(set)
    if patents:
        query = (
            select(LeadPatentRow.lead_id, LeadPatentRow.number)
            .join(LeadRow, LeadRow.id == LeadPatentRow.lead_id)
            .where(LeadPatentRow.number.in_(patents))
            .order_by(*newest_first)
            .limit(CANDIDATES * len(set(patents)))
        )
        for lead_id, number in await session.execute(query):
            numbers[lead_id].add(number)
    on_patents = await _leads(session, list(numbers)[:CANDIDATES])
    for lead in on_patents:
        theirs = respondent_of(lead)
        named = me is not None and theirs is not None and same(me, theirs)
        one_firm = named or (me is None and theirs is None)
        if who.filed(lead) and one_firm:
            if lead.id not in found.duplicate:
                found.duplicate.append(lead.id)
        else:
            found.patent.append(lead.id)
    found.shared_patents = sorted({n for i in found.patent for n in numbers[i]})
    since = now - timedelta(days=repeats.group_window_days)
    for number in patents:
        members = [
            (lead.id, theirs)
            for lead in on_patents
            if number in numbers[lead.id] and lead.created_at >= since and (theirs := respondent_of(lead))
        ]
        names = [me] if me else []
        if len(clusters([*names, *(r for _, r in members)])) >= repeats.group_min_respondents:
            found.group_patents.append(number)
            found.group.extend(i for i, _ in members if i not in found.group)
    return found


def save(session: AsyncSession, lead: LeadRow, found: Found) -> None:
    for tag in found.tags():
        session.add(LeadTagRow(lead_id=lead.id, tag=tag))


@dataclass(frozen=True)
class Linked:
    """An earlier lead as its link shows it: its status now, what it shares with the lead."""

    tracking: str
    status: str
    respondent: str | None
    created_at: datetime
    patents: tuple[str, ...]
    same_respondent: bool


@dataclass(frozen=True)
class Group:
    number: str
    respondents: int
    """Different respondents on the patent, the lead's own included."""
    days: int
    """Calendar days from the earliest member to the lead."""
    members: tuple[Linked, ...]


@dataclass(frozen=True)
class CardLinks:
    linked: tuple[Linked, ...] = ()
    duplicates: tuple[Linked, ...] = ()
    groups: tuple[Group, ...] = ()


async def load(session: AsyncSession, lead: LeadRow) -> CardLinks:
    """What the lead's card says of its links, with the linked leads as they are now."""
    tags = select(LeadTagRow.tag).where(LeadTagRow.lead_id == lead.id, LeadTagRow.tag.like("link:%"))
    kinds: defaultdict[str, list[int]] = defaultdict(list)
    for tag in (await session.execute(tags)).scalars():
        prefix, _, number = tag.rpartition(":")
        kinds[prefix + ":"].append(int(number))
    if not kinds:
        return CardLinks()
    mine = select(LeadPatentRow.number).where(LeadPatentRow.lead_id == lead.id)
    shared: defaultdict[int, list[str]] = defaultdict(list)
    every = {i for ids in kinds.values() for i in ids}
    query = (
        select(LeadPatentRow.lead_id, LeadPatentRow.number)
        .where(LeadPatentRow.lead_id.in_(_padded(sorted(every))), LeadPatentRow.number.in_(mine))
        .order_by(LeadPatentRow.number)
    )
    for linked_id, patent in await session.execute(query):
        shared[linked_id].append(patent)
    rows = {row.id: row for row in await _leads(session, every)}
    order = sorted(rows, key=lambda i: (rows[i].created_at, i), reverse=True)

    def shown(i: int) -> Linked:
        row = rows[i]
        name = row.fields.get("respondent")
        return Linked(
            row.tracking_number,
            row.status,
            str(name) if name else None,
            row.created_at,
            tuple(shared[i]) if i in kinds[PATENT] or i in kinds[GROUP] else (),
            i in kinds[RESPONDENT],
        )

    linked = tuple(shown(i) for i in order if i in kinds[RESPONDENT] or i in kinds[PATENT])
    duplicates = tuple(shown(i) for i in order if i in kinds[DUPLICATE])
    return CardLinks(linked, duplicates, _groups(lead, [shown(i) for i in order if i in kinds[GROUP]]))


def _groups(lead: LeadRow, members: list[Linked]) -> tuple[Group, ...]:
    groups = []
    for reason in lead.priority_reasons or []:
        code, _, number = reason.partition(":")
        if code != "group":
            continue
        on_patent = [m for m in members if number in m.patents]
        names = [n for n in (respondent_of(lead), *(normalise(m.respondent) for m in on_patent)) if n]
        first = min((m.created_at for m in on_patent), default=lead.created_at)
        days = (lead.created_at.date() - first.date()).days + 1
        groups.append(Group(number, len(clusters(names)), days, tuple(on_patent)))
    return tuple(groups)
