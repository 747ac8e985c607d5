"""Chinese patent numbers: parse, normalise, check, classify, estimate the term.

Application numbers follow ZC 0006-2003 (12 digits: year, kind digit, serial, then a check
digit) or the pre-2003 form (8 digits). A patent number is "ZL" + the application number.
Publication numbers are "CN" + document number + kind code (A, B, C, U, Y, S).
The check digit is sum(digit * weight) mod 11 with weights 2..9, 2..5 from the left, and
10 written as X (facts sheet 6.8). A valid check digit says the number is well formed,
never that the patent exists or is in force.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
DESIGN_15_YEARS_FROM = date(2021, 6, 1)


class NumberType(StrEnum):
    APPLICATION = "application"
    PUBLICATION = "publication"


class PatentKind(StrEnum):
    INVENTION = "invention"
    UTILITY_MODEL = "utility_model"
    DESIGN = "design"
    PCT_INVENTION = "pct_invention"
    PCT_UTILITY_MODEL = "pct_utility_model"


_KIND_BY_DIGIT = {
    "1": PatentKind.INVENTION,
    "2": PatentKind.UTILITY_MODEL,
    "3": PatentKind.DESIGN,
    "8": PatentKind.PCT_INVENTION,
    "9": PatentKind.PCT_UTILITY_MODEL,
}
_KIND_BY_CODE = {
    "A": PatentKind.INVENTION,
    "B": PatentKind.INVENTION,
    "C": PatentKind.INVENTION,
    "U": PatentKind.UTILITY_MODEL,
    "Y": PatentKind.UTILITY_MODEL,
    "S": PatentKind.DESIGN,
}
TERM_YEARS = {
    PatentKind.INVENTION: 20,
    PatentKind.PCT_INVENTION: 20,
    PatentKind.UTILITY_MODEL: 10,
    PatentKind.PCT_UTILITY_MODEL: 10,
}


@dataclass(frozen=True)
class PatentNumber:
    raw: str
    normalized: str
    number_type: NumberType
    kind: PatentKind
    valid: bool | None
    filing_year: int | None

    @property
    def marked(self) -> str:
        """The number as a mark shows it: "ZL" kept where it was written (see `marked_form`)."""
        return marked_form(self.raw, self.normalized)

    def to_dict(self) -> dict[str, object]:
        return {
            "raw": self.raw,
            "normalized": self.normalized,
            "number_type": self.number_type.value,
            "kind": self.kind.value,
            "valid": self.valid,
        }


def marked_form(raw: str, normalized: str) -> str:
    """The number as marked: ZL and the number where the person wrote ZL, else the number.
    The prefix says "granted": on a product whose application is not granted, it is what makes
    the mark a counterfeit (facts 6.6), so staff must see whether it was there."""
    return f"ZL{normalized}" if raw.strip().upper().startswith("ZL") else normalized


def check_digit(digits: str) -> str:
    """The check character for 8 or 12 application-number digits."""
    total = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=False))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def _filing_year(digits: str) -> int | None:
    if len(digits) == 12:
        return int(digits[:4])
    yy = int(digits[:2])
    return 1900 + yy if yy >= 85 else 2000 + yy


def _plausible_application(digits: str, this_year: int) -> bool:
    if len(digits) == 12:
        year = int(digits[:4])
        return 1985 <= year <= this_year + 1 and digits[4] in _KIND_BY_DIGIT
    if len(digits) == 8:
        yy = int(digits[:2])
        return (yy >= 85 or yy <= 3) and digits[2] in _KIND_BY_DIGIT
    return False


def _application(raw: str, digits: str, check: str | None, this_year: int) -> PatentNumber | None:
    if not _plausible_application(digits, this_year):
        return None
    check = check.upper() if check else None
    return PatentNumber(
        raw=raw.strip(),
        normalized=f"{digits}.{check}" if check else digits,
        number_type=NumberType.APPLICATION,
        kind=_KIND_BY_DIGIT[digits[4] if len(digits) == 12 else digits[2]],
        valid=None if check is None else check == check_digit(digits),
        filing_year=_filing_year(digits),
    )


def _publication(raw: str, digits: str, code: str) -> PatentNumber | None:
    code = code.upper()
    by_digit = _KIND_BY_DIGIT.get(digits[0])
    if by_digit is None or by_digit is not _KIND_BY_CODE[code]:
        return None
    return PatentNumber(
        raw=raw.strip(),
        normalized=f"CN{digits}{code}",
        number_type=NumberType.PUBLICATION,
        kind=by_digit,
        valid=None,
        filing_year=None,
    )


def normalize_text(text: str) -> str:
    """Full-width forms to ASCII (NFKC), the dots people type instead of '.', and numbers
    spoken into a phone as Chinese numerals (二零一五…点二)."""
    text = unicodedata.normalize("NFKC", text.translate(_ELLIPSES)).translate(_DOTS)
    text = _SPOKEN.sub(lambda m: m.group(0).translate(_NUMERALS), text)
    text = _SPOKEN_DOT.sub(lambda m: "." + m.group(1).translate(_NUMERALS), text)
    return _LETTER_O.sub("0", text)


_ELLIPSES = str.maketrans({"…": " ", "⋯": " "})
"""An ellipsis before a number ("我找一下……2016 2 …") is a pause, not the dot of a number."""
_DOTS = str.maketrans({"。": ".", "·": ".", "•": ".", "﹒": ".", "‧": "."})
_SPOKEN_DIGIT = "[零〇一二三四五六七八九幺]"
_NUMERALS = str.maketrans(
    {**{c: str(n) for n, c in enumerate("零一二三四五六七八九")}, "〇": "0", "幺": "1", "点": ".", "叉": "X"}
)
_SPOKEN = re.compile(rf"{_SPOKEN_DIGIT}(?: ?{_SPOKEN_DIGIT}){{7,}}(?: ?点 ?(?:{_SPOKEN_DIGIT}|[xX叉]))?")
"""Voice input writes digits as numerals, 幺 for one, in groups, and 点叉 for '.X'."""
_SPOKEN_DOT = re.compile(r"(?<=\d{8}) ?点 ?([0-9Xx叉])(?![0-9])")
"""点 typed for the dot after typed digits (202320112233点5); after eight digits, so 3点5分 is a time."""
_LETTER_O = re.compile(r"(?<=\d)[Oo](?=\d)")
"""The letter O typed for a zero inside a number (ZL20222O646933.8)."""

_PUBLICATION = re.compile(
    r"(?<![A-Za-z0-9])CN\s?((?:\d ?){6,8}\d)\s?([ABCUYS])\d?(?![A-Za-z0-9])", re.IGNORECASE
)
"""CN, seven or nine digits (in groups, read out: CN 113 456 789 A) and the kind code."""
# A run of digit groups separated by one space or hyphen, an optional ZL/CN in front and an
# optional check character behind ('.3', '.X', or an X glued to the digits).
_RUN = re.compile(
    r"(?<![A-Za-z0-9.])((?:ZL|CN)\s?)?(\d+(?:[ \-]\d+)*)(?:(\s?\.\s?)([0-9Xx])|(\s?[Xx]))?(?![0-9A-Za-z])",
    re.IGNORECASE,
)


def _from_run(match: re.Match[str], this_year: int) -> PatentNumber | None:
    prefix, body, dot, dotted_check, trailing_x = match.groups()
    digits = re.sub(r"[ \-]", "", body)
    if trailing_x and trailing_x[0] == " " and check_digit(digits) != "X":
        trailing_x = None  # 202031065020 X光机: a spaced X counts only where it is the right check
    check = dotted_check or (trailing_x.strip() if trailing_x else None)
    spaced = digits != body
    if len(digits) == 13 and check is None and _plausible_application(digits[:12], this_year):
        digits, check = digits[:12], digits[12]
        if not prefix and check != check_digit(digits):
            return None
    if len(digits) == 12 and check is None and not prefix and not spaced:
        return _application(match.group(0), digits, None, this_year)
    if len(digits) == 8 and check is None and not prefix:
        return None
    if dot and dotted_check and len(digits) not in (8, 12):
        return None
    return _application(match.group(0), digits, check, this_year)


def find_patent_numbers(text: str, today: date | None = None) -> list[PatentNumber]:
    """Every patent or publication number in free text, in order of appearance.

    Phone numbers (11 digits), ID numbers (18), dates and order numbers are left alone: only
    8- or 12-digit runs with a plausible year and kind digit, or CN publication numbers, count.
    """
    this_year = (today or date.today()).year
    normalized = normalize_text(text)
    found: list[tuple[int, PatentNumber]] = []
    taken: list[tuple[int, int]] = []
    for m in _PUBLICATION.finditer(normalized):
        digits = m.group(1).replace(" ", "")
        number = _publication(m.group(0), digits, m.group(2)) if len(digits) in (7, 9) else None
        if number:
            found.append((m.start(), number))
            taken.append(m.span())
    for m in _RUN.finditer(normalized):
        if any(s <= m.start() < e for s, e in taken):
            continue
        number = _from_run(m, this_year)
        if number:
            found.append((m.start(), number))
    found.sort(key=lambda pair: pair[0])
    return [number for _, number in found]


def parse_patent_number(text: str, today: date | None = None) -> PatentNumber | None:
    """The number a user typed on its own, e.g. 'ZL 2017 1060 1862.3' or 'cn108123456a'."""
    numbers = find_patent_numbers(text.strip(), today)
    return numbers[0] if numbers else None


@dataclass(frozen=True)
class TermEstimate:
    kind: PatentKind
    years: int | None
    """None where the length depends on a filing date the number does not give."""
    filing_year: int | None
    end_year: int | None
    note: str


def term_years(kind: PatentKind, filing_date: date) -> int:
    if kind is PatentKind.DESIGN:
        return 15 if filing_date >= DESIGN_15_YEARS_FROM else 10
    return TERM_YEARS[kind]


def term_end(kind: PatentKind, filing_date: date) -> date:
    """The day the term runs out: the anniversary of filing after the term's years."""
    years = term_years(kind, filing_date)
    try:
        return filing_date.replace(year=filing_date.year + years)
    except ValueError:  # 29 February
        return filing_date.replace(year=filing_date.year + years, day=28)


def estimate_term(number: PatentNumber, filing_date: date | None = None) -> TermEstimate:
    """Term from the kind and filing date; from the filing year alone when that is all we have."""
    if filing_date is not None:
        end = term_end(number.kind, filing_date)
        years = term_years(number.kind, filing_date)
        return TermEstimate(number.kind, years, filing_date.year, end.year, "filing_date")
    year = number.filing_year
    if year is None:
        return TermEstimate(number.kind, None, None, None, "no_filing_year")
    if number.kind is PatentKind.DESIGN:
        if year < 2021:
            return TermEstimate(number.kind, 10, year, year + 10, "filing_year")
        if year > 2021:
            return TermEstimate(number.kind, 15, year, year + 15, "filing_year")
        return TermEstimate(number.kind, None, year, None, "design_2021_depends_on_date")
    years = TERM_YEARS[number.kind]
    return TermEstimate(number.kind, years, year, year + years, "filing_year")
