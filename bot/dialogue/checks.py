"""What a typed reply looks like, before it is taken as the answer to the question asked: a
question of its own, a whole story, "I don't know", thanks, agreement, or a value of another kind
(a link, a phone, a patent number) than the field wants."""

from __future__ import annotations

import re

from intents.labels import Intent
from intents.understanding import Understanding
from knowledge.patent_numbers import find_patent_numbers

_QUESTION = re.compile(
    r"[?？]|吗|什么|怎么|怎样|如何|多少|多久|几年|哪里|哪个|能否|是否|可不可以|能不能|有没有|请问|"
    r"啥|咋|为何|问一下|问问|请教|想问|是不是|要不要|行不行|对不对|呢$|"
    r"\b(?:how|what|when|where|why|which|can|could|should)\b",
    re.IGNORECASE,
)
_ABOUT_THE_QUESTION = re.compile(
    r"填啥|填什么|写啥|写什么|怎么填|怎么写|啥意思|什么意思|指的是|是指|不懂|不明白|没明白|看不懂|要写全称|"
    r"what do you mean|what should i (?:write|put)",
    re.IGNORECASE,
)
_UNKNOWN = re.compile(
    r"^(?:我|这个|具体|对方的?|他们的?|专利号)?(?:也|还|暂时|实在|真)?(?:不知道|不清楚|不记得了?|记不清了?|记不得了?|"
    r"忘了|忘记了|想不起来了?|说不清|说不准|不确定|不晓得|没记住|没注意|没看清|没留意|"
    r"(?:专利)?证书在(?:公司|单位|家)(?:里)?|(?:在|放在)(?:公司|单位|家)(?:里)?|没带|手头没有|手边没有|"
    r"查不到|找不到了?|not sure|no idea|i don'?t know|don'?t know|unknown|can'?t remember|forgot)"
    r"(?:是?(?:哪家|哪个|谁|什么|啥)(?:的)?|叫什么(?:名字)?|在哪(?:里|儿)?|多少)?"
    r"(?:[，,。.\s]*(?:证书在(?:公司|单位|家)里?|在(?:公司|单位|家)里?|回头再说|以后再补|回头补))?"
    r"(?:了|呢|啊|哦|诶|欸)?[。.!！~～]*$",
    re.IGNORECASE,
)
_THANKS = re.compile(
    r"^(?:谢谢|谢了|多谢|感谢|谢谢你|谢谢您|谢谢啦|辛苦了|麻烦了|麻烦你了|好的|好|好嘞|好滴|行|中|中嘞|妥了|嗯|嗯嗯|哦|噢|"
    r"收到|明白了?|知道了|了解了?|ok|okay|thanks|thank you|thx|got it)"
    r"(?:[，,\s]*(?:谢谢|谢谢你|谢谢您|多谢|辛苦了|thanks))?[。.!！~～]*$",
    re.IGNORECASE,
)
_AGREE = re.compile(
    r"^(?:(?:对|对的|是的|是|没错|没问题|可以|行|中|好|好的|嗯|嗯嗯|确认|确定|正确|无误|都对|没有问题|ok|okay|yes|"
    r"correct|right|fine|sure|submit|提交|提交吧|就这样|就这样吧|可以提交|确认提交|帮我提交|请提交|交吧)"
    r"[，,。.!！\s]*)+$",
    re.IGNORECASE,
)
_MARK = re.compile(r"[?？]")
_LINK = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_URL = re.compile(r"https?://|www\.|\b[a-z0-9-]+\.(?:com|cn|net|org)\b", re.IGNORECASE)
_PHONE_ONLY = re.compile(r"^\+?[\d\s()（）\-]{7,}$")
_DATE_ONLY = re.compile(r"^\d{4}[-/.年]\d{1,2}(?:[-/.月]\d{1,2}[日号]?)?$|^\d{1,2}月\d{1,2}[日号]?$")
STORY_CHARS = 40
"""Longer than any name, product or date: a reply this long to such a question tells a story."""
_CLAUSES = re.compile(r"[，,。；;！!]")


def is_question(text: str) -> bool:
    """Question words or a question mark, outside any link (…item.htm?id=1 asks nothing); 叫啥
    我也不知道 says it does not know, it asks nothing."""
    text = _LINK.sub(" ", text)
    return bool(_QUESTION.search(text)) and not (_UNKNOWN_SAID.search(text) and not _MARK.search(text))


def is_about_the_question(text: str) -> bool:
    """The person asks what the question means or what to write."""
    return bool(_ABOUT_THE_QUESTION.search(text))


_UNKNOWN_SAID = re.compile(
    r"不知道|不清楚|不记得|记不清|记不得|忘了|忘记了|说不清|不晓得|想不起来|证书(?:在|放在|不在|没在|没带)|"
    r"not sure|don'?t know|no idea|can'?t remember",
    re.IGNORECASE,
)
UNKNOWN_CHARS = 24
"""A short reply that says 不知道 (不知道是哪家，在超市买的; 村东头那个厂子，叫啥我也不知道; 证书在孩子那)
is "I don't know", the other words kept."""


def is_unknown(text: str) -> bool:
    text = text.strip()
    if _UNKNOWN.match(text):
        return True
    return len(text) <= UNKNOWN_CHARS and bool(_UNKNOWN_SAID.search(text))


def is_thanks(text: str) -> bool:
    return bool(_THANKS.match(text.strip()))


def polite_key(text: str) -> str:
    """The short answer to thanks (不客气) or to a plain "OK" (好的)."""
    return "polite.thanks" if re.search(r"谢|感谢|辛苦|麻烦|thank|thx", text, re.IGNORECASE) else "polite.ok"


_GREETING = re.compile(
    r"^(?:你好|您好|在吗|在不在|有人吗|hello|hi|hey)[啊呀吗呢？?!！。.~～\s]*$", re.IGNORECASE
)


def is_greeting(text: str) -> bool:
    return bool(_GREETING.match(text.strip()))


_WHERE_WERE_WE = re.compile(
    r"说到哪|填到哪|到哪(?:儿|里)?了|哪一步|接着(?:说|填)|继续(?:说|填)|where (?:was i|were we)",
    re.IGNORECASE,
)


def asks_where_we_were(text: str) -> bool:
    """你好 我上次说到哪了, back after a pause: the resume offer answers it; it answers no field."""
    return bool(_WHERE_WERE_WE.search(text))


def is_agreement(text: str) -> bool:
    return bool(_AGREE.match(text.strip()))


def is_story(text: str) -> bool:
    """Sentences, not a name: long and broken into clauses."""
    text = text.strip()
    clauses = len(_CLAUSES.findall(text))
    return (len(text) > STORY_CHARS and clauses >= 1) or (len(text) > 20 and clauses >= 2)


def looks_like_link(text: str) -> bool:
    return bool(_URL.search(text))


def looks_like_phone(text: str) -> bool:
    return bool(_PHONE_ONLY.match(text.strip())) and not find_patent_numbers(text)


def looks_like_patent_number(text: str) -> bool:
    numbers = find_patent_numbers(text)
    return bool(numbers) and len(re.sub(r"[\s.:：，,。]", "", text)) <= len(numbers[0].raw) + 6


def looks_like_date(text: str) -> bool:
    return bool(_DATE_ONLY.match(text.strip().replace(" ", "")))


def not_a_name(text: str) -> bool:
    """A link, a phone, a patent number or a date is not the name of a person, firm or product."""
    return (
        looks_like_link(text)
        or looks_like_phone(text)
        or looks_like_patent_number(text)
        or looks_like_date(text)
    )


def means_cancel(u: Understanding | None) -> bool:
    """A wish to stop that a form may act on: the model's word is not enough alone (俺刚才说了啊
    玉米脱粒机 reads as 不说了 to it), one of the rules' cancel words must be there too."""
    return u is not None and u.intent is Intent.CANCEL and not u.weak and bool(u.matched)


_CANCEL_YES = re.compile(
    r"^(?:是|是的|对|嗯|好|好的|确定|确认|取消吧|不要了|yes|ok|okay|y)[，,。.!！\s]*$", re.IGNORECASE
)


def confirms_cancel(text: str) -> bool:
    """A typed yes to 确定取消吗 (提交, which is_agreement takes, is no yes here)."""
    return bool(_CANCEL_YES.match(text.strip()))
