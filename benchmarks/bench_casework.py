"""Staff steps per second through the desk on SQLite, against a citizen's message in the same run.

    python benchmarks/bench_casework.py [--leads 200]

Each lead is submitted, its cards "sent" (an in-memory sender gives them message ids), then worked:
受理 (a press), 立案 (a press, a prompt, a reply that generates the case number), 结案 (a press and a
pick). A step is one transaction: lock the lead, check the press, decide from the table, write the
lead and its event, re-render the card for each chat and queue the edits and the citizen's notice.
The baseline is the same database serving a citizen's `/help` (lock the conversation, step it,
save it), so the ratio is what a staff step costs over the cheapest stored message.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.casework.desk import StaffPress, StaffReply  # noqa: E402
from bot.composition import build_hotline  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.dialogue.model import Inbound  # noqa: E402
from bot.intake import Incoming  # noqa: E402
from bot.leads.db import Database  # noqa: E402
from bot.notify.worker import OutboxWorker  # noqa: E402

COUNTY_CHAT, CITY_CHAT, COUNTY_STAFF = -728, -700, 728
SCRIPT = (
    "举报假冒专利：平遥县城一家超市卖的保温杯标着专利号，其实根本没有专利",
    "保温杯",
    "杯身上印着专利产品字样和一个专利号",
    "!skip:evidence",
    "!set:contact:anonymous",
    "!submit",
)


class Sink:
    """Stands in for Telegram: every message gets an id, and is kept for finding buttons."""

    def __init__(self) -> None:
        self.messages: list[tuple[int, int, str, list[dict[str, Any]]]] = []

    async def send(
        self, chat_id: int, text: str, html: bool, buttons: list[dict[str, Any]], force_reply: bool = False
    ) -> int:
        self.messages.append((chat_id, len(self.messages) + 1, text, buttons))
        return len(self.messages)

    async def send_file(self, chat_id: int, file_id: str, kind: str, caption: str, html: bool = False) -> int:
        return await self.send(chat_id, caption, html, [])

    async def edit(
        self, chat_id: int, message_id: int, text: str, html: bool, buttons: list[dict[str, Any]]
    ) -> None:
        self.messages[message_id - 1] = (chat_id, message_id, text, buttons)

    def button(self, chat_id: int, tracking: str, label: str) -> tuple[int, str]:
        for chat, message_id, text, buttons in reversed(self.messages):
            if chat == chat_id and tracking in text:
                for b in buttons:
                    if b["label"] == label:
                        return message_id, str(b["data"])
        raise LookupError(label)

    def last(self, chat_id: int) -> tuple[int, list[dict[str, Any]]]:
        _, message_id, _, buttons = next(m for m in reversed(self.messages) if m[0] == chat_id)
        return message_id, buttons


async def run(count: int, workdir: Path) -> None:
    config = load_config(ROOT / "config.toml")
    counties = tuple(
        dataclasses.replace(q, chat_id=COUNTY_CHAT, staff_ids=(COUNTY_STAFF,)) if q.code == "140728" else q
        for q in config.counties
    )
    config = dataclasses.replace(
        config, counties=counties, city=dataclasses.replace(config.city, chat_id=CITY_CHAT)
    )
    db = Database(f"sqlite+aiosqlite:///{workdir / 'bench.db'}")
    hotline = build_hotline(config, db=db)
    await db.upgrade()
    sink = Sink()
    worker = OutboxWorker(db, sink, config.outbox)
    update = 0

    def next_update() -> int:
        nonlocal update
        update += 1
        return update

    trackings = []
    for chat in range(1, count + 1):
        for step in SCRIPT:
            message = (
                Inbound.press(step[1:], hotline.clock())
                if step.startswith("!")
                else Inbound.say(step, hotline.clock())
            )
            replies = await hotline.intake.handle(Incoming(chat, message, next_update()))
        trackings.append(next(r.text for r in replies if "JZ-" in r.text).split("线索编号是 ")[1][:12])
    await worker.drain()

    start = time.perf_counter()
    for chat in range(1, count + 1):
        await hotline.intake.handle(Incoming(chat, Inbound.command("help", hotline.clock()), next_update()))
    baseline = count / (time.perf_counter() - start)

    elapsed = 0.0

    async def timed(step: Any) -> None:
        """One staff step, timed; then the outbox drained (untimed), as the worker would."""
        nonlocal elapsed
        start = time.perf_counter()
        await step
        elapsed += time.perf_counter() - start
        await worker.drain()

    def press(tracking: str, label: str) -> Any:
        message_id, data = sink.button(COUNTY_CHAT, tracking, label)
        return hotline.desk.press(
            StaffPress(COUNTY_CHAT, message_id, COUNTY_STAFF, "王科长", data, next_update())
        )

    for tracking in trackings:
        await timed(press(tracking, "受理"))
        await timed(press(tracking, "立案"))
        prompt_id, _ = sink.last(COUNTY_CHAT)
        await timed(
            hotline.desk.reply(StaffReply(COUNTY_CHAT, prompt_id, COUNTY_STAFF, "王科长", "0", next_update()))
        )
        await timed(press(tracking, "结案"))
        pick_id, buttons = sink.last(COUNTY_CHAT)
        data = next(str(b["data"]) for b in buttons if b["label"] == "不构成假冒专利")
        await timed(
            hotline.desk.press(StaffPress(COUNTY_CHAT, pick_id, COUNTY_STAFF, "王科长", data, next_update()))
        )
    steps = 5 * len(trackings)
    await db.close()
    rate = steps / elapsed
    print(f"citizen /help, stored:         {baseline:8.1f} messages/s")
    print(
        f"staff presses and replies:     {rate:8.1f} steps/s  (ratio {baseline / rate:.2f} to a /help; "
        f"{count / elapsed:.1f} leads from 受理 to 结案 per second)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(args.leads, Path(tmp)))


if __name__ == "__main__":
    main()
