"""Codes in a message do not decide its language; phones from abroad are found and +86 is kept;
a patent number keeps "ZL" where it was written."""

from __future__ import annotations

import pytest

from intents.entities import find_phones, phone_forms
from intents.text import clean, detect_language
from knowledge.patent_numbers import find_patent_numbers, marked_form


@pytest.mark.parametrize(
    "text",
    [
        "JZ-ABCD-EFGH 进度",
        "JZ-2B3C-4D5E 处理得怎么样了",
        "jzabcdefgh 进度",
        "ZL201710601862.3 有效吗",
        "CN108123456A 是什么",
        "https://item.taobao.com/item.htm?id=123 这家店卖假货",
        "邮箱 zhangsan@example.com",
    ],
)
def test_tracking_and_patent_numbers_and_links_do_not_make_a_chinese_message_english(text):
    assert detect_language(clean(text)) == "zh"


@pytest.mark.parametrize(
    "text",
    ["JZ-ABCD-EFGH status please", "What is the status of JZ-ABCD-EFGH?", "Is ZL201710601862.3 valid?"],
)
def test_an_english_message_with_codes_stays_english(text):
    assert detect_language(clean(text)) == "en"


@pytest.mark.parametrize(
    ("text", "phones"),
    [
        ("+49 30 12345678", ["+493012345678"]),
        ("my number is +91 98765 43210", ["+919876543210"]),
        ("+82-10-1234-5678", ["+821012345678"]),
        ("+86 138 0013 8000", ["+86-13800138000"]),
        ("电话 0354-3012345 或 138 1234 5678", ["0354-3012345", "13812345678"]),
        ("8613800138000", ["13800138000"]),
        ("+1 5", []),
    ],
)
def test_phones_from_abroad_are_found_and_plus_86_is_kept(text, phones):
    assert find_phones(clean(text)) == phones


def test_a_mobile_stored_with_plus_86_is_found_by_the_bare_number_and_back():
    assert "+86-13800138000" in phone_forms("13800138000")
    assert "13800138000" in phone_forms("+86-13800138000")
    assert phone_forms("+493012345678") == {"+493012345678"}


@pytest.mark.parametrize(
    ("text", "marked"),
    [
        ("专利号ZL201710601862.3", "ZL201710601862.3"),
        ("zl 2017 1060 1862.3", "ZL201710601862.3"),
        ("201710601862.3", "201710601862.3"),
        ("CN108123456A", "CN108123456A"),
    ],
)
def test_a_patent_number_keeps_zl_where_it_was_written(text, marked):
    (number,) = find_patent_numbers(text)
    assert number.marked == marked == marked_form(number.raw, number.normalized)
