"""Where a lead goes and why, and how urgent it is and why. Pure functions (deadlines: bot/clock)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.config import Config
from bot.leads import respondents

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


def respondent_key(name: str | None) -> str | None:
    """A respondent's name reduced so that 宏达机械公司 and 平遥县宏达机械有限公司 meet (stored on
    the lead, searched by /find; the fuzzy comparison is bot/leads/respondents.py)."""
    found = respondents.normalise(name)
    return found.key if found else None


def fairs_on(config: Config, day: date) -> list[str]:
    return [f.name for f in config.fairs if f.dates[0] <= day <= f.dates[1]]


def priority_reasons(
    sectors: Iterable[str],
    channels: Iterable[str],
    fair: str | None,
    fairs_in_progress: list[str],
    linked: Iterable[str],
) -> list[str]:
    """`linked`: the reasons of the lead's links to earlier leads (bot/leads/links.py)."""
    reasons: list[str] = []
    if fairs_in_progress and (fair or "exhibition" in set(channels)):
        reasons.append(f"fair:{fairs_in_progress[0]}")
    reasons.extend(linked)
    reasons.extend(f"sector:{s}" for s in sectors if s in PRIORITY_SECTORS)
    return reasons
