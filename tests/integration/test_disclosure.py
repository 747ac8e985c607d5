"""Public disclosure of the year's penalties: what it shows, and that no complainant's, reporter's
or staff member's data reaches any format (every personal field is filled with a marked value)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from bot.composition import build_hotline
from bot.leads.models import LeadEventRow, LeadRow
from bot.reports.disclosure import FORMATS, penalty_cases, public_party, render
from tests.integration.conftest import staffed
from tests.integration.test_console_and_register import hotline as run_hotline
from tests.integration.test_console_and_register import workdir

MARKS = ("MARK", "13900000001", "110101199001011234", "987654321", "赵小明", "小明")


def penalty(n: int, party: str, closed: datetime, **more) -> LeadRow:
    values = dict(
        tracking_number=f"JZ-DISC-{n:04d}",
        kind="counterfeit",
        status="closed",
        queue_code="140728",
        route_reason="place_of_act",
        priority="normal",
        priority_reasons=[],
        sectors=[],
        channels=[],
        fields={
            "description": "MARK-DESC 举报人自述",
            "respondent": "MARK-RESP 被举报店铺",
            "product": "MARK-PRODUCT",
            "claim": "MARK-CLAIM",
            "id_number": "110101199001011234",
            "shop": "MARK-SHOP",
        },
        contact_name="MARK-NAME 张大山",
        contact_phone="13900000001",
        anonymous=False,
        chat_id=987654321,
        language="zh",
        evidence_count=0,
        accept_due=closed.date(),
        close_due=closed.date(),
        accepted_by=987654321,
        handler_id=987654321,
        case_number=f"平遥县知执立〔2026〕{n:03d}号",
        outcome="penalty",
        fine_fen=2_000_000,
        outcome_note="MARK-NOTE 内部意见",
        rating=5,
        rating_comment="MARK-COMMENT 市民留言",
        penalised_party=party,
        closed_at=closed,
        created_at=closed,
        updated_at=closed,
    )
    values.update(more)
    return LeadRow(**values)


@pytest.fixture
async def disclosed(db, config, core):
    service = build_hotline(staffed(config), core=core, db=db)
    async with db.transaction() as s:
        rows = [
            penalty(1, "平遥县好运来超市有限公司", datetime(2026, 3, 2, 2)),
            penalty(2, "赵小明", datetime(2026, 12, 31, 15, 59)),  # 23:59 on 31 December in Jinzhong
            penalty(3, "平遥县另一家公司", datetime(2026, 12, 31, 16, 1)),  # 1 January 2027 there
            penalty(4, "不公开的撤回案", datetime(2026, 5, 1), outcome="withdrawn", fine_fen=None),
        ]
        s.add_all(rows)
        await s.flush()
        s.add(
            LeadEventRow(
                lead_id=rows[0].id,
                actor="staff:987654321",
                action="close",
                detail={"name": "MARK-STAFF 王科长"},
            )
        )
    async with db.transaction() as s:
        return await penalty_cases(s, service.config, 2026, service.cases.timing)


async def test_the_years_penalties_are_listed_by_decision_date_in_jinzhong_time(disclosed):
    assert [(c.case_number, c.decided_on) for c in disclosed] == [
        ("平遥县知执立〔2026〕001号", "2026-03-02"),
        ("平遥县知执立〔2026〕002号", "2026-12-31"),
    ]
    first = disclosed[0]
    assert (first.office, first.party, first.act, first.penalty) == (
        "平遥县",
        "平遥县好运来超市有限公司",
        "假冒专利",
        "罚款20,000元",
    )
    assert first.basis == "《中华人民共和国专利法》第六十八条"
    assert disclosed[1].party == "赵某"


@pytest.mark.parametrize("fmt", FORMATS)
async def test_no_personal_or_internal_data_reaches_any_format(disclosed, fmt):
    text = render(disclosed, fmt, "行政处罚案件信息公开（2026年）")
    assert "平遥县知执立〔2026〕001号" in text and "赵某" in text
    leaked = [mark for mark in MARKS if mark in text]
    assert leaked == [], f"{fmt} shows {leaked}"


def test_json_csv_and_html_are_safe_to_open():
    from bot.reports.disclosure import DisclosedCase

    case = DisclosedCase("=1+1", "2026-01-02", "平遥县", "某公司", "假冒专利", "第六十八条", "罚款1元")
    assert json.loads(render([case], "json", "t"))["cases"][0]["case_number"] == "=1+1"
    assert render([case], "csv", "t").splitlines()[1].startswith("'=1+1,")  # not a formula
    assert "&lt;b&gt;" in render([DisclosedCase("<b>", "", "", "", "", "", "")], "html", "t")


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("平遥县好运来超市有限公司", "平遥县好运来超市有限公司"),
        ("介休市张记五金店", "介休市张记五金店"),
        ("Shanxi Trading Co., Ltd.", "Shanxi Trading Co., Ltd."),
        ("张三", "张某"),
        ("欧阳小雨", "欧阳某"),
        ("王五金", "王某"),
        ("个体户张某某", "个体户张某"),
        ("个体工商户：李建国", "个体工商户李某"),
        ("", "（未填写）"),
    ],
)
def test_an_organisation_is_named_and_a_natural_person_masked(name, shown):
    assert public_party(name) == shown


def test_the_disclose_command_writes_each_format(tmp_path):
    cwd = workdir(tmp_path)
    for fmt in FORMATS:
        out = run_hotline(cwd, "disclose", "--year", "2026", "--format", fmt, "--out", f"d.{fmt}")
        assert out.returncode == 0 and out.stdout == "", out.stderr
        assert "0 penalty cases" in out.stderr and (cwd / f"d.{fmt}").read_text(encoding="utf-8")
