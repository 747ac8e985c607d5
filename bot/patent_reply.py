"""What the bot says about a patent number: parsed facts, the local register, and where to check.

It never states a legal status of its own: only the check digit, the kind, the term estimated from
the filing year, and what the local register (imported by staff, with its date and source) says.
"""

from __future__ import annotations

from bot.dialogue.model import Reply
from bot.dialogue.texts import Texts
from bot.leads.models import PatentRegisterRow
from knowledge.patent_numbers import estimate_term, parse_patent_number


def patent_reply(texts: Texts, normalized: str, entry: PatentRegisterRow | None, language: str) -> Reply:
    t = texts.get
    number = parse_patent_number(normalized)
    if number is None:
        return Reply(t("error.patents", language))
    lines = [
        t("patent.number", language, number=number.normalized, kind=t(f"kind.{number.kind.value}", language))
    ]
    if number.valid is None:
        lines.append(t("patent.check_none", language))
    else:
        lines.append(t("patent.check_ok" if number.valid else "patent.check_bad", language))
    term = estimate_term(number)
    if term.end_year is not None and term.years is not None:
        note = t(
            "patent.term_note",
            language,
            kind=t(f"kind.{number.kind.value}", language),
            years=term.years,
            filing=term.filing_year,
        )
        lines.append(t("patent.term", language, year=term.end_year, note=note))
    else:
        lines.append(t("patent.term_unknown", language))
    if entry is not None:
        lines.append(
            t(
                "patent.register",
                language,
                title=entry.title,
                holder=entry.holder,
                status=entry.status,
                as_of=entry.as_of,
                source=entry.source,
            )
        )
    else:
        lines.append(t("patent.register_none", language))
    lines.append(t("patent.official", language))
    return Reply("\n".join(lines))
