"""Foreign-related (涉外) leads: the citizen wrote English, gave or wrote a phone number outside
China, or the form names a foreign country or a foreign company form (data/foreign.toml).

Worked out from the lead itself, so the `foreign` row in lead_tags (written at submit, for
counting) and the mark on the staff card say the same.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources

from sqlalchemy.ext.asyncio import AsyncSession

from bot.leads.models import LeadRow, LeadTagRow
from intents.entities import find_phones
from intents.text import clean

TAG = "foreign"
TEXT_FIELDS = ("description", "respondent", "shop", "fair", "product", "organisation", "claim")


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    text = resources.files("bot.leads").joinpath("data", "foreign.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    words = re.compile(rf"(?:{_alternatives(data['words'])})(?!际)")
    forms = re.compile(rf"(?<![a-z0-9])(?:{_alternatives(data['company_forms'])})(?![a-z0-9])")
    return words, forms


def _foreign_phone(phone: str | None) -> bool:
    return bool(phone) and str(phone).startswith("+") and not str(phone).startswith("+86")


def reasons(lead: LeadRow) -> list[str]:
    """Why the lead is foreign-related: "english", "phone", "named"; empty if it is not."""
    found = []
    if lead.language == "en":
        found.append("english")
    text = clean(" ".join(str(lead.fields[k]) for k in TEXT_FIELDS if lead.fields.get(k)))
    if _foreign_phone(lead.contact_phone) or any(_foreign_phone(p) for p in find_phones(text)):
        found.append("phone")
    words, forms = _patterns()
    if words.search(text) or forms.search(text):
        found.append("named")
    return found


def is_foreign(lead: LeadRow) -> bool:
    return bool(reasons(lead))


def tag(session: AsyncSession, lead: LeadRow) -> None:
    """Adds the lead's `foreign` tag row if it is foreign-related (after the lead is flushed)."""
    if is_foreign(lead):
        session.add(LeadTagRow(lead_id=lead.id, tag=TAG))
