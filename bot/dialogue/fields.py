"""The fields a form collects, each with its own extract and validate functions.

`extract` looks at any message of the conversation and returns a value or None; it runs on every
message for every field still empty, so one message fills all it can. `answer` reads the reply to
the field's own question, where the whole text may be the value. `validate` returns the key of an
error text, or None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.dialogue import checks, names
from intents.places import common_surnames
from intents.understanding import Understanding


@dataclass(frozen=True)
class Said:
    text: str
    understanding: Understanding | None
    first: bool = False
    """The message that opened the form."""


Extract = Callable[[Said], Any]
Validate = Callable[[Any], str | None]


def _nothing(said: Said) -> Any:
    return None


def _ok(value: Any) -> str | None:
    return None


def _always(fields: Mapping[str, Any], channels: tuple[str, ...]) -> bool:
    return True


@dataclass(frozen=True)
class Field:
    name: str
    required: bool = True
    choices: tuple[str, ...] = ()
    """Values offered as buttons; their labels are texts `choice.<name>.<value>`."""
    free_text: bool = True
    """A typed reply to this field's question is itself the value."""
    extract: Extract = _nothing
    validate: Validate = _ok
    applies: Callable[[Mapping[str, Any], tuple[str, ...]], bool] = _always
    skip_value: Any = None
    """What a skip stores, when skipping is allowed (optional fields always allow it)."""
    reply: Extract | None = None
    """Reads the reply to this field's own question, before `extract` and the free-text rule."""
    files: bool = False
    ask: bool = True
    """False for fields only ever filled from what the user already said."""
    unknown: bool = False
    """"I don't know" (不记得了, 证书在公司) is an answer: the field is left open and the words kept."""
    short: bool = False
    """A name, a product, a date: a reply that tells a story or asks a question is not the value."""

    def answer(self, said: Said) -> Any:
        found = (self.reply or self.extract)(said)
        if found is not None:
            return found
        text = said.text.strip()
        return text if self.free_text and text else None


_SPACE = re.compile(r"\s+")


def extract_organisation(said: Said) -> str | None:
    return names.organisation(said.text)


def answer_respondent(said: Said) -> str | None:
    """The reply to "who is it?": the whole name as typed when it is one (a short reply); the
    company named in it when the reply tells more than a name."""
    text = said.text.strip()
    if checks.is_story(text):
        return names.organisation(text)
    found = names.respondent_answer(text)
    return names.with_booth(found, text) if found else None


def validate_respondent(value: Any) -> str | None:
    text = str(value)
    if not 1 < len(text) <= 80 or checks.not_a_name(text) or names.names_only_a_trade(text):
        return "error.respondent"
    return None


def extract_product(said: Said) -> str | None:
    return names.product(said.text)


def validate_product(value: Any) -> str | None:
    text = str(value)
    one_word = len(text) == 1 and "\u4e00" <= text <= "\u9fff"  # 锁, 灯, 伞: one character is a thing
    if not (1 < len(text) <= 60 or one_word) or checks.not_a_name(text):
        return "error.product"
    return None


def extract_county(said: Said) -> str | None:
    u = said.understanding
    if u is None:
        return None
    place = u.place  # an answer names its place whatever the model makes of it
    if place.county_code:
        return place.county_code
    return "outside" if place.out_of_area else None


_DONT_KNOW = re.compile(r"不知道|不清楚|不确定|说不准|not sure|don'?t know|unknown", re.IGNORECASE)


def answer_county(said: Said) -> str | None:
    found = extract_county(said)
    if found:
        return found
    return "unknown" if _DONT_KNOW.search(said.text) else None


def extract_patents(said: Said) -> list[dict[str, Any]] | None:
    u = said.understanding
    if u is None or not u.entities.patent_numbers:
        return None
    return [p.to_dict() for p in u.entities.patent_numbers]


def extract_claim(said: Said) -> str | None:
    """The numbers a mark carries, "ZL" kept where written: on an unpatented product the prefix
    is what makes the mark a counterfeit (facts 6.6)."""
    u = said.understanding
    if u is None or not u.entities.patent_numbers:
        return None
    return "、".join(p.marked for p in u.entities.patent_numbers)


def answer_claim(said: Said) -> str | None:
    """The reply to "what does the mark say?": the person's words, numbers and all."""
    return said.text.strip() or None


def validate_patents(value: Any) -> str | None:
    """A wrong check digit is refused once; `filling` keeps the number when it is sent again."""
    if any(p.get("valid") is False and not p.get("confirmed") for p in value or ()):
        return "error.patent_check_digit"
    return None


_STANDING = (
    ("licensee", re.compile(r"被许可|许可使用|独占许可|授权使用|licensee|licen[cs]ed", re.IGNORECASE)),
    (
        "patentee",
        re.compile(
            r"专利权人|我的专利|我们的专利|我公司的专利|我司的?专利|本公司的?专利|我们公司的专利|"
            r"我家的专利|俺的专利|俺家的专利|咱的专利|咱家的专利|自己的专利|是我发明的|我发明的|俺发明的|"
            r"我就是发明|俺就是发明|发明的人就是我|我自己申请的|俺自己申请的|"
            r"my patent|our patent|patentee|patent owner|we own|my own invention|I invented",
            re.IGNORECASE,
        ),
    ),
    ("interested", re.compile(r"利害关系人|继承人|interested party", re.IGNORECASE)),
)


def extract_standing(said: Said) -> str | None:
    for value, pattern in _STANDING:
        if pattern.search(said.text):
            return value
    return None


_NAME = re.compile(r"(?:我叫|我姓名是|我的名字是|姓名[:：]?|联系人[:：]?)\s*([\u4e00-\u9fff·]{2,8})")
_NAME_EN = re.compile(r"\bmy name is\s+([A-Za-z][A-Za-z .'-]{1,40}?)(?=[,.;]|\s+and\b|$)", re.IGNORECASE)


def extract_name(said: Said) -> str | None:
    m = _NAME.search(said.text) or _NAME_EN.search(said.text)
    return m.group(1).strip() if m else None


def answer_name(said: Said) -> str | None:
    found = extract_name(said)
    if found:
        return found
    text = re.sub(r"[\d+\-\s()（）]{7,}", " ", said.text)  # a phone typed together with the name
    text = _SPACE.sub(" ", text).strip(" ，,。.")
    return text or None


def validate_name(value: Any) -> str | None:
    text = str(value)
    if (
        not 1 < len(text) <= 40
        or sum(ch.isdigit() for ch in text) > 2
        or checks.looks_like_link(text)
        or "@" in text
        or checks.is_question(text)
        or _NOT_IN_A_NAME.search(text)
    ):
        return "error.name"
    return None


_NOT_IN_A_NAME = re.compile(r"需要|帮助|帮忙|咨询|投诉|举报|专利|侵权|取证|材料|我要|我想|请问|麻烦")
"""Words of a request, never of a name: 需要法律咨询和取证帮助 typed where the name is asked."""


def extract_phone(said: Said) -> str | None:
    u = said.understanding
    return u.entities.phones[0] if u is not None and u.entities.phones else None


_PHONE = re.compile(r"1\d{10}|0\d{2,3}-\d{7,8}|\+86-1\d{10}|\+[1-9]\d{7,14}")


def validate_phone(value: Any) -> str | None:
    """A Chinese mobile or landline (with area code), +86 kept, or a foreign number (+49…)."""
    return None if value and _PHONE.fullmatch(str(value)) else "error.phone"


_WHEN = re.compile(
    r"(今天|昨天|前天|上周|上个月|本月|这个月|最近|前几天|\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?|"
    r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]|today|yesterday|last (?:week|month))",
    re.IGNORECASE,
)


def extract_when(said: Said) -> str | None:
    m = _WHEN.search(said.text)
    return m.group(1) if m else None


def validate_when(value: Any) -> str | None:
    """A date, or words for one; a phone, a link or a patent number is not a date."""
    text = str(value)
    if len(text) > 60 or checks.looks_like_phone(text) or checks.looks_like_link(text):
        return "error.found_at"
    a_name = _PERSON.match(text) and text[0] in common_surnames() and not _TIME_CUE.search(text)
    if checks.looks_like_patent_number(text) or a_name:
        return "error.found_at"
    return None


_PERSON = re.compile(r"^[\u4e00-\u9fff]{2,3}$")
_TIME_CUE = re.compile(r"[年月日号天周期时点分昨今明前后去上下刚早晚午夜春夏秋冬节季初底末旬集会]|\d")
"""赵顺达 where the time is asked is a name, not a time; 马上, 高考那年 say when."""


def validate_short_text(value: Any) -> str | None:
    """A fair's or a shop's name: anything but a phone number or a patent number."""
    text = str(value)
    if checks.looks_like_phone(text) or checks.looks_like_patent_number(text):
        return "error.short_text"
    return None


_FAIR = re.compile(
    r"([\u4e00-\u9fffA-Za-z0-9]{2,20}?(?:博览会|交易会|展销会|展览会|展会|会展|大展|摄影展|年会))"
)
_FAIR_EN = re.compile(
    r"\b(?:at|during)\s+the\s+([A-Za-z0-9 ]{2,40}?(?:Fair|Expo|Exhibition|Show))", re.IGNORECASE
)


def extract_fair(said: Said) -> str | None:
    m = _FAIR.search(said.text) or _FAIR_EN.search(said.text)
    if not m:
        return None
    name = names.without_lead_words(m.group(1))
    return name if len(name) >= 2 else m.group(1)


_PLATFORMS = r"(?:淘宝|天猫|京东|拼多多|抖音|快手|闲鱼|1688|微店)"
_SHOP = re.compile(
    r"(https?://\S+|[a-z0-9.-]+\.(?:com|cn|net)(?:/\S*)?|" + _PLATFORMS + r"(?:上的|上|的)?"
    r"(?![上的]*(?:有|一家|一个|那家|这家))[\u4e00-\u9fffA-Za-z0-9]{1,20}?(?:店铺|旗舰店|专营店|专卖店|小店|店))",
    re.IGNORECASE,
)


def extract_shop(said: Said) -> str | None:
    """A shop's link, or its name on a platform (淘宝上的鑫源农机专营店); the platform alone
    (淘宝上有店铺…) names no shop."""
    m = _SHOP.search(said.text)
    return m.group(1) if m else None


def answer_shop(said: Said) -> str | None:
    """The reply to "which shop?": the whole reply when it is short (京东鑫源旗舰店)."""
    text = said.text.strip()
    return text if text and not checks.is_story(text) else extract_shop(said)


def first_message(said: Said) -> str | None:
    """What happened, in the user's own words: the message that opened the form, if it says more
    than "I want to complain"."""
    text = said.text.strip()
    return text if said.first and len(text) >= 12 else None


def keyword_choice(table: tuple[tuple[str, str], ...]) -> Extract:
    patterns = tuple((value, re.compile(words, re.IGNORECASE)) for value, words in table)

    def extract(said: Said) -> str | None:
        for value, pattern in patterns:
            if pattern.search(said.text):
                return value
        return None

    return extract


def has_channel(channel: str) -> Callable[[Mapping[str, Any], tuple[str, ...]], bool]:
    def applies(fields: Mapping[str, Any], channels: tuple[str, ...]) -> bool:
        return channel in channels

    return applies


def confidential(fields: Mapping[str, Any], channels: tuple[str, ...]) -> bool:
    return fields.get("contact") != "anonymous"
