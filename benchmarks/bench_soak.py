"""A soak: the real `hotline run` (polling, SQLite) against the loopback Bot API, new complaints
arriving at a steady rate for minutes, with Telegram's group limit in force (one message per
group every 3.5 s, waiting new-lead cards merged).

    python benchmarks/bench_soak.py [--minutes 10] [--per-second 2]

Prints, for the city group (which hears of every lead) and the county group, how far behind the
lead's submission its card or merged notice arrived (median, P95, max), how many messages each
group received and the shortest gap between them, the conversations finished, and the bot's RSS
at the start, each minute and the end. Lag needs no baseline run: it is measured against each
submission's own time.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import (  # noqa: E402
    CITY_CHAT,
    CITY_STAFF,
    COMPLAINT,
    PINGYAO_CHAT,
    PINGYAO_STAFF,
    TOKEN,
    Chat,
    HotlineBotApi,
    complain,
    running_bot,
)

TRACKING = re.compile(r"JZ-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def lags(server: HotlineBotApi, chat_id: int, submitted: dict[str, float]) -> tuple[list[float], list[float]]:
    first_seen: dict[str, float] = {}
    times = []
    for m in server.messages(chat_id):
        at = server.arrived.get((chat_id, m.message_id))
        if at is None:
            continue
        times.append(at)
        for tracking in TRACKING.findall(m.text or ""):
            first_seen.setdefault(tracking, at)
    found = [first_seen[t] - submitted[t] for t in submitted if t in first_seen]
    gaps = [b - a for a, b in zip(sorted(times), sorted(times)[1:], strict=False)]
    return found, gaps


def describe(name: str, found: list[float], gaps: list[float], total: int, messages: int) -> str:
    if not found:
        return f"{name}: nothing arrived"
    q = statistics.quantiles(found, n=20)[-1] if len(found) > 1 else found[0]
    return (
        f"{name}: {len(found)}/{total} leads announced in {messages} messages; lag median "
        f"{statistics.median(found):.1f} s, P95 {q:.1f} s, max {max(found):.1f} s; "
        f"shortest gap between messages {min(gaps, default=0):.2f} s"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--per-second", type=float, default=2.0)
    args = parser.parse_args()
    submitted: dict[str, float] = {}
    samples: list[int] = []
    failures = 0
    async with HotlineBotApi(token=TOKEN) as server:
        server.add_group(CITY_CHAT, "晋中市局 12330 工作群")
        server.add_member(CITY_CHAT, CITY_STAFF, "李主任")
        server.add_group(PINGYAO_CHAT, "平遥县 12330 工作群")
        server.add_member(PINGYAO_CHAT, PINGYAO_STAFF, "王科长")
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp)
            async with running_bot(server, tmp_path, tmp_path / "jieba") as bot:
                text = bot.config_path.read_text(encoding="utf-8")
                text = re.sub(r"(?m)^group_interval_seconds = .*$", "group_interval_seconds = 3.5", text)
                text = re.sub(r"(?m)^merge_at = .*$", "merge_at = 3", text)
                bot.config_path.write_text(text, encoding="utf-8")
                await bot.stop()
                await bot.start()
                assert bot.proc is not None
                rss_start = rss_kib(bot.proc.pid)

                async def one(n: int) -> None:
                    nonlocal failures
                    chat = server.add_private_chat(100_000 + n, f"市民{n}")
                    try:
                        tracking = await complain(Chat(server, chat.user_id, chat.chat_id), opening=COMPLAINT)
                        submitted[tracking] = time.monotonic()
                    except (AssertionError, TimeoutError):
                        failures += 1

                async def sample() -> None:
                    while True:
                        await asyncio.sleep(60)
                        samples.append(rss_kib(bot.proc.pid) if bot.proc else 0)

                sampler = asyncio.create_task(sample())
                started, tasks, n = time.monotonic(), [], 0
                while time.monotonic() - started < args.minutes * 60:
                    tasks.append(asyncio.create_task(one(n)))
                    n += 1
                    await asyncio.sleep(1 / args.per_second)
                await asyncio.gather(*tasks)
                await asyncio.sleep(10)
                sampler.cancel()
                rss_end = rss_kib(bot.proc.pid)
        for name, chat_id in (("city group", CITY_CHAT), ("county group", PINGYAO_CHAT)):
            found, gaps = lags(server, chat_id, submitted)
            print(describe(name, found, gaps, len(submitted), len(server.messages(chat_id))))
    print(f"complaints started {n} over {args.minutes:g} min, finished {len(submitted)}, failed {failures}")
    print(
        f"bot RSS: {rss_start / 1024:.0f} MiB at the start, {rss_end / 1024:.0f} MiB at the end "
        f"(+{(rss_end - rss_start) / 1024:.0f} MiB); each minute: "
        + ", ".join(f"{k / 1024:.0f}" for k in samples)
    )


if __name__ == "__main__":
    asyncio.run(main())
