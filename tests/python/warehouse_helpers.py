"""Helpers for tests that build the warehouse with dbt in a scratch location."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MINIMAL_LANDING = ROOT / "tests" / "python" / "data" / "landing_minimal"
TEST_SALT = "test-salt-not-secret"


def dbt_env(landing_dir: Path, duckdb_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DBT_PROFILES_DIR": str(ROOT),
            "CRM_LANDING_DIR": str(landing_dir),
            "CRM_DUCKDB_PATH": str(duckdb_path),
            # a fixed salt that is not secret (production sets its own; builds without one are refused)
            "CRM_PII_SALT": TEST_SALT,
            "DBT_ENV_SECRET_CRM_PII_SALT": TEST_SALT,
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
    )
    env.update(extra)
    return env


def run_dbt(
    args: list[str], landing_dir: Path, duckdb_path: Path, target_path: Path, **extra: str
) -> subprocess.CompletedProcess:
    """Run dbt in the project with its own database and target folder; never raises."""
    cmd = [str(BIN / "dbt"), *args, "--target", "duckdb", "--target-path", str(target_path)]
    return subprocess.run(
        cmd,
        cwd=ROOT,
        env=dbt_env(landing_dir, duckdb_path, **extra),
        capture_output=True,
        text=True,
        check=False,
    )


def generate_demo(out: Path, *extra: str) -> None:
    cmd = [
        sys.executable,
        "-m",
        "crm_warehouse",
        "generate",
        "--scale",
        "demo",
        "--seed",
        "42",
        "--out",
        str(out),
        "--quiet",
        *extra,
    ]
    subprocess.run(cmd, check=True, capture_output=True, text=True)


def copy_landing(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst
