"""`hotline supervise --at … [--dry-run]` as an operator runs it: message blocks on standard output
and nothing else, counts on standard error, a dry run that records nothing."""

from __future__ import annotations

from datetime import datetime

from bot.composition import build_hotline
from bot.config import load_config
from bot.leads.db import Database, resolve_url
from tests.integration.conftest import COMPLAINT, Citizen
from tests.integration.test_console_and_register import hotline, workdir
from tests.integration.test_supervision import Clock


async def a_lead_made_on_monday_7_december(cwd, core) -> None:
    config = load_config(cwd / "config.toml")
    db = Database(resolve_url(config.database.url, config.base_dir))
    await db.upgrade()
    try:
        service = build_hotline(config, core=core, db=db, clock=Clock(datetime(2026, 12, 7, 9)))
        await Citizen(service, 71).script(*COMPLAINT)
    finally:
        await db.close()


def blocks(stdout: str) -> list[list[str]]:
    return [block.splitlines() for block in stdout.strip().split("\n\n") if block.strip()]


async def test_a_dry_run_prints_each_message_block_and_records_nothing(tmp_path, core):
    cwd = workdir(tmp_path)
    await a_lead_made_on_monday_7_december(cwd, core)

    dry = hotline(cwd, "supervise", "--at", "2026-12-20T09:00", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    printed = blocks(dry.stdout)
    assert [b[0] for b in printed] == [
        "→ 平遥县 (chat_id not configured)",
        "→ 晋中市局 (chat_id not configured)",
        "→ 平遥县 (chat_id not configured)",
        "→ 晋中市局 (chat_id not configured)",
    ]
    assert "已超期" in printed[0][1] and "<code>" not in dry.stdout and printed[1][-1] == "[督办] [查看线索]"
    assert "超期 6 个工作日" in printed[2][1]  # last day 10 December; 11 and 14–18 December worked
    assert "4 messages" in dry.stderr and "dry run" in dry.stderr

    real = hotline(cwd, "supervise", "--at", "2026-12-20T09:00+08:00")
    assert real.returncode == 0 and real.stdout == dry.stdout
    assert "queued" in real.stderr
    again = hotline(cwd, "supervise", "--at", "2026-12-20T01:30Z")
    assert again.returncode == 0 and again.stdout == "" and "nothing to send" in again.stderr


def test_a_moment_that_is_not_a_time_is_refused_plainly(tmp_path):
    out = hotline(workdir(tmp_path), "supervise", "--at", "next tuesday")
    assert out.returncode == 2 and "--at" in out.stderr and out.stdout == ""
