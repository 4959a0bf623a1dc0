"""A small DuckDB file of views over the Parquet marts, for BI tools that want a database file.

Usage: crmwh bi-views [--parquet warehouse/parquet] [--out warehouse/bi_parquet.duckdb]

Each table of warehouse/parquet/<schema>/<table>.parquet becomes the view <schema>.<table>.
The views name the files through the `parquet` path itself, not the version folder it points
to, so after a nightly refresh swaps the symlink every new query reads the new marts; the file
only needs rebuilding when a mart is added or removed. Metabase (DuckDB driver) or Superset
(duckdb-engine) open it read-only; see docs/dashboards.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb

from crm_warehouse.project import ROOT

MART_SCHEMAS = ("core", "marts", "data_quality")


def build_views(parquet: Path, out: Path) -> list[str]:
    """Write ``out`` (replacing it atomically) with one view per Parquet mart; return their names."""
    parquet = Path(os.path.abspath(parquet))  # keep the symlink in the path
    if not parquet.is_dir():
        raise FileNotFoundError(f"no Parquet marts at {parquet}: run `make demo` or `make refresh` first")
    tmp = out.with_name(out.name + ".tmp")
    tmp.unlink(missing_ok=True)
    views: list[str] = []
    con = duckdb.connect(str(tmp))
    try:
        for schema in MART_SCHEMAS:
            files = sorted((parquet / schema).glob("*.parquet"))
            if files:
                con.execute(f'create schema if not exists "{schema}"')
            for path in files:
                literal = str(parquet / schema / path.name).replace("'", "''")
                con.execute(
                    f'create or replace view "{schema}"."{path.stem}" as '
                    f"select * from read_parquet('{literal}')"
                )
                views.append(f"{schema}.{path.stem}")
    finally:
        con.close()
    if not views:
        tmp.unlink(missing_ok=True)
        raise FileNotFoundError(f"no Parquet marts under {parquet} (expected core/, marts/, data_quality/)")
    os.replace(tmp, out)
    return views


def main(argv: list[str] | None = None) -> int:
    """Command line: write the DuckDB file of views over the Parquet marts; exits 2 without marts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parquet", type=Path, default=ROOT / "warehouse" / "parquet")
    parser.add_argument("--out", type=Path, default=ROOT / "warehouse" / "bi_parquet.duckdb")
    args = parser.parse_args(argv)
    try:
        views = build_views(args.parquet, args.out)
    except FileNotFoundError as exc:
        print(f"bi_views: {exc}", file=sys.stderr)
        return 2
    print(f"bi_views: {len(views)} views over {args.parquet} in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
