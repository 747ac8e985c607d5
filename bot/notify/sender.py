"""The port the outbox worker sends through; Telegram and the console each implement it."""

from __future__ import annotations

from typing import Any, Protocol


class RetryLater(Exception):
    def __init__(self, seconds: float, reason: str = "") -> None:
        super().__init__(reason or f"retry after {seconds}s")
        self.seconds = seconds


class Undeliverable(Exception):
    """Sending again will not help (chat not found, bot blocked, bad request)."""


class Sender(Protocol):
    async def send(
        self, chat_id: int, text: str, html: bool, buttons: list[dict[str, Any]], force_reply: bool = False
    ) -> int:
        """Sends a message and returns its message id. Buttons: [{"label", "data", "row"}].
        `force_reply`: Telegram's ForceReply (selective), for a prompt whose reply is the answer."""
        ...

    async def send_file(self, chat_id: int, file_id: str, kind: str, caption: str, html: bool = False) -> int:
        """Sends a photo or document by the platform's file id; returns the message id."""
        ...

    async def edit(
        self, chat_id: int, message_id: int, text: str, html: bool, buttons: list[dict[str, Any]]
    ) -> None: ...
