import re
from datetime import date
from pathlib import Path

import pytest

from bot.config import ConfigError, FairConfig, parse_config
from bot.leads import fairs, foreign
from bot.leads.models import LeadRow

ROOT = Path(__file__).resolve().parents[2]
PIP = FairConfig(
    "平遥国际摄影大展", "140728", "2026-09-19", "2026-09-25", ("摄影大展", "PIP"), -100900, (901, 902)
)
FARM = FairConfig("晋中农机博览会", "140702", "2026-09-24", "2026-09-28", ("农机展",), -100901, ())
DURING, BOTH_ON, AFTER = date(2026, 9, 20), date(2026, 9, 24), date(2026, 9, 26)


@pytest.mark.parametrize(
    ("text", "by"),
    [
        ("在平遥国际摄影大展上看到有人卖仿我专利的三脚架", "平遥国际摄影大展"),
        ("摄影大展 上一家卖相机包的抄了我的外观设计", "摄影大展"),
        ("Someone at PIP copies my patented tripod", "PIP"),
        ("展位 A12 的老板卖假冒专利的产品", "booth"),
        ("3号摊位卖仿冒我专利的镜头盖", "booth"),
        ("booth B7 sells copies of our patented lamp", "booth"),
    ],
)
def test_a_complaint_during_the_fair_names_it_by_name_alias_or_booth(text, by):
    match = fairs.named_fair([PIP], [text], DURING)
    assert match is not None and (match.fair.name, match.by) == ("平遥国际摄影大展", by)


@pytest.mark.parametrize("text", ["有人仿我专利", "我的水管 pipe 专利被仿了", "我在展会上看到仿冒品"])
def test_a_complaint_that_names_neither_fair_nor_booth_matches_no_fair(text):
    assert fairs.named_fair([PIP], [text], DURING) is None


def test_outside_the_fairs_dates_nothing_matches():
    assert fairs.named_fair([PIP], ["平遥国际摄影大展 展位A12"], AFTER) is None
    assert fairs.named_fair([PIP], ["平遥国际摄影大展"], date(2026, 9, 18)) is None


def test_of_two_fairs_on_the_one_named_wins_and_a_booth_alone_takes_the_first():
    assert fairs.named_fair([PIP, FARM], ["农机展上有人仿我的专利"], BOTH_ON).fair is FARM
    assert fairs.named_fair([PIP, FARM], ["展位A3有人仿我的专利"], BOTH_ON).fair is PIP


def test_the_venue_is_the_place_only_when_the_citizen_gave_none():
    match = fairs.named_fair([PIP], ["摄影大展"], DURING)
    assert fairs.routing_fields({"county": "unknown"}, match)["county"] == "140728"
    assert fairs.routing_fields({}, match)["county"] == "140728"
    assert fairs.routing_fields({"county": "140781"}, match)["county"] == "140781"
    assert fairs.routing_fields({"county": "outside"}, match)["county"] == "outside"
    assert fairs.routing_fields({"county": "unknown"}, None)["county"] == "unknown"


def test_a_fair_table_in_config_reads_its_aliases_and_on_site_team():
    text = (ROOT / "config.toml").read_text(encoding="utf-8").replace("fairs = []\n", "", 1)
    table = (
        '[[fairs]]\nname = "平遥国际摄影大展"\naliases = ["摄影大展"]\ncounty_code = "140728"\n'
        'starts = "2026-09-19"\nends = "2026-09-25"\nchat_id = -100900\nstaff_ids = [901]\n'
    )
    config = parse_config(text + "\n" + table)
    assert config.fairs[0].aliases == ("摄影大展",)
    assert (config.fairs[0].chat_id, config.fairs[0].staff_ids) == (-100900, (901,))
    with pytest.raises(ConfigError, match=re.escape("fairs[0].chat_id: missing")):
        parse_config(text + "\n" + table.replace("chat_id = -100900\n", ""))


def lead(language="zh", phone=None, **fields) -> LeadRow:
    return LeadRow(language=language, contact_phone=phone, fields=fields)


@pytest.mark.parametrize(
    ("row", "why"),
    [
        (lead("en", description="Someone copies our patented lamp at booth B7"), ["english"]),
        (lead(phone="+4915112345678", description="有人仿我专利"), ["phone"]),
        (lead(description="有人仿我专利，我的电话 +81 90 1234 5678"), ["phone"]),
        (lead(respondent="德国某某机械公司"), ["named"]),
        (lead(respondent="Hansen Maschinenbau GmbH"), ["named"]),
        (lead(description="一家外资企业的展位卖仿冒品"), ["named"]),
    ],
)
def test_english_a_foreign_phone_or_a_foreign_company_makes_a_lead_foreign_related(row, why):
    assert foreign.reasons(row) == why


@pytest.mark.parametrize(
    "row",
    [
        lead(phone="+86-13912345678", respondent="平遥县宏达机械有限公司"),
        lead(respondent="华美国际贸易有限公司", description="卖10 kg装的仿冒化肥"),
        lead(respondent="Pingyao Hongda Machinery Co., Ltd.", description="有人仿我专利"),
    ],
)
def test_a_chinese_lead_with_international_in_a_name_is_not_foreign_related(row):
    assert not foreign.is_foreign(row)
