"""Reports for the city group (/report), for a county group (its own numbers) and the command line:
the period asked for, the report built in SQL, its summary, charts and workbook."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

from bot.casework.cases import Cases
from bot.leads.db import Database
from bot.reports.build import Report, ReportBuilder
from bot.reports.period import ReportPeriod, find_queue, parse_when, previous_month
from bot.reports.summary import summary

USAGE = "用法：/report 2026-11、/report 2026 或 /report 2026-11 平遥（不写时间：上个月）"


@dataclass(frozen=True)
class ReportFiles:
    text: str
    """The summary, HTML."""
    charts: list[tuple[str, bytes]]
    """(name, PNG) of each chart."""
    workbook: bytes
    workbook_name: str


class Reports:
    def __init__(self, cases: Cases, db: Database) -> None:
        self.cases = cases
        self.db = db
        self.builder = ReportBuilder(cases.config, cases.texts, cases.timing, cases.clock)

    def request(self, args: str, own_queue: str | None, today: date) -> ReportPeriod | str:
        """The period asked for in /report's words, or the usage text. A county group gets its
        own county's numbers whatever it names."""
        words = args.split()
        when = parse_when(words[0]) if words else previous_month(today)
        if when is None:
            return USAGE
        county = own_queue
        if len(words) > 1:
            names = {code: q.name for code, q in self.cases.config.queues.items()}
            named = find_queue(" ".join(words[1:]), names)
            if named is None:
                return f"没有找到县（市、区）“{' '.join(words[1:])}”。\n{USAGE}"
            if own_queue is not None and named != own_queue:
                return f"本群只能查看{names[own_queue]}的统计，请发送 /report {words[0]}"
            county = named
        return ReportPeriod(when[0], when[1], county)

    async def build(self, period: ReportPeriod) -> Report:
        async with self.db.transaction() as session:
            return await self.builder.build(session, period)

    async def files(self, period: ReportPeriod) -> ReportFiles:
        """Charts and workbook are drawn in a thread: matplotlib must not hold up the bot."""
        report = await self.build(period)
        charts, workbook = await asyncio.to_thread(_draw, report)
        name = f"12330-{period.year}{f'-{period.month:02d}' if period.month else ''}"
        name += f"-{period.county}" if period.county else ""
        return ReportFiles(summary(report), charts, workbook, f"{name}.xlsx")


def _draw(report: Report) -> tuple[list[tuple[str, bytes]], bytes]:
    from bot.reports.charts import render_charts
    from bot.reports.workbook import workbook_bytes

    charts = [(chart.name, chart.png) for chart in render_charts(report.by_key)]
    return charts, workbook_bytes(report.tables, report.title)
