"""Shared by the site tests: the test warehouse, the browser check and our own reading of the
marts (figures and chart series as the pages name them), and the site's link check.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from pathlib import Path
from typing import Any

import pytest

from crm_warehouse.dashboards.browser import chromium_path

ROOT = Path(__file__).resolve().parents[3]
IDENT = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$")


WAREHOUSE = Path(os.environ.get("CRM_TEST_DUCKDB") or ROOT / "warehouse" / "crm.duckdb")


REQUIRE_BROWSER = os.environ.get("CRM_REQUIRE_BROWSER") == "1"


def _browser_or_skip() -> None:
    exe = chromium_path()
    if not exe or not Path(exe).exists():
        if REQUIRE_BROWSER:
            pytest.fail("Chromium is required (CRM_REQUIRE_BROWSER=1) but missing: run `make browser`")
        pytest.skip("Chromium not installed: run `make browser`")


# --------------------------------------------------------------------------- our own reading of marts
def _where(key: dict[str, Any]) -> tuple[str, list[Any]]:
    parts, params = [], []
    for col, value in key.items():
        assert IDENT.match(col), col
        if isinstance(value, list):
            parts.append(f"{col} in ({', '.join('?' for _ in value)})" if value else "false")
            params.extend(value)
        else:
            parts.append(f"{col} = ?")
            params.append(value)
    return " and ".join(parts) or "true", params


def mart_value(db, table: str, col: str, key: dict[str, Any], agg: str | None) -> Any:
    assert IDENT.match(table) and table.split(".")[0] in ("core", "marts", "data_quality"), table
    assert IDENT.match(col), col
    where, params = _where(key)
    if agg:
        assert agg in ("sum", "count"), agg
        return db.execute(f"select {agg}({col}) from {table} where {where}", params).fetchone()[0]
    rows = db.execute(f"select {col} from {table} where {where}", params).fetchall()
    assert len(rows) == 1, f"{table} {key}: expected exactly one row, got {len(rows)}"
    return rows[0][0]


def mart_series(db, src: dict[str, Any]) -> dict[str, Any]:
    cat, col, table = src["category_col"], src["col"], src["table"]
    assert IDENT.match(cat) and IDENT.match(col) and IDENT.match(table)
    where, params = _where(src["key"])
    agg = src.get("agg")
    if agg:
        assert agg in ("sum", "count")
        sql = f"select {cat}, {agg}({col}) from {table} where {where} group by {cat}"
    else:
        sql = f"select {cat}, {col} from {table} where {where}"
    rows = db.execute(sql, params).fetchall()
    out: dict[str, Any] = {}
    for c, v in rows:
        label = c.isoformat() if isinstance(c, (dt.date, dt.datetime)) else str(c)
        assert label not in out, f"{table}: category {label} is not unique for {src['key']}"
        out[label] = v
    return out


def parse_display(text: str) -> float | None:
    """Read a displayed figure back: '¥1,234', '45.6%', '12', '—'."""
    if text == "—":
        return None
    cleaned = text.replace("¥", "").replace(",", "").replace("%", "").replace("×", "").strip()
    assert re.fullmatch(r"-?\d+(\.\d+)?", cleaned), f"not a number: {text!r}"
    return float(cleaned)


def assert_shows(text: str, value: Any, unit: str | None, where: str) -> None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        assert text == "—", f"{where}: mart value is empty but the page shows {text!r}"
        return
    shown = parse_display(text)
    assert shown is not None, f"{where}: page shows no value, mart has {value}"
    value = float(value)
    if unit == "cny":
        assert text.startswith(("¥", "-¥")), f"{where}: {text!r} is not an amount (¥1,234 or -¥1,234)"
        expected, tolerance = value, 0.5
    elif unit == "ratio":
        assert text.endswith("%"), f"{where}: {text!r} is not a percentage"
        expected, tolerance = value * 100.0, 0.05
    elif unit == "multiple":
        assert text.endswith("×"), f"{where}: {text!r} is not a multiple"
        expected, tolerance = value, 0.05
    elif unit == "count" and abs(value - round(value)) < 1e-9:
        expected, tolerance = value, 0.0
    else:
        expected, tolerance = value, 0.05
    assert abs(shown - expected) <= tolerance + 1e-6, f"{where}: page shows {text!r}, mart has {value}"


def close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-6)


def link_problems(site_dir: Path) -> list[str]:
    """Links that leave the machine or point at a file the site does not have (a link into the
    dbt docs page carries its route after '#')."""
    problems = []
    for page in site_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for attr in re.findall(r'(?<![-\w])(?:src|href)="([^"]+)"', html):
            where = page.relative_to(site_dir)
            if re.match(r"^[a-z]+:", attr) or attr.startswith("//"):
                problems.append(f"{where} links {attr}")
            elif not attr.startswith("#") and not (page.parent / attr.split("#")[0]).resolve().exists():
                problems.append(f"{where}: broken link {attr}")
    return problems
