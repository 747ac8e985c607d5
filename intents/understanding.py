"""What a message means: its intent, how sure we are, and what it names."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from intents.labels import Intent
from knowledge.patent_numbers import PatentNumber


@dataclass(frozen=True)
class Entities:
    county_code: str | None = None
    county_name: str | None = None
    out_of_area: bool = False
    patent_numbers: tuple[PatentNumber, ...] = ()
    phones: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    language: str = "zh"
    tracking_numbers: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "county_code": self.county_code,
            "county_name": self.county_name,
            "out_of_area": self.out_of_area,
            "patent_numbers": [p.to_dict() for p in self.patent_numbers],
            "phones": list(self.phones),
            "sectors": list(self.sectors),
            "channels": list(self.channels),
            "language": self.language,
        }


@dataclass(frozen=True)
class Understanding:
    text: str
    intent: Intent
    confidence: float
    runner_up: Intent | None = None
    runner_up_confidence: float = 0.0
    weak: bool = False
    """Too little evidence: the conversation should ask rather than act."""
    ambiguous: bool = False
    """The runner-up is close: the conversation should offer both."""
    entities: Entities = field(default_factory=Entities)
    matched: tuple[str, ...] = ()
    named_place: Entities | None = None
    """The place entities as found, kept when `entities` drops them for a message about
    something else: a form's answer (平遥县宏达机械有限公司) still names its county."""

    @property
    def place(self) -> Entities:
        """The entities a form's answer takes its county from: as found, whatever the intent."""
        return self.named_place or self.entities

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "intent": self.intent.value,
            "confidence": self.confidence,
            "runner_up": self.runner_up.value if self.runner_up else None,
            "runner_up_confidence": self.runner_up_confidence,
            "weak": self.weak,
            "ambiguous": self.ambiguous,
            "entities": self.entities.to_dict(),
        }
