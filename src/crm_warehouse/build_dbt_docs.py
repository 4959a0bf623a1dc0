"""Write the dbt docs site as one self-contained HTML file (dbt docs generate --static).

Usage: crmwh docs [--warehouse warehouse/crm.duckdb] [--out site/dbt-docs/index.html]

`make docs` runs it; `make demo` and `make site` write the same page into the site
(crmwh site --dbt-docs). See src/crm_warehouse/dashboards/dbt_docs.py. Exit codes: 0 written; 2 no
warehouse; 1 dbt failed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from crm_warehouse.dashboards.dbt_docs import build_dbt_docs  # noqa: E402
from crm_warehouse.project import ROOT


def main(argv: list[str] | None = None) -> int:
    """Command line: write the static dbt docs site; exits 2 without a warehouse, 1 when dbt fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=ROOT / "warehouse" / "crm.duckdb")
    parser.add_argument("--out", type=Path, default=ROOT / "site" / "dbt-docs" / "index.html")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        out = build_dbt_docs(args.warehouse, args.out)
    except FileNotFoundError as exc:
        print(f"build_dbt_docs: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:
        print(f"build_dbt_docs: {exc}", file=sys.stderr)
        return 1
    print(f"dbt docs: {out} ({time.monotonic() - started:.1f} s); opens from disk")
    return 0


if __name__ == "__main__":
    sys.exit(main())
