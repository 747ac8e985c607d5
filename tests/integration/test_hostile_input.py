"""Text the database or Telegram cannot take is cleaned at the edge: a complaint typed with lone
surrogates, NUL and control characters still submits, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tests.integration.conftest import COMPLAINT, Citizen
from tests.integration.test_casework import lead_of

TRACKING = re.compile(r"JZ-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


async def test_a_complaint_with_lone_surrogates_and_nul_is_stored_cleanly_and_submits(hotline, db):
    hostile = list(COMPLAINT)
    hostile[1] = "平遥县宏达\ud800机械\x00有限公司\x07"
    hostile[2] = "脱粒机\udfff\x1b[31m"
    citizen = Citizen(hotline, 61)
    replies = await citizen.script(*hostile)
    match = TRACKING.search(replies[-1])
    assert match, replies[-3:]
    lead = await lead_of(db, match.group(0))
    stored = repr(lead.fields)
    assert "\\x00" not in stored and "\\ud800" not in stored and "\\x1b" not in stored
    assert lead.fields["respondent"] == "平遥县宏达机械有限公司"


async def test_a_bare_slash_and_whitespace_is_answered_not_raised(hotline):
    citizen = Citizen(hotline, 62)
    for text in ("/", "/ ", "/\t\n", "/@"):
        assert await citizen.send(text)
