"""A legal basis cited in English: the law's English name (data/law_names.toml) and the article
numbers rendered from the Chinese (第一百零一条第一款 → Article 101(1)). Document numbers and
Chinese-only notes are left out; dates stay."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources

_DIGITS = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMERAL = "零一二三四五六七八九十百"
_ARTICLE = re.compile(rf"第([{_NUMERAL}]+)条")
_PARAGRAPH = re.compile(rf"第([{_NUMERAL}]+)款")
_ITEM = re.compile(rf"第（([{_NUMERAL}]+)）项")
_OLD_TEXT = re.compile(rf"（(\d{{4}})年版第([{_NUMERAL}]+)条）")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EDITION = re.compile(r"(\d{4})年(修正|修订|版)")


def chinese_number(text: str) -> int:
    """一百零一 → 101, 十六 → 16, 二百二十 → 220."""
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
    return total + current


def article_en(article: str) -> str:
    text = _OLD_TEXT.sub(
        lambda m: f" (Article {chinese_number(m.group(2))} of the {m.group(1)} text)", article
    )
    text = _ITEM.sub(lambda m: f"({chinese_number(m.group(1))})", text)
    text = _PARAGRAPH.sub(lambda m: f"({chinese_number(m.group(1))})", text)
    text = _ARTICLE.sub(lambda m: f"Article {chinese_number(m.group(1))}", text)
    text = text.replace("至", " to ").replace("、", ", ").replace("（", " (").replace("）", ")")
    return re.sub(r"[\u3400-\u9fff]+", "", text).replace("  ", " ").strip(" ,") or "—"


def version_en(version: str) -> str:
    parts = []
    edition = _EDITION.search(version)
    if edition:
        kind = {"修正": "amendment", "修订": "revision", "版": "edition"}[edition.group(2)]
        parts.append(f"{edition.group(1)} {kind}")
    dates = _DATE.findall(version)
    if dates:
        parts.append(("in force " if "施行" in version or "实施" in version else "") + dates[-1])
    if "以官方最新文本为准" in version:
        parts.append("check the latest official text")
    return ", ".join(parts)


@cache
def law_names() -> dict[str, str]:
    text = resources.files("knowledge").joinpath("data", "law_names.toml").read_text(encoding="utf-8")
    return dict(tomllib.loads(text))


def cite_en(law: str, article: str, version: str) -> str:
    name = law_names().get(law, "")
    parts = [p for p in (name, article_en(article) if article != "—" else "", version_en(version)) if p]
    return ", ".join(parts)
