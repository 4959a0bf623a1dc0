"""Helpers of the nightly-refresh tests (test_refresh*.py): run the refresh in a tmp folder,
read its log, its warehouse and its Parquet copies."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
from crm_warehouse import refresh  # noqa: E402,F401  (re-exported for the refresh tests)

MINIMAL = ROOT / "tests" / "python" / "data" / "landing_minimal"
SCRIPT = ["-m", "crm_warehouse", "refresh"]
# The refresh tests check the refresh itself (locks, faults, publish, history); the Great
# Expectations gate, source freshness and dbt's data tests run in `golden`, the full default run.
FAST = ["--gate", "basic", "--no-freshness", "--dbt-arg=--exclude-resource-type=test"]


def env() -> dict[str, str]:
    e = {
        k: v for k, v in os.environ.items() if not k.startswith(("CRM_", "DBT_"))
    }  # nothing from the caller's own warehouse
    e.update({"CRM_PII_SALT": "test-salt-not-secret", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"})
    return e


def run_refresh(
    serving: Path, landing: Path | None, *args: str, timeout: float = 600
) -> subprocess.CompletedProcess:
    cmd = [sys.executable, *SCRIPT, *args, "--serving-path", str(serving)]
    if landing is not None:
        cmd += ["--landing-dir", str(landing)]
    return subprocess.run(cmd, cwd=ROOT, env=env(), capture_output=True, text=True, timeout=timeout)


def start_refresh(serving: Path, landing: Path, *args: str) -> subprocess.Popen:
    cmd = [sys.executable, *SCRIPT, *args, "--serving-path", str(serving), "--landing-dir", str(landing)]
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def log_records(serving: Path) -> list[dict]:
    path = serving.parent / "logs" / "refresh.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def last_end(serving: Path) -> dict:
    return [r for r in log_records(serving) if r["event"] == "end"][-1]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def scalar(db: Path, sql: str):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def parquet_rows(path: Path) -> int:
    con = duckdb.connect()
    try:
        return con.execute(f"select count(*) from read_parquet('{path}')").fetchone()[0]
    finally:
        con.close()


def landing_copy(tmp_path: Path, name: str = "landing") -> Path:
    target = tmp_path / name
    shutil.copytree(MINIMAL, target)
    return target


def leftovers(wh: Path) -> list[str]:
    """Files a refresh must not leave behind once it ended (build file, temp names, lock)."""
    found = [p for p in wh.rglob("*") if p.name.endswith((".tmp", ".wal"))]
    found += [p for p in (wh / ".build").glob("crm.duckdb*")]
    found += [p for p in wh.glob("*.refresh.lock")]
    return [str(p) for p in found]


def _orphans(wh: Path) -> list[int]:
    """Processes still running with this warehouse in their command line (e.g. a dbt child)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if str(wh).encode() in (proc / "cmdline").read_bytes():
                    found.append(int(proc.name))
            except OSError:
                continue
    return found


def parquet_complete(wh: Path, checksums: dict) -> bool:
    """The Parquet copies behind the symlink are one complete set, with the serving row counts."""
    for name, (rows, _) in checksums.items():
        schema, table = name.split(".")
        if parquet_rows(wh / "parquet" / schema / f"{table}.parquet") != rows:
            return False
    return True


def wait_for_step(serving: Path, proc: subprocess.Popen, step: str, timeout: float = 600) -> None:
    log = serving.parent / "logs" / "refresh.jsonl"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if (
            log.exists()
            and f'"name": "{step}"' in log.read_text(encoding="utf-8").split('"event": "start"')[-1]
        ):
            return
        time.sleep(0.005)


def _write_lock(serving: Path, pid: int, started: float) -> Path:
    lock = serving.parent / f".{serving.stem}.refresh.lock"
    lock.write_text(
        json.dumps(
            {
                "pid": pid,
                "host": os.uname().nodename,
                "started_epoch": started,
                "started_at": time.ctime(started),
            }
        )
    )
    return lock
