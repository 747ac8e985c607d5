"""`hotline serve --workers N` on PostgreSQL as real processes: 200 citizens at once, each opening
with two messages in a burst and then filling a complaint. Every update is handled once, each
chat's in order, whichever worker takes it; a worker killed with SIGKILL loses no update."""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.dialogue.texts import load_texts
from tests.e2e.conftest import (
    ANSWERS,
    COMPLAINT,
    QUESTIONS,
    Chat,
    add_staff_groups,
    fill_form,
    submit,
    until,
)
from tests.e2e.webhook_support import NO_PG, PG_URL, ServeProcess, WebhookBotApi, fresh_postgres, serve_config
from tests.support.fake_bot_api import SentMessage

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason=NO_PG)]
HELP = load_texts().get("help")
CITIZENS = int(os.environ.get("HOTLINE_E2E_CITIZENS", "200"))
REPLY_TIMEOUT = 120.0


class PatientChat(Chat):
    """A citizen who waits for a reply as long as 200 others' messages take on a busy machine."""

    async def next(self, predicate: object = None, timeout: float = REPLY_TIMEOUT) -> SentMessage:
        return await super().next(predicate, timeout)


@pytest.fixture
async def server() -> AsyncIterator[WebhookBotApi]:
    async with WebhookBotApi(connections=16, token="123:ABC") as api:
        add_staff_groups(api, bystander=False)
        yield api


def phone_of(n: int) -> str:
    return f"1391234{n:04d}"


async def converse(chat: Chat, n: int) -> str:
    """/help and the complaint sent at once, then the form: the tracking number."""
    await chat.say("/help")
    await chat.say(COMPLAINT)
    summary, _ = await fill_form(chat, {**ANSWERS, "phone": phone_of(n)})
    return await submit(chat, summary)


def in_order(chat: Chat) -> bool:
    """The help first, then the questions, each asked once, then the summary and the number."""
    texts = [m.text or "" for m in chat.messages()]
    questions = [t for t in texts if t in QUESTIONS]
    return texts[0] == HELP and len(questions) == len(set(questions))


async def serving(
    server: WebhookBotApi, tmp_path: Path, jieba_cache: Path, db_url: str, workers: int
) -> ServeProcess:
    config = serve_config(tmp_path, server, jieba_cache, db_url, staff_chats=False)
    process = ServeProcess(server, config, db_url, tmp_path / "serve.log", workers=workers)
    await process.start()
    return process


@pytest.mark.parametrize("workers", [2, 4])
async def test_200_citizens_at_once_on_several_workers_lose_duplicate_and_reorder_nothing(
    server: WebhookBotApi, tmp_path: Path, jieba_cache: Path, workers: int
) -> None:
    async with fresh_postgres() as db_url:
        serve = await serving(server, tmp_path, jieba_cache, db_url, workers)
        try:
            chats = [PatientChat(server, 7000 + n, 7000 + n) for n in range(CITIZENS)]
            for chat in chats:
                server.add_private_chat(chat.user_id, "市民")
            numbers = await asyncio.gather(*(converse(chat, n) for n, chat in enumerate(chats)))

            leads = await serve.leads()
            assert len(leads) == CITIZENS and len({lead.tracking_number for lead in leads}) == CITIZENS
            assert {(lead.chat_id, lead.contact_phone) for lead in leads} == {
                (chat.chat_id, phone_of(n)) for n, chat in enumerate(chats)
            }
            disordered = [chat for chat in chats if not in_order(chat)]
            assert not disordered, disordered[0].transcript()
            for chat, number in zip(chats, numbers, strict=True):
                assert sum(number in (m.text or "") for m in chat.messages()) == 1
            assert await _drained(serve)
            handled = set(await serve.processed())
            assert server.delivered <= handled
            assert len(serve.worker_pids()) == workers
            assert await handled_in_metrics(serve) == len(server.delivered)  # every worker's, summed
            assert await serve.terminate() == 0
        finally:
            await serve.stop()


async def test_a_worker_killed_mid_load_loses_no_update(
    server: WebhookBotApi, tmp_path: Path, jieba_cache: Path
) -> None:
    async with fresh_postgres() as db_url:
        serve = await serving(server, tmp_path, jieba_cache, db_url, 2)
        try:
            chats = [PatientChat(server, 8000 + n, 8000 + n) for n in range(60)]
            for chat in chats:
                server.add_private_chat(chat.user_id, "市民")

            async def one(n: int, chat: Chat) -> str | None:
                try:
                    return await converse(chat, n)
                except TimeoutError:
                    return None  # a reply lost in the outbox's in-doubt window (checked below)

            talking = asyncio.gather(*(one(n, chat) for n, chat in enumerate(chats)))
            await until(lambda: sum(len(c.messages()) for c in chats) > 150, 30, "the load under way")
            victim = serve.worker_pids()[0]
            os.kill(victim, signal.SIGKILL)
            numbers = await talking

            stalled = [chat.chat_id for chat, number in zip(chats, numbers, strict=True) if number is None]
            try:
                await until(lambda: server.undelivered == 0, 30, "every delivery")
            except TimeoutError:
                seen = f"{server.undelivered} undelivered; {Counter(server.answers)}; {len(stalled)} stalled"
                raise AssertionError(seen) from None
            await until(lambda: len(serve.worker_pids()) == 3, 20, "the parent restarting the worker")
            assert await _drained(serve)
            assert server.delivered <= set(await serve.processed())  # no update lost
            leads = await serve.leads()
            per_chat = Counter(lead.chat_id for lead in leads)
            assert max(per_chat.values()) == 1  # none twice
            in_doubt = {row.chat_id for row in await serve.outbox() if row.status == "in_doubt"}
            assert set(stalled) <= in_doubt, "a conversation stopped without a message in doubt"
            print(f"killed worker: {len(stalled)} of {len(chats)} conversations stopped by a reply in doubt")
            assert [chat.chat_id for chat in chats if chat.messages() and not in_order(chat)] == []
            assert await serve.terminate() == 0
        finally:
            await serve.stop()


async def handled_in_metrics(serve: ServeProcess) -> float:
    async with aiohttp.ClientSession() as http, http.get(f"{serve.url}/metrics") as response:
        page = await response.text()
    return sum(
        float(line.split()[-1])
        for line in page.splitlines()
        if line.startswith("hotline_updates_handled_total{")
    )


async def _drained(serve: ServeProcess) -> bool:
    for _ in range(100):
        if not await serve.inbox():
            return True
        await asyncio.sleep(0.1)
    return False
