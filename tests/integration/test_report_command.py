"""`hotline report` as the city's statistician runs it: the summary and tables on standard output,
the workbook and charts where asked."""

from __future__ import annotations

from openpyxl import load_workbook

from tests.integration.test_console_and_register import hotline, workdir
from tests.integration.test_supervise_command import a_lead_made_on_monday_7_december


async def test_a_monthly_report_prints_its_tables_and_writes_the_workbook_and_charts(tmp_path, core):
    cwd = workdir(tmp_path)
    await a_lead_made_on_monday_7_december(cwd, core)
    out = hotline(
        cwd, "report", "--month", "2026-12", "--county", "平遥", "--xlsx", "r.xlsx", "--png", "charts"
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("📊 晋中市12330线索统计 · 2026年12月（平遥县）")
    assert "收到线索 1 条：专利侵权 1" in out.stdout
    assert sorted(p.name for p in (cwd / "charts").iterdir()) == [
        "kinds_by_sector.png",
        "leads_per_county_month.png",
        "on_time_rate.png",
    ]
    sheet = load_workbook(cwd / "r.xlsx").worksheets[1]
    assert [c.value for c in sheet[2]] == ["平遥县", 1, 0, 0, 0, 1]

    tables = hotline(cwd, "report", "--year", "2026")
    assert tables.returncode == 0 and "== 各县区每月线索数 ==" in tables.stdout


def test_a_month_that_is_not_one_is_refused(tmp_path):
    out = hotline(workdir(tmp_path), "report", "--month", "2026-13")
    assert out.returncode == 2 and "--month" in out.stderr


async def test_a_backup_of_the_running_database_holds_its_leads_and_is_the_services_alone(tmp_path, core):
    import os
    import sqlite3
    import stat

    cwd = workdir(tmp_path)
    await a_lead_made_on_monday_7_december(cwd, core)
    out = hotline(cwd, "db", "backup", "copy.db")
    assert out.returncode == 0, out.stderr
    assert stat.S_IMODE(os.stat(cwd / "copy.db").st_mode) == 0o600
    with sqlite3.connect(cwd / "copy.db") as copy:
        assert copy.execute("SELECT count(*) FROM leads").fetchone() == (1,)
    again = hotline(cwd, "db", "backup", "copy.db")
    assert again.returncode == 1 and "exists" in again.stderr
