"""Check the landing files, build the warehouse into a fresh DuckDB file, swap it in.

The serving file (default warehouse/crm.duckdb, env CRM_SERVING_PATH) is replaced only after
the landing check passed and `dbt build` succeeded (models and data tests; a production build
runs no unit tests): a failed build leaves the last good warehouse serving, untouched. The
serving file holds only the serving schemas; the full build with the raw audit layer stays in
warehouse/private/ (mode 0600). CRM_PII_SALT must be set; CRM_AS_OF_DATE or --as-of-date
fixes the as-of date. This is a full build from an empty
file, done by the nightly refresh code (crmwh refresh: lock, atomic swap, Parquet copies,
history and run log); use `crmwh refresh` for incremental nightly runs. With
CRM_SOURCE_MAPPING and CRM_SOURCE_DIR set, a CRM's own exports are first adapted into the
landing folder by that mapping (docs/adapt.md); a refused adaptation is a failed landing check.

Exit codes: 0 built and published, 2 landing check failed, 3 dbt build failed (or the build
could not be published: locked by a running refresh, a writer on the serving file, swap failed;
the message says which), 4 settings refused (no CRM_PII_SALT, a bad as-of date).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from crm_warehouse import refresh  # noqa: E402

ROOT = refresh.ROOT
EXIT_LANDING, EXIT_DBT, EXIT_SETTINGS = 2, 3, 4


def main(argv: list[str] | None = None) -> int:
    """Command line: a full build through the refresh code; returns 0, or the landing, dbt or settings exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--landing-dir", type=Path, default=Path(os.environ.get("CRM_LANDING_DIR", ROOT / "data" / "landing"))
    )
    parser.add_argument(
        "--serving-path",
        type=Path,
        default=Path(os.environ.get("CRM_SERVING_PATH", ROOT / "warehouse" / "crm.duckdb")),
    )
    parser.add_argument(
        "--format", choices=["csv", "parquet"], default=os.environ.get("CRM_LANDING_FORMAT", "csv")
    )
    parser.add_argument(
        "--quick-check", action="store_true", help="landing check of headers and endings only"
    )
    parser.add_argument("--skip-check", action="store_true", help="leave the landing check to dbt alone")
    parser.add_argument("--dbt-arg", action="append", default=[], help="extra argument for dbt build")
    parser.add_argument(
        "--as-of-date",
        default=os.environ.get("CRM_AS_OF_DATE"),
        help="YYYY-MM-DD as-of date (default env CRM_AS_OF_DATE, else the data's last date)",
    )
    args = parser.parse_args(argv)

    gate = "none" if args.skip_check else ("basic-quick" if args.quick_check else "basic")
    code = refresh.main(
        [
            "run",
            "--full-refresh",
            "--no-freshness",
            "--verbose",
            "--landing-dir",
            str(args.landing_dir),
            "--serving-path",
            str(args.serving_path),
            "--format",
            args.format,
            "--gate",
            gate,
            *(["--as-of-date", args.as_of_date] if args.as_of_date else []),
            *[f"--dbt-arg={arg}" for arg in args.dbt_arg],
        ]
    )
    if code == refresh.EXIT_OK:
        return 0
    if code == refresh.EXIT_USAGE:
        return EXIT_SETTINGS
    return EXIT_LANDING if code == refresh.EXIT_GATE else EXIT_DBT


if __name__ == "__main__":
    sys.exit(main())
