from __future__ import annotations

from knowledge.register import read_register_csv

HEADER = "number,title,holder,status,as_of,source\n"


def test_rows_are_read_with_numbers_normalised():
    entries, errors = read_register_csv(
        HEADER + "ZL 2017 1060 1862.3,脱粒机,宏达机械,有效,2026-11-01,国家知识产权局\n"
    )
    assert errors == []
    assert entries[0].number == "201710601862.3" and entries[0].holder == "宏达机械"


def test_a_byte_order_mark_and_extra_columns_are_accepted():
    entries, errors = read_register_csv(
        "\ufeff" + HEADER.strip() + ",note\nCN108123456A,t,h,有效,2026-01-01,s,x\n"
    )
    assert (len(entries), errors) == (1, [])


def test_bad_rows_are_rejected_with_their_line_numbers_and_good_rows_kept():
    text = HEADER + (
        "ZL201710601862.4,错校验位,h,有效,2026-11-01,s\n"
        "不是号码,t,h,有效,2026-11-01,s\n"
        "ZL201710601862.3,t,h,有效,昨天,s\n"
        "ZL201710601862.3,,h,有效,2026-11-01,s\n"
        "CN108123456A,t,h,有效,2026-11-01,s\n"
    )
    entries, errors = read_register_csv(text)
    assert [e.number for e in entries] == ["CN108123456A"]
    assert [e.split(":")[0] for e in errors] == ["line 2", "line 3", "line 4", "line 5"]


def test_a_missing_column_is_reported_once():
    entries, errors = read_register_csv("number,title\nCN108123456A,t\n")
    assert entries == [] and "holder" in errors[0]
