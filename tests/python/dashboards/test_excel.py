"""Excel copies of the site's tables and of the reports, opened with openpyxl.

The site and reports are built from a copy of the test warehouse in which three stalled
deals' account names are formula-like CRM values (``=1+1``, ``@SUM(A1)``, ``-2+3``): each must
come out as a text cell holding exactly that value, and no cell of any workbook may be a
formula. Figures are numbers in the unit's format and equal the marts (queried here).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[3]
from crm_warehouse.dashboards.bundles import build_bundles  # noqa: E402
from crm_warehouse.dashboards.excel import (  # noqa: E402
    Figure,
    Sheet,
    page_sheets,
    report_value,
    sheet_name,
    write_workbook,
)
from crm_warehouse.dashboards.labels import text  # noqa: E402
from crm_warehouse.dashboards.site import build_site  # noqa: E402

WAREHOUSE = Path(os.environ.get("CRM_TEST_DUCKDB") or ROOT / "warehouse" / "crm.duckdb")
HOSTILE = ["=1+1", "@SUM(A1)", "-2+3"]
CNY = '"¥"#,##0;"-¥"#,##0'


# --------------------------------------------------------------------------- unit
def test_formula_like_text_is_a_text_cell_and_numbers_stay_numbers(tmp_path):
    values = ["=1+1", "@SUM(A1)", "-2+3", "+7", "\t=cmd|' /C calc'!A0", "\r=1", "plain", "a\x07b"]
    path = write_workbook(
        tmp_path / "x.xlsx",
        [
            Sheet(
                "s",
                ["h1", "h2"],
                [[v, Figure(1234.0, "cny")] for v in values]
                + [
                    [Figure(-56.0, "cny"), Figure(0.456, "ratio")],
                    [Figure(2.5, "multiple"), Figure(3.5, "count")],
                ],
            )
        ],
    )
    ws = load_workbook(path).active
    for r, value in enumerate(values, start=2):
        cell = ws.cell(row=r, column=1)
        assert cell.data_type == "s", (value, cell.data_type)
        # a control character cannot be stored (U+FFFD instead); XML reads a CR back as LF
        expected = value.replace("\x07", "\ufffd").replace("\r", "\n")
        assert cell.value == expected
        assert cell.quotePrefix == value.startswith(("=", "+", "-", "@", "\t", "\r")), value
        assert ws.cell(row=r, column=2).value == 1234 and ws.cell(row=r, column=2).number_format == CNY
    n = len(values) + 2
    assert ws.cell(row=n, column=1).value == -56 and ws.cell(row=n, column=1).number_format == CNY
    assert ws.cell(row=n, column=2).value == 0.456 and ws.cell(row=n, column=2).number_format == "0.0%"
    assert ws.cell(row=n + 1, column=1).number_format == '0.0"×"'
    assert ws.cell(row=n + 1, column=2).number_format == "#,##0.0"  # a count that is not whole
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:B{n + 1}"


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    names = [sheet_name(t, taken) for t in ("a[b]:c*d?e/f\\g", "'quoted'", "x" * 40, "x" * 40, "", "Sheet")]
    assert names[0] == "a b c d e f g" and names[1] == "quoted"
    assert names[2] == "x" * 31 and names[3] == "x" * 27 + " (2)"
    assert names[4] == "Sheet" and names[5] == "Sheet (2)"
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_page_tables_become_sheets_under_their_section():
    html = (
        '<h2><span class="zh">甲</span><span class="en">A</span></h2>'
        '<div class="card"><div class="label"><span class="zh">额</span><span class="en">Amt</span></div>'
        '<div class="value"><span class="fig" data-unit="cny" data-value="12.5">¥13</span></div></div>'
        '<table><thead><tr><th><span class="zh">名</span><span class="en">Name</span></th>'
        '<th class="num">N</th></tr></thead><tbody>'
        '<tr><td>=1+1 &amp; &lt;b&gt;</td><td class="num">42</td></tr>'
        '<tr><td>-2+3</td><td class="num"><span class="fig" data-unit="ratio">—</span></td></tr>'
        "</tbody></table>"
    )
    cards, table = page_sheets(html)
    assert cards.rows == [["额 Amt", Figure(12.5, "cny")]]
    assert table.title == "甲 A" and table.headers == ["名 Name", "N"]
    assert table.rows == [["=1+1 & <b>", Figure(42.0, "count")], ["-2+3", Figure(None, "ratio")]]


def test_report_text_is_read_back_as_figures():
    assert report_value("¥1,234,568") == Figure(1234568.0, "cny")
    assert report_value("-¥1,234") == Figure(-1234.0, "cny")
    assert report_value("45.6%") == Figure(0.456, "ratio")
    assert report_value("16.8×") == Figure(16.8, "multiple")
    assert report_value("1,234") == Figure(1234.0, "count")
    assert report_value("—") is None
    assert report_value("\\-2+3") == "-2+3" and report_value("\\=1+1") == "=1+1"
    assert report_value("@SUM\\(A1\\)") == "@SUM(A1)" and report_value("3/12") == "3/12"


# --------------------------------------------------------------------------- built site
_BUILT: dict[str, tuple] = {}  # built once per process, also when test_bundles.py imports the fixture


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The site (with reports and bundles) of the hostile warehouse copy; test_bundles.py shares it."""
    if not WAREHOUSE.is_file():
        pytest.skip(f"no warehouse at {WAREHOUSE}: run make demo")
    if "site" not in _BUILT:
        _BUILT["site"] = _build(tmp_path_factory.mktemp("excel"))
    run, db, uid = _BUILT["site"]
    con = duckdb.connect(str(db), read_only=True)
    yield run, con, uid
    con.close()


def _build(tmp: Path) -> tuple:
    db = tmp / "crm.duckdb"
    shutil.copy2(WAREHOUSE, db)
    con = duckdb.connect(str(db))
    # the rep with the most stalled-in-stage deals; their three largest get hostile names
    uid = con.execute(
        "select user_id from marts.rep_workbench_stalled_opportunities where is_stalled_in_stage "
        "group by user_id order by count(*) desc, user_id limit 1"
    ).fetchone()[0]
    opps = [
        r[0]
        for r in con.execute(
            "select opportunity_id from marts.rep_workbench_stalled_opportunities where user_id = ? and "
            "is_stalled_in_stage order by amount_cny desc, days_in_stage desc, opportunity_id limit 3",
            [uid],
        ).fetchall()
    ]
    assert len(opps) == 3
    for opp, value in zip(opps, HOSTILE, strict=False):
        con.execute(
            "update marts.rep_workbench_stalled_opportunities set account_name = ? where opportunity_id = ?",
            [value, opp],
        )
    con.close()
    run = build_site(db, tmp / "site")
    build_bundles(db, run.out_dir, tmp / "bundles")
    return run, db, uid


def _sheet_with(wb, header: str):
    return next(ws for ws in wb.worksheets if header in [c.value for c in ws[1]])


def test_every_page_with_a_table_has_a_linked_workbook(built):
    run, _, _ = built
    checked = 0
    for page in run.pages:
        html = (run.out_dir / page.path).read_text(encoding="utf-8")
        xlsx = (run.out_dir / page.path).with_suffix(".xlsx")
        if "<table" not in html:
            assert not xlsx.exists(), page.path
            continue
        assert xlsx.is_file(), page.path
        assert f'href="{xlsx.name}"' in html, f"{page.path} does not link its workbook"
        checked += 1
    assert checked > 50


def test_no_workbook_holds_a_formula(built):
    run, _, _ = built
    books = sorted(run.out_dir.rglob("*.xlsx"))
    assert len(books) > 100
    for path in books:
        wb = load_workbook(path)
        for ws in wb.worksheets:
            assert ws.freeze_panes == "A2", (path, ws.title)
            assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), (path, ws.title)
            assert len(ws.title) <= 31
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f", (path, ws.title, c.coordinate, c.value)


def test_workbench_workbook_equals_the_mart(built):
    run, con, uid = built
    wb = load_workbook(run.out_dir / "rep" / f"{uid}.xlsx")
    ws = _sheet_with(wb, text("days_in_stage"))
    headers = [c.value for c in ws[1]]
    assert headers == [
        text(k) for k in ("account", "stage", "amount", "days_in_stage", "expected_close", "what_to_do")
    ]
    expected = con.execute(
        "select account_name, amount_cny, days_in_stage from marts.rep_workbench_stalled_opportunities "
        "where user_id = ? order by days_in_stage desc, opportunity_id limit 20",
        [uid],
    ).fetchall()
    rows = list(ws.iter_rows(min_row=2, values_only=False))
    assert len(rows) == len(expected)
    for row, (account, amount, days) in zip(rows, expected, strict=False):
        assert row[0].value == account and row[0].data_type == "s"
        if amount is None:  # a deal without an amount: an empty cell, as the page shows —
            assert row[2].value is None
        else:
            assert row[2].value == pytest.approx(float(amount)) and row[2].number_format == CNY
        assert row[3].value == days and row[3].data_type == "n"
    names = [r[0].value for r in rows]
    assert set(HOSTILE) <= set(names)
    cards = _sheet_with(wb, text("metric"))
    figures = {r[0].value: r[1] for r in cards.iter_rows(min_row=2)}
    mtd, att = con.execute(
        "select bookings_mtd_cny, attainment_mtd from marts.rep_workbench where user_id = ?", [uid]
    ).fetchone()
    assert figures[text("bookings_mtd")].value == pytest.approx(float(mtd))
    assert figures[text("attainment_mtd")].value == pytest.approx(float(att))
    assert figures[text("attainment_mtd")].number_format == "0.0%"


def test_report_workbooks_sit_beside_their_reports_and_equal_the_marts(built):
    run, con, uid = built
    folder = run.out_dir / "reports" / run.as_of.isoformat()
    reports = sorted(folder.glob("*/*/*.html"))
    assert len(reports) > 100
    for html in reports:
        assert html.with_suffix(".xlsx").is_file(), html
        assert f'href="{html.stem}.xlsx"' in html.read_text(encoding="utf-8"), html
    wb = load_workbook(folder / "weekly" / "rep" / f"{uid}.xlsx")
    ws = _sheet_with(wb, text("past_close_date"))
    expected = con.execute(
        "select account_name, amount_cny, days_in_stage from marts.rep_workbench_stalled_opportunities "
        "where user_id = ? and is_stalled_in_stage order by amount_cny desc, days_in_stage desc, "
        "opportunity_id limit 10",
        [uid],
    ).fetchall()
    rows = list(ws.iter_rows(min_row=2))
    assert [r[0].value for r in rows] == [e[0] for e in expected]
    assert [r[0].value for r in rows[:3]] == HOSTILE
    for row, (_, amount, days) in zip(rows, expected, strict=False):
        if amount is None:
            assert row[2].value is None
            continue
        assert row[2].value == round(float(amount)) and row[2].number_format == CNY
        assert row[3].value == days
