"""Evidence files: fetched from the platform (Telegram's getFile) into the evidence directory,
named by their sha256, readable by the service alone, up to the configured size."""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.dialogue.model import Evidence
from bot.leads.models import EvidenceRow

log = logging.getLogger(__name__)


class FileFetcher(Protocol):
    async def fetch(self, file_id: str) -> bytes: ...


@dataclass(frozen=True)
class Fetched:
    status: str
    size: int | None = None
    sha256: str | None = None
    path: str | None = None


class EvidenceStore:
    def __init__(self, directory: Path, max_bytes: int, fetcher: FileFetcher | None = None) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.fetcher = fetcher

    async def fetch(self, evidence: Evidence) -> Fetched:
        """Downloads and stores the file; never raises (a failed download keeps the file id)."""
        if evidence.size is not None and evidence.size > self.max_bytes:
            return Fetched("too_large", evidence.size)
        if self.fetcher is None:
            return Fetched("not_fetched", evidence.size)
        try:
            content = await self.fetcher.fetch(evidence.file_id)
        except Exception as exc:
            log.warning("evidence %s: download failed: %s", evidence.file_id[-12:], type(exc).__name__)
            return Fetched("failed", evidence.size)
        if len(content) > self.max_bytes:
            return Fetched("too_large", len(content))
        digest = hashlib.sha256(content).hexdigest()
        path = self._write(digest, evidence, content)
        return Fetched("stored", len(content), digest, str(path))

    def _write(self, digest: str, evidence: Evidence, content: bytes) -> Path:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        suffix = (
            Path(evidence.name).suffix[:10] if evidence.name else (".jpg" if evidence.kind == "photo" else "")
        )
        path = self.directory / f"{digest}{suffix}"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(content)
        return path

    @staticmethod
    def row(chat_id: int, evidence: Evidence, fetched: Fetched) -> EvidenceRow:
        return EvidenceRow(
            chat_id=chat_id,
            file_id=evidence.file_id,
            kind=evidence.kind,
            name=evidence.name[:200],
            size=fetched.size,
            sha256=fetched.sha256,
            path=fetched.path,
            status=fetched.status,
        )
