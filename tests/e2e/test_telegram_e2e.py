"""The real `hotline run` process, over HTTP, against our own Bot API server: what citizens and
staff see in their Telegram chats."""

from __future__ import annotations

from bot.dialogue.texts import load_texts
from tests.e2e.conftest import (
    ANSWERS,
    CITY_CHAT,
    CITY_STAFF,
    CJK,
    PHOTO,
    PINGYAO_BYSTANDER,
    PINGYAO_CHAT,
    PINGYAO_STAFF,
    PINGYAO_STAFF_NAME,
    PRESS,
    QUESTIONS,
    BotProcess,
    Chat,
    HotlineBotApi,
    callback_answer,
    complain,
    is_question_or_summary,
    notifications,
)

TEXTS = load_texts()
RESPONDENT = "平遥县宏达机械厂"
PHONE = "13912345678"


async def test_a_complaint_reaches_both_staff_groups_and_their_acceptance_reaches_the_citizen(
    server: HotlineBotApi, bot: BotProcess, citizen: Chat
) -> None:
    tracking = await complain(citizen, {**ANSWERS, "evidence": PHOTO})

    county = await server.wait_for_message(PINGYAO_CHAT, tracking)
    city = await server.wait_for_message(CITY_CHAT, tracking)
    for notice in (county, city):
        assert notice.parse_mode == "HTML"
        assert notice.text is not None
        assert RESPONDENT in notice.text and PHONE in notice.text and "张三" in notice.text
        assert "证据：1 个文件" in notice.text
        labels = ["受理", "转派", "不予受理"] if notice is county else ["受理", "不予受理", "指派"]
        labels.append("查看证据")  # the photo sent with the complaint
        assert [b["text"] for b in notice.buttons] == labels
        assert notice.callback_data[0] == f"cw:ac:{tracking}:0"
    await bot.settle()
    assert [m.message_id for m in notifications(server, PINGYAO_CHAT, tracking)] == [county.message_id]
    assert [m.message_id for m in notifications(server, CITY_CHAT, tracking)] == [city.message_id]

    staff = Chat(server, PINGYAO_STAFF, PINGYAO_CHAT)
    query = await staff.press(f"cw:ac:{tracking}:0", county)
    assert "已受理" in ((await callback_answer(server, query))["text"] or "")

    for chat_id, notice in ((PINGYAO_CHAT, county), (CITY_CHAT, city)):
        edited = await server.wait_for_edit(chat_id, notice.message_id, "已受理")
        assert edited.text is not None
        assert f"状态：已受理（受理：{PINGYAO_STAFF_NAME}" in edited.text
        assert tracking in edited.text and RESPONDENT in edited.text  # the lead is still shown
        assert "受理" not in [b["text"] for b in edited.buttons]  # nobody can press 受理 again
    await citizen.next(TEXTS.get("notice.accept_check", tracking=tracking, by="平遥县"))

    await citizen.say("/status")
    status = await citizen.next(tracking)
    assert "已受理" in (status.text or "")

    await bot.settle()
    assert (county.edits, city.edits) == (1, 1)
    [lead] = bot.leads()
    assert (lead.tracking_number, lead.status, lead.accepted_by) == (tracking, "accepted", PINGYAO_STAFF)
    assert [m.message_id for m in notifications(server, PINGYAO_CHAT, tracking)] == [county.message_id]
    assert bot.log_errors() == []


EVIL = '<b>粗体</b>&amp;<a href="x">链接</a>'
EVIL_STAFF = "李</b>主任 & <i>"


async def test_citizen_text_cannot_change_the_formatting_of_staff_notifications(
    server: HotlineBotApi, bot: BotProcess, citizen: Chat
) -> None:
    server.add_member(CITY_CHAT, CITY_STAFF).first_name = EVIL_STAFF  # staff names are user input too
    tracking = await complain(citizen, {**ANSWERS, "respondent": EVIL}, opening="有人侵犯我的专利")

    city = None
    for chat_id in (PINGYAO_CHAT, CITY_CHAT):
        notice = await server.wait_for_message(chat_id, tracking)
        text = notice.text or ""
        assert f"被投诉方：{EVIL}" in text  # the server's strict HTML parser shows it literally
        assert {e["type"] for e in notice.entities} <= {"bold", "code"}  # no link from the citizen
        for entity in notice.entities:
            assert "粗体" not in text[entity["offset"] : entity["offset"] + entity["length"]]
        assert [code for _, code in server.attempts[chat_id]] == [200]  # accepted the first time
        city = notice
    assert city is not None

    query = await Chat(server, CITY_STAFF, CITY_CHAT).press(f"cw:ac:{tracking}:0", city)
    await callback_answer(server, query)
    edited = await server.wait_for_edit(CITY_CHAT, city.message_id, "已受理")
    assert f"受理：{EVIL_STAFF}" in (edited.text or "")
    assert f"被投诉方：{EVIL}" in (edited.text or "")
    assert {e["type"] for e in edited.entities} <= {"bold", "code"}
    await bot.settle()
    staff_rows = [row.status for row in bot.outbox() if row.purpose != "citizen_reply"]
    assert staff_rows == ["sent"] * 5  # 2 notices, 2 edits, 1 citizen update


async def test_only_configured_staff_may_accept_a_lead(
    server: HotlineBotApi, bot: BotProcess, citizen: Chat
) -> None:
    tracking = await complain(citizen)
    county = await server.wait_for_message(PINGYAO_CHAT, tracking)
    city = await server.wait_for_message(CITY_CHAT, tracking)
    await bot.settle()
    counts = {chat_id: len(server.messages(chat_id)) for chat_id in (PINGYAO_CHAT, CITY_CHAT)}
    data = f"cw:ac:{tracking}:0"

    bystander = Chat(server, PINGYAO_BYSTANDER, PINGYAO_CHAT)  # in the group, not in staff_ids
    refused = await callback_answer(server, await bystander.press(data, county))
    assert "不是" in (refused["text"] or "")
    await citizen.press(data, forge=True)  # the card's data, pressed in the citizen's own chat
    await citizen.next("按钮已经失效")
    ghost = await callback_answer(
        server,
        await Chat(server, PINGYAO_STAFF, PINGYAO_CHAT).press("cw:ac:JZ-XXXX-XXXX:0", county, forge=True),
    )
    assert "无效" in (ghost["text"] or "")

    await bot.settle()
    assert (county.edits, city.edits) == (0, 0)
    assert county.callback_data[0] == city.callback_data[0] == data
    assert {chat_id: len(server.messages(chat_id)) for chat_id in counts} == counts  # nobody was told
    [lead] = bot.leads()
    assert (lead.status, lead.accepted_by) == ("new", None)

    # The city bureau's staff may accept any lead, from their own group.
    accepted = await callback_answer(server, await Chat(server, CITY_STAFF, CITY_CHAT).press(data, city))
    assert "已受理" in (accepted["text"] or "")
    await server.wait_for_edit(PINGYAO_CHAT, county.message_id, "受理：李主任")
    await citizen.next(TEXTS.get("notice.accept", tracking=tracking, by="晋中市局"))  # the city's own act


ENGLISH = {
    "flow": PRESS + "flow:infringement",
    "respondent": "Hongda Machinery Factory",
    "county": PRESS + "set:county:140728",
    "product": "threshers",
    "patents": "ZL201710601862.3",
    "standing": PRESS + "set:standing:patentee",
    "name": "John Smith",
    "phone": PHONE,
}


async def test_a_user_who_writes_english_is_answered_in_english(
    server: HotlineBotApi, bot: BotProcess
) -> None:
    private = server.add_private_chat(5002, "John", language_code="en")
    john = Chat(server, private.user_id, private.chat_id)

    tracking = await complain(john, ENGLISH, opening="Someone is copying our patented product in Pingyao")

    submitted = john.messages()[-1]
    assert tracking in (submitted.text or "") and "tracking number" in (submitted.text or "")
    assert "Pingyao" in (submitted.text or "")
    for message in john.messages():
        text = message.text or ""
        assert not CJK.search(text), f"Chinese in a reply to an English speaker: {message.text!r}"
        for button in message.buttons:
            assert not CJK.search(button["text"]), f"Chinese button for an English speaker: {button}"
    [lead] = bot.leads()
    assert lead.language == "en"


async def test_start_offers_the_menu_and_stale_buttons_are_refused_politely(
    server: HotlineBotApi, bot: BotProcess, citizen: Chat
) -> None:
    await citizen.say("/start")
    welcome = await citizen.next("您好")
    assert welcome.callback_data == [
        "flow:infringement",
        "flow:counterfeit",
        "flow:other_ip",
        "flow:assistance",
        "status",
    ]

    for forged in ("submit", "set:county:140728", "edit:phone", "cancel:yes", "done:evidence", "x" * 64):
        query = await citizen.press(forged, welcome, forge=True)
        await citizen.next("这个按钮已经失效了")
        menu = await citizen.next(lambda m: "flow:infringement" in m.callback_data)  # offered again
        assert (await callback_answer(server, query))["text"] is None  # answered: the spinner stops
        welcome = menu

    # Nothing broke: the menu still works.
    await citizen.press("flow:infringement", welcome)
    question = await citizen.next(is_question_or_summary)
    assert QUESTIONS[question.text or ""] == "respondent"
    assert bot.leads() == []
    assert bot.log_errors() == []
