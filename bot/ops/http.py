"""The HTTP side of a worker (aiohttp): Telegram's webhook, /healthz, /readyz and /metrics.

The webhook answers 200 only once the update is committed to the inbox table (a redelivered update
id answers 200 and is stored once), 403 without Telegram's secret-token header, 503 while the worker
shuts down (Telegram then delivers it again, to a worker that takes it), 500 if the database fails.
/healthz says the process is alive; /readyz that the database answers and the worker is not
shutting down, for a load balancer to route around a worker that is going away.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from sqlalchemy import text

from bot.leads import inbox
from bot.leads.db import Database
from bot.ops.metrics import CONTENT_TYPE, WEBHOOK_REQUESTS, Exposition

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
READY_TIMEOUT_SECONDS = 2.0


@dataclass
class Webhook:
    path: str
    secret: str
    stored: Callable[[], None] = lambda: None
    """Called after a new update was stored: wakes this worker's dispatcher."""


@dataclass
class OpsServer:
    db: Database
    exposition: Exposition
    webhook: Webhook | None = None
    accepting: Callable[[], bool] = lambda: True
    """False once the worker shuts down: the webhook answers 503 and /readyz fails."""
    _runner: web.AppRunner | None = field(default=None, repr=False)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics)
        if self.webhook is not None:
            app.router.add_post(self.webhook.path, self._update)
        return app

    async def start(self, host: str, port: int, reuse_port: bool = False) -> int:
        """Listens; returns the port (useful with port 0)."""
        self._runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, reuse_port=reuse_port or None)
        await site.start()
        return int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def _readyz(self, request: web.Request) -> web.Response:
        if not self.accepting():
            return web.Response(status=503, text="shutting down\n")
        try:
            async with asyncio.timeout(READY_TIMEOUT_SECONDS), self.db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:
            log.warning("readyz: the database does not answer: %s", type(exc).__name__)
            return web.Response(status=503, text="database unavailable\n")
        return web.Response(text="ready\n")

    async def _metrics(self, request: web.Request) -> web.Response:
        body = await self.exposition.page()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    async def _update(self, request: web.Request) -> web.Response:
        assert self.webhook is not None
        if not self.accepting():
            return self._answer("refused", 503)
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.webhook.secret.encode()):
            return self._answer("forbidden", 403)
        data = _update_of(await request.read())
        if data is None:
            return self._answer("bad_request", 400)
        try:
            new = await inbox.keep(self.db, [data])
        except Exception as exc:
            log.error("webhook: update %s not stored: %s", data["update_id"], type(exc).__name__)
            return self._answer("error", 500)
        if new:
            self.webhook.stored()
        return self._answer("stored" if new else "duplicate", 200)

    @staticmethod
    def _answer(result: str, status: int) -> web.Response:
        WEBHOOK_REQUESTS.labels(result).inc()
        return web.Response(status=status)


def _update_of(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return None
    return data
