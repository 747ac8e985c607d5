"""Whether two respondents' names, as citizens write them, name the same firm. Pure: no database.

A Chinese firm's name is place + trade name (字号) + industry + legal form: 平遥县 宏达 机械 有限公司.
The normaliser drops what varies between citizens (width, case, spaces, punctuation, the place,
the legal form) and splits the rest into the trade name and the industry. The matcher then asks
the trade names to agree — exactly when they are short, as local trade names are (宏达 and 宏大 are
two firms, however alike they sound), within one typo when long — and the industries not to
contradict each other (宏达机械 is not 宏达食品; 宏达机械 may be 宏达农业机械). Places only separate:
平遥县宏达机械 and 介休市宏达机械 are two firms, 宏达机械公司 may be either.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources

from rapidfuzz import fuzz

from intents.places import read_gazetteer_rows

HEAD_CUTOFF = 85
"""fuzz.ratio of two trade names: one changed character passes only from 7 characters on."""
HEAD_TYPO_FROM = 7
"""The length from which HEAD_CUTOFF lets two different trade names match."""
INDUSTRY_CUTOFF = 60
"""fuzz.ratio of two industries: 机械 / 农业机械 (67) pass, 机械制造 / 机械销售, 建材 / 建筑 (50) do not."""
LATIN_CUTOFF = 90
"""fuzz.ratio of two whole Latin-letter names: one typo in ten letters."""
CITY = "jinzhong"
"""The place of a name that says only 晋中: compatible with every Jinzhong county."""


@dataclass(frozen=True)
class Respondent:
    key: str
    """Trade name and industry, no spaces: what leads store and /find searches (宏达机械)."""
    head: str
    """The trade name (宏达); for a firm named by its place only, the place (平遥)."""
    industry: str
    place: str | None
    """A Jinzhong county code, CITY, or a place outside Jinzhong as written; None if unnamed."""


@dataclass(frozen=True)
class _Vocabulary:
    places: dict[str, str]
    """Every place name (平遥县, 平遥, pingyao) to its place (140728)."""
    short: dict[str, str]
    """A place to the name it is keyed by when it is the firm's name (140728 → 平遥)."""
    prefix: re.Pattern[str]
    suffix: re.Pattern[str]
    industry: re.Pattern[str]
    placeholder: re.Pattern[str]


def _alternatives(words: Iterable[str]) -> str:
    """CJK words anywhere at the edge, Latin words only as whole words."""
    ordered = sorted(set(words), key=len, reverse=True)
    cjk = "|".join(re.escape(w) for w in ordered if not w.isascii())
    latin = "|".join(re.escape(w) for w in ordered if w.isascii())
    return f"(?:{cjk})|(?:(?<![a-z0-9])(?:{latin})(?![a-z0-9]))" if latin else f"(?:{cjk})"


def _read(package: str, name: str) -> str:
    return resources.files(package).joinpath("data", name).read_text(encoding="utf-8")


@cache
def _vocabulary() -> _Vocabulary:
    words = tomllib.loads(_read("bot.leads", "respondents.toml"))
    places_data = tomllib.loads(_read("intents", "places.toml"))
    places: dict[str, str] = {}
    short: dict[str, str] = {}
    for county in places_data["county"]:
        for name in (*county["names"], *county["pinyin"]):
            places[name] = county["code"]
        short[county["code"]] = min(county["names"], key=len)
    for row in read_gazetteer_rows(_read("intents", "gazetteer.csv")):
        if row["kind"] in ("development_zone", "former_county"):
            places.setdefault(row["name"], row["county_code"])
    places.update(dict.fromkeys(places_data["city"], CITY))
    short[CITY] = "晋中"
    places.update({name: re.sub(r"(?<=..)[省市县区]$", "", name) for name in places_data["outside"]})
    places = {_fold(name): code for name, code in places.items()}
    place = _alternatives(places)
    return _Vocabulary(
        places=places,
        short=short,
        prefix=re.compile(rf"^\s*({place}|{_alternatives(words['regions'])})\s*"),
        suffix=re.compile(rf"\s*({_alternatives(words['forms'])}|{place})\s*$"),
        industry=re.compile(rf"\s*({_alternatives(words['industries'])})\s*$"),
        placeholder=re.compile(rf"^(?:{_alternatives(words['placeholders'])})+$"),
    )


def _fold(text: str) -> str:
    """Full width to half width, lower case, every run of punctuation or spaces one space."""
    return re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", text).lower()).strip()


def _affix(v: _Vocabulary, text: str) -> re.Match[str] | None:
    """A place or region before the name, or a legal form or place after it; never the whole."""
    if (m := v.prefix.match(text)) and m.end() < len(text):
        return m
    if (m := v.suffix.search(text)) and m.start() > 0:
        return m
    return None


def _split_industry(text: str) -> tuple[str, str]:
    """(宏达, 农业机械制造); ("", 机械) for a name that is only an industry."""
    industry = _vocabulary().industry
    head, tail = text, ""
    while m := industry.search(head):
        head, tail = head[: m.start()], head[m.start() :] + tail
    return head.replace(" ", ""), tail.replace(" ", "")


@lru_cache(maxsize=65536)
def normalise(name: str | None) -> Respondent | None:
    """The name reduced for comparison; None when nothing in it names a firm (不知道, 那家店)."""
    if not name:
        return None
    v = _vocabulary()
    text, place = _fold(name), None
    while m := _affix(v, text):
        text = text[: m.start()] + text[m.end() :]
        if m.group(1) in v.places:
            place = _narrower(place, v.places[m.group(1)])
    head, industry = _split_industry(text)
    if not head or v.placeholder.match(head):
        if place is None or v.placeholder.match(head):
            return None
        head = v.short.get(place, place)
    elif head in v.places:
        place = _narrower(place, v.places[head])
    key = head + industry
    return Respondent(key, head, industry, place) if len(key) >= 2 else None


def _narrower(known: str | None, found: str) -> str:
    """平遥 within 晋中 (山西省晋中市平遥县): the county wins over the city."""
    return known if known is not None and found == CITY else found


def places_agree(a: str | None, b: str | None) -> bool:
    if a is None or b is None or a == b:
        return True
    return CITY in (a, b) and (a.isdigit() or b.isdigit())


def same(a: Respondent, b: Respondent) -> bool:
    """Whether two normalised names may be one firm (decided in the module docstring)."""
    if not places_agree(a.place, b.place):
        return False
    if a.key == b.key:
        return True
    if a.key.isascii() and b.key.isascii() and fuzz.ratio(a.key, b.key) >= LATIN_CUTOFF:
        return True
    if a.head != b.head and fuzz.ratio(a.head, b.head) < HEAD_CUTOFF:
        return False
    if not a.industry or not b.industry or a.industry in b.industry or b.industry in a.industry:
        return True
    return fuzz.ratio(a.industry, b.industry) >= INDUSTRY_CUTOFF


def could_be(a: Respondent, stored_key: str) -> bool:
    """A cheap first pass over stored keys (which keep no place, and no spaces between Latin
    words): True for every key whose lead's full name `same` might accept."""
    b = normalise(stored_key)
    if b is None:
        return False
    if a.key.isascii() and b.key.isascii():
        return b.key.startswith(a.key) or a.key.startswith(b.key) or fuzz.ratio(a.key, b.key) >= 60
    return same(replace(a, place=None), replace(b, place=None))


def clusters(names: Sequence[Respondent]) -> list[list[int]]:
    """Indexes of `names` grouped by firm: each joins the first group whose first name it matches
    (no chaining: 宏达 does not join 宏达机械 and 宏达食品 into one)."""
    groups: list[list[int]] = []
    for n, name in enumerate(names):
        for group in groups:
            if same(names[group[0]], name):
                group.append(n)
                break
        else:
            groups.append([n])
    return groups
