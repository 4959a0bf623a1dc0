"""Check the landing files, build the warehouse into a fresh DuckDB file, swap it in.

The serving file (default warehouse/crm.duckdb, env CRM_SERVING_PATH) is replaced only after
the landing check passed and `dbt build` succeeded (models, unit and data tests): a failed
build leaves the last good warehouse serving, untouched.

Exit codes: 0 built and published, 2 landing check failed, 3 dbt build failed.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_landing import check_landing  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXIT_LANDING, EXIT_DBT = 2, 3


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing-dir", type=Path,
                        default=Path(os.environ.get("CRM_LANDING_DIR", ROOT / "data" / "landing")))
    parser.add_argument("--serving-path", type=Path,
                        default=Path(os.environ.get("CRM_SERVING_PATH", ROOT / "warehouse" / "crm.duckdb")))
    parser.add_argument("--format", choices=["csv", "parquet"], default=os.environ.get("CRM_LANDING_FORMAT", "csv"))
    parser.add_argument("--quick-check", action="store_true", help="landing check of headers and endings only")
    parser.add_argument("--skip-check", action="store_true", help="leave the landing check to dbt alone")
    parser.add_argument("--dbt-arg", action="append", default=[], help="extra argument for dbt build")
    args = parser.parse_args(argv)

    landing_dir = args.landing_dir.resolve()
    serving = args.serving_path.resolve()
    started = time.monotonic()

    if not args.skip_check:
        problems = check_landing(landing_dir, args.format, quick=args.quick_check)
        if problems:
            for problem in problems:
                print(f"LANDING ERROR {problem}", file=sys.stderr)
            print(f"build stopped: {len(problems)} structural problem(s); serving warehouse "
                  f"{serving} left as it was", file=sys.stderr)
            return EXIT_LANDING

    build_dir = serving.parent / ".build"
    build_dir.mkdir(parents=True, exist_ok=True)
    candidate = build_dir / f"{serving.stem}.{os.getpid()}.duckdb"
    for leftover in build_dir.glob(f"{serving.stem}.*.duckdb*"):
        leftover.unlink()  # left by a killed run

    env = dict(os.environ)
    env.update({
        "CRM_DUCKDB_PATH": str(candidate),
        "CRM_LANDING_DIR": str(landing_dir),
        "CRM_LANDING_FORMAT": args.format,
        "DBT_PROFILES_DIR": str(ROOT),
    })
    cmd = [dbt_executable(), "build", "--target", "duckdb", "--target-path", "target/build", *args.dbt_arg]
    print("running:", " ".join(cmd), flush=True)
    result = subprocess.run(cmd, cwd=ROOT, env=env)
    if result.returncode != 0:
        for leftover in build_dir.glob(f"{candidate.name}*"):
            leftover.unlink()
        print(f"build failed (dbt exit {result.returncode}); serving warehouse {serving} left as it was",
              file=sys.stderr)
        return EXIT_DBT

    os.replace(candidate, serving)  # atomic on one filesystem
    print(f"published {serving} in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
