"""Telegram's limits in the outbox (bot/notify/pacing.py), on a real database, with the clock given
to each claim so that minutes of traffic take no time. The sender is the recording fake of
test_outbox.py; the Telegram sender itself runs end to end in tests/e2e."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from sqlalchemy import delete, select

from bot.casework.lists import Viewer
from bot.casework.merged import merged_notice
from bot.leads import store
from bot.leads.models import OutboxPaceRow, OutboxRow, utcnow
from bot.notify import outbox
from bot.notify.pacing import Pacing
from bot.notify.worker import OutboxWorker
from tests.integration.conftest import CITY_CHAT, COMPLAINT, PINGYAO_CHAT, PINGYAO_STAFF, Citizen
from tests.integration.test_casework import TRACKING, Groups
from tests.integration.test_outbox import SETTINGS

PACED = dataclasses.replace(SETTINGS, bot_per_second=25.0, group_interval_seconds=3.0, merge_at=3)


async def _queue(db, chat_id: int, purpose: str, *texts: str, priority: int | None = None) -> None:
    async with db.transaction() as s:
        for text in texts:
            outbox.enqueue(s, chat_id, purpose, text, priority=priority)


async def _claim(db, pacing: Pacing, now) -> list[tuple[int, str]]:
    """Claims what may go at `now`, and takes it as sent."""
    async with db.transaction() as s:
        claimed = await pacing.claim(s, now)
        for row in claimed:
            row.status = "sent"
        return [(r.chat_id, r.text) for r in claimed]


async def test_a_group_gets_one_message_per_interval_while_private_chats_are_not_held_back(db):
    await _queue(db, CITY_CHAT, "staff_notice", "甲", "乙", "丙")
    await _queue(db, 4242, "citizen_reply", "您好", "请问")
    pacing, start = Pacing(PACED), utcnow()
    first = await _claim(db, pacing, start)
    assert sorted(first) == [(CITY_CHAT, "甲"), (4242, "您好"), (4242, "请问")]
    assert await _claim(db, pacing, start + timedelta(seconds=4)) == [(CITY_CHAT, "乙")]
    assert await _claim(db, pacing, start + timedelta(seconds=5)) == []
    assert await _claim(db, pacing, start + timedelta(seconds=8)) == [(CITY_CHAT, "丙")]


async def test_the_bot_as_a_whole_waits_when_its_budget_is_spent(db):
    await _queue(db, 4242, "citizen_reply", *(f"第{n}条" for n in range(30)))
    pacing, start = Pacing(PACED), utcnow()
    assert len(await _claim(db, pacing, start)) == 20
    assert await _claim(db, pacing, start + timedelta(seconds=0.5)) == []
    assert len(await _claim(db, pacing, start + timedelta(seconds=1))) == 10


async def test_a_reply_someone_waits_for_goes_before_notices_queued_earlier(db):
    await _queue(db, CITY_CHAT, "staff_notice", "通知一", "通知二")
    await _queue(db, CITY_CHAT, "staff_prompt", "请回复理由")
    assert await _claim(db, Pacing(PACED), utcnow()) == [(CITY_CHAT, "请回复理由")]


async def test_waiting_new_lead_cards_reach_a_busy_group_as_one_message_with_a_button_each(hotline, db):
    trackings = []
    for chat in range(5001, 5005):
        replies = await Citizen(hotline, chat).script(*COMPLAINT)
        trackings.append(TRACKING.search(replies[-1]).group(0))
    groups = Groups()
    pacing = Pacing(PACED, merged_notice(hotline.cases))
    worker = OutboxWorker(db, groups, PACED, pacing)
    await worker.drain()
    city = groups.in_chat(CITY_CHAT)
    assert len(city) == 1, [m.text for m in city]
    assert city[0].text.startswith("<b>4 条新线索</b>")
    assert sorted(b["data"] for b in city[0].buttons) == sorted(f"lo:{t}" for t in trackings)
    assert all(t in city[0].text for t in trackings)
    async with db.transaction() as s:
        merged = (await s.execute(select(OutboxRow).where(OutboxRow.status == "merged"))).scalars()
        assert sorted(r.chat_id for r in merged).count(CITY_CHAT) == 4


async def test_a_merged_card_is_never_edited_and_the_card_opened_from_its_button_is(hotline, db):
    trackings = []
    for chat in range(5101, 5104):
        replies = await Citizen(hotline, chat).script(*COMPLAINT)
        trackings.append(TRACKING.search(replies[-1]).group(0))
    groups = Groups()
    worker = OutboxWorker(db, groups, PACED, Pacing(PACED, merged_notice(hotline.cases)))
    await worker.drain()
    (digest,) = groups.in_chat(PINGYAO_CHAT)
    await hotline.lists.press(Viewer(PINGYAO_STAFF, PINGYAO_CHAT, "140728"), f"lo:{trackings[0]}")
    async with db.transaction() as s:  # as if the group's next slot had come
        await s.execute(delete(OutboxPaceRow))
    unhurried = dataclasses.replace(PACED, group_interval_seconds=0.0, bot_per_second=1e9)
    worker = OutboxWorker(db, groups, unhurried, Pacing(unhurried, merged_notice(hotline.cases)))
    await worker.drain()
    async with db.transaction() as s:
        lead = await store.lead_by_tracking(s, trackings[0])
        await hotline.cases.refresh_cards(s, lead)
    await worker.drain()
    async with db.transaction() as s:
        edits = [r for r in (await s.execute(select(OutboxRow))).scalars() if r.purpose == "staff_edit"]
        targets = {(await s.get(OutboxRow, r.edit_of)).status for r in edits}
    assert targets and "merged" not in targets
    cards = [m for m in groups.in_chat(PINGYAO_CHAT) if m is not digest and trackings[0] in m.text]
    assert len(cards) == 1 and cards[0].edits == 1


async def test_two_minutes_of_two_complaints_a_second_keep_the_city_group_under_a_minute_behind(db):
    pacing, start = Pacing(PACED, _plain_merger), utcnow()
    delivered_at: dict[str, float] = {}
    queued_at: dict[str, float] = {}
    for tick in range(0, 240):
        second = tick / 2
        text = f"线索{tick}"
        async with db.transaction() as s:
            outbox.enqueue(s, CITY_CHAT, "staff_new_lead", text)
        queued_at[text] = second
        async with db.transaction() as s:
            claimed = await pacing.claim(s, start + timedelta(seconds=second))
            for row in claimed:
                row.status = "sent"
        for row in claimed:
            for line in row.text.splitlines():
                delivered_at.setdefault(line, second)
    assert len(delivered_at) >= 230
    lag = max(delivered_at[t] - queued_at[t] for t in delivered_at)
    assert lag <= 60, lag


async def _plain_merger(session, rows):
    return "\n".join(r.text for r in rows), []
