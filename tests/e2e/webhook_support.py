"""Webhook mode end to end: our Bot API server delivering updates to `hotline serve` as Telegram
does (POSTs with the secret header, retried until a 200), the serve process, and a fresh
PostgreSQL database per test."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import aiohttp
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.leads.inbox import chat_of
from bot.leads.models import InboxRow, LeadRow, OutboxRow, ProcessedUpdateRow
from tests.e2e.conftest import ROOT, HotlineBotApi, _replace_once, _set_queue, until, write_config

SECRET = "e2e-webhook-secret_42"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PG_URL = os.environ.get("HOTLINE_TEST_DATABASE_URL", "")
NO_PG = "HOTLINE_TEST_DATABASE_URL is not set: several webhook workers need PostgreSQL"


class WebhookBotApi(HotlineBotApi):
    """Delivers every update to `webhook_url` instead of getUpdates, as Telegram's Bot API server
    does: one chat's updates one after another (the next once the last was answered 200), up to
    `connections` chats' at once, each retried after a failure until it is answered 200."""

    def __init__(self, connections: int = 8, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.webhook_url = ""
        self.secret = SECRET
        self.answers: list[int] = []
        """The status of every delivery attempt (0: no HTTP answer)."""
        self.delivered: set[int] = set()
        self._connections = asyncio.Semaphore(connections)
        self._per_chat: dict[int, asyncio.Queue[dict[str, Any]]] = {}
        self._pushers: list[asyncio.Task[None]] = []
        self._waiting = 0
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> WebhookBotApi:
        await super().start()
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        return self

    async def stop(self) -> None:
        for task in self._pushers:
            task.cancel()
        await asyncio.gather(*self._pushers, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        await super().stop()

    async def _enqueue(self, payload: dict[str, Any]) -> int:
        update_id = await super()._enqueue(payload)
        self._queue.clear()  # not for getUpdates: it is pushed
        self._push_later(self._updates[update_id])
        return update_id

    async def redeliver(self, update_id: int) -> None:
        self._push_later(self._updates[update_id])

    def _push_later(self, update: dict[str, Any]) -> None:
        chat = chat_of(update) or 0
        if chat not in self._per_chat:
            self._per_chat[chat] = asyncio.Queue()
            self._pushers.append(asyncio.create_task(self._push(self._per_chat[chat])))
        self._waiting += 1
        self._per_chat[chat].put_nowait(update)

    async def _push(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        while True:
            update = await queue.get()
            while True:
                async with self._connections:
                    if await self._deliver(update):
                        break
                await asyncio.sleep(0.2)
            self._waiting -= 1
            self.delivered.add(update["update_id"])

    async def _deliver(self, update: dict[str, Any]) -> bool:
        assert self._session is not None
        if not self.webhook_url:
            return False
        try:
            async with self._session.post(
                self.webhook_url, json=update, headers={SECRET_HEADER: self.secret}
            ) as response:
                self.answers.append(response.status)
                return response.status == 200
        except (aiohttp.ClientError, TimeoutError):
            self.answers.append(0)
            return False

    @property
    def undelivered(self) -> int:
        """Updates not yet answered 200."""
        return self._waiting


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.asynccontextmanager
async def fresh_postgres() -> AsyncIterator[str]:
    """A new, empty database on the test server for one test; dropped afterwards."""
    url = make_url(PG_URL)
    name = f"hotline_e2e_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


def serve_config(
    tmp_path: Path, server: HotlineBotApi, jieba_cache: Path, db_url: str | None, staff_chats: bool = True
) -> Path:
    """The e2e config for `hotline serve`; without `staff_chats` no queue has a group, so a load of
    new leads is not held up by Telegram's 20 messages a minute per group."""
    path = write_config(tmp_path / "config.toml", server.base_url, tmp_path / "hotline.db", jieba_cache)
    body = path.read_text(encoding="utf-8")
    if not staff_chats:
        body = _set_queue(_set_queue(body, "140700", 0, ()), "140728", 0, ())
    if db_url is not None:
        body = _replace_once(body, r'^url = "sqlite\+aiosqlite:///.*"$', f'url = "{db_url}"')
    # the outbox's claims are not renewed while a send waits in the rate limiter (30 a second per
    # process): under this load a claim older than 3 s is often still live
    body = _replace_once(body, r"^claim_timeout_seconds = .*$", "claim_timeout_seconds = 30.0")
    body = _replace_once(body, r"^idle_poll_seconds = .*$", "idle_poll_seconds = 0.05")
    body = _replace_once(body, r"^inbox_claim_seconds = .*$", "inbox_claim_seconds = 3.0")
    body = _replace_once(body, r"^shutdown_seconds = .*$", "shutdown_seconds = 15.0")
    body = _replace_once(body, r"^handlers = .*$", "handlers = 4")  # 4 workers: ~8 connections each
    path.write_text(body, encoding="utf-8")
    return path


@dataclass
class ServeProcess:
    server: WebhookBotApi
    config_path: Path
    db_url: str
    log_path: Path
    workers: int = 1
    port: int = field(default_factory=free_port)
    proc: asyncio.subprocess.Process | None = None
    _log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, extra_env: dict[str, str] | None = None) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("HOTLINE_CONFIG", "PROMETHEUS_MULTIPROC_DIR")}
        env.update(HOTLINE_BOT_TOKEN=self.server.token, HOTLINE_WEBHOOK_SECRET=SECRET, PYTHONUNBUFFERED="1")
        env.update(extra_env or {})
        before = self.log().count("webhook worker listening")
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        command = ["serve", "--port", str(self.port), "--workers", str(self.workers)]
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "--config", str(self.config_path), *command,
            cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL, stdout=self._log, stderr=self._log,
            start_new_session=True,
        )  # fmt: skip
        proc = self.proc
        try:
            await until(
                lambda: (
                    self.log().count("webhook worker listening") >= before + self.workers
                    or proc.returncode is not None
                ),
                60,
                "every worker listening",
            )
        except TimeoutError:
            raise AssertionError(f"hotline serve did not start:\n{self.log_tail()}") from None
        if proc.returncode is not None:
            raise AssertionError(f"hotline serve exited with {proc.returncode}:\n{self.log_tail()}")
        self.server.webhook_url = f"{self.url}/telegram"

    async def terminate(self, timeout: float = 40) -> int:
        """SIGTERM, then the exit code."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.proc.wait(), timeout)
        self._close_log()
        return code

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 40)
            except TimeoutError:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the parent and its workers
                await self.proc.wait()
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def worker_pids(self) -> list[int]:
        return [int(p) for p in re.findall(r"\[(\d+)\]: webhook worker listening", self.log())]

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    async def rows(self, statement: Any) -> list[Any]:
        engine = create_async_engine(self.db_url)
        try:
            async with engine.connect() as conn:
                return list((await conn.execute(statement)).all())
        finally:
            await engine.dispose()

    async def leads(self) -> list[Any]:
        return await self.rows(select(LeadRow.chat_id, LeadRow.tracking_number, LeadRow.contact_phone))

    async def outbox(self) -> list[Any]:
        return await self.rows(select(OutboxRow.chat_id, OutboxRow.status, OutboxRow.purpose))

    async def inbox(self) -> list[int]:
        return [r[0] for r in await self.rows(select(InboxRow.update_id))]

    async def processed(self) -> set[int]:
        return {r[0] for r in await self.rows(select(ProcessedUpdateRow.update_id))}
