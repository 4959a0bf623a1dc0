"""Excel sources of the adapter (adapt/readers.py): merged headers, dates, numbers as text and
trailing rows, Excel serial dates, and a malformed workbook named."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from crm_warehouse.adapt.mapping import load_mapping
from crm_warehouse.adapt.run import AdaptRefused, adapt
from test_adapt import SF, landed

ROOT = Path(__file__).resolve().parents[3]


def xlsx_mapping(tmp_path: Path) -> Path:
    doc = yaml.safe_load((ROOT / "mappings" / "cn_crm_excel.yml").read_text(encoding="utf-8"))
    doc["absent"] = [e for e in load_mapping(SF).contract if e != "accounts"]
    doc["entities"] = {"accounts": doc["entities"]["accounts"]}
    path = tmp_path / "cn.yml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_xlsx_merged_headers_dates_text_numbers_and_trailing_rows(tmp_path):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = "客户"
    names = [
        "客户编号",
        "客户名称",
        "所属行业",
        "企业性质",
        "员工人数",
        "重点客户",
        "省份",
        "城市",
        "负责人编号",
        "公海状态",
        "创建时间",
        "最后修改时间",
        "已删除",
    ]
    ws.append(["基本信息"] + [None] * 7 + ["归属", None, "记录", None, None])
    ws.merge_cells("A1:H1")
    ws.merge_cells("I1:J1")
    ws.merge_cells("K1:M1")
    ws.append(names)
    ws.cell(2, 2, "客户\n名称")  # a wrapped header cell
    ws.append(
        [
            "A1",
            "甲公司",
            "制造",
            "国企",
            "２,０５４",
            "是",
            "江苏",
            "南京",
            "U1",
            "已分配",
            datetime(2026, 11, 5, 9, 5),
            "2026/11/6 10:00",
            "否",
        ]
    )
    ws.append(
        [
            "A2",
            "乙公司",
            "物流",
            "民企",
            100,
            "否",
            "浙江",
            "杭州",
            "",
            "公海",
            "46000",
            datetime(2026, 11, 6),
            "否",
        ]
    )
    ws.cell(9, 1).font = Font(bold=True)  # formatted empty rows after the data
    (tmp_path / "in").mkdir()
    book.save(tmp_path / "in" / "客户_2026-11-25.xlsx")
    out = tmp_path / "out"
    adapt(xlsx_mapping(tmp_path), tmp_path / "in", out)
    rows = landed(out, "accounts")
    assert [r["account_id"] for r in rows] == ["A1"]
    assert rows[0]["account_name"] == "甲公司" and rows[0]["employee_count"] == "2054"
    assert rows[0]["created_at"] == "2026-11-05 09:05:00"
    assert rows[0]["updated_at"] == "2026-11-06 10:00:00"
    assert rows[0]["ownership_type"] == "soe" and rows[0]["is_key_account"] == "true"
    # a serial number in a time column without excel_serial is rejected, named by sheet row
    with (out / "_adapt" / "rejects.csv").open(encoding="utf-8") as fh:
        rejects = list(csv.DictReader(fh))
    assert [(r["file"], r["row"], r["column"]) for r in rejects] == [
        ("客户_2026-11-25.xlsx [客户]", "4", "创建时间")
    ]


def test_excel_serial_dates(tmp_path):
    from crm_warehouse.adapt.expressions import parse_timestamp

    assert parse_timestamp("46000", {"excel_serial": True}) == datetime(2025, 12, 9)
    assert parse_timestamp("45966.5", {"excel_serial": True}) == datetime(2025, 11, 5, 12)


def test_malformed_xlsx_is_named(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "客户.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(AdaptRefused) as err:
        adapt(xlsx_mapping(tmp_path), tmp_path / "in", tmp_path / "out")
    assert "客户.xlsx: not a readable .xlsx workbook" in str(err.value)
