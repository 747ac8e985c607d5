"""What an action asks of the staff member before it is taken, one step at a time. Pure.

A pick (county, outcome, department) is offered as buttons on the prompt; words (a reason, a case
number, the question for the citizen, a fine, a note) are asked with a ForceReply that only the
staff member who pressed can answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from bot.casework.lifecycle import Action, Filing, Needs


class Step(StrEnum):
    COUNTY = "county"
    OUTCOME = "outcome"
    DEPARTMENT = "department"
    REASON = "reason"
    CASE_NUMBER = "case_number"
    QUESTION = "question"
    FINE = "fine"
    PARTY = "party"  # the penalised party (当事人), named in the public disclosure
    NOTE = "note"


PICKS = frozenset({Step.COUNTY, Step.OUTCOME, Step.DEPARTMENT})
MAX_WORDS = 1000
"""Longer answers are cut: they go into cards and citizen messages (Telegram's 4096)."""

OUTCOMES: dict[tuple[str, Filing], tuple[str, ...]] = {
    # Facts 1.16, 1.17: a department handling an infringement dispute orders it stopped or
    # mediates damages; it imposes no fine. Fines are for counterfeiting (1.21).
    ("infringement", Filing.CITY): ("stop_infringement", "mediated", "no_violation", "withdrawn", "other"),
    ("infringement", Filing.COUNTY): ("stop_infringement", "mediated", "no_violation", "withdrawn", "other"),
    ("counterfeit", Filing.CITY): ("penalty", "no_counterfeit", "withdrawn", "other"),
    ("counterfeit", Filing.COUNTY): ("penalty", "no_counterfeit", "withdrawn", "other"),
}
UNFILED_OUTCOMES = ("assisted", "withdrawn", "other")


def outcomes_for(kind: str, filing: Filing) -> tuple[str, ...]:
    return OUTCOMES.get((kind, filing), UNFILED_OUTCOMES)


_FIRST = {
    Needs.REASON: Step.REASON,
    Needs.COUNTY: Step.COUNTY,
    Needs.CASE_NUMBER: Step.CASE_NUMBER,
    Needs.QUESTION: Step.QUESTION,
    Needs.OUTCOME: Step.OUTCOME,
    Needs.DEPARTMENT: Step.DEPARTMENT,
}


def first_step(needs: Needs) -> Step | None:
    return _FIRST.get(needs)


def next_step(step: Step, value: str) -> Step | None:
    """The step after this one, or None when the input is complete."""
    if step is Step.COUNTY:
        return Step.REASON
    if step is Step.OUTCOME and value == "penalty":
        return Step.FINE
    if step is Step.OUTCOME and value == "other":
        return Step.NOTE
    if step is Step.FINE:
        return Step.PARTY
    return None


@dataclass(frozen=True)
class Words:
    value: str | int | None
    """The text, the fine in fen, or None for a case number to generate."""
    error: str | None = None
    """A text key explaining why the answer was refused (the step is asked again)."""


_GENERATE = re.compile(r"^\s*(?:0|自动|生成|自动生成|auto)\s*$", re.IGNORECASE)
_AMOUNT = re.compile(
    r"^\s*(?:罚款)?\s*([0-9][0-9,，]*(?:\.[0-9]{1,2})?)\s*(万)?\s*(?:元|块|rmb|yuan)?\s*$", re.I
)


def read_words(step: Step, text: str, action: Action, reasons: tuple[str, ...]) -> Words:
    text = " ".join(text.split())[:MAX_WORDS]
    if not text:
        return Words(None, "prompt.empty")
    if step is Step.CASE_NUMBER:
        return Words(None) if _GENERATE.match(text) else Words(text[:80])
    if step is Step.PARTY:
        return Words(text[:200])
    if step is Step.FINE:
        fen = parse_fine(text)
        return Words(fen) if fen is not None else Words(None, "prompt.bad_fine")
    if step is Step.REASON and action is Action.REJECT and text.isdigit():
        n = int(text)
        return Words(reasons[n - 1]) if 1 <= n <= len(reasons) else Words(None, "prompt.bad_number")
    return Words(text)


def parse_fine(text: str) -> int | None:
    """ "5000", "5,000元", "1.5万" → fen; None for anything else (or a negative or huge sum)."""
    m = _AMOUNT.match(text)
    if not m:
        return None
    try:
        amount = Decimal(m.group(1).replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None
    if m.group(2):
        amount *= 10_000
    fen = int(amount * 100)
    return fen if 0 <= fen <= 100_000_000_000 else None
