"""The yearly report, a county's yearly report and one supervision round over a year of leads, on
SQLite and PostgreSQL, against a `SELECT count(*) FROM leads` on the same database in the same run.

    python benchmarks/bench_reports.py [--sizes 100000,1000000] [--backends sqlite,postgresql]
        [--repeat 5] [--pg-url postgresql+asyncpg://postgres@127.0.0.1:5432/hotline_bench]

For each backend and size a fresh database (SQLite: a file in a temporary folder; PostgreSQL: the
bench database, created if missing and dropped at the end if this script created it, its schema
dropped and migrated again) is filled with synthetic leads of 2026 by Core bulk inserts: eleven
counties and the city, the four kinds, ~95% ended (closed, rejected, police, referred; outcomes,
fines, ratings) and ~5% open with a running stage clock whose deadlines lie around "now"
(2026-12-15 01:00 UTC, 09:00 in Jinzhong, a working Tuesday after the digest time): some past,
some within the round's 15-day horizon, most later. Each lead gets 0–2 tags, ~0.5 patent numbers
(from a pool, so numbers repeat), the stages it ended, a `submit` event, a `rate` event when rated,
a few `request_review`; ~5% of leads have supervision marks. PostgreSQL is VACUUM ANALYZEd after
the fill (autovacuum would have done it in service); SQLite is left as the service leaves it.

Each figure is the median of --repeat runs after one warm-up. The round is a dry run: it writes
nothing, so its repetitions see the same database; its message count includes the digests. At
the end, for each backend, each figure's growth from the smallest size to the largest, beside the
growth of the size itself: a ratio near the size ratio is linear.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import math
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Table, event, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.casework.cases import Cases  # noqa: E402
from bot.config import Config, load_config  # noqa: E402
from bot.dialogue.texts import load_texts  # noqa: E402
from bot.leads.db import Database  # noqa: E402
from bot.leads.models import (  # noqa: E402
    Base,
    LeadEventRow,
    LeadPatentRow,
    LeadRow,
    LeadStageRow,
    LeadTagRow,
    SupervisionRow,
)
from bot.reports.period import ReportPeriod  # noqa: E402
from bot.reports.service import Reports  # noqa: E402
from bot.supervision.rounds import Supervisor  # noqa: E402

NOW = datetime(2026, 12, 15, 1, 0)
"""Naive UTC: 09:00 on Tuesday 2026-12-15 in Asia/Shanghai."""
LOCAL_OFFSET = timedelta(hours=8)
TODAY = (NOW + LOCAL_OFFSET).date()
YEAR_START = datetime(2026, 1, 1)
COUNTY = "140728"
CHUNK = 10_000
PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/hotline_bench"

KINDS = ("infringement", "counterfeit", "other_ip", "assistance")
KIND_WEIGHTS = (35, 30, 20, 15)
FILED = frozenset({"infringement", "counterfeit"})
QUEUE_WEIGHTS = {"140702": 22, "140703": 10, "140728": 12, "140781": 11, "140727": 8, "140700": 8}
TAGS = (
    "sector:food_drug",
    "sector:environment",
    "sector:safety",
    "sector:high_tech",
    "channel:ecommerce",
    "channel:market",
    "channel:exhibition",
)
OUTCOMES = {
    "infringement": ("stop_infringement", "stop_infringement", "mediated", "no_violation", "withdrawn"),
    "counterfeit": ("penalty", "penalty", "no_counterfeit", "withdrawn"),
    "other_ip": ("other",),
    "assistance": ("assisted",),
}
CLOSE_DAYS = {"infringement": 90, "counterfeit": 90, "other_ip": 14, "assistance": 28}
"""Roughly each kind's close period in calendar days, for the synthetic clocks."""


def local_midnight_utc(day: date) -> datetime:
    """A day-counted deadline: the start of `day` in Jinzhong, as naive UTC."""
    return datetime(day.year, day.month, day.day) - LOCAL_OFFSET


def local_date(naive_utc: datetime) -> date:
    return (naive_utc + LOCAL_OFFSET).date()


@dataclass
class Chunk:
    leads: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)
    patents: list[dict[str, Any]] = field(default_factory=list)
    stages: list[dict[str, Any]] = field(default_factory=list)
    supervision: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def tables(self) -> list[tuple[Table, list[dict[str, Any]]]]:
        return [
            (LeadRow.__table__, self.leads),  # type: ignore[list-item]
            (LeadTagRow.__table__, self.tags),  # type: ignore[list-item]
            (LeadPatentRow.__table__, self.patents),  # type: ignore[list-item]
            (LeadStageRow.__table__, self.stages),  # type: ignore[list-item]
            (SupervisionRow.__table__, self.supervision),  # type: ignore[list-item]
            (LeadEventRow.__table__, self.events),  # type: ignore[list-item]
        ]


class Generator:
    """Synthetic leads of 2026, chunk by chunk, the same for a given size and seed."""

    def __init__(self, config: Config, size: int, seed: int = 12330) -> None:
        self.r = random.Random(seed)
        self.size = size
        self.queues = [c.code for c in config.counties] + [config.city.code]
        self.queue_weights = [QUEUE_WEIGHTS.get(code, 5) for code in self.queues]
        self.respondents = max(200, size // 6)
        self.patent_pool = max(200, size // 8)
        self.city = config.city.code
        self.has_penalised = "penalised_party" in LeadRow.__table__.c

    def chunks(self) -> Iterator[Chunk]:
        """Leads in order of arrival; the rows written later in a lead's life (stages, marks,
        events) held back until the leads generated have passed their time, so that every table
        is in the order the service would have written it (ids follow the time columns)."""
        held: dict[str, list[tuple[datetime, int, dict[str, Any]]]] = {
            "stages": [],
            "supervision": [],
            "events": [],
        }
        keys = {"stages": "ended_at", "supervision": "at", "events": "at"}
        seq = 0
        for start in range(0, self.size, CHUNK):
            made = Chunk()
            for lead_id in range(start + 1, min(start + CHUNK, self.size) + 1):
                self.lead(lead_id, made)
            last = start + CHUNK >= self.size
            frontier = made.leads[-1]["created_at"]
            chunk = Chunk(leads=made.leads, tags=made.tags, patents=made.patents)
            for name, key in keys.items():
                heap = held[name]
                for row in getattr(made, name):
                    seq += 1
                    heapq.heappush(heap, (row[key], seq, row))
                out = getattr(chunk, name)
                while heap and (last or heap[0][0] <= frontier):
                    out.append(heapq.heappop(heap)[2])
            yield chunk

    def respondent(self) -> str:
        # squared: a few respondents are complained of much more often than the rest
        return f"晋中某某商贸有限公司{int(self.respondents * self.r.random() ** 2):06d}"

    def patent(self) -> str:
        return f"ZL2020{int(self.patent_pool * self.r.random() ** 2):07d}.{self.r.randint(0, 9)}"

    def lead(self, lead_id: int, chunk: Chunk) -> None:
        r = self.r
        kind = r.choices(KINDS, KIND_WEIGHTS)[0]
        queue = r.choices(self.queues, self.queue_weights)[0]
        tags = r.sample(TAGS, r.choices((0, 1, 2), (40, 40, 20))[0])
        respondent = self.respondent() if kind != "assistance" or r.random() < 0.3 else None
        row: dict[str, Any] = {
            "id": lead_id,
            "tracking_number": f"JZ-{lead_id:09d}"[:16],
            "kind": kind,
            "queue_code": queue,
            "route_reason": "place_of_act",
            "priority": "normal",
            "priority_reasons": [],
            "sectors": [t.partition(":")[2] for t in tags if t.startswith("sector:")],
            "channels": [t.partition(":")[2] for t in tags if t.startswith("channel:")],
            "fields": {"respondent": respondent} if respondent else {},
            "respondent_key": respondent,
            "contact_name": "张先生",
            "contact_phone": f"139{lead_id % 100_000_000:08d}",
            "anonymous": False,
            "chat_id": 10_000_000 + r.randrange(self.size),
            "language": "zh",
            "evidence_count": 0,
            "accepted_by": None,
            "accepted_at": None,
            "resume_status": None,
            "handler_id": None,
            "transferred_from": None,
            "city_assigned": False,
            "case_number": None,
            "outcome": None,
            "outcome_note": None,
            "fine_fen": None,
            "department": None,
            "closed_at": None,
            "rating": None,
            "rating_comment": None,
            "reviewed": False,
            "stage": None,
            "stage_started": None,
            "due_at": None,
            "stage_due": None,
            "paused_at": None,
            "extended": False,
        }
        if self.has_penalised:
            row["penalised_party"] = None
        # ids follow the time of arrival, as in service; leads still open are mostly recent ones
        created = YEAR_START + (NOW - timedelta(hours=2) - YEAR_START) * ((lead_id - 0.5) / self.size)
        age = (NOW - created) / timedelta(days=1)
        row["created_at"] = created
        tau = 35 if kind in FILED else 8
        if r.random() < 0.72 * math.exp(-age / tau):  # ~5% of the year's leads
            self.open_lead(row, chunk, age)
        else:
            self.ended_lead(row, chunk, age)
        row["accept_due"] = local_date(row["created_at"] + timedelta(days=5))
        row["close_due"] = local_date(row["created_at"] + timedelta(days=5 + CLOSE_DAYS[kind]))
        chunk.leads.append(row)
        chunk.tags.extend({"lead_id": lead_id, "tag": t} for t in tags)
        patents = r.choices((0, 1, 2), (55, 40, 5))[0] if kind != "assistance" else 0
        chunk.patents.extend(
            {"lead_id": lead_id, "number": n} for n in {self.patent() for _ in range(patents)}
        )
        chunk.events.append(self.event(lead_id, row["created_at"], "citizen", "submit", {}))

    def stage_row(
        self, row: dict[str, Any], stage: str, started: datetime, ended: datetime, by: str, days: float
    ) -> dict[str, Any]:
        due = started + timedelta(days=days)
        if self.r.random() < 0.9:  # mostly in time
            due = max(due, ended + timedelta(hours=6))
        elif ended <= due:
            due = started + (ended - started) * 0.8
        return {
            "lead_id": row["id"],
            "queue_code": self.responsible(row, stage),
            "kind": row["kind"],
            "stage": stage,
            "started_at": started,
            "due_at": due,
            "ended_at": ended,
            "ended_by": by,
            "working_days": (ended - started).days * 5 // 7,
            "on_time": ended < due,
        }

    def responsible(self, row: dict[str, Any], stage: str) -> str:
        """The queue a stage's deadline belongs to: the city decides the infringement cases it files."""
        return self.city if row["kind"] == "infringement" and stage == "close" else row["queue_code"]

    def event(self, lead_id: int, at: datetime, actor: str, action: str, detail: dict[str, Any]) -> dict:
        return {"lead_id": lead_id, "at": at, "actor": actor, "action": action, "detail": detail}

    def mark(self, row: dict[str, Any], stage: str, due: datetime, level: str, at: datetime) -> dict:
        return {
            "lead_id": row["id"],
            "queue_code": self.responsible(row, stage),
            "stage": stage,
            "due_at": due,
            "level": level,
            "at": min(at, NOW - timedelta(minutes=5)),
            "staff_id": 900 if level.startswith("supervise") else None,
        }

    def ended_lead(self, row: dict[str, Any], chunk: Chunk, age: float) -> None:
        r, kind = self.r, row["kind"]
        created = row["created_at"]
        took = min(r.uniform(0.5, 80), age * r.uniform(0.2, 0.95))
        closed = min(created + timedelta(days=took), NOW - timedelta(hours=1))
        u = r.random()
        if kind == "other_ip":
            status = "referred" if u < 0.7 else "closed" if u < 0.9 else "rejected"
        elif kind == "assistance":
            status = "closed" if u < 0.9 else "rejected"
        else:
            status = "closed" if u < 0.82 else "rejected" if u < 0.94 else "police"
        staff = 700 + r.randrange(40)
        row.update(status=status, closed_at=closed, updated_at=closed, handler_id=staff)
        accept_end = min(created + timedelta(days=r.uniform(0.05, 4)), closed)
        if status == "rejected":
            chunk.stages.append(self.stage_row(row, "accept", created, closed, "reject", 5))
        else:
            row.update(accepted_by=staff, accepted_at=accept_end)
            chunk.stages.append(self.stage_row(row, "accept", created, accept_end, "accept", 5))
            close_from = accept_end
            if kind in FILED and status == "closed":
                file_end = accept_end + (closed - accept_end) * r.uniform(0.05, 0.3)
                chunk.stages.append(self.stage_row(row, "file", created, file_end, "file", 14))
                close_from = file_end
                row["case_number"] = f"{row['queue_code']}知执立〔2026〕{row['id']:06d}号"
            by = {"closed": "close", "police": "police", "referred": "refer"}[status]
            chunk.stages.append(self.stage_row(row, "close", close_from, closed, by, CLOSE_DAYS[kind]))
        if status == "closed":
            outcome = r.choice(OUTCOMES[kind])
            row["outcome"] = outcome
            if outcome == "penalty":
                row["fine_fen"] = r.randint(10, 5000) * 10_000
                if self.has_penalised:
                    row["penalised_party"] = row["respondent_key"]
        elif status == "referred":
            row["department"] = "晋中市市场监督管理局（商标、假冒伪劣商品）"
        if status == "closed" and r.random() < 0.36:  # ~30% of all ended leads
            rating = r.choices((1, 2, 3, 4, 5), (4, 4, 10, 30, 52))[0]
            rated_at = min(closed + timedelta(hours=r.uniform(1, 120)), NOW - timedelta(minutes=30))
            row.update(rating=rating, updated_at=rated_at)
            chunk.events.append(self.event(row["id"], rated_at, "citizen", "rate", {"rating": rating}))
            if rating <= 2 and r.random() < 0.3:
                row["reviewed"] = True
                at = min(rated_at + timedelta(hours=2), NOW - timedelta(minutes=10))
                chunk.events.append(self.event(row["id"], at, "citizen", "request_review", {}))
        due = local_midnight_utc(local_date(created) + timedelta(days=5))
        if due + timedelta(days=7) < NOW and r.random() < 0.05:
            chunk.supervision.append(self.mark(row, "accept", due, "overdue", due + timedelta(hours=1)))
            if r.random() < 0.4:
                chunk.supervision.append(self.mark(row, "accept", due, "escalate", due + timedelta(days=7)))
            if r.random() < 0.2:
                chunk.supervision.append(self.mark(row, "accept", due, "supervise", due + timedelta(days=1)))

    def open_lead(self, row: dict[str, Any], chunk: Chunk, age: float) -> None:
        """The stage a lead of this age is in (a few lag a stage behind, so are overdue), its clock
        started when the stage began, due at the local midnight after its last day."""
        r, kind, created = self.r, row["kind"], row["created_at"]
        order = ("accept", "file", "close") if kind in FILED else ("accept", "close")
        filing = 7 if kind == "infringement" else 14
        natural = (
            ("accept" if age < 4 else "file" if age < filing - 2 else "close") if kind in FILED else None
        )
        natural = natural or ("accept" if age < 3 else "close")
        stage = order[max(0, order.index(natural) - 1)] if r.random() < 0.08 else natural
        if stage == "close":
            earliest, latest = (filing - 4, filing - 2) if kind in FILED else (3, 4)
            started = created + timedelta(days=r.uniform(min(age, earliest), min(age, latest)) * 0.99)
            length = CLOSE_DAYS[kind]
        else:  # the filing clock runs from arrival, like the acceptance clock
            started = created
            length = 5 if stage == "accept" else filing
        last = local_date(started) + timedelta(days=length)
        due = local_midnight_utc(last + timedelta(days=1))
        staff = 700 + r.randrange(40)
        status = {"accept": "new", "file": "accepted"}.get(stage, "filed" if kind in FILED else "accepted")
        row.update(
            status=status,
            updated_at=started,
            stage=stage,
            stage_started=started,
            due_at=due,
            stage_due=last,
        )
        if stage != "accept":
            accepted = created + (started - created) / 2 if stage == "close" else created + timedelta(hours=5)
            accepted = min(accepted, NOW - timedelta(hours=1))
            row.update(accepted_by=staff, accepted_at=accepted, handler_id=staff)
            chunk.stages.append(self.stage_row(row, "accept", created, accepted, "accept", 5))
            if stage == "close" and kind in FILED:
                chunk.stages.append(self.stage_row(row, "file", created, started, "file", 14))
                row["case_number"] = f"{row['queue_code']}知执立〔2026〕{row['id']:06d}号"
        overdue_days = (NOW - due) / timedelta(days=1)
        if overdue_days >= 0 and r.random() < 0.6:  # the overdue notice went out when it passed
            chunk.supervision.append(self.mark(row, stage, due, "overdue", due + timedelta(hours=1)))
            if overdue_days >= 8 and r.random() < 0.5:
                chunk.supervision.append(self.mark(row, stage, due, "escalate", due + timedelta(days=7)))
            if r.random() < 0.2:
                chunk.supervision.append(self.mark(row, stage, due, "supervise", due + timedelta(hours=30)))
        elif -2 <= overdue_days < 0 and r.random() < 0.5:
            chunk.supervision.append(self.mark(row, stage, due, "remind", due - timedelta(hours=20)))


def check_columns() -> None:
    """Every NOT NULL column without a default is filled (the model may have grown since)."""
    sample = Chunk()
    generator = Generator(load_config(ROOT / "config.toml"), 2000)
    for c in generator.chunks():
        sample = c
    for table, rows in sample.tables():
        given = set().union(*(set(r) for r in rows))
        missing = [
            c.name
            for c in table.columns
            if not c.nullable
            and c.name not in given
            and c.default is None
            and c.server_default is None
            and not (c.primary_key and c.autoincrement in (True, "auto"))
        ]
        unknown = given - set(table.columns.keys())
        if missing or unknown:
            raise SystemExit(f"{table.name}: columns not filled {missing}, unknown {sorted(unknown)}")


async def reset_schema(db: Database) -> None:
    if not db.is_sqlite:
        async with db.engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
            await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await db.upgrade()


async def fill(db: Database, config: Config, size: int) -> tuple[float, dict[str, int]]:
    counts: dict[str, int] = {}
    start = time.perf_counter()
    for chunk in Generator(config, size).chunks():
        async with db.engine.begin() as conn:
            for table, rows in chunk.tables():
                if rows:
                    await conn.execute(insert(table), rows)
                    counts[table.name] = counts.get(table.name, 0) + len(rows)
    async with db.engine.connect() as conn:
        if db.is_sqlite:
            await conn.commit()
        else:
            for table in ("leads", "lead_stages", "supervision", "lead_events"):
                await conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")
                )
            await conn.commit()
            auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await auto.execute(text("VACUUM ANALYZE"))
    return time.perf_counter() - start, counts


async def median_ms(run: Callable[[], Awaitable[Any]], repeat: int) -> tuple[float, Any]:
    result = await run()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = await run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


class StatementLog:
    """The statements a run sends and the driver's time for each (not the ORM's loading)."""

    def __init__(self, db: Database) -> None:
        self.on = False
        self.entries: list[tuple[str, Any, float]] = []
        engine = db.engine.sync_engine
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        conn.info["bench_t0"] = time.perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if self.on:
            self.entries.append((statement, params, time.perf_counter() - conn.info["bench_t0"]))

    async def capture(self, run: Callable[[], Awaitable[Any]]) -> list[tuple[str, Any, float]]:
        self.entries, self.on = [], True
        try:
            await run()
        finally:
            self.on = False
        return self.entries


@dataclass
class Result:
    backend: str
    size: int
    fill_s: float
    baseline_ms: float
    yearly_ms: float
    county_ms: float
    round_ms: float
    digest_ms: float
    messages: int
    slowest: dict[str, list[tuple[float, int, str]]] = field(default_factory=dict)


def top_statements(entries: list[tuple[str, Any, float]], n: int = 6) -> list[tuple[float, int, str]]:
    total: dict[str, list[float]] = {}
    for statement, _, seconds in entries:
        total.setdefault(" ".join(statement.split()), []).append(seconds)
    ranked = sorted(((sum(v) * 1000, len(v), s) for s, v in total.items()), reverse=True)
    return ranked[:n]


async def explain_candidates(db: Database, log: StatementLog, supervisor: Supervisor) -> None:
    entries = await log.capture(lambda: supervisor.round(NOW, dry_run=True))
    found = next(((s, p) for s, p, _ in entries if "leads.due_at <=" in s and "EXISTS" in s), None)
    if found is None:
        print("  (the candidates query was not found among the round's statements)")
        return
    statement, params = found
    async with db.engine.connect() as conn:
        plan = await conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
        print("  " + " ".join(statement.split()))
        for (line,) in plan:
            print("    " + line)


async def bench_one(backend: str, url: str, size: int, repeat: int, profile: bool, explain: bool) -> Result:
    config = load_config(ROOT / "config.toml")
    db = Database(url)
    try:
        await reset_schema(db)
        fill_s, counts = await fill(db, config, size)
        shown = ", ".join(f"{k} {v:,}" for k, v in counts.items())
        print(f"[{backend} {size:,}] filled in {fill_s:.1f} s: {shown}", flush=True)

        cases = Cases(config, load_texts(), lambda: NOW)
        reports = Reports(cases, db)
        supervisor = Supervisor(cases, db, config.supervision)

        async def baseline() -> int:
            async with db.transaction() as session:
                return int((await session.execute(text("SELECT count(*) FROM leads"))).scalar_one())

        async def report(period: ReportPeriod) -> Any:
            return await reports.build(period)  # ReportBuilder.build in one transaction

        yearly, county = ReportPeriod(2026), ReportPeriod(2026, None, COUNTY)
        baseline_ms, leads = await median_ms(baseline, repeat)
        assert leads == size, (leads, size)
        yearly_ms, built = await median_ms(lambda: report(yearly), repeat)
        assert sum(built.table("by_county_kind").rows[-1][1:-1]) == size
        county_ms, _ = await median_ms(lambda: report(county), repeat)
        round_ms, sent = await median_ms(lambda: supervisor.round(NOW, dry_run=True), repeat)
        digest_ms, _ = await median_ms(lambda: supervisor.digests.due(NOW, True), repeat)
        result = Result(
            backend, size, fill_s, baseline_ms, yearly_ms, county_ms, round_ms, digest_ms, len(sent)
        )
        print(
            f"[{backend} {size:,}] count(*) {baseline_ms:.1f} ms, yearly {yearly_ms:.0f} ms, "
            f"county {county_ms:.0f} ms, round {round_ms:.0f} ms ({len(sent)} messages)",
            flush=True,
        )
        if profile:
            log = StatementLog(db)
            for name, run in (
                ("yearly", lambda: report(yearly)),
                ("county", lambda: report(county)),
                ("round", lambda: supervisor.round(NOW, dry_run=True)),
            ):
                result.slowest[name] = top_statements(await log.capture(run))
            if explain and not db.is_sqlite:
                print(f"[{backend} {size:,}] EXPLAIN of the supervision candidates query:")
                await explain_candidates(db, log, supervisor)
        return result
    finally:
        await db.close()


async def _admin(url: str) -> Any:
    import asyncpg

    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    return await asyncpg.connect(admin)


async def claim_pg_database(url: str) -> tuple[Any, bool]:
    """An admin connection holding this run's advisory lock on the bench database (two runs on one
    database would drop each other's tables), and whether this run created the database."""
    name = make_url(url).database
    assert name and name != "test", "the benchmark needs its own database, never `test`"
    conn = await _admin(url)
    if not await conn.fetchval("SELECT pg_try_advisory_lock(hashtext('bench_reports:' || $1::text))", name):
        await conn.close()
        raise SystemExit(f"another bench_reports run is using database {name!r}: pass another --pg-url")
    if await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
        return conn, False
    await conn.execute(f'CREATE DATABASE "{name}"')
    return conn, True


async def release_pg_database(conn: Any, url: str, created: bool) -> None:
    try:
        if created:
            await conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}"')
    finally:
        await conn.close()


def ratio(a: float, b: float) -> str:
    return f"{a / b:.0f}×" if b else "—"


def print_table(results: list[Result]) -> None:
    header = (
        f"{'backend':<10} {'leads':>9} {'fill s':>7} {'count(*) ms':>11} "
        f"{'yearly ms':>10} {'(ratio)':>8} {'county ms':>10} {'(ratio)':>8} "
        f"{'round ms':>9} {'(ratio)':>8} {'digest ms':>9} {'messages':>8}"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.backend:<10} {r.size:>9,} {r.fill_s:>7.1f} {r.baseline_ms:>11.1f} "
            f"{r.yearly_ms:>10.0f} {ratio(r.yearly_ms, r.baseline_ms):>8} "
            f"{r.county_ms:>10.0f} {ratio(r.county_ms, r.baseline_ms):>8} "
            f"{r.round_ms:>9.0f} {ratio(r.round_ms, r.baseline_ms):>8} {r.digest_ms:>9.0f} {r.messages:>8}"
        )
    print("(ratio: to count(*) on the same database; the round's time includes its digest's)")
    backends = dict.fromkeys(r.backend for r in results)
    for backend in backends:
        rows = sorted((r for r in results if r.backend == backend), key=lambda r: r.size)
        if len(rows) < 2:
            continue
        a, b = rows[0], rows[-1]
        print(f"\n{backend}: from {a.size:,} to {b.size:,} leads (size ×{b.size / a.size:.1f})")
        for label, x, y in (
            ("fill", a.fill_s, b.fill_s),
            ("count(*)", a.baseline_ms, b.baseline_ms),
            ("yearly report", a.yearly_ms, b.yearly_ms),
            ("county report", a.county_ms, b.county_ms),
            ("supervision round", a.round_ms, b.round_ms),
            ("  of which digest", a.digest_ms, b.digest_ms),
            ("round messages", a.messages, b.messages),
        ):
            print(f"  {label:<18} ×{y / x:6.1f}" if x else f"  {label:<18}      —")
    for r in results:
        for name, top in r.slowest.items():
            print(f"\nslowest statements, {r.backend} {r.size:,}, {name} (driver time, total ms / calls):")
            for ms, calls, statement in top:
                print(f"  {ms:8.1f} ms {calls:>4}×  {statement[:300]}")


async def run(args: argparse.Namespace) -> None:
    check_columns()
    sizes = [int(s) for s in args.sizes.split(",")]
    backends = [b.strip() for b in args.backends.split(",")]
    results = []
    for backend in backends:
        if backend == "postgresql":
            admin, created = await claim_pg_database(args.pg_url)
            try:
                for size in sizes:
                    explain = args.explain and size == max(sizes)
                    results.append(
                        await bench_one(backend, args.pg_url, size, args.repeat, args.profile, explain)
                    )
            finally:
                await release_pg_database(admin, args.pg_url, created)
        elif backend == "sqlite":
            for size in sizes:
                with tempfile.TemporaryDirectory() as tmp:
                    url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
                    results.append(await bench_one(backend, url, size, args.repeat, args.profile, False))
        else:
            raise SystemExit(f"unknown backend {backend!r} (sqlite, postgresql)")
    print_table(results)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument(
        "--profile", action="store_true", help="also list each run's slowest statements (driver time)"
    )
    parser.add_argument(
        "--explain", action="store_true", help="with --profile: EXPLAIN ANALYZE the round's candidates query"
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
