"""`hotline chat`: the same conversation in a terminal, on the embedded database.

You are a citizen in chat 1. Staff notifications are printed as the staff chat would show them,
with their buttons as choices `#1`, `#2` …; pressing one acts as a city-bureau staff member (the
console's own user, added to the city's staff for this session only). Nothing here reaches Telegram.
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
import re
import sys
from collections.abc import Callable
from typing import Any, TextIO

from bot.composition import Hotline, build_hotline
from bot.config import Config
from bot.dialogue.model import Evidence, Inbound, InboundKind, Reply
from bot.intake import Incoming
from bot.notify.worker import OutboxWorker

CITIZEN_CHAT = 1
CONSOLE_STAFF_ID = 1_000_000_001
CONSOLE_STAFF_NAME = "控制台工作人员"


def console_config(config: Config) -> Config:
    """Staff chats the console can show (unconfigured ones get stand-in ids) and its own staff user."""
    counties = tuple(
        dataclasses.replace(q, chat_id=q.chat_id or -(1000 + n)) for n, q in enumerate(config.counties)
    )
    city = dataclasses.replace(
        config.city, chat_id=config.city.chat_id or -999, staff_ids=(*config.city.staff_ids, CONSOLE_STAFF_ID)
    )
    return dataclasses.replace(config, counties=counties, city=city)


class ConsoleSender:
    """Prints outbox messages; remembers their buttons for `#n`."""

    def __init__(self, config: Config, out: TextIO) -> None:
        self.out = out
        self.names = {q.chat_id: q.name for q in (config.city, *config.counties)}
        self.buttons: list[str] = []
        self.next_id = 1

    def _print(
        self, chat_id: int, title: str, text: str, html_text: bool, buttons: list[dict[str, Any]]
    ) -> None:
        plain = html.unescape(re.sub(r"<[^>]+>", "", text)) if html_text else text
        where = f"{self.names[chat_id]} 工作群" if chat_id in self.names else "给您的通知"
        print(f"\n──── {where} · {title} ────\n{plain}", file=self.out)
        for b in buttons:
            self.buttons.append(str(b["data"]))
            print(f"  [#{len(self.buttons)}] {b['label']}", file=self.out)
        print("────", file=self.out)

    async def send(self, chat_id: int, text: str, html: bool, buttons: list[dict[str, Any]]) -> int:
        self._print(chat_id, "新消息", text, html, buttons)
        self.next_id += 1
        return self.next_id

    async def edit(
        self, chat_id: int, message_id: int, text: str, html: bool, buttons: list[dict[str, Any]]
    ) -> None:
        self._print(chat_id, "消息已更新", text, html, buttons)


def show(reply: Reply, out: TextIO, choices: list[str]) -> None:
    print(reply.text, file=out)
    for row in reply.buttons:
        cells = []
        for button in row:
            choices.append(button.data)
            cells.append(f"[{len(choices)}] {button.label}")
        print("  " + "   ".join(cells), file=out)


HELP = (
    "控制台模式：您是市民。直接输入文字对话；输入数字按按钮；输入 #数字 以市局工作人员身份按通知上的按钮；"
    "/file 文件名 模拟发送证据；/quit 退出。"
)


async def chat(config: Config, read: Callable[[], str | None], out: TextIO = sys.stdout) -> None:
    hotline: Hotline = build_hotline(console_config(config))
    await hotline.db.upgrade()
    sender = ConsoleSender(hotline.config, out)
    worker = OutboxWorker(hotline.db, sender, hotline.config.outbox)
    print(HELP, file=out)
    choices: list[str] = []
    try:
        while (line := await asyncio.to_thread(read)) is not None:
            line = line.strip()
            if line in ("/quit", "/exit"):
                break
            if line.startswith("#") and line[1:].isdigit() and 0 < int(line[1:]) <= len(sender.buttons):
                data = sender.buttons[int(line[1:]) - 1]
                answer = await hotline.intake.accept(
                    None, data.split(":", 1)[-1], CONSOLE_STAFF_ID, CONSOLE_STAFF_NAME
                )
                print(f"（{answer}）", file=out)
            else:
                inbound = _inbound(line, choices, hotline.clock())
                offered: list[str] = []
                for reply in await hotline.intake.handle(Incoming(CITIZEN_CHAT, inbound)):
                    show(reply, out, offered)
                choices = offered or choices
            await worker.drain()
            print("> ", end="", file=out, flush=True)
    finally:
        await hotline.db.close()


def _inbound(line: str, choices: list[str], now: Any) -> Inbound:
    if line.isdigit() and 0 < int(line) <= len(choices):
        return Inbound.press(choices[int(line) - 1], now)
    if line.startswith("/file"):
        name = line[5:].strip() or "evidence.jpg"
        return Inbound(InboundKind.FILE, now, "", Evidence(f"console:{name}", "document", name))
    if line.startswith("/") and len(line) > 1:
        return Inbound.command(line[1:].split()[0], now)
    return Inbound.say(line, now)


def read_line() -> str | None:
    try:
        return input()
    except EOFError:
        return None
