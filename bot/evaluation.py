"""Accuracy of understanding and FAQ retrieval on labelled sets (tests/eval/*.jsonl)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from intents.understanding import Understanding
from knowledge.faq import FaqResult


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class IntentReport:
    total: int = 0
    intent_correct: int = 0
    county_total: int = 0
    county_correct: int = 0
    out_of_area_correct: int = 0
    patent_total: int = 0
    patent_correct: int = 0
    per_label: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.intent_correct / self.total if self.total else 0.0

    @property
    def county_accuracy(self) -> float:
        """County routing: the exact county, or none where the gold label has none."""
        return self.county_correct / self.county_total if self.county_total else 0.0

    @property
    def patent_accuracy(self) -> float:
        return self.patent_correct / self.patent_total if self.patent_total else 0.0


def evaluate_intents(
    rows: Iterable[dict[str, Any]], understand: Callable[[str], Understanding]
) -> IntentReport:
    report = IntentReport()
    for row in rows:
        result = understand(row["text"])
        gold, got = row["intent"], result.intent.value
        report.total += 1
        report.per_label[gold][1] += 1
        report.confusion[(gold, got)] += 1
        if gold == got:
            report.intent_correct += 1
            report.per_label[gold][0] += 1
        else:
            report.misses.append(f"intent  {gold:>20} -> {got:<20} {row['text']}")
        entities = result.entities
        report.county_total += 1
        if entities.county_code == row.get("county_code"):
            report.county_correct += 1
        else:
            report.misses.append(
                f"county  {row.get('county_code')!s:>20} -> {entities.county_code!s:<20} {row['text']}"
            )
        if entities.out_of_area == bool(row.get("out_of_area")):
            report.out_of_area_correct += 1
        gold_numbers = row.get("patent_numbers", [])
        got_numbers = [p.normalized for p in entities.patent_numbers]
        report.patent_total += 1
        if gold_numbers == got_numbers:
            report.patent_correct += 1
        else:
            report.misses.append(f"patent  {gold_numbers} -> {got_numbers} {row['text']}")
    return report


def format_intent_report(report: IntentReport, show_misses: bool = False) -> str:
    labels = sorted({g for g, _ in report.confusion} | {p for _, p in report.confusion})
    lines = [
        f"messages: {report.total}",
        f"intent accuracy: {report.intent_accuracy:.3f}",
        f"county routing accuracy: {report.county_accuracy:.3f}",
        f"out_of_area accuracy: {report.out_of_area_correct / max(report.total, 1):.3f}",
        f"patent numbers exact: {report.patent_accuracy:.3f}",
        "",
        "per label (correct/total):",
    ]
    for label in labels:
        right, total = report.per_label.get(label, [0, 0])
        lines.append(f"  {label:<20} {right:>4}/{total:<4} {right / total if total else 0:.3f}")
    short = [label[:6] for label in labels]
    lines += ["", "confusion (rows gold, columns predicted):", " " * 21 + " ".join(f"{s:>6}" for s in short)]
    for gold in labels:
        cells = " ".join(f"{report.confusion.get((gold, p), 0):>6}" for p in labels)
        lines.append(f"{gold:<20} {cells}")
    if show_misses:
        lines += ["", "misses:", *report.misses]
    return "\n".join(lines)


@dataclass
class FaqReport:
    total: int = 0
    first: int = 0
    top3: int = 0
    answered: int = 0
    answered_right: int = 0
    misses: list[str] = field(default_factory=list)


def evaluate_faq(rows: Iterable[dict[str, Any]], search: Callable[[str], FaqResult]) -> FaqReport:
    report = FaqReport()
    for row in rows:
        result = search(row["text"])
        ids = [hit.entry.id for hit in result.hits[:3]]
        report.total += 1
        report.first += bool(ids) and ids[0] == row["id"]
        report.top3 += row["id"] in ids
        report.answered += result.answered
        report.answered_right += result.answered and bool(ids) and ids[0] == row["id"]
        if not ids or ids[0] != row["id"]:
            report.misses.append(f"{row['id']:>28} -> {ids} {row['text']}")
    return report


def format_faq_report(report: FaqReport, show_misses: bool = False) -> str:
    n = max(report.total, 1)
    lines = [
        f"questions: {report.total}",
        f"first answer right: {report.first / n:.3f}",
        f"right answer in top three: {report.top3 / n:.3f}",
        f"answered outright: {report.answered / n:.3f} "
        f"(of those right: {report.answered_right / max(report.answered, 1):.3f})",
    ]
    if show_misses:
        lines += ["", "misses:", *report.misses]
    return "\n".join(lines)
