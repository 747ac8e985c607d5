"""The database file is the service's alone, and a database error never carries the values of
the statement that failed (a complainant's name, phone or ID number)."""

from __future__ import annotations

import json
import logging
import os
import stat
import sys
from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.leads.db import Database, resolve_url
from bot.privacy import MaskingFormatter


async def test_the_sqlite_file_and_its_journal_are_readable_by_the_service_alone(tmp_path):
    url = resolve_url("sqlite+aiosqlite:///var/hotline.db", tmp_path)
    db = Database(url)
    try:
        await db.upgrade()
        async with db.transaction() as s:
            await s.execute(text("SELECT 1"))
    finally:
        await db.close()
    for path in (tmp_path / "var").iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path.name
    assert stat.S_IMODE(os.stat(tmp_path / "var").st_mode) == 0o700


async def test_an_integrity_error_names_no_value_of_the_statement(db):
    phone, id_number = "13912345678", "110101199001011234"
    statement = text("INSERT INTO conversations (chat_id, data, updated_at) VALUES (5, :data, :at)")
    values = {"data": json.dumps({"phone": phone, "id": id_number}), "at": datetime(2026, 1, 1)}
    async with db.transaction() as s:
        await s.execute(statement, values)
    with pytest.raises(IntegrityError) as raised:
        async with db.transaction() as s:
            await s.execute(statement, values)
    message = str(raised.value)
    assert phone not in message and id_number not in message


def test_the_log_masks_phones_and_id_numbers_even_inside_a_drivers_error():
    formatter = MaskingFormatter("%(message)s")
    try:
        raise ValueError("invalid input for query argument $2: '13912345678' '11010119900101123X'")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, "f", 1, "failed for %s", ("13800001111",), sys.exc_info()
        )
    shown = formatter.format(record)
    assert "13912345678" not in shown and "11010119900101123X" not in shown and "13800001111" not in shown
    assert "139******78" in shown and "110101********123X" in shown
