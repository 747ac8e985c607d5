"""The report's tables as aligned plain text, for the command line."""

from __future__ import annotations

from collections.abc import Sequence

from bot.reports.tables import Cell, Table


def _shown(value: Cell, percent: bool) -> str:
    if value is None:
        return "—"
    if percent and isinstance(value, int | float):
        return f"{float(value) * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def display_width(text: str) -> int:
    """Columns on a screen: a Chinese character takes two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def aligned(cells: list[list[str]]) -> list[str]:
    """Rows of cells as lines whose columns line up in a fixed-width font."""
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(cells[0]))]
    return [
        "  ".join(c + " " * (widths[i] - display_width(c)) for i, c in enumerate(row)).rstrip()
        for row in cells
    ]


def table_text(table: Table) -> str:
    cells = [list(table.columns)]
    cells += [[_shown(v, i in table.percent_columns) for i, v in enumerate(row)] for row in table.rows]
    lines = aligned(cells)
    return "\n".join([f"== {table.title} ==", *lines]) if table.rows else f"== {table.title} ==\n（无）"


def tables_text(tables: Sequence[Table]) -> str:
    return "\n\n".join(table_text(t) for t in tables)
