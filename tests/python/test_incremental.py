"""An incremental build after a day's delta export equals a full refresh, row for row.

Builds the demo, applies the generator's next-day delta, runs the incremental facts, and
compares them with a full refresh of the same landing files (both directions of EXCEPT ALL,
so duplicates count)."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from warehouse_helpers import generate_demo, run_dbt

INCREMENTAL_MODELS = ["fct_activities", "fct_opportunity_stage_transitions"]
SELECTION = " ".join(f"+{m}" for m in INCREMENTAL_MODELS)


def dbt_run(landing: Path, db: Path, target: Path, *extra: str) -> None:
    result = run_dbt(["build", "-s", SELECTION, "--resource-type", "seed", "--resource-type", "model", *extra],
                     landing, db, target)
    assert result.returncode == 0, result.stdout[-4000:]


def table_diff(con: duckdb.DuckDBPyConnection, table: str) -> tuple[int, int, int]:
    left = f"inc.core.{table}"
    right = f"full_.core.{table}"
    only_inc = con.sql(f"select count(*) from (select * from {left} except all select * from {right})").fetchall()[0][0]
    only_full = con.sql(f"select count(*) from (select * from {right} except all select * from {left})").fetchall()[0][0]
    rows = con.sql(f"select count(*) from {right}").fetchall()[0][0]
    return only_inc, only_full, rows


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("incremental")
    landing = work / "landing"
    generate_demo(landing)
    incremental_db = work / "incremental.duckdb"
    dbt_run(landing, incremental_db, work / "target_inc")
    generate_demo(landing, "--delta")
    dbt_run(landing, incremental_db, work / "target_inc")
    full_db = work / "full.duckdb"
    dbt_run(landing, full_db, work / "target_full", "--full-refresh")
    return incremental_db, full_db


@pytest.mark.parametrize("table", INCREMENTAL_MODELS)
def test_incremental_equals_full_refresh(builds, table: str) -> None:
    incremental_db, full_db = builds
    con = duckdb.connect()
    con.sql(f"attach '{incremental_db}' as inc (read_only)")
    con.sql(f"attach '{full_db}' as full_ (read_only)")
    only_inc, only_full, rows = table_diff(con, table)
    assert rows > 0
    assert (only_inc, only_full) == (0, 0), (
        f"{table}: {only_inc} rows only in the incremental build, {only_full} only in the full refresh")


def test_delta_actually_changed_the_incremental_tables(builds) -> None:
    """Guards the test above against comparing two builds of the same data."""
    incremental_db, _ = builds
    with duckdb.connect(str(incremental_db), read_only=True) as con:
        changed = con.sql("select count(*) from core.fct_activities where updated_at >= timestamp '2026-11-26'").fetchall()[0][0]
    assert changed > 0, "the delta day's activities did not reach the incremental table"
