"""Prometheus metrics: what each process counts, and what the database shows when scraped.

Counters and histograms are per process. With `hotline serve --workers N` the parent gives every
worker one PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode): whichever worker a
scrape reaches adds up the files of all of them, so /metrics on the one port shows the whole
service. The database figures (outbox depth and age per staff chat, rows by status, overdue leads,
the inbox) are queried at each scrape, by the worker that answers it.

Private chats are not labelled one by one: a label per citizen would put their Telegram ids in the
metrics and grow without end; they are summed as queue="citizens".
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from bot.config import Config
from bot.leads import inbox
from bot.leads.db import Database
from bot.leads.models import LeadRow, OutboxRow, utcnow
from bot.notify.sender import RetryLater, Sender, Undeliverable

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
WAITING = ("pending", "claimed", "sending")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
CONTENT_TYPE = CONTENT_TYPE_LATEST

UPDATES_HANDLED = Counter(
    "hotline_updates_handled_total",
    "Updates handled, by result (handled, failed).",
    ["result"],
    registry=None,
)
HANDLING_SECONDS = Histogram(
    "hotline_update_handling_seconds",
    "From an update's arrival (stored in the inbox) to the end of its handling.",
    buckets=LATENCY_BUCKETS,
    registry=None,
)
WEBHOOK_REQUESTS = Counter(
    "hotline_webhook_requests_total",
    "Webhook requests, by result (stored, duplicate, forbidden, refused, bad_request, error).",
    ["result"],
    registry=None,
)
SEND_FAILURES = Counter(
    "hotline_send_failures_total",
    "Sends to Telegram that failed, by kind (retry_later, undeliverable, error).",
    ["kind"],
    registry=None,
)


def observe_handled(failed: bool, seconds: float) -> None:
    UPDATES_HANDLED.labels("failed" if failed else "handled").inc()
    HANDLING_SECONDS.observe(max(seconds, 0.0))


class CountingSender:
    """A Sender that counts the failures of the one it wraps (the outbox's sends)."""

    def __init__(self, inner: Sender) -> None:
        self.inner = inner

    async def send(
        self, chat_id: int, text: str, html: bool, buttons: list[dict[str, Any]], force_reply: bool = False
    ) -> int:
        with _counted():
            return await self.inner.send(chat_id, text, html, buttons, force_reply)

    async def send_file(self, chat_id: int, file_id: str, kind: str, caption: str, html: bool = False) -> int:
        with _counted():
            return await self.inner.send_file(chat_id, file_id, kind, caption, html)

    async def edit(
        self, chat_id: int, message_id: int, text: str, html: bool, buttons: list[dict[str, Any]]
    ) -> None:
        with _counted():
            await self.inner.edit(chat_id, message_id, text, html, buttons)


class _counted:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc is None:
            return
        if isinstance(exc, RetryLater):
            SEND_FAILURES.labels("retry_later").inc()
        elif isinstance(exc, Undeliverable):
            SEND_FAILURES.labels("undeliverable").inc()
        elif isinstance(exc, Exception):
            SEND_FAILURES.labels("error").inc()


class DatabaseFigures(Collector):
    """The figures queried from the database: `refresh` (async) before each scrape, then `collect`."""

    def __init__(self, db: Database, config: Config) -> None:
        self.db = db
        self.queue_of_chat = {q.chat_id: q.code for q in config.queues.values() if q.chat_id}
        self._families: list[Metric] = []

    async def refresh(self) -> None:
        now = utcnow()
        depth = GaugeMetricFamily(
            "hotline_outbox_depth", "Outbox messages not yet sent, per staff chat's queue.", labels=["queue"]
        )
        oldest = GaugeMetricFamily(
            "hotline_outbox_oldest_seconds", "Age of the oldest unsent outbox message.", labels=["queue"]
        )
        by_status = GaugeMetricFamily("hotline_outbox_rows", "Outbox rows by status.", labels=["status"])
        overdue = GaugeMetricFamily(
            "hotline_leads_overdue", "Open leads past their stage's deadline.", labels=["queue"]
        )
        async with self.db.transaction() as session:
            waiting = await session.execute(
                select(OutboxRow.chat_id, func.count(), func.min(OutboxRow.created_at))
                .where(OutboxRow.status.in_(WAITING))
                .group_by(OutboxRow.chat_id)
            )
            per_queue: dict[str, tuple[int, float]] = {}
            for chat_id, count, first in waiting:
                queue = self.queue_of_chat.get(chat_id, "citizens")
                n, age = per_queue.get(queue, (0, 0.0))
                per_queue[queue] = (n + count, max(age, (now - first).total_seconds()))
            statuses = await session.execute(
                select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
            )
            late = await session.execute(
                select(LeadRow.queue_code, func.count())
                .where(LeadRow.due_at.is_not(None), LeadRow.due_at < now, LeadRow.paused_at.is_(None))
                .group_by(LeadRow.queue_code)
            )
            late_rows = list(late)
            status_rows = list(statuses)
        for queue, (n, age) in sorted(per_queue.items()):
            depth.add_metric([queue], n)
            oldest.add_metric([queue], age)
        for status, n in status_rows:
            by_status.add_metric([status], n)
        for queue, n in late_rows:
            overdue.add_metric([queue], n)
        count, age = await inbox.depth(self.db)
        inbox_depth = GaugeMetricFamily("hotline_inbox_depth", "Updates stored and not yet handled.")
        inbox_depth.add_metric([], count)
        inbox_age = GaugeMetricFamily("hotline_inbox_oldest_seconds", "Age of the oldest unhandled update.")
        inbox_age.add_metric([], age)
        self._families = [depth, oldest, by_status, overdue, inbox_depth, inbox_age]

    def collect(self) -> Iterator[Metric]:
        yield from self._families


class Exposition:
    """The /metrics page: this process's (or, in multiprocess mode, every worker's) counters and
    histograms, and the database's figures."""

    def __init__(self, figures: DatabaseFigures) -> None:
        self.figures = figures
        self.registry = CollectorRegistry()
        if os.environ.get(MULTIPROC_ENV):
            MultiProcessCollector(self.registry)
        else:
            for collector in (UPDATES_HANDLED, HANDLING_SECONDS, WEBHOOK_REQUESTS, SEND_FAILURES):
                self.registry.register(collector)
        self.registry.register(figures)

    async def page(self) -> bytes:
        await self.figures.refresh()
        return generate_latest(self.registry)
