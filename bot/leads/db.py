"""The database: an async engine from the configured URL, sessions, and Alembic migrations."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from sqlalchemy import Connection, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

SQLITE_BUSY_TIMEOUT_SECONDS = 30


def resolve_url(url: str, base_dir: Path) -> str:
    """A relative SQLite path is relative to the config file. Its folder and the file itself are
    created readable by the service's user alone (SQLite gives its -wal and -shm files the same
    mode): the database holds complainants' names and phones."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        if not path.is_absolute():
            path = base_dir / path
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        os.chmod(path, 0o600)
        return parsed.set(database=str(path)).render_as_string(hide_password=False)
    return url


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = make_url(url).get_backend_name() == "sqlite"
        args = {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS} if self.is_sqlite else {}
        self.engine: AsyncEngine = create_async_engine(
            url, connect_args=args, pool_pre_ping=not self.is_sqlite, hide_parameters=True
        )
        """hide_parameters: an error's message never carries the statement's values (names, phones)."""
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin_immediate)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session, session.begin():
            yield session

    async def upgrade(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(_upgrade)

    async def close(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: object, record: object) -> None:
    """The driver's own transaction handling is switched off so that `_sqlite_begin_immediate`
    decides: SQLite's deferred BEGIN lets two transactions read, then fails the second writer
    (database is locked) instead of making it wait."""
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_begin_immediate(connection: Connection) -> None:
    """Every transaction takes the write lock at BEGIN: writers queue (busy timeout) in order."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _upgrade(connection: Connection) -> None:
    from alembic import command
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(resources.files("bot.leads").joinpath("migrations")))
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")
