"""`hotline chat`: the same service in a terminal, on the embedded database, every role in one.

You are a citizen in chat 1. Staff messages are printed as each group would show them, with
their buttons as `#1`, `#2` …; pressing one acts as the officer you are playing: the city bureau's
by default, a county's after `/as 140728` (or `/as 平遥`), the city's again after `/as city`. A
prompt for words (a reason, a case number, the fine, the question for the citizen) and a citizen's
relayed message are answered with `> text`; `/leads`, `/lead JZ-…` and `/find …` are the group
commands. Nothing here reaches Telegram.
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
import re
import sys
from collections.abc import Callable
from typing import Any, TextIO

from bot.casework.desk import StaffPress, StaffReply
from bot.casework.lists import GROUP_COMMANDS, Viewer
from bot.composition import build_hotline
from bot.config import Config
from bot.dialogue.model import Evidence, Inbound, InboundKind, Reply
from bot.hotline import Hotline
from bot.intake import Incoming
from bot.notify.worker import OutboxWorker

CITIZEN_CHAT = 1
CONSOLE_CITY_STAFF = 1_000_000_001
CONSOLE_COUNTY_STAFF = 1_000_000_100
"""Plus the county's position in config.toml: one console officer per county."""


def console_config(config: Config) -> Config:
    """Staff chats the console can show (unconfigured ones get stand-in ids) and its officers."""
    counties = tuple(
        dataclasses.replace(
            q, chat_id=q.chat_id or -(1000 + n), staff_ids=(*q.staff_ids, CONSOLE_COUNTY_STAFF + n)
        )
        for n, q in enumerate(config.counties)
    )
    city = dataclasses.replace(
        config.city,
        chat_id=config.city.chat_id or -999,
        staff_ids=(*config.city.staff_ids, CONSOLE_CITY_STAFF),
    )
    return dataclasses.replace(config, counties=counties, city=city)


@dataclasses.dataclass(frozen=True)
class Shown:
    chat_id: int
    message_id: int
    data: str


class ConsoleSender:
    """Prints outbox messages; remembers their buttons for `#n` and what `>` answers."""

    def __init__(self, config: Config, out: TextIO) -> None:
        self.out = out
        self.names = {q.chat_id: q.name for q in (config.city, *config.counties)}
        self.buttons: list[Shown] = []
        self.citizen_choices: list[str] = []
        self.replyable: tuple[int, int] | None = None
        self.next_id = 1

    def _print(
        self,
        chat_id: int,
        message_id: int,
        title: str,
        text: str,
        html_text: bool,
        buttons: list[dict[str, Any]],
    ) -> None:
        plain = html.unescape(re.sub(r"<[^>]+>", "", text)) if html_text else text
        where = f"{self.names[chat_id]} 工作群" if chat_id in self.names else "给您的通知"
        print(f"\n──── {where} · {title} ────\n{plain}", file=self.out)
        for b in buttons:
            if chat_id in self.names:
                self.buttons.append(Shown(chat_id, message_id, str(b["data"])))
                print(f"  [#{len(self.buttons)}] {b['label']}", file=self.out)
            else:
                self.citizen_choices.append(str(b["data"]))
                print(f"  [{len(self.citizen_choices)}] {b['label']}", file=self.out)
        print("────", file=self.out)

    async def send(
        self, chat_id: int, text: str, html: bool, buttons: list[dict[str, Any]], force_reply: bool = False
    ) -> int:
        self.next_id += 1
        self._print(chat_id, self.next_id, "新消息", text, html, buttons)
        if chat_id in self.names and (force_reply or "回复本消息" in text):
            self.replyable = (chat_id, self.next_id)
            print("（以 > 开头输入文字即回复这条消息）", file=self.out)
        return self.next_id

    async def send_file(self, chat_id: int, file_id: str, kind: str, caption: str, html: bool = False) -> int:
        self.next_id += 1
        self._print(chat_id, self.next_id, f"文件 {file_id.removeprefix('console:')}", caption, html, [])
        return self.next_id

    async def edit(
        self, chat_id: int, message_id: int, text: str, html: bool, buttons: list[dict[str, Any]]
    ) -> None:
        self._print(chat_id, message_id, "卡片已更新", text, html, buttons)


def show(reply: Reply, out: TextIO, choices: list[str]) -> None:
    print(reply.text if not reply.html else html.unescape(re.sub(r"<[^>]+>", "", reply.text)), file=out)
    for row in reply.buttons:
        cells = []
        for button in row:
            choices.append(button.data)
            cells.append(f"[{len(choices)}] {button.label}")
        print("  " + "   ".join(cells), file=out)


HELP = (
    "控制台模式：您是市民，直接输入文字对话，输入数字按按钮，/file 文件名 模拟发送证据，/privacy 隐私说明。"
    "工作群的按钮用 #数字 按下，身份默认是市局工作人员；"
    "/as 140728（或 /as 平遥）改为县里的工作人员，/as city 改回市局。"
    "> 文字：回复最近一条提示或市民消息。/leads、/lead 编号、/find 关键词：工作群命令。/quit 退出。"
)


class Console:
    def __init__(self, hotline: Hotline, sender: ConsoleSender, out: TextIO) -> None:
        self.hotline, self.sender, self.out = hotline, sender, out
        self.acting = hotline.config.city

    @property
    def officer(self) -> tuple[int, str]:
        config = self.hotline.config
        if self.acting.code == config.city.code:
            return CONSOLE_CITY_STAFF, f"{config.city.name}（控制台）"
        n = [q.code for q in config.counties].index(self.acting.code)
        return CONSOLE_COUNTY_STAFF + n, f"{self.acting.name}（控制台）"

    def act_as(self, arg: str) -> str:
        config, arg = self.hotline.config, arg.strip()
        if arg.lower() in ("city", "市局", config.city.code):
            self.acting = config.city
        else:
            match = [q for q in config.counties if arg and (arg == q.code or q.name.startswith(arg))]
            if len(match) != 1:
                return "用法：/as 140728、/as 平遥 或 /as city"
            self.acting = match[0]
        return f"现在您是 {self.officer[1]}。"

    async def staff_line(self, line: str) -> str | None:
        """A staff line (#n, >, /as, /leads …); None when the line is the citizen's."""
        user_id, name = self.officer
        if line.startswith("#") and line[1:].isdigit() and 0 < int(line[1:]) <= len(self.sender.buttons):
            shown = self.sender.buttons[int(line[1:]) - 1]
            if shown.data.startswith(("ls:", "lo:")):
                return await self._list_press(shown.data)
            answer = await self.hotline.desk.press(
                StaffPress(shown.chat_id, shown.message_id, user_id, name, shown.data)
            )
            return f"（{answer.text}）" if answer.text else None
        if line.startswith(">") and self.sender.replyable is not None:
            chat_id, message_id = self.sender.replyable
            await self.hotline.desk.reply(StaffReply(chat_id, message_id, user_id, name, line[1:].strip()))
            return "（已回复）"
        if line.startswith("/as"):
            return self.act_as(line[3:])
        command, _, args = line.partition(" ")
        if command == "/report":
            return await self._report(args)
        if command.removeprefix("/") in GROUP_COMMANDS:
            viewer = self._viewer()
            self._show_staff(await self.hotline.lists.command(viewer, command.removeprefix("/"), args))
            return ""
        return None

    async def _report(self, args: str) -> str:
        """The summary here; the charts and the workbook as files in `[reports].output_dir`."""
        reports = self.hotline.reports
        period = reports.request(args, self._viewer().queue_code, self.hotline.cases.local_today())
        if isinstance(period, str):
            return period
        files = await reports.files(period)
        folder = self.hotline.config.path(self.hotline.config.reports.output_dir)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        stem = files.workbook_name.removesuffix(".xlsx")
        outputs = [(f"{stem}-{n}.png", png) for n, png in files.charts] + [
            (files.workbook_name, files.workbook)
        ]
        for name, data in outputs:
            (folder / name).write_bytes(data)
            written.append(str(folder / name))
        print(html.unescape(re.sub(r"<[^>]+>", "", files.text)), file=self.out)
        return "（图表和表格已保存：" + "、".join(written) + "）"

    def _viewer(self) -> Viewer:
        viewer = self.hotline.lists.viewer(self.acting.chat_id, self.officer[0])
        assert isinstance(viewer, Viewer), "console officers are staff of their queue by construction"
        return viewer

    async def _list_press(self, data: str) -> str:
        self._show_staff((await self.hotline.lists.press(self._viewer(), data))[0])
        return ""

    def _show_staff(self, reply: Reply) -> None:
        print(html.unescape(re.sub(r"<[^>]+>", "", reply.text)), file=self.out)
        for row in reply.buttons:
            cells = []
            for button in row:
                self.sender.buttons.append(Shown(self.acting.chat_id, 0, button.data))
                cells.append(f"[#{len(self.sender.buttons)}] {button.label}")
            print("  " + "   ".join(cells), file=self.out)


async def chat(config: Config, read: Callable[[], str | None], out: TextIO = sys.stdout) -> None:
    hotline: Hotline = build_hotline(console_config(config))
    await hotline.db.upgrade()
    sender = ConsoleSender(hotline.config, out)
    worker = OutboxWorker(hotline.db, sender, hotline.config.outbox)
    console = Console(hotline, sender, out)
    print(HELP, file=out)
    try:
        while (line := await asyncio.to_thread(read)) is not None:
            line = line.strip()
            if line in ("/quit", "/exit"):
                break
            said = await console.staff_line(line)
            if said is not None:
                if said:
                    print(said, file=out)
            else:
                choices = sender.citizen_choices
                inbound = _inbound(line, choices, hotline.clock())
                offered: list[str] = []
                for reply in await hotline.intake.handle(Incoming(CITIZEN_CHAT, inbound)):
                    show(reply, out, offered)
                if offered:
                    sender.citizen_choices[:] = offered
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
        name, _, args = line[1:].partition(" ")
        return Inbound.command(name, now, args)
    return Inbound.say(line, now)


def read_line() -> str | None:
    try:
        return input()
    except EOFError:
        return None
