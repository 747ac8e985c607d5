"""`hotline serve --workers 2` on PostgreSQL with the staff groups on: many complaints at once,
each group told of each lead exactly once (its card, or a line of a merged "N 条新线索" notice),
and the two workers together keep one pace per group, as Telegram's per-group limit asks."""

from __future__ import annotations

import asyncio
import os
import re
import statistics
from collections.abc import AsyncIterator
from itertools import pairwise
from pathlib import Path

import pytest

from tests.e2e.conftest import CITY_CHAT, PINGYAO_CHAT, add_staff_groups, until
from tests.e2e.test_webhook_workers_e2e import PatientChat, converse
from tests.e2e.webhook_support import NO_PG, PG_URL, ServeProcess, WebhookBotApi, fresh_postgres, serve_config
from tests.support.fake_bot_api import SentMessage

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason=NO_PG)]
CITIZENS = int(os.environ.get("HOTLINE_E2E_GROUP_CITIZENS", "40"))
INTERVAL = 0.4
"""Seconds between two messages to one group: Telegram's 3 s, shortened so the test takes no minutes."""
NO_MERGING = 1000
RUN = 10
"""Consecutive messages to one group over which the pace is checked."""
TRACKING = re.compile(r"JZ-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")
DIGEST_LINE = re.compile(r"^[•❗] (JZ-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}) ·")


@pytest.fixture
async def server() -> AsyncIterator[WebhookBotApi]:
    async with WebhookBotApi(connections=16, token="123:ABC") as api:
        add_staff_groups(api, bystander=False)
        yield api


def announced(message: SentMessage) -> list[str]:
    """The leads a group message announces: a card names its own in the first line (later lines
    may name linked leads); a merged notice names one per line."""
    lines = (message.text or "").splitlines()
    if not lines:
        return []
    if "条新线索" in lines[0]:
        return [m.group(1) for line in lines[1:] if (m := DIGEST_LINE.match(line))]
    return TRACKING.findall(lines[0])[:1]


@pytest.mark.parametrize("merge_at", [NO_MERGING, 5], ids=["a-card-each", "merged-when-queued"])
async def test_two_workers_tell_each_group_of_each_lead_once_at_one_shared_pace(
    server: WebhookBotApi, tmp_path: Path, jieba_cache: Path, merge_at: int
) -> None:
    async with fresh_postgres() as db_url:
        config = serve_config(tmp_path, server, jieba_cache, db_url, staff_chats=True)
        body = config.read_text(encoding="utf-8")
        body = body.replace("group_interval_seconds = 0.05", f"group_interval_seconds = {INTERVAL}")
        body = body.replace("merge_at = 1000", f"merge_at = {merge_at}")
        config.write_text(body, encoding="utf-8")
        serve = ServeProcess(server, config, db_url, tmp_path / "serve.log", workers=2)
        await serve.start()
        try:
            chats = [PatientChat(server, 9000 + n, 9000 + n) for n in range(CITIZENS)]
            for chat in chats:
                server.add_private_chat(chat.user_id, "市民")
            numbers = set(await asyncio.gather(*(converse(chat, n) for n, chat in enumerate(chats))))
            assert len(numbers) == CITIZENS

            for group in (PINGYAO_CHAT, CITY_CHAT):
                await until(
                    lambda g=group: numbers <= {t for m in server.messages(g) for t in announced(m)},
                    120,
                    f"every lead announced in {group}",
                )
            await asyncio.sleep(2 * INTERVAL)  # anything sent twice would arrive by now
            for group in (PINGYAO_CHAT, CITY_CHAT):
                messages = server.messages(group)
                told = [t for m in messages for t in announced(m)]
                assert sorted(told) == sorted(numbers), f"{len(told)} announcements of {len(numbers)} leads"
                merged = sum("条新线索" in (m.text or "") for m in messages)
                arrivals = sorted(server.arrived[(group, m.message_id)] for m in messages)
                gaps = [later - earlier for earlier, later in pairwise(arrivals)]
                if merge_at == NO_MERGING:
                    assert len(arrivals) == CITIZENS
                else:  # the burst is folded into a few notices of up to 20 leads each
                    assert merged >= 1 and len(arrivals) < CITIZENS
                # The pace is kept when a message is claimed; the send follows within the claim's
                # batch, so one message may arrive up to about an interval late and close behind
                # the next. Over any RUN messages the group's rate is still its pace: two
                # workers pacing on their own would fit RUN messages in half the time.
                spans = [arrivals[n + RUN - 1] - arrivals[n] for n in range(len(arrivals) - RUN + 1)]
                assert min(spans, default=RUN * INTERVAL) >= (RUN - 2) * INTERVAL, (group, spans, gaps)
                print(
                    f"group {group}: {len(messages)} messages for {len(numbers)} leads "
                    f"({merged} merged notices), {arrivals[-1] - arrivals[0]:.1f} s from first to last, "
                    f"gaps min {min(gaps, default=0):.2f} s, median {statistics.median(gaps or [0]):.2f} s, "
                    f"{RUN} messages in {min(spans, default=0):.1f} s at the least"
                )
            assert await serve.terminate() == 0
        finally:
            await serve.stop()
