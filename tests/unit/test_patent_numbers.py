from datetime import date

import pytest

from knowledge.patent_numbers import (
    NumberType,
    PatentKind,
    check_digit,
    estimate_term,
    find_patent_numbers,
    parse_patent_number,
    term_end,
    term_years,
)

# The sheet's worked examples (facts sheet 6.9): every one must check out.
SHEET_EXAMPLES = [
    "201710601862.3", "95115608.X", "97101765.4", "200920182473.2",
    "201420660550.1", "201830251564.1", "201310699744.2", "90101673.X",
]


@pytest.mark.parametrize("number", SHEET_EXAMPLES)
def test_the_fact_sheet_examples_have_valid_check_digits(number):
    digits, check = number.split(".")
    assert check_digit(digits) == check


@pytest.mark.parametrize("made_up", ["202010123456.7", "202410123456.7"])
def test_made_up_numbers_from_the_web_fail_the_check(made_up):
    parsed = parse_patent_number(made_up)
    assert parsed is not None and parsed.valid is False


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("ZL201710601862.3", "201710601862.3"),
        ("zl201710601862.3", "201710601862.3"),
        ("ZL 2017 1060 1862.3", "201710601862.3"),
        ("ＺＬ２０１７１０６０１８６２．３", "201710601862.3"),
        ("CN201710601862.3", "201710601862.3"),
        ("201710601862。3", "201710601862.3"),
        ("2017106018623", "201710601862.3"),
        ("ZL2013106997442", "201310699744.2"),
        ("201710601862", "201710601862"),
        ("95115608.x", "95115608.X"),
        ("95115608X", "95115608.X"),
        ("cn108123456a", "CN108123456A"),
        ("CN 2123456 U", "CN2123456U"),
        ("CN108123456B1", "CN108123456B"),
        ("二零一七一零六零一八六二点三", "201710601862.3"),
        ("二零幺四幺零三四五六七三点零", "201410345673.0"),
        ("二零一九 三零四五 六一二三 点叉", "201930456123.X"),
        ("专利号我找一下……2016 2 0661260.8", "201620661260.8"),
        ("ZL20222O646933.8", "202220646933.8"),
        ("202320112233点5 这个专利", "202320112233.5"),
        ("2020 3 1065020 X 查一下", "202031065020.X"),
        ("CN 113 456 789 A 这个发明", "CN113456789A"),
    ],
)
def test_numbers_are_recognised_in_every_form_people_type(typed, normalized):
    parsed = parse_patent_number(typed)
    assert parsed is not None
    assert parsed.normalized == normalized


@pytest.mark.parametrize(
    "text",
    [
        "我的电话13812345678",
        "我是一九八零年出生的，二零一九年三月买的",
        "座机0354-3012345",
        "身份证号11010519491231002X",
        "日期20240501",
        "2024-05-01 那天",
        "淘宝订单号3498213456789012",
        "快递单号YT1234567890123",
        "价格12330元",
    ],
)
def test_phones_ids_dates_and_order_numbers_are_not_patent_numbers(text):
    assert find_patent_numbers(text) == []


def test_numbers_are_found_in_order_beside_a_phone_number():
    found = find_patent_numbers("电话13812345678，专利ZL201710601862.3和CN2123456U")
    assert [p.normalized for p in found] == ["201710601862.3", "CN2123456U"]


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("201710601862.3", PatentKind.INVENTION),
        ("201820123456", PatentKind.UTILITY_MODEL),
        ("201830251564.1", PatentKind.DESIGN),
        ("201880012345", PatentKind.PCT_INVENTION),
        ("201890012345", PatentKind.PCT_UTILITY_MODEL),
        ("CN2123456U", PatentKind.UTILITY_MODEL),
        ("CN305123456S", PatentKind.DESIGN),
    ],
)
def test_the_kind_comes_from_the_kind_digit_or_code(number, kind):
    parsed = parse_patent_number(number)
    assert parsed is not None and parsed.kind is kind


def test_publication_numbers_have_no_check_digit():
    parsed = parse_patent_number("CN108123456A")
    assert parsed is not None
    assert parsed.number_type is NumberType.PUBLICATION and parsed.valid is None


def test_a_design_filed_before_june_2021_has_ten_years_and_after_fifteen():
    assert term_years(PatentKind.DESIGN, date(2021, 5, 31)) == 10
    assert term_years(PatentKind.DESIGN, date(2021, 6, 1)) == 15
    assert term_end(PatentKind.DESIGN, date(2021, 6, 1)) == date(2036, 6, 1)


def test_inventions_last_twenty_years_and_utility_models_ten():
    assert term_end(PatentKind.INVENTION, date(2017, 3, 2)) == date(2037, 3, 2)
    assert term_end(PatentKind.UTILITY_MODEL, date(2016, 2, 29)) == date(2026, 2, 28)


def test_the_term_estimate_from_a_number_uses_its_filing_year():
    term = estimate_term(parse_patent_number("201710601862.3"))  # type: ignore[arg-type]
    assert (term.years, term.end_year) == (20, 2037)


def test_a_2021_design_number_alone_cannot_tell_ten_from_fifteen_years():
    term = estimate_term(parse_patent_number("202130123456"))  # type: ignore[arg-type]
    assert term.years is None and term.note == "design_2021_depends_on_date"


@pytest.mark.parametrize("text", ["下午3点5分到", "2019年3点5", "202031065021 X光机"])
def test_a_time_with_dian_or_an_x_that_is_not_the_check_digit_is_not_part_of_a_number(text):
    assert all(not p.normalized.endswith((".5", ".X")) for p in find_patent_numbers(text))
