"""The metrics' database figures and the counting sender, on SQLite and PostgreSQL; and what
`hotline serve` refuses to start without."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from bot.leads.models import utcnow
from bot.notify import outbox
from bot.notify.sender import RetryLater, Undeliverable
from bot.ops.metrics import SEND_FAILURES, CountingSender, DatabaseFigures, Exposition
from tests.integration.conftest import PINGYAO_CHAT, staffed

ROOT = Path(__file__).resolve().parents[2]


async def test_outbox_depth_is_shown_per_staff_queue_and_citizens_are_summed_without_their_ids(config, db):
    async with db.transaction() as session:
        for chat in (PINGYAO_CHAT, PINGYAO_CHAT, 5001, 5002):
            row = outbox.enqueue(session, chat, "test", "text")
            row.created_at = utcnow() - timedelta(seconds=30)
    page = await Exposition(DatabaseFigures(db, staffed(config))).page()
    text = page.decode()
    assert 'hotline_outbox_depth{queue="140728"} 2.0' in text
    assert 'hotline_outbox_depth{queue="citizens"} 2.0' in text
    assert "5001" not in text and "5002" not in text
    oldest = next(
        line for line in text.splitlines() if line.startswith('hotline_outbox_oldest_seconds{queue="140728"}')
    )
    assert float(oldest.split()[-1]) >= 30
    assert 'hotline_outbox_rows{status="pending"} 4.0' in text


class Failing:
    def __init__(self, error: Exception) -> None:
        self.error = error

    async def send(self, *args: object, **kwargs: object) -> int:
        raise self.error

    async def send_file(self, *args: object, **kwargs: object) -> int:
        raise self.error

    async def edit(self, *args: object, **kwargs: object) -> None:
        raise self.error


def _failures(kind: str) -> float:
    registry = CollectorRegistry()
    registry.register(SEND_FAILURES)
    return registry.get_sample_value("hotline_send_failures_total", {"kind": kind}) or 0.0


async def test_the_counting_sender_counts_each_kind_of_failure_and_passes_it_on():
    before = {k: _failures(k) for k in ("retry_later", "undeliverable", "error")}
    for error in (RetryLater(1), Undeliverable("blocked"), OSError("reset")):
        with pytest.raises(type(error)):
            await CountingSender(Failing(error)).send(1, "x", False, [])
    assert {k: _failures(k) - before[k] for k in before} == {"retry_later": 1, "undeliverable": 1, "error": 1}


def _serve(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "--config", str(ROOT / "config.toml"), "serve", *args],
        env={**clean, **env}, capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip


def test_serve_refuses_to_start_without_the_webhook_secret_or_with_several_workers_on_sqlite(tmp_path):
    without = _serve(tmp_path, HOTLINE_BOT_TOKEN="1:A")
    assert without.returncode == 2 and "HOTLINE_WEBHOOK_SECRET" in without.stderr
    bad = _serve(tmp_path, HOTLINE_BOT_TOKEN="1:A", HOTLINE_WEBHOOK_SECRET="has space")
    assert bad.returncode == 2
    several = _serve(tmp_path, "--workers", "2", HOTLINE_BOT_TOKEN="1:A", HOTLINE_WEBHOOK_SECRET="s3cret")
    assert several.returncode == 2 and "PostgreSQL" in several.stderr
