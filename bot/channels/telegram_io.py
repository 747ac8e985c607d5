"""Between Telegram's objects and the core's: updates to `Inbound`, replies to messages, and the
outbox's `Sender` port on top of python-telegram-bot's Bot."""

from __future__ import annotations

import datetime as dtm
from typing import Any

from telegram import Bot, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter

from bot.dialogue.model import Evidence, Inbound, InboundKind, Reply
from bot.notify.outbox import chunks
from bot.notify.sender import RetryLater, Undeliverable

TEXT_LIMIT = MessageLimit.MAX_TEXT_LENGTH
CAPTION_LIMIT = MessageLimit.CAPTION_LENGTH


def inbound_of(message: Message, now: dtm.datetime) -> Inbound:
    if message.photo:
        largest = message.photo[-1]
        return Inbound(
            InboundKind.FILE,
            now,
            message.caption or "",
            Evidence(largest.file_id, "photo", message.caption or "", largest.file_size),
        )
    if message.document:
        doc = message.document
        return Inbound(
            InboundKind.FILE,
            now,
            message.caption or "",
            Evidence(doc.file_id, "document", doc.file_name or "", doc.file_size),
        )
    if message.video:
        video = message.video
        return Inbound(InboundKind.FILE, now, "", Evidence(video.file_id, "video", "", video.file_size))
    text = message.text or message.caption or ""
    command = command_of(text)
    if command is not None:
        return Inbound.command(command[0], now, command[1])
    return Inbound.say(text, now)


def command_of(text: str) -> tuple[str, str] | None:
    """`/name@bot args` → (name, args); None when the text is not a command."""
    if not text.startswith("/"):
        return None
    words = text[1:].split(maxsplit=1)
    if not words:
        return "", ""
    return words[0].split("@", 1)[0].lower(), words[1] if len(words) > 1 else ""


class TelegramFetcher:
    """Evidence files through getFile: the bytes of a file a user sent."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def fetch(self, file_id: str) -> bytes:
        file = await self.bot.get_file(file_id)
        return bytes(await file.download_as_bytearray())


def keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def reply_keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    return keyboard([[(b.label, b.data) for b in row] for row in reply.buttons])


def outbox_keyboard(buttons: list[dict[str, Any]]) -> InlineKeyboardMarkup | None:
    rows: dict[int, list[tuple[str, str]]] = {}
    for b in buttons:
        rows.setdefault(int(b.get("row", 0)), []).append((str(b["label"]), str(b["data"])))
    return keyboard([rows[n] for n in sorted(rows)])


async def send_reply(bot: Bot, chat_id: int, reply: Reply) -> None:
    parts = chunks(reply.text, TEXT_LIMIT)
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        await bot.send_message(
            chat_id,
            part,
            parse_mode=ParseMode.HTML if reply.html else None,
            reply_markup=reply_keyboard(reply) if last else None,
        )


def _seconds(value: int | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


class TelegramSender:
    """The outbox's port: Telegram's errors turned into retry-later or undeliverable."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(
        self, chat_id: int, text: str, html: bool, buttons: list[dict[str, Any]], force_reply: bool = False
    ) -> int:
        markup = ForceReply(selective=True) if force_reply else outbox_keyboard(buttons)
        try:
            message = await self.bot.send_message(
                chat_id,
                text[:TEXT_LIMIT],
                parse_mode=ParseMode.HTML if html else None,
                reply_markup=markup,
            )
        except RetryAfter as exc:
            raise RetryLater(_seconds(exc.retry_after), str(exc)) from exc
        except (Forbidden, BadRequest) as exc:
            raise Undeliverable(str(exc)) from exc
        return message.message_id

    async def send_file(self, chat_id: int, file_id: str, kind: str, caption: str, html: bool = False) -> int:
        mode = ParseMode.HTML if html else None
        try:
            if kind == "video":
                message = await self.bot.send_video(
                    chat_id, file_id, caption=caption[:CAPTION_LIMIT], parse_mode=mode
                )
            elif kind == "photo":
                message = await self.bot.send_photo(
                    chat_id, file_id, caption=caption[:CAPTION_LIMIT], parse_mode=mode
                )
            else:
                message = await self.bot.send_document(
                    chat_id, file_id, caption=caption[:CAPTION_LIMIT], parse_mode=mode
                )
        except RetryAfter as exc:
            raise RetryLater(_seconds(exc.retry_after), str(exc)) from exc
        except (Forbidden, BadRequest) as exc:
            raise Undeliverable(str(exc)) from exc
        return message.message_id

    async def edit(
        self, chat_id: int, message_id: int, text: str, html: bool, buttons: list[dict[str, Any]]
    ) -> None:
        try:
            await self.bot.edit_message_text(
                text[:TEXT_LIMIT],
                chat_id,
                message_id,
                parse_mode=ParseMode.HTML if html else None,
                reply_markup=outbox_keyboard(buttons),
            )
        except RetryAfter as exc:
            raise RetryLater(_seconds(exc.retry_after), str(exc)) from exc
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            raise Undeliverable(str(exc)) from exc
        except Forbidden as exc:
            raise Undeliverable(str(exc)) from exc
