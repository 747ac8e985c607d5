"""The hotline's python-telegram-bot Application keeps nothing per chat once the chat's updates are
handled: conversations live in the database, so whatever the process held for each chat that ever
wrote would grow for as long as it ran. Against our loopback Bot API server, with the real
application and handlers."""

from __future__ import annotations

import dataclasses

from bot.channels import telegram_app
from bot.composition import build_hotline
from tests.integration.conftest import staffed
from tests.support.fake_bot_api import FakeBotApi

CITIZENS = range(5001, 5013)


async def test_after_many_chats_wrote_the_application_holds_nothing_for_any_of_them(config, core, db):
    async with FakeBotApi() as server:
        for user in CITIZENS:
            server.add_private_chat(user, f"市民{user}")
            await server.user_sends_text(user, user, "/help")
            await server.user_sends_text(user, user, "你好")
        telegram = dataclasses.replace(config.telegram, base_url=server.base_url)
        hotline = build_hotline(dataclasses.replace(staffed(config), telegram=telegram), core=core, db=db)
        app = telegram_app.build_telegram_application(hotline, server.token)
        await app.initialize()
        await telegram_app._start_worker(app)
        try:
            updates = await app.bot.get_updates(timeout=0)
            for update in updates:
                await app.process_update(update)
        finally:
            await telegram_app._stop_worker(app)
            await app.shutdown()
        assert len(updates) == 2 * len(CITIZENS)
        assert all(len(server.messages(user)) >= 2 for user in CITIZENS), "a citizen was not answered"
        assert not app.chat_data and not app.user_data
        assert not app.bot_data["started"] and not app.bot_data["failed"]
        # Filled after every update and emptied only by a persistence's save, which the hotline has not.
        assert not app._chat_ids_to_be_updated_in_persistence
        assert not app._user_ids_to_be_updated_in_persistence
