"""Every text the conversation shows exists in Chinese and in English, with the same placeholders."""

from __future__ import annotations

import ast
import re
import string
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from bot.dialogue import form
from bot.dialogue.flows import FLOWS
from bot.dialogue.states import FlowKind
from bot.dialogue.texts import TEXT_FILES

BOT = Path(__file__).resolve().parents[2] / "bot"
STAFF_ONLY = (
    "staff.",
    "route.",
    "priority.",
    "tag.",
    "card.",
    "desk.",
    "prompt.",
    "alert.",
    "lists.",
    "supervise.",
    "digest.",
    "report.",
)
"""Shown to the bureau's staff, who read Chinese: no English needed."""

RAW: dict[str, dict[str, str]] = {}
for _package, _name in TEXT_FILES:
    for _language, _texts in tomllib.loads(
        resources.files(_package).joinpath("data", _name).read_text(encoding="utf-8")
    ).items():
        RAW.setdefault(_language, {}).update(_texts)
ZH, EN = RAW["zh"], RAW["en"]
USER_FACING = sorted(k for k in ZH if not k.startswith(STAFF_ONLY))

_MENU = (
    "only in [zh]: telegram_app sets the command menu once, without language_code, so English users see "
    "the Chinese descriptions (add [en] texts and a second set_my_commands(..., language_code='en'))"
)
KNOWN_MISSING_EN: dict[str, str] = {}


def english_cases(keys: list[str]) -> list[Any]:
    """The keys, those known to lack an English text marked xfail (strict: remove the entry once fixed)."""
    return [
        pytest.param(k, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSING_EN[k]))
        if k in KNOWN_MISSING_EN
        else k
        for k in keys
    ]


FAMILIES = {k.split(".")[0] for k in ZH if "." in k}
SINGLE = {k for k in ZH if "." not in k}


def literal_keys() -> set[str]:
    """Every string constant in the bot's code that looks like a text key: one of the single-word keys
    passed by name (welcome, help …) or a dotted name in one of the families of texts.toml (error.…)."""
    keys: set[str] = set()
    for path in BOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        in_fstrings = {id(n) for j in ast.walk(tree) if isinstance(j, ast.JoinedStr) for n in ast.walk(j)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in in_fstrings:
                value = node.value
                dotted = re.fullmatch(r"[a-z_]+(?:\.[a-z_0-9]+)+", value) and value.split(".")[0] in FAMILIES
                if dotted or value in SINGLE:
                    keys.add(value)
    return keys


def flow_keys() -> set[str]:
    """The keys the form builds from the flow table: labels, questions, choices, intros."""
    keys = {"summary.files", "summary.none", "error.patents", "error.county", "error.choose"}
    for flow, fields in FLOWS.items():
        keys |= {f"flow.{flow.value}", f"flow.{flow.value}.intro"}
        for fd in fields:
            keys.add(f"field.{fd.name}")
            if fd.ask:
                specific = f"ask.{flow.value}.{fd.name}"
                keys.add(specific if specific in ZH else f"ask.{fd.name}")
            keys |= {f"choice.{fd.name}.{value}" for value in fd.choices}
            if form.skippable(fd) and f"skip.{fd.name}" in ZH:
                keys.add(f"skip.{fd.name}")
    return keys


def command_menu_keys() -> set[str]:
    """command.<name> for each command the Telegram channel puts in the bot's menu (read, not imported)."""
    tree = ast.parse((BOT / "channels" / "telegram_app.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "COMMANDS" for t in node.targets):
            return {f"command.{name}" for name in ast.literal_eval(node.value)}
    return set()


def used_keys() -> set[str]:
    return literal_keys() | flow_keys() | command_menu_keys()


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_key_scan_finds_keys_of_every_kind():
    assert {"button.stale", "error.phone", "patent.check_bad", "welcome"} <= literal_keys()
    assert {"ask.respondent", "ask.counterfeit.name", "choice.county.140728", "skip.patents"} <= flow_keys()
    assert "command.start" in command_menu_keys()


@pytest.mark.parametrize("key", sorted(used_keys()))
def test_every_key_the_code_uses_exists_in_chinese(key):
    assert key in ZH


@pytest.mark.parametrize("key", english_cases(sorted(k for k in used_keys() if not k.startswith(STAFF_ONLY))))
def test_every_user_facing_key_the_code_uses_exists_in_english(key):
    assert key in EN


@pytest.mark.parametrize("key", english_cases(USER_FACING))
def test_english_has_every_user_facing_chinese_text(key):
    assert EN.get(key, "").strip()


def test_english_has_nothing_chinese_lacks():
    assert set(EN) - set(ZH) == set()


@pytest.mark.parametrize("key", sorted(set(ZH) & set(EN)))
def test_both_languages_fill_the_same_placeholders(key):
    assert placeholders(ZH[key]) == placeholders(EN[key])


@pytest.mark.parametrize(
    ("field_name", "value"),
    sorted({(fd.name, v) for fields in FLOWS.values() for fd in fields for v in fd.choices}),
)
def test_every_field_choice_has_a_label_in_both_languages(field_name, value):
    key = f"choice.{field_name}.{value}"
    assert ZH.get(key) and EN.get(key)


@pytest.mark.parametrize("flow", list(FlowKind))
def test_every_flow_has_a_name_and_an_intro_in_both_languages(flow):
    for key in (f"flow.{flow.value}", f"flow.{flow.value}.intro"):
        assert ZH.get(key) and EN.get(key)


def test_choice_labels_are_distinct_within_a_field():
    """A typed label picks one choice: two equal labels would make typing ambiguous."""
    for fields in FLOWS.values():
        for fd in fields:
            for table in (ZH, EN):
                labels = [table[f"choice.{fd.name}.{v}"] for v in fd.choices]
                assert len(set(labels)) == len(labels), (fd.name, labels)
