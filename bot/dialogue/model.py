"""What goes into a step and what comes out of it; the conversation as stored (JSON)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.dialogue.states import FlowKind, State

DRAFT_VERSION = 1


class InboundKind(StrEnum):
    TEXT = "text"
    BUTTON = "button"
    COMMAND = "command"
    FILE = "file"


@dataclass(frozen=True)
class Evidence:
    """A photo or document the user sent; the platform's file id, never the bytes."""

    file_id: str
    kind: str
    name: str = ""
    size: int | None = None
    """The size the platform announced, to refuse a file too large before fetching it."""

    def to_dict(self) -> dict[str, str]:
        return {"file_id": self.file_id, "kind": self.kind, "name": self.name}


_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text as the database can store it and Telegram can send back: lone surrogates (half an
    emoji, which UTF-8 cannot encode), NUL and other control characters (which PostgreSQL refuses,
    and which mean nothing in a message) are dropped. Tabs and line breaks stay."""
    return _UNSTORABLE.sub("", _LONE_SURROGATE.sub("", text))


@dataclass(frozen=True)
class Inbound:
    kind: InboundKind
    now: datetime
    text: str = ""
    """The message text, the command's name (without "/"), or the button's data."""
    evidence: Evidence | None = None
    args: str = ""
    """A command's words after its name (`/status JZ-…`)."""

    def __post_init__(self) -> None:
        """Every message is cleaned at the edge, whichever channel made it."""
        object.__setattr__(self, "text", clean_text(self.text))
        object.__setattr__(self, "args", clean_text(self.args))
        if self.evidence is not None:
            evidence = replace(self.evidence, name=clean_text(self.evidence.name))
            object.__setattr__(self, "evidence", evidence)

    @classmethod
    def say(cls, text: str, now: datetime) -> Inbound:
        return cls(InboundKind.TEXT, now, text)

    @classmethod
    def press(cls, data: str, now: datetime) -> Inbound:
        return cls(InboundKind.BUTTON, now, data)

    @classmethod
    def command(cls, name: str, now: datetime, args: str = "") -> Inbound:
        return cls(InboundKind.COMMAND, now, name.lower(), args=args)


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    html: bool = False
    """True when `text` is already HTML (escaped where it holds user text)."""


@dataclass(frozen=True)
class SubmitLead:
    flow: FlowKind
    fields: dict[str, Any]
    sectors: tuple[str, ...]
    channels: tuple[str, ...]
    language: str


@dataclass(frozen=True)
class LookupPatents:
    numbers: tuple[str, ...]
    """Normalised numbers, to be parsed again and looked up in the register."""
    language: str


@dataclass(frozen=True)
class ShowStatus:
    language: str
    tracking_number: str | None = None


@dataclass(frozen=True)
class OpenRelay:
    """The user wants a person: the service relays the chat to staff."""

    language: str


@dataclass(frozen=True)
class AmendLead:
    """A correction typed after the submit (搞错了，厂子在寿阳不在昔阳): it goes to the staff of the
    citizen's latest open lead, who decide on it; a corrected phone number is the citizen's own
    to change."""

    text: str
    field: str | None
    value_text: str
    language: str


@dataclass(frozen=True)
class AddEvidence:
    """A file sent soon after the submit with no form open (对了还有一张照片): evidence for the
    citizen's latest open lead, not the start of a new report."""

    evidence: Evidence
    language: str


Effect = SubmitLead | LookupPatents | ShowStatus | OpenRelay | AmendLead | AddEvidence


@dataclass(frozen=True)
class Draft:
    flow: FlowKind
    fields: dict[str, Any] = field(default_factory=dict)
    pending: str | None = None
    skipped: tuple[str, ...] = ()
    editing: bool = False
    """After the pending field is answered, go back to the summary."""
    sectors: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()

    def with_field(self, name: str, value: Any) -> Draft:
        return replace(self, fields={**self.fields, name: value})

    def to_dict(self) -> dict[str, Any]:
        return {
            "flow": self.flow.value,
            "fields": self.fields,
            "pending": self.pending,
            "skipped": list(self.skipped),
            "editing": self.editing,
            "sectors": list(self.sectors),
            "channels": list(self.channels),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draft:
        return cls(
            FlowKind(data["flow"]),
            dict(data["fields"]),
            data.get("pending"),
            tuple(data.get("skipped", ())),
            bool(data.get("editing")),
            tuple(data.get("sectors", ())),
            tuple(data.get("channels", ())),
        )


@dataclass(frozen=True)
class Conversation:
    state: State = State.IDLE
    language: str = "zh"
    draft: Draft | None = None
    candidates: tuple[Draft, ...] = ()
    """While choosing a flow: for each flow offered, the draft the opening message already fills."""
    updated_at: datetime | None = None
    held: str = ""
    """The message that came after a long pause and got the resume offer: read after 继续."""
    submitted_at: datetime | None = None
    """When this chat last submitted a lead: a correction soon after is meant for it."""

    @property
    def offered(self) -> tuple[str, ...]:
        """The flows offered while choosing, in the order shown."""
        return tuple(d.flow.value for d in self.candidates)

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": DRAFT_VERSION,
            "state": self.state.value,
            "language": self.language,
            "draft": self.draft.to_dict() if self.draft else None,
            "candidates": [d.to_dict() for d in self.candidates],
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
            "held": self.held,
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Conversation:
        """A stored conversation; an unreadable one starts afresh rather than failing the user."""
        if not data or data.get("v") != DRAFT_VERSION:
            return cls()
        try:
            return cls(
                State(data["state"]),
                data.get("language", "zh"),
                Draft.from_dict(data["draft"]) if data.get("draft") else None,
                tuple(Draft.from_dict(d) for d in data.get("candidates", ())),
                datetime.fromisoformat(data["updated_at"]) if data.get("updated_at") else None,
                str(data.get("held") or ""),
                datetime.fromisoformat(data["submitted_at"]) if data.get("submitted_at") else None,
            )
        except (KeyError, ValueError, TypeError):
            return cls()


@dataclass(frozen=True)
class Outcome:
    conversation: Conversation
    replies: tuple[Reply, ...] = ()
    effects: tuple[Effect, ...] = ()
    """Carried out by the service before the replies are sent; their own replies come first."""
