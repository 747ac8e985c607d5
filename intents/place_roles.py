"""Whose place a place is, and whether a name is a place at all, from the words around it.

The phrases are data (places.toml, [roles] and [names]). Before a place, the longest phrase
that ends right there decides its role, so "我们公司在" (the complainant's own company) wins
over "公司在" (a respondent's), and "被投诉人在" over a bare "在". A respondent's place ("对方在",
"厂子在", "投诉…") outweighs a plain place of the act ("在", "到"); the complainant's home
("我住在", "我家在", "我是…人") counts against its county. "我在 X" is the complainant's place
unless they saw or bought the thing there ("我在 X 的集市上看到…"). A place on a label
("产地平遥") or named for distance ("离介休挺近") is no one's place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

RESPONDENT, ACT, HOME, SELF_AT, LABEL, REFERENCE = (
    "respondent",
    "act",
    "home",
    "self_at",
    "label",
    "reference",
)
WEIGHTS = {RESPONDENT: 3.0, ACT: 1.0, HOME: -2.0}
SELF_AT_HOME, SELF_AT_WITNESS = -1.0, 1.0
NEGATED = -5.0
IGNORED = (LABEL, REFERENCE)
_WINDOW = 5
_CLAUSE_ENDS = frozenset(",.;!?。、…")
"""Clause ends after clean() (NFKC turns ，；！？ into ,;!?)."""


@dataclass(frozen=True)
class Roles:
    before: Mapping[str, str]
    act_after: frozenset[str]
    home_after: frozenset[str]
    negated_before: frozenset[str]
    origin_after: frozenset[str]
    witness_after: frozenset[str]
    name_before: frozenset[str]
    person_after: frozenset[str]

    @classmethod
    def from_data(cls, roles: Mapping[str, Any], names: Mapping[str, Any]) -> Roles:
        before: dict[str, str] = {}

        def add(kind: str, phrases: Sequence[str]) -> None:
            for phrase in phrases:
                if before.setdefault(phrase, kind) != kind:
                    raise ValueError(f"places.toml: {phrase!r} is both {before[phrase]} and {kind}")

        add(RESPONDENT, roles["respondent_before"])
        add(
            RESPONDENT,
            [s + link for s, link in product(roles["respondent_subjects"], roles["respondent_links"])],
        )
        add(HOME, roles["home_before"])
        add(HOME, [s + link for s, link in product(roles["home_subjects"], roles["home_links"])])
        add(SELF_AT, [s + link for s, link in product(roles["self_subjects"], roles["self_links"])])
        add(
            HOME,
            [
                s + link
                for s, link in product(roles["self_subjects"], roles["home_links"])
                if s + link not in before
            ],
        )
        add(ACT, roles["act_before"])
        add(LABEL, roles["label_before"])
        add(REFERENCE, roles["reference_before"])
        act_after = set(roles["act_after"])
        act_after.update("的" + p for p in roles["act_after"] if not p.startswith("的"))
        return cls(
            before,
            frozenset(act_after),
            frozenset(roles["home_after"]),
            frozenset(roles["negated_before"]),
            frozenset(roles["origin_after"]),
            frozenset(roles["witness_after"]),
            frozenset(names["before"]),
            frozenset(names["person_after"]),
        )

    def kind_before(self, tokens: Sequence[str], i: int) -> str | None:
        """The role of the longest phrase (whole tokens) that ends just before tokens[i]."""
        best: tuple[int, str] | None = None
        for k in range(max(0, i - _WINDOW), i):
            phrase = "".join(tokens[k:i])
            if phrase in self.before and (best is None or len(phrase) > best[0]):
                best = (len(phrase), self.before[phrase])
        return best[1] if best else None

    def role(
        self, tokens: Sequence[str], i: int, width: int, places: Mapping[str, Any]
    ) -> tuple[float, bool]:
        """(weight, ignored): above zero where the act is, below zero the complainant's home."""
        after = tokens[i + width : i + width + 2]
        before = {"".join(tokens[k:i]) for k in range(max(0, i - 3), i)}
        if before & self.negated_before and after and after[0] in self.origin_after:
            return NEGATED, False
        kind = self.kind_before(tokens, i)
        if kind in IGNORED:
            return 0.0, True
        if kind == SELF_AT:
            witnessed = self._witnessed(tokens, i + width, places)
            role = SELF_AT_WITNESS if witnessed else SELF_AT_HOME
        else:
            role = WEIGHTS.get(kind or "", 0.0)
        if after and (after[0] in self.home_after or "".join(after) in self.home_after):
            role -= 1.5
        if after and (after[0] in self.act_after or "".join(after) in self.act_after):
            role += 1.0
        return role, False

    def _witnessed(self, tokens: Sequence[str], start: int, places: Mapping[str, Any]) -> bool:
        for token in tokens[start : start + 8]:
            if token in _CLAUSE_ENDS or token in places:
                return False
            if any(token.startswith(w) for w in self.witness_after):  # 看到的, 投诉的
                return True
        return False

    def is_name(self, tokens: Sequence[str], i: int, width: int, surnames: frozenset[str]) -> bool:
        """A name context: "我叫(王)平遥", "联系人：张榆社", "(王)平遥先生"."""
        after = tokens[i + width] if i + width < len(tokens) else ""
        if after in self.person_after:
            return True
        if after == "的" or after in self.act_after:
            return False
        j = i - 1 if i > 0 and tokens[i - 1] in surnames else i
        while j > 0 and tokens[j - 1] in _CLAUSE_ENDS | {":"}:
            j -= 1
        return any("".join(tokens[k:j]) in self.name_before for k in range(max(0, j - 3), j))
