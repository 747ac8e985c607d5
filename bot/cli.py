"""The `hotline` command: nlu, ask, patent, eval, supervise and the database (the conversation
comes in its own module).

One input line in, one output line out, in order, whatever the line holds: a line that fails
gets an output line with an "error" field, and the stream goes on.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from bot import render
from bot.config import Config, ConfigError, load_config

if TYPE_CHECKING:
    from bot.casework.cases import Cases
    from bot.leads.db import Database
    from knowledge.faq import FaqResult

DEFAULT_CONFIG = "config.toml"


def _config_path(arg: str | None) -> Path:
    return Path(arg or os.environ.get("HOTLINE_CONFIG") or DEFAULT_CONFIG)


def _lines(stream: BinaryIO) -> Iterator[str]:
    """Lines split on \\n only (never on \\x0b, \\x1c or U+2028), undecodable bytes replaced."""
    for raw in stream:
        yield raw.rstrip(b"\n").rstrip(b"\r").decode("utf-8", errors="replace")


_LINE_BREAKING = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def _emit(out: TextIO, obj: dict[str, Any]) -> None:
    """One JSON line; characters some readers take for line ends are escaped too."""
    out.write(json.dumps(obj, ensure_ascii=False).translate(_LINE_BREAKING) + "\n")
    out.flush()


def _stream(handle: Callable[[str], dict[str, Any]], stream: BinaryIO, out: TextIO) -> None:
    for line in _lines(stream):
        try:
            _emit(out, handle(line))
        except Exception as exc:  # one bad line must not end the stream
            _emit(out, {"text": line, "error": f"{type(exc).__name__}: {exc}"})


def _read_stdin_text() -> str:
    return sys.stdin.buffer.read().decode("utf-8", errors="replace").strip()


def _serve(
    args: argparse.Namespace,
    analyse: Callable[[str], Any],
    as_json: Callable[[Any], dict[str, Any]],
    as_text: Callable[[Any], str],
) -> int:
    """The three ways nlu and ask answer: a --jsonl stream, one --json object, or text."""
    if args.jsonl:
        _stream(lambda line: as_json(analyse(line)), sys.stdin.buffer, sys.stdout)
        return 0
    result = analyse(args.text if args.text is not None else _read_stdin_text())
    if args.json:
        _emit(sys.stdout, as_json(result))
    else:
        print(as_text(result))
    return 0


def cmd_nlu(args: argparse.Namespace, config: Config) -> int:
    from bot.composition import build_core

    core = build_core(config)
    return _serve(args, core.understander.understand, render.nlu_json, render.nlu_text)


def cmd_ask(args: argparse.Namespace, config: Config) -> int:
    from bot.composition import build_core

    core = build_core(config)

    def analyse(text: str) -> tuple[FaqResult, str]:
        return core.faq.search(text), core.understander.understand(text).entities.language

    return _serve(args, analyse, lambda r: render.ask_json(*r), lambda r: render.ask_text(*r))


def cmd_patent(args: argparse.Namespace, config: Config) -> int:
    from knowledge.patent_numbers import estimate_term, parse_patent_number

    number = parse_patent_number(args.number)
    if number is None:
        message = f"not a patent number: {args.number!r}"
        if args.json:
            _emit(sys.stdout, {"text": args.number, "error": message})
        else:
            print(f"无法识别为专利号：{args.number}\n{message}", file=sys.stderr)
        return 1
    term = estimate_term(number)
    if args.json:
        _emit(sys.stdout, render.patent_json(number, term))
    else:
        print(render.patent_text(number, term))
    return 0


def cmd_eval(args: argparse.Namespace, config: Config) -> int:
    from bot import evaluation
    from bot.composition import build_core

    core = build_core(config)
    eval_dir = Path(args.dir)
    if args.what in ("intents", "all"):
        rows = evaluation.read_jsonl(eval_dir / args.intents_file)
        report = evaluation.evaluate_intents(rows, core.understander.understand)
        print(evaluation.format_intent_report(report, args.misses))
    if args.what in ("faq", "all"):
        rows = evaluation.read_jsonl(eval_dir / args.faq_file)
        faq_report = evaluation.evaluate_faq(rows, core.faq.search)
        print()
        print(evaluation.format_faq_report(faq_report, args.misses))
    return 0


def cmd_chat(args: argparse.Namespace, config: Config) -> int:
    import asyncio

    from bot.channels.console import chat, read_line

    asyncio.run(chat(config, read_line))
    return 0


def cmd_run(args: argparse.Namespace, config: Config) -> int:
    from bot.composition import build_application

    token = config.bot_token()
    if token is None:
        print(
            f"hotline run: set the bot token in ${config.telegram.token_env}, or try `hotline chat`",
            file=sys.stderr,
        )
        return 2
    _service_logging()
    app = build_application(config, token)
    app.run_polling(allowed_updates=["message", "callback_query"], poll_interval=args.poll_interval)
    return 0


def _service_logging() -> None:
    import logging

    from bot.privacy import MaskingFormatter

    handler = logging.StreamHandler()
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s[%(process)d]: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    for noisy in ("httpx", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def cmd_serve(args: argparse.Namespace, config: Config) -> int:
    """Webhook mode: one worker, or `--workers N` processes on the port under a watching parent."""
    token, secret_env = config.bot_token(), config.ops.webhook_secret_env
    secret = os.environ.get(secret_env, "")
    if token is None or not secret:
        print(
            f"hotline serve: set the bot token in ${config.telegram.token_env} and the webhook's "
            f"secret in ${secret_env}",
            file=sys.stderr,
        )
        return 2
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        print(f"hotline serve: ${secret_env} must be 1-256 of A-Z a-z 0-9 _ -", file=sys.stderr)
        return 2
    _service_logging()
    if args.workers > 1:
        if config.database.url.startswith("sqlite"):
            print("hotline serve: several workers need PostgreSQL; SQLite takes one", file=sys.stderr)
            return 2
        from bot.ops.workers import child_command, run_workers

        _on_upgraded_database(config, _nothing)
        command = child_command(str(_config_path(args.config).resolve()), args.host, args.port)
        return run_workers(command, args.workers, config.ops.shutdown_seconds)
    from bot.composition import serve_webhook

    register = args.worker_index in (None, 0)
    return serve_webhook(config, token, secret, args.host, args.port, args.reuse_port, register)


async def _nothing(db: Database) -> int:
    return 0


def _on_upgraded_database(config: Config, work: Callable[[Database], Awaitable[int]]) -> int:
    """Opens the configured database, brings its schema up to date, runs `work`, closes it."""
    import asyncio

    from bot.leads.db import Database, resolve_url

    async def run() -> int:
        db = Database(resolve_url(config.database.url, config.base_dir))
        try:
            await db.upgrade()
            return await work(db)
        finally:
            await db.close()

    return asyncio.run(run())


def cmd_db(args: argparse.Namespace, config: Config) -> int:
    async def nothing_more(db: Database) -> int:
        return 0

    if args.action == "backup":
        from bot.leads.backup import backup_sqlite
        from bot.leads.db import resolve_url

        if not args.file:
            print("hotline db backup FILE", file=sys.stderr)
            return 2
        try:
            size = backup_sqlite(resolve_url(config.database.url, config.base_dir), Path(args.file))
        except (ValueError, OSError) as exc:
            print(f"hotline db backup: {exc}", file=sys.stderr)
            return 1
        print(f"backed up to {args.file} ({size} bytes)")
        return 0

    _on_upgraded_database(config, nothing_more)
    print("database is at the latest schema")
    return 0


def cmd_patents(args: argparse.Namespace, config: Config) -> int:
    from bot.leads import store
    from knowledge.register import read_register_csv

    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"hotline patents import: cannot read {args.file}: {exc}", file=sys.stderr)
        return 1
    entries, errors = read_register_csv(text)
    for error in errors:
        print(f"{args.file}: {error}", file=sys.stderr)

    async def save(db: Database) -> int:
        async with db.transaction() as session:
            return await store.save_register(session, entries)

    written = _on_upgraded_database(config, save)
    print(f"imported {written} entries, rejected {len(errors)} rows")
    return 1 if errors and not written else 0


def _moment(text: str | None, zone_name: str) -> datetime:
    """--at as naive UTC: local time of the service's zone unless the text carries an offset."""
    from zoneinfo import ZoneInfo

    moment = datetime.fromisoformat(text) if text else datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone_name))
    return moment.astimezone(UTC).replace(tzinfo=None)


def _plain(html_text: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html_text))


def cmd_supervise(args: argparse.Namespace, config: Config) -> int:
    from collections import Counter

    from bot.casework.cases import Cases
    from bot.dialogue.texts import load_texts
    from bot.supervision.rounds import Supervisor

    try:
        now = _moment(args.at, config.service.timezone)
    except ValueError as exc:
        print(f"hotline supervise: --at is not an ISO date and time: {exc}", file=sys.stderr)
        return 2

    async def one_round(db: Database) -> int:
        cases = Cases(config, load_texts(), clock=lambda: now)
        for warning in _calendar_warnings(cases, now):
            print(f"warning: {warning}", file=sys.stderr)
        sent = await Supervisor(cases, db, config.supervision).round(now, dry_run=args.dry_run)
        for message in sent:
            queue = config.queues[message.queue_code]
            chat = f"chat {message.chat_id}" if message.chat_id else "chat_id not configured"
            buttons = " ".join(f"[{b['label']}]" for b in message.buttons)
            print(f"→ {queue.name} ({chat})\n{_plain(message.text)}" + (f"\n{buttons}" if buttons else ""))
            print()
        counts = Counter(m.purpose for m in sent)
        shown = ", ".join(f"{n} {purpose}" for purpose, n in sorted(counts.items())) or "nothing to send"
        unsent = sum(1 for m in sent if not m.chat_id)
        mode = "dry run, nothing recorded" if args.dry_run else f"{len(sent) - unsent} queued in the outbox"
        if unsent:
            mode += f"; {unsent} for queues without a chat_id, which nobody will receive"
            mode += "" if args.dry_run else " (recorded: not sent again once the chat is configured)"
        print(f"supervise at {now.isoformat()} UTC: {len(sent)} messages ({shown}); {mode}", file=sys.stderr)
        return 0

    return _on_upgraded_database(config, one_round)


def cmd_report(args: argparse.Namespace, config: Config) -> int:
    from bot.casework.cases import Cases
    from bot.dialogue.texts import load_texts
    from bot.reports.period import ReportPeriod, find_queue, parse_when
    from bot.reports.service import Reports
    from bot.reports.summary import summary
    from bot.reports.text import tables_text

    when = parse_when(args.month or args.year)
    if when is None or (args.month and when[1] is None) or (args.year and when[1] is not None):
        print("hotline report: --month YYYY-MM or --year YYYY", file=sys.stderr)
        return 2
    county = None
    if args.county:
        county = find_queue(args.county, {code: q.name for code, q in config.queues.items()})
        if county is None:
            print(f"hotline report: no queue {args.county!r} (a code like 140728 or a name)", file=sys.stderr)
            return 2
    period = ReportPeriod(when[0], when[1], county)

    async def report(db: Database) -> int:
        reports = Reports(Cases(config, load_texts()), db)
        if not (args.xlsx or args.png):
            built = await reports.build(period)
            print(_plain(summary(built)))
            print()
            print(tables_text(built.tables))
            return 0
        files = await reports.files(period)
        print(_plain(files.text))
        if args.xlsx:
            Path(args.xlsx).write_bytes(files.workbook)
            print(f"workbook: {args.xlsx}", file=sys.stderr)
        if args.png:
            folder = Path(args.png)
            folder.mkdir(parents=True, exist_ok=True)
            for name, png in files.charts:
                (folder / f"{name}.png").write_bytes(png)
            print(f"charts: {len(files.charts)} in {folder}", file=sys.stderr)
        return 0

    return _on_upgraded_database(config, report)


def cmd_disclose(args: argparse.Namespace, config: Config) -> int:
    from bot.casework.cases import Cases
    from bot.dialogue.texts import load_texts
    from bot.reports.disclosure import penalty_cases, render

    async def disclose(db: Database) -> int:
        cases = Cases(config, load_texts())
        async with db.transaction() as session:
            found = await penalty_cases(session, config, args.year, cases.timing)
        title = f"晋中市假冒专利行政处罚案件信息公开（{args.year}年）"
        text = render(found, args.format, title)
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        print(f"disclose: {len(found)} penalty cases of {args.year}", file=sys.stderr)
        return 0

    return _on_upgraded_database(config, disclose)


def _calendar_warnings(cases: Cases, now: datetime) -> list[str]:
    from bot.clock.settings import calendar_warnings

    return calendar_warnings(cases.timing.deadlines.calendar, cases.timing.local(now).date())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hotline", description="Jinzhong 12330 intake assistant")
    parser.add_argument("--config", help="config file (default: $HOTLINE_CONFIG or ./config.toml)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (("nlu", "understand a message"), ("ask", "search the FAQ")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("text", nargs="?", help="the message (default: standard input)")
        mode = p.add_mutually_exclusive_group()
        mode.add_argument("--json", action="store_true", help="one JSON object")
        mode.add_argument("--jsonl", action="store_true", help="one JSON line per input line")
    p = sub.add_parser("patent", help="parse and check a patent number")
    p.add_argument("number")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("eval", help="accuracy on the labelled sets")
    p.add_argument("what", choices=("intents", "faq", "all"), nargs="?", default="all")
    p.add_argument("--dir", default="tests/eval")
    p.add_argument("--intents-file", default="messages.jsonl")
    p.add_argument("--faq-file", default="faq_questions.jsonl")
    p.add_argument("--misses", action="store_true", help="list every miss")
    sub.add_parser("chat", help="the conversation in this terminal, staff notifications included")
    p = sub.add_parser("run", help="serve Telegram by long polling (token from the environment)")
    p.add_argument("--poll-interval", type=float, default=0.0, help=argparse.SUPPRESS)
    p = sub.add_parser("serve", help="serve Telegram's webhook (token and secret from the environment)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8443, help="port (default 8443)")
    p.add_argument("--workers", type=int, default=1, help="worker processes on the port (PostgreSQL)")
    p.add_argument("--reuse-port", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--worker-index", type=int, help=argparse.SUPPRESS)
    p = sub.add_parser("db", help="database maintenance")
    p.add_argument("action", choices=("upgrade", "backup"))
    p.add_argument("file", nargs="?", help="backup: the new file to write (SQLite)")
    p = sub.add_parser("supervise", help="one supervision round: reminders, overdue, 督办, digests")
    p.add_argument(
        "--at", help="as if at this moment, e.g. 2026-12-20T09:00 (service's zone unless an offset)"
    )
    p.add_argument("--dry-run", action="store_true", help="print what would be sent; record nothing")
    p = sub.add_parser("report", help="monthly or yearly statistics, with charts and a workbook")
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", help="YYYY-MM")
    when.add_argument("--year", help="YYYY")
    p.add_argument("--county", help="one queue: its code (140728) or name (平遥)")
    p.add_argument("--xlsx", help="write the tables to this workbook")
    p.add_argument("--png", help="write the charts into this folder")
    p = sub.add_parser("disclose", help="public disclosure of the year's administrative penalties")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--format", choices=("csv", "json", "html"), default="csv")
    p.add_argument("--out", help="write to this file (default: standard output)")
    p = sub.add_parser("patents", help="the local patent register")
    p.add_argument("action", choices=("import",))
    p.add_argument("file", help="CSV with columns number,title,holder,status,as_of,source")
    return parser


COMMANDS: dict[str, Callable[[argparse.Namespace, Config], int]] = {
    "nlu": cmd_nlu,
    "ask": cmd_ask,
    "patent": cmd_patent,
    "eval": cmd_eval,
    "chat": cmd_chat,
    "run": cmd_run,
    "serve": cmd_serve,
    "db": cmd_db,
    "patents": cmd_patents,
    "supervise": cmd_supervise,
    "report": cmd_report,
    "disclose": cmd_disclose,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = load_config(_config_path(args.config))
    except ConfigError as exc:
        print(f"hotline: configuration error: {exc}", file=sys.stderr)
        return 2
    try:
        return COMMANDS[args.command](args, config)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
