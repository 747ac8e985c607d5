"""`hotline serve` as a real process, one worker on SQLite: Telegram's webhook with its secret,
health, readiness and metrics, and SIGTERM in the middle of a load."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.conftest import (
    CITY_CHAT,
    CITY_STAFF,
    PINGYAO_CHAT,
    PINGYAO_STAFF,
    Chat,
    complain,
    until,
)
from tests.e2e.webhook_support import SECRET_HEADER, ServeProcess, WebhookBotApi, serve_config


@pytest.fixture
async def server() -> AsyncIterator[WebhookBotApi]:
    async with WebhookBotApi(token="123:ABC") as api:
        api.add_group(CITY_CHAT, "晋中市局 12330 工作群")
        api.add_member(CITY_CHAT, CITY_STAFF, "李主任")
        api.add_group(PINGYAO_CHAT, "平遥县 12330 工作群")
        api.add_member(PINGYAO_CHAT, PINGYAO_STAFF, "王科长")
        yield api


@pytest.fixture
async def serve(server: WebhookBotApi, tmp_path: Path, jieba_cache: Path) -> AsyncIterator[ServeProcess]:
    config = serve_config(tmp_path, server, jieba_cache, None)
    process = ServeProcess(
        server, config, f"sqlite+aiosqlite:///{tmp_path / 'hotline.db'}", tmp_path / "serve.log"
    )
    await process.start()
    try:
        yield process
    finally:
        await process.stop()


def citizen_chat(server: WebhookBotApi, user_id: int) -> Chat:
    private = server.add_private_chat(user_id, f"市民{user_id}")
    return Chat(server, private.user_id, private.chat_id)


async def test_an_update_without_the_secret_is_refused_and_one_with_it_is_answered(
    server: WebhookBotApi, serve: ServeProcess
) -> None:
    update = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 42, "type": "private"}}}
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {SECRET_HEADER: "wrong"}):
            async with http.post(f"{serve.url}/telegram", json=update, headers=headers) as response:
                assert response.status == 403
    assert await serve.inbox() == [] and 1 not in await serve.processed()

    citizen = citizen_chat(server, 5101)
    tracking = await complain(citizen)
    assert [lead[1] for lead in await serve.leads()] == [tracking]
    await server.wait_for_message(PINGYAO_CHAT, tracking)
    assert 403 not in server.answers


async def test_a_redelivered_update_is_answered_200_and_handled_once(
    server: WebhookBotApi, serve: ServeProcess
) -> None:
    citizen = citizen_chat(server, 5102)
    update_id = await citizen.say("/help")
    await citizen.next()
    await server.redeliver(update_id)
    await until(lambda: server.undelivered == 0 and len(server.answers) >= 2, 10, "the redelivery")
    await asyncio.sleep(0.5)
    assert server.answers[-1] == 200
    assert len(citizen.messages()) == 1
    assert await serve.inbox() == []


async def test_health_readiness_and_metrics_answer_on_the_webhook_port(
    server: WebhookBotApi, serve: ServeProcess
) -> None:
    citizen = citizen_chat(server, 5103)
    await citizen.say("/help")
    await citizen.next()
    async with aiohttp.ClientSession() as http:
        for path in ("/healthz", "/readyz"):
            async with http.get(serve.url + path) as response:
                assert response.status == 200, path
        page = ""
        for _ in range(50):  # the update is marked handled just after its reply went out
            async with http.get(serve.url + "/metrics") as response:
                page = await response.text()
            if "hotline_update_handling_seconds_count 1.0" in page:
                break
            await asyncio.sleep(0.1)
    assert 'hotline_updates_handled_total{result="handled"} 1.0' in page
    assert 'hotline_webhook_requests_total{result="stored"} 1.0' in page
    assert "hotline_update_handling_seconds_count 1.0" in page
    assert "hotline_outbox_rows" in page and "hotline_inbox_depth 0.0" in page


async def test_sigterm_under_load_finishes_what_is_in_hand_exits_0_and_loses_nothing(
    server: WebhookBotApi, serve: ServeProcess
) -> None:
    citizens = [citizen_chat(server, 5200 + n) for n in range(30)]
    sent = [await c.say("/help") for c in citizens for _ in range(3)]
    await until(lambda: len(server.delivered) == len(sent), 20, "every update stored")
    assert sum(len(c.messages()) for c in citizens) < len(sent), "all handled before SIGTERM: no load"

    assert await serve.terminate() == 0
    answered = sum(len(c.messages()) for c in citizens)
    left = await serve.inbox()
    assert answered + len(left) == len(sent)  # each update answered, or kept for the next start
    assert "Traceback" not in serve.log()

    await serve.start()
    await until(lambda: sum(len(c.messages()) for c in citizens) == len(sent), 30, "every answer")
    await until(lambda: server.undelivered == 0, 10, "every delivery")
    await asyncio.sleep(0.5)
    assert sum(len(c.messages()) for c in citizens) == len(sent)  # none twice
    assert await serve.inbox() == []
