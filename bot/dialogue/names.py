"""What a message names: the respondent (its full name and its booth at a fair) and the product.

Each reader takes plain text and returns the thing named or None; `fields.py` wraps them as the
form's extract and reply functions.
"""

from __future__ import annotations

import re

_ORG = re.compile(
    r"(([\u4e00-\u9fffA-Za-z0-9（）()]{2,24}?)(有限责任公司|股份有限公司|有限公司|公司|集团|工厂|厂|商行|门市部|"
    r"经销部|商店|专卖店|超市|店|合作社|研究所|研究院))"
)
_ORG_NOISE = re.compile(
    r"^(?:.*(?:我是|我们是|我在|在|是|有个|有一家|有家|一家|这家|那家|一个|那个|这个|被|说|的|叫|名叫|叫做|"
    r"发现|看到|看见|遇到|投诉|举报|起诉|仿造|仿制|仿冒|抄袭|侵犯|销售|卖))"
)
"""Words before a name in a sentence. 家 and 个 alone are not among them: they are in names
(大家发机械厂, 家家乐超市)."""
ORG_MIN_CHARS = 4
"""Shorter is a kind of business (机械厂, 五金店), not a name the staff could find."""
_NOT_A_NAME = re.compile(
    r"[个家间座所有]$|开了|开着|开的|有人|^(?:淘宝|天猫|京东|拼多多|抖音|快手|闲鱼|微店)"
)
"""开了个店, 一家厂: a kind of business said in passing, not its name."""
_ORG_EN = re.compile(
    r"\b([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*\s+(?:Co\.?,?\s*Ltd\.?|Company|Inc\.?|Factory|Ltd\.?))"
)
_SELF = ("我", "本", "咱", "贵", "你", "您")
_BOOTH = re.compile(
    r"(?:展位|展台|摊位|booth|stand)\s*(?:号)?\s*[:：]?\s*([A-Za-z]{0,2}\d{1,4}[A-Za-z]?(?:-\d{1,4})?)"
    r"|([A-Za-z]{0,2}\d{1,4}[A-Za-z]?(?:-\d{1,4})?)\s*号?\s*(?:展位|展台|摊位)",
    re.IGNORECASE,
)


def without_lead_words(text: str) -> str:
    """A name without the words before it in a sentence (我在…, 有一家…, …的)."""
    return _ORG_NOISE.sub("", text)


def booth(text: str) -> str | None:
    """A booth number at a fair (展位 A12, 3号展台, booth B7), upper case."""
    m = _BOOTH.search(text)
    return (m.group(1) or m.group(2)).upper() if m else None


def organisation(text: str) -> str | None:
    """The first company, factory or shop named, with the words before it that are not its name
    (我在…, 有一家…) taken off; a booth named beside it is kept: 宏达机械有限公司（展位 A12）."""
    for m in _ORG.finditer(text):
        body = without_lead_words(m.group(2))
        if _NOT_A_NAME.search(body):
            continue
        name = body + m.group(3)
        if len(name) >= ORG_MIN_CHARS and not name.startswith(_SELF) and "某" not in name:
            return with_booth(name, text)
    english = _ORG_EN.search(text)
    return with_booth(english.group(1), text) if english else None


def with_booth(name: str, text: str) -> str:
    found = booth(text)
    if found is None or found in name.upper():
        return name
    return f"{name}（展位 {found}）"


_LEAD_IN = re.compile(
    r"^(?:对方|他们|他家|那家|这家|被投诉方|被举报方|店名|厂名|公司名|店铺名)?"
    r"(?:是|叫|名字叫|名称是|名字是|全称是|全称|就是)\s*[:：]?\s*"
)


def respondent_answer(text: str) -> str:
    """The reply to "who is it?": the whole name as typed (place prefix, branch, booth and all),
    without a lead-in such as 对方是 or a full stop."""
    return _LEAD_IN.sub("", text.strip()).strip(" 。.，,")


_DOING = (
    r"(?:仿造|仿制|仿冒|抄袭|复制|生产|制造|加工|批发|经销|销售|在卖|卖|售卖|出售|许诺销售|假冒|冒用|做|造)"
)
_PRODUCT = re.compile(
    _DOING + r"(?:了)?(?:我们?|我们?公司|我司|我厂|本公司|我家|人家)?(?:的)?(?:专利)?(?:的)?(?:是)?"
    r"([\u4e00-\u9fffA-Za-z0-9]{2,16}?)(?=[，。,.!！？?；;、\s]|(?:上|时|的时候|并|还|而且|标着|标有|印着|印有|写着|贴着)|$)"
)
_MAKER_OF = re.compile(_DOING + r"([\u4e00-\u9fff]{2,10}?)的(?=[，。,.!！？?；;、\s]|$)")
"""做电暖气的, 卖电动车的: the trade named by what it makes or sells."""
_TRADE_ONLY = re.compile(
    r"^(?:就是|是|他们是|对方是)?(?:那个|那家|一家|一个)?"
    + _DOING
    + r"[\u4e00-\u9fff]{2,10}?的(?:那家|那个|人|厂|店)?[。.！!]?$"
)
_NAMED = re.compile(
    r"(?:产品|东西|商品|货)(?:是|叫|为|名叫)\s*([\u4e00-\u9fffA-Za-z0-9]{2,16}?)(?=[，。,.!！？?；;、\s]|$)"
)
_PRODUCT_EN = re.compile(
    r"\b(?:copy|copies|copying|copied|selling|sells|sold|making|makes|made|manufactur\w*|imitat\w*)\s+"
    r"(?:of\s+)?(?:our|my)?\s*(?:patented\s+)?([a-z][a-z\- ]{2,40}?)"
    r"(?=\s+(?:at|in|on|with|without|from|which)\b|[,.;!?]|$)",
    re.IGNORECASE,
)
_NOT_PRODUCTS = {
    "专利", "产品", "东西", "我们", "我的", "侵权", "假冒", "专利产品", "专利号", "设计", "外观", "外观设计",
    "技术", "专利技术", "图纸", "方案", "创意", "想法", "商标", "牌子", "product", "products", "goods",
    "patented product", "our product", "things",
}  # fmt: skip
_NOT_IN_A_PRODUCT = re.compile(r"专利|在卖|在|卖|是|有人|了|把|被|给|号$")


def names_only_a_trade(text: str) -> bool:
    """做玉米脱粒机的: what they make, which is the product, not who they are."""
    return bool(_TRADE_ONLY.match(text.strip()))


def product(text: str) -> str | None:
    """The thing made or sold: 电暖气 in 做电暖气的, 电饭煲 in 产品是电饭煲, 切割机 in 仿造我们的切割机."""
    for pattern in (_NAMED, _MAKER_OF, _PRODUCT, _PRODUCT_EN):
        for m in pattern.finditer(text):
            found = re.sub(r"^(?:专利产品|专利|产品)", "", m.group(1).strip().split("的")[-1])
            if _is_product(found):
                return found
    return None


def _is_product(found: str) -> bool:
    return (
        len(found) >= 2
        and found.lower() not in _NOT_PRODUCTS
        and not _NOT_IN_A_PRODUCT.search(found)
        and not found.endswith(("县", "区", "市", "号", "公司", "厂", "店"))
        and not _ORG.search(found)
    )
