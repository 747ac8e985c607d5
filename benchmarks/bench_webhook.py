"""Webhook mode on PostgreSQL: messages per second and the latency from an update's delivery to
the reply's arrival, with 1, 2 and 4 `hotline serve` workers, against a bare python-telegram-bot
echo bot (its own webhook server, one process) on the same machine in the same run.

    HOTLINE_TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test \\
        python benchmarks/bench_webhook.py [--citizens 50] [--messages 6] [--workers 1 2 4]

Our loopback Bot API server (tests/e2e/webhook_support.py) pushes each update to the webhook with
the secret header, one chat's updates in order as Telegram does. `citizens` chats at once each ask
`messages` patent-law questions, waiting for each answer (FAQ search, the conversation row, the
outbox, then the send). The latency runs from the moment the update is queued for delivery to the
moment the reply reaches the Bot API server. Each run gets a fresh database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import Chat  # noqa: E402
from tests.e2e.webhook_support import (  # noqa: E402
    PG_URL,
    SECRET,
    ServeProcess,
    WebhookBotApi,
    free_port,
    fresh_postgres,
    serve_config,
)

QUESTIONS = (
    "假冒专利怎么处罚",
    "专利保护期多长",
    "实用新型专利要实质审查吗",
    "怎么申请专利",
    "专利侵权找谁投诉",
)
ECHO_BOT = """
import sys
from telegram import Update
from telegram.ext import Application, MessageHandler, filters

async def echo(update: Update, context) -> None:
    await update.effective_message.reply_text(update.effective_message.text)

port, base_url, token, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
app = Application.builder().token(token).base_url(base_url).concurrent_updates(True).build()
app.add_handler(MessageHandler(filters.TEXT, echo))
app.run_webhook(listen="127.0.0.1", port=port, url_path="telegram", secret_token=secret,
                webhook_url=f"http://127.0.0.1:{port}/telegram")
"""


class BenchBotApi(WebhookBotApi):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._methods["setwebhook"] = ("setWebhook", self._true)


async def load(server: BenchBotApi, citizens: int, messages: int, first_id: int) -> tuple[float, list[float]]:
    chats = []
    for n in range(citizens):
        private = server.add_private_chat(first_id + n, "市民")
        chats.append(Chat(server, private.user_id, private.chat_id))
    latencies: list[float] = []

    async def talk(n: int, chat: Chat) -> None:
        for m in range(messages):
            sent = time.monotonic()
            await chat.say(QUESTIONS[(n + m) % len(QUESTIONS)])
            reply = await chat.next(timeout=120)
            arrived = server.arrived.get((chat.chat_id, reply.message_id), time.monotonic())
            latencies.append(arrived - sent)

    started = time.monotonic()
    await asyncio.gather(*(talk(n, chat) for n, chat in enumerate(chats)))
    return time.monotonic() - started, latencies


def figures(name: str, elapsed: float, latencies: list[float]) -> tuple[float, float, float]:
    rate = len(latencies) / elapsed
    cuts = statistics.quantiles(latencies, n=100)
    p50, p95 = cuts[49] * 1000, cuts[94] * 1000
    print(f"{name:<28} {len(latencies):>6} {rate:>9.1f} {p50:>9.0f} {p95:>9.0f}")
    return rate, p50, p95


async def hotline_run(
    workers: int, args: argparse.Namespace, workdir: Path, first_id: int
) -> tuple[float, ...]:
    cache = workdir / "jieba"
    cache.mkdir(exist_ok=True)
    async with BenchBotApi(connections=40, token="123:ABC") as server, fresh_postgres() as db_url:
        run_dir = workdir / f"w{workers}"
        run_dir.mkdir()
        config = serve_config(run_dir, server, cache, db_url, staff_chats=False)
        text = config.read_text(encoding="utf-8").replace(
            "\nhandlers = 4\n", f"\nhandlers = {args.handlers}\n"
        )
        config.write_text(text, encoding="utf-8")
        serve = ServeProcess(server, config, db_url, run_dir / "serve.log", workers=workers)
        await serve.start()
        try:
            elapsed, latencies = await load(server, args.citizens, args.messages, first_id)
        finally:
            await serve.stop()
    return figures(f"hotline serve, {workers} worker{'s' if workers > 1 else ''}", elapsed, latencies)


async def echo_run(args: argparse.Namespace, first_id: int) -> tuple[float, ...]:
    async with BenchBotApi(connections=40, token="123:ABC") as server:
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-c", ECHO_BOT, str(port), server.base_url, server.token, SECRET],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while server.calls["setWebhook"] == 0 and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
            server.webhook_url = f"http://127.0.0.1:{port}/telegram"
            elapsed, latencies = await load(server, args.citizens, args.messages, first_id)
        finally:
            proc.terminate()
            proc.wait(10)
    return figures("bare PTB echo (webhook)", elapsed, latencies)


async def main_async(args: argparse.Namespace) -> None:
    print(f"{args.citizens} citizens at once x {args.messages} questions each; {os.cpu_count()} CPUs")
    print(f"{'':<28} {'msgs':>6} {'msg/s':>9} {'p50 ms':>9} {'p95 ms':>9}")
    echo = await echo_run(args, 10_000)
    with tempfile.TemporaryDirectory() as tmp:
        ours = {w: await hotline_run(w, args, Path(tmp), 20_000 + 1000 * w) for w in args.workers}
    print()
    for workers, (rate, p50, p95) in ours.items():
        print(
            f"{workers} worker(s) / echo: throughput {rate / echo[0]:.2f}x, "
            f"p50 {p50 / echo[1]:.1f}x, p95 {p95 / echo[2]:.1f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--citizens", type=int, default=50)
    parser.add_argument("--messages", type=int, default=6)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--handlers", type=int, default=16, help="updates a worker handles at once")
    args = parser.parse_args()
    if not PG_URL:
        sys.exit("set HOTLINE_TEST_DATABASE_URL to a PostgreSQL database (several workers need it)")
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
