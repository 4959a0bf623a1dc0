"""Bad landing input stops the build with a message naming the file and column, and the
serving warehouse is never replaced by a half-built one (scripts/build_warehouse.py and the
dbt landing hook)."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from warehouse_helpers import MINIMAL_LANDING, ROOT, copy_landing, dbt_env, run_dbt

BUILD = ROOT / "scripts" / "build_warehouse.py"
GOOD_BYTES = b"last good warehouse (stand-in bytes)"


def build(landing: Path, serving: Path, *extra: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(BUILD), "--landing-dir", str(landing), "--serving-path", str(serving), *extra]
    return subprocess.run(cmd, cwd=ROOT, env=dbt_env(landing, serving), capture_output=True, text=True,
                          check=False)


@pytest.fixture()
def serving(tmp_path: Path) -> Path:
    path = tmp_path / "serve" / "crm.duckdb"
    path.parent.mkdir()
    path.write_bytes(GOOD_BYTES)
    return path


def assert_untouched(serving: Path) -> None:
    assert serving.read_bytes() == GOOD_BYTES, "the serving warehouse was replaced by a failed build"
    leftovers = sorted(serving.parent.rglob("*.duckdb*"))
    assert leftovers == [serving], f"half-built warehouse files left behind: {leftovers}"


def test_missing_landing_folder_stops_build(tmp_path: Path, serving: Path) -> None:
    missing = tmp_path / "nowhere"
    result = build(missing, serving)
    assert result.returncode == 2
    assert str(missing) in result.stderr and "does not exist" in result.stderr
    assert_untouched(serving)


def test_missing_entity_folder_stops_build(tmp_path: Path, serving: Path) -> None:
    landing = copy_landing(MINIMAL_LANDING, tmp_path / "landing")
    shutil.rmtree(landing / "contracts")
    result = build(landing, serving)
    assert result.returncode == 2
    assert "contracts" in result.stderr and "missing" in result.stderr
    assert_untouched(serving)


def test_missing_required_column_names_file_and_column(tmp_path: Path, serving: Path) -> None:
    landing = copy_landing(MINIMAL_LANDING, tmp_path / "landing")
    path = landing / "opportunities" / "2025-06-01_full.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    drop = header.index("expected_close_date")
    rows = [",".join(v for i, v in enumerate(line.split(",")) if i != drop) for line in lines]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = build(landing, serving)
    assert result.returncode == 2
    assert str(path) in result.stderr and "'expected_close_date'" in result.stderr
    assert_untouched(serving)


def test_truncated_file_names_file_and_row(tmp_path: Path, serving: Path) -> None:
    landing = copy_landing(MINIMAL_LANDING, tmp_path / "landing")
    path = landing / "activities" / "2025-06-01_full.csv"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])  # cut inside the last row
    result = build(landing, serving)
    assert result.returncode == 2
    assert str(path) in result.stderr
    assert "row 2" in result.stderr or "truncated" in result.stderr
    assert_untouched(serving)


def test_dbt_hook_alone_names_file_and_column(tmp_path: Path) -> None:
    """An analyst running `dbt build` without the script gets the same clear stop."""
    landing = copy_landing(MINIMAL_LANDING, tmp_path / "landing")
    path = landing / "users" / "2025-06-01_full.csv"
    text = path.read_text(encoding="utf-8").replace("role,", "job_role,", 1)
    path.write_text(text, encoding="utf-8")
    result = run_dbt(["run", "-s", "base_crm__users"], landing, tmp_path / "x.duckdb", tmp_path / "target")
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "users/2025-06-01_full.csv" in out and "role" in out and "lacks required column" in out


def test_good_build_is_published_atomically(tmp_path: Path, serving: Path) -> None:
    landing = copy_landing(MINIMAL_LANDING, tmp_path / "landing")
    before = hashlib.sha256(serving.read_bytes()).hexdigest()
    result = build(landing, serving, "--dbt-arg=--select", "--dbt-arg=+stg_crm__users",
                   "--dbt-arg=--indirect-selection=cautious")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert hashlib.sha256(serving.read_bytes()).hexdigest() != before
    import duckdb

    with duckdb.connect(str(serving), read_only=True) as con:
        assert con.sql("select count(*) from staging.stg_crm__users").fetchall() == [(2,)]
    assert sorted(p for p in serving.parent.rglob("*.duckdb*") if "history" not in p.parts) == [serving]
    # the previous file was not a warehouse: its issue/alert history could not be carried, said so
    log = [json.loads(line) for line in (serving.parent / "logs" / "refresh.jsonl").read_text().splitlines()]
    assert any(r["event"] == "warning" and "history not carried" in r["message"] for r in log)
