"""The site and the reports read from other marts than the DuckDB file (MartReader): the Parquet
marts give exactly the same pages and reports (the Spark marts: test_spark_marts.py).
"""

from __future__ import annotations

import duckdb
import pytest

from crm_warehouse.dashboards.reports import build_reports
from crm_warehouse.dashboards.site import build_site
from site_helpers import WAREHOUSE

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
