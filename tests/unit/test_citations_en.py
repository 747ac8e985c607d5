"""The legal basis of an English answer is cited in English."""

import re

import pytest

from knowledge.citations_en import article_en, chinese_number, version_en
from knowledge.faq import load_default_faq

HAN = re.compile(r"[\u3400-\u9fff]")


@pytest.mark.parametrize("entry", load_default_faq(), ids=lambda e: e.id)
def test_every_english_basis_names_its_laws_in_english_with_no_chinese_left(entry):
    cited = entry.citations("en")
    assert not HAN.search(cited), cited
    assert cited.count(";") == len(entry.basis) - 1
    assert all(part.strip() for part in cited.split(";"))


@pytest.mark.parametrize(
    ("chinese", "number"),
    [("二", 2), ("十", 10), ("十六", 16), ("二十", 20), ("一百零一", 101), ("二百二十", 220)],
)
def test_chinese_article_numbers_are_read_as_numbers(chinese, number):
    assert chinese_number(chinese) == number


def test_articles_paragraphs_items_ranges_and_the_old_text_are_rendered():
    assert article_en("第一百零一条第一款第（一）项、第二款（2010年版第八十四条）") == (
        "Article 101(1)(1), (2) (Article 84 of the 2010 text)"
    )
    assert article_en("第四十五条至第四十七条") == "Article 45 to Article 47"


def test_a_version_keeps_its_edition_and_dates_and_says_when_to_check_the_official_text():
    assert version_en("2020年修正，2021-06-01施行") == "2020 amendment, in force 2021-06-01"
    assert version_en("国知发管字〔2009〕115号，2009-06-09，以官方最新文本为准") == (
        "2009-06-09, check the latest official text"
    )
