"""What the running service is made of, without its channel: what Telegram and the console drive.

Its own module so that channels depend on it and the composition root builds it, with no cycle."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.casework.cases import Cases
from bot.casework.desk import Desk
from bot.casework.evidence import EvidenceStore
from bot.casework.lists import Lists
from bot.config import Config
from bot.dialogue.texts import Texts
from bot.intake import Intake
from bot.leads.db import Database
from bot.reports.service import Reports
from bot.supervision.rounds import Supervisor
from intents.understander import Understander
from knowledge.faq import FaqIndex


@dataclass(frozen=True)
class Core:
    understander: Understander
    faq: FaqIndex


@dataclass
class Hotline:
    config: Config
    core: Core
    texts: Texts
    db: Database
    intake: Intake
    desk: Desk
    lists: Lists
    cases: Cases
    evidence: EvidenceStore
    supervisor: Supervisor
    reports: Reports
    clock: Callable[[], datetime]

    def set_wake(self, wake: Callable[[], None]) -> None:
        """Lets whatever drains the outbox know that something was queued."""
        self.intake.wake_outbox = wake
        self.desk.wake_outbox = wake
        self.lists.wake_outbox = wake
