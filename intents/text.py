"""Cleaning what people type before anything reads it."""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 4000
"""Understanding looks at this much of a message; a longer one is still answered."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")
_LATIN = re.compile(r"[a-z]")
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[a-z]{2,}")
_CODES = re.compile(
    r"https?://\S+|www\.\S+|[a-z0-9._+-]+@[a-z0-9-]+\.[a-z0-9.]+|[a-z0-9.-]+\.(?:com|cn|net|org)(?:/\S*)?"
    r"|(?<![a-z0-9])jz-?[0-9a-z]{4}-?[0-9a-z]{4}(?![a-z0-9])"
    r"|(?<![a-z0-9])(?:zl|cn)\s?[\d .\-]{7,}[\dx]?[abcuys]?\d?(?![a-z])"
)
"""Links, e-mail addresses, tracking numbers (JZ-…) and patent numbers (ZL…, CN…A): Latin letters
that say nothing about the language the person writes in."""


def clean(text: str) -> str:
    """NFKC (full-width to half-width), lower case, no control or bidi characters, one space."""
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS])
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip().lower()


def detect_language(cleaned: str) -> str:
    """'en' when the message is mostly Latin words, else 'zh' (the default). Codes (links,
    tracking and patent numbers) are not words: "JZ-ABCD-EFGH 进度" is Chinese."""
    cleaned = _CODES.sub(" ", cleaned)
    han = len(_HAN.findall(cleaned))
    latin_words = _LATIN_WORD.findall(cleaned)
    if not latin_words:
        return "zh"
    latin_letters = sum(len(w) for w in latin_words)
    if han == 0:
        return "en" if latin_letters >= 2 and not _only_codes(latin_words) else "zh"
    return "en" if latin_letters > 3 * han and len(latin_words) >= 2 else "zh"


def _only_codes(words: list[str]) -> bool:
    return all(w in {"zl", "cn", "ok", "hi"} for w in words) and "hi" not in words


def has_latin(cleaned: str) -> bool:
    return bool(_LATIN.search(cleaned))
