"""Public disclosure of administrative penalties (行政处罚案件信息公开), as the campaign plan asks.

Only what a penalty decision makes public: the case number, the decision date, the office that
decided, the penalised party (an organisation by name; a natural person masked to the surname,
张某), the act, its legal basis and the penalty. Read from columns staff entered at 结案 and from
the lead's kind, never from what the complainant wrote: no complainant's or reporter's data, and
no staff names, can reach it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from html import escape

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.casework.cards import yuan
from bot.clock.lead_clock import LeadClock
from bot.config import Config
from bot.leads.models import LeadRow

FORMATS = ("csv", "json", "html")
COLUMNS = {
    "case_number": "案件编号（立案号）",
    "decided_on": "决定日期",
    "office": "办案单位",
    "party": "当事人",
    "act": "违法行为",
    "basis": "处罚依据",
    "penalty": "处罚内容",
}
ACTS = {"counterfeit": "假冒专利"}
BASIS = {"counterfeit": "《中华人民共和国专利法》第六十八条"}  # facts 1.21
"""Penalties are for counterfeiting alone: infringement disputes carry none (facts 1.16, 1.17)."""
_ORGANISATION = re.compile(
    r"(公司|厂|店|行|社|中心|部|馆|超市|商场|市场|集团|企业|工作室|研究所|院|校|协会|站|场|"
    r"co\b|co\.|ltd|inc\b|llc|gmbh|company|corporation|limited)",
    re.IGNORECASE,
)
_COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "司徒",
    "夏侯",
)


@dataclass(frozen=True)
class DisclosedCase:
    case_number: str
    decided_on: str
    office: str
    party: str
    act: str
    basis: str
    penalty: str


_PERSON_ROLE = re.compile(r"^(个体工商户|个体户|自然人|当事人|业主|经营者)[：:\s]*")
"""Words staff write before a person's name; kept, while the name is masked."""


def public_party(name: str | None) -> str:
    """An organisation as named; anyone else as a natural person, masked to the surname (张某).
    When in doubt it is masked: disclosing too little is the safe error."""
    name = (name or "").strip()
    if not name:
        return "（未填写）"
    if _ORGANISATION.search(name) and len(name) > 3:
        return name
    role = _PERSON_ROLE.match(name)
    if role and name[role.end() :].strip():
        return role.group(1) + public_party(name[role.end() :])  # 个体户张某某 → 个体户张某
    surname = next((s for s in _COMPOUND_SURNAMES if name.startswith(s) and len(name) > 2), name[0])
    return f"{surname}某"


async def penalty_cases(
    session: AsyncSession, config: Config, year: int, clock: LeadClock
) -> list[DisclosedCase]:
    """Closed cases with an administrative penalty decided in `year` (local time), oldest first."""
    start = clock.utc(datetime.combine(date(year, 1, 1), time()))
    end = clock.utc(datetime.combine(date(year + 1, 1, 1), time()))
    query = (
        select(LeadRow)
        .where(
            LeadRow.status == "closed",
            LeadRow.outcome == "penalty",
            LeadRow.closed_at >= start,
            LeadRow.closed_at < end,
        )
        .order_by(LeadRow.closed_at, LeadRow.id)
    )
    cases = []
    for lead in (await session.execute(query)).scalars():
        assert lead.closed_at is not None
        penalty = f"罚款{yuan(lead.fine_fen)}元" if lead.fine_fen else "责令改正"
        cases.append(
            DisclosedCase(
                case_number=lead.case_number or "",
                decided_on=clock.local(lead.closed_at).date().isoformat(),
                office=config.queues[lead.queue_code].name,
                party=public_party(lead.penalised_party),
                act=ACTS.get(lead.kind, "—"),
                basis=BASIS.get(lead.kind, "—"),
                penalty=penalty,
            )
        )
    return cases


def render(cases: list[DisclosedCase], fmt: str, title: str) -> str:
    rows = [asdict(c) for c in cases]
    if fmt == "json":
        return json.dumps({"title": title, "cases": rows}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS.values())
        writer.writerows([_safe_cell(str(r[k])) for k in COLUMNS] for r in rows)
        return out.getvalue()
    head = "".join(f"<th>{escape(v)}</th>" for v in COLUMNS.values())
    body = "".join("<tr>" + "".join(f"<td>{escape(str(r[k]))}</td>" for k in COLUMNS) + "</tr>" for r in rows)
    head_html = f'<head><meta charset="utf-8"><title>{escape(title)}</title></head>'
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">{head_html}'
        f"<body><h1>{escape(title)}</h1><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        f"<p>共 {len(rows)} 件</p></body></html>\n"
    )


def _safe_cell(value: str) -> str:
    """A cell a spreadsheet would take for a formula is kept as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
