"""Command-line output: the JSON of the design's fixed names, and a human-readable form."""

from __future__ import annotations

from typing import Any

from intents.understanding import Understanding
from knowledge.faq import FaqResult
from knowledge.patent_numbers import PatentNumber, TermEstimate

KIND_ZH = {
    "invention": "发明",
    "utility_model": "实用新型",
    "design": "外观设计",
    "pct_invention": "PCT发明（进入中国国家阶段）",
    "pct_utility_model": "PCT实用新型（进入中国国家阶段）",
}


def nlu_json(result: Understanding) -> dict[str, Any]:
    return result.to_dict()


def ask_json(result: FaqResult, language: str = "zh") -> dict[str, Any]:
    return {
        "text": result.text,
        "results": [
            {"id": h.entry.id, "question": h.entry.question_in(language), "score": h.score}
            for h in result.hits
        ],
        "answered": result.answered,
    }


def nlu_text(result: Understanding) -> str:
    e = result.entities
    lines = [f"intent: {result.intent.value} ({result.confidence:.2f})"]
    if result.runner_up:
        lines[0] += f"  runner-up: {result.runner_up.value} ({result.runner_up_confidence:.2f})"
    if result.weak or result.ambiguous:
        lines.append("note: " + ("weak" if result.weak else "ambiguous") + ", ask before acting")
    if e.county_code:
        lines.append(f"county: {e.county_name} {e.county_code}")
    elif e.out_of_area:
        lines.append("county: outside Jinzhong")
    for p in e.patent_numbers:
        lines.append(f"patent number: {p.normalized} ({p.kind.value}, {_validity(p)})")
    for label, values in (("phones", e.phones), ("sectors", e.sectors), ("channels", e.channels)):
        if values:
            lines.append(f"{label}: {', '.join(values)}")
    lines.append(f"language: {e.language}")
    return "\n".join(lines)


def ask_text(result: FaqResult, language: str = "zh") -> str:
    if not result.hits:
        return "没有找到相关问题。" if language == "zh" else "No matching question found."
    if result.answered:
        entry = result.hits[0].entry
        basis = entry.citations(language)
        source = "依据：" if language == "zh" else "Basis: "
        return f"{entry.question_in(language)}\n\n{entry.answer_in(language)}\n\n{source}{basis}"
    intro = "您想问的是不是：" if language == "zh" else "Did you mean:"
    options = [f"{n}. {h.entry.question_in(language)}" for n, h in enumerate(result.hits, 1)]
    return "\n".join([intro, *options])


def _validity(p: PatentNumber) -> str:
    if p.valid is None:
        return "no check digit"
    return "check digit valid" if p.valid else "check digit WRONG"


def patent_json(p: PatentNumber, term: TermEstimate) -> dict[str, Any]:
    return {
        **p.to_dict(),
        "filing_year": p.filing_year,
        "term_years": term.years,
        "term_end_year": term.end_year,
        "term_basis": term.note,
    }


def patent_text(p: PatentNumber, term: TermEstimate) -> str:
    lines = [
        f"号码 number: {p.normalized} ({p.number_type.value})",
        f"类型 kind: {KIND_ZH[p.kind.value]} ({p.kind.value})",
    ]
    if p.valid is not None:
        lines.append("校验位 check digit: " + ("正确 valid" if p.valid else "错误 WRONG — 号码可能输错了"))
    if p.filing_year:
        lines.append(f"申请年份 filing year: {p.filing_year}")
    if term.end_year:
        lines.append(f"保护期 term: {term.years} 年，约于 {term.end_year} 年届满 (estimated)")
    elif term.note == "design_2021_depends_on_date":
        lines.append("保护期 term: 2021-06-01 前申请为10年，此后申请为15年")
    lines.append("提示: 校验通过不代表专利有效；法律状态以国家知识产权局的登记为准。")
    return "\n".join(lines)
