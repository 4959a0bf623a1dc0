"""Bad landing input stops the build with a message naming the file and column, and the
serving warehouse is never replaced by a half-built one (crmwh build and the
dbt landing hook)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from warehouse_helpers import MINIMAL_LANDING, ROOT, copy_landing, dbt_env, run_dbt

BUILD = ["-m", "crm_warehouse", "build"]
GOOD_BYTES = b"last good warehouse (stand-in bytes)"


def build(landing: Path, serving: Path, *extra: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, *BUILD, "--landing-dir", str(landing), "--serving-path", str(serving), *extra]
    return subprocess.run(
        cmd, cwd=ROOT, env=dbt_env(landing, serving), capture_output=True, text=True, check=False
    )


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


def test_production_build_without_a_salt_is_refused(tmp_path: Path, serving: Path) -> None:
    landing = copy_landing(MINIMAL_LANDING, tmp_path / "landing")
    env = dbt_env(landing, serving, CRM_PII_SALT="", DBT_ENV_SECRET_CRM_PII_SALT="")
    cmd = [sys.executable, *BUILD, "--landing-dir", str(landing), "--serving-path", str(serving)]
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 4, result.stderr
    assert "CRM_PII_SALT is not set" in result.stderr and "盐值" in result.stderr
    assert_untouched(serving)
    # a salt that could break out of the SQL string it is substituted into on Spark
    env["CRM_PII_SALT"] = "abc'); drop table x; --"
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 4 and "may hold only" in result.stderr
    assert "drop table" not in result.stderr  # the message never echoes the salt
    assert_untouched(serving)


@pytest.mark.parametrize(
    "as_of", ["2026-02-30", "2026/10/31", "2026-10-31'); --", "31.10.2026", "2999-01-31"]
)
def test_bad_or_future_as_of_date_is_refused(tmp_path: Path, serving: Path, as_of: str) -> None:
    landing = copy_landing(MINIMAL_LANDING, tmp_path / "landing")
    result = build(landing, serving, f"--as-of-date={as_of}")
    assert result.returncode == 4, result.stderr
    assert "as-of date" in result.stderr and "报告日期" in result.stderr
    assert_untouched(serving)


def test_dbt_refuses_a_malformed_as_of_var(tmp_path: Path) -> None:
    """dbt run without the scripts: the var is checked before any SQL is written."""
    landing = copy_landing(MINIMAL_LANDING, tmp_path / "landing")
    result = run_dbt(
        ["compile", "-s", "int_as_of_date", "--vars", '{"as_of_date": "2026-10-31\u0027); --"}'],
        landing,
        tmp_path / "x.duckdb",
        tmp_path / "target",
    )
    assert result.returncode != 0
    assert "var as_of_date must be a date written YYYY-MM-DD" in result.stdout + result.stderr


def test_salted_build_publishes_serving_schemas_only_and_leaks_no_salt(tmp_path: Path, serving: Path) -> None:
    """The production path with a random salt and a month-end as-of date: published atomically,
    no unit test run, hashes salted, the salt in no file the build wrote, the raw audit layer
    (clear phones and emails) only in the private build file."""
    landing = copy_landing(MINIMAL_LANDING, tmp_path / "landing")
    salt = secrets.token_hex(16)
    before = hashlib.sha256(serving.read_bytes()).hexdigest()
    env = dbt_env(landing, serving, CRM_PII_SALT=salt, CRM_AS_OF_DATE="2025-06-30")
    del env["DBT_ENV_SECRET_CRM_PII_SALT"]  # as an operator sets it: CRM_PII_SALT only
    cmd = [
        sys.executable,
        *BUILD,
        "--landing-dir",
        str(landing),
        "--serving-path",
        str(serving),
        "--dbt-arg=--select",
        "--dbt-arg=+stg_crm__users +dim_contacts +int_as_of_date",
        "--dbt-arg=--indirect-selection=cautious",
    ]
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert hashlib.sha256(serving.read_bytes()).hexdigest() != before
    import duckdb

    private = serving.parent / "private" / serving.name
    assert private.stat().st_mode & 0o777 == 0o600 and private.parent.stat().st_mode & 0o777 == 0o700
    with duckdb.connect(str(serving), read_only=True) as con:
        schemas = {r[0] for r in con.sql("select distinct schema_name from duckdb_tables()").fetchall()}
        assert schemas == {"core"}, schemas  # what the selection built: no staging, no intermediate
        contact = con.execute(
            "select phone_hash, email_hash from core.dim_contacts where contact_id = 'C0000001'"
        ).fetchall()[0]
        assert "phone_masked" not in [c[0] for c in con.sql("describe core.dim_contacts").fetchall()]
    # the fixture's first contact: phone 13812345678, email wangfang@example.cn
    assert contact == (
        hashlib.sha256((salt + "13812345678").encode()).hexdigest(),
        hashlib.sha256((salt + "wangfang@example.cn").encode()).hexdigest(),
    )
    with duckdb.connect(str(private), read_only=True) as con:
        assert con.sql("select count(*) from staging.stg_crm__users").fetchall() == [(2,)]
        assert con.sql("select as_of_date from intermediate.int_as_of_date").fetchall() == [
            (dt.date(2025, 6, 30),)
        ]
    assert b"13812345678" not in serving.read_bytes() and b"wangfang@example.cn" not in serving.read_bytes()
    assert not list(serving.parent.rglob("*.wal"))
    results = json.loads((serving.parent / ".build" / "dbt" / "run_results.json").read_text())
    kinds = {r["unique_id"].split(".")[0] for r in results["results"]}
    assert "model" in kinds and "unit_test" not in kinds, kinds
    # no artefact holds the salt: dbt's target and logs, the refresh log, the warehouse files
    written = [p for p in serving.parent.rglob("*") if p.is_file()]
    assert any(p.name == "manifest.json" for p in written) and any(p.name == "dbt.log" for p in written)
    leaks = [str(p) for p in written if salt.encode() in p.read_bytes()]
    assert leaks == []
    # the previous file was not a warehouse: its issue/alert history could not be carried, said so
    log = [json.loads(line) for line in (serving.parent / "logs" / "refresh.jsonl").read_text().splitlines()]
    assert any(r["event"] == "warning" and "history not carried" in r["message"] for r in log)
