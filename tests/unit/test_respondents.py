"""Respondents' names as citizens write them: normalised, then compared (bot/leads/respondents.py)."""

from __future__ import annotations

import pytest

from bot.leads.respondents import clusters, could_be, normalise, places_agree, same


def key(name: str) -> str | None:
    found = normalise(name)
    return found.key if found else None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("宏达机械公司", "宏达机械"),
        ("平遥县宏达机械有限公司", "宏达机械"),
        ("山西省晋中市平遥县宏达农业机械制造有限公司", "宏达农业机械制造"),
        ("宏达机械（平遥）有限公司", "宏达机械"),
        ("宏达机械有限公司平遥分公司", "宏达机械"),
        ("太谷区宏达机械厂", "宏达机械"),
        ("太谷宏达机械店", "宏达机械"),
        ("晋中经济技术开发区宏达科技有限公司", "宏达科技"),
        ("ＨＯＮＧＤＡ　机械　股份有限公司", "hongda机械"),
        ("Pingyao Hongda Machinery Co., Ltd.", "hongdamachinery"),
        ("宏 达 机 械", "宏达机械"),
        ("宏达商行", "宏达"),
        ("宏达经营部", "宏达"),
        ("张三", "张三"),
    ],
)
def test_a_name_loses_its_width_spaces_punctuation_place_and_legal_form(name, expected):
    assert key(name) == expected


def test_a_place_named_firm_keeps_its_place_as_its_name():
    assert key("平遥县机械厂") == key("平遥机械有限公司") == "平遥机械"
    assert normalise("平遥县机械厂").place == "140728"


@pytest.mark.parametrize(
    "name", ["不知道", "不清楚", "那家店", "某公司", "机械厂", "平遥一家机械厂", "", None, "厂"]
)
def test_a_name_that_names_no_firm_normalises_to_nothing(name):
    assert normalise(name) is None


def test_the_place_is_remembered_the_county_over_the_city():
    assert normalise("山西省晋中市平遥县宏达机械").place == "140728"
    assert normalise("晋中宏达机械").place == "jinzhong"
    assert normalise("太原市宏达机械").place == normalise("太原宏达机械").place
    assert normalise("宏达机械公司").place is None


def test_normalising_a_stored_key_gives_the_key_back():
    for name in ("平遥县宏达机械有限公司", "平遥县机械厂", "宏达农业机械制造", "张三"):
        assert key(key(name)) == key(name)


def test_places_agree_unless_two_different_ones_are_named():
    assert places_agree(None, "140728") and places_agree("140728", "140728")
    assert places_agree("jinzhong", "140728")
    assert not places_agree("140728", "140781")
    assert not places_agree("jinzhong", "太原")


MUST_MATCH = [
    ("宏达机械公司", "平遥县宏达机械有限公司"),
    ("宏达机械", "宏达机械厂"),
    ("宏达机械", "宏达机械制造有限公司"),
    ("宏达农机", "宏达农业机械"),
    ("宏达", "宏达机械"),
    ("宏达五金机电", "宏达机电"),
    ("晋中宏达机械", "平遥宏达机械"),
    ("宏达机械（平遥）有限公司", "平遥县宏达机械厂"),
    ("Hongda Machinery Co., Ltd.", "HONGDA MACHINERY"),
    ("Hongda Machinery", "Hongda Machinary"),
    ("恒通达农业机械制造有限公司", "恒通达农业机械制造厂"),
    ("晋中市宏图伟业大展宏图机械有限公司", "宏图伟业大展鸿图机械"),
]
MUST_NOT_MATCH = [
    # A short trade name differing in one character is another firm, even a homophone a typist may
    # have meant: a false "same respondent" on a card misleads more than a missed one, which
    # /find 宏 still shows. Only a trade name of seven characters or more survives one typo.
    ("宏达机械", "宏大机械"),
    ("宏达机械", "宏远机械"),
    ("宏达机械", "宏达食品"),
    ("宏达机械制造", "宏达机械销售"),
    ("宏达建材", "宏达建筑"),
    ("平遥县宏达机械", "介休市宏达机械"),
    ("晋中宏达机械", "太原宏达机械"),
    ("宏达农业机械制造", "宏远农业机械制造"),
    ("宏达", "宏达兴"),
    ("晋中市祥和源食品有限责任公司", "祥和圆食品"),
    ("新宏达机械", "宏达机械"),
    ("张三", "张山"),
    ("Hongda", "Hongta"),
]


@pytest.mark.parametrize(("a", "b"), MUST_MATCH)
def test_names_of_one_firm_match_either_way(a, b):
    assert same(normalise(a), normalise(b)) and same(normalise(b), normalise(a))


@pytest.mark.parametrize(("a", "b"), MUST_NOT_MATCH)
def test_names_of_two_firms_do_not_match(a, b):
    assert not same(normalise(a), normalise(b)) and not same(normalise(b), normalise(a))


@pytest.mark.parametrize(("a", "b"), MUST_MATCH)
def test_the_first_pass_over_stored_keys_keeps_every_match(a, b):
    assert could_be(normalise(a), key(b))
    assert could_be(normalise(b), key(a))


def test_the_first_pass_reads_old_keys_that_kept_the_place():
    assert could_be(normalise("宏达机械公司"), "平遥县宏达机械")
    assert not could_be(normalise("宏大机械"), "平遥县宏达机械")


def test_clusters_group_one_firms_names_without_chaining():
    names = [normalise(n) for n in ("宏达机械", "平遥县宏达机械厂", "宏大机械", "宏达食品", "宏达机械公司")]
    assert clusters(names) == [[0, 1, 4], [2], [3]]
    assert clusters([normalise(n) for n in ("宏达", "宏达机械", "宏达食品")]) == [[0, 1, 2]]
    assert clusters([normalise(n) for n in ("宏达机械", "宏达", "宏达食品")]) == [[0, 1], [2]]
