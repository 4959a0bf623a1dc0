"""The unknown members (key '-1': 未知团队 Unknown team, 未知人员 Unknown rep) are flagged wherever
they can appear: every relation a BI user reads that holds a '-1' rep, team or entity row carries an
`is_unknown_member` column, true on exactly those rows (docs/bi.md)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[3]
WAREHOUSE = Path(os.environ.get("CRM_TEST_DUCKDB") or ROOT / "warehouse" / "test" / "crm.duckdb")
KEYS = ("entity_id", "user_id", "team_id")
# Finding histories: one row per finding, the responsible person is a routing field, not a member row.
HISTORIES = {("marts", "fct_alerts"), ("data_quality", "fct_data_quality_issues")}

pytestmark = pytest.mark.skipif(not WAREHOUSE.is_file(), reason=f"no warehouse at {WAREHOUSE}")


def _relations(con):
    rows = con.execute(
        "select schema_name, table_name, list(column_name) from duckdb_columns() "
        "where schema_name in ('marts', 'data_quality') group by all order by all"
    ).fetchall()
    return [(schema, table, set(columns)) for schema, table, columns in rows]


def test_every_relation_with_unknown_members_flags_them():
    con = duckdb.connect(str(WAREHOUSE), read_only=True)
    try:
        unflagged, wrong = [], []
        checked = 0
        for schema, table, columns in _relations(con):
            keys = [key for key in KEYS if key in columns]
            if not keys or (schema, table) in HISTORIES:
                continue
            unknown = " or ".join(f"coalesce(cast({key} as varchar) = '-1', false)" for key in keys)
            if "is_unknown_member" not in columns:
                if con.execute(f'select count(*) from "{schema}"."{table}" where {unknown}').fetchone()[0]:
                    unflagged.append(f"{schema}.{table}")
                continue
            checked += 1
            bad = con.execute(
                f'select count(*) from "{schema}"."{table}" '
                f"where is_unknown_member is distinct from ({unknown})"
            ).fetchone()[0]
            if bad:
                wrong.append(f"{schema}.{table}: {bad} rows")
        assert unflagged == [], f"unknown members without an is_unknown_member flag: {unflagged}"
        assert wrong == [], f"is_unknown_member disagrees with the '-1' keys: {wrong}"
        assert checked >= 10
    finally:
        con.close()
