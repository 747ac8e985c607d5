from __future__ import annotations

import io

import openpyxl
import pytest

from bot.reports.tables import Table
from bot.reports.workbook import sheet_names, workbook_bytes

LONG = "2026年1月至12月晋中市各县区知识产权维权线索受理情况统计"  # longer than Excel's 31 characters
ON_TIME = Table(
    key="on_time",
    title="受理/立案:及时率",
    columns=("县区", "受理及时率", "立案及时率", "线索数"),
    rows=(("榆次区", 0.875, None, 8), ("祁县", 1.0, 0.5, 2), ("晋中市局", None, None, 0)),
    percent_columns=frozenset({1, 2}),
)
FIRST = Table("by_county", LONG + "（甲）", ("县区", "线索数"), (("榆次区", 12), ("太谷区", 3)))
SECOND = Table("by_kind", LONG + "（乙）", ("类别", "线索数"), (("专利侵权", 7), ("假冒专利", 1.5)))


@pytest.fixture(scope="module")
def workbook() -> openpyxl.Workbook:
    data = workbook_bytes([ON_TIME, FIRST, SECOND], title="晋中市知识产权线索统计 2026年")
    return openpyxl.load_workbook(io.BytesIO(data))


def test_there_is_one_sheet_per_table_named_validly_and_uniquely(workbook):
    assert workbook.sheetnames == ["受理_立案_及时率", LONG[:31], LONG[:28] + "（2）"]
    assert all(len(name) <= 31 for name in workbook.sheetnames)


def test_sheet_names_drop_forbidden_characters_and_count_case_variants_as_a_collision():
    assert sheet_names(["Total", "TOTAL", "[]:*?/\\", ""]) == ["Total", "TOTAL（2）", "_______", "表"]


def test_the_workbook_carries_the_report_title(workbook):
    assert workbook.properties.title == "晋中市知识产权线索统计 2026年"


def test_the_first_row_holds_the_column_headings_in_bold_and_stays_frozen(workbook):
    sheet = workbook["受理_立案_及时率"]
    assert [cell.value for cell in sheet[1]] == list(ON_TIME.columns)
    assert all(cell.font.bold for cell in sheet[1])
    assert all(not cell.font.bold for cell in sheet[2])
    assert all(s.freeze_panes == "A2" for s in workbook.worksheets)


def test_numbers_stay_numbers_and_none_is_an_empty_cell(workbook):
    sheet = workbook["受理_立案_及时率"]
    assert [cell.value for cell in sheet[2]] == ["榆次区", 0.875, None, 8]
    assert sheet["B2"].data_type == "n" and sheet["D2"].data_type == "n"
    assert isinstance(sheet["D3"].value, int)
    assert sheet["C2"].value is None and sheet["B4"].value is None
    assert workbook.worksheets[2]["B3"].value == 1.5


def test_share_columns_are_formatted_as_percentages_and_the_others_are_not(workbook):
    sheet = workbook["受理_立案_及时率"]
    assert {sheet.cell(row, column).number_format for row in (2, 3, 4) for column in (2, 3)} == {"0.0%"}
    assert sheet["D2"].number_format == "General"
    assert sheet["B1"].number_format == "General"


def test_columns_are_wide_enough_for_chinese_text(workbook):
    sheet = workbook["受理_立案_及时率"]
    assert sheet.column_dimensions["A"].width >= 2 * len("晋中市局")
    assert sheet.column_dimensions["B"].width >= 2 * len("受理及时率")


def test_text_that_looks_like_a_formula_is_stored_as_text():
    table = Table("t", "t", ("=1+1",), (('=HYPERLINK("http://x")',),))
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes([table], "t"))).active
    assert sheet["A1"].data_type == sheet["A2"].data_type == "s"
    assert sheet["A2"].value == '=HYPERLINK("http://x")'


def test_an_empty_report_is_still_a_valid_workbook():
    assert len(openpyxl.load_workbook(io.BytesIO(workbook_bytes([], "空"))).sheetnames) == 1
