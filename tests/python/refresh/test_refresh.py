"""Tests of the nightly refresh (crmwh refresh): publish, gate and dbt faults, exit codes,
archive, lock, rollback, a writer on the serving file, production settings. Every test works in
its own tmp folder (serving file, lock, log, history, Parquet copies all derive from
--serving-path), never in the repository's warehouse/.

Most tests start from one full build of the minimal landing fixture (the session fixture
`golden` in conftest.py, shared with test_refresh_recovery.py, copied per test by `warehouse`);
the demo-scale delta is in test_incremental.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
import time

import duckdb
import pytest

from refresh_helpers import (
    FAST,
    ROOT,
    SCRIPT,
    _write_lock,
    env,
    landing_copy,
    last_end,
    leftovers,
    log_records,
    parquet_rows,
    refresh,
    run_refresh,
    scalar,
    sha256,
)


def test_clean_refresh_publishes_parquet_and_log(golden):
    proc, serving = golden["proc"], golden["serving"]
    assert proc.returncode == 0, proc.stderr
    # not a terminal: plain step and progress lines (test_progress.py), no terminal control
    assert "  gate " in proc.stdout and "\r" not in proc.stdout and "\x1b" not in proc.stdout
    wh = serving.parent
    # the serving file opens read-only and holds the marts
    assert golden["checksums"], "no mart tables published"
    assert "core.fct_leads" in golden["checksums"]
    # a Parquet copy per mart table (views skipped), same row counts, behind an atomic symlink
    assert (wh / "parquet").is_symlink()
    con = duckdb.connect(str(serving), read_only=True)
    tables = refresh.base_tables(con, refresh.MART_SCHEMAS)
    views = con.execute(
        "select count(*) from information_schema.tables where table_type = 'VIEW' "
        "and table_schema in ('core', 'marts', 'data_quality')"
    ).fetchone()[0]
    con.close()
    files = sorted(str(p.relative_to(wh / "parquet")) for p in (wh / "parquet").rglob("*.parquet"))
    assert files == sorted(f"{s}/{t}.parquet" for s, t in tables)
    assert len(files) == len(tables) >= 1 and views >= 0
    for schema, table in tables:
        n = parquet_rows(wh / "parquet" / schema / f"{table}.parquet")
        assert n == golden["checksums"][f"{schema}.{table}"][0]
    # run log: start, one line per step with duration, end with counts and outcome
    records = log_records(serving)
    assert [r["event"] for r in records][0] == "start"
    steps = [r["name"] for r in records if r["event"] == "step"]
    assert steps[:4] == ["lock", "settings", "cleanup", "gate"]
    assert {"freshness", "build", "inspect", "serve", "parquet", "swap", "history"} <= set(steps)
    assert all(isinstance(r["duration_s"], float) for r in records if r["event"] == "step")
    gate = next(r for r in records if r["event"] == "step" and r["name"] == "gate")
    assert gate["gate"] in ("gx", "basic") and gate["gate_exit_code"] == 0
    fresh = next(r for r in records if r["event"] == "step" and r["name"] == "freshness")
    assert fresh["freshness"]["counts"]  # recorded, warn only
    end = records[-1]
    assert end["event"] == "end" and end["outcome"] == "ok" and end["exit_code"] == 0
    assert end["mode"] == "full" and end["published"] is True
    assert end["tests"]["test"].get("pass", 0) > 0 and "fail" not in end["tests"]["test"]
    assert "unit_test" not in end["tests"]  # a production build runs no unit tests
    # the serving file holds the serving schemas only; the raw audit layer stays private
    con = duckdb.connect(str(serving), read_only=True)
    schemas = {r[0] for r in con.execute("select distinct schema_name from duckdb_tables()").fetchall()}
    con.close()
    assert schemas == set(refresh.SERVING_SCHEMAS), schemas
    private = wh / "private" / serving.name
    assert private.stat().st_mode & 0o077 == 0
    assert scalar(private, "select count(*) from staging.base_crm__contacts") > 0
    assert end["models"]["model.crm_indicators.fct_leads"]["rows"] == golden["checksums"]["core.fct_leads"][0]
    assert leftovers(wh) == []


@pytest.mark.parametrize("gate", ["auto", "basic"])
def test_bad_landing_file_stops_at_gate_and_serving_is_untouched(tmp_path, warehouse, gate):
    landing = landing_copy(tmp_path)
    users = next((landing / "users").glob("*.csv"))
    rows = list(csv.reader(users.open(encoding="utf-8", newline="")))
    drop = rows[0].index("email")
    with users.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([r[:drop] + r[drop + 1 :] for r in rows])
    before = sha256(warehouse)
    proc = run_refresh(warehouse, landing, "--gate", gate, "--no-freshness")
    assert proc.returncode == refresh.EXIT_GATE, proc.stderr
    assert "email" in proc.stderr and "users" in proc.stderr
    assert sha256(warehouse) == before
    end = last_end(warehouse)
    assert end["outcome"] == "gate_failed" and end["exit_code"] == 20
    assert "build" not in [s["name"] for s in end["steps"]]
    assert leftovers(warehouse.parent) == []


def test_refused_source_adaptation_stops_the_refresh_and_serving_is_untouched(tmp_path, warehouse):
    """CRM_SOURCE_MAPPING: a CRM export with a stage name the mapping does not know stops the
    refresh before the gate; the landing folder and the serving warehouse stay as they were."""
    exports = tmp_path / "exports"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "crm_warehouse",
            "generate",
            "--scale",
            "tiny",
            "--defect-multiplier",
            "0",
            "--shape",
            "salesforce",
            "--out",
            str(exports),
            "--quiet",
        ],
        check=True,
        timeout=120,
    )
    opportunities = exports / "Opportunity_2026-11-24_full.csv"
    text = opportunities.read_text(encoding="utf-8")
    opportunities.write_text(text.replace(",Closed Lost,", ",Closed Lost - Duplicate,", 1), encoding="utf-8")
    landing = landing_copy(tmp_path)
    landing_before = {p: sha256(p) for p in landing.rglob("*.csv")}
    before = sha256(warehouse)
    cmd = [sys.executable, *SCRIPT, *FAST, "--serving-path", str(warehouse), "--landing-dir", str(landing)]
    proc = subprocess.run(
        cmd,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **env(),
            "CRM_SOURCE_MAPPING": str(ROOT / "mappings" / "salesforce.yml"),
            "CRM_SOURCE_DIR": str(exports),
        },
    )
    assert proc.returncode == refresh.EXIT_GATE, proc.stderr
    assert "unknown value 'Closed Lost - Duplicate'" in proc.stderr
    assert "Opportunity_2026-11-24_full.csv, row " in proc.stderr and "column 'StageName'" in proc.stderr
    assert sha256(warehouse) == before
    assert {p: sha256(p) for p in landing.rglob("*.csv")} == landing_before
    end = last_end(warehouse)
    assert end["outcome"] == "gate_failed"
    assert [s["name"] for s in end["steps"]][-1] == "adapt"
    assert leftovers(warehouse.parent) == []


def test_build_warehouse_keeps_its_exit_codes(tmp_path, warehouse):
    landing = landing_copy(tmp_path)
    shutil.rmtree(landing / "teams")
    before = sha256(warehouse)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "crm_warehouse",
            "build",
            "--landing-dir",
            str(landing),
            "--serving-path",
            str(warehouse),
        ],
        cwd=ROOT,
        env=env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert "teams" in proc.stderr and sha256(warehouse) == before


def test_dbt_failure_leaves_serving_untouched_and_names_the_node(tmp_path, warehouse):
    landing = landing_copy(tmp_path)
    before = sha256(warehouse)
    # an as-of date that does not parse: the model computing it fails inside dbt, the gate passes
    proc = run_refresh(warehouse, landing, *FAST, "--dbt-arg=--vars={as_of_date: '2026-02-30'}")
    assert proc.returncode == refresh.EXIT_DBT, proc.stderr
    assert sha256(warehouse) == before
    end = last_end(warehouse)
    assert end["outcome"] == "dbt_failed" and end["exit_code"] == 30
    failed = [n["node"] for n in end["failed_nodes"]]
    assert failed and all(n.split(".")[0] in ("model", "test", "unit_test", "seed") for n in failed)
    assert any(n.startswith("model.crm_indicators.") for n in failed)
    assert failed[0] in proc.stderr
    assert leftovers(warehouse.parent) == []


def test_archive_before_an_interrupted_swap_is_not_duplicated(tmp_path, warehouse):
    """A run killed between archiving the serving file and the swap leaves a history entry that
    is the serving file itself; the next archive reuses it instead of adding a second one."""
    layout = refresh.Layout.from_serving(warehouse)
    first = refresh.archive_serving(layout, layout.history)
    again = refresh.archive_serving(layout, layout.history)
    assert first == again and os.path.samefile(first, warehouse)
    assert len(list(layout.history.glob("crm.*.duckdb"))) == 1


def test_lock_held_by_a_live_process_stops_a_second_run(tmp_path, warehouse):
    lock = _write_lock(warehouse, os.getpid(), time.time())
    held = lock.read_text()
    before = sha256(warehouse)
    proc = run_refresh(warehouse, landing_copy(tmp_path), *FAST)
    assert proc.returncode == refresh.EXIT_LOCKED, proc.stderr
    assert str(os.getpid()) in proc.stderr
    assert lock.read_text() == held and sha256(warehouse) == before
    assert last_end(warehouse)["outcome"] == "locked"


@pytest.mark.parametrize("kind", ["dead_pid", "too_old"])
def test_stale_lock_is_recovered_with_a_warning(tmp_path, warehouse, kind):
    if kind == "dead_pid":
        gone = subprocess.Popen(["true"])
        gone.wait()
        lock = _write_lock(warehouse, gone.pid, time.time())
    else:  # the pid runs, but the lock is older than the limit
        lock = _write_lock(warehouse, os.getpid(), time.time() - 7 * 3600)
    landing = landing_copy(tmp_path)
    shutil.rmtree(landing / "teams")  # stop right after the lock step: the gate fails
    proc = run_refresh(warehouse, landing, *FAST)
    assert proc.returncode == refresh.EXIT_GATE, proc.stderr
    warnings = [r["message"] for r in log_records(warehouse) if r["event"] == "warning"]
    assert any(w.startswith("stale lock recovered") for w in warnings)
    assert not lock.exists()


def test_rollback_restores_the_previous_warehouse(tmp_path, warehouse, golden):
    wh = warehouse.parent
    history = wh / "history"
    history.mkdir()
    previous = history / "crm.20261125T020000.duckdb"
    shutil.copy2(warehouse, previous)
    os.utime(previous, (time.time() - 86400, time.time() - 86400))
    # tonight's warehouse lost rows (a bad night): roll it back
    con = duckdb.connect(str(warehouse))
    con.execute("delete from core.fct_leads")
    con.close()
    assert scalar(warehouse, "select count(*) from core.fct_leads") == 0
    previous_hash = sha256(previous)
    proc = run_refresh(warehouse, None, "rollback")
    assert proc.returncode == 0, proc.stderr
    assert sha256(warehouse) == previous_hash and not previous.exists()
    assert refresh.mart_checksums(warehouse) == golden["checksums"]
    assert (
        parquet_rows(wh / "parquet" / "core" / "fct_leads.parquet")
        == golden["checksums"]["core.fct_leads"][0]
    )
    rolled = list((history / "rolled-back").glob("crm.*.duckdb"))
    assert len(rolled) == 1
    # nothing older to go back to
    proc = run_refresh(warehouse, None, "rollback")
    assert proc.returncode == refresh.EXIT_PUBLISH and "no previous warehouse" in proc.stderr
    # and the rolled-back one can be brought back explicitly
    proc = run_refresh(warehouse, None, "rollback", "--to", str(rolled[0]))
    assert proc.returncode == 0, proc.stderr
    assert scalar(warehouse, "select count(*) from core.fct_leads") == 0
    assert leftovers(wh) == []


# --------------------------------------------------------------------------------------------
# A writer on the serving file, production settings


WRITER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])  # read-write, as a careless BI tool or analyst would
con.execute("create table if not exists main.scratch as select 1 as x")
con.execute("insert into main.scratch values (2)")
print("ready", flush=True)
time.sleep(120)
"""


def test_a_writer_on_the_serving_file_stops_the_publish(tmp_path, warehouse):
    """A read-write connection left open on the serving file keeps its WAL beside it: swapping a
    new file in under it would break every new reader. The publish refuses, names the cause,
    and leaves the serving file and the private build as they were."""
    layout = refresh.Layout.from_serving(warehouse)
    opts = refresh.Options(landing_dir=tmp_path, layout=layout, quiet=True)
    run = refresh.Refresh(opts)
    layout.build_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(warehouse, layout.candidate)  # stands in for tonight's finished build
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(warehouse)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout.readline().strip() == "ready"
        assert refresh.serving_writer(warehouse) is not None
        before = sha256(warehouse)
        private_before = sha256(layout.private) if layout.private.exists() else None
        with pytest.raises(refresh.RefreshError) as err:
            run.publish()
        assert err.value.code == refresh.EXIT_PUBLISH
        assert "open for writing" in str(err.value) and "read-only" in str(err.value)
        assert sha256(warehouse) == before and not run.summary.get("published")
        # the private full build is the last good one still: tonight's candidate did not replace it
        assert (sha256(layout.private) if layout.private.exists() else None) == private_before
    finally:
        writer.kill()
        writer.wait()
    # the writer is gone (its WAL stays until someone checkpoints it): still refused
    if warehouse.with_name(warehouse.name + ".wal").exists():
        assert "exists" in (refresh.serving_writer(warehouse) or "")
        duckdb.connect(str(warehouse)).close()  # an operator opens and closes it: WAL merged
    assert refresh.serving_writer(warehouse) is None


def test_production_settings_reach_dbt_without_the_salt_in_any_argument(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_PII_SALT", "s3cret-salt-value")
    monkeypatch.setenv("CRM_AS_OF_DATE", "2026-10-31")
    layout = refresh.Layout.from_serving(tmp_path / "wh" / "crm.duckdb")
    run = refresh.Refresh(
        refresh.Options(
            landing_dir=tmp_path, layout=layout, quiet=True, as_of_date=refresh.check_as_of_date("2026-10-31")
        )
    )
    env, args = run.dbt_env(), run.dbt_common()
    assert "CRM_PII_SALT" not in env and env["DBT_ENV_SECRET_CRM_PII_SALT"] == "s3cret-salt-value"
    assert "CRM_AS_OF_DATE" not in env
    assert args[args.index("--vars") + 1] == '{"as_of_date": "2026-10-31"}'
    assert not any("s3cret" in a for a in args)
    assert refresh.check_as_of_date("2024-02-29") == "2024-02-29"
    for bad in ("2023-02-29", "2026-1-31", "2026-10-31x", "tomorrow"):
        with pytest.raises(refresh.RefreshError):
            refresh.check_as_of_date(bad)
    with pytest.raises(refresh.RefreshError):
        refresh.check_as_of_date("2026-12-02", today=dt.date(2026, 12, 1))
