"""The composition root: everything the program needs, built once from the config.

Nothing heavy happens at import: jieba, the FAQ index and the database engine are built here, at
start-up, and tests call these builders with their own collaborators.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.config import Config

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.hotline import Core, Hotline
    from bot.leads.db import Database


log = logging.getLogger(__name__)


def build_core(config: Config) -> Core:
    """Load jieba, the rules, the gazetteer and the FAQ index: the start-up work."""
    from bot.hotline import Core
    from intents.understander import load_understander
    from knowledge.faq import FaqIndex, load_default_faq
    from knowledge.faq_model import load_faq_model

    understander = load_understander(config.path(config.nlu.cache_dir))
    faq = FaqIndex(
        load_default_faq(),
        understander.tokens,
        threshold=config.faq.answer_threshold,
        margin=config.faq.answer_margin,
        model=load_faq_model(),
    )
    return Core(understander, faq)


def build_hotline(
    config: Config,
    core: Core | None = None,
    db: Database | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Hotline:
    from bot.casework.cases import Cases
    from bot.casework.citizen import CitizenDesk
    from bot.casework.desk import Desk
    from bot.casework.evidence import EvidenceStore
    from bot.casework.lists import Lists
    from bot.casework.relay import Relays
    from bot.clock.settings import build_deadlines, calendar_warnings
    from bot.dialogue.machine import Dialogue
    from bot.dialogue.texts import load_texts
    from bot.hotline import Hotline
    from bot.intake import Intake
    from bot.leads.db import Database, resolve_url
    from bot.leads.fairs import venue_county
    from bot.leads.models import to_local, utcnow
    from bot.reports.service import Reports
    from bot.supervision.press import SupervisionDesk
    from bot.supervision.rounds import Supervisor

    core = core or build_core(config)
    clock = clock or utcnow
    texts = load_texts()
    db = db or Database(resolve_url(config.database.url, config.base_dir))
    zone = ZoneInfo(config.service.timezone)
    dialogue = Dialogue(
        core.faq,
        texts,
        timedelta(minutes=config.dialogue.resume_after_minutes),
        core.understander.understand,
        lambda fields: venue_county(config.fairs, fields, to_local(clock(), zone).date()),
    )
    deadlines = build_deadlines(config)
    for warning in calendar_warnings(
        deadlines.calendar, to_local(clock(), zone).date()
    ):
        log.warning(warning)
    cases = Cases(config, texts, clock, deadlines)
    relays = Relays(cases)
    evidence = EvidenceStore(config.path(config.casework.evidence_dir), config.casework.evidence_max_bytes)
    citizen = CitizenDesk(cases, relays)
    intake = Intake(config, core.understander, dialogue, texts, db, cases, relays, citizen, evidence)
    desk = Desk(cases, relays, db, lambda: None)
    desk.supervise = SupervisionDesk(cases).press
    lists = Lists(cases, db)
    supervisor = Supervisor(cases, db, config.supervision)
    reports = Reports(cases, db)
    return Hotline(config, core, texts, db, intake, desk, lists, cases, evidence, supervisor, reports, clock)


def build_application(config: Config, token: str, hotline: Hotline | None = None) -> Application:
    """The Telegram application (long polling or webhook), wired to the hotline."""
    from bot.channels.telegram_app import build_telegram_application

    return build_telegram_application(hotline or build_hotline(config), token)


def serve_webhook(
    config: Config, token: str, secret: str, host: str, port: int, reuse_port: bool, register: bool
) -> int:
    """One webhook worker (`hotline serve`), until SIGTERM; its exit code."""
    import asyncio

    from bot.channels.telegram_webhook import WebhookWorker

    async def run() -> int:
        return await WebhookWorker(build_hotline(config), token, secret, register).run(host, port, reuse_port)

    return asyncio.run(run())
