"""The same world in a source CRM's own export shape (generate_landing.py --shape).

The native landing files are rendered as a Salesforce org, a HubSpot portal or a Chinese CRM's
Excel list views would export them, with each source's quirks: Salesforce object CSVs with API
field names (the daily delta as a sync tool writes it: snake_case names, lower-case object
files) and UTC timestamps; HubSpot CSVs with display-name headers, numeric record ids, UTC
timestamps and its internal stage and type names; Chinese-header .xlsx workbooks (one per list
view) with a merged group-title row, real Excel dates and serial-number dates, amounts as text
with ¥, thousands commas and full-width digits, 是/否 flags and formatted empty rows after the
data. The mappings in mappings/ read them back (tests/python/adapt/test_adapt_roundtrip.py). The
vocabulary below is written independently of the mappings, so a wrong map is caught.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any

from .shape_cn_excel import CN_CRM, DATE, STAMP, _cn_cell
from .shape_columns import snake
from .shape_hubspot import HUBSPOT
from .shape_salesforce import SALESFORCE, SF_EVENT_TYPES

SHAPES = ("salesforce", "hubspot", "cn_crm_excel")


def canonical(column: str, text: str) -> str:
    """A native landing value in one spelling per type (the generator writes some booleans as
    1/0 or 是/否 and some dates several ways, as CRMs do): what a source system would hold.
    Values that do not parse stay as they are."""
    from datetime import date as date_type
    from decimal import Decimal

    from crm_warehouse.gate.column_types import LandingType, column_type, parse_value

    kind = column_type(column)
    if kind is LandingType.TEXT:
        return text
    value = parse_value(text, kind)
    if value is None:
        return text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date_type):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def read_native(path: Path) -> list[dict]:
    """The rows of a native landing file, every typed value in its canonical spelling."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: canonical(k, v) for k, v in row.items()} for row in csv.DictReader(fh)]


def _write_csv(path: Path, header: list[str], rows: list[list[str]], bom: bool = False) -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def _write_xlsx(path: Path, sheet: str, groups, header: list[str], kinds, rows: list[dict]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = sheet
    offset = 1
    if groups:  # a merged group-title row above the column names
        col = 1
        for title, span in zip(groups[::2], groups[1::2], strict=False):
            ws.cell(1, col, title)
            ws.merge_cells(start_row=1, start_column=col, end_row=1, end_column=col + span - 1)
            col += span
        offset = 2
    for c, name in enumerate(header, start=1):
        ws.cell(offset, c, name)
    for n, row in enumerate(rows):
        for c, (src, kind, table) in enumerate(kinds, start=1):
            value = _cn_cell(row[src], kind, table, n)
            if value is None:
                continue
            cell = ws.cell(offset + 1 + n, c, value)
            if kind == STAMP:
                cell.number_format = "yyyy/m/d h:mm:ss"
            elif kind == DATE:
                cell.number_format = "yyyy/m/d"
    for extra in range(3):  # formatted empty rows after the data, as list-view exports leave them
        ws.cell(offset + 1 + len(rows) + extra, 1).font = Font(bold=True)
    book.save(path)


def render_shape(native_dir: Path, out_dir: Path, shape: str) -> list[Path]:
    """Render the native landing folder `native_dir` as `shape` exports into `out_dir`."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r} (one of {', '.join(SHAPES)})")
    native_dir, out_dir = Path(native_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    specs: dict[str, dict[str, Any]] = {"salesforce": SALESFORCE, "hubspot": HUBSPOT, "cn_crm_excel": CN_CRM}
    spec = specs[shape]
    for entity, entry in spec.items():
        for source in sorted((native_dir / entity).glob("*.csv")):
            rows = read_native(source)
            delta = "delta" in source.stem
            if shape == "cn_crm_excel":
                sheet, groups, columns = entry
                path = out_dir / f"{sheet}_{source.stem}.xlsx"
                _write_xlsx(path, sheet, groups, [h for h, _ in columns], [k for _, k in columns], rows)
                written.append(path)
                continue
            obj, columns = entry
            header = [h for h, _ in columns]
            if shape == "salesforce" and delta:
                header = [snake(h) for h in header]
            groups = {obj: rows}
            if shape == "salesforce" and entity == "activities":
                groups = {
                    "Event": [r for r in rows if r["activity_type"] in SF_EVENT_TYPES],
                    "Task": [r for r in rows if r["activity_type"] not in SF_EVENT_TYPES],
                }
            for name, members in groups.items():
                if shape == "salesforce" and delta:
                    name = name.lower()
                path = out_dir / f"{name}_{source.stem}.csv"
                _write_csv(
                    path, header, [[fn(r) for _, fn in columns] for r in members], bom=shape == "hubspot"
                )
                written.append(path)
    return written
