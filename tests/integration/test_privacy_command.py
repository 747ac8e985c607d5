"""/privacy answers at any time in the console, in the citizen's language, and a form stays open."""

from __future__ import annotations

import io
from pathlib import Path

from bot.channels.console import chat
from bot.config import load_config

ROOT = Path(__file__).resolve().parents[2]


def console_config(tmp_path: Path):
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text = text.replace('cache_dir = ".cache/jieba"', f'cache_dir = "{ROOT / ".cache" / "jieba"}"')
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    return load_config(tmp_path / "config.toml")


async def typed(tmp_path: Path, lines: list[str]) -> str:
    out, script = io.StringIO(), iter([*lines, "/quit"])
    await chat(console_config(tmp_path), lambda: next(script, None), out)
    return out.getvalue()


async def test_privacy_shows_the_notice_in_the_console_and_the_form_question_is_asked_again(tmp_path):
    printed = await typed(
        tmp_path,
        ["/privacy", "举报假冒专利：平遥县城一家超市卖的保温杯标着专利号，其实根本没有专利", "/privacy"],
    )
    assert printed.count("隐私说明\n• 谁在办理") == 2
    after = printed.split("隐私说明\n• 谁在办理")[-1]
    assert "随时发送 /privacy" in after and "？" in after.split("随时发送 /privacy")[-1]


async def test_start_says_who_runs_the_service_and_english_users_get_the_english_notice(tmp_path):
    printed = await typed(tmp_path, ["/start", "/english", "/privacy"])
    assert "晋中市知识产权管理部门" in printed and "0354" in printed and "/privacy" in printed
    assert "Privacy notice\n• Who handles it" in printed
