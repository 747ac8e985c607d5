"""The inbox as a per-chat queue for webhook workers (bot/leads/inbox.py), on SQLite and
PostgreSQL: each update stored once, one chat's updates taken one at a time in order, two workers
never taking the same row, and a dead worker's claims taken again after the timeout."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from bot.leads import inbox
from bot.leads.db import Database
from bot.leads.models import ProcessedUpdateRow, utcnow


def update(update_id: int, chat_id: int) -> dict[str, Any]:
    message = {"message_id": update_id, "date": 0, "chat": {"id": chat_id, "type": "private"}, "text": "hi"}
    return {"update_id": update_id, "message": message}


def press(update_id: int, chat_id: int) -> dict[str, Any]:
    message = {"message_id": 1, "date": 0, "chat": {"id": chat_id, "type": "private"}}
    return {"update_id": update_id, "callback_query": {"id": "q", "data": "x", "message": message}}


def test_the_chat_of_a_message_and_of_a_button_press_is_found():
    assert inbox.chat_of(update(1, 42)) == 42
    assert inbox.chat_of(press(2, -100)) == -100
    assert inbox.chat_of({"update_id": 3, "inline_query": {"id": "x"}}) is None


async def test_an_update_stored_twice_or_already_handled_is_stored_once(db: Database):
    assert await inbox.keep(db, [update(1, 10), update(2, 10)]) == 2
    assert await inbox.keep(db, [update(1, 10)]) == 0
    async with db.transaction() as session:
        session.add(ProcessedUpdateRow(update_id=3))
    assert await inbox.keep(db, [update(3, 10)]) == 0
    assert [d["update_id"] for d in await inbox.left_over(db)] == [1, 2]


async def test_a_chat_s_next_update_is_claimed_only_once_the_one_before_is_done(db: Database):
    await inbox.keep(db, [update(1, 10), update(2, 10), update(3, 20), update(4, 10)])
    first = await inbox.claim(db, 10, 60)
    assert [(c.update_id, c.chat_id) for c in first] == [(1, 10), (3, 20)]
    assert await inbox.claim(db, 10, 60) == []  # 2 and 4 wait for 1; 1 and 3 are taken
    await inbox.done(db, 1)
    assert [c.update_id for c in await inbox.claim(db, 10, 60)] == [2]
    await inbox.done(db, 2)
    assert [c.update_id for c in await inbox.claim(db, 10, 60)] == [4]


async def test_a_claim_older_than_the_timeout_is_taken_again(db: Database):
    await inbox.keep(db, [update(1, 10)])
    assert [c.update_id for c in await inbox.claim(db, 10, 60)] == [1]
    assert await inbox.claim(db, 10, 60) == []
    later = utcnow() + timedelta(seconds=61)
    assert [c.update_id for c in await inbox.claim(db, 10, 60, now=later)] == [1]


async def test_workers_claiming_at_once_never_take_the_same_row_or_two_of_one_chat(database_url: str):
    from tests.integration.conftest import fresh_database

    setup = await fresh_database(database_url)
    await inbox.keep(setup, [update(n, n % 7) for n in range(1, 141)])
    workers = [Database(database_url) for _ in range(4)]
    taken: list[int] = []
    try:

        async def work(db: Database) -> None:
            while True:
                claimed = await inbox.claim(db, 3, 60)
                if not claimed:
                    if not await inbox.left_over(db):
                        return
                    await asyncio.sleep(0.01)
                    continue
                assert len({c.chat_id for c in claimed}) == len(claimed)
                for c in claimed:
                    taken.append(c.update_id)
                    await inbox.done(db, c.update_id)

        await asyncio.wait_for(asyncio.gather(*(work(db) for db in workers)), 60)
    finally:
        for db in (*workers, setup):
            await db.close()
    assert sorted(taken) == list(range(1, 141))
    for chat in range(7):
        of_chat = [u for u in taken if u % 7 == chat]
        assert of_chat == sorted(of_chat)
