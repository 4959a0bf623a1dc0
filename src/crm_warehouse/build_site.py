"""Build the static dashboard site from the serving marts.

Usage: crmwh site [--warehouse warehouse/crm.duckdb | warehouse/parquet]
           [--out site] [--no-reports] [--dbt-docs] [--bundles [--bundles-out site-bundles]]

The site opens from disk (site/index.html) with no network; the daily, weekly and monthly role
reports are written under site/reports/<as_of>/ and linked from the pages (--no-reports skips
them). --dbt-docs also writes the static dbt docs site to site/dbt-docs/index.html, linked from
the index and from each indicator of the indicator tree. The new site replaces the old one only
once it is complete. --bundles also writes one folder per person under --bundles-out with only what
their role may see (docs/delivery.md). Exit codes: 0 built; 2 no warehouse or chart library, or a
refused CRM link template (CRM_LINK_TEMPLATE_*); 1 unexpected error.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from crm_warehouse.dashboards.bundles import build_bundles  # noqa: E402
from crm_warehouse.dashboards.crm_links import CrmLinkError  # noqa: E402
from crm_warehouse.dashboards.site import build_site  # noqa: E402
from crm_warehouse.project import ROOT


def main(argv: list[str] | None = None) -> int:
    """Command line: build the site (with the reports, dbt docs and bundles as asked) and print what it wrote."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=ROOT / "warehouse" / "crm.duckdb",
        help="serving DuckDB file, or the Parquet folder of the marts",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "site")
    parser.add_argument(
        "--no-reports",
        action="store_true",
        help="build the pages only, without the daily/weekly/monthly reports",
    )
    parser.add_argument(
        "--bundles",
        action="store_true",
        help="also write one bundle per person (rep, team lead, director) under --bundles-out",
    )
    parser.add_argument("--bundles-out", type=Path, default=ROOT / "site-bundles")
    parser.add_argument(
        "--dbt-docs",
        action="store_true",
        help="also write the static dbt docs site into dbt-docs/ and link it (DuckDB warehouse only)",
    )
    args = parser.parse_args(argv)
    if args.bundles and args.no_reports:
        parser.error("--bundles needs the reports: drop --no-reports")
    started = time.monotonic()
    try:
        run = build_site(
            args.warehouse, args.out, with_reports=not args.no_reports, with_dbt_docs=args.dbt_docs
        )
    except (FileNotFoundError, CrmLinkError) as exc:
        print(f"build_site: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:
        print(f"build_site: {exc}", file=sys.stderr)
        return 1
    print(
        f"site: {len(run.pages)} pages for {run.as_of} in {args.out} "
        f"({time.monotonic() - started:.1f} s); open {args.out / 'index.html'}"
    )
    if args.bundles:
        bundles = build_bundles(args.warehouse, args.out, args.bundles_out)
        print(
            f"bundles: {len(bundles.people)} people in {args.bundles_out} "
            f"(folder per person; map users to folders with {args.bundles_out / 'people.csv'})"
        )
    if run.reports is not None:
        print(
            f"reports: {len(run.reports.reports)} daily/weekly/monthly reports in "
            f"{args.out / 'reports' / run.as_of.isoformat()}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
