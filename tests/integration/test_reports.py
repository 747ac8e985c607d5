"""The report's numbers against a hand-computed fixture, on the real database (SQLite, and
PostgreSQL when configured): period bounds in Jinzhong time, per-county tables, nearest-rank
percentiles, on-time rates, overdue naming, satisfaction, repeats; and its outputs."""

from __future__ import annotations

import io
from datetime import datetime

import pytest

from bot.composition import build_hotline
from bot.leads.models import (
    LeadEventRow,
    LeadPatentRow,
    LeadRow,
    LeadStageRow,
    LeadTagRow,
    SupervisionRow,
)
from bot.reports.period import ReportPeriod
from bot.reports.summary import summary
from tests.integration.conftest import staffed

PINGYAO, YUCI, CITY = "140728", "140702", "140700"
PATENT = "ZL201710601862.3"


def utc(*args: int) -> datetime:
    return datetime(*args)  # naive UTC, as stored


def lead(n: int, queue: str, kind: str, created: datetime, status: str, **more) -> LeadRow:
    values = dict(
        tracking_number=f"JZ-TEST-{n:04d}",
        kind=kind,
        status=status,
        queue_code=queue,
        route_reason="place_of_act",
        priority="normal",
        priority_reasons=[],
        sectors=[],
        channels=[],
        fields={},
        anonymous=False,
        chat_id=1000 + n,
        language="zh",
        evidence_count=0,
        accept_due=created.date(),
        close_due=created.date(),
        created_at=created,
        updated_at=created,
    )
    values.update(more)
    return LeadRow(**values)


def stage(
    lead_id: int, queue: str, name: str, days: int, on_time: bool, ended: datetime, by: str
) -> LeadStageRow:
    return LeadStageRow(
        lead_id=lead_id,
        queue_code=queue,
        kind="infringement",
        stage=name,
        started_at=ended,
        due_at=ended,
        ended_at=ended,
        ended_by=by,
        working_days=days,
        on_time=on_time,
    )


@pytest.fixture
async def fixture_db(db):
    nov = 2026, 11
    leads = [
        lead(
            1,
            PINGYAO,
            "infringement",
            utc(*nov, 3, 2),
            "closed",
            outcome="stop_infringement",
            closed_at=utc(*nov, 20, 2),
            respondent_key="宏达机械",
            rating=5,
            sectors=["food_drug"],
            channels=["ecommerce"],
        ),
        lead(
            2,
            PINGYAO,
            "counterfeit",
            utc(*nov, 10, 2),
            "closed",
            outcome="penalty",
            fine_fen=5_000_000,
            closed_at=utc(*nov, 25, 2),
            respondent_key="宏达机械",
            rating=2,
            channels=["market"],
        ),
        lead(3, YUCI, "counterfeit", utc(*nov, 15, 2), "filed", sectors=["safety"], channels=["exhibition"]),
        lead(4, CITY, "other_ip", utc(2026, 11, 30, 16, 30), "new"),  # 1 December, 00:30 in Jinzhong
        lead(5, YUCI, "assistance", utc(2026, 10, 31, 16, 30), "accepted"),  # 1 November, 00:30
        lead(6, PINGYAO, "infringement", utc(*nov, 5, 2), "police", closed_at=utc(*nov, 28, 2)),
        lead(7, YUCI, "infringement", utc(2026, 10, 1), "new", stage="accept", due_at=utc(*nov, 20)),
    ]
    async with db.transaction() as s:
        s.add_all(leads)
        await s.flush()
        ids = {row.tracking_number[-1]: row.id for row in leads}
        for row in leads:
            for tag in [f"sector:{x}" for x in row.sectors] + [f"channel:{x}" for x in row.channels]:
                s.add(LeadTagRow(lead_id=row.id, tag=tag))
        s.add_all(
            [LeadPatentRow(lead_id=ids["1"], number=PATENT), LeadPatentRow(lead_id=ids["2"], number=PATENT)]
        )
        in_nov = utc(*nov, 20, 3)
        s.add_all(
            [
                stage(ids["1"], PINGYAO, "accept", 1, True, in_nov, "accept"),
                stage(ids["2"], PINGYAO, "accept", 2, True, in_nov, "accept"),
                stage(ids["6"], PINGYAO, "accept", 3, True, in_nov, "accept"),
                stage(ids["6"], PINGYAO, "accept", 5, False, in_nov, "accept"),
                stage(ids["6"], PINGYAO, "accept", 9, False, in_nov, "transfer"),  # counts for on-time only
                stage(ids["1"], PINGYAO, "file", 4, True, in_nov, "file"),
                stage(ids["1"], PINGYAO, "close", 10, True, in_nov, "close"),
                stage(ids["6"], PINGYAO, "close", 30, True, in_nov, "police"),
                stage(ids["3"], YUCI, "accept", 2, True, in_nov, "accept"),
                stage(ids["3"], YUCI, "accept", 7, True, utc(2026, 10, 2), "accept"),  # October
            ]
        )
        for lead_id, queue, level, at in [
            (ids["1"], PINGYAO, "overdue", in_nov),
            (ids["6"], PINGYAO, "overdue", in_nov),
            (ids["6"], PINGYAO, "escalate", in_nov),
            (ids["6"], PINGYAO, "supervise", in_nov),
            (ids["3"], YUCI, "overdue", in_nov),
            (ids["3"], YUCI, "overdue", utc(2026, 10, 20)),
        ]:
            s.add(
                SupervisionRow(
                    lead_id=lead_id, queue_code=queue, stage="accept", due_at=at, level=level, at=at
                )
            )
        for lead_id, action, at in [
            (ids["1"], "rate", utc(*nov, 21)),
            (ids["2"], "rate", utc(*nov, 26)),
            (ids["2"], "request_review", utc(*nov, 26)),
        ]:
            s.add(LeadEventRow(lead_id=lead_id, at=at, actor="citizen", action=action, detail={}))
    return db


@pytest.fixture
def reports(config, core, fixture_db):
    return build_hotline(staffed(config), core=core, db=fixture_db).reports


def rows_of(report, key: str) -> dict[str, tuple]:
    return {row[0]: row[1:] for row in report.table(key).rows}


async def test_leads_are_counted_per_county_and_kind_within_the_month_in_jinzhong_time(reports):
    report = await reports.build(ReportPeriod(2026, 11))
    counts = rows_of(report, "by_county_kind")
    assert counts["平遥县"] == (2, 1, 0, 0, 3)
    assert counts["榆次区"] == (0, 1, 0, 1, 2)  # lead 5 came on 1 November, local time
    assert counts["晋中市局"] == (0, 0, 0, 0, 0)  # lead 4 came on 1 December, local time
    assert counts["合计"] == (2, 2, 0, 1, 5)
    december = rows_of(await reports.build(ReportPeriod(2026, 12)), "by_county_kind")
    assert december["晋中市局"][-1] == 1 and december["合计"][-1] == 1


async def test_sectors_channels_statuses_and_outcomes_are_counted(reports):
    report = await reports.build(ReportPeriod(2026, 11))
    assert rows_of(report, "kind_sector")["专利侵权"] == (1, 0, 0, 0, 1)
    assert rows_of(report, "kind_sector")["假冒专利"] == (0, 0, 1, 0, 1)
    assert rows_of(report, "by_channel") == {"电商": (1,), "专业市场": (1,), "展会": (1,)}
    assert rows_of(report, "by_status")["已结案"] == (2,) and rows_of(report, "by_status")["已移送公安"] == (
        1,
    )
    outcomes = rows_of(report, "outcomes")
    assert outcomes["行政处罚"] == (1, 50000.0) and outcomes["责令停止侵权"] == (1, None)
    assert outcomes["已移送公安"] == (1, None)


async def test_stage_times_are_nearest_rank_medians_and_90th_percentiles_in_working_days(reports):
    times = rows_of(await reports.build(ReportPeriod(2026, 11)), "stage_times")
    # Pingyao accepted in 1, 2, 3, 5 days (the transfer does not count as accepting)
    assert times["平遥县"] == (2, 5, 4, 4, 10, 30)
    assert times["榆次区"][:2] == (2, 2)
    assert times["全市"][:2] == (2, 5)  # 1, 2, 2, 3, 5


async def test_on_time_rates_count_every_stage_that_ended(reports):
    rates = rows_of(await reports.build(ReportPeriod(2026, 11)), "on_time")
    assert rates["平遥县"] == (0.6, 1.0, 1.0)  # 3 of 5 acceptances, the transfer included
    assert rates["榆次区"] == (0.5, None, None)  # lead 7's acceptance is still open, its deadline passed
    assert rates["全市"][0] == pytest.approx(4 / 7)


async def test_the_counties_with_most_overdue_leads_come_first_and_are_named(reports):
    report = await reports.build(ReportPeriod(2026, 11))
    overdue = report.table("overdue").rows
    assert overdue[0] == ("平遥县", 2, 1, 1) and overdue[1] == ("榆次区", 1, 0, 0)
    text = summary(report)
    assert "通报：超期最多的是 平遥县（2 条）、榆次区（1 条）" in text
    assert "收到线索 5 条" in text and "罚款合计 50,000.00 元" in text


async def test_satisfaction_and_repeated_respondents_and_patents(reports):
    report = await reports.build(ReportPeriod(2026, 11))
    assert rows_of(report, "satisfaction") == {
        "评价数": (2,),
        "平均分": (3.5,),
        "4–5 分占比": (0.5,),
        "申请复核": (1,),
    }
    assert rows_of(report, "repeat_respondents") == {"宏达机械": (2,)}
    assert rows_of(report, "repeat_patents") == {PATENT: (2,)}


async def test_a_county_report_holds_that_county_alone(reports):
    report = await reports.build(ReportPeriod(2026, 11, PINGYAO))
    assert list(rows_of(report, "by_county_kind")) == ["平遥县", "合计"]
    assert [r[0] for r in report.table("overdue").rows] == ["平遥县"]
    assert rows_of(report, "stage_times")["本县（市、区）合计"] == rows_of(report, "stage_times")["平遥县"]
    assert "（平遥县）" in report.title


async def test_a_yearly_report_has_a_column_for_each_month(reports):
    report = await reports.build(ReportPeriod(2026))
    monthly = report.table("by_county_month")
    assert monthly.columns[1] == "2026-01" and monthly.columns[-1] == "2026-12"
    assert rows_of(report, "by_county_month")["平遥县"][10] == 3
    assert rows_of(report, "by_county_month")["晋中市局"][11] == 1
    assert rows_of(report, "by_county_kind")["合计"][-1] == 7


async def test_the_report_files_are_a_summary_three_charts_and_a_workbook(reports):
    from openpyxl import load_workbook

    files = await reports.files(ReportPeriod(2026, 11))
    assert len(files.text) <= 4096 and files.workbook_name == "12330-2026-11.xlsx"
    assert [name for name, _ in files.charts] == ["leads_per_county_month", "on_time_rate", "kinds_by_sector"]
    assert all(png.startswith(b"\x89PNG") for _, png in files.charts)
    book = load_workbook(io.BytesIO(files.workbook))
    assert len(book.sheetnames) == 14 and book.sheetnames[0] == "说明"
    assert "2026年11月" in book.worksheets[0]["B2"].value and book.worksheets[1]["B2"].value == 0


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("2026-11", ReportPeriod(2026, 11)),
        ("2026", ReportPeriod(2026)),
        ("2026-11 平遥", ReportPeriod(2026, 11, PINGYAO)),
        ("2026-11 140702", ReportPeriod(2026, 11, YUCI)),
        ("", ReportPeriod(2026, 11)),
    ],
)
def test_report_words_name_a_month_or_a_year_and_perhaps_a_county(reports, words, expected):
    from datetime import date

    assert reports.request(words, None, date(2026, 12, 2)) == expected


def test_a_county_group_gets_its_own_numbers_and_bad_words_get_the_usage(reports):
    from datetime import date

    assert reports.request("2026", PINGYAO, date(2026, 12, 2)) == ReportPeriod(2026, None, PINGYAO)
    assert reports.request("2026 平遥", PINGYAO, date(2026, 12, 2)) == ReportPeriod(2026, None, PINGYAO)
    assert "只能查看平遥县" in reports.request("2026 榆次", PINGYAO, date(2026, 12, 2))
    assert "没有找到县（市、区）“北京”" in reports.request("2026-11 北京", None, date(2026, 12, 2))
    for words in ("11月", "2026-13"):
        assert "用法" in reports.request(words, None, date(2026, 12, 2))
