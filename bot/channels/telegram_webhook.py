"""One webhook worker of `hotline serve`: Telegram's webhook in, the hotline's handlers, the outbox.

The HTTP side is our own aiohttp server (bot/ops/http.py) rather than python-telegram-bot's
webhook: PTB's answers 200 as soon as the update is in its in-memory queue, and has no place for
/healthz, /readyz, /metrics or a 503 while shutting down. Ours answers 200 only after the update is
committed to the inbox table, and every worker handles what any worker stored, in per-chat order
(bot/ops/dispatch.py), through the same python-telegram-bot Application handlers as polling mode.

On SIGTERM or SIGINT: the webhook answers 503 and /readyz fails at once, no new update is claimed,
the updates in hand are finished, the outbox and supervisor loops stop after their current step,
and the process exits 0. What was stored and not handled stays in the inbox for the other workers
or the next start.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ExtBot
from telegram.request import HTTPXRequest

from bot.channels import telegram_app
from bot.hotline import Hotline
from bot.leads.inbox import Claimed
from bot.ops.dispatch import Dispatcher
from bot.ops.http import OpsServer, Webhook
from bot.ops.metrics import DatabaseFigures, Exposition

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "callback_query"]


def build_webhook_application(hotline: Hotline, token: str) -> Application:
    """As polling mode's application, without an updater: the outbox paces the sends."""
    base_url = hotline.config.telegram.base_url
    bot: ExtBot[None] = ExtBot(
        token,
        base_url=base_url,
        base_file_url=base_url.replace("/bot", "/file/bot", 1),
        request=HTTPXRequest(connection_pool_size=telegram_app.CONNECTIONS),
    )
    app = telegram_app.builder().bot(bot).updater(None).build()
    telegram_app.add_handlers(app, hotline)
    return app


class WebhookWorker:
    def __init__(self, hotline: Hotline, token: str, secret: str, register: bool) -> None:
        self.hotline = hotline
        self.app = build_webhook_application(hotline, token)
        self.secret = secret
        self.register = register
        """Whether this worker calls setWebhook with [ops].webhook_url (one worker does)."""
        self.stop = asyncio.Event()
        ops = hotline.config.ops
        self.dispatcher = Dispatcher(hotline.db, self._handle, ops)
        self.server = OpsServer(
            hotline.db,
            Exposition(DatabaseFigures(hotline.db, hotline.config)),
            Webhook(ops.webhook_path, secret, self.dispatcher.wake.set),
            accepting=lambda: not self.stop.is_set(),
        )

    async def run(self, host: str, port: int, reuse_port: bool) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop.set)
        await self.app.initialize()
        await telegram_app._start_worker(self.app)
        await self._set_webhook()
        dispatching = asyncio.create_task(self.dispatcher.run(self.stop), name="inbox")
        try:
            bound = await self.server.start(host, port, reuse_port)
            log.info("webhook worker listening on %s:%s%s", host, bound, self.hotline.config.ops.webhook_path)
            await self.stop.wait()
            log.info("stopping: no new updates; finishing those in hand")
            await dispatching
        finally:
            self.stop.set()
            await self.server.stop()
            if not dispatching.done():
                await dispatching
            await telegram_app._stop_worker(self.app)
            await self.app.shutdown()
        log.info("stopped")
        return 0

    async def _set_webhook(self) -> None:
        url = self.hotline.config.ops.webhook_url
        if not (self.register and url):
            return
        try:
            await self.app.bot.set_webhook(
                url,
                secret_token=self.secret,
                allowed_updates=ALLOWED_UPDATES,
                max_connections=40,
            )
        except TelegramError as exc:
            log.error("setWebhook failed: %s", exc)

    async def _handle(self, row: Claimed) -> bool:
        update = Update.de_json(row.data, self.app.bot)
        await self.app.process_update(update)
        failed: set[int] = self.app.bot_data["failed"]
        if update.update_id in failed:
            failed.discard(update.update_id)
            return False
        return True
