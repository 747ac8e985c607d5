"""User-facing texts, in Chinese and English, read from `data/texts.toml`."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any


class Texts:
    def __init__(self, table: dict[str, dict[str, str]]) -> None:
        self._table = table

    def get(self, key: str, language: str = "zh", **values: Any) -> str:
        """The text in the language, falling back to Chinese; `{name}` placeholders filled."""
        text = self._table.get(language, {}).get(key) or self._table["zh"][key]
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self._table["zh"]

    def keys(self, language: str) -> set[str]:
        return set(self._table.get(language, {}))

    def every(self, key: str) -> list[str]:
        """The text in every language: for recognising a typed button label."""
        return [t[key] for t in self._table.values() if key in t]


TEXT_FILES = (
    ("bot.dialogue", "texts.toml"),
    ("bot.casework", "texts.toml"),
    ("bot.supervision", "texts.toml"),
)
"""The conversation's texts, casework's (cards, prompts, what the citizen is told of a case), then
the supervisor's and the reports' (staff groups only)."""


def load_texts() -> Texts:
    table: dict[str, dict[str, str]] = {}
    for package, name in TEXT_FILES:
        raw = resources.files(package).joinpath("data", name).read_text(encoding="utf-8")
        for language, texts in tomllib.loads(raw).items():
            clash = set(table.get(language, {})) & set(texts)
            if clash:
                raise ValueError(f"{package}/data/{name}: keys defined twice: {sorted(clash)[:3]}")
            table.setdefault(language, {}).update(texts)
    return Texts(table)
