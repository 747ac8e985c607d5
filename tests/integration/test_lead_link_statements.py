"""The earlier leads a new lead is linked to are read with statements of a few shapes, however many
leads name the same respondent and patent: each length of an IN list is a statement of its own,
which SQLite and asyncpg prepare and keep per connection, each as large as its list. One length
per earlier lead made the running bot grow with every lead filed (benchmarks/bench_soak.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, select

from bot.leads import links
from bot.leads.db import Database
from bot.leads.models import LeadTagRow
from tests.integration.conftest import staffed
from tests.integration.test_lead_links import card, file

BOUND = 8
LEAD_ID_LIST = re.compile(r"\b(?:leads\.id|lead_patents\.lead_id) IN \(([^()]*)\)")


class Statements:
    """Every statement text the engine sends to the database."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def record(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.texts.append(statement)

    def lead_id_lists(self) -> list[int]:
        """The length of each IN list of lead ids sent."""
        return [len(m.group(1).split(",")) for text in self.texts for m in LEAD_ID_LIST.finditer(text)]


@pytest.fixture
def statements(db: Database) -> Iterator[Statements]:
    seen = Statements()
    event.listen(db.engine.sync_engine, "before_cursor_execute", seen.record)
    yield seen
    event.remove(db.engine.sync_engine, "before_cursor_execute", seen.record)


async def test_more_leads_about_one_respondent_send_no_new_statement(
    hotline, config, statements, monkeypatch
):
    monkeypatch.setattr(links, "CANDIDATES", BOUND)
    cfg = staffed(config)
    for n in range(3 * BOUND):
        await card(hotline, await file(hotline, cfg, "宏达机械", chat_id=100 + n))
    known = set(statements.texts)
    statements.texts.clear()
    for n in range(2 * BOUND):
        await card(hotline, await file(hotline, cfg, "宏达机械", chat_id=200 + n))
    assert statements.lead_id_lists(), "the links were not read with an IN list of lead ids"
    assert set(statements.texts) <= known
    assert max(statements.lead_id_lists()) <= BOUND


async def test_a_lead_is_linked_to_the_most_recent_earlier_leads_within_the_bound(
    hotline, db, config, monkeypatch
):
    monkeypatch.setattr(links, "CANDIDATES", BOUND)
    cfg = staffed(config)
    earlier = [await file(hotline, cfg, "宏达机械", chat_id=100 + n) for n in range(BOUND + 5)]
    last = await file(hotline, cfg, "宏达机械", chat_id=99)
    async with db.transaction() as s:
        tags = set((await s.execute(select(LeadTagRow.tag).where(LeadTagRow.lead_id == last.id))).scalars())
    recent = [lead.id for lead in earlier[-BOUND:]]
    assert tags == {f"link:r:{i}" for i in recent} | {f"link:p:{i}" for i in recent}
    assert "涉及同一专利" in await card(hotline, last)
