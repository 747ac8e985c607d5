"""A report is a list of tables: what the text summary, the workbook and the charts are made from."""

from __future__ import annotations

from dataclasses import dataclass

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    key: str
    """A fixed name (by_county_kind, on_time, …) that charts and tests look tables up by."""
    title: str
    """Chinese, shown as the heading and as the workbook's sheet name."""
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    percent_columns: frozenset[int] = frozenset()
    """Columns whose values are shares between 0 and 1 (shown as percentages); None is 'no data'."""

    def column(self, name: str) -> list[Cell]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]
