"""The local patent register: a CSV that staff keep, read into checked entries.

Columns (header row required, UTF-8, extra columns ignored):
number, title, holder, status, as_of, source
`number` is any form `hotline patent` understands (ZL201810234567.3, CN108123456A …) and is stored
normalised; `as_of` is the date the status was checked (YYYY-MM-DD); `source` says where it was
checked (e.g. 国家知识产权局中国及多国专利审查信息查询). The bot repeats these with their date and
source and never states a status of its own.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from knowledge.patent_numbers import parse_patent_number

COLUMNS = ("number", "title", "holder", "status", "as_of", "source")
LIMITS = {"title": 200, "holder": 200, "status": 40, "source": 200}


@dataclass(frozen=True)
class RegisterEntry:
    number: str
    title: str
    holder: str
    status: str
    as_of: str
    source: str


def read_register_csv(text: str) -> tuple[list[RegisterEntry], list[str]]:
    """The entries, and one message per rejected row (with its line number)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [f"header: missing column(s) {', '.join(missing)}"]
    entries, errors = [], []
    for row in reader:
        line = reader.line_num
        values = {c: (row.get(c) or "").strip() for c in COLUMNS}
        number = parse_patent_number(values["number"])
        if number is None or number.valid is False:
            errors.append(f"line {line}: not a valid patent number: {values['number']!r}")
            continue
        try:
            date.fromisoformat(values["as_of"])
        except ValueError:
            errors.append(f"line {line}: as_of must be YYYY-MM-DD, got {values['as_of']!r}")
            continue
        empty = [c for c in ("title", "holder", "status", "source") if not values[c]]
        too_long = [c for c, n in LIMITS.items() if len(values[c]) > n]
        if empty or too_long:
            errors.append(f"line {line}: empty {empty} or too long {too_long}")
            continue
        values["number"] = number.normalized
        entries.append(RegisterEntry(**values))
    return entries, errors
