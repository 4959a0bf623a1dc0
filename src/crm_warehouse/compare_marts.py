"""Compare the relations of a warehouse with a Parquet export of an earlier build.

    compare_marts.py --export BASE_DIR WAREHOUSE   write every relation of the compared schemas
                                                   to BASE_DIR/<schema>.<relation>.parquet
    compare_marts.py BASE_DIR WAREHOUSE            compare WAREHOUSE with BASE_DIR, print a table

Rows are compared as multisets (order independent). Floating-point columns are rounded to
FLOAT_DIGITS decimal places (an absolute tolerance of 0.5e-6) before comparing; decimals, text,
dates and timestamps must be equal. Columns present on one side only are reported and left out
of the row comparison; a relation present on one side only is reported. The exit status is 1
when any relation differs in its rows or is missing, else 0.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import duckdb

SCHEMAS = ("core", "marts", "data_quality")
FLOAT_DIGITS = 6
FLOAT_TYPES = {"DOUBLE", "FLOAT", "REAL"}
SAFE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def quote_ident(name: str) -> str:
    """The name as a double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """The text as a single-quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """The (schema, name) of every relation in the compared schemas of the attached warehouse;
    exits on a name that is not a plain identifier."""
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = 'wh' and table_schema in (?, ?, ?) order by 1, 2",
        list(SCHEMAS),
    ).fetchall()
    for schema, name in rows:
        if not (SAFE_NAME.match(schema) and SAFE_NAME.match(name)):
            raise SystemExit(f"unexpected relation name {schema}.{name!r}")
    return rows


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the warehouse attached read-only as ``wh``."""
    con = duckdb.connect()
    con.execute("attach ? as wh (read_only)", [str(warehouse)])
    return con


def export(base_dir: Path, warehouse: Path) -> None:
    """Write every compared relation of the warehouse to ``<schema>.<name>.parquet`` under ``base_dir``."""
    base_dir.mkdir(parents=True, exist_ok=True)
    con = connect(warehouse)
    for schema, name in relations(con):
        out = base_dir / f"{schema}.{name}.parquet"
        con.execute(
            f"copy (select * from wh.{quote_ident(schema)}.{quote_ident(name)}) to ? (format parquet)",
            [str(out)],
        )
    print(f"exported {len(relations(con))} relations to {base_dir}")


def columns(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    """The relation's columns and their types."""
    return {r[0]: r[1] for r in con.execute(f"describe {relation}").fetchall()}


def compare(base_dir: Path, warehouse: Path) -> int:
    """Compare the warehouse's relations with the Parquet baseline, print a table and return 1
    when any relation is missing, lost columns or differs in its rows, else 0."""
    con = connect(warehouse)
    current = {f"{s}.{n}" for s, n in relations(con)}
    baseline = {p.name[: -len(".parquet")] for p in base_dir.glob("*.parquet")}
    report: list[tuple[str, str, str, str, str, str]] = []
    failed = False
    for rel in sorted(current | baseline):
        if rel not in current:
            report.append((rel, "-", "-", "-", "-", "MISSING in warehouse"))
            failed = True
            continue
        if rel not in baseline:
            report.append((rel, "-", "-", "-", "-", "new relation"))
            continue
        schema, name = rel.split(".", 1)
        new_rel = f"wh.{quote_ident(schema)}.{quote_ident(name)}"
        con.execute(
            "create or replace temp table base_rel as select * from read_parquet("
            + quote_literal(str(base_dir / f"{rel}.parquet"))
            + ")"
        )
        old_cols, new_cols = columns(con, "base_rel"), columns(con, new_rel)
        common = [c for c in old_cols if c in new_cols]
        notes = []
        added = [c for c in new_cols if c not in old_cols]
        dropped = [c for c in old_cols if c not in new_cols]
        if added:
            notes.append("new columns: " + ", ".join(added))
        if dropped:
            notes.append("DROPPED columns: " + ", ".join(dropped))
            failed = True

        def projection(
            types: dict[str, str],
            common: list[str] = common,
            old_cols: dict[str, str] = old_cols,
            new_cols: dict[str, str] = new_cols,
        ) -> str:
            parts = []
            for c in common:
                q = quote_ident(c)
                if types[c] in FLOAT_TYPES or old_cols[c] in FLOAT_TYPES:
                    parts.append(f"round(cast({q} as double), {FLOAT_DIGITS}) as {q}")
                elif old_cols[c] != new_cols[c]:
                    parts.append(f"cast({q} as varchar) as {q}")
                else:
                    parts.append(q)
            return ", ".join(parts) if parts else "1 as no_common_column"

        old_sql = f"select {projection(old_cols)} from base_rel"
        new_sql = f"select {projection(new_cols)} from {new_rel}"
        n_old = con.execute("select count(*) from base_rel").fetchall()[0][0]
        n_new = con.execute(f"select count(*) from {new_rel}").fetchall()[0][0]
        only_old = con.execute(f"select count(*) from ({old_sql} except all {new_sql})").fetchall()[0][0]
        only_new = con.execute(f"select count(*) from ({new_sql} except all {old_sql})").fetchall()[0][0]
        if only_old or only_new:
            failed = True
        status = "equal" if not (only_old or only_new) else "ROWS DIFFER"
        if notes:
            status += " (" + "; ".join(notes) + ")"
        report.append((rel, str(n_old), str(n_new), str(only_old), str(only_new), status))

    header = ("relation", "rows before", "rows after", "only before", "only after", "status")
    widths = [max(len(r[i]) for r in [header, *report]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *report]:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=False)).rstrip())
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    """Command line: export a baseline or compare with one; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export", action="store_true", help="write the baseline instead of comparing")
    parser.add_argument("base_dir", type=Path)
    parser.add_argument("warehouse", type=Path)
    args = parser.parse_args(argv)
    if not args.warehouse.is_file():
        print(f"warehouse not found: {args.warehouse}", file=sys.stderr)
        return 2
    if args.export:
        export(args.base_dir, args.warehouse)
        return 0
    if not args.base_dir.is_dir():
        print(f"baseline folder not found: {args.base_dir}", file=sys.stderr)
        return 2
    return compare(args.base_dir, args.warehouse)


if __name__ == "__main__":
    sys.exit(main())
