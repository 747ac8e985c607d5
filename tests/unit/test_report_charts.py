from __future__ import annotations

import dataclasses
import struct
import warnings

import pytest
from matplotlib.text import Text

from bot.reports.charts import Chart, build_figures, cjk_font_path, missing_glyphs, render_charts
from bot.reports.tables import Table

COUNTIES = ("榆次区", "太谷区", "榆社县", "左权县", "和顺县", "昔阳县", "寿阳县", "祁县")
COUNTIES += ("平遥县", "灵石县", "介休市", "晋中市局")
KINDS = ("专利侵权", "假冒专利", "其他知识产权", "维权援助")
SECTORS = ("食品药品", "环境保护", "安全生产", "高新技术", "其他")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def sample_tables(months: int = 12) -> dict[str, Table]:
    month_names = tuple(f"2026-{m:02d}" for m in range(1, months + 1))
    by_month = Table(
        "by_county_month",
        "各县区每月线索数",
        ("县区", *month_names),
        tuple((county, *((c * 7 + m * 3) % 23 for m in range(months))) for c, county in enumerate(COUNTIES)),
    )
    on_time = Table(
        "on_time",
        "各县区办理及时率",
        ("县区", "受理及时率", "立案及时率", "结案及时率"),
        tuple(
            (county, 1 - c / 20, None if c % 4 == 1 else 0.5 + c / 30, None if c % 3 == 0 else c / 11)
            for c, county in enumerate(COUNTIES)
        ),
        percent_columns=frozenset({1, 2, 3}),
    )
    kind_sector = Table(
        "kind_sector",
        "各类线索的行业分布",
        ("类别", *SECTORS),
        tuple((kind, *((k + 1) * (s + 2) for s in range(len(SECTORS)))) for k, kind in enumerate(KINDS)),
    )
    return {t.key: t for t in (by_month, on_time, kind_sector)}


def drawn_artists(tables: dict[str, Table]) -> list[Text]:
    artists: list[Text] = []
    for _, _, figure in build_figures(tables):
        figure.canvas.draw()  # tick labels exist only once the axes have been laid out
        artists += [t for t in figure.findobj(Text) if t.get_visible() and t.get_text()]
    return artists


def drawn_texts(tables: dict[str, Table]) -> list[str]:
    return [t.get_text() for t in drawn_artists(tables)]


def png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_the_bundled_cjk_font_is_found_inside_mplfonts():
    path = cjk_font_path()
    assert path.name == "NotoSansCJKsc-Regular.otf"
    assert path.parent.parent.name == "mplfonts"
    assert path.stat().st_size > 1_000_000


@pytest.mark.parametrize("months", [12, 2], ids=["a year as lines", "two months as bars"])
def test_a_full_report_gives_three_png_charts_of_about_ten_by_five_inches(months):
    charts = render_charts(sample_tables(months))
    assert [c.name for c in charts] == ["leads_per_county_month", "on_time_rate", "kinds_by_sector"]
    for chart in charts:
        assert chart.png.startswith(PNG_SIGNATURE)
        assert 10_000 < len(chart.png) < 2_000_000
        width, height = png_size(chart.png)
        assert 1000 <= width <= 1400 and 500 <= height <= 700
        assert chart.title and not missing_glyphs(chart.title)


def test_only_the_charts_whose_tables_are_present_are_drawn():
    tables = sample_tables()
    assert [c.name for c in render_charts({"on_time": tables["on_time"]})] == ["on_time_rate"]
    assert render_charts({}) == []


def test_every_label_of_every_chart_has_a_glyph_in_the_bundled_font():
    texts = drawn_texts(sample_tables())
    expected = (*COUNTIES, *KINDS, *SECTORS, "受理及时率", "结案及时率", "各县区每月线索数", "2026-07", "80%")
    assert [label for label in expected if label not in texts] == []
    assert missing_glyphs("".join(texts)) == set()


def test_every_text_of_every_chart_is_set_in_the_bundled_font():
    assert {t.get_fontname() for t in drawn_artists(sample_tables())} == {"Noto Sans CJK SC"}


@pytest.mark.parametrize("months", [12, 2])
def test_drawing_the_charts_warns_of_no_missing_glyph(months):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render_charts(sample_tables(months))
    assert [str(w.message) for w in caught] == []


def test_missing_glyphs_reports_characters_the_font_lacks_and_ignores_whitespace():
    assert missing_glyphs("𠀀 晋中😀\n市\t") == {"𠀀", "😀"}
    assert missing_glyphs("受理及时率 87.5% （2026-01）") == set()


def test_a_label_the_font_lacks_is_caught_both_by_the_check_and_by_matplotlib():
    odd = dataclasses.replace(sample_tables()["on_time"], rows=(("𠀀县", 0.5, 0.5, 0.5),))
    with pytest.warns(UserWarning, match=r"CJK UNIFIED IDEOGRAPH-20000\}\) missing from font"):
        texts = drawn_texts({"on_time": odd})
    assert missing_glyphs("".join(texts)) == {"𠀀"}


def test_a_chart_is_an_immutable_value():
    chart = Chart("on_time_rate", "各县区办理及时率", PNG_SIGNATURE)
    with pytest.raises(AttributeError):
        chart.png = b""  # type: ignore[misc]


def test_each_stage_keeps_its_own_colour_when_another_has_no_data():
    from matplotlib.colors import to_hex

    from bot.reports.charts import build_figures
    from bot.reports.tables import Table

    rates = Table(
        "on_time",
        "各阶段按期办理率",
        ("县区", "受理及时率", "立案及时率", "结案及时率"),
        (("平遥县", 1.0, None, None), ("全市", 0.5, None, 0.25)),
        frozenset({1, 2, 3}),
    )
    [(_, _, figure)] = build_figures({"on_time": rates})
    handles = figure.axes[0].get_legend().legend_handles
    assert len({to_hex(h.get_facecolor()) for h in handles}) == 3
