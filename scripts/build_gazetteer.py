"""Build intents/data/gazetteer.csv from the NBS 2023 division files in ../shared/data.

Run from the project root: python scripts/build_gazetteer.py [SHARED_DATA_DIR]
The output keeps one row per (name, county): a name that maps to several counties is thus
visibly ambiguous, and the resolver needs more context for it. Landmarks come from
scripts/landmarks.csv with their own source; a landmark's `nbs_place` (the town or village
it stands in) must be a unit of the same county in the NBS files, or the build stops.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "intents" / "data" / "gazetteer.csv"
LANDMARKS = ROOT / "scripts" / "landmarks.csv"
NBS = "NBS 2023"
TOWN_SUFFIXES = ("街道", "镇", "乡")
# Short forms too generic to stand alone as a place (城关 'the town centre', 古城 'old town').
GENERIC_SHORT = {
    "城关",
    "城东",
    "城西",
    "古城",
    "南关",
    "北关",
    "西关",
    "东南",
    "西南",
    "北坛",
    "交口",
    "城区",
    "新华",
    "新建",
    "安宁",
    "经纬",
    "朝阳",
    "胜利",
    "龙凤",
}
VILLAGE_SUFFIXES = (
    ("村民委员会", "村"),
    ("村委会", "村"),
    ("社区居民委员会", "社区"),
    ("居民委员会", ""),
    ("居委会", ""),
)


def town_short(name: str) -> str | None:
    for suffix in TOWN_SUFFIXES:
        if name.endswith(suffix):
            short = name[: -len(suffix)]
            if len(short) >= 2 and short not in GENERIC_SHORT:
                return short
    return None


def village_name(raw: str) -> str:
    for suffix, keep in VILLAGE_SUFFIXES:
        if raw.endswith(suffix):
            name = raw[: -len(suffix)]
            return name if name.endswith(keep) else name + keep
    return raw


def landmark_rows(
    landmarks: list[dict[str, str]], units: dict[str, set[str]]
) -> list[tuple[str, str, str, str]]:
    """Landmark rows, each checked: its nbs_place, when given, is a unit of its county."""
    rows = []
    for lm in landmarks:
        place = lm["nbs_place"]
        if place and lm["county_code"] not in units.get(place, set()):
            raise SystemExit(f"landmark {lm['name']}: {place} is not in county {lm['county_code']}")
        rows.append((lm["name"], lm["county_code"], "landmark", lm["source"]))
    return rows


def main(shared: Path) -> None:
    rows: set[tuple[str, str, str, str]] = set()
    units: dict[str, set[str]] = defaultdict(set)
    towns = list(csv.DictReader((shared / "jinzhong_divisions.csv").open(encoding="utf-8")))
    county_of_town = {t["town_code"]: t["county_code"] for t in towns}
    for t in towns:
        units[t["town_name"]].add(t["county_code"])
        rows.add((t["town_name"], t["county_code"], "town", NBS))
        short = town_short(t["town_name"])
        if short:
            rows.add((short, t["county_code"], "town_short", NBS))
    for a in csv.DictReader((shared / "jinzhong_town_aliases.csv").open(encoding="utf-8")):
        source = "jinzhong_town_aliases.csv" + ("" if a["town_code"] else ": not an NBS unit, news reports")
        rows.add((a["alias"], a["county_code"], a["alias_type"], source))
        short = town_short(a["alias"])
        if short and a["alias_type"] in ("former_township", "variant_spelling"):
            rows.add((short, a["county_code"], "former_short", source))
    villages: dict[str, set[str]] = defaultdict(set)
    for v in csv.DictReader((shared / "jinzhong_villages.csv").open(encoding="utf-8")):
        name = village_name(v["village_name"])
        units[name].add(county_of_town[v["town_code"]])
        if len(name) >= 3 and re.search(r"(村|社区)$", name):
            villages[name].add(county_of_town[v["town_code"]])
    for name, counties in villages.items():
        if len(counties) == 1:  # a village name shared by two counties routes nowhere
            rows.add((name, next(iter(counties)), "village", NBS))
    landmarks = list(csv.DictReader(LANDMARKS.open(encoding="utf-8")))
    rows.update(landmark_rows(landmarks, units))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "county_code", "kind", "source"])
        w.writerows(sorted(rows, key=lambda r: (r[2], r[1], r[0])))
    print(f"{len(rows)} rows -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
