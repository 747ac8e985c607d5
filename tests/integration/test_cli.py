"""The `hotline` command as a user runs it: a real process, real standard input and output."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def hotline(*args, stdin=b"", env=None):
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True, cwd=ROOT,
        timeout=120, env=env,
    )


def test_nlu_jsonl_gives_one_line_out_for_each_line_in_whatever_it_holds():
    lines = [b"", "我是榆次的，平遥有厂仿我专利".encode(), b"\x00\x0b\x1c\x1d\x1e", b"\xff\xfe\xfd",
             "\u2028专利\u2029\x85".encode(), "😀" .encode() * 1000, b"a" * 100_000, b"\r"]
    out = hotline("nlu", "--jsonl", stdin=b"\n".join(lines) + b"\n")
    assert out.returncode == 0, out.stderr
    results = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert len(results) == len(lines)
    assert results[1]["intent"] == "report_infringement"
    assert results[1]["entities"]["county_code"] == "140728"


def test_ask_jsonl_gives_ranked_results_and_says_whether_it_answered():
    out = hotline("ask", "--jsonl", stdin="外观设计专利保护多少年\n\n".encode())
    first, empty = (json.loads(line) for line in out.stdout.decode().splitlines())
    assert first["answered"] is True and first["results"][0]["id"] == "patent.term"
    assert set(first["results"][0]) == {"id", "question", "score"}
    assert empty == {"text": "", "results": [], "answered": False}


def test_ask_prints_the_answer_with_its_legal_basis():
    out = hotline("ask", "专利保护期多久")
    text = out.stdout.decode()
    assert "第四十二条" in text and "依据" in text


def test_patent_prints_the_kind_validity_and_term():
    out = hotline("patent", "ZL 2017 1060 1862.3", "--json")
    data = json.loads(out.stdout)
    assert data["normalized"] == "201710601862.3" and data["valid"] is True
    assert (data["kind"], data["term_end_year"]) == ("invention", 2037)


def test_patent_refuses_what_is_not_a_number():
    out = hotline("patent", "13812345678")
    assert out.returncode == 1 and "无法识别" in out.stderr.decode()


def test_a_config_error_stops_the_program_with_the_key_named(tmp_path):
    bad = (ROOT / "config.toml").read_text(encoding="utf-8").replace("[nlu]", "[nlu]\ncache = 1")
    (tmp_path / "config.toml").write_text(bad, encoding="utf-8")
    out = hotline("--config", str(tmp_path / "config.toml"), "patent", "95115608.X")
    assert out.returncode == 2
    assert "nlu.cache: unknown key" in out.stderr.decode()
