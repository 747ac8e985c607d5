"""Storage fixtures: every storage test runs on SQLite, and on PostgreSQL when
HOTLINE_TEST_DATABASE_URL points at one (`.ci/run` sets it when a server answers on 5432)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.composition import build_hotline
from bot.config import Config
from bot.dialogue.model import Inbound
from bot.hotline import Core, Hotline
from bot.intake import Incoming
from bot.leads.db import Database
from bot.leads.models import Base
from intents.understander import Understander
from knowledge.faq import FaqIndex

PG_URL = os.environ.get("HOTLINE_TEST_DATABASE_URL")
CITY_STAFF = 900
PINGYAO_STAFF = 728
CITY_CHAT = -100700
PINGYAO_CHAT = -100728


def staffed(config: Config) -> Config:
    counties = tuple(
        dataclasses.replace(q, chat_id=PINGYAO_CHAT, staff_ids=(PINGYAO_STAFF,)) if q.code == "140728" else q
        for q in config.counties
    )
    city = dataclasses.replace(config.city, chat_id=CITY_CHAT, staff_ids=(CITY_STAFF,))
    return dataclasses.replace(config, counties=counties, city=city)


async def fresh_database(url: str) -> Database:
    db = Database(url)
    if not db.is_sqlite:
        async with db.engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
            await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await db.upgrade()
    return db


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'hotline.db'}"
    if not PG_URL:
        pytest.skip("PostgreSQL storage test: HOTLINE_TEST_DATABASE_URL is not set (no server on 5432)")
    return PG_URL


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = await fresh_database(database_url)
    yield database
    await database.close()


@pytest.fixture
def core(understander: Understander, faq_index: FaqIndex) -> Core:
    return Core(understander, faq_index)


@pytest.fixture
def hotline(config: Config, core: Core, db: Database) -> Hotline:
    return build_hotline(staffed(config), core=core, db=db)


class Citizen:
    """Drives one chat through the intake service, as a channel would."""

    def __init__(self, hotline: Hotline, chat_id: int, first_update: int = 1) -> None:
        self.hotline = hotline
        self.chat_id = chat_id
        self.update_id = chat_id * 1000 + first_update

    async def send(self, step: str, now: datetime | None = None) -> list[str]:
        now = now or self.hotline.clock()
        if step.startswith("!"):
            inbound = Inbound.press(step[1:], now)
        elif step.startswith("/"):
            name, _, args = step[1:].partition(" ")
            inbound = Inbound.command(name, now, args)
        else:
            inbound = Inbound.say(step, now)
        self.update_id += 1
        replies = await self.hotline.intake.handle(Incoming(self.chat_id, inbound, self.update_id))
        return [r.text for r in replies]

    async def script(self, *steps: str) -> list[str]:
        out: list[str] = []
        for step in steps:
            out.extend(await self.send(step))
        return out


COMPLAINT = (
    "有人侵犯我的专利",
    "平遥县宏达机械有限公司",
    "脱粒机",
    "ZL201710601862.3",
    "张三",
    "13912345678",
    "!skip:found_at",
    "!skip:evidence",
    "!submit",
)
