"""config.toml read into frozen dataclasses and checked at start-up.

The checks are generic over the dataclasses' type hints, so adding a setting means adding a
field: an unknown key, a wrong type or a missing value raises ConfigError naming the key.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

COUNTY_CODES = (
    "140702",
    "140703",
    "140721",
    "140722",
    "140723",
    "140724",
    "140725",
    "140727",
    "140728",
    "140729",
    "140781",
)


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class ServiceConfig:
    name: str
    name_en: str
    timezone: str


@dataclass(frozen=True)
class NluConfig:
    cache_dir: str


@dataclass(frozen=True)
class FaqConfig:
    answer_threshold: float
    answer_margin: float


@dataclass(frozen=True)
class DatabaseConfig:
    url: str


@dataclass(frozen=True)
class TelegramConfig:
    token_env: str
    base_url: str


@dataclass(frozen=True)
class QueueConfig:
    code: str
    name: str
    chat_id: int
    """0 until staff fill it in."""
    staff_ids: tuple[int, ...]


@dataclass(frozen=True)
class DialogueConfig:
    resume_after_minutes: int
    """A draft untouched this long is offered back (继续 / 重新开始) rather than silently resumed."""


@dataclass(frozen=True)
class DeadlineConfig:
    """Periods as "5wd" (working days), "90d", "3m" or "24h"; "" where a kind has none."""

    accept: str
    file: str
    close: str
    extension: str


@dataclass(frozen=True)
class DeadlinesConfig:
    review: str
    exhibition_accept: str
    infringement: DeadlineConfig
    counterfeit: DeadlineConfig
    other_ip: DeadlineConfig
    assistance: DeadlineConfig


@dataclass(frozen=True)
class CalendarConfig:
    holidays: tuple[str, ...]
    """For a year chinese-calendar does not cover: the official holidays (YYYY-MM-DD)."""
    workdays: tuple[str, ...]
    """… and the adjusted working weekends (调休) of such a year."""


@dataclass(frozen=True)
class SupervisionConfig:
    round_seconds: float
    digest_time: str
    """"HH:MM" local, working days only."""
    second_escalation_working_days: int


@dataclass(frozen=True)
class ReportsConfig:
    output_dir: str
    """Where `hotline chat`'s /report writes its charts and workbook."""


@dataclass(frozen=True)
class RepeatsConfig:
    """Several respondents on one patent within `group_window_days` (calendar days), at least
    `group_min_respondents` of them, flag a possible group infringement (bot/leads/links.py)."""

    group_window_days: int
    group_min_respondents: int


@dataclass(frozen=True)
class OutboxConfig:
    max_attempts: int
    poll_seconds: float
    claim_timeout_seconds: float
    """A row claimed this long ago by a worker that never finished it may be claimed again."""
    backoff_max_seconds: float = 300.0
    """A failed send is retried after 1, 2, 4 … seconds, never waiting longer than this."""
    bot_per_second: float = 25.0
    """Telegram takes about 30 messages a second from one bot; every worker shares this budget."""
    group_interval_seconds: float = 3.5
    """Telegram takes about 20 a minute in one group: one message to a group this often, with room
    for sends that take longer than others."""
    merge_at: int = 3
    """When this many new-lead notices wait for one group, they go as one digest message."""


@dataclass(frozen=True)
class OpsConfig:
    """Webhook mode (`hotline serve`), health checks and metrics (bot/ops/)."""

    http_host: str
    http_port: int
    """`hotline run`'s /healthz, /readyz and /metrics port; 0: none (`hotline serve` has its own)."""
    webhook_path: str
    webhook_secret_env: str
    """The environment variable holding the secret Telegram sends in X-Telegram-Bot-Api-Secret-Token."""
    webhook_url: str
    """The public URL Telegram posts to (https://…/telegram); if set, `hotline serve` registers it
    with setWebhook and the secret at start; "" leaves the webhook as it is."""
    handlers: int
    """Updates one serve worker handles at once (each of a different chat)."""
    idle_poll_seconds: float
    """How often an idle serve worker looks for updates another worker stored."""
    inbox_claim_seconds: float
    """An update claimed this long ago by a worker that never finished it is claimed again."""
    shutdown_seconds: float
    """On SIGTERM, how long the updates in hand may take before the worker exits anyway."""


@dataclass(frozen=True)
class FairConfig:
    """A trade fair: a complaint made while it is on that names it (its name, an alias, a booth)
    also goes to its on-site team's chat and is accepted within 24 hours (bot/leads/fairs.py)."""

    name: str
    county_code: str
    """The venue's county: the place of a complaint that names the fair and no other place."""
    starts: str
    ends: str
    """First and last day, YYYY-MM-DD, in [service].timezone."""
    aliases: tuple[str, ...] = ()
    chat_id: int = 0
    """The on-site team's chat; 0: none (the county and the city are told as always)."""
    staff_ids: tuple[int, ...] = ()

    @property
    def dates(self) -> tuple[date, date]:
        return date.fromisoformat(self.starts), date.fromisoformat(self.ends)


FILING_CHOICES = ("city", "county", "none")


@dataclass(frozen=True)
class FilingConfig:
    """Who files each kind of lead as a case (立案): "city", "county" or "none" (never filed)."""

    infringement: str
    counterfeit: str
    other_ip: str
    assistance: str


@dataclass(frozen=True)
class CaseworkConfig:
    prompt_minutes: int
    """A staff prompt for words (ForceReply) is answered by that staff member within this time."""
    case_number_pattern: str
    """{queue} (the queue's name), {year}, {seq} (per queue and year) for a generated case number."""
    reject_reasons: tuple[str, ...]
    departments: tuple[str, ...]
    """Where other-IP leads are referred (移送)."""
    evidence_dir: str
    evidence_max_bytes: int
    office_hours: str
    """"HH:MM-HH:MM" on working days: a person answers the /human relay then."""
    page_size: int
    """Leads per page of /leads."""
    filing: FilingConfig


@dataclass(frozen=True)
class Config:
    service: ServiceConfig
    nlu: NluConfig
    faq: FaqConfig
    database: DatabaseConfig
    telegram: TelegramConfig
    dialogue: DialogueConfig
    calendar: CalendarConfig
    deadlines: DeadlinesConfig
    supervision: SupervisionConfig
    reports: ReportsConfig
    repeats: RepeatsConfig
    outbox: OutboxConfig
    ops: OpsConfig
    casework: CaseworkConfig
    fairs: tuple[FairConfig, ...]
    city: QueueConfig
    counties: tuple[QueueConfig, ...]
    base_dir: Path = Path(".")

    @property
    def queues(self) -> dict[str, QueueConfig]:
        """Every queue by code, the city bureau's included."""
        return {q.code: q for q in (self.city, *self.counties)}

    def path(self, value: str) -> Path:
        """A configured path, relative to the config file's directory."""
        p = Path(value).expanduser()
        return p if p.is_absolute() else self.base_dir / p

    def bot_token(self) -> str | None:
        return os.environ.get(self.telegram.token_env) or None


def _convert(hint: Any, value: Any, key: str) -> Any:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise ConfigError(f"{key}: expected a table")
        return _build(hint, value, key)
    if origin is tuple:
        if not isinstance(value, list):
            raise ConfigError(f"{key}: expected a list")
        item = typing.get_args(hint)[0]
        return tuple(_convert(item, v, f"{key}[{n}]") for n, v in enumerate(value))
    if origin in (types.UnionType, typing.Union):
        raise ConfigError(f"{key}: unsupported optional setting")
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        raise ConfigError(f"{key}: expected {hint.__name__}, got {type(value).__name__} {value!r}")
    return value


def _build(cls: Any, data: dict[str, Any], prefix: str) -> Any:
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init and f.name != "base_dir"}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ConfigError(f"{_join(prefix, unknown[0])}: unknown key")
    values = {}
    for name in fields:
        key = _join(prefix, name)
        if name not in data:
            raise ConfigError(f"{key}: missing")
        values[name] = _convert(hints[name], data[name], key)
    return cls(**values)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def parse_config(text: str, base_dir: Path = Path(".")) -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config is not valid TOML: {exc}") from exc
    config: Config = _build(Config, data, "")
    codes = [q.code for q in config.counties]
    if sorted(codes) != sorted(COUNTY_CODES):
        missing = sorted(set(COUNTY_CODES) - set(codes)) or sorted(c for c in codes if codes.count(c) > 1)
        raise ConfigError(f"counties: the 11 county queues must each appear once (check {missing[:3]})")
    for kind in ("infringement", "counterfeit", "other_ip", "assistance"):
        if getattr(config.casework.filing, kind) not in FILING_CHOICES:
            raise ConfigError(f"casework.filing.{kind}: one of {', '.join(FILING_CHOICES)}")
    _check_office_hours(config.casework.office_hours)
    if config.repeats.group_window_days < 1 or config.repeats.group_min_respondents < 2:
        raise ConfigError("repeats: group_window_days at least 1, group_min_respondents at least 2")
    try:
        time.fromisoformat(config.supervision.digest_time)
    except ValueError:
        raise ConfigError('supervision.digest_time: "HH:MM", e.g. "08:30"') from None
    try:
        config.casework.case_number_pattern.format(queue="平遥县", year=2026, seq=1)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(f"casework.case_number_pattern: only {{queue}}, {{year}}, {{seq}} ({exc})") from exc
    for n, fair in enumerate(config.fairs):
        try:
            starts, ends = fair.dates
        except ValueError as exc:
            raise ConfigError(f"fairs[{n}]: dates must be YYYY-MM-DD ({exc})") from exc
        if ends < starts or fair.county_code not in (*COUNTY_CODES, config.city.code):
            raise ConfigError(f"fairs[{n}]: ends before it starts, or an unknown county_code")
    return dataclasses.replace(config, base_dir=base_dir)


def _check_office_hours(value: str) -> None:
    try:
        opens, closes = office_hours(value)
    except ValueError:
        raise ConfigError('casework.office_hours: "HH:MM-HH:MM", e.g. "08:30-17:30"') from None
    if closes <= opens:
        raise ConfigError("casework.office_hours: closes before it opens")


def office_hours(value: str) -> tuple[time, time]:
    opens, _, closes = value.partition("-")
    return time.fromisoformat(opens.strip()), time.fromisoformat(closes.strip())


def load_config(path: Path) -> Config:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    return parse_config(text, path.resolve().parent)
