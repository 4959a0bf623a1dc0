"""The YAML descriptions reach the warehouse as comments (dbt persist_docs), and the serving file
keeps them: DBeaver, Superset and Metabase show `duckdb_columns().comment`."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[3]
from crm_warehouse.check_production_build import missing_comments  # noqa: E402
from crm_warehouse.refresh import make_serving_file  # noqa: E402

WAREHOUSE = Path(os.environ.get("CRM_TEST_DUCKDB") or ROOT / "warehouse" / "test" / "crm.duckdb")


@pytest.mark.skipif(not WAREHOUSE.is_file(), reason=f"no warehouse at {WAREHOUSE}")
def test_every_mart_relation_and_column_has_a_comment():
    con = duckdb.connect(str(WAREHOUSE), read_only=True)
    try:
        assert missing_comments(con) == []
        # a known description, word for word from the YAML
        comment = con.execute(
            "select comment from duckdb_columns() where schema_name = 'marts' "
            "and table_name = 'indicator_values' and column_name = 'indicator_code'"
        ).fetchone()[0]
        assert comment == "Catalog indicator."
    finally:
        con.close()


def test_missing_comments_names_what_lacks_one(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        con.execute("create schema marts")
        con.execute("create table marts.t (a integer, b integer)")
        con.execute("comment on table marts.t is 'A table'")
        con.execute("comment on column marts.t.a is 'Column a'")
        con.execute("comment on column marts.t.b is '  '")
        con.execute("create view marts.v as select 1 as x")
        assert missing_comments(con) == ["marts.t.b", "marts.v", "marts.v.x"]
        con.execute("create schema staging")
        con.execute("create table staging.raw (z integer)")
        assert "staging.raw" not in missing_comments(con)
    finally:
        con.close()
    empty = duckdb.connect(str(tmp_path / "e.duckdb"))
    try:
        assert missing_comments(empty) == ["no relation in the schemas core, marts, data_quality"]
    finally:
        empty.close()


def test_serving_file_keeps_the_comments(tmp_path):
    full = tmp_path / "full.duckdb"
    con = duckdb.connect(str(full))
    try:
        con.execute("create schema marts")
        con.execute("create schema staging")
        con.execute('create table marts.t (a integer, "it\'s" varchar)')
        con.execute("comment on table marts.t is '目标表 Target''s table'")
        con.execute("comment on column marts.t.a is 'Column a'")
        con.execute("comment on column marts.t.\"it's\" is '含引号 with ''quote'''")
        con.execute("create table staging.raw (z integer)")
        con.execute("comment on table staging.raw is 'raw'")
    finally:
        con.close()
    dest = tmp_path / "serve.duckdb"
    assert make_serving_file(full, dest, schemas=("marts",)) == ["marts.t"]
    con = duckdb.connect(str(dest), read_only=True)
    try:
        assert (
            con.execute("select comment from duckdb_tables() where table_name = 't'").fetchone()[0]
            == "目标表 Target's table"
        )
        assert dict(
            con.execute("select column_name, comment from duckdb_columns() where table_name = 't'").fetchall()
        ) == {"a": "Column a", "it's": "含引号 with 'quote'"}
    finally:
        con.close()
