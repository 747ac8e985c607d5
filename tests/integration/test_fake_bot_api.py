"""The fake Bot API is faithful enough that the real python-telegram-bot 22 works against it."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, EndPointNotFound, InvalidToken, RetryAfter
from telegram.ext import Application, ContextTypes, MessageHandler, filters
from telegram.warnings import PTBDeprecationWarning

from tests.support.fake_bot_api import FakeBotApi, parse_html

ALICE = 1001
KEYBOARD = InlineKeyboardMarkup(
    [[
        InlineKeyboardButton("是", callback_data="confirm:yes"),
        InlineKeyboardButton("否", callback_data="confirm:no"),
    ]]
)


@pytest.fixture
async def server() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        api.add_private_chat(ALICE, "Alice")
        yield api


@pytest.fixture
async def bot(server: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(server.token, base_url=server.base_url, base_file_url=server.base_file_url) as real_bot:
        yield real_bot


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll a condition until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition never became true")
        await asyncio.sleep(0.01)


async def test_get_me_returns_a_user_that_is_a_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot is True
    assert (me.id, me.username, me.first_name) == (123, "hotline_test_bot", "Hotline Bot")
    assert me.can_join_groups is True and me.supports_inline_queries is False


async def test_html_with_a_keyboard_returns_a_message_dated_now_whose_keyboard_round_trips(
    server: FakeBotApi, bot: Bot
) -> None:
    html = '<b>确认</b>专利号 &lt;ZL&gt; &amp; <a href="https://example.org">详情</a>'
    message = await bot.send_message(ALICE, html, parse_mode=ParseMode.HTML, reply_markup=KEYBOARD)

    assert message.text == "确认专利号 <ZL> & 详情"
    assert abs((message.date - dtm.datetime.now(dtm.UTC)).total_seconds()) < 5  # seconds, not ms
    assert message.reply_markup == KEYBOARD
    assert message.from_user is not None and message.from_user.is_bot
    assert message.chat.id == ALICE and message.chat.type == "private"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bold", 0, 2), ("text_link", 13, 2)]
    [record] = server.messages(ALICE)
    assert (record.message_id, record.raw_text, record.parse_mode) == (message.message_id, html, "HTML")
    assert record.callback_data == ["confirm:yes", "confirm:no"]


@pytest.mark.parametrize(
    "html", ["<b>unclosed", "<script>alert(1)</script>", "a < b", "<b><i>x</b></i>", "</b>", "1 > 0", "R&D"]
)
async def test_bad_html_raises_bad_request_and_sends_nothing(server: FakeBotApi, bot: Bot, html: str) -> None:
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(ALICE, html, parse_mode=ParseMode.HTML)
    assert server.messages(ALICE) == []


async def test_empty_overlong_and_misaddressed_messages_are_bad_requests(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(ALICE, "<b> </b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(ALICE, "专" * 4097)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "hello")
    too_long_data = InlineKeyboardMarkup([[InlineKeyboardButton("long", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):  # PTB capitalize()s descriptions
        await bot.send_message(ALICE, "x", reply_markup=too_long_data)
    assert len((await bot.send_message(ALICE, "专" * 4096)).text or "") == 4096


def test_the_html_parser_counts_offsets_in_utf16_and_understands_pre_with_a_language() -> None:
    text, entities = parse_html('😀<b>粗</b><pre><code class="language-python">x=1</code></pre>')
    assert text == "😀粗x=1"
    assert entities == [
        {"type": "bold", "offset": 2, "length": 1},
        {"type": "pre", "offset": 3, "length": 3, "language": "python"},
    ]
    assert parse_html("1 > 0 R&D", strict=False) == ("1 > 0 R&D", [])


async def test_get_updates_long_polls_and_returns_a_command_with_its_bot_command_entity(
    server: FakeBotApi, bot: Bot
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await until(lambda: server.calls["getUpdates"] == 1)
    assert (await bot.get_me()).is_bot  # the server keeps serving while a long poll waits
    assert not poll.done()

    started = time.monotonic()
    update_id = await server.user_sends_text(ALICE, ALICE, "/start@hotline_test_bot 你好")
    [update] = await poll
    assert time.monotonic() - started < 2

    assert update.update_id == update_id
    assert update.message is not None and update.message.text == "/start@hotline_test_bot 你好"
    assert update.message.date.year == dtm.datetime.now(dtm.UTC).year
    assert update.message.from_user is not None and update.message.from_user.language_code == "zh-hans"
    [entity] = update.message.entities
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, len("/start@hotline_test_bot"))


async def test_stopping_the_server_releases_a_waiting_long_poll(server: FakeBotApi, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await until(lambda: server.calls["getUpdates"] == 1)
    started = time.monotonic()
    await server.stop()
    assert await poll == ()
    assert time.monotonic() - started < 2


async def test_a_group_member_s_command_arrives_from_the_group_and_outsiders_cannot_post(
    server: FakeBotApi, bot: Bot
) -> None:
    group = server.add_group(-100123, "知识产权维权群", supergroup=True)
    server.add_member(group.id, 2002, "Bob")
    await server.user_sends_text(2002, group.id, "/report@hotline_test_bot")
    with pytest.raises(LookupError):
        await server.user_sends_text(ALICE, group.id, "hi")
    [update] = await bot.get_updates()
    assert update.effective_chat is not None
    assert (update.effective_chat.id, update.effective_chat.type, update.effective_chat.title) == (
        -100123, "supergroup", "知识产权维权群")
    assert update.effective_user is not None and update.effective_user.first_name == "Bob"
    assert (await bot.send_message(group.id, "收到")).chat.id == group.id


async def test_a_long_poll_with_nothing_to_deliver_returns_an_empty_list_after_its_timeout(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 3


async def test_updates_below_the_offset_are_confirmed_and_forgotten(server: FakeBotApi, bot: Bot) -> None:
    first = await server.user_sends_text(ALICE, ALICE, "一")
    second = await server.user_sends_text(ALICE, ALICE, "二")
    assert [u.update_id for u in await bot.get_updates()] == [first, second]
    assert [u.update_id for u in await bot.get_updates()] == [first, second]  # not confirmed yet
    assert [u.update_id for u in await bot.get_updates(offset=second)] == [second]
    assert await bot.get_updates(offset=second + 1) == ()
    assert server.pending_updates == 0


async def test_redeliver_makes_get_updates_return_the_same_update_id_again(
    server: FakeBotApi, bot: Bot
) -> None:
    update_id = await server.user_sends_text(ALICE, ALICE, "投诉")
    [update] = await bot.get_updates()
    assert await bot.get_updates(offset=update_id + 1) == ()

    await server.redeliver(update_id)
    [again] = await bot.get_updates(offset=update_id + 1)
    assert again.update_id == update_id and again.message is not None and again.message.text == "投诉"
    assert again == update
    assert await bot.get_updates(offset=update_id + 1) == ()


async def test_a_new_long_poll_terminates_the_waiting_one_with_conflict(server: FakeBotApi, bot: Bot) -> None:
    waiting = asyncio.create_task(bot.get_updates(timeout=5))
    await until(lambda: server.calls["getUpdates"] == 1)
    async with Bot(server.token, base_url=server.base_url) as second_instance:  # one poll per Bot's pool
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await waiting


async def test_a_callback_query_carries_chat_instance_and_the_message(server: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(ALICE, "是否继续？", reply_markup=KEYBOARD)
    query_id = await server.user_presses(ALICE, ALICE, sent.message_id, "confirm:yes")

    [update] = await bot.get_updates()
    query = update.callback_query
    assert query is not None and query.id == query_id
    assert query.data == "confirm:yes" and query.chat_instance
    assert query.from_user.id == ALICE
    assert isinstance(query.message, Message) and query.message.message_id == sent.message_id
    assert query.message.reply_markup == KEYBOARD

    assert await bot.answer_callback_query(query.id, text="已确认") is True
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query.id)
    assert server.callback_answers == [
        {"callback_query_id": query_id, "data": "confirm:yes", "text": "已确认",
         "show_alert": False, "url": None}
    ]


async def test_pressing_data_that_is_not_on_the_keyboard_requires_forge(server: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(ALICE, "是否继续？", reply_markup=KEYBOARD)
    with pytest.raises(LookupError, match="not on the keyboard"):
        await server.user_presses(ALICE, ALICE, sent.message_id, "admin:delete_all")
    await server.user_presses(ALICE, ALICE, sent.message_id, "admin:delete_all", forge=True)
    [update] = await bot.get_updates()
    assert update.callback_query is not None and update.callback_query.data == "admin:delete_all"


async def test_edit_message_text_edits_and_an_identical_edit_is_not_modified(
    server: FakeBotApi, bot: Bot
) -> None:
    sent = await bot.send_message(ALICE, "请选择", reply_markup=KEYBOARD)
    new_text = "已选择：<b>是</b>"
    edited = await bot.edit_message_text(new_text, ALICE, sent.message_id, parse_mode=ParseMode.HTML)
    assert isinstance(edited, Message) and edited.text == "已选择：是"
    assert edited.edit_date is not None
    assert edited.reply_markup is None  # omitting reply_markup removes the keyboard, as in Telegram

    record = await server.wait_for_edit(ALICE, sent.message_id, "已选择", timeout=1)
    assert (record.edits, record.raw_text, record.reply_markup) == (1, "已选择：<b>是</b>", None)

    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(new_text, ALICE, sent.message_id, parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", ALICE, 999)
    await bot.edit_message_reply_markup(ALICE, sent.message_id, reply_markup=KEYBOARD)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(ALICE, sent.message_id, reply_markup=KEYBOARD)
    assert server.messages(ALICE)[0].edits == 2


@pytest.mark.parametrize("timedelta_mode", [True, False])
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # raised inside RetryAfter()
async def test_a_429_from_fail_next_raises_retry_after_once(
    server: FakeBotApi, bot: Bot, monkeypatch: pytest.MonkeyPatch, timedelta_mode: bool
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true" if timedelta_mode else "false")
    server.fail_next("sendMessage", error_code=429, retry_after=1)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ALICE, "hello")
    if timedelta_mode:
        assert caught.value.retry_after == dtm.timedelta(seconds=1)
    else:
        with pytest.warns(PTBDeprecationWarning):
            assert caught.value.retry_after == 1
    assert (await bot.send_message(ALICE, "hello")).text == "hello"
    assert server.calls["sendMessage"] == 2
    assert [m.text for m in server.messages(ALICE)] == ["hello"]


async def test_a_wrong_token_raises_invalid_token(server: FakeBotApi) -> None:
    for token, cause in (("999:WRONG", "Unauthorized"), ("not-a-token", "Not Found")):
        wrong = Bot(token, base_url=server.base_url)
        with pytest.raises(InvalidToken, match="was rejected by the server") as caught:
            await wrong.initialize()  # PTB maps both 401 and 404 to InvalidToken here
        assert isinstance(caught.value.__cause__, InvalidToken) and caught.value.__cause__.message == cause
        await wrong.shutdown()


async def test_an_unknown_method_is_not_found(bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")


async def test_parameters_arrive_as_form_json_body_or_query_string_and_errors_have_the_real_shape(
    server: FakeBotApi,
) -> None:
    url = server.base_url + server.token
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{url}/SENDMESSAGE", json={"chat_id": ALICE, "text": "json"}) as resp:
            assert resp.status == 200 and (await resp.json())["result"]["text"] == "json"
        async with session.get(f"{url}/sendMessage", params={"chat_id": str(ALICE), "text": "query"}) as resp:
            assert (await resp.json())["result"]["date"] == pytest.approx(time.time(), abs=5)
        async with session.post(f"{url}/sendMessage", data={"chat_id": str(ALICE)}) as resp:
            body = await resp.json()
            assert resp.status == 400 and body["ok"] is False and body["error_code"] == 400
            assert body["description"].startswith("Bad Request: ")
        async with session.post(f"{server.base_url}1:WRONG/getMe") as resp:
            assert resp.status == 401
            assert await resp.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        async with session.post(f"{url}/frobnicate") as resp:
            assert (resp.status, (await resp.json())["description"]) == (404, "Not Found: method not found")
        server.fail_next("getMe", retry_after=7)
        async with session.get(f"{url}/getMe") as resp:
            assert resp.status == 429 and (await resp.json())["parameters"] == {"retry_after": 7}
        async with session.get(f"{url}/getWebhookInfo") as resp:
            info = (await resp.json())["result"]
            assert info == {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
    assert [m.text for m in server.messages(ALICE)] == ["json", "query"]


async def test_files_users_send_carry_metadata_and_can_be_fetched(server: FakeBotApi, bot: Bot) -> None:
    await server.user_sends_document(ALICE, ALICE, "授权书.pdf", "application/pdf",
                                     caption="证据", content=b"%PDF")
    await server.user_sends_photo(ALICE, ALICE)
    doc_update, photo_update = await bot.get_updates()

    assert doc_update.message is not None and doc_update.message.caption == "证据"
    document = doc_update.message.document
    assert document is not None
    assert (document.file_name, document.mime_type) == ("授权书.pdf", "application/pdf")
    assert document.file_size == 4
    file = await bot.get_file(document.file_id)
    assert file.file_unique_id == document.file_unique_id and file.file_path
    assert await file.download_as_bytearray() == bytearray(b"%PDF")

    assert photo_update.message is not None
    largest = photo_update.message.photo[-1]
    assert (largest.width, largest.height) == (1280, 960) and largest.file_unique_id
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("nonexistent")

    resent = await bot.send_document(ALICE, document.file_id, caption="<i>回执</i>", parse_mode="HTML")
    assert resent.document is not None and resent.document.file_id == document.file_id
    assert resent.caption == "回执"


async def test_wait_for_message_times_out_listing_the_recent_messages(server: FakeBotApi, bot: Bot) -> None:
    await bot.send_message(ALICE, "第一条")
    assert (await server.wait_for_message(ALICE, "第一条", timeout=1)).text == "第一条"
    with pytest.raises(TimeoutError, match="第一条"):
        await server.wait_for_message(ALICE, timeout=0.2)  # the cursor already passed it


async def test_an_application_polling_with_an_echo_handler_replies(server: FakeBotApi) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}", do_quote=True)

    app = Application.builder().token(server.token).base_url(server.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=1)
        try:
            update_id = await server.user_sends_text(ALICE, ALICE, "你好")
            reply = await server.wait_for_message(ALICE, lambda m: m.text == "echo: 你好", timeout=5)
        finally:
            await app.updater.stop()
            await app.stop()
    assert reply.reply_to_message_id == 1 and reply.message_id == 2
    assert server.calls["deleteWebhook"] >= 1
    assert server.pending_updates == 0  # the updater confirmed the offset when stopping
    assert update_id > 0


async def test_several_servers_in_one_process_are_independent() -> None:
    async with FakeBotApi("1:A") as one, FakeBotApi("2:B") as two:
        one.add_private_chat(ALICE, "Alice")
        two.add_private_chat(ALICE, "Alice")
        assert one.base_url != two.base_url
        async with Bot("1:A", base_url=one.base_url) as bot_one:
            await bot_one.send_message(ALICE, "only here")
        assert [m.text for m in one.messages(ALICE)] == ["only here"]
        assert two.messages(ALICE) == []
