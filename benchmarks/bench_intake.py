"""Complete complaint conversations per second, and one message's round trip over HTTP.

    python benchmarks/bench_intake.py [--conversations 200] [--round-trips 50]

1. The same complaint (nine messages and presses, ending in a lead, its history and two staff
   notifications) driven through dialogue and storage on SQLite in one process, against the
   dialogue alone (no database) over the same scripts in the same run: the ratio is what the
   storage costs.
2. The real python-telegram-bot application polling our loopback Bot API server
   (tests/support/fake_bot_api.py): the time from a user's message being queued to the bot's reply
   arriving, against a bare getMe request to the same server from the same process.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.composition import build_hotline  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.dialogue.model import Conversation, Inbound  # noqa: E402
from bot.intake import Incoming  # noqa: E402
from bot.leads.db import Database  # noqa: E402

SCRIPT = (
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


def inbound(step: str, now: datetime) -> Inbound:
    return Inbound.press(step[1:], now) if step.startswith("!") else Inbound.say(step, now)


async def conversations(count: int, workdir: Path) -> None:
    config = load_config(ROOT / "config.toml")
    config = dataclasses.replace(config, city=dataclasses.replace(config.city, chat_id=-1))
    db = Database(f"sqlite+aiosqlite:///{workdir / 'bench.db'}")
    hotline = build_hotline(config, db=db)
    await db.upgrade()
    dialogue, understand = hotline.intake.dialogue, hotline.core.understander.understand
    now = hotline.clock()

    start = time.perf_counter()
    for _ in range(count):
        conv = Conversation()
        for step in SCRIPT:
            message = inbound(step, now)
            u = understand(step) if not step.startswith("!") else None
            conv = dialogue.step(conv, message, u).conversation
    alone = count / (time.perf_counter() - start)

    update = 0
    start = time.perf_counter()
    for chat in range(1, count + 1):
        for step in SCRIPT:
            update += 1
            await hotline.intake.handle(Incoming(chat, inbound(step, now), update))
    stored = count / (time.perf_counter() - start)
    await db.close()
    print(f"dialogue alone:            {alone:8.1f} conversations/s")
    print(f"dialogue + SQLite storage: {stored:8.1f} conversations/s  (ratio {alone / stored:.2f}; "
          f"{stored * len(SCRIPT):.0f} messages/s)")


async def round_trips(count: int, workdir: Path) -> None:
    import aiohttp

    from bot.composition import build_application
    from tests.support.fake_bot_api import FakeBotApi

    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    async with FakeBotApi() as server:
        text = text.replace('url = "sqlite+aiosqlite:///var/hotline.db"',
                            f'url = "sqlite+aiosqlite:///{workdir / "rt.db"}"')
        text = text.replace('base_url = "https://api.telegram.org/bot"', f'base_url = "{server.base_url}"')
        path = workdir / "config.toml"
        path.write_text(text, encoding="utf-8")
        config = load_config(path)
        app = build_application(config, server.token)
        citizen = server.add_private_chat(7001, "张三")
        async with app:
            if app.post_init is not None:
                await app.post_init(app)  # migrations and the outbox worker, as run_polling does
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=10)
            async with aiohttp.ClientSession() as http:
                bare = []
                for _ in range(count):
                    start = time.perf_counter()
                    async with http.get(f"{server.base_url}{server.token}/getMe") as response:
                        await response.json()
                    bare.append(time.perf_counter() - start)
            trips = []
            for _ in range(count):
                start = time.perf_counter()
                await server.user_sends_text(citizen.user_id, citizen.chat_id, "外观设计专利保护几年？")
                await server.wait_for_message(citizen.chat_id, timeout=10)
                trips.append(time.perf_counter() - start)
            await app.updater.stop()
            await app.stop()
            if app.post_shutdown is not None:
                await app.post_shutdown(app)
    median, bare_median = statistics.median(trips), statistics.median(bare)
    p95 = sorted(trips)[int(0.95 * (len(trips) - 1))]
    print(f"bare getMe over HTTP:      median {bare_median * 1000:6.1f} ms")
    print(f"message → reply over HTTP: median {median * 1000:6.1f} ms, p95 {p95 * 1000:.1f} ms "
          f"(ratio {median / bare_median:.1f} to a bare request)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--round-trips", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(conversations(args.conversations, Path(tmp)))
        asyncio.run(round_trips(args.round_trips, Path(tmp)))


if __name__ == "__main__":
    main()
