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

    def answer(self, said: Said) -> Any:
        found = (self.reply or self.extract)(said)
        if found is not None:
            return found
        text = said.text.strip()
        return text if self.free_text and text else None


_SPACE = re.compile(r"\s+")
_ORG = re.compile(
    r"([\u4e00-\u9fffA-Za-z0-9（）()]{2,24}?(?:有限责任公司|股份有限公司|有限公司|公司|集团|工厂|厂|商行|门市部|"
    r"经销部|商店|专卖店|超市|店|合作社|研究所|研究院))"
)
_ORG_NOISE = re.compile(
    r"^(?:.*(?:我是|我们是|我在|在|是|有个|有一家|有家|一家|一个|那个|这个|被|说|的|个|家|发现|投诉|举报|"
    r"起诉|仿造|仿制|仿冒|抄袭|侵犯|销售|卖))"
)
ORG_MIN_CHARS = 4
"""Shorter is a kind of business (机械厂, 五金店), not a name the staff could find."""
_ORG_EN = re.compile(
    r"\b([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*\s+(?:Co\.?,?\s*Ltd\.?|Company|Inc\.?|Factory|Ltd\.?))"
)


_SELF = ("我", "本", "咱", "贵", "你", "您")


def extract_organisation(said: Said) -> str | None:
    for m in _ORG.finditer(said.text):
        name = _ORG_NOISE.sub("", m.group(1))
        if len(name) >= ORG_MIN_CHARS and not name.startswith(_SELF):
            return name
    english = _ORG_EN.search(said.text)
    return english.group(1) if english else None


_PRODUCT = re.compile(
    r"(?:仿造|仿制|仿冒|抄袭|复制|生产|制造|销售|在卖|卖|售卖|出售|许诺销售|假冒|冒用)(?:了)?"
    r"(?:我们?|我们?公司|我司|我厂|本公司|我家|人家)?(?:的)?(?:专利)?(?:的)?"
    r"([\u4e00-\u9fffA-Za-z0-9]{2,16}?)(?=[，。,.!！？?；;、\s]|(?:上|时|的时候|并|还|而且|，)|$)"
)
_PRODUCT_EN = re.compile(
    r"\b(?:copy|copies|copying|copied|selling|sells|sold|making|makes|made|manufactur\w*|imitat\w*)\s+"
    r"(?:of\s+)?(?:our|my)?\s*(?:patented\s+)?([a-z][a-z\- ]{2,40}?)"
    r"(?=\s+(?:at|in|on|with|without|from|which)\b|[,.;!?]|$)",
    re.IGNORECASE,
)
_NOT_PRODUCTS = {"专利", "产品", "东西", "我们", "我的", "侵权", "假冒", "专利产品", "专利号"}


def extract_product(said: Said) -> str | None:
    for pattern in (_PRODUCT, _PRODUCT_EN):
        for m in pattern.finditer(said.text):
            product = re.sub(r"^(?:专利产品|专利|产品)", "", m.group(1).strip().split("的")[-1])
            if (
                product
                and product not in _NOT_PRODUCTS
                and "专利" not in product
                and not product.endswith(("县", "区", "市", "号"))
                and not _ORG.search(product)
                and not product.endswith(("公司", "厂", "店"))
            ):
                return product
    return None


def extract_county(said: Said) -> str | None:
    u = said.understanding
    if u is None:
        return None
    if u.entities.county_code:
        return u.entities.county_code
    return "outside" if u.entities.out_of_area else None


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
    found = extract_patents(said)
    return "、".join(p["normalized"] for p in found) if found else None


def validate_patents(value: Any) -> str | None:
    if any(p.get("valid") is False for p in value or ()):
        return "error.patent_check_digit"
    return None


_STANDING = (
    ("licensee", re.compile(r"被许可|许可使用|独占许可|授权使用|licensee|licen[cs]ed", re.IGNORECASE)),
    (
        "patentee",
        re.compile(
            r"专利权人|我的专利|我们的专利|我公司的专利|我司的?专利|本公司的?专利|我们公司的专利|"
            r"我家的专利|my patent|our patent|patentee|patent owner|we own",
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
    if not 1 < len(text) <= 40 or sum(ch.isdigit() for ch in text) > 2:
        return "error.name"
    return None


def extract_phone(said: Said) -> str | None:
    u = said.understanding
    return u.entities.phones[0] if u is not None and u.entities.phones else None


def validate_phone(value: Any) -> str | None:
    return None if value and re.fullmatch(r"1\d{10}|0\d{2,3}-\d{7,8}", str(value)) else "error.phone"


_WHEN = re.compile(
    r"(今天|昨天|前天|上周|上个月|本月|这个月|最近|前几天|\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?|"
    r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]|today|yesterday|last (?:week|month))",
    re.IGNORECASE,
)


def extract_when(said: Said) -> str | None:
    m = _WHEN.search(said.text)
    return m.group(1) if m else None


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
    name = _ORG_NOISE.sub("", m.group(1))
    return name if len(name) >= 2 else m.group(1)


_SHOP = re.compile(
    r"(https?://\S+|[a-z0-9.-]+\.(?:com|cn|net)(?:/\S*)?|(?:淘宝|天猫|京东|拼多多|抖音|快手|闲鱼|1688|微店)"
    r"(?:上的|上|的)?[\u4e00-\u9fffA-Za-z0-9]{0,20}?(?:店铺|旗舰店|专营店|小店|店)?)",
    re.IGNORECASE,
)


def extract_shop(said: Said) -> str | None:
    m = _SHOP.search(said.text)
    return m.group(1) if m else None


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
