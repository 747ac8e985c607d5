"""End-to-end harness: the real `hotline run` process against our own Bot API server.

Every test gets a fresh `FakeBotApi`, a config file pointing at it and at a fresh SQLite database,
and a `BotProcess` that starts `python -m bot.cli --config … run` and waits for its first
getUpdates. The process's log goes to a file whose tail is printed when a test fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import signal
import sys
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bot.config import load_config
from bot.dialogue.texts import load_texts
from bot.leads.models import LeadRow, OutboxRow
from tests.support.fake_bot_api import ApiError, FakeBotApi, SentMessage

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123:ABC"
START_TIMEOUT = 40.0
POLL_SECONDS = 0.2

CITIZEN = 5001
CITY_CHAT = -100140700
PINGYAO_CHAT = -100140728
CITY_STAFF = 8001
PINGYAO_STAFF = 7001
PINGYAO_BYSTANDER = 7002  # a member of the 平遥县 group who is not in its staff_ids
PINGYAO_STAFF_NAME = "王科长"

TRACKING = re.compile(r"JZ-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")

PRESS = "press:"
PHOTO = "<photo>"
"""Answer values for `fill_form`: `press:<callback data>`, PHOTO (send one, then 完成), or text."""

COMPLAINT = "平遥县宏达机械厂仿造我们公司的专利产品脱粒机，专利号ZL201710601862.3，我是专利权人"
ANSWERS: dict[str, str] = {
    "flow": PRESS + "flow:infringement",
    "respondent": "平遥县宏达机械厂",
    "county": PRESS + "set:county:140728",
    "product": "脱粒机",
    "patents": "ZL201710601862.3",
    "standing": PRESS + "set:standing:patentee",
    "name": "张三",
    "phone": "13912345678",
    "found_at": PRESS + "skip:found_at",
    "evidence": PRESS + "skip:evidence",
}


# ------------------------------------------------------------------------------------ the server
class HotlineBotApi(FakeBotApi):
    """FakeBotApi plus two things these tests need: when each sendMessage was attempted (and how
    it ended), and 429s for one chat only, as Telegram gives a group that gets too many messages."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.attempts: defaultdict[int, list[tuple[float, int]]] = defaultdict(list)
        """chat id → [(monotonic time, 200 or error code)] of each sendMessage to the chat (not those
        refused by the base class's fail_next(), which it answers before this method runs)."""
        self.arrived: dict[tuple[int, int], float] = {}
        """(chat id, message id) → monotonic time the message was stored."""
        self._chat_failures: defaultdict[int, list[ApiError]] = defaultdict(list)
        self._flaky: tuple[float, random.Random] | None = None

    def flaky(self, rate: float, seed: int = 12330) -> None:
        """From now on, refuse about `rate` of all sendMessage calls, before storing anything, with
        500 Internal Server Error or 429 (retry after 1 s), as a Bot API in trouble does."""
        self._flaky = (rate, random.Random(seed))

    def fail_next_in_chat(self, chat_id: int, times: int = 1, retry_after: int = 1) -> None:
        for _ in range(times):
            self._chat_failures[chat_id].append(
                ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})
            )

    async def _send_message(self, params: Any) -> Any:
        chat_id, now = params.get_int("chat_id") or 0, time.monotonic()
        if self._flaky is not None and self._flaky[1].random() < self._flaky[0]:
            code = self._flaky[1].choice((500, 429))
            self.attempts[chat_id].append((now, code))
            if code == 429:
                raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
            raise ApiError(500, "Internal Server Error")
        if self._chat_failures[chat_id]:
            self.attempts[chat_id].append((now, 429))
            raise self._chat_failures[chat_id].pop(0)
        try:
            result = await super()._send_message(params)
        except ApiError as exc:
            self.attempts[chat_id].append((now, exc.code))
            raise
        self.attempts[chat_id].append((now, 200))
        self.arrived[(chat_id, result["message_id"])] = now
        return result


# ------------------------------------------------------------------------------------ waiting
async def until(condition: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not true within {timeout}s")
        await asyncio.sleep(0.02)


PROBE = 9009


async def processed_so_far(server: FakeBotApi, timeout: float = 10.0) -> None:
    """Returns once every update queued before the call has been handled: a probe user in a chat
    of their own sends /help, and the bot handles updates one at a time, in order (PTB's default),
    so its answer comes after everything queued earlier."""
    server.add_private_chat(PROBE, "探针")  # idempotent
    before = len(server.messages(PROBE))
    await server.user_sends_text(PROBE, PROBE, "/help")
    await until(lambda: len(server.messages(PROBE)) > before, timeout, "the probe's /help answer")


# ------------------------------------------------------------------------------------ config
def _replace_once(text: str, pattern: str, replacement: str) -> str:
    new, count = re.subn(pattern, lambda _m: replacement, text, flags=re.MULTILINE)
    if count != 1:
        raise AssertionError(f"config.toml changed: {pattern!r} matched {count} times")
    return new


def _set_queue(text: str, code: str, chat_id: int, staff_ids: tuple[int, ...]) -> str:
    """Sets chat_id and staff_ids of the table (the [city] or a [[counties]] entry) with this code."""
    pattern = rf'(^code = "{code}"\n(?:(?!\[).*\n)*?)chat_id = -?\d+\nstaff_ids = \[[^\]]*\]'
    new, count = re.subn(
        pattern,
        lambda m: f"{m.group(1)}chat_id = {chat_id}\nstaff_ids = [{', '.join(map(str, staff_ids))}]",
        text,
        flags=re.MULTILINE,
    )
    if count != 1:
        raise AssertionError(f"config.toml changed: queue {code} matched {count} times")
    return new


def write_config(path: Path, base_url: str, db_path: Path, cache_dir: Path) -> Path:
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text = _replace_once(
        text, r'^url = "sqlite\+aiosqlite:///var/hotline\.db"$', f'url = "sqlite+aiosqlite:///{db_path}"'
    )
    text = _replace_once(text, r'^base_url = "https://api\.telegram\.org/bot"$', f'base_url = "{base_url}"')
    text = _replace_once(text, r'^cache_dir = ".*"$', f'cache_dir = "{cache_dir}"')
    text = _replace_once(text, r"^poll_seconds = .*$", f"poll_seconds = {POLL_SECONDS}")
    text = _replace_once(text, r"^claim_timeout_seconds = .*$", "claim_timeout_seconds = 3.0")
    # the group pace stays on, short, so that the tests' dozens of group messages take no minutes;
    # merging is tried in tests/integration/test_outbox_pacing.py
    text = _replace_once(text, r"^group_interval_seconds = .*$", "group_interval_seconds = 0.05")
    text = _replace_once(text, r"^merge_at = .*$", "merge_at = 1000")
    text = _replace_once(text, r"^backoff_max_seconds = .*$", "backoff_max_seconds = 1.0")
    # no supervision rounds: their morning digest depends on the hour the test runs
    text = _replace_once(text, r"^round_seconds = .*$", "round_seconds = 0")
    text = _set_queue(text, "140700", CITY_CHAT, (CITY_STAFF,))
    text = _set_queue(text, "140728", PINGYAO_CHAT, (PINGYAO_STAFF,))
    path.write_text(text, encoding="utf-8")
    config = load_config(path)  # fails here, naming the key, if the substitutions broke the file
    assert config.queues["140728"].staff_ids == (PINGYAO_STAFF,)
    assert config.city.chat_id == CITY_CHAT
    return path


# ------------------------------------------------------------------------------------ the process
@dataclass
class BotProcess:
    server: FakeBotApi
    config_path: Path
    db_path: Path
    log_path: Path
    proc: asyncio.subprocess.Process | None = None
    starts: int = 0
    _log: IO[bytes] | None = field(default=None, repr=False)

    async def start(self) -> None:
        assert self.proc is None or self.proc.returncode is not None, "already running"
        before = self.server.calls["getUpdates"]
        env = {k: v for k, v in os.environ.items() if k != "HOTLINE_CONFIG"}
        env.update(HOTLINE_BOT_TOKEN=self.server.token, PYTHONUNBUFFERED="1")
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()/kill()
        self._log.write(f"\n===== start #{self.starts + 1} =====\n".encode())
        self._log.flush()
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "--config",
            str(self.config_path),
            "run",
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
        )
        self.starts += 1
        proc = self.proc
        try:
            await until(
                lambda: self.server.calls["getUpdates"] > before or proc.returncode is not None,
                START_TIMEOUT,
                "the bot's first getUpdates",
            )
        except TimeoutError:
            raise AssertionError(f"the bot did not start polling:\n{self.log_tail()}") from None
        if proc.returncode is not None:
            raise AssertionError(f"the bot exited with {proc.returncode}:\n{self.log_tail()}")

    async def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as after a crash or an OOM kill."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
            await self.proc.wait()
        self._close_log()

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 10)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def log_errors(self) -> list[str]:
        """Lines the application logged at ERROR, and tracebacks."""
        return [line for line in self.log().splitlines() if " ERROR " in line or line.startswith("Traceback")]

    # ---- the database, read through the application's own models (sync driver, read only)
    def _query(self, statement: Any) -> list[Any]:
        engine = create_engine(f"sqlite:///{self.db_path}")
        try:
            with Session(engine) as session:
                return list(session.scalars(statement))
        finally:
            engine.dispose()

    def leads(self) -> list[LeadRow]:
        return self._query(select(LeadRow).order_by(LeadRow.id))

    def outbox(self) -> list[OutboxRow]:
        return self._query(select(OutboxRow).order_by(OutboxRow.id))

    async def settle(self, timeout: float = 15.0) -> None:
        """Until the outbox has nothing left to send, then a few more worker polls."""

        def idle() -> bool:
            return all(row.status in ("sent", "failed", "in_doubt", "merged") for row in self.outbox())

        await until(idle, timeout, "the outbox to drain")
        await asyncio.sleep(3 * POLL_SECONDS)


# ------------------------------------------------------------------------------------ a chat
class Chat:
    """One Telegram chat as a user sees it."""

    def __init__(self, server: FakeBotApi, user_id: int, chat_id: int, patience: float = 10.0) -> None:
        self.server, self.user_id, self.chat_id = server, user_id, chat_id
        self.patience = patience
        """Seconds to wait for the bot's next message when a call gives none."""

    async def say(self, text: str) -> int:
        return await self.server.user_sends_text(self.user_id, self.chat_id, text)

    async def photo(self, caption: str | None = None) -> int:
        return await self.server.user_sends_photo(self.user_id, self.chat_id, caption=caption)

    def messages(self) -> list[SentMessage]:
        return self.server.messages(self.chat_id)

    def with_button(self, data: str) -> SentMessage:
        for message in reversed(self.messages()):
            if data in message.callback_data:
                return message
        raise AssertionError(f"no message in chat {self.chat_id} offers {data!r}: {self.transcript()}")

    async def press(self, data: str, message: SentMessage | None = None, *, forge: bool = False) -> str:
        message = message or (self.messages()[-1] if forge else self.with_button(data))
        return await self.server.user_presses(
            self.user_id, self.chat_id, message.message_id, data, forge=forge
        )

    async def next(self, predicate: Any = None, timeout: float | None = None) -> SentMessage:
        return await self.server.wait_for_message(self.chat_id, predicate, timeout or self.patience)

    def transcript(self) -> str:
        return "\n".join(f"  #{m.message_id} {m.text!r} {m.callback_data}" for m in self.messages()[-12:])


def update_id_of_query(server: FakeBotApi, query_id: str) -> int:
    """The update that carried a callback query (the fake returns only the query's id)."""
    for update_id, update in server._updates.items():  # no public accessor in FakeBotApi
        if update.get("callback_query", {}).get("id") == query_id:
            return update_id
    raise LookupError(query_id)


async def callback_answer(server: FakeBotApi, query_id: str, timeout: float = 10.0) -> dict[str, Any]:
    def found() -> dict[str, Any] | None:
        return next((a for a in server.callback_answers if a["callback_query_id"] == query_id), None)

    await until(lambda: found() is not None, timeout, f"an answer to callback query {query_id}")
    answer = found()
    assert answer is not None
    return answer


# ------------------------------------------------------------------------------------ forms
def _questions() -> dict[str, str]:
    """Each question text the bot asks (both languages) → the field it asks for."""
    texts = load_texts()
    questions: dict[str, str] = {}
    for language in ("zh", "en"):
        for key in texts.keys("zh"):
            if key.startswith("ask."):
                questions[texts.get(key, language)] = key.rsplit(".", 1)[1]
        questions[texts.get("flow.choose", language)] = "flow"
    return questions


QUESTIONS = _questions()


def is_question_or_summary(message: SentMessage) -> bool:
    return message.text in QUESTIONS or "submit" in message.callback_data


async def answer(chat: Chat, question: SentMessage, name: str, value: str) -> int | str:
    """Answers one question; returns the update id (text) or the callback query id (press)."""
    if value.startswith(PRESS):
        return await chat.press(value.removeprefix(PRESS), question)
    if value == PHOTO:
        await chat.photo()
        await chat.next(lambda m: bool(m.text and ("已收到证据" in m.text or "Evidence received" in m.text)))
        return await chat.press("done:evidence", question)
    return await chat.say(value)


async def fill_form(
    chat: Chat, answers: dict[str, str], *, stop_at: str | None = None, max_steps: int = 20
) -> tuple[SentMessage, list[str]]:
    """Answers whatever the bot asks from `answers` until the summary (with 提交) or the question
    for `stop_at`, which is left unanswered. Returns that message and the fields asked, in order.
    A field not in `answers` is skipped if it can be; anything else fails with the transcript."""
    asked: list[str] = []
    for _ in range(max_steps):
        message = await chat.next(is_question_or_summary)
        if "submit" in message.callback_data:
            if stop_at is not None:
                raise AssertionError(f"reached the summary, {stop_at} never asked; asked {asked}")
            return message, asked
        name = QUESTIONS[message.text or ""]
        if name == stop_at:
            return message, asked
        if asked and asked[-1] == name:
            raise AssertionError(f"{name} asked again after answering it:\n{chat.transcript()}")
        asked.append(name)
        value = answers.get(name)
        if value is None and f"skip:{name}" in message.callback_data:
            value = PRESS + f"skip:{name}"
        if value is None:
            raise AssertionError(f"unexpected question for {name}:\n{chat.transcript()}")
        await answer(chat, message, name, value)
    raise AssertionError(f"no summary after {max_steps} questions: {asked}")


async def submit(chat: Chat, summary: SentMessage) -> str:
    """Presses 提交 and returns the tracking number of the reply."""
    await chat.press("submit", summary)
    reply = await chat.next(lambda m: bool(TRACKING.search(m.text or "")))
    match = TRACKING.search(reply.text or "")
    assert match is not None
    return match.group()


async def complain(chat: Chat, answers: dict[str, str] | None = None, opening: str = COMPLAINT) -> str:
    """A whole complaint, from the first message to the tracking number."""
    await chat.say(opening)
    summary, _ = await fill_form(chat, answers or ANSWERS)
    return await submit(chat, summary)


def notifications(server: FakeBotApi, chat_id: int, tracking: str) -> list[SentMessage]:
    return [m for m in server.messages(chat_id) if tracking in (m.text or "")]


# ------------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="session")
def jieba_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("jieba-cache")


def add_staff_groups(api: FakeBotApi, bystander: bool = True) -> None:
    """The city's and Pingyao's staff groups of the e2e config, each with its staff member (and in
    Pingyao's, a member who is not staff)."""
    api.add_group(CITY_CHAT, "晋中市局 12330 工作群")
    api.add_member(CITY_CHAT, CITY_STAFF, "李主任")
    api.add_group(PINGYAO_CHAT, "平遥县 12330 工作群")
    api.add_member(PINGYAO_CHAT, PINGYAO_STAFF, PINGYAO_STAFF_NAME)
    if bystander:
        api.add_member(PINGYAO_CHAT, PINGYAO_BYSTANDER, "路人甲")


@pytest.fixture
async def server() -> AsyncIterator[HotlineBotApi]:
    async with HotlineBotApi(token=TOKEN) as api:
        add_staff_groups(api)
        yield api


@pytest.fixture
def citizen(server: FakeBotApi) -> Chat:
    private = server.add_private_chat(CITIZEN, "张三")
    return Chat(server, private.user_id, private.chat_id)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failing test's report carries the tail of the bot's log."""
    report = yield
    process = getattr(item, "funcargs", {}).get("bot")
    if report.failed and isinstance(process, BotProcess):
        report.sections.append((f"bot log ({process.log_path})", process.log_tail(80)))
    return report


@contextlib.asynccontextmanager
async def running_bot(
    server: FakeBotApi, tmp_path: Path, jieba_cache: Path, queues: tuple[tuple[str, int, int], ...] = ()
) -> AsyncIterator[BotProcess]:
    """`hotline run` on a fresh config and database; `queues`: more (code, chat id, staff id) to staff."""
    db_path = tmp_path / "hotline.db"
    config_path = write_config(tmp_path / "config.toml", server.base_url, db_path, jieba_cache)
    text = config_path.read_text(encoding="utf-8")
    for code, chat_id, staff_id in queues:
        text = _set_queue(text, code, chat_id, (staff_id,))
    config_path.write_text(text, encoding="utf-8")
    process = BotProcess(server, config_path, db_path, tmp_path / "bot.log")
    try:
        await process.start()
        yield process
    finally:
        await process.stop()


@pytest.fixture
async def bot(server: FakeBotApi, tmp_path: Path, jieba_cache: Path) -> AsyncIterator[BotProcess]:
    async with running_bot(server, tmp_path, jieba_cache) as process:
        yield process
