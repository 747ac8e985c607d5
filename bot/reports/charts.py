"""The report's charts as PNGs, drawn with the CJK font bundled in mplfonts so that Chinese labels render."""

from __future__ import annotations

import functools
import importlib.util
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.reports.tables import Cell, Table

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

_FONT_FILE = "NotoSansCJKsc-Regular.otf"
_MAX_GROUPED_MONTHS = 4
"""Up to this many months the county chart is grouped bars; beyond, one line per county."""


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    png: bytes


def cjk_font_path() -> Path:
    # find_spec does not import mplfonts, whose __init__ pulls in its rc-rewriting helpers.
    spec = importlib.util.find_spec("mplfonts")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "fonts" / _FONT_FILE
        if path.is_file():
            return path
    raise FileNotFoundError(f"{_FONT_FILE} not found: the charts need the mplfonts package installed")


@functools.cache
def _charmap() -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(str(cjk_font_path())).get_charmap())


def missing_glyphs(text: str) -> set[str]:
    return {ch for ch in text if not ch.isspace() and ord(ch) not in _charmap()}


@functools.cache
def _family() -> str:
    from matplotlib.font_manager import FontProperties, fontManager

    path = cjk_font_path()
    fontManager.addfont(str(path))
    return FontProperties(fname=path).get_name()


def _font(size: float = 10) -> FontProperties:
    from matplotlib.font_manager import FontProperties

    return FontProperties(family=_family(), size=size)


def _new_axes(title: str) -> tuple[Figure, Axes]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 5), dpi=120, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(title, fontproperties=_font(14))
    axes.tick_params(labelfontfamily=_family(), labelsize=9)
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _count(value: Cell) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _count_axis(axes: Axes) -> None:
    from matplotlib.ticker import MaxNLocator

    axes.set_ylabel("线索数（件）", fontproperties=_font())
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="y", alpha=0.3)
    axes.legend(prop=_font(9), frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))


def _leads_per_county_month(table: Table, title: str) -> Figure:
    figure, axes = _new_axes(title)
    counties = [str(row[0]) for row in table.rows]
    months = list(table.columns[1:])
    if len(months) <= _MAX_GROUPED_MONTHS:
        width = 0.8 / max(len(months), 1)
        for m, month in enumerate(months):
            offsets = [i + (m - (len(months) - 1) / 2) * width for i in range(len(counties))]
            values = [_count(row[m + 1]) for row in table.rows]
            axes.bar(offsets, values, width, label=month, color=f"C{m % 10}")
        axes.set_xticks(range(len(counties)), counties)
    else:
        for c, row in enumerate(table.rows):
            style = "-" if c < 10 else "--"  # the colour cycle has ten colours; dash the repeats
            axes.plot(months, [_count(v) for v in row[1:]], style, marker="o", ms=3, label=counties[c])
        axes.tick_params(axis="x", labelrotation=45 if len(months) > 8 else 0)
    _count_axis(axes)
    return figure


def _on_time_rate(table: Table, title: str) -> Figure:
    from matplotlib.ticker import PercentFormatter

    figure, axes = _new_axes(title)
    counties = [str(row[0]) for row in table.rows]
    stages = table.columns[1:]
    height = 0.8 / max(len(stages), 1)
    for s, stage in enumerate(stages):
        # no data is a bar of no width: nothing drawn, and the legend keeps the stage's colour
        offsets = [i + (s - (len(stages) - 1) / 2) * height for i in range(len(table.rows))]
        widths = [_count(row[s + 1]) if isinstance(row[s + 1], int | float) else 0.0 for row in table.rows]
        axes.barh(offsets, widths, height, label=stage, color=f"C{s}")
    axes.set_yticks(range(len(counties)), counties)
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    axes.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    axes.grid(axis="x", alpha=0.3)
    axes.legend(prop=_font(9), frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
    return figure


def _kinds_by_sector(table: Table, title: str) -> Figure:
    figure, axes = _new_axes(title)
    kinds = [str(row[0]) for row in table.rows]
    bottoms = [0.0] * len(kinds)
    for s, sector in enumerate(table.columns[1:]):
        values = [_count(row[s + 1]) for row in table.rows]
        axes.bar(range(len(kinds)), values, 0.6, bottom=bottoms, label=sector, color=f"C{s % 10}")
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    axes.set_xticks(range(len(kinds)), kinds)
    _count_axis(axes)
    return figure


_CHARTS = (
    ("by_county_month", "leads_per_county_month", "各县区每月线索数", _leads_per_county_month),
    ("on_time", "on_time_rate", "各县区办理及时率", _on_time_rate),
    ("kind_sector", "kinds_by_sector", "各类线索的行业分布", _kinds_by_sector),
)


def build_figures(tables: Mapping[str, Table]) -> list[tuple[str, str, Figure]]:
    """(name, title, figure) for each chart whose table is in the report; render_charts saves them."""
    return [(name, title, draw(tables[key], title)) for key, name, title, draw in _CHARTS if key in tables]


def render_charts(tables: Mapping[str, Table]) -> list[Chart]:
    charts = []
    for name, title, figure in build_figures(tables):
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        charts.append(Chart(name, title, buffer.getvalue()))
    return charts
