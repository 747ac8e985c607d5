"""What the bot says about a patent number: parsed facts, the local register, and where to check.

It never states a legal status of its own: only what kind of number it is, the check digit, the
term estimated from the filing year, and what the local register (imported by staff, with its date
and source) says. The wording follows the facts sheet: an application number is not a patent
number, which is "ZL" + the application number once granted (6.6); a publication number is not a
patent number and an A publication is no grant (6.13, 6.16); an invention's term can be extended by
term compensation (1.10, 1.11); a patent ends early on unpaid fees or waiver (1.12), while an
invalidated one is deemed never to have existed (1.13); marking a number whose term has run out is
counterfeiting, stock marked before the end excepted (2.2, 2.3, 8.4e).
"""

from __future__ import annotations

from datetime import date

from bot.dialogue.model import Reply
from bot.dialogue.texts import Texts
from bot.leads.models import PatentRegisterRow
from knowledge.patent_numbers import NumberType, PatentKind, PatentNumber, estimate_term, parse_patent_number

INVENTIONS = frozenset({PatentKind.INVENTION, PatentKind.PCT_INVENTION})


def patent_reply(
    texts: Texts,
    normalized: str,
    entry: PatentRegisterRow | None,
    language: str,
    today: date | None = None,
) -> Reply:
    t = texts.get
    number = parse_patent_number(normalized)
    if number is None:
        return Reply(t("error.patents", language))
    kind = t(f"kind.{number.kind.value}", language)
    lines = _identity(texts, number, kind, language)
    if number.valid is None:
        lines.append(t("patent.check_none", language))
    else:
        lines.append(t("patent.check_ok" if number.valid else "patent.check_bad", language))
    lines.extend(_term(texts, number, kind, language, today or date.today()))
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


def _identity(texts: Texts, number: PatentNumber, kind: str, language: str) -> list[str]:
    """What the number is: an application number (the patent number once granted is ZL + it), or a
    publication number with what its kind code means where the facts sheet says (not for B),
    hedged as the sheet marks those lines second-hand (6.12, 6.13)."""
    if number.number_type is NumberType.APPLICATION:
        return [texts.get("patent.application", language, number=number.normalized, kind=kind)]
    code = f"patent.code.{number.normalized[-1].lower()}"
    meaning = (
        texts.get(code, language)
        if texts.has(code)
        else texts.get("patent.publication_kind", language, kind=kind)
    )
    meaning += texts.get("patent.code.hedge", language)
    return [texts.get("patent.publication", language, number=number.normalized), meaning]


def _term(texts: Texts, number: PatentNumber, kind: str, language: str, today: date) -> list[str]:
    t = texts.get
    term = estimate_term(number)
    if term.note == "design_2021_depends_on_date":
        return [t("patent.term_design_2021", language)]
    if term.end_year is None or term.years is None:
        return [t("patent.term_unknown", language)]
    note = t("patent.term_note", language, kind=kind, years=term.years, filing=term.filing_year)
    if number.kind in INVENTIONS:
        note += t("patent.term_extension", language)
    elif number.kind is PatentKind.DESIGN and term.years == 10:
        note += t("patent.term_design_old", language)
    if term.end_year < today.year:
        return [t("patent.term_expired", language, year=term.end_year, note=note)]
    return [t("patent.term", language, year=term.end_year, note=note), t("patent.term_end_early", language)]
