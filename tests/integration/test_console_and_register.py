"""`hotline chat` and `hotline patents import` as a new user would run them (real processes)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def workdir(tmp_path: Path) -> Path:
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    cache = ROOT / ".cache" / "jieba"
    text = text.replace('cache_dir = ".cache/jieba"', f'cache_dir = "{cache}"')
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    return tmp_path


def hotline(cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("HOTLINE_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        input=stdin,
        text=True,
        capture_output=True,
        timeout=120,
        env=env,
    )


def test_a_console_complaint_reaches_staff_who_accept_it_and_the_citizen_sees_it(tmp_path):
    cwd = workdir(tmp_path)
    script = (
        "\n".join(
            [
                "有人侵犯我的专利",
                "平遥县宏达机械有限公司",
                "脱粒机",
                "ZL201710601862.3",
                "张三",
                "13912345678",
                "1",
                "/file 现场照片.jpg",
                "1",
                "1",
                "#1",
                "/status",
                "/quit",
            ]
        )
        + "\n"
    )
    result = hotline(cwd, "chat", stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    tracking = re.search(r"JZ-[0-9A-Z]{4}-[0-9A-Z]{4}", out)
    assert tracking, out[-2000:]
    assert "平遥县 工作群" in out and "晋中市局 工作群" in out
    assert "[#1] 受理" in out and "状态：已受理" in out
    assert re.search(rf"{tracking.group(0)} · 专利侵权投诉 · 已受理", out)
    assert (cwd / "var" / "hotline.db").exists()


def test_the_console_survives_a_closed_input_in_the_middle_of_a_form(tmp_path):
    cwd = workdir(tmp_path)
    first = hotline(cwd, "chat", stdin="有人侵犯我的专利\n平遥县宏达机械有限公司\n")
    assert first.returncode == 0, first.stderr
    again = hotline(cwd, "chat", stdin="脱粒机\n")
    assert "专利号" in again.stdout.split("脱粒机")[-1] or "哪个专利" in again.stdout


def test_patents_import_then_the_bot_quotes_the_register_with_its_date_and_source(tmp_path):
    cwd = workdir(tmp_path)
    (cwd / "register.csv").write_text(
        "number,title,holder,status,as_of,source\n"
        "ZL201710601862.3,一种脱粒机,宏达机械有限公司,有效,2026-11-01,国家知识产权局审查信息查询\n"
        "ZL201710601862.4,坏号码,h,有效,2026-11-01,s\n",
        encoding="utf-8",
    )
    imported = hotline(cwd, "patents", "import", "register.csv")
    assert imported.returncode == 0 and "imported 1 entries, rejected 1 rows" in imported.stdout
    assert "line 3" in imported.stderr
    chat = hotline(cwd, "chat", stdin="ZL201710601862.3 这个专利还有效吗？\nCN108123456A 有效吗\n")
    assert "本地专利登记：一种脱粒机；专利权人：宏达机械有限公司；状态：有效（2026-11-01" in chat.stdout
    assert "本地专利登记中没有这个专利" in chat.stdout
    assert "这不是官方法律状态" in chat.stdout


def test_db_upgrade_creates_the_schema_and_is_idempotent(tmp_path):
    cwd = workdir(tmp_path)
    for _ in range(2):
        result = hotline(cwd, "db", "upgrade")
        assert result.returncode == 0, result.stderr
    assert (cwd / "var" / "hotline.db").exists()
