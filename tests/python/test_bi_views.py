"""The BI views file reads the Parquet marts, and follows the `parquet` symlink when it moves."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
from crm_warehouse.bi_views import build_views  # noqa: E402

WAREHOUSE = Path(os.environ.get("CRM_TEST_DUCKDB") or ROOT / "warehouse" / "crm.duckdb")
pytestmark = pytest.mark.skipif(not WAREHOUSE.is_file(), reason=f"no warehouse at {WAREHOUSE}")
TABLES = (
    "marts.indicator_values",
    "marts.rep_workbench",
    "core.dim_users",
    "data_quality.dq_rep_scorecard_monthly",
)


def export(version: Path, limit: str = "") -> None:
    con = duckdb.connect(str(WAREHOUSE), read_only=True)
    for table in TABLES:
        schema, name = table.split(".")
        (version / schema).mkdir(parents=True, exist_ok=True)
        con.execute(
            f"copy (select * from {table} {limit}) to '{version / schema / (name + '.parquet')}' "
            "(format parquet)"
        )
    con.close()


def counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def test_views_read_the_marts_and_follow_the_symlink(tmp_path):
    first, second = tmp_path / "v1", tmp_path / "v2"
    export(first)
    export(second, limit="limit 10")
    link = tmp_path / "parquet"
    link.symlink_to(first)
    out = tmp_path / "bi.duckdb"
    views = build_views(link, out)
    assert set(TABLES) <= set(views)
    assert counts(out) == counts(WAREHOUSE)
    # the nightly refresh swaps the symlink: the same views now read the new version
    tmp_link = tmp_path / "parquet.new"
    tmp_link.symlink_to(second)
    os.replace(tmp_link, link)
    con = duckdb.connect(str(out), read_only=True)
    try:
        expected = {}
        for table in TABLES:
            schema, name = table.split(".")
            expected[table] = con.execute(
                f"select count(*) from read_parquet('{second / schema / (name + '.parquet')}')"
            ).fetchone()[0]
    finally:
        con.close()
    assert counts(out) == expected == {t: 10 for t in TABLES}


def test_missing_parquet_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no Parquet marts"):
        build_views(tmp_path / "nowhere", tmp_path / "bi.duckdb")
    assert not (tmp_path / "bi.duckdb").exists()
