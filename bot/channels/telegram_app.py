"""The python-telegram-bot application: thin handlers that call the core and send what it returns.

Citizens talk to the bot in private chats. Staff groups only see notifications and press 受理;
`/chatid` in a group tells the operator the ids to put in config.toml.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import CallbackQuery, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.channels.telegram_io import TelegramSender, inbound_of, send_reply
from bot.composition import Hotline
from bot.dialogue.model import Inbound
from bot.intake import Incoming
from bot.notify.worker import OutboxWorker

log = logging.getLogger(__name__)
RATE_LIMIT_RETRIES = 1


def build_telegram_application(hotline: Hotline, token: str) -> Application:
    base_url = hotline.config.telegram.base_url
    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_url.replace("/bot", "/file/bot", 1))
        .rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .post_init(_start_worker)
        .post_shutdown(_stop_worker)
        .build()
    )
    app.bot_data["hotline"] = hotline
    app.add_handler(TypeHandler(Update, _on_update))
    app.add_error_handler(_on_error)
    return app


COMMANDS = ("start", "help", "status", "cancel", "english", "chinese", "human")


async def _start_worker(app: Application) -> None:
    hotline: Hotline = app.bot_data["hotline"]
    await hotline.db.upgrade()
    try:
        await app.bot.set_my_commands([(c, hotline.texts.get(f"command.{c}")) for c in COMMANDS])
        english = [(c, hotline.texts.get(f"command.{c}", "en")) for c in COMMANDS]
        await app.bot.set_my_commands(english, language_code="en")
    except TelegramError as exc:
        log.warning("could not set the command menu: %s", exc)
    worker = OutboxWorker(hotline.db, TelegramSender(app.bot), hotline.config.outbox)
    hotline.intake.wake_outbox = worker.wake.set
    stop = asyncio.Event()
    app.bot_data["outbox_stop"] = stop
    app.bot_data["outbox_task"] = asyncio.create_task(worker.run(stop), name="outbox")


async def _stop_worker(app: Application) -> None:
    stop = app.bot_data.get("outbox_stop")
    task = app.bot_data.get("outbox_task")
    if stop is not None and task is not None:
        stop.set()
        await task
    await app.bot_data["hotline"].db.close()


async def _on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    hotline: Hotline = context.bot_data["hotline"]
    query, message, chat = update.callback_query, update.effective_message, update.effective_chat
    if chat is None:
        return
    if query is not None and query.data and query.data.startswith("accept:"):
        user = query.from_user
        answer = await hotline.intake.accept(
            update.update_id, query.data.split(":", 1)[1], user.id, user.full_name
        )
        await _answer(query, answer or None)
        return
    if chat.type != ChatType.PRIVATE:
        if message is not None and message.text and message.text.split("@")[0].strip() == "/chatid":
            user_id = message.from_user.id if message.from_user else 0
            await message.reply_text(f"chat_id = {chat.id}\nuser_id = {user_id}")
        return
    now = hotline.clock()
    if query is not None:
        await _answer(query, None)
        inbound = Inbound.press(query.data or "", now)
    elif message is not None:
        inbound = inbound_of(message, now)
    else:
        return
    replies = await hotline.intake.handle(Incoming(chat.id, inbound, update.update_id))
    for reply in replies:
        await send_reply(context.bot, chat.id, reply)


async def _answer(query: CallbackQuery, text: str | None) -> None:
    """Stops the button's spinner. A press answered before (a redelivered update) or pressed while
    the bot was down is too old to answer; it is still handled."""
    try:
        await query.answer(text)
    except BadRequest as exc:
        if "query is too old" not in str(exc).lower() and "query id is invalid" not in str(exc).lower():
            raise
        log.info("callback query %s could not be answered: %s", query.id, exc)


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("update failed: %r", context.error, exc_info=context.error)
    if (
        isinstance(update, Update)
        and update.effective_chat
        and update.effective_chat.type == ChatType.PRIVATE
    ):
        hotline: Hotline = context.bot_data["hotline"]
        try:
            await context.bot.send_message(update.effective_chat.id, hotline.texts.get("error.internal"))
        except TelegramError:
            log.warning("could not tell chat about the failure")
