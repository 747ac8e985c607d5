"""Every role in `hotline chat`: a counterfeit report worked by the Pingyao officer to a penalty,
typed line by line at the console as a new user would, buttons chosen by what was just printed."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

from bot.channels.console import chat
from bot.config import load_config

ROOT = Path(__file__).resolve().parents[2]


class Typist:
    """Types the next line of a script; a step may look at what the console printed so far."""

    def __init__(self, out: io.StringIO, steps: list[str | Callable[[str], str]]) -> None:
        self.out, self.steps = out, list(steps)

    def __call__(self) -> str | None:
        if not self.steps:
            return None
        step = self.steps.pop(0)
        return step(self.out.getvalue()) if callable(step) else step


def staff(label: str, group: str = "平遥县") -> Callable[[str], str]:
    """`#n` of the newest button with this label on a message of that group."""

    def choose(printed: str) -> str:
        blocks = [b for b in printed.split("──── ") if b.startswith(f"{group} 工作群")]
        numbers = [n for b in blocks for n in re.findall(rf"\[#(\d+)\] {re.escape(label)}\n", b)]
        assert numbers, f"no button {label!r} in the {group} group:\n{printed[-1500:]}"
        return f"#{numbers[-1]}"

    return choose


async def test_a_new_user_can_work_a_counterfeit_report_to_a_penalty_at_the_console(tmp_path):
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text = text.replace('cache_dir = ".cache/jieba"', f'cache_dir = "{ROOT / ".cache" / "jieba"}"')
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    config = load_config(tmp_path / "config.toml")
    out = io.StringIO()
    script: list[str | Callable[[str], str]] = [
        "举报假冒专利：平遥县城一家超市卖的保温杯标着专利号，其实根本没有专利",
        "平遥县好运来超市",
        "杯身上印着专利产品字样和一个专利号",
        "跳过",
        "留下联系方式",
        "李四",
        "13812345678",
        "提交",
        "/as 平遥",
        staff("受理"),
        staff("立案"),
        "> 0",
        staff("结案"),
        staff("行政处罚"),
        "> 2万元",
        "> 平遥县好运来超市",
        "/leads",
        "/as city",
        "/find 13812345678",
        "/status",
        "/quit",
    ]
    await chat(config, Typist(out, script), out)
    printed = out.getvalue()
    tracking = re.search(r"JZ-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", printed)
    assert tracking, printed[-2000:]
    assert "现在您是 平遥县（控制台）" in printed
    assert re.search(r"案件编号：平遥县知执立〔\d{4}〕001号", printed)
    assert "结案结果：行政处罚，罚款 20,000 元" in printed
    assert "李* 138****78" in printed and "13812345678" not in printed.split("提交")[-1].split("/find")[0]
    assert "平遥县 工作群 · 新消息 ────\n平遥县（控制台） 已对" in printed  # worked in its own group
    assert "“13812345678”：找到 1 条" in printed
    assert f"{tracking.group()} · 假冒专利举报 · 已结案" in printed
    assert (tmp_path / "var" / "hotline.db").exists()
