"""Generate deterministic synthetic CRM landing exports (see docs/generator.md).

Usage:
  crmwh generate --scale {demo,small,large} --seed 42 --out data/landing
         [--format csv|parquet] [--end-date YYYY-MM-DD] [--defect-multiplier 1.0]
         [--defect-rate RULE=RATE ...] [--delta] [--quiet]
         [--shape native|salesforce|hubspot|cn_crm_excel]

--shape renders the same world as that CRM exports it (src/crm_warehouse/crmgen/shapes.py), for the
source mappings in mappings/ to read back; native (default) writes the landing contract.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from crm_warehouse.crmgen.config import SCALES  # noqa: E402
from crm_warehouse.crmgen.generate import generate, generate_delta  # noqa: E402
from crm_warehouse.crmgen.shapes import SHAPES, render_shape  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Command line: write the full landing export, the next day's delta, or a CRM's own export shape."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", choices=sorted(SCALES), default="demo")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", default="data/landing")
    ap.add_argument(
        "--format",
        choices=["csv", "parquet"],
        default=None,
        help="csv (default) or parquet; a delta keeps the format of the existing exports",
    )
    ap.add_argument(
        "--end-date", default=None, help="the data's 'today' (default fixed per scale: 2026-11-25)"
    )
    ap.add_argument(
        "--defect-multiplier", type=float, default=1.0, help="scales every defect rate; 0 = clean data"
    )
    ap.add_argument(
        "--defect-rate",
        action="append",
        default=[],
        metavar="RULE=RATE",
        help="override one default rate (keys in crmgen.config.DEFAULT_DEFECT_RATES)",
    )
    ap.add_argument("--delta", action="store_true", help="write only the next day's delta export")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument(
        "--shape",
        choices=("native",) + SHAPES,
        default="native",
        help="native: the landing contract; else the named CRM's own export shape",
    )
    a = ap.parse_args(argv)
    if a.shape != "native":
        if a.delta or a.format == "parquet":
            ap.error("--shape renders a full csv export: it takes neither --delta nor --format parquet")
        Path(a.out).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=Path(a.out).parent) as tmp:
            code = main(_native_args(a, tmp))
            if code == 0:
                render_shape(Path(tmp), Path(a.out), a.shape)
            shutil.rmtree(tmp, ignore_errors=True)
        return code
    try:
        if a.delta:
            generate_delta(a.out, scale=a.scale, seed=a.seed, fmt=a.format, quiet=a.quiet)
        else:
            overrides = {}
            for item in a.defect_rate:
                k, _, v = item.partition("=")
                overrides[k.strip()] = float(v)
            generate(
                a.out,
                scale=a.scale,
                seed=a.seed,
                fmt=a.format or "csv",
                end_date=a.end_date,
                defect_multiplier=a.defect_multiplier,
                rate_overrides=overrides,
                quiet=a.quiet,
            )
    except (ValueError, FileNotFoundError, FileExistsError) as exc:
        print(f"generate_landing: error: {exc}", file=sys.stderr)
        return 2
    return 0


def _native_args(a, out: str) -> list[str]:
    args = [
        "--scale",
        a.scale,
        "--seed",
        str(a.seed),
        "--out",
        out,
        "--defect-multiplier",
        str(a.defect_multiplier),
        "--quiet",
    ]
    if a.end_date:
        args += ["--end-date", a.end_date]
    for item in a.defect_rate:
        args += ["--defect-rate", item]
    return args


if __name__ == "__main__":
    sys.exit(main())
