"""Which configured trade fair a complaint names, while that fair is on.

A complaint made between a fair's first and last day (local time of [service].timezone) names it
by its name or an alias, or by a booth (展位 A12, 3号摊位, booth B7): then it also goes to the
fair's on-site team, is accepted within the 24-hour handover of facts 4.7 (the `fair:` priority
reason starts [deadlines].exhibition_accept), and takes the venue's county when it names no other
place. A booth alone names the first fair on that day. Pure functions over config and the form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.config import COUNTY_CODES, FairConfig

TEXT_FIELDS = ("description", "respondent", "fair", "shop", "product", "found_at")
"""The form's fields a fair or a booth is looked for in (the first message is `description`)."""
UNPLACED = (None, "", "unknown")
_BOOTH = re.compile(
    r"(?:展位|摊位|展台|展区|booth|stand)\s*(?:号|no\.?|#)?\s*[:：]?\s*[a-z]?\s*-?\s*\d{1,4}"
    r"|[a-z]?\d{1,4}\s*号?\s*(?:展位|摊位|展台)",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class FairMatch:
    fair: FairConfig
    by: str
    """What named it: the name or alias as configured, or "booth"."""


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _names(fair: FairConfig, text: str, compact: str) -> str | None:
    for name in (fair.name, *fair.aliases):
        wanted = _normal(name).strip()
        if not wanted:
            continue
        if wanted.isascii():
            if re.search(rf"(?<![a-z0-9]){re.escape(wanted)}(?![a-z0-9])", text):
                return name
        elif _SPACES.sub("", wanted) in compact:
            return name
    return None


def fairs_on(fairs: Iterable[FairConfig], day: date) -> list[FairConfig]:
    return [f for f in fairs if f.dates[0] <= day <= f.dates[1]]


def named_fair(fairs: Iterable[FairConfig], texts: Iterable[str], day: date) -> FairMatch | None:
    """The fair on `day` that the texts name, else, if they name a booth, the first fair on."""
    on = fairs_on(fairs, day)
    if not on:
        return None
    text = _normal(" ".join(texts))
    compact = _SPACES.sub("", text)
    for fair in on:
        name = _names(fair, text, compact)
        if name is not None:
            return FairMatch(fair, name)
    return FairMatch(on[0], "booth") if _BOOTH.search(text) else None


def form_texts(fields: Mapping[str, Any]) -> list[str]:
    return [str(fields[k]) for k in TEXT_FIELDS if fields.get(k)]


def match_form(fairs: Iterable[FairConfig], fields: Mapping[str, Any], day: date) -> FairMatch | None:
    return named_fair(fairs, form_texts(fields), day)


def routing_fields(fields: Mapping[str, Any], match: FairMatch | None) -> Mapping[str, Any]:
    """The form as routing sees it: the venue's county when the citizen gave no place."""
    if match is None or fields.get("county") not in UNPLACED or match.fair.county_code not in COUNTY_CODES:
        return fields
    return {**fields, "county": match.fair.county_code}


def venue_county(fairs: Iterable[FairConfig], fields: Mapping[str, Any], day: date) -> str | None:
    """The county the form needs not ask for: the venue's, when it names a fair on `day` and no
    place of its own."""
    if fields.get("county") not in UNPLACED:
        return None
    county = routing_fields(fields, match_form(fairs, fields, day)).get("county")
    return county if county not in UNPLACED else None


def onsite_chat(fairs: Iterable[FairConfig], fields: Mapping[str, Any], local_received: datetime) -> int:
    """The on-site team's chat for a lead received then (local time), or 0."""
    match = match_form(fairs, fields, local_received.date())
    return match.fair.chat_id if match else 0
