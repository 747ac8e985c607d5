"""Whole conversations typed as citizens type them (corrections, stories, questions, "I don't
know", typos, foreign numbers), through the intake service on a real database: the stored lead
holds what the citizen meant, and nothing they wrote is lost."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.leads.db import Database
from bot.leads.models import LeadRow, OutboxRow
from tests.integration.conftest import Citizen

TRACKING = re.compile(r"JZ-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")
CJK = re.compile(r"[\u4e00-\u9fff]")


async def only_lead(db: Database) -> LeadRow:
    async with db.transaction() as s:
        return (await s.execute(select(LeadRow))).scalar_one()


async def staff_messages(db: Database) -> list[str]:
    async with db.transaction() as s:
        return [r.text for r in (await s.execute(select(OutboxRow))).scalars()]


async def test_a_farmer_corrects_the_county_does_not_know_the_number_and_agrees_in_words(hotline, db):
    replies = await Citizen(hotline, 31).script(
        "你好",
        "我要投诉专利侵权，昔阳有家厂子仿造我们的专利产品",
        "宏达机械有限公司",
        "搞错了，厂子在寿阳不在昔阳",
        "做电暖气的",
        "不记得了，证书在公司",
        "张三",
        "139 1234 5678",
        "上个月",
        "没有",
        "对 没问题 提交吧",
        "谢谢",
    )
    assert "已更正：地点改为“寿阳县”。" in replies
    assert TRACKING.search(replies[-2]), replies[-3:]
    assert replies[-1] == "不客气。还有其他需要，随时发消息给我。"
    lead = await only_lead(db)
    assert (lead.kind, lead.queue_code, lead.route_reason) == ("infringement", "140725", "place_of_act")
    assert lead.fields["respondent"] == "宏达机械有限公司"
    assert lead.fields["product"] == "电暖气"
    assert lead.fields["patents"] == []
    assert "专利号：不记得了，证书在公司" in lead.fields["description"]
    assert (lead.contact_name, lead.contact_phone) == ("张三", "13912345678")


async def test_a_story_for_the_name_a_question_a_typo_and_a_late_correction_end_in_the_right_lead(
    hotline, db
):
    story = "他们在平遥古城里开了个店，专门卖仿我们专利的剪纸灯笼，卖了快一年了，价格便宜一半"
    replies = await Citizen(hotline, 32).script(
        "我要投诉专利侵权",
        story,
        "店名叫古韵手工艺品店",
        "ZL 2019 2012 3456.5",
        "我是专利权人",
        "问一下，留了名字会不会告诉对方啊？",
        "李秀英",
        "1380013800",
        "13800138000",
        "跳过",
        "没有",
        "号码写错了，应该是 13800138001",
        "可以",
    )
    assert "已更正：电话改为“13800138001”。" in replies
    assert TRACKING.search(replies[-1]), replies[-3:]
    lead = await only_lead(db)
    assert lead.queue_code == "140728"
    assert lead.fields["respondent"] == "古韵手工艺品店"
    assert lead.fields["product"] == "剪纸灯笼"
    assert [p["normalized"] for p in lead.fields["patents"]] == ["201920123456.5"]
    assert story in lead.fields["description"]
    assert (lead.contact_name, lead.contact_phone) == ("李秀英", "13800138001")


async def test_a_foreign_exhibitor_reports_a_mark_with_a_wrong_number_at_a_booth(hotline, db):
    replies = await Citizen(hotline, 33).script(
        "I want to report a fake patent mark at the fair",
        "thermos cups",
        "Hongda Trading Co., Ltd., booth A12",
        "!set:county:140702",
        "the box says ZL201710601862.4",
        "no",
        "!set:contact:confidential",
        "Hans Mueller",
        "+49 30 12345678",
        "ok submit",
    )
    assert TRACKING.search(replies[-1]), replies[-3:]
    lead = await only_lead(db)
    assert (lead.kind, lead.language, lead.queue_code) == ("counterfeit", "en", "140702")
    assert lead.fields["respondent"] == "Hongda Trading Co., Ltd.（展位 A12）"
    assert lead.fields["claim"] == "the box says ZL201710601862.4"
    assert lead.contact_phone == "+493012345678"
    card = next(t for t in await staff_messages(db) if lead.tracking_number in t)
    assert "ZL201710601862.4" in card and "校验位不对" in card


async def test_a_counterfeit_report_asks_who_sells_and_a_typed_choice_is_kept(hotline, db):
    citizen = Citizen(hotline, 34)
    replies = await citizen.script(
        "我想举报假冒专利",
        "保温杯",
        "不知道是哪家，在超市买的",
        "平遥",
        "杯子底下印着专利产品四个字",
        "没有",
        "留个电话吧，帮我保密",
        "王五",
        "+86 138 0013 8000",
        "提交",
    )
    assert "是谁在卖或生产这个产品？" in " ".join(replies)
    tracking = TRACKING.search(replies[-1])
    assert tracking, replies[-3:]
    lead = await only_lead(db)
    assert "respondent" not in lead.fields
    assert "不知道是哪家，在超市买的" in lead.fields["description"]
    assert lead.contact_phone == "+86-13800138000"
    progress = await citizen.script(f"{tracking.group(0)} 进度")
    assert CJK.search(progress[0]) and tracking.group(0) in progress[0]


async def test_an_elderly_farmer_who_knows_little_still_files_a_complete_complaint(hotline, db):
    replies = await Citizen(hotline, 35).script(
        "俺家的专利让人给仿了 在榆社县",
        "就是村东头那个厂子，叫啥我也不知道",
        "做玉米脱粒机的",
        "证书在孩子那",
        "中",
        "!set:standing:patentee",
        "王大爷",
        "这个电话是俺儿子的 13912345678",
        "去年秋天",
        "没有",
        "行 提交吧",
    )
    assert TRACKING.search(replies[-1]), replies[-4:]
    lead = await only_lead(db)
    assert (lead.queue_code, lead.fields["product"], lead.fields["patents"]) == ("140721", "玉米脱粒机", [])
    assert "respondent" not in lead.fields
    assert "被投诉方：就是村东头那个厂子，叫啥我也不知道" in lead.fields["description"]
    assert "专利号：证书在孩子那" in lead.fields["description"]
    assert (lead.contact_name, lead.contact_phone) == ("王大爷", "13912345678")
