"""The python-telegram-bot application: thin handlers that call the core and send what it returns.

Citizens talk to the bot in private chats. In staff groups (privacy mode on: the bot sees commands
and replies to its own messages) staff press the buttons of lead cards and prompts, answer prompts
by replying, answer citizens relayed to them by replying, and use /leads, /lead, /find, /chatid.
"""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Job, TypeHandler
from telegram.request import HTTPXRequest

from bot.casework.desk import StaffPress, StaffReply
from bot.casework.lists import GROUP_COMMANDS
from bot.casework.merged import merged_notice
from bot.channels.telegram_inbox import Inbox, InboxBot
from bot.channels.telegram_io import (
    TelegramFetcher,
    TelegramSender,
    command_of,
    inbound_of,
    reply_keyboard,
    send_reply,
)
from bot.dialogue.model import Inbound, Reply
from bot.hotline import Hotline
from bot.intake import Incoming
from bot.notify.pacing import Pacing
from bot.notify.worker import OutboxWorker
from bot.ops.http import OpsServer
from bot.ops.metrics import CountingSender, DatabaseFigures, Exposition, observe_handled

log = logging.getLogger(__name__)
CONNECTIONS = 64
"""Connections to the Bot API for sends: handlers, the outbox and the supervisor at once."""
LIST_PRESSES = ("ls:", "lo:")


class HotlineApplication(Application):
    """python-telegram-bot's Application without its per-chat memory.

    After every update the Application notes the update's chat and user for a persistence to
    save, and only saving empties those sets. The hotline has no persistence (conversations are in
    the database), so the sets would hold every chat and user that ever wrote, for as long as the
    process runs. Nothing is noted without a persistence."""

    def _mark_for_persistence_update(self, *, update: object | None = None, job: Job | None = None) -> None:
        if self.persistence is not None:
            super()._mark_for_persistence_update(update=update, job=job)


def builder() -> ApplicationBuilder:
    """The builder of the hotline's applications, in polling and in webhook mode."""
    return ApplicationBuilder().application_class(HotlineApplication)


def build_telegram_application(hotline: Hotline, token: str) -> Application:
    base_url = hotline.config.telegram.base_url
    inbox = Inbox(hotline.db)
    bot = InboxBot(
        token,
        base_url=base_url,
        base_file_url=base_url.replace("/bot", "/file/bot", 1),
        request=HTTPXRequest(connection_pool_size=CONNECTIONS),
        get_updates_request=HTTPXRequest(),
        inbox=inbox,
    )
    app = builder().bot(bot).post_init(_start_worker).post_shutdown(_stop_worker).build()
    app.bot_data["inbox"] = inbox
    add_handlers(app, hotline)
    app.add_handler(TypeHandler(Update, _arrived), group=-1)
    app.add_handler(TypeHandler(Update, _handled), group=1)
    return app


def add_handlers(app: Application, hotline: Hotline) -> None:
    """The hotline's handlers, in polling and in webhook mode. An update that failed is noted in
    bot_data["failed"] (its id) for the metrics."""
    app.bot_data["hotline"] = hotline
    app.bot_data["failed"] = set()
    app.add_handler(TypeHandler(Update, _on_update))
    app.add_error_handler(_on_error)


async def _arrived(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    context.bot_data.setdefault("started", {})[update.update_id] = time.monotonic()


async def _handled(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """After every handler of the update: its inbox row is not needed again."""
    await context.bot_data["inbox"].done(update.update_id)
    started = context.bot_data.get("started", {}).pop(update.update_id, None)
    failed = update.update_id in context.bot_data["failed"]
    context.bot_data["failed"].discard(update.update_id)
    observe_handled(failed, time.monotonic() - started if started is not None else 0.0)


async def _replay(app: Application) -> None:
    """Updates a crash left fetched but unhandled are handled first."""
    left = await app.bot_data["inbox"].left_over()
    for data in left:
        await app.update_queue.put(Update.de_json(data, app.bot))
    if left:
        log.warning("handling %s updates fetched before the last stop and never handled", len(left))


COMMANDS = ("start", "help", "privacy", "status", "cancel", "english", "chinese", "human")


async def _start_worker(app: Application) -> None:
    """Starts the outbox loop and the supervisor; in polling mode, also what the last run left in
    the inbox and, if [ops].http_port is set, /healthz, /readyz and /metrics."""
    hotline: Hotline = app.bot_data["hotline"]
    polling = "inbox" in app.bot_data
    await hotline.db.upgrade()
    try:
        await app.bot.set_my_commands([(c, hotline.texts.get(f"command.{c}")) for c in COMMANDS])
        english = [(c, hotline.texts.get(f"command.{c}", "en")) for c in COMMANDS]
        await app.bot.set_my_commands(english, language_code="en")
    except TelegramError as exc:
        log.warning("could not set the command menu: %s", exc)
    hotline.evidence.fetcher = TelegramFetcher(app.bot)
    pacing = Pacing(hotline.config.outbox, merged_notice(hotline.cases))
    sender = CountingSender(TelegramSender(app.bot))
    worker = OutboxWorker(hotline.db, sender, hotline.config.outbox, pacing)
    hotline.set_wake(worker.wake.set)
    app.bot_data["outbox_worker"] = worker
    stop = asyncio.Event()
    app.bot_data["outbox_stop"] = stop
    app.bot_data["outbox_task"] = asyncio.create_task(worker.run(stop), name="outbox")
    if polling:
        await _replay(app)
        await _start_ops_port(app, hotline)
    if hotline.config.supervision.round_seconds > 0:
        app.bot_data["supervisor_task"] = asyncio.create_task(
            hotline.supervisor.run(stop, worker.wake.set), name="supervisor"
        )


async def _start_ops_port(app: Application, hotline: Hotline) -> None:
    ops = hotline.config.ops
    if not ops.http_port:
        return
    server = OpsServer(
        hotline.db, Exposition(DatabaseFigures(hotline.db, hotline.config)), accepting=lambda: app.running
    )
    await server.start(ops.http_host, ops.http_port)
    app.bot_data["ops_server"] = server
    log.info("health and metrics on http://%s:%s", ops.http_host, ops.http_port)


async def _stop_worker(app: Application) -> None:
    server = app.bot_data.get("ops_server")
    if server is not None:
        await server.stop()
    stop = app.bot_data.get("outbox_stop")
    if stop is not None:
        stop.set()
        for name in ("supervisor_task", "outbox_task"):
            task = app.bot_data.get(name)
            if task is not None:
                await task
    await app.bot_data["hotline"].db.close()


async def _on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    hotline: Hotline = context.bot_data["hotline"]
    query, message, chat = update.callback_query, update.effective_message, update.effective_chat
    if chat is None:
        return
    if chat.type != ChatType.PRIVATE:
        await _in_group(hotline, update, context)
        return
    now = hotline.clock()
    reply_to = None
    if query is not None:
        await _answer(query, None)
        inbound = Inbound.press(query.data or "", now)
    elif message is not None:
        inbound = inbound_of(message, now)
        reply_to = message.reply_to_message.message_id if message.reply_to_message else None
    else:
        return
    rows = await hotline.intake.handle_durably(Incoming(chat.id, inbound, update.update_id, reply_to))
    worker: OutboxWorker = context.bot_data["outbox_worker"]
    await worker.deliver_now(rows)


async def _in_group(hotline: Hotline, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, message, chat = update.callback_query, update.effective_message, update.effective_chat
    assert chat is not None
    if query is not None:
        data, user = query.data or "", query.from_user
        if data.startswith(LIST_PRESSES):
            await _answer(query, None)
            await _list_press(hotline, query, data, context)
            return
        message_id = query.message.message_id if query.message else None
        press = StaffPress(chat.id, message_id, user.id, user.full_name, data, update.update_id)
        answer = await hotline.desk.press(press)
        await _answer(query, answer.text or None, answer.alert)
        return
    if message is None or message.from_user is None:
        return
    user = message.from_user
    command = command_of(message.text or "")
    if command is not None:
        await _group_command(hotline, message, command, context)
        return
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == context.bot.id:
        text = message.text or message.caption or ""
        reply = StaffReply(chat.id, replied.message_id, user.id, user.full_name, text, update.update_id)
        await hotline.desk.reply(reply)


async def _group_command(
    hotline: Hotline, message: Message, command: tuple[str, str], context: ContextTypes.DEFAULT_TYPE
) -> None:
    name, args = command
    user_id = message.from_user.id if message.from_user else 0
    chat_id = message.chat.id
    if name == "chatid":
        await message.reply_text(f"chat_id = {chat_id}\nuser_id = {user_id}")
        return
    if name not in (*GROUP_COMMANDS, "report"):
        return
    viewer = hotline.lists.viewer(chat_id, user_id)
    if isinstance(viewer, str):
        await message.reply_text(hotline.texts.get(viewer))
        return
    if name == "report":
        await _report(hotline, viewer.queue_code, args, chat_id, context)
        return
    await send_reply(context.bot, chat_id, await hotline.lists.command(viewer, name, args))


async def _report(
    hotline: Hotline, own_queue: str | None, args: str, chat_id: int, context: ContextTypes.DEFAULT_TYPE
) -> None:
    """The summary, then the charts as photos and the workbook as a document."""
    period = hotline.reports.request(args, own_queue, hotline.cases.local_today())
    if isinstance(period, str):
        await context.bot.send_message(chat_id, period)
        return
    files = await hotline.reports.files(period)
    await context.bot.send_message(chat_id, files.text, parse_mode="HTML")
    for name, png in files.charts:
        await context.bot.send_photo(chat_id, png, filename=f"{name}.png")
    await context.bot.send_document(chat_id, files.workbook, filename=files.workbook_name)


async def _list_press(
    hotline: Hotline, query: CallbackQuery, data: str, context: ContextTypes.DEFAULT_TYPE
) -> None:
    chat_id = query.message.chat.id if query.message else 0
    viewer = hotline.lists.viewer(chat_id, query.from_user.id)
    if isinstance(viewer, str):
        await context.bot.send_message(chat_id, hotline.texts.get(viewer))
        return
    reply, replaces = await hotline.lists.press(viewer, data)
    if replaces:
        await _edit_list(query, reply)
    else:
        await send_reply(context.bot, chat_id, reply)


async def _edit_list(query: CallbackQuery, listing: Reply) -> None:
    try:
        await query.edit_message_text(listing.text, parse_mode="HTML", reply_markup=reply_keyboard(listing))
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def _answer(query: CallbackQuery, text: str | None, alert: bool = False) -> None:
    """Stops the button's spinner. A press answered before (a redelivered update) or pressed while
    the bot was down is too old to answer; it is still handled."""
    try:
        await query.answer(text[:200] if text else None, show_alert=alert)
    except BadRequest as exc:
        if "query is too old" not in str(exc).lower() and "query id is invalid" not in str(exc).lower():
            raise
        log.info("callback query %s could not be answered: %s", query.id, exc)


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An update whose transaction failed: nothing of it was stored, so the citizen is told to send
    it again (replies to what was stored go through the outbox and never end here)."""
    log.error("update failed: %r", context.error, exc_info=context.error)
    if isinstance(update, Update):
        context.bot_data["failed"].add(update.update_id)
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
