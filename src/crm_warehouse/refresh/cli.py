"""Nightly refresh of the warehouse: lock, landing gate, source freshness, dbt build into a fresh
DuckDB file, atomic swap into the serving path, Parquet copies of the marts, history for
rollback, and a JSON-lines run log. See docs/operations.md.

Usage:
  crmwh refresh [run] [--landing-dir DIR] [--serving-path FILE] [--keep N]
                            [--full-refresh] [--target duckdb|spark] [--gate auto|gx|basic|none]
                            [--no-freshness] [--quiet | --verbose] [--dbt-arg ARG ...]
  crmwh rollback [--to FILE] [--serving-path FILE]

The serving file is never opened for writing. The full build file (with the raw audit layer,
`staging`, that holds clear-text personal data) stays private (warehouse/private/, mode 0600):
each incremental refresh copies it, builds the copy, and publishes only the serving schemas
(core, marts, data_quality, reference) into a fresh serving file, swapped in with os.replace
only when the gate passed and dbt reported no error (models and error-level data tests;
production builds run no unit tests: `make test-duckdb` does). Readers that open the serving
file read-only keep the previous warehouse until the swap and get the new one on their next
connection. A process holding the serving file open for writing (or its WAL) stops the publish.

Production settings: CRM_PII_SALT must be set (letters, digits and . _ ~ + / = - only); it
reaches dbt only as DBT_ENV_SECRET_CRM_PII_SALT and never lands in an artefact. CRM_AS_OF_DATE
(or --as-of-date YYYY-MM-DD, not after today) fixes the as-of date (passed as --vars).

Group-robot push: with CRM_PUSH_ENABLED=1, a run that published then runs crmwh push on
the serving file (step "push", see docs/push.md). A push problem (messages left pending, an
error, a timeout) is a warning in the run log and on the console; the exit code and the
published warehouse are not affected.

Exit codes:
   0  refreshed and published (or rolled back)
   2  bad command line or settings (CRM_PII_SALT missing or malformed, a bad as-of date)
  10  locked: another refresh holds the lock (nothing done)
  20  landing gate failed (structural fault in a landing file); serving untouched
  30  dbt build failed (model error, failed unit test or error-level data test); serving untouched
  40  publish failed (inspection, Parquet export, swap or history); or rollback impossible
  50  unexpected error (a bug or an environment problem; traceback in stderr and the log)
  60  interrupted (SIGTERM/SIGINT); serving untouched unless the swap had already happened
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from crm_warehouse.project import ROOT
from crm_warehouse.refresh.codes import EXIT_USAGE, RefreshError
from crm_warehouse.refresh.gate_step import GATES
from crm_warehouse.refresh.layout import Layout
from crm_warehouse.refresh.lock import DEFAULT_LOCK_MAX_AGE_S
from crm_warehouse.refresh.runner import Options, Refresh
from crm_warehouse.refresh.settings import AS_OF_ENV, check_as_of_date


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``crmwh refresh`` and ``crmwh rollback`` (options from the environment by default)."""
    env = os.environ
    parser = argparse.ArgumentParser(
        prog="crmwh refresh",
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit codes:" + __doc__.split("Exit codes:", 1)[1],
    )
    parser.add_argument("command", nargs="?", choices=["run", "rollback"], default="run")
    parser.add_argument(
        "--landing-dir", type=Path, default=Path(env.get("CRM_LANDING_DIR", ROOT / "data" / "landing"))
    )
    parser.add_argument(
        "--serving-path",
        type=Path,
        default=Path(env.get("CRM_SERVING_PATH", ROOT / "warehouse" / "crm.duckdb")),
    )
    parser.add_argument(
        "--keep",
        type=int,
        default=int(env.get("CRM_REFRESH_KEEP", "3")),
        help="previous good warehouses kept in history (default 3)",
    )
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help="build from an empty file (default: continue from the serving file)",
    )
    parser.add_argument("--target", choices=["duckdb", "spark"], default=env.get("CRM_DBT_TARGET", "duckdb"))
    parser.add_argument(
        "--gate",
        choices=["auto", *GATES],
        default=env.get("CRM_REFRESH_GATE", "auto"),
        help="auto: crmwh gate when present, else crmwh check",
    )
    parser.add_argument(
        "--format", dest="fmt", choices=["csv", "parquet"], default=env.get("CRM_LANDING_FORMAT", "csv")
    )
    parser.add_argument(
        "--no-freshness", dest="freshness", action="store_false", help="skip `dbt source freshness`"
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="errors only (for a scheduler whose log should hold failures alone)",
    )
    parser.add_argument("--verbose", action="store_true", help="stream dbt's output")
    parser.add_argument("--dbt-arg", action="append", default=[], help="extra argument for dbt build")
    parser.add_argument("--to", type=Path, help="rollback: the warehouse file to restore")
    parser.add_argument(
        "--as-of-date",
        default=env.get(AS_OF_ENV),
        help="YYYY-MM-DD as-of date of every figure, not after today "
        "(default env CRM_AS_OF_DATE, else the last date in the data)",
    )
    parser.add_argument("--history-dir", type=Path, default=env.get("CRM_REFRESH_HISTORY_DIR"))
    parser.add_argument("--parquet-dir", type=Path, default=env.get("CRM_REFRESH_PARQUET_DIR"))
    parser.add_argument("--log-file", type=Path, default=env.get("CRM_REFRESH_LOG"))
    parser.add_argument("--lock-file", type=Path, default=env.get("CRM_REFRESH_LOCK"))
    parser.add_argument(
        "--source-mapping",
        type=Path,
        default=env.get("CRM_SOURCE_MAPPING") or None,
        help="adapt the CRM's own exports with this mapping first (docs/adapt.md)",
    )
    parser.add_argument(
        "--source-dir",
        type=Path,
        default=env.get("CRM_SOURCE_DIR") or None,
        help="folder of the CRM's own exports, for --source-mapping",
    )
    parser.add_argument(
        "--lock-max-age",
        type=float,
        default=float(env.get("CRM_REFRESH_LOCK_MAX_AGE", DEFAULT_LOCK_MAX_AGE_S)),
        help="seconds after which a lock is stale even if its pid runs (default 6 h)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """``crmwh refresh`` / ``crmwh rollback``: parse the command line, run, and return the exit code."""
    args = build_parser().parse_args(argv)
    if args.keep < 0:
        print("--keep must be 0 or more", file=sys.stderr)
        return EXIT_USAGE
    try:
        as_of = check_as_of_date(args.as_of_date) if args.command == "run" else None
    except RefreshError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    layout = Layout.from_serving(
        args.serving_path, args.history_dir, args.parquet_dir, args.log_file, args.lock_file
    )
    opts = Options(
        landing_dir=Path(os.path.abspath(args.landing_dir)),
        layout=layout,
        keep=args.keep,
        full_refresh=args.full_refresh,
        target=args.target,
        gate=args.gate,
        fmt=args.fmt,
        freshness=args.freshness,
        quiet=args.quiet,
        verbose=args.verbose,
        dbt_args=args.dbt_arg,
        lock_max_age_s=args.lock_max_age,
        rollback_to=args.to,
        as_of_date=as_of,
        source_mapping=args.source_mapping,
        source_dir=args.source_dir,
    )
    return Refresh(opts, command=args.command).execute()
