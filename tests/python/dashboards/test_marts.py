"""The site and the reports read from other marts than the DuckDB file (MartReader): the Parquet
marts and the Spark marts built from the same landing files give exactly the same pages, reports,
figures and chart points.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

import duckdb
import pytest

from crm_warehouse.dashboards.reports import build_reports
from crm_warehouse.dashboards.site import build_site
from site_helpers import SPARK_WAREHOUSE, WAREHOUSE

pytestmark = pytest.mark.skipif(not WAREHOUSE.is_file(), reason=f"no warehouse at {WAREHOUSE}: run make demo")


def test_parquet_marts_give_the_same_site(tmp_path, site):
    folder = tmp_path / "parquet"
    con = duckdb.connect(str(WAREHOUSE), read_only=True)
    tables = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in ('core', 'marts', 'data_quality')"
    ).fetchall()
    for schema, table in tables:
        (folder / schema).mkdir(parents=True, exist_ok=True)
        con.execute(f"copy {schema}.{table} to '{folder / schema / (table + '.parquet')}' (format parquet)")
    con.close()
    run = build_site(folder, tmp_path / "site")
    for page in site.out_dir.rglob("*.html"):
        rel = page.relative_to(site.out_dir)
        assert (run.out_dir / rel).read_text(encoding="utf-8") == page.read_text(encoding="utf-8"), rel


def _split_chart_data(html: str) -> tuple[str, list[dict[str, Any]]]:
    start = html.index('<script type="application/json" id="chart-data">')
    end = html.index("</script>", start)
    return html[:start] + html[end:], json.loads(html[html.index(">", start) + 1 : end])


def _same_numbers(a: Any, b: Any, where: str) -> None:
    if isinstance(a, float) or isinstance(b, float):
        assert a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (
            where,
            a,
            b,
        )
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _same_numbers(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            _same_numbers(x, y, f"{where}[{i}]")
    else:
        assert a == b, (where, a, b)


def test_spark_marts_give_the_same_site(tmp_path, site):
    """Built from the same landing files, the Spark marts must show people exactly what the
    DuckDB marts show: every page and report, every figure and chart point. `make test` runs
    it once the Spark build (which runs beside the DuckDB steps) is done, with
    CRM_REQUIRE_SPARK=1: a missing Spark warehouse then fails instead of skipping."""
    if not (SPARK_WAREHOUSE / "marts.db").is_dir():
        if os.environ.get("CRM_REQUIRE_SPARK") == "1":
            pytest.fail(f"no Spark warehouse at {SPARK_WAREHOUSE} (CRM_REQUIRE_SPARK=1)")
        pytest.skip("no Spark warehouse (make test-spark builds one from the same landing files)")
    run = build_site(SPARK_WAREHOUSE, tmp_path / "site")
    duck = {p.relative_to(site.out_dir) for p in site.out_dir.rglob("*") if p.suffix in (".html", ".md")}
    spark = {p.relative_to(run.out_dir) for p in run.out_dir.rglob("*") if p.suffix in (".html", ".md")}
    assert duck == spark
    for rel in sorted(duck):
        ours = (site.out_dir / rel).read_text(encoding="utf-8")
        theirs = (run.out_dir / rel).read_text(encoding="utf-8")
        if 'id="chart-data"' in ours:
            ours, our_charts = _split_chart_data(ours)
            theirs, their_charts = _split_chart_data(theirs)
            _same_numbers(our_charts, their_charts, str(rel))
        assert ours == theirs, next(
            f"{rel}: DuckDB {a!r} / Spark {b!r}"
            for a, b in zip(ours.splitlines(), theirs.splitlines(), strict=False)
            if a != b
        )


def test_parquet_gives_identical_markdown(warehouse, run, tmp_path):
    parquet = tmp_path / "parquet"  # the refresh's layout: <schema>/<table>.parquet
    src = duckdb.connect(str(warehouse), read_only=True)
    for schema, table in src.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in ('core', 'marts', 'data_quality')"
    ).fetchall():
        (parquet / schema).mkdir(parents=True, exist_ok=True)
        src.execute(f"copy {schema}.{table} to '{parquet / schema / (table + '.parquet')}' (format parquet)")
    src.close()
    other = build_reports(parquet, tmp_path / "out")
    mine = sorted(p.relative_to(run.out_dir) for p in run.out_dir.rglob("*.md"))
    theirs = sorted(p.relative_to(other.out_dir) for p in other.out_dir.rglob("*.md"))
    assert mine == theirs
    for rel in mine:
        assert (run.out_dir / rel).read_bytes() == (other.out_dir / rel).read_bytes(), rel
