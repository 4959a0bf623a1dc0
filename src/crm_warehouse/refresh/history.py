"""History carry: the issue and alert histories a full rebuild must not lose."""

from __future__ import annotations

from pathlib import Path

from crm_warehouse.refresh.sql import quote_literal

# Persistent histories a full rebuild must not lose (their models are full_refresh=false).
HISTORY_TABLES = ("data_quality.fct_data_quality_issues", "marts.fct_alerts")


def carry_history(serving: Path, candidate: Path, tables: tuple[str, ...] = HISTORY_TABLES) -> list[str]:
    """Copy the history tables (open/resolved data-quality issues and alerts) from the serving
    warehouse into a new, empty build file, so a full rebuild continues their history: those
    models are `full_refresh=false` and run incrementally on the carried rows."""
    import duckdb

    candidate.unlink(missing_ok=True)
    con = duckdb.connect(str(candidate))
    carried = []
    try:
        con.execute(f"attach {quote_literal(str(serving))} as previous (read_only)")
        present = {
            f"{s}.{t}"
            for s, t in con.execute(
                "select schema_name, table_name from duckdb_tables() where database_name = 'previous'"
            ).fetchall()
        }
        for name in tables:
            if name not in present:
                continue
            schema, table = name.split(".")
            con.execute(f'create schema if not exists "{schema}"')
            con.execute(f'create table "{schema}"."{table}" as select * from previous."{schema}"."{table}"')
            carried.append(name)
        con.execute("detach previous")
        con.execute("checkpoint")
    finally:
        con.close()
    if not carried:
        candidate.unlink(missing_ok=True)
    return carried
