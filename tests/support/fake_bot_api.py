"""A small Telegram Bot API server of our own, for driving the real python-telegram-bot over HTTP.

`FakeBotApi` is a *faithful subset* of https://core.telegram.org/bots/api: dates are unix seconds,
objects carry the fields the real API marks required, errors use the real status codes and
descriptions, and parameters are accepted as form fields (PTB's way: strings as-is, everything
else JSON-encoded), multipart, a JSON body or the query string.

    async with FakeBotApi() as server:
        alice = server.add_private_chat(1001, "Alice")
        app = ApplicationBuilder().token(server.token).base_url(server.base_url).build()
        ...
        await server.user_sends_text(alice.user_id, alice.chat_id, "/start")
        reply = await server.wait_for_message(alice.chat_id, "欢迎")

Deliberate strictness: in HTML mode a bare ``>`` or an ``&`` that starts no entity is rejected
(Telegram's docs require escaping them; the real parser tolerates them). Pass
``strict_html=False`` to be exactly as lenient as Telegram. MarkdownV2 is accepted unvalidated.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import web

JSON = dict[str, Any]
Predicate = Callable[["SentMessage"], bool] | str | None

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
})
_TAG_ENTITY = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
               "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
               "del": "strikethrough", "span": "spoiler", "tg-spoiler": "spoiler", "a": "text_link",
               "code": "code", "pre": "pre", "blockquote": "blockquote", "tg-emoji": "custom_emoji"}
_ATTR = r"""[a-zA-Z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?"""
_TAG_RE = re.compile(rf"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+{_ATTR})*)\s*>")
_ATTR_RE = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")
_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TOKEN_RE = re.compile(r"\d+:[\w-]+")
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")


class ApiError(Exception):
    """An error response: ``{"ok": false, "error_code": code, "description": ...}``."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(raw: str, *, strict: bool = True) -> tuple[str, list[JSON]]:
    """Parse Telegram-flavoured HTML into (plain text, entities), raising ApiError like the real API."""
    out: list[str] = []
    pos16 = 0  # UTF-16 offset of the end of `out`
    stack: list[tuple[str, int, JSON]] = []
    entities: list[JSON] = []

    def fail(reason: str, at: int) -> ApiError:
        return _bad(f"can't parse entities: {reason} at byte offset {len(raw[:at].encode())}")

    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "<":
            m = _TAG_RE.match(raw, i)
            if m is None:
                raise fail("Unclosed start tag", i)
            closing, name, attrs = m.group(1) == "/", m.group(2).lower(), m.group(3)
            if name not in _TAG_ENTITY:
                raise fail(f'Unsupported {"end" if closing else "start"} tag "{name}"', i)
            if closing:
                if attrs.strip():
                    raise fail("Unclosed end tag", i)
                if not stack:
                    raise fail("Unexpected end tag", i)
                open_name, start, fields = stack.pop()
                if open_name != name:
                    raise fail(f'Unmatched end tag, expected "</{open_name}>", found "</{name}>"', i)
                if name == "code" and stack and stack[-1][0] == "pre" and "language" in fields:
                    stack[-1][2]["language"] = fields.pop("language")
                elif pos16 > start:
                    kind = _TAG_ENTITY[name]
                    if name == "blockquote" and fields.pop("expandable", False):
                        kind = "expandable_blockquote"
                    entities.append({"type": kind, "offset": start, "length": pos16 - start, **fields})
            else:
                found = {a.group(1).lower(): a.group(2) or a.group(3) or a.group(4) or ""
                         for a in _ATTR_RE.finditer(attrs)}
                extra: JSON = {}
                if name == "span" and found.get("class") != "tg-spoiler":
                    raise fail('Tag "span" must have class "tg-spoiler"', i)
                if name == "a" and found.get("href"):
                    extra["url"] = found["href"]
                if name == "code" and found.get("class", "").startswith("language-"):
                    extra["language"] = found["class"].removeprefix("language-")
                if name == "tg-emoji":
                    if not found.get("emoji-id"):
                        raise fail('Tag "tg-emoji" must have attribute "emoji-id"', i)
                    extra["custom_emoji_id"] = found["emoji-id"]
                if name == "blockquote" and "expandable" in found:
                    extra["expandable"] = True
                stack.append((name, pos16, extra))
            i = m.end()
            continue
        if ch == "&" and (m := _ENTITY_RE.match(raw, i)):
            dec, hexa, named = m.groups()
            ch = _NAMED[named] if named else chr(int(dec) if dec else int(hexa, 16))
            i = m.end()
        else:
            if strict and ch in "&>":
                raise fail(f'Unescaped "{ch}" (write {"&amp;" if ch == "&" else "&gt;"})', i)
            i += 1
        out.append(ch)
        pos16 += utf16_len(ch)
    if stack:
        raise _bad(f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1][0]}\"")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


@dataclass
class FakeUser:
    id: int
    first_name: str
    language_code: str | None = "zh-hans"
    username: str | None = None
    last_name: str | None = None
    is_bot: bool = False

    def to_api(self) -> JSON:
        user: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if (value := getattr(self, key)) is not None:
                user[key] = value
        return user


@dataclass
class FakeChat:
    id: int
    type: str  # "private", "group" or "supergroup"
    title: str | None = None
    first_name: str | None = None
    username: str | None = None
    members: set[int] = field(default_factory=set)

    def to_api(self) -> JSON:
        chat: JSON = {"id": self.id, "type": self.type}
        for key in ("title", "first_name", "username"):
            if (value := getattr(self, key)) is not None:
                chat[key] = value
        return chat


@dataclass(frozen=True)
class PrivateChat:
    user: FakeUser
    chat: FakeChat

    @property
    def user_id(self) -> int:
        return self.user.id

    @property
    def chat_id(self) -> int:
        return self.chat.id


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes

    def to_api(self) -> JSON:
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                "file_size": len(self.content), "file_path": self.file_path}


@dataclass
class SentMessage:
    """A message the bot sent. ``text`` is the plain text (or caption) after entity parsing."""

    chat_id: int
    message_id: int
    date: int
    text: str | None
    raw_text: str | None
    parse_mode: str | None
    entities: list[JSON]
    reply_markup: JSON | None
    kind: str = "text"  # "text", "photo" or "document"
    media: Any = None  # the photo (list of PhotoSize) or document object
    reply_to_message_id: int | None = None
    edits: int = 0
    edit_date: int | None = None
    deleted: bool = False
    history: list[tuple[str | None, JSON | None]] = field(default_factory=list)  # (raw_text, markup)

    @property
    def buttons(self) -> list[JSON]:
        """The inline keyboard's buttons, flattened row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]


class _Params:
    """Request parameters; form values of non-string types arrive JSON-encoded (PTB's encoding)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def get_str(self, name: str, required: bool = False) -> str | None:
        value = self.data.get(name)
        if value is None and required:
            raise _bad(f"{name} is empty")
        return None if value is None else str(value)

    def get_json(self, name: str) -> Any:
        value = self.data.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def get_int(self, name: str, required: bool = False) -> int | None:
        value = self.get_json(name)
        if value is None or value == "":
            if required:
                raise _bad(f"{name} is empty")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _bad(f"invalid {name} specified")
        return int(value)

    def get_bool(self, name: str) -> bool:
        return self.get_json(name) in (True, "true", "True", 1)


class FakeBotApi:
    """An in-process Bot API server on 127.0.0.1 (ephemeral port). No global state."""

    def __init__(self, token: str = "123:ABC", *, bot_username: str = "hotline_test_bot",
                 bot_first_name: str = "Hotline Bot", strict_html: bool = True) -> None:
        self.token = token
        self.strict_html = strict_html
        self.bot_user = FakeUser(int(token.split(":")[0]), bot_first_name, None, bot_username, is_bot=True)
        self.calls: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.callback_answers: list[JSON] = []
        self.chat_actions: list[tuple[int, str]] = []
        self._users: dict[int, FakeUser] = {}
        self._chats: dict[int, FakeChat] = {}
        self._records: defaultdict[int, list[SentMessage]] = defaultdict(list)
        self._sent: dict[tuple[int, int], SentMessage] = {}
        self._inbox: dict[tuple[int, int], JSON] = {}  # messages users sent
        self._last_message_id: Counter[int] = Counter()
        self._files: dict[str, StoredFile] = {}
        self._file_seq = itertools.count(1)
        self._update_seq = itertools.count(100_001)
        self._query_seq = itertools.count(4_200_000_000_000_000_001)
        self._updates: dict[int, JSON] = {}  # every update ever queued, for redeliver()
        self._queue: list[JSON] = []
        self._redeliveries: list[JSON] = []
        self._allowed_updates: list[str] = []
        self._open_queries: dict[str, JSON] = {}
        self._failures: defaultdict[str, list[ApiError]] = defaultdict(list)
        self._cursor: Counter[int] = Counter()
        self._edit_cursor: Counter[tuple[int, int]] = Counter()
        self._poll_generation = 0
        self._closing = False
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        methods: dict[str, Callable[[_Params], Awaitable[Any]]] = {
            "getMe": self._get_me, "getUpdates": self._get_updates, "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info, "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text, "deleteMessage": self._delete_message,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query, "sendChatAction": self._send_chat_action,
            "getFile": self._get_file, "sendPhoto": self._send_photo, "sendDocument": self._send_document,
        }
        for name in ("setMyCommands", "deleteMyCommands", "setMyDescription", "setMyShortDescription",
                     "close", "logOut"):
            methods[name] = self._true
        self._methods = {name.lower(): (name, handler) for name, handler in methods.items()}

    # ---------------------------------------------------------------- lifecycle
    async def start(self) -> Self:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        """Stop serving; pending long polls return [] at once."""
        self._closing = True
        await self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """The prefix for PTB's ``base_url``: PTB appends the token, then ``/method``."""
        if self._port is None:
            raise RuntimeError("FakeBotApi is not started")
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        return self.base_url.removesuffix("/bot") + "/file/bot"

    # ---------------------------------------------------------------- users and chats
    def add_private_chat(self, user_id: int, first_name: str, language_code: str | None = "zh-hans",
                         username: str | None = None) -> PrivateChat:
        user = self._users.setdefault(user_id, FakeUser(user_id, first_name, language_code, username))
        chat = FakeChat(user_id, "private", first_name=first_name, username=username, members={user_id})
        self._chats[user_id] = chat
        return PrivateChat(user, chat)

    def add_group(self, chat_id: int, title: str, *, supergroup: bool = False) -> FakeChat:
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        chat = FakeChat(chat_id, "supergroup" if supergroup else "group", title=title)
        self._chats[chat_id] = chat
        return chat

    def add_member(self, chat_id: int, user_id: int, first_name: str | None = None,
                   language_code: str | None = "zh-hans") -> FakeUser:
        new_user = FakeUser(user_id, first_name or f"User{user_id}", language_code)
        user = self._users.setdefault(user_id, new_user)
        self._chats[chat_id].members.add(user_id)
        return user

    # ---------------------------------------------------------------- what users do
    async def user_sends_text(self, user_id: int, chat_id: int, text: str) -> int:
        """Queue a text message; a leading /command gets its ``bot_command`` entity. Returns update_id."""
        content: JSON = {"text": text}
        if m := _COMMAND_RE.match(text):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(m.group())}]
        return await self._enqueue({"message": self._user_message(user_id, chat_id, content)})

    async def user_replies(self, user_id: int, chat_id: int, reply_to_message_id: int, text: str) -> int:
        """Queue a text message that replies to a bot message (as after a ForceReply). Returns update_id."""
        replied = self._sent.get((chat_id, reply_to_message_id))
        if replied is None:
            raise LookupError(f"no bot message {reply_to_message_id} in chat {chat_id}")
        content: JSON = {"text": text, "reply_to_message": self._message_json(replied)}
        return await self._enqueue({"message": self._user_message(user_id, chat_id, content)})

    async def user_sends_photo(self, user_id: int, chat_id: int, caption: str | None = None,
                               content: bytes = b"\xff\xd8fake-jpeg") -> int:
        sizes = []
        for width, height, blob in ((90, 68, content[:32]), (1280, 960, content)):
            f = self._new_file("photos", "jpg", blob)
            sizes.append({"file_id": f.file_id, "file_unique_id": f.file_unique_id,
                          "width": width, "height": height, "file_size": len(blob)})
        body: JSON = {"photo": sizes, **({"caption": caption} if caption else {})}
        return await self._enqueue({"message": self._user_message(user_id, chat_id, body)})

    async def user_sends_document(self, user_id: int, chat_id: int, file_name: str = "evidence.pdf",
                                  mime_type: str = "application/pdf", caption: str | None = None,
                                  content: bytes = b"%PDF-1.4 fake") -> int:
        f = self._new_file("documents", file_name.rsplit(".", 1)[-1], content)
        document = {"file_id": f.file_id, "file_unique_id": f.file_unique_id, "file_name": file_name,
                    "mime_type": mime_type, "file_size": len(content)}
        body: JSON = {"document": document, **({"caption": caption} if caption else {})}
        return await self._enqueue({"message": self._user_message(user_id, chat_id, body)})

    async def user_presses(self, user_id: int, chat_id: int, message_id: int, callback_data: str,
                           *, forge: bool = False) -> str:
        """Queue a callback_query for a button of a bot message. Returns the callback query id.

        Raises LookupError for data not on the message's current keyboard unless ``forge=True``.
        """
        rec = self._sent.get((chat_id, message_id))
        if rec is None or rec.deleted:
            raise LookupError(f"no bot message {message_id} in chat {chat_id}")
        if not forge and callback_data not in rec.callback_data:
            raise LookupError(f"{callback_data!r} is not on the keyboard of message {message_id}: "
                              f"{rec.callback_data}")
        query_id = str(next(self._query_seq))
        query = {"id": query_id, "from": self._member(user_id, chat_id).to_api(),
                 "message": self._message_json(rec), "chat_instance": str(-(abs(chat_id) * 7_919 + 13)),
                 "data": callback_data}
        self._open_queries[query_id] = query
        await self._enqueue({"callback_query": query})
        return query_id

    async def redeliver(self, update_id: int) -> None:
        """Deliver an update once more although a getUpdates offset already confirmed it.

        Telegram's delivery is at-least-once (e.g. after a crash between handling and confirming),
        so bots must be idempotent per update_id; this simulates such a duplicate. The next
        getUpdates returns it regardless of its offset; it is then forgotten again.
        """
        update = self._updates[update_id]
        if update not in self._queue and update not in self._redeliveries:
            self._redeliveries.append(update)
        await self._notify()

    def fail_next(self, method: str, error_code: int = 429, retry_after: int = 1,
                  description: str | None = None) -> None:
        """Make the next call of ``method`` fail; 429 carries ``parameters.retry_after``."""
        name = self._methods[method.lower()][0]
        default = {429: f"Too Many Requests: retry after {retry_after}", 400: "Bad Request: test failure",
                   403: "Forbidden: bot was blocked by the user", 409: "Conflict: test failure"}
        parameters = {"retry_after": retry_after} if error_code == 429 else None
        self._failures[name].append(ApiError(error_code, description or default.get(error_code, "Error"),
                                             parameters))

    # ---------------------------------------------------------------- what the bot did
    def messages(self, chat_id: int) -> list[SentMessage]:
        return list(self._records[chat_id])

    @property
    def pending_updates(self) -> int:
        return len(self._queue) + len(self._redeliveries)

    async def wait_for_message(self, chat_id: int, predicate: Predicate = None,
                               timeout: float = 10.0) -> SentMessage:
        """Wait for the next bot message in the chat after the one the previous call returned.

        ``predicate`` is a callable on the record or a substring of its plain text; earlier
        non-matching messages are skipped by the per-chat cursor.
        """
        match = _as_predicate(predicate)

        def scan() -> SentMessage | None:
            records = self._records[chat_id]
            for index in range(self._cursor[chat_id], len(records)):
                if match(records[index]):
                    self._cursor[chat_id] = index + 1
                    return records[index]
            return None

        return await self._wait(scan, timeout, f"bot message matching {predicate!r}", chat_id)

    async def wait_for_edit(self, chat_id: int, message_id: int, predicate: Predicate = None,
                            timeout: float = 10.0) -> SentMessage:
        """Wait until the message has an edit not seen by a previous call and matches ``predicate``."""
        match, key = _as_predicate(predicate), (chat_id, message_id)

        def scan() -> SentMessage | None:
            rec = self._sent.get(key)
            if rec is not None and rec.edits > self._edit_cursor[key] and match(rec):
                self._edit_cursor[key] = rec.edits
                return rec
            return None

        return await self._wait(scan, timeout, f"edit of #{message_id} matching {predicate!r}", chat_id)

    async def _wait(self, scan: Callable[[], SentMessage | None], timeout: float, what: str,
                    chat_id: int) -> SentMessage:
        found: SentMessage | None = None

        def check() -> bool:
            nonlocal found
            found = scan()
            return found is not None

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(check), timeout)
            except TimeoutError:
                recent = "\n".join(f"  #{r.message_id} (edits={r.edits}) {r.text!r} buttons={r.callback_data}"
                                   for r in self._records[chat_id][-8:]) or "  (none)"
                raise TimeoutError(f"no {what} within {timeout}s; recent bot messages:\n{recent}") from None
        assert found is not None
        return found

    # ---------------------------------------------------------------- internals
    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _enqueue(self, payload: JSON) -> int:
        update_id = next(self._update_seq)
        update = {"update_id": update_id, **payload}
        self._updates[update_id] = update
        self._queue.append(update)
        await self._notify()
        return update_id

    def _member(self, user_id: int, chat_id: int) -> FakeUser:
        chat, user = self._chats.get(chat_id), self._users.get(user_id)
        if chat is None or user is None or user_id not in chat.members:
            raise LookupError(f"user {user_id} is not a member of a known chat {chat_id}")
        return user

    def _user_message(self, user_id: int, chat_id: int, content: JSON) -> JSON:
        user = self._member(user_id, chat_id)
        self._last_message_id[chat_id] += 1
        message = {"message_id": self._last_message_id[chat_id], "from": user.to_api(),
                   "chat": self._chats[chat_id].to_api(), "date": int(time.time()), **content}
        self._inbox[(chat_id, message["message_id"])] = message
        return message

    def _new_file(self, folder: str, extension: str, content: bytes) -> StoredFile:
        n = next(self._file_seq)
        f = StoredFile(f"AgACAgUAAxkBAAF{n:08d}", f"AQAD{n:06d}", f"{folder}/file_{n}.{extension}", content)
        self._files[f.file_id] = f
        return f

    def _message_json(self, rec: SentMessage) -> JSON:
        message: JSON = {"message_id": rec.message_id, "from": self.bot_user.to_api(),
                         "chat": self._chats[rec.chat_id].to_api(), "date": rec.date}
        if rec.edit_date is not None:
            message["edit_date"] = rec.edit_date
        if rec.reply_to_message_id is not None:
            replied = self._sent.get((rec.chat_id, rec.reply_to_message_id))
            message["reply_to_message"] = (self._message_json(replied) if replied
                                           else self._inbox[(rec.chat_id, rec.reply_to_message_id)])
        text_key, entities_key = "text", "entities"
        if rec.kind != "text":
            message[rec.kind], text_key, entities_key = rec.media, "caption", "caption_entities"
        if rec.text:
            message[text_key] = rec.text
        if rec.entities:
            message[entities_key] = rec.entities
        if rec.reply_markup and "inline_keyboard" in rec.reply_markup:
            message["reply_markup"] = rec.reply_markup  # the API echoes inline keyboards only
        return message

    async def _handle(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"].lower()
        if not _TOKEN_RE.fullmatch(token):
            return _error(ApiError(404, "Not Found"))
        if token != self.token:
            return _error(ApiError(401, "Unauthorized"))
        if method not in self._methods:
            return _error(ApiError(404, "Not Found: method not found"))
        name, handler = self._methods[method]
        self.calls[name] += 1
        try:
            params = _Params(await _read_params(request))
            self.requests.append((name, params.data))
            if self._failures[name]:
                raise self._failures[name].pop(0)
            result = await handler(params)
        except ApiError as exc:
            return _error(exc)
        return web.json_response({"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        f = next((f for f in self._files.values() if f.file_path == path), None)
        if request.match_info["token"] != self.token or f is None:
            return _error(ApiError(404, "Not Found"))
        return web.Response(body=f.content)

    def _chat(self, params: _Params) -> FakeChat:
        chat = self._chats.get(params.get_int("chat_id", required=True) or 0)
        if chat is None:
            raise _bad("chat not found")
        return chat

    def _render(self, raw: str, parse_mode: str | None, entities: Any) -> tuple[str, list[JSON]]:
        mode = (parse_mode or "").lower()
        if mode == "html":
            return parse_html(raw, strict=self.strict_html)
        if mode in ("", "markdown", "markdownv2"):
            return raw, list(entities or [])
        raise _bad(f"unsupported parse_mode {parse_mode!r}")

    @staticmethod
    def _markup(params: _Params) -> JSON | None:
        markup = params.get_json("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    raise _bad("BUTTON_TEXT_INVALID")
                if set(button) == {"text"}:
                    raise _bad("text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise _bad("BUTTON_DATA_INVALID")
        return markup

    def _store(self, chat: FakeChat, params: _Params, rec: SentMessage) -> JSON:
        reply_to = params.get_int("reply_to_message_id")
        if (parameters := params.get_json("reply_parameters")) is not None:
            reply_to = parameters.get("message_id") if isinstance(parameters, dict) else None
        replied = (chat.id, reply_to or 0)
        if reply_to is not None and replied not in self._inbox and replied not in self._sent:
            raise _bad("message to be replied not found")
        self._last_message_id[chat.id] += 1
        rec.message_id, rec.reply_to_message_id = self._last_message_id[chat.id], reply_to
        self._records[chat.id].append(rec)
        self._sent[(chat.id, rec.message_id)] = rec
        return self._message_json(rec)

    def _editable(self, params: _Params) -> SentMessage:
        if params.get_str("inline_message_id") is not None:
            raise _bad("MESSAGE_ID_INVALID")
        key = (self._chat(params).id, params.get_int("message_id", required=True) or 0)
        if key in self._inbox:
            raise _bad("message can't be edited")
        rec = self._sent.get(key)
        if rec is None or rec.deleted:
            raise _bad("message to edit not found")
        return rec

    # ---------------------------------------------------------------- Bot API methods
    async def _true(self, params: _Params) -> bool:
        return True

    async def _get_me(self, params: _Params) -> JSON:
        return {**self.bot_user.to_api(), "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False}

    async def _delete_webhook(self, params: _Params) -> bool:
        if params.get_bool("drop_pending_updates"):
            self._queue.clear()
            self._redeliveries.clear()
        return True

    async def _get_webhook_info(self, params: _Params) -> JSON:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": self.pending_updates}

    async def _get_updates(self, params: _Params) -> list[JSON]:
        offset, limit = params.get_int("offset"), min(max(params.get_int("limit") or 100, 1), 100)
        timeout = max(float(params.get_json("timeout") or 0), 0.0)
        if (allowed := params.get_json("allowed_updates")) is not None:
            self._allowed_updates = list(allowed)
        self._poll_generation += 1
        generation, deadline = self._poll_generation, asyncio.get_running_loop().time() + timeout
        async with self._changed:
            self._changed.notify_all()  # an older long poll still waiting is now terminated
            while True:
                if generation != self._poll_generation:
                    raise ApiError(409, "Conflict: terminated by other getUpdates request; "
                                        "make sure that only one bot instance is running")
                if offset is not None:
                    self._queue = [u for u in self._queue if u["update_id"] >= offset] if offset >= 0 \
                        else self._queue[offset:]
                if self._allowed_updates:
                    self._queue = [u for u in self._queue if any(k in self._allowed_updates for k in u)]
                batch = self._redeliveries[:limit]
                del self._redeliveries[:limit]
                batch += self._queue[: limit - len(batch)]
                remaining = deadline - asyncio.get_running_loop().time()
                if batch or self._closing or remaining <= 0:
                    return batch
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)

    async def _send_message(self, params: _Params) -> JSON:
        chat, raw = self._chat(params), params.get_str("text") or ""
        parse_mode = params.get_str("parse_mode")
        text, entities = self._render(raw, parse_mode, params.get_json("entities"))
        if not text.strip():
            raise _bad("message text is empty")
        if len(text) > 4096:
            raise _bad("message is too long")
        rec = SentMessage(chat.id, 0, int(time.time()), text, raw, parse_mode, entities, self._markup(params))
        result = self._store(chat, params, rec)
        await self._notify()
        return result

    async def _send_media(self, params: _Params, kind: str) -> JSON:
        chat, value = self._chat(params), params.data.get(kind)
        if isinstance(value, web.FileField):
            f = self._new_file(f"{kind}s", value.filename.rsplit(".", 1)[-1], value.file.read())
        elif isinstance(value, str) and value in self._files:
            f = self._files[value]
        else:
            raise _bad("wrong file identifier/HTTP URL specified")
        media: Any = {"file_id": f.file_id, "file_unique_id": f.file_unique_id, "file_size": len(f.content)}
        media = [{**media, "width": 1280, "height": 960}] if kind == "photo" else {
            **media, "file_name": f.file_path.rsplit("/", 1)[-1]}
        raw, parse_mode = params.get_str("caption"), params.get_str("parse_mode")
        caption, entities = (None, []) if not raw else self._render(
            raw, parse_mode, params.get_json("caption_entities"))
        if caption and len(caption) > 1024:
            raise _bad("message caption is too long")
        rec = SentMessage(chat.id, 0, int(time.time()), caption, raw, parse_mode, entities,
                          self._markup(params), kind, media)
        result = self._store(chat, params, rec)
        await self._notify()
        return result

    async def _send_photo(self, params: _Params) -> JSON:
        return await self._send_media(params, "photo")

    async def _send_document(self, params: _Params) -> JSON:
        return await self._send_media(params, "document")

    async def _edit(self, rec: SentMessage, raw: str | None, text: str | None, entities: list[JSON],
                    parse_mode: str | None, markup: JSON | None) -> JSON:
        if (text, entities, markup) == (rec.text, rec.entities, rec.reply_markup):
            raise _bad(NOT_MODIFIED)
        rec.history.append((rec.raw_text, rec.reply_markup))
        rec.text, rec.raw_text, rec.entities = text, raw, entities
        rec.parse_mode, rec.reply_markup = parse_mode, markup
        rec.edits, rec.edit_date = rec.edits + 1, int(time.time())
        await self._notify()
        return self._message_json(rec)

    async def _edit_message_text(self, params: _Params) -> JSON:
        rec, raw = self._editable(params), params.get_str("text") or ""
        parse_mode = params.get_str("parse_mode")
        if rec.kind != "text":
            raise _bad("there is no text in the message to edit")
        text, entities = self._render(raw, parse_mode, params.get_json("entities"))
        if not text.strip():
            raise _bad("message text is empty")
        if len(text) > 4096:
            raise _bad("MESSAGE_TOO_LONG")
        # Like the real API, omitting reply_markup removes the inline keyboard.
        return await self._edit(rec, raw, text, entities, parse_mode, self._markup(params))

    async def _edit_message_reply_markup(self, params: _Params) -> JSON:
        rec = self._editable(params)
        markup = self._markup(params)
        return await self._edit(rec, rec.raw_text, rec.text, rec.entities, rec.parse_mode, markup)

    async def _delete_message(self, params: _Params) -> bool:
        key = (self._chat(params).id, params.get_int("message_id", required=True) or 0)
        rec = self._sent.get(key)
        if rec is None or rec.deleted:
            raise _bad("message to delete not found")
        rec.deleted = True
        await self._notify()
        return True

    async def _answer_callback_query(self, params: _Params) -> bool:
        query_id = params.get_str("callback_query_id", required=True) or ""
        text = params.get_str("text")
        if text is not None and len(text) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        query = self._open_queries.pop(query_id, None)
        if query is None:
            raise _bad(QUERY_TOO_OLD)
        self.callback_answers.append({
            "callback_query_id": query_id, "data": query["data"], "text": text,
            "show_alert": params.get_bool("show_alert"), "url": params.get_str("url"),
        })
        await self._notify()
        return True

    async def _send_chat_action(self, params: _Params) -> bool:
        chat, action = self._chat(params), params.get_str("action", required=True)
        if action not in CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self.chat_actions.append((chat.id, action))
        return True

    async def _get_file(self, params: _Params) -> JSON:
        f = self._files.get(params.get_str("file_id", required=True) or "")
        if f is None:
            raise _bad("invalid file_id")
        return f.to_api()


def _as_predicate(predicate: Predicate) -> Callable[[SentMessage], bool]:
    if predicate is None:
        return lambda rec: True
    if isinstance(predicate, str):
        needle = predicate
        return lambda rec: needle in (rec.text or "")
    return predicate


async def _read_params(request: web.Request) -> dict[str, Any]:
    data: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise _bad("JSON body must be an object")
            data.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            data.update((await request.post()).items())
    return data


def _error(exc: ApiError) -> web.Response:
    body: JSON = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.parameters:
        body["parameters"] = exc.parameters
    return web.json_response(body, status=exc.code)
