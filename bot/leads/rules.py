"""Where a lead goes and why, and how urgent it is and why. Pure functions (deadlines: bot/clock)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.config import Config

PRIORITY_SECTORS = ("food_drug", "environment", "safety", "high_tech")


@dataclass(frozen=True)
class Route:
    queue_code: str
    reason: str
    """place_of_act, place_unknown, out_of_area, referral (other IP) or assistance."""


def route(kind: str, fields: Mapping[str, Any], county_codes: Iterable[str], city_code: str) -> Route:
    """The county of the respondent or the act; everything unresolved goes to the city bureau."""
    if kind == "other_ip":
        return Route(city_code, "referral")
    if kind == "assistance":
        return Route(city_code, "assistance")
    county = fields.get("county")
    if county in set(county_codes):
        return Route(str(county), "place_of_act")
    if county == "outside":
        return Route(city_code, "out_of_area")
    return Route(city_code, "place_unknown")


_SUFFIXES = re.compile(r"(有限责任公司|股份有限公司|有限公司|公司|co\.?,?\s*ltd\.?|company|inc\.?|ltd\.?)$")


def respondent_key(name: str | None) -> str | None:
    """A respondent's name reduced so that 宏达机械有限公司 and 宏达机械公司 meet."""
    if not name:
        return None
    key = re.sub(r"[\s\W_]+", "", name.lower())
    key = _SUFFIXES.sub("", key) or key
    return key if len(key) >= 2 else None


def fairs_on(config: Config, day: date) -> list[str]:
    return [f.name for f in config.fairs if f.dates[0] <= day <= f.dates[1]]


def priority_reasons(
    sectors: Iterable[str],
    channels: Iterable[str],
    fair: str | None,
    fairs_in_progress: list[str],
    repeat_respondent: bool,
    repeat_patents: Iterable[str],
) -> list[str]:
    reasons: list[str] = []
    if fairs_in_progress and (fair or "exhibition" in set(channels)):
        reasons.append(f"fair:{fairs_in_progress[0]}")
    if repeat_respondent:
        reasons.append("repeat_respondent")
    reasons.extend(f"repeat_patent:{n}" for n in repeat_patents)
    reasons.extend(f"sector:{s}" for s in sectors if s in PRIORITY_SECTORS)
    return reasons
