"""The production path as the README sets it up, checked end to end (make test-production).

Builds the landing folder with crmwh build exactly as an operator would: a
random CRM_PII_SALT and CRM_AS_OF_DATE set (default a month end), into its own serving path.
Then asserts that the build published, that the as-of date and the current period are the
ones asked for (the director cockpit has rows), that the serving file holds no raw audit
layer, that every relation and column of the marts carries its description as a comment
(docs/bi.md), and that the salt is in no file the build wrote (dbt artefacts and logs, the refresh
log, the warehouse files, Parquet copies).

Exit 0 when every check holds; 1 with one line per failed check otherwise.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

from crm_warehouse.project import ROOT

# The schemas BI users read: each relation and column in them must carry a comment.
COMMENTED_SCHEMAS = ("core", "marts", "data_quality")


def missing_comments(con, schemas: tuple[str, ...] = COMMENTED_SCHEMAS) -> list[str]:
    """`schema.table` and `schema.table.column` names in `schemas` without a non-empty comment
    (tables and views of the open DuckDB connection's default database)."""
    marks = ", ".join("?" for _ in schemas)
    relations = con.execute(
        "select schema_name, table_name, comment from duckdb_tables() where database_name = current_database() "
        f"and schema_name in ({marks}) union all "
        "select schema_name, view_name, comment from duckdb_views() where database_name = current_database() "
        f"and schema_name in ({marks}) and not internal",
        [*schemas, *schemas],
    ).fetchall()
    columns = con.execute(
        "select schema_name, table_name, column_name, comment from duckdb_columns() "
        f"where database_name = current_database() and schema_name in ({marks})",
        list(schemas),
    ).fetchall()
    missing = [f"{s}.{t}" for s, t, c in relations if not (c or "").strip()]
    missing += [f"{s}.{t}.{col}" for s, t, col, c in columns if not (c or "").strip()]
    if not relations:
        missing.append(f"no relation in the schemas {', '.join(schemas)}")
    return sorted(missing)


def files_containing(folders: list[Path], needle: bytes) -> list[Path]:
    """The files under the folders (symlinks left out) whose bytes contain ``needle``."""
    hits = []
    for folder in folders:
        if not folder.exists():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
            with path.open("rb") as fh:
                tail = b""
                while chunk := fh.read(1 << 20):
                    if needle in tail + chunk:
                        hits.append(path)
                        break
                    tail = chunk[-len(needle) :]
    return hits


def main(argv: list[str] | None = None) -> int:
    """Command line: build with a random salt and the as-of date as production does, then check it
    published the marts without internal schemas or uncommented columns and wrote the salt nowhere;
    returns 1 on any problem."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing-dir", type=Path, required=True)
    parser.add_argument("--serving-path", type=Path, required=True)
    parser.add_argument("--as-of-date", default="2026-10-31")
    args = parser.parse_args(argv)

    salt = secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRM_", "DBT_ENV_SECRET_"))}
    env.update(
        {
            "CRM_PII_SALT": salt,
            "CRM_AS_OF_DATE": args.as_of_date,
            "CRM_LANDING_DIR": str(args.landing_dir),
            "DBT_PROFILES_DIR": str(ROOT),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
    )
    serving = Path(os.path.abspath(args.serving_path))
    cmd = [
        sys.executable,
        "-m",
        "crm_warehouse",
        "build",
        "--landing-dir",
        str(args.landing_dir),
        "--serving-path",
        str(serving),
    ]
    print(f"production build: as-of {args.as_of_date}, random salt, serving {serving}", flush=True)
    proc = subprocess.run(cmd, cwd=ROOT, env=env)
    problems: list[str] = []
    if proc.returncode != 0:
        problems.append(f"build_warehouse.py exited {proc.returncode} (see {serving.parent / 'logs'})")
    elif not serving.exists():
        problems.append(f"{serving} was not published")
    else:
        import duckdb

        con = duckdb.connect(str(serving), read_only=True)
        try:
            schemas = {
                r[0] for r in con.execute("select distinct schema_name from duckdb_tables()").fetchall()
            }
            if schemas & {"staging", "intermediate", "landing"}:
                problems.append(f"the serving file holds internal schemas: {sorted(schemas)}")
            as_of = con.execute("select max(as_of_date) from marts.team_board").fetchall()[0][0]
            if str(as_of) != args.as_of_date:
                problems.append(f"as-of date is {as_of}, not {args.as_of_date}")
            kpis = con.execute("select count(*) from marts.director_cockpit_kpis").fetchall()[0][0]
            if not kpis:
                problems.append("marts.director_cockpit_kpis is empty (no current period)")
            current = con.execute(
                "select count(*) from marts.indicator_values where is_period_in_progress "
                "and period_type = 'month' and period_start_date = date_trunc('month', ?::date)",
                [args.as_of_date],
            ).fetchall()[0][0]
            if not current:
                problems.append(f"no indicator is in progress for the month of {args.as_of_date}")
            uncommented = missing_comments(con)
            if uncommented:
                problems.append(
                    f"{len(uncommented)} relation(s)/column(s) without a comment (YAML description), "
                    f"e.g. {', '.join(uncommented[:5])}"
                )
        finally:
            con.close()
    private = serving.parent / "private" / serving.name
    if proc.returncode == 0 and (not private.exists() or private.stat().st_mode & 0o077):
        problems.append(f"{private} is missing or readable by others")
    leaks = files_containing([serving.parent, ROOT / "logs"], salt.encode())
    problems += [f"the salt is written in {path}" for path in leaks]
    for line in problems:
        print(f"FAILED {line}", file=sys.stderr)
    print("production build: " + ("ok" if not problems else f"{len(problems)} problem(s)"), flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
