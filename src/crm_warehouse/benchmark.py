"""Scale benchmark of the warehouse build on DuckDB (prints figures; not a test).

Generates a landing scale once (kept for later runs), then measures:
  1. the read floor: DuckDB reading every landing file once;
  2. a full build (seeds + models) into a fresh DuckDB file: wall time, peak memory, rows;
  3. an incremental build after the generator's next-day delta export;
and prints them with the ratios the targets are stated in (full ≤ 5 min, peak ≤ 6 GiB,
incremental ≤ 0.10 × full, full ≤ 8 × read floor), plus the slowest models. The figures go to
<workdir>/benchmark_<scale>.json with at least the keys read_floor_s, full_build_s,
incremental_build_s and peak_memory_gib (other tools read them).

Usage: crmwh benchmark [--scale small|large] [--seed 42] [--workdir warehouse/benchmark]
       [--with-tests]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from crm_warehouse.crmgen.config import SCALES
from crm_warehouse.project import ROOT

BIN = Path(sys.executable).parent
from crm_warehouse.landing_contract import load_contract  # noqa: E402

GIB = 1024**3


def log(msg: str) -> None:
    """Print a timestamped progress line."""
    print(f"[benchmark {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def timed_child(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, float]:
    """Run a command; return (wall seconds, exit code, peak RSS of the child in GiB)."""
    wrapper = [
        sys.executable,
        "-c",
        (
            "import resource, subprocess, sys, json;"
            "r = subprocess.run(sys.argv[1:]);"
            "print(json.dumps({'rc': r.returncode, 'maxrss_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}),"
            " file=sys.stderr)"
        ),
        *cmd,
    ]
    start = time.monotonic()
    proc = subprocess.run(wrapper, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.monotonic() - start
    stats = json.loads(proc.stderr.strip().splitlines()[-1])
    if stats["rc"] != 0:
        sys.stdout.write(proc.stdout[-5000:])
    return wall, stats["rc"], stats["maxrss_kb"] * 1024 / GIB


def read_floor(landing: Path) -> tuple[float, dict[str, int]]:
    """Seconds DuckDB takes to read every landing CSV once, and the row count per entity."""
    import duckdb

    con = duckdb.connect()
    con.sql("set threads = 2")
    rows: dict[str, int] = {}
    start = time.monotonic()
    for entity in load_contract():
        files = sorted(str(p) for p in (landing / entity).glob("*.csv"))
        rows[entity] = con.sql(
            f"select count(*) from read_csv({files!r}, header = true, all_varchar = true, union_by_name = true)"
        ).fetchall()[0][0]
    return time.monotonic() - start, rows


def model_rows(db: Path) -> dict[str, int]:
    """The row count of every base table of the warehouse (the reference schema left out)."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.sql(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and table_schema not in ('reference') order by 1, 2"
        ).fetchall()
        return {f"{s}.{t}": con.sql(f'select count(*) from "{s}"."{t}"').fetchall()[0][0] for s, t in tables}


def slowest(target: Path, n: int = 12) -> list[tuple[str, float]]:
    """The ``n`` slowest nodes of a dbt run (name, seconds) from its run_results.json."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    timed = [(r["unique_id"].split(".")[-1], r["execution_time"]) for r in results]
    return sorted(timed, key=lambda x: -x[1])[:n]


def main(argv: list[str] | None = None) -> int:
    """Command line: generate the scale once, time the read floor, a full and an incremental build,
    print the figures against the targets and write them to benchmark_<scale>.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale",
        default="large",
        choices=sorted(SCALES),
        help="the generator scale (small or large; default large)",
    )
    parser.add_argument("--seed", default="42")
    parser.add_argument("--workdir", type=Path, default=ROOT / "warehouse" / "benchmark")
    parser.add_argument("--with-tests", action="store_true", help="also time a dbt build with all tests")
    args = parser.parse_args(argv)

    work = args.workdir.resolve()
    landing = work / f"landing_{args.scale}_{args.seed}"
    fresh = work / f"landing_{args.scale}_{args.seed}.run"
    work.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {"scale": args.scale, "seed": args.seed}

    if not (landing / "_manifest" / "manifest.json").exists():
        log(f"generating the {args.scale} scale into {landing} (once)")
        wall, rc, _ = timed_child(
            [
                str(BIN / "python"),
                "-m",
                "crm_warehouse",
                "generate",
                "--scale",
                args.scale,
                "--seed",
                args.seed,
                "--out",
                str(landing),
            ]
        )
        if rc:
            return rc
        figures["generate_seconds"] = round(wall, 1)
    # every run starts from the full export, so the delta step is repeatable
    if fresh.exists():
        shutil.rmtree(fresh)
    shutil.copytree(landing, fresh)

    log("read floor: DuckDB reads every landing file once")
    floor, landing_rows = read_floor(fresh)
    figures["read_floor_s"] = round(floor, 1)
    figures["landing_rows"] = landing_rows
    log(f"read floor {floor:.1f} s for {sum(landing_rows.values()):,} rows")

    db = work / "bench.duckdb"
    for stale in work.glob("bench.duckdb*"):
        stale.unlink()
    env = dict(os.environ, DBT_PROFILES_DIR=str(ROOT), CRM_LANDING_DIR=str(fresh), CRM_DUCKDB_PATH=str(db))
    env.setdefault("DBT_ENV_SECRET_CRM_PII_SALT", "benchmark-not-secret")  # a fixed, non-secret salt
    dbt = [
        str(BIN / "dbt"),
        "build",
        "--target",
        "duckdb",
        "--resource-type",
        "seed",
        "--resource-type",
        "model",
    ]

    log("full build (seeds + models) into a fresh file")
    target_full = work / "target_full"
    wall, rc, peak = timed_child([*dbt, "--target-path", str(target_full)], env)
    if rc:
        return rc
    figures.update(full_build_s=round(wall, 1), full_build_peak_gib=round(peak, 2))
    figures["full_build_slowest_models"] = slowest(target_full)
    figures["model_rows"] = model_rows(db)
    log(f"full build {wall:.1f} s, peak {peak:.2f} GiB")

    log("next day's delta export")
    subprocess.run(
        [
            str(BIN / "python"),
            "-m",
            "crm_warehouse",
            "generate",
            "--scale",
            args.scale,
            "--seed",
            args.seed,
            "--out",
            str(fresh),
            "--delta",
            "--quiet",
        ],
        cwd=ROOT,
        check=True,
    )
    log("incremental build after the delta")
    target_inc = work / "target_incremental"
    wall, rc, peak_inc = timed_child([*dbt, "--target-path", str(target_inc)], env)
    if rc:
        return rc
    figures.update(incremental_build_s=round(wall, 1), incremental_peak_gib=round(peak_inc, 2))
    figures["peak_memory_gib"] = max(figures["full_build_peak_gib"], figures["incremental_peak_gib"])
    figures["incremental_slowest_models"] = slowest(target_inc)

    if args.with_tests:
        log("full dbt build with every test (on the incremental warehouse)")
        wall, rc, _ = timed_child(
            [str(BIN / "dbt"), "build", "--target", "duckdb", "--target-path", str(work / "target_tests")],
            env,
        )
        figures.update(build_with_tests_s=round(wall, 1), build_with_tests_exit=rc)

    full, inc = figures["full_build_s"], figures["incremental_build_s"]
    figures["incremental_over_full"] = round(inc / full, 3)
    figures["full_over_read_floor"] = round(full / floor, 2)
    checks = [
        ("full build ≤ 300 s", full, full <= 300),
        ("peak memory ≤ 6 GiB", figures["peak_memory_gib"], figures["peak_memory_gib"] <= 6),
        ("incremental ≤ 0.10 × full", figures["incremental_over_full"], inc <= full / 10),
        ("full ≤ 8 × read floor", figures["full_over_read_floor"], full <= 8 * floor),
    ]
    figures["targets"] = [{"target": t, "value": v, "met": ok} for t, v, ok in checks]
    (work / f"benchmark_{args.scale}.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False))

    print()
    print(f"scale {args.scale} (seed {args.seed}); landing rows {sum(landing_rows.values()):,}")
    print(f"  read floor            {floor:8.1f} s")
    print(f"  full build            {full:8.1f} s   peak {figures['full_build_peak_gib']:.2f} GiB")
    print(f"  incremental (1 day)   {inc:8.1f} s   peak {figures['incremental_peak_gib']:.2f} GiB")
    for t, v, ok in checks:
        print(f"  {'MET ' if ok else 'MISS'} {t:28s} {v}")
    print("  slowest models (full build):")
    for name, secs in figures["full_build_slowest_models"]:
        print(f"    {name:45s} {secs:7.1f} s")
    print("  slowest models (incremental):")
    for name, secs in figures["incremental_slowest_models"]:
        print(f"    {name:45s} {secs:7.1f} s")
    print(f"figures written to {work / f'benchmark_{args.scale}.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
