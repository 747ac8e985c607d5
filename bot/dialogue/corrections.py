"""Reading a correction: "搞错了，厂子在寿阳不在昔阳", "号码写错了，应该是 139…", "名字写错了 是宏达…".

`read(text)` says whether the message corrects something, which field it names (or None when it
names none) and the words that hold the new value, with what is denied (不在昔阳) taken out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARKER = re.compile(
    r"搞错了?|弄错了?|写错了?|填错了?|输错了?|打错了?|说错了?|记错了?|选错了?|错了|有误|不对|更正|纠正|"
    r"改一下|改成|改为|换成|应该是|应为|不是[^，,。；;\s]{1,20}[，,\s]*(?:而)?是|"
    r"\bsorry,? i meant\b|\bi meant\b|\bcorrection\b|\bwrong\b",
    re.IGNORECASE,
)
_WEAK = re.compile(r"不对|有误|错了")
"""Markers that also occur in stories (他们做的不对): a correction only at the start or after a
field's name."""
_ONLY_INTRODUCES = re.compile(r"改一下|改成|改为|换成|应该是|应为")
_INTRODUCES = re.compile(r"改成|改为|换成|应该是|应为|是$|meant")
_DENIED = re.compile(r"(?:而)?不(?:在|是)[^，,。；;！!\s]*")
_VALUE_AFTER = re.compile(
    r"(?:应该是|应为|改成|改为|换成|而是|正确的是|其实是|是|叫|[:：]|\bis\b|\bto\b)\s*", re.IGNORECASE
)

_NAMED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("patents", re.compile(r"专利号|专利号码|专利的号|patent number", re.IGNORECASE)),
    ("phone", re.compile(r"电话|号码|手机|联系方式|phone|mobile", re.IGNORECASE)),
    ("name", re.compile(r"我的名字|我叫|我姓|姓名|联系人|my name", re.IGNORECASE)),
    (
        "county",
        re.compile(r"地点|地方|县|区|位置|地址|在哪|厂子?在|店在|公司在|\bplace\b|county", re.IGNORECASE),
    ),
    (
        "respondent",
        re.compile(r"名字|名称|全称|公司|厂名|厂家|店名|商家|对方|被投诉|被举报|respondent|company"),
    ),
    ("standing", re.compile(r"身份|和专利的关系|\brelation\b", re.IGNORECASE)),
    ("product", re.compile(r"产品|东西|商品|\bproduct\b", re.IGNORECASE)),
    ("found_at", re.compile(r"时间|日期|哪天|时候|\bdate\b", re.IGNORECASE)),
    ("shop", re.compile(r"网店|店铺|链接|\bshop\b|\blink\b", re.IGNORECASE)),
    ("fair", re.compile(r"展会|展览|\bfair\b", re.IGNORECASE)),
)


@dataclass(frozen=True)
class Correction:
    field: str | None
    """The field the message names, or None: the value decides (a phone, a place, a company)."""
    value_text: str
    """The words that hold the new value."""
    leading: bool = False
    """The message starts with the correction (不对，是播种机): it may mean the answer just given."""
    says_wrong: bool = True
    """It says something was wrong (搞错了, 不是…是); 应该是 or 改成 alone may just be an answer
    (应该是平遥的)."""


def read(text: str) -> Correction | None:
    """The correction a message makes, or None when it makes none."""
    marker = _MARKER.search(text)
    if marker is None:
        return None
    before, after = text[: marker.start()], text[marker.end() :]
    if _WEAK.fullmatch(marker.group(0)) and marker.start() > 2 and not _names_right_before(before):
        return None
    field = _named(before) or _named(after)
    kept = _DENIED.sub(" ", f"{before} {after}")
    introduces = _INTRODUCES.search(marker.group(0))
    value = _value(after) or (_DENIED.sub(" ", after) if introduces else "") or _value(kept) or kept
    wrong = not _ONLY_INTRODUCES.fullmatch(marker.group(0)) or bool(_MARKER.search(text, marker.end()))
    return Correction(field, value.strip(" ，,。.！!；;"), leading=marker.start() <= 2, says_wrong=wrong)


def _names_right_before(before: str) -> bool:
    """电话不对, 地址有误: the weak marker follows the name of a field."""
    tail = before.rstrip()[-6:]
    return any(m.end() == len(tail) for _, pattern in _NAMED for m in pattern.finditer(tail))


def _named(text: str) -> str | None:
    hits = [(m.start(), name) for name, pattern in _NAMED if (m := pattern.search(text))]
    return min(hits)[1] if hits else None


def _value(text: str) -> str:
    text = _DENIED.sub(" ", text)
    last = None
    for m in _VALUE_AFTER.finditer(text):
        last = m
    return text[last.end() :].strip(" ，,。.！!；;") if last else ""
