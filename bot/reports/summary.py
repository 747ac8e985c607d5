"""The report as a message for the city group: the numbers a supervisor reads first, and the
counties with the most overdue leads named (通报). Within Telegram's 4096 characters."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.reports.build import KIND_LABELS, STAGE_LABELS, Report
from bot.reports.tables import Cell

TELEGRAM_LIMIT = 4096
NAMED_COUNTIES = 3


def _percent(value: Cell) -> str:
    return f"{float(value) * 100:.0f}%" if isinstance(value, int | float) else "—"


def _number(value: Cell) -> str:
    return "—" if value is None else str(value)


def most_overdue(rows: Sequence[Sequence[Cell]], named: int = NAMED_COUNTIES) -> list[tuple[str, int]]:
    """The counties to name, most overdue leads first: the first `named`, and any tied with the
    last of them (naming 太谷 and leaving out 祁县 with as many would be arbitrary)."""
    counts = sorted(((str(r[0]), int(r[1] or 0)) for r in rows if int(r[1] or 0) > 0), key=lambda p: -p[1])
    if not counts:
        return []
    least = counts[min(named, len(counts)) - 1][1]
    return [pair for pair in counts if pair[1] >= least]


def summary(report: Report) -> str:
    lines = [f"📊 <b>{escape(report.title)}</b>"]
    kinds = report.table("by_county_kind")
    total = kinds.rows[-1]
    parts = " · ".join(f"{KIND_LABELS[k]} {total[i + 1]}" for i, k in enumerate(KIND_LABELS))
    lines.append(f"收到线索 {total[-1]} 条：{parts}")

    outcomes = report.table("outcomes")
    ended = sum(int(r[1] or 0) for r in outcomes.rows)
    penalty = next((r for r in outcomes.rows if r[0] == "行政处罚"), None)
    fine = f"，罚款合计 {penalty[2]:,.2f} 元" if penalty and isinstance(penalty[2], float) else ""
    ends = " · ".join(f"{r[0]} {r[1]}" for r in outcomes.rows if r[1])
    lines.append(f"本期办结 {ended} 条" + (f"：{escape(ends)}" if ends else ""))
    if penalty:
        lines.append(f"行政处罚 {penalty[1]} 件{fine}")

    times = report.table("stage_times").rows[-1]  # the whole city's, or the county's
    medians = " · ".join(
        f"{label} {_number(times[1 + 2 * i])}" for i, label in enumerate(STAGE_LABELS.values())
    )
    lines.append(f"用时中位数（工作日）：{medians}")
    rates = report.table("on_time").rows[-1]
    lines.append(
        "按期率："
        + " · ".join(f"{label} {_percent(rates[i + 1])}" for i, label in enumerate(STAGE_LABELS.values()))
    )

    overdue = [r for r in report.table("overdue").rows if int(r[1] or 0) > 0]
    supervised = sum(int(r[3] or 0) for r in report.table("overdue").rows)
    if overdue:
        named = "、".join(f"{name}（{n} 条）" for name, n in most_overdue(overdue))
        count = sum(int(r[1] or 0) for r in overdue)
        lines.append(f"⚠️ 超期线索 {count} 条，市局督办 {supervised} 次。")
        lines.append(f"通报：超期最多的是 {escape(named)}")
    else:
        lines.append("本期没有超期线索。")

    s = {r[0]: r[1] for r in report.table("satisfaction").rows}
    mean, good = _number(s["平均分"]), _percent(s["4–5 分占比"])
    lines.append(
        f"满意度：评价 {s['评价数']} 条，平均 {mean} 分，4–5 分占 {good}，申请复核 {s['申请复核']} 件"
    )
    for key, label in (("repeat_respondents", "多次被投诉"), ("repeat_patents", "多次涉及的专利")):
        rows = report.table(key).rows[:5]
        if rows:
            lines.append(f"{label}：" + "、".join(f"{escape(str(r[0]))}（{r[1]} 条）" for r in rows))
    text = "\n".join(lines)
    return text if len(text) <= TELEGRAM_LIMIT else text[: TELEGRAM_LIMIT - 1] + "…"
