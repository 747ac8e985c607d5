"""Throughput of understand() and FAQ search, against bare jieba.lcut in the same run.

    python benchmarks/bench_nlu.py [--messages 10000]

Prints messages per second (one process, one core) and the ratio of our time to bare
jieba.lcut (default dictionary, default HMM) over the very same messages, then the time
`hotline nlu --jsonl` takes to answer its first line with the jieba cache warm. Ratios, not
seconds, are what compare across machines.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLACES = ["平遥", "介休张兰镇", "榆次", "太谷区", "祁县东观镇", "灵石", "寿阳", "昔阳大寨", "和顺",
          "左权", "榆社", "北关街道", "太原", "义乌", "Pingyao", "Jiexiu"]
NUMBERS = ["ZL201710601862.3", "95115608.X", "2018 1 0234567.3", "CN108123456A", "zl 2009 2018 2473.2"]
NOISE = ["", "啊", "！！", "急", "谢谢", " 电话13812345678", "…", "😀", " pls", "。。"]


def corpus(size: int, seed: int = 12330) -> list[str]:
    """Varied messages: the evaluation sets, re-mixed with places, numbers and noise."""
    base = []
    for name in ("messages.jsonl", "faq_questions.jsonl", "holdout_messages.jsonl", "holdout_faq.jsonl"):
        path = ROOT / "tests" / "eval" / name
        if path.exists():
            base += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    rng = random.Random(seed)
    out = list(base)
    while len(out) < size:
        text = rng.choice(base)
        if rng.random() < 0.5:
            cut = rng.randrange(len(text) + 1)
            text = text[:cut] + rng.choice(PLACES) + text[cut:]
        if rng.random() < 0.3:
            text += " " + rng.choice(NUMBERS)
        out.append(text + rng.choice(NOISE))
    return out[:size]


def timed(fn, items) -> float:
    start = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - start


def first_line_latency(cache_dir: Path, runs: int = 3) -> list[float]:
    env_config = ROOT / "config.toml"
    times = []
    for _ in range(runs + 1):  # the first run warms the cache and is not counted
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "--config", str(env_config), "nlu", "--jsonl"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT,
        )
        assert proc.stdin and proc.stdout
        proc.stdin.write("平遥有个厂仿我的专利ZL201710601862.3\n".encode())
        proc.stdin.flush()
        proc.stdout.readline()
        times.append(time.perf_counter() - start)
        proc.stdin.close()
        proc.wait()
    return times[1:]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args()

    import jieba

    from intents.understander import load_understander
    from knowledge.faq import FaqIndex, load_default_faq
    from knowledge.faq_model import load_faq_model

    messages = corpus(args.messages)
    with tempfile.TemporaryDirectory() as tmp:
        load_understander(Path(tmp))  # build the cache once, as any deployment's first start
        started = time.perf_counter()
        understander = load_understander(Path(tmp))
        warm_load = time.perf_counter() - started
        rules_only = load_understander(Path(tmp), with_model=False)
    faq = FaqIndex(load_default_faq(), understander.tokens, model=load_faq_model())
    retrieval_only = FaqIndex(load_default_faq(), understander.tokens)
    jieba.setLogLevel(60)
    jieba.initialize()
    for text in messages[:200]:  # warm every path before timing
        jieba.lcut(text)
        understander.understand(text)
        faq.search(text)

    rounds = 3
    jieba_t = min(timed(jieba.lcut, messages) for _ in range(rounds))
    nlu_t = min(timed(understander.understand, messages) for _ in range(rounds))
    rules_t = min(timed(rules_only.understand, messages) for _ in range(rounds))
    faq_t = min(timed(faq.search, messages) for _ in range(rounds))
    retrieval_t = min(timed(retrieval_only.search, messages) for _ in range(rounds))
    n = len(messages)
    mean = sum(map(len, messages)) / n
    print(f"messages: {n} (distinct {len(set(messages))}), mean length {mean:.1f} chars")
    print(f"bare jieba.lcut:   {n / jieba_t:9.0f} msg/s")
    print(f"understand():      {n / nlu_t:9.0f} msg/s   ratio to jieba.lcut {nlu_t / jieba_t:.2f}")
    print(f"  rules alone:     {n / rules_t:9.0f} msg/s   ratio to jieba.lcut {rules_t / jieba_t:.2f}")
    print(f"FAQ search:        {n / faq_t:9.0f} msg/s   ratio to jieba.lcut {faq_t / jieba_t:.2f}")
    retrieval_ratio = retrieval_t / jieba_t
    print(f"  retrieval alone: {n / retrieval_t:9.0f} msg/s   ratio to jieba.lcut {retrieval_ratio:.2f}")
    print(f"understander warm load (in process): {warm_load:.2f} s")
    latencies = first_line_latency(ROOT / ".cache")
    print("hotline nlu --jsonl first line, warm cache: "
          + ", ".join(f"{t:.2f}" for t in latencies) + f" s (median {statistics.median(latencies):.2f} s)")


if __name__ == "__main__":
    main()
