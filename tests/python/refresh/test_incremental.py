"""An incremental build after a day's delta export equals a full refresh, row for row, and the
refresh that applied the delta changed only the rows the new day's export names.

Takes the demo refreshed on two nights (the generator's next-day delta, an incremental
refresh) and compares its incremental facts with a full refresh of the same landing files
(both directions of EXCEPT ALL, so duplicates count)."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from refresh_helpers import last_end
from warehouse_helpers import run_dbt

INCREMENTAL_MODELS = ["fct_activities", "fct_opportunity_stage_transitions"]
SELECTION = " ".join(f"+{m}" for m in INCREMENTAL_MODELS)


def dbt_run(landing: Path, db: Path, target: Path, *extra: str) -> None:
    result = run_dbt(
        ["build", "-s", SELECTION, "--resource-type", "seed", "--resource-type", "model", *extra],
        landing,
        db,
        target,
    )
    assert result.returncode == 0, result.stdout[-4000:]


def table_diff(con: duckdb.DuckDBPyConnection, table: str) -> tuple[int, int, int]:
    left = f"inc.core.{table}"
    right = f"full_.core.{table}"
    only_inc = con.sql(
        f"select count(*) from (select * from {left} except all select * from {right})"
    ).fetchall()[0][0]
    only_full = con.sql(
        f"select count(*) from (select * from {right} except all select * from {left})"
    ).fetchall()[0][0]
    rows = con.sql(f"select count(*) from {right}").fetchall()[0][0]
    return only_inc, only_full, rows


@pytest.fixture(scope="module")
def builds(demo_delta, tmp_path_factory) -> tuple[Path, Path]:
    """The incremental side is the nightly refresh of the demo plus its next-day delta (conftest's
    demo_delta, shared with the refresh tests); the full side a full refresh of the same files."""
    work = tmp_path_factory.mktemp("incremental")
    full_db = work / "full.duckdb"
    dbt_run(demo_delta["landing"], full_db, work / "target_full", "--full-refresh")
    return demo_delta["serving"], full_db


@pytest.mark.parametrize("table", INCREMENTAL_MODELS)
def test_incremental_equals_full_refresh(builds, table: str) -> None:
    incremental_db, full_db = builds
    con = duckdb.connect()
    con.sql(f"attach '{incremental_db}' as inc (read_only)")
    con.sql(f"attach '{full_db}' as full_ (read_only)")
    only_inc, only_full, rows = table_diff(con, table)
    assert rows > 0
    assert (only_inc, only_full) == (0, 0), (
        f"{table}: {only_inc} rows only in the incremental build, {only_full} only in the full refresh"
    )


def test_delta_actually_changed_the_incremental_tables(builds) -> None:
    """Guards the test above against comparing two builds of the same data."""
    incremental_db, _ = builds
    with duckdb.connect(str(incremental_db), read_only=True) as con:
        changed = con.sql(
            "select count(*) from core.fct_activities where updated_at >= timestamp '2026-11-26'"
        ).fetchall()[0][0]
    assert changed > 0, "the delta day's activities did not reach the incremental table"


# --------------------------------------------------------------------------------------------
# The refresh itself: only the new day's rows change

ENTITY_FACTS = {
    "fct_leads": "lead_id",
    "fct_opportunities": "opportunity_id",
    "fct_activities": "activity_id",
    "fct_contracts": "contract_id",
}


def test_delta_export_changes_only_the_new_days_rows(demo_delta):
    """The second night's incremental refresh (conftest's demo_delta) changed only the rows the
    new day's export names."""
    landing, serving, previous = demo_delta["landing"], demo_delta["serving"], demo_delta["previous"]
    new_files = sorted(landing.glob("*/2026-11-26_delta.csv"))
    assert new_files, "the delta export wrote no file for 2026-11-26"
    assert last_end(serving)["mode"] == "incremental"

    # every id named anywhere in the new day's files
    ids: set[str] = set()
    for path in new_files:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                ids.update(v for k, v in row.items() if k.endswith("_id") and v)
    assert ids

    con = duckdb.connect()
    con.execute(f"attach '{serving}' as new_wh (read_only)")
    con.execute(f"attach '{previous}' as old_wh (read_only)")
    con.execute("create table delta_ids (id varchar)")
    con.executemany("insert into delta_ids values (?)", [[i] for i in sorted(ids)])
    changed_total = 0
    for table, key in ENTITY_FACTS.items():
        cols = [
            c
            for (c,) in con.execute(
                "select column_name from information_schema.columns where table_catalog = 'new_wh' "
                "and table_schema = 'core' and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
        ]
        id_cols = [c for c in cols if c.endswith("_id")]
        assert key in id_cols
        touches = " or ".join(f"cast({c} as varchar) in (select id from delta_ids)" for c in id_cols)
        for a, b in (("new_wh", "old_wh"), ("old_wh", "new_wh")):
            diff = f"(select * from {a}.core.{table} except all select * from {b}.core.{table})"
            changed, outside = con.execute(
                f"select count(*), coalesce(sum(case when {touches} then 0 else 1 end), 0) from {diff}"
            ).fetchone()
            assert outside == 0, f"{table}: {outside} changed row(s) unrelated to the 2026-11-26 delta"
            changed_total += changed
        # rows of the new day are in
        new_keys = con.execute(
            f"select count(*) from new_wh.core.{table} where {key} in (select id from delta_ids)"
        ).fetchone()[0]
        assert new_keys >= 0
    assert changed_total > 0, "the delta changed nothing"
    con.close()
