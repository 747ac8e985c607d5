"""`hotline run` (long polling) as a real process: on SIGTERM in the middle of a load it stops
fetching, finishes the updates it fetched, stops the outbox loop, exits 0, and nothing is lost;
with [ops].http_port it answers /healthz, /readyz and /metrics."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
from sqlalchemy import select

from bot.leads.models import InboxRow
from tests.e2e.conftest import BotProcess, Chat, HotlineBotApi, _replace_once, until, write_config
from tests.e2e.webhook_support import free_port


async def test_sigterm_while_polling_finishes_the_fetched_updates_and_exits_0(
    server: HotlineBotApi, bot: BotProcess
) -> None:
    citizens = [
        Chat(server, c.user_id, c.chat_id)
        for c in (server.add_private_chat(6000 + n, "市民") for n in range(30))
    ]
    sent = [await c.say("/help") for c in citizens for _ in range(3)]
    await until(lambda: server.pending_updates == 0, 20, "every update fetched")
    assert sum(len(c.messages()) for c in citizens) < len(sent), "all handled before SIGTERM: no load"

    assert bot.proc is not None
    bot.proc.terminate()
    assert await asyncio.wait_for(bot.proc.wait(), 30) == 0
    answered = sum(len(c.messages()) for c in citizens)
    left = bot._query(select(InboxRow.update_id))
    assert answered + len(left) == len(sent)
    assert not bot.log_errors()

    await bot.start()
    await until(lambda: sum(len(c.messages()) for c in citizens) == len(sent), 30, "every answer")
    await asyncio.sleep(0.5)
    assert sum(len(c.messages()) for c in citizens) == len(sent)


async def test_polling_serves_health_readiness_and_metrics_on_the_ops_port(
    server: HotlineBotApi, tmp_path: Path, jieba_cache: Path
) -> None:
    port = free_port()
    config = write_config(tmp_path / "config.toml", server.base_url, tmp_path / "hotline.db", jieba_cache)
    config.write_text(
        _replace_once(config.read_text(encoding="utf-8"), r"^http_port = 0$", f"http_port = {port}"),
        encoding="utf-8",
    )
    bot = BotProcess(server, config, tmp_path / "hotline.db", tmp_path / "bot.log")
    await bot.start()
    try:
        citizen = server.add_private_chat(6100, "市民")
        await server.user_sends_text(citizen.user_id, citizen.chat_id, "/help")
        await server.wait_for_message(citizen.chat_id)
        async with aiohttp.ClientSession() as http:
            for path in ("/healthz", "/readyz"):
                async with http.get(f"http://127.0.0.1:{port}{path}") as response:
                    assert response.status == 200, path
            page = ""
            for _ in range(50):
                async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                    page = await response.text()
                if 'hotline_updates_handled_total{result="handled"} 1.0' in page:
                    break
                await asyncio.sleep(0.1)
        assert 'hotline_updates_handled_total{result="handled"} 1.0' in page
        assert 'hotline_outbox_rows{status="sent"}' in page
    finally:
        await bot.stop()
