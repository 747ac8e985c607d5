"""A consistent copy of the SQLite database while the service runs (SQLite's online backup API),
written readable by the service's user alone. PostgreSQL is backed up with its own tools
(pg_dump), as the README shows."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


def backup_sqlite(url: str, target: Path) -> int:
    """Copies the database at `url` to `target` page by page; returns the copy's size in bytes."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise ValueError("hotline db backup copies a SQLite database; use pg_dump for PostgreSQL")
    if target.exists():
        raise FileExistsError(f"{target} exists; choose a new file")
    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    source = sqlite3.connect(f"file:{parsed.database}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy, pages=1024)
        finally:
            copy.close()
    finally:
        source.close()
    return target.stat().st_size
