"""Write the daily, weekly and monthly role reports (日报 / 周报 / 月报) for the marts' as-of date.

    crmwh reports [--warehouse warehouse/crm.duckdb | warehouse/parquet]
        [--out reports/] [--period daily|weekly|monthly|all] [--role rep|team_lead|director|all]

Writes <out>/<as_of>/<period>/<role>/<slug>.md, .html and .xlsx (<slug>: the entity id when it is a
safe file name, else a readable part plus a hash; never outside <out>), plus
<out>/<as_of>/index.md and index.html, and prints a one-line summary.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crm_warehouse.dashboards.reports import PERIODS, ROLES, build_reports  # noqa: E402
from crm_warehouse.project import ROOT


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line's options: warehouse, output folder, period and role."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=ROOT / "warehouse" / "crm.duckdb",
        help="DuckDB file or Parquet folder of the marts (default warehouse/crm.duckdb)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "reports", help="output folder (default reports/)")
    parser.add_argument("--period", choices=[*PERIODS, "all"], default="all")
    parser.add_argument("--role", choices=[*ROLES, "all"], default="all")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Command line: write the role reports and print their summary; exits 2 without a warehouse."""
    args = parse_args(argv)
    if not args.warehouse.exists():
        print(
            f"error: no warehouse at {args.warehouse}: build it first (make demo / make build) "
            "or pass --warehouse warehouse/parquet",
            file=sys.stderr,
        )
        return 2
    try:
        run = build_reports(args.warehouse, args.out, periods=args.period, roles=args.role)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(run.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
