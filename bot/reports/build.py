"""The report of a period: its tables, built from the SQL aggregates of `queries`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock.lead_clock import LeadClock, responsible_column
from bot.config import Config
from bot.dialogue.texts import Texts
from bot.reports import queries as q
from bot.reports.period import ReportPeriod
from bot.reports.tables import Cell, Table

KIND_LABELS = {
    "infringement": "专利侵权",
    "counterfeit": "假冒专利",
    "other_ip": "其他知识产权",
    "assistance": "维权援助",
}
STAGE_LABELS = {"accept": "受理", "file": "立案", "close": "结案"}
STATUS_ORDER = (
    "new",
    "returned",
    "accepted",
    "awaiting_info",
    "handed_up",
    "filed",
    "review",
    "closed",
    "rejected",
    "police",
    "referred",
)
CITY_WIDE = "全市"
COUNTY_TOTAL = "本县（市、区）合计"
TOTAL = "合计"


@dataclass(frozen=True)
class Report:
    period: ReportPeriod
    title: str
    tables: tuple[Table, ...]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    @property
    def by_key(self) -> dict[str, Table]:
        return {t.key: t for t in self.tables}


class ReportBuilder:
    def __init__(self, config: Config, texts: Texts, clock: LeadClock, now: Callable[[], datetime]) -> None:
        self.config = config
        self.texts = texts
        self.clock = clock
        self.now = now

    def queues(self, period: ReportPeriod) -> list[tuple[str, str]]:
        every = [(c.code, c.name) for c in (*self.config.counties, self.config.city)]
        return [(code, name) for code, name in every if period.county in (None, code)]

    def title(self, period: ReportPeriod) -> str:
        where = self.config.queues[period.county].name if period.county else CITY_WIDE
        return f"晋中市12330线索统计 · {period.label()}（{where}）"

    async def build(self, session: AsyncSession, period: ReportPeriod) -> Report:
        now = self.now()
        w = q.Window.of(period, self.clock.utc, now)
        queues = self.queues(period)
        overall = CITY_WIDE if period.county is None else COUNTY_TOTAL
        tables = [
            self._about(period, now),
            self._by_county_kind(await q.by_queue_and_kind(session, w), queues),
            *self._by_tags(await q.by_tag(session, w), await q.untagged_sector_by_kind(session, w)),
            self._by_status(await q.by_column(session, w, q.LeadRow.status)),
            self._outcomes(await q.outcomes(session, w)),
            self._stage_times(await q.stage_durations(session, w), queues, overall),
            self._on_time(
                await q.on_time(session, w),
                await q.open_and_late(session, w, responsible_column(self.clock)),
                queues,
                overall,
            ),
            self._overdue(await q.supervision(session, w), queues),
            self._satisfaction(await q.ratings(session, w), await q.reviews(session, w)),
            _pairs(
                "repeat_respondents", "多次被投诉的对象", "被投诉方", await q.repeated_respondents(session, w)
            ),
            _pairs("repeat_patents", "多次涉及的专利", "专利号", await q.repeated_patents(session, w)),
            self._by_month(await q.by_queue_and_month(session, w), queues, period),
        ]
        return Report(period, self.title(period), tuple(tables))

    def _about(self, period: ReportPeriod, now: datetime) -> Table:
        where = self.config.queues[period.county].name if period.county else "晋中市全部县（市、区）和市局"
        rows: tuple[tuple[Cell, ...], ...] = (
            ("报表", self.title(period)),
            ("期间", f"{period.start.isoformat()} 至 {period.end.isoformat()}（不含）"),
            ("范围", where),
            ("生成时间", self.clock.local(now).strftime("%Y-%m-%d %H:%M")),
            ("口径", "收到的线索按提交时间计；办结、用时、按期率、超期、评价按发生时间计；用时为工作日"),
            ("按期率", "期内结束的阶段中按期的比例；期限已过仍未办理的阶段计为超期"),
        )
        return Table("about", "说明", ("项目", "内容"), rows)

    def _by_county_kind(self, rows: list[Any], queues: list[tuple[str, str]]) -> Table:
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        for queue, kind, n in rows:
            counts[queue][kind] = n
        numbers = [[counts[code].get(k, 0) for k in q.KINDS] for code, _ in queues]
        numbers = [[*n, sum(n)] for n in numbers]
        totals = [sum(column) for column in zip(*numbers, strict=True)] if numbers else []
        body: list[tuple[Cell, ...]] = [(name, *n) for (_, name), n in zip(queues, numbers, strict=True)]
        body.append((TOTAL, *totals))
        columns = ("县区", *(KIND_LABELS[k] for k in q.KINDS), TOTAL)
        return Table("by_county_kind", "各县区线索数（按类别）", columns, tuple(body))

    def _by_tags(self, rows: list[Any], untagged: list[Any]) -> list[Table]:
        by_kind: dict[str, dict[str, int]] = defaultdict(dict)
        channels: dict[str, int] = defaultdict(int)
        for kind, tag, n in rows:
            prefix, _, value = tag.partition(":")
            if prefix == "sector":
                by_kind[kind][value] = n
            elif prefix == "channel":
                channels[value] += n
        for kind, n in untagged:
            by_kind[kind]["other"] = n
        sector_names = [self.texts.get(f"tag.{s}") for s in q.SECTORS]
        kind_sector = Table(
            "kind_sector",
            "各类线索所属领域",
            ("类别", *sector_names, "其他"),
            tuple((KIND_LABELS[k], *(by_kind[k].get(s, 0) for s in (*q.SECTORS, "other"))) for k in q.KINDS),
        )
        by_sector = Table(
            "by_sector",
            "重点领域线索数",
            ("领域", "线索数"),
            tuple(
                (name, sum(by_kind[k].get(s, 0) for k in q.KINDS))
                for s, name in zip(q.SECTORS, sector_names, strict=True)
            ),
        )
        by_channel = Table(
            "by_channel",
            "线索来源渠道",
            ("渠道", "线索数"),
            tuple((self.texts.get(f"tag.{c}"), channels.get(c, 0)) for c in q.CHANNELS),
        )
        return [kind_sector, by_sector, by_channel]

    def _by_status(self, rows: list[Any]) -> Table:
        counts = dict(rows)
        order = STATUS_ORDER
        body = tuple((self.texts.get(f"status.{s}"), counts.get(s, 0)) for s in order)
        return Table("by_status", "收到的线索目前的状态", ("状态", "线索数"), body)

    def _outcomes(self, rows: list[Any]) -> Table:
        closed: dict[str, tuple[int, int]] = {}
        ends: dict[str, int] = defaultdict(int)
        for status, outcome, n, fine in rows:
            if status == "closed" and outcome:
                closed[outcome] = (n, int(fine or 0))
            else:
                ends[status] += n
        body: list[tuple[Cell, ...]] = [
            (self.texts.get(f"outcome.{o}"), n, fine / 100 if fine else None)
            for o, (n, fine) in sorted(closed.items())
        ]
        for status in ("rejected", "police", "referred"):
            body.append((self.texts.get(f"status.{status}"), ends.get(status, 0), None))
        return Table("outcomes", "办结情况（本期办结）", ("结果", "件数", "罚款合计（元）"), tuple(body))

    def _stage_times(self, rows: list[Any], queues: list[tuple[str, str]], overall: str) -> Table:
        histograms: dict[tuple[str | None, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for queue, stage, days, n in rows:
            histograms[(queue, stage)][int(days)] += int(n)
            histograms[(None, stage)][int(days)] += int(n)
        columns = ["县区"]
        for stage in q.STAGES:
            columns += [f"{STAGE_LABELS[stage]}中位数", f"{STAGE_LABELS[stage]}P90"]
        everyone: list[tuple[str | None, str]] = [*queues, (None, overall)]
        body: list[tuple[Cell, ...]] = []
        for code, name in everyone:
            cells: list[Cell] = [name]
            for stage in q.STAGES:
                histogram = histograms.get((code, stage), {})
                cells += [q.nearest_rank(histogram, 0.5), q.nearest_rank(histogram, 0.9)]
            body.append(tuple(cells))
        return Table("stage_times", "办理用时（工作日，中位数与第90百分位）", tuple(columns), tuple(body))

    def _on_time(
        self, rows: list[Any], late: list[Any], queues: list[tuple[str, str]], overall: str
    ) -> Table:
        found = {(queue, stage): (int(n), int(ok or 0)) for queue, stage, n, ok in rows}
        for queue, stage, n in late:
            ended, ok = found.get((queue, stage), (0, 0))
            found[(queue, stage)] = (ended + int(n), ok)

        def rate(code: str | None, stage: str) -> float | None:
            pairs = [v for (c, s), v in found.items() if s == stage and (code is None or c == code)]
            n = sum(p[0] for p in pairs)
            return sum(p[1] for p in pairs) / n if n else None

        body = tuple((name, *(rate(code, s) for s in q.STAGES)) for code, name in (*queues, (None, overall)))
        columns = ("县区", *(f"{STAGE_LABELS[s]}及时率" for s in q.STAGES))
        return Table("on_time", "各阶段按期办理率", columns, body, frozenset({1, 2, 3}))

    def _overdue(self, rows: list[Any], queues: list[tuple[str, str]]) -> Table:
        found: dict[tuple[str, str], int] = {(queue, level): leads for queue, level, leads, _n in rows}
        body = [
            (
                name,
                found.get((code, "overdue"), 0),
                found.get((code, "escalate"), 0),
                found.get((code, "supervise"), 0) + found.get((code, "supervise2"), 0),
            )
            for code, name in queues
        ]
        body.sort(key=lambda r: (-int(r[1]), -int(r[2])))
        return Table(
            "overdue",
            "超期与督办（按超期线索数排序）",
            ("县区", "超期线索", "超期后再次提醒", "市局督办"),
            tuple(body),
        )

    def _satisfaction(self, ratings: Any, reviews: int) -> Table:
        count, mean, good = int(ratings[0] or 0), ratings[1], int(ratings[2] or 0)
        body: tuple[tuple[Cell, ...], ...] = (
            ("评价数", count),
            ("平均分", round(float(mean), 2) if mean is not None else None),
            ("4–5 分占比", good / count if count else None),
            ("申请复核", reviews),
        )
        return Table("satisfaction", "市民满意度", ("项目", "数值"), body)

    def _by_month(self, rows: list[Any], queues: list[tuple[str, str]], period: ReportPeriod) -> Table:
        found = {row[0]: row[1:] for row in rows}
        months = [a.strftime("%Y-%m") for a, _ in period.months()]
        body: list[tuple[Cell, ...]] = []
        for code, name in queues:
            body.append((name, *(int(v or 0) for v in found.get(code, (0,) * len(months)))))
        return Table("by_county_month", "各县区每月线索数", ("县区", *months), tuple(body))


def _pairs(key: str, title: str, what: str, rows: list[Any]) -> Table:
    return Table(key, title, (what, "线索数"), tuple((str(a), int(b)) for a, b in rows))
