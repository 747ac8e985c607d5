"""Which county queue a message belongs to, from the places it names.

The county is where the respondent is or where the infringement happens, not where the
complainant lives: each mention is weighed by the words around it (place_roles.py: "我是榆次的"
is a home, "平遥有个厂" a place of the act, "对方厂在平遥" the respondent's). Names shared by
several counties (城区, 北关街道) count only when another mention settles them; products named
after a place (平遥牛肉) are whole tokens in the dictionary and so never read as the place; a
name in a name context (我叫王平遥) is a person. Landmarks are gazetteer rows of kind
"landmark" and name one county whatever village shares their name.
"""

from __future__ import annotations

import csv
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

from rapidfuzz import fuzz, process

from intents.memo import WordMemo
from intents.place_roles import Roles

JINZHONG, OUTSIDE, CITY = "jinzhong", "outside", "city"
_PERSON_AFTER = {"说", "先生", "女士", "老板", "经理", "总", "这个人", "此人", "本人"}
_PERSON_BEFORE = {"叫", "名叫", "姓名", "名字", "叫做"}


@dataclass(frozen=True)
class Mention:
    name: str
    area: str
    counties: frozenset[str]
    role: float
    """Above zero: where the act is; below: the complainant's home."""
    ignored: bool = False
    """Named on a label or for distance (产地平遥, 离介休不远): no one's place."""


@dataclass(frozen=True)
class PlaceResult:
    county_code: str | None
    out_of_area: bool
    mentions: tuple[Mention, ...]


@dataclass
class Gazetteer:
    names: dict[str, tuple[str, frozenset[str]]]
    county_names: dict[str, str]
    short_county_names: frozenset[str]
    latin_names: list[str]
    products: frozenset[str]
    roles: Roles
    surnames: frozenset[str]

    @cached_property
    def _heads(self) -> frozenset[str]:
        """Every proper beginning of a name: a token that is none cannot start a two-token one."""
        spelled = (p for p in self.products if p.isascii())  # Pingyao beef: two tokens, one product
        return frozenset(n[:k] for n in (*self.names, *spelled) for k in range(1, len(n)))

    @cached_property
    def _latin_guess(self) -> WordMemo[str | None]:
        """The fuzzy spelling match per Latin word seen, which costs more than all else here."""
        return WordMemo(self._closest_latin_name)

    @classmethod
    def from_data(cls, places: Mapping[str, Any], gazetteer_rows: Iterable[dict[str, str]]) -> Gazetteer:
        counties: defaultdict[str, set[str]] = defaultdict(set)
        landmarks: dict[str, str] = {}
        for row in gazetteer_rows:
            if row.get("kind") == "landmark":
                landmarks[row["name"]] = row["county_code"]
            else:
                counties[row["name"]].add(row["county_code"])
        county_names: dict[str, str] = {}
        short: set[str] = set()
        for county in places["county"]:
            county_names[county["code"]] = county["names"][0]
            for name in (*county["names"], *county["pinyin"]):
                counties[name] = {county["code"]}
            short.update(n for n in county["names"][1:] if len(n) == 2)
        for name, code in landmarks.items():
            counties[name] = {code}
        names = {n: (JINZHONG, frozenset(c)) for n, c in counties.items()}
        names.update({n: (CITY, frozenset()) for n in places["city"]})
        names.update({n: (OUTSIDE, frozenset()) for n in places["outside"]})
        latin = sorted(n for n in names if n.isascii() and len(n) >= 5)
        roles = Roles.from_data(places["roles"], places["names"])
        return cls(
            names,
            county_names,
            frozenset(short),
            latin,
            frozenset(places["products"]),
            roles,
            frozenset(places["surnames"]),
        )

    def vocabulary(self) -> Iterable[str]:
        yield from (n for n in self.names if not n.isascii())
        yield from (p for p in self.products if not p.isascii())

    def resolve(self, tokens: Sequence[str]) -> PlaceResult:
        mentions = tuple(self._mentions(tokens))
        return _decide(mentions)

    def _mentions(self, tokens: Sequence[str]) -> Iterable[Mention]:
        i = 0
        qualifier_end = -1
        while i < len(tokens):
            name, width = self._lookup(tokens, i)
            if name is None:
                i += width
                continue
            area, counties = self.names[name]
            if area == JINZHONG and qualifier_end == i:
                area, counties = OUTSIDE, frozenset()  # 浙江东阳, 临汾古县: not ours
            if area == OUTSIDE:
                qualifier_end = i + width
            if not self._is_person(tokens, i, width, name):
                role, ignored = self.roles.role(tokens, i, width, self.names)
                yield Mention(name, area, counties, role, ignored)
            i += width

    def _lookup(self, tokens: Sequence[str], i: int) -> tuple[str | None, int]:
        token = tokens[i]
        if i + 1 < len(tokens) and token in self._heads:
            nxt = tokens[i + 1]
            for joined in (token + nxt, f"{token} {nxt}"):
                if joined in self.products:
                    return None, 2  # Pingyao beef sold in Yuci: a product, not a place
                if joined in self.names:
                    return joined, 2
        if token in self.names:
            return token, 1
        if token.isascii() and len(token) >= 5 and token.isalpha():
            return self._latin_guess(token), 1
        return None, 1

    def _closest_latin_name(self, token: str) -> str | None:
        best = process.extractOne(token, self.latin_names, scorer=fuzz.ratio, score_cutoff=85)
        return best[0] if best is not None else None

    def _is_person(self, tokens: Sequence[str], i: int, width: int, name: str) -> bool:
        if self.roles.is_name(tokens, i, width, self.surnames):
            return True
        if name not in self.short_county_names or i == 0 or tokens[i - 1] not in self.surnames:
            return False
        after = tokens[i + width] if i + width < len(tokens) else ""
        before = tokens[i - 2] if i >= 2 else ""
        return after in _PERSON_AFTER or before in _PERSON_BEFORE or after not in self.roles.act_after


def _decide(mentions: Sequence[Mention]) -> PlaceResult:
    settled = {
        next(iter(m.counties))
        for m in mentions
        if m.area == JINZHONG and len(m.counties) == 1 and not m.ignored
    }
    votes: defaultdict[str, float] = defaultdict(float)
    first_seen: dict[str, int] = {}
    homes: set[str] = set()
    outside_act = False
    for n, m in enumerate(mentions):
        if m.ignored:
            continue
        if m.area == OUTSIDE:
            outside_act = outside_act or m.role >= 0
            continue
        counties = m.counties if len(m.counties) == 1 else m.counties & settled
        if m.area != JINZHONG or len(counties) != 1:
            continue
        county = next(iter(counties))
        if m.role < 0:
            homes.add(county)
            continue
        votes[county] += 1.0 + m.role
        first_seen.setdefault(county, n)
    if votes:
        best = max(votes, key=lambda c: (votes[c], c not in homes, -first_seen[c]))
        return PlaceResult(best, False, tuple(mentions))
    return PlaceResult(None, outside_act, tuple(mentions))


def read_gazetteer_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(text.splitlines()))


@cache
def common_surnames() -> frozenset[str]:
    """places.toml's single-character surnames, for code that must tell a person's name from other
    words (赵顺达 typed where a time is asked) without a loaded gazetteer; read once."""
    text = resources.files("intents").joinpath("data", "places.toml").read_text(encoding="utf-8")
    return frozenset(tomllib.loads(text)["surnames"])
