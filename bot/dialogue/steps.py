"""The building blocks the button and form-filling modules call back into: the port they depend
on instead of `machine.Dialogue`, so that the machine imports them and never the reverse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from bot.dialogue.answers import Answers
from bot.dialogue.fields import Said
from bot.dialogue.model import Conversation, Draft, Outcome, Reply
from bot.dialogue.states import FlowKind
from bot.dialogue.texts import Texts
from intents.understanding import Understanding


class Steps(Protocol):
    texts: Texts
    answers: Answers
    understand: Callable[[str], Understanding] | None
    """Reads a part of a message on its own (the new value in a correction); None in tests that
    give only whole messages, which then stand for their parts."""

    def t(self, conv: Conversation, key: str, **values: object) -> str: ...

    def prompt(self, conv: Conversation) -> tuple[Reply, ...]: ...

    def menu(self, conv: Conversation, key: str) -> Reply: ...

    def start(
        self, conv: Conversation, flow: FlowKind, said: Said | None, draft: Draft | None = None
    ) -> Outcome: ...

    def advance(self, conv: Conversation, draft: Draft) -> Outcome: ...

    def confirm_cancel(self, conv: Conversation) -> Outcome: ...

    def resume(self, conv: Conversation) -> Outcome: ...

    def submit(self, conv: Conversation, draft: Draft) -> Outcome: ...

    def typed_button(self, conv: Conversation, text: str) -> str | None: ...
