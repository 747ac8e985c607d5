"""The report as an Excel workbook: one sheet per table."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence

from bot.reports.tables import Cell, Table

_SHEET_NAME_MAX = 31
_FORBIDDEN_IN_SHEET_NAME = str.maketrans({c: "_" for c in "[]:*?/\\"})
_MAX_COLUMN_WIDTH = 60


def sheet_names(titles: Sequence[str]) -> list[str]:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique ignoring case, not blank."""
    names: list[str] = []
    taken: set[str] = set()
    for title in titles:
        base = title.translate(_FORBIDDEN_IN_SHEET_NAME).strip().strip("'") or "表"
        name = base[:_SHEET_NAME_MAX]
        number = 1
        while name.casefold() in taken:
            number += 1
            suffix = f"（{number}）"
            name = base[: _SHEET_NAME_MAX - len(suffix)] + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def _display_width(value: Cell, percent: bool = False) -> int:
    if value is None:
        return 0
    text = f"{value:.1%}" if percent and isinstance(value, int | float) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def workbook_bytes(tables: Sequence[Table], title: str) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    workbook = Workbook()
    if tables:  # an empty report keeps the default sheet: a workbook needs one to be a valid file
        workbook.remove(workbook.active)
    workbook.properties.title = title
    bold = Font(bold=True)
    for table, name in zip(tables, sheet_names([t.title for t in tables]), strict=True):
        sheet = workbook.create_sheet(name)
        sheet.append(list(table.columns))
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append(list(row))
        for cells in sheet.iter_rows():
            for cell in cells:
                if cell.data_type == "f":  # text like "=..." is data, never a formula
                    cell.data_type = "s"
        for index in table.percent_columns:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                cell.number_format = "0.0%"
        sheet.freeze_panes = "A2"
        for index, heading in enumerate(table.columns):
            percent = index in table.percent_columns
            widths = [_display_width(row[index], percent) for row in table.rows]
            width = max([_display_width(heading), *widths])
            sheet.column_dimensions[get_column_letter(index + 1)].width = min(width + 2, _MAX_COLUMN_WIDTH)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
