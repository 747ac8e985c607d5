"""The tables. Times are naive UTC (SQLite keeps no zone); they are shown in the service's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(naive_utc: datetime, zone: ZoneInfo) -> datetime:
    """A stored time in the service's zone, for showing."""
    return naive_utc.replace(tzinfo=UTC).astimezone(zone)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        list[str]: JSON,
        list[dict[str, Any]]: JSON,
    }


class LeadRow(Base):
    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    queue_code: Mapped[str] = mapped_column(String(6), index=True)
    route_reason: Mapped[str] = mapped_column(String(32))
    priority: Mapped[str] = mapped_column(String(8))
    priority_reasons: Mapped[list[str]]
    sectors: Mapped[list[str]]
    channels: Mapped[list[str]]
    fields: Mapped[dict[str, Any]]
    """What the dialogue collected, without the contact (which has its own columns)."""
    respondent_key: Mapped[str | None] = mapped_column(String(200), index=True)
    contact_name: Mapped[str | None] = mapped_column(String(80))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    anonymous: Mapped[bool]
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    language: Mapped[str] = mapped_column(String(2))
    evidence_count: Mapped[int]
    accept_due: Mapped[date]
    close_due: Mapped[date]
    accepted_by: Mapped[int | None] = mapped_column(BigInteger)
    accepted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # casework (bot/casework/lifecycle.py)
    stage_due: Mapped[date | None]
    """The deadline of the stage the lead is in now; set by every action."""
    resume_status: Mapped[str | None] = mapped_column(String(16))
    """Where a waiting lead (待补充, 复核中) goes back to."""
    handler_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    """The staff member who acted last (我经办的)."""
    transferred_from: Mapped[str | None] = mapped_column(String(6))
    city_assigned: Mapped[bool] = mapped_column(default=False)
    case_number: Mapped[str | None] = mapped_column(String(80))
    outcome: Mapped[str | None] = mapped_column(String(24))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    fine_fen: Mapped[int | None] = mapped_column(BigInteger)
    """An administrative penalty's fine in fen (1/100 yuan)."""
    department: Mapped[str | None] = mapped_column(String(120))
    penalised_party: Mapped[str | None] = mapped_column(String(200))
    """Whom an administrative penalty was imposed on, as staff entered it at 结案 (disclosed)."""
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    rating: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(Text)
    reviewed: Mapped[bool] = mapped_column(default=False)
    # the stage clock (bot/clock/deadlines.py)
    stage: Mapped[str | None] = mapped_column(String(8))
    """The stage whose clock runs (accept, file, close, review), kept while paused (待补充)."""
    stage_started: Mapped[datetime | None]
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    """When the stage's deadline passes (UTC); `stage_due` is its last day, local, for showing."""
    paused_at: Mapped[datetime | None]
    extended: Mapped[bool] = mapped_column(default=False)

    @property
    def confidential(self) -> bool:
        """The reporter asked that their contact be kept from the group (shown masked)."""
        return self.fields.get("contact") == "confidential"


class LeadPatentRow(Base):
    """The patent numbers a lead names, for spotting repeated infringement of the same patent."""

    __tablename__ = "lead_patents"

    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)


class LeadTagRow(Base):
    """A lead's sectors and channels as rows (sector:food_drug, channel:exhibition), for counting."""

    __tablename__ = "lead_tags"

    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class LeadStageRow(Base):
    """A stage a lead went through, written when it ends: how long it took, and whether in time."""

    __tablename__ = "lead_stages"
    __table_args__ = (Index("ix_lead_stages_ended", "ended_at", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    queue_code: Mapped[str] = mapped_column(String(6))
    kind: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(8))
    started_at: Mapped[datetime]
    due_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    ended_by: Mapped[str] = mapped_column(String(24))
    working_days: Mapped[int]
    on_time: Mapped[bool]


class SupervisionRow(Base):
    """A supervision message about a lead's deadline: the unique key makes each one happen once,
    whichever worker gets there first; the rows are also what the report counts."""

    __tablename__ = "supervision"
    __table_args__ = (
        Index("ux_supervision_once", "lead_id", "stage", "due_at", "level", unique=True),
        Index("ix_supervision_at", "at", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    queue_code: Mapped[str] = mapped_column(String(6))
    stage: Mapped[str] = mapped_column(String(8))
    due_at: Mapped[datetime]
    level: Mapped[str] = mapped_column(String(10))
    """remind, overdue, escalate (from the supervisor) or supervise (督办 pressed by the city)."""
    at: Mapped[datetime] = mapped_column(default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(BigInteger)


class DigestRow(Base):
    """A morning digest sent: one per queue and day."""

    __tablename__ = "digests"

    queue_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class LeadEventRow(Base):
    """The history of a lead: rows are only ever added."""

    __tablename__ = "lead_events"
    __table_args__ = (Index("ix_lead_events_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(24))
    detail: Mapped[dict[str, Any]]


class InboxRow(Base):
    """An update as fetched from Telegram or posted to the webhook, kept until it has been handled:
    python-telegram-bot confirms the polling offset on its next fetch, before the update is
    handled, and the webhook answers 200 once the row is stored. Webhook workers take the rows as
    a per-chat queue (bot/leads/inbox.py)."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_chat", "chat_id", "update_id"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    data: Mapped[dict[str, Any]]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    """The chat the update came from: its updates are handled one at a time, in update_id order."""
    claimed_at: Mapped[datetime | None]
    """When a webhook worker took it; a claim older than [ops].inbox_claim_seconds is taken again."""


class ConversationRow(Base):
    __tablename__ = "conversations"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProcessedUpdateRow(Base):
    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "not_before"),
        Index("ix_outbox_chat_message", "chat_id", "message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    purpose: Mapped[str] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[bool]
    buttons: Mapped[list[dict[str, Any]]]
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    edit_of: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    """For an edit: the outbox row whose sent message is changed."""
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    force_reply: Mapped[bool] = mapped_column(default=False)
    """Sent with Telegram's ForceReply, selective: the mentioned staff member's reply is the answer."""
    file_id: Mapped[str | None] = mapped_column(String(200))
    """For a photo or document sent by the platform's file id (evidence shown to staff)."""
    file_kind: Mapped[str | None] = mapped_column(String(10))
    relay_id: Mapped[int | None] = mapped_column(ForeignKey("relays.id", ondelete="SET NULL"))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    priority: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    """Higher goes first within the bot's budget: a citizen waiting, then urgent leads' notices."""


class OutboxPaceRow(Base):
    """The earliest moment the next message may go to a chat (chat 0: the bot as a whole)."""

    __tablename__ = "outbox_pace"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    next_at: Mapped[datetime]


class CaseCounterRow(Base):
    """The last generated case number's sequence per queue and year."""

    __tablename__ = "case_counters"

    queue_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int]


class StaffPromptRow(Base):
    """An action waiting for a staff member's words or pick: answered by that member only, in
    `chat_id`, within the configured minutes, once."""

    __tablename__ = "staff_prompts"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    staff_id: Mapped[int] = mapped_column(BigInteger)
    staff_name: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(24))
    step: Mapped[str] = mapped_column(String(16))
    """What is asked now: county, outcome, department (picks) or reason, fine, note, case_number,
    question (words)."""
    status_at_prompt: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]]
    """The answers so far, by step."""
    outbox_id: Mapped[int | None] = mapped_column(index=True)
    """The outbox row of the message asking the current step: a reply to it is the answer."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    done: Mapped[bool] = mapped_column(default=False)


class EvidenceRow(Base):
    """A file a citizen sent: downloaded into the evidence directory with its hash."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    file_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    path: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))
    """stored, too_large or failed (not downloaded; the file id is still kept)."""
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class RelayRow(Base):
    """A citizen's chat relayed to a staff group: 补充材料 (kind info) or /human (kind human)."""

    __tablename__ = "relays"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    citizen_chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    staff_chat_id: Mapped[int] = mapped_column(BigInteger)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    queue_code: Mapped[str] = mapped_column(String(6))
    language: Mapped[str] = mapped_column(String(2))
    active: Mapped[bool] = mapped_column(default=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]


class PatentRegisterRow(Base):
    """The local patent register (`hotline patents import`): what the city knows, never invented."""

    __tablename__ = "patent_register"

    number: Mapped[str] = mapped_column(String(20), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    holder: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(40))
    as_of: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(200))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
