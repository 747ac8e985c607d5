"""`hotline serve --workers N`: N worker processes on one port, and the parent that watches them.

Each worker binds the same host and port with SO_REUSEPORT; the kernel spreads Telegram's
connections over them, and whichever worker stored an update, any worker may handle it (the inbox
is shared). The parent gives them one prometheus_client multiprocess directory, restarts a worker
that dies (after a second), and on SIGTERM or SIGINT passes the signal on, waits for every worker
to finish the updates in hand and exits 0 if they all did.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from types import FrameType

from bot.ops.metrics import MULTIPROC_ENV

log = logging.getLogger(__name__)
RESTART_DELAY_SECONDS = 1.0
KILL_AFTER_EXTRA_SECONDS = 10.0
PR_SET_PDEATHSIG = 1


def run_workers(child_command: list[str], count: int, grace_seconds: float) -> int:
    """Runs `child_command + ["--worker-index", i]` for i in 0..count-1 until told to stop."""
    own_dir = MULTIPROC_ENV not in os.environ
    metrics_dir = os.environ.get(MULTIPROC_ENV) or tempfile.mkdtemp(prefix="hotline-metrics-")
    env = {**os.environ, MULTIPROC_ENV: metrics_dir}
    stopping = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def start(index: int) -> subprocess.Popen[bytes]:
        command = [*child_command, "--worker-index", str(index)]
        return subprocess.Popen(command, env=env, preexec_fn=_die_with_parent)

    children = {index: start(index) for index in range(count)}
    log.info("started %s workers: %s", count, " ".join(str(c.pid) for c in children.values()))
    try:
        while not stopping:
            time.sleep(0.2)
            for index, child in list(children.items()):
                code = child.poll()
                if code is None or stopping:
                    continue
                log.error("worker %s (pid %s) exited with %s; restarting it", index, child.pid, code)
                _mark_dead(child.pid, metrics_dir)
                time.sleep(RESTART_DELAY_SECONDS)
                children[index] = start(index)
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace_seconds + KILL_AFTER_EXTRA_SECONDS
        codes = []
        for child in children.values():
            try:
                codes.append(child.wait(timeout=max(deadline - time.monotonic(), 0.1)))
            except subprocess.TimeoutExpired:
                log.error("worker %s did not stop in time; killed", child.pid)
                child.kill()
                codes.append(child.wait())
        log.info("all workers stopped: %s", codes)
        return 0 if all(code == 0 for code in codes) else 1
    finally:
        if own_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _die_with_parent() -> None:
    """In the child before it runs: SIGTERM when the parent dies, however it dies (Linux)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _mark_dead(pid: int, metrics_dir: str) -> None:
    from prometheus_client import multiprocess

    try:
        multiprocess.mark_process_dead(pid, metrics_dir)
    except OSError as exc:
        log.warning("metrics of worker %s not cleared: %s", pid, exc)


def child_command(config_path: str, host: str, port: int) -> list[str]:
    return [
        sys.executable, "-m", "bot.cli", "--config", config_path,
        "serve", "--host", host, "--port", str(port), "--workers", "1", "--reuse-port",
    ]  # fmt: skip
