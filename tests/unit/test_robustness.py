"""Any string gets a result and never an exception."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NASTY = [
    "",
    " ",
    "\x00\x01\x02\x1b[31m",
    "。。。！！！？？？",
    "😀🙏🏽👨‍👩‍👧" * 50,
    "\u202eمرحبا بالعالم\u202c שלום",
    "\ufeff\u200b\u200d",
    "专利" * 50_000,
    "ZL" + "1" * 10_000,
    "a" * 100_000,
    "\U0010ffff\U000e0001",
    "1.1.1.1.1.1.1.1",
    "CN" * 1000,
]


@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
def test_nasty_strings_are_understood_without_error(understander, faq_index, text):
    result = understander.understand(text)
    assert result.intent is not None
    assert 0.0 <= result.confidence <= 1.0
    faq_index.search(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_any_text_gets_an_understanding(understander, text):
    result = understander.understand(text)
    assert result.to_dict()["text"] == text
    assert 0.0 <= result.confidence <= 1.0


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_text_gets_a_faq_ranking(faq_index, text):
    result = faq_index.search(text)
    assert len(result.hits) <= 3
    assert all(0.0 <= hit.score <= 1.0 for hit in result.hits)
    assert not result.answered or result.hits


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 .-xXzZlLcCnN号码专利", max_size=60))
def test_any_digit_soup_parses_to_well_formed_numbers(text):
    from knowledge.patent_numbers import find_patent_numbers

    for number in find_patent_numbers(text):
        digits = number.normalized.split(".")[0].removeprefix("CN").rstrip("ABCUYS")
        assert len(digits) in (7, 8, 9, 12)
