"""An update fetched but not handled when the process died is handled at the next start: what
getUpdates returns is kept before python-telegram-bot confirms its offset. Against our loopback
Bot API server, with the real python-telegram-bot application."""

from __future__ import annotations

import asyncio
import dataclasses
import time

from bot.channels import telegram_app
from bot.channels.telegram_inbox import Inbox, InboxBot
from bot.composition import build_hotline
from tests.integration.conftest import staffed
from tests.support.fake_bot_api import FakeBotApi

CITIZEN = 4242


async def test_an_update_fetched_before_a_crash_is_handled_after_the_restart(config, core, db):
    async with FakeBotApi() as server:
        server.add_private_chat(CITIZEN, "市民")
        await server.user_sends_text(CITIZEN, CITIZEN, "/help")
        inbox = Inbox(db)
        async with InboxBot(server.token, base_url=server.base_url, inbox=inbox) as crashed:
            fetched = await crashed.get_updates(timeout=0)
            await crashed.get_updates(offset=fetched[-1].update_id + 1, timeout=0)  # offset confirmed
        assert [u.update_id for u in fetched] == [d["update_id"] for d in await inbox.left_over()]
        assert server.messages(CITIZEN) == []  # the process "died" before handling it

        telegram = dataclasses.replace(config.telegram, base_url=server.base_url)
        hotline = build_hotline(dataclasses.replace(staffed(config), telegram=telegram), core=core, db=db)
        app = telegram_app.build_telegram_application(hotline, server.token)
        await app.initialize()
        await telegram_app._start_worker(app)
        await app.start()
        try:
            deadline = time.monotonic() + 10
            while not server.messages(CITIZEN) and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.2)
        finally:
            await app.stop()
            await telegram_app._stop_worker(app)
            await app.shutdown()
        assert server.messages(CITIZEN), "the update kept in the inbox was never handled"
        assert await inbox.left_over() == []
