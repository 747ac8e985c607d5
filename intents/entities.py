"""Phones, tracking numbers, sectors and channels: the small extractors."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

_MOBILE = re.compile(r"(?<![\d+])(\+?86[ \-]?)?(1[3-9]\d(?:[ \-]?\d{4}){2})(?!\d)")
_FOREIGN = re.compile(r"(?<![\d+])\+(?!86)([1-9]\d{0,2})[ \-]?(\(?\d[\d ()\-]{5,16}\d)(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(?:\(?(0\d{2,3})\)?[ \-]?)(\d{7,8})(?!\d)")
TRACKING_NUMBER = re.compile(r"(?<![a-z0-9])jz-?([0-9a-z]{4})-?([0-9a-z]{4})(?![a-z0-9])")


def find_phones(cleaned: str) -> list[str]:
    """Mobile and landline numbers (area code required), digits only, area code with a dash; a
    mobile written with +86 keeps it (+86-13812345678), a foreign number is + and its digits."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for m in _FOREIGN.finditer(cleaned):
        digits = m.group(1) + re.sub(r"\D", "", m.group(2))
        if 8 <= len(digits) <= 15:
            found.append((m.start(), f"+{digits}"))
            taken.append(m.span())
    for m in _MOBILE.finditer(cleaned):
        if any(start <= m.start() < end for start, end in taken):
            continue
        number = re.sub(r"\D", "", m.group(2))
        found.append((m.start(), f"+86-{number}" if m.group(1) and "+" in m.group(1) else number))
        taken.append(m.span())
    for m in _LANDLINE.finditer(cleaned):
        if not any(start <= m.start() < end for start, end in taken):
            found.append((m.start(), f"{m.group(1)}-{m.group(2)}"))
    found.sort()
    return [phone for _, phone in found]


def phone_forms(phone: str) -> set[str]:
    """The ways one number may have been stored: 13812345678 and +86-13812345678 are the same
    mobile; a landline with or without its dash."""
    bare = phone.removeprefix("+86-")
    forms = {phone, bare, phone.replace("-", "")}
    if re.fullmatch(r"1\d{10}", bare):
        forms.add(f"+86-{bare}")
    return forms


def find_tracking_numbers(cleaned: str) -> list[str]:
    return [f"JZ-{a.upper()}-{b.upper()}" for a, b in TRACKING_NUMBER.findall(cleaned)]


@dataclass(frozen=True)
class TagSets:
    """Sector and channel tags, each a set of words that signal it."""

    tags: Mapping[str, frozenset[str]]

    @classmethod
    def from_data(cls, data: Mapping[str, Sequence[str]]) -> TagSets:
        return cls({tag: frozenset(words) for tag, words in data.items()})

    def find(self, present: set[str]) -> list[str]:
        return [tag for tag, words in self.tags.items() if words & present]

    def vocabulary(self) -> Iterable[str]:
        for words in self.tags.values():
            yield from (w for w in words if not w.isascii())
