"""Tests of the nightly refresh (crmwh refresh): publish, faults, readers, kill -9, lock,
rollback, delta. Every test works in its own tmp folder (serving file, lock, log, history,
Parquet copies all derive from --serving-path), never in the repository's warehouse/.

Most tests start from one full build of the minimal landing fixture (module fixture `golden`,
copied per test); the delta test builds the demo scale.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]

from crm_warehouse import refresh  # noqa: E402

MINIMAL = ROOT / "tests" / "python" / "data" / "landing_minimal"
SCRIPT = ["-m", "crm_warehouse", "refresh"]
FAST = ["--gate", "basic", "--no-freshness"]  # the gate and freshness are tested by `golden`


def env() -> dict[str, str]:
    e = {k: v for k, v in os.environ.items()
         if not k.startswith(("CRM_", "DBT_"))}  # nothing from the caller's own warehouse
    e.update({"CRM_PII_SALT": "test-salt-not-secret", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"})
    return e


def run_refresh(serving: Path, landing: Path | None, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    cmd = [sys.executable, *SCRIPT, *args, "--serving-path", str(serving)]
    if landing is not None:
        cmd += ["--landing-dir", str(landing)]
    return subprocess.run(cmd, cwd=ROOT, env=env(), capture_output=True, text=True, timeout=timeout)


def start_refresh(serving: Path, landing: Path, *args: str) -> subprocess.Popen:
    cmd = [sys.executable, *SCRIPT, *args, "--serving-path", str(serving), "--landing-dir", str(landing)]
    return subprocess.Popen(cmd, cwd=ROOT, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


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


@pytest.fixture(scope="module")
def golden(tmp_path_factory) -> dict:
    """One full refresh of the minimal fixture with the default gate and source freshness."""
    base = tmp_path_factory.mktemp("golden")
    landing = landing_copy(base)
    serving = base / "wh" / "crm.duckdb"
    started = time.monotonic()
    proc = run_refresh(serving, landing)
    return {"proc": proc, "serving": serving, "landing": landing, "seconds": time.monotonic() - started,
            "checksums": refresh.mart_checksums(serving) if serving.exists() else {}}


@pytest.fixture()
def warehouse(tmp_path, golden) -> Path:
    """A serving path holding a copy of the golden warehouse (as after an earlier good night)."""
    serving = tmp_path / "wh" / "crm.duckdb"
    serving.parent.mkdir(parents=True)
    shutil.copy2(golden["serving"], serving)
    source = golden["serving"].parent
    shutil.copytree(source / "private", serving.parent / "private")  # the private full build
    shutil.copytree(source / ".parquet.versions", serving.parent / ".parquet.versions")
    os.symlink(os.readlink(source / "parquet"), serving.parent / "parquet")
    return serving


# --------------------------------------------------------------------------------------------


def test_clean_refresh_publishes_parquet_and_log(golden):
    proc, serving = golden["proc"], golden["serving"]
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""  # not a terminal: quiet
    wh = serving.parent
    # the serving file opens read-only and holds the marts
    assert golden["checksums"], "no mart tables published"
    assert "core.fct_leads" in golden["checksums"]
    # a Parquet copy per mart table (views skipped), same row counts, behind an atomic symlink
    assert (wh / "parquet").is_symlink()
    con = duckdb.connect(str(serving), read_only=True)
    tables = refresh.base_tables(con, refresh.MART_SCHEMAS)
    views = con.execute("select count(*) from information_schema.tables where table_type = 'VIEW' "
                        "and table_schema in ('core', 'marts', 'data_quality')").fetchone()[0]
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
        csv.writer(fh, lineterminator="\n").writerows([r[:drop] + r[drop + 1:] for r in rows])
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
    subprocess.run([sys.executable, "-m", "crm_warehouse", "generate", "--scale", "tiny",
                    "--defect-multiplier", "0", "--shape", "salesforce", "--out", str(exports),
                    "--quiet"], check=True, timeout=120)
    opportunities = exports / "Opportunity_2026-11-24_full.csv"
    text = opportunities.read_text(encoding="utf-8")
    opportunities.write_text(text.replace(",Closed Lost,", ",Closed Lost - Duplicate,", 1), encoding="utf-8")
    landing = landing_copy(tmp_path)
    landing_before = {p: sha256(p) for p in landing.rglob("*.csv")}
    before = sha256(warehouse)
    cmd = [sys.executable, *SCRIPT, *FAST, "--serving-path", str(warehouse),
           "--landing-dir", str(landing)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**env(), "CRM_SOURCE_MAPPING": str(ROOT / "mappings" / "salesforce.yml"),
                               "CRM_SOURCE_DIR": str(exports)})
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
    proc = subprocess.run([sys.executable, "-m", "crm_warehouse", "build", "--landing-dir",
                           str(landing), "--serving-path", str(warehouse)],
                          cwd=ROOT, env=env(), capture_output=True, text=True, timeout=120)
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


def test_readers_never_break_during_a_refresh(tmp_path, warehouse, golden):
    landing = landing_copy(tmp_path)
    leads = next((landing / "leads").glob("*.csv"))
    with leads.open("a", encoding="utf-8", newline="") as fh:
        fh.write("L0000002,marketing,CMP0001,A000001,U00001,software,new,2025-05-20 10:00:00,,,,,,"
                 "2025-05-20 10:00:00,false\n")
    old = golden["checksums"]["core.fct_leads"][0]
    new = old + 1
    seen: list[int] = []
    errors: list[str] = []
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            try:
                con = duckdb.connect(str(warehouse), read_only=True)
                try:
                    seen.append(con.execute("select count(*) from core.fct_leads").fetchone()[0])
                finally:
                    con.close()
            except Exception as exc:  # noqa: BLE001 - any error is a failure of the test
                errors.append(repr(exc))
            time.sleep(0.02)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        proc = start_refresh(warehouse, landing, *FAST)
        out, err = proc.communicate(timeout=600)
        time.sleep(0.3)  # readers after the swap
    finally:
        done.set()
        thread.join()
    assert proc.returncode == 0, err
    assert errors == []
    assert len(seen) > 20 and set(seen) <= {old, new}
    assert seen[0] == old and seen[-1] == new
    assert seen == sorted(seen)  # once the new warehouse is seen, the old one never returns
    # the Parquet copy follows, and the previous warehouse went to history
    fct = warehouse.parent / "parquet" / "core" / "fct_leads.parquet"
    assert parquet_rows(fct) == new
    assert len(list((warehouse.parent / "history").glob("crm.*.duckdb"))) == 1
    assert last_end(warehouse)["mode"] == "incremental"


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
        if log.exists() and f'"name": "{step}"' in log.read_text(encoding="utf-8").split('"event": "start"')[-1]:
            return
        time.sleep(0.005)


def test_kill_9_at_random_points_then_next_run_is_clean_and_identical(tmp_path, warehouse, golden):
    """kill -9 at three seeded random moments (start-up or gate, inside dbt build, inside publish);
    then a normal run on the same landing data: it succeeds, leaves nothing behind, and its marts
    equal the golden run's (two runs on the same data give identical marts; the second is
    incremental)."""
    landing = landing_copy(tmp_path)
    wh = warehouse.parent
    rng = random.Random(20261125)
    # (phase, step logged just before it, seeded delay after that step)
    moments = [("start", None, rng.uniform(0.5, 3.0)), ("build", "prepare", rng.uniform(2.0, 12.0)),
               ("publish", "build", rng.uniform(0.0, 0.4))]  # inspect, parquet, swap, history
    killed = []
    for phase, after, delay in moments:
        proc = start_refresh(warehouse, landing, *FAST)
        if after:
            wait_for_step(warehouse, proc, after)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            killed.append(phase)
        time.sleep(0.5)
        assert _orphans(wh) == [], "a child of the killed refresh kept running"
        # whatever the moment, the serving file opens and holds a complete warehouse
        assert refresh.mart_checksums(warehouse) == golden["checksums"], phase
        assert parquet_complete(wh, golden["checksums"]), phase
    assert "build" in killed
    proc = run_refresh(warehouse, landing, *FAST)
    assert proc.returncode == 0, proc.stderr
    assert leftovers(wh) == []
    assert last_end(warehouse)["mode"] == "incremental"
    assert refresh.mart_checksums(warehouse) == golden["checksums"]
    assert parquet_complete(wh, golden["checksums"])
    warnings = [r["message"] for r in log_records(warehouse) if r["event"] == "warning"]
    assert any("stale lock recovered" in w for w in warnings)
    # no two history entries hold the same warehouse file
    kept = list((wh / "history").glob("crm.*.duckdb"))
    assert len({(p.stat().st_ino) for p in kept}) == len(kept) >= 1


def test_archive_before_an_interrupted_swap_is_not_duplicated(tmp_path, warehouse):
    """A run killed between archiving the serving file and the swap leaves a history entry that
    is the serving file itself; the next archive reuses it instead of adding a second one."""
    layout = refresh.Layout.from_serving(warehouse)
    first = refresh.archive_serving(layout, layout.history)
    again = refresh.archive_serving(layout, layout.history)
    assert first == again and os.path.samefile(first, warehouse)
    assert len(list(layout.history.glob("crm.*.duckdb"))) == 1


def _write_lock(serving: Path, pid: int, started: float) -> Path:
    lock = serving.parent / f".{serving.stem}.refresh.lock"
    lock.write_text(json.dumps({"pid": pid, "host": os.uname().nodename, "started_epoch": started,
                                "started_at": time.ctime(started)}))
    return lock


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
    assert parquet_rows(wh / "parquet" / "core" / "fct_leads.parquet") == golden["checksums"]["core.fct_leads"][0]
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
# Delta export at demo scale

ENTITY_FACTS = {
    "fct_leads": "lead_id", "fct_opportunities": "opportunity_id", "fct_activities": "activity_id",
    "fct_contracts": "contract_id",
}


def test_delta_export_changes_only_the_new_days_rows(tmp_path):
    landing = tmp_path / "landing"
    gen = [sys.executable, "-m", "crm_warehouse", "generate", "--scale", "demo", "--seed", "42",
           "--out", str(landing), "--quiet"]
    subprocess.run(gen, check=True, cwd=ROOT, timeout=300)
    serving = tmp_path / "wh" / "crm.duckdb"
    core_only = "--dbt-arg=--select=+path:models/marts/core"  # the star schema and its parents
    cautious = "--dbt-arg=--indirect-selection=cautious"  # no tests that also read unselected models
    proc = run_refresh(serving, landing, *FAST, core_only, cautious)
    assert proc.returncode == 0, proc.stderr
    subprocess.run(gen + ["--delta"], check=True, cwd=ROOT, timeout=300)
    new_files = sorted(landing.glob("*/2026-11-26_delta.csv"))
    assert new_files, "the delta export wrote no file for 2026-11-26"
    proc = run_refresh(serving, landing, *FAST, core_only, cautious)
    assert proc.returncode == 0, proc.stderr
    assert last_end(serving)["mode"] == "incremental"
    previous = next((serving.parent / "history").glob("crm.*.duckdb"))

    # every id named anywhere in the new day's files
    ids: set[str] = set()
    for path in new_files:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                ids.update(v for k, v in row.items() if k.endswith("_id") and v)
    assert ids

    con = duckdb.connect()
    con.execute(f"attach '{serving}' as new_wh (read_only)")
    con.execute(f"attach '{previous}' as old_wh (read_only)")
    con.execute("create table delta_ids (id varchar)")
    con.executemany("insert into delta_ids values (?)", [[i] for i in sorted(ids)])
    changed_total = 0
    for table, key in ENTITY_FACTS.items():
        cols = [c for (c,) in con.execute(
            "select column_name from information_schema.columns where table_catalog = 'new_wh' "
            "and table_schema = 'core' and table_name = ? order by ordinal_position", [table]).fetchall()]
        id_cols = [c for c in cols if c.endswith("_id")]
        assert key in id_cols
        touches = " or ".join(f"cast({c} as varchar) in (select id from delta_ids)" for c in id_cols)
        for a, b in (("new_wh", "old_wh"), ("old_wh", "new_wh")):
            diff = f"(select * from {a}.core.{table} except all select * from {b}.core.{table})"
            changed, outside = con.execute(
                f"select count(*), coalesce(sum(case when {touches} then 0 else 1 end), 0) from {diff}"
            ).fetchone()
            assert outside == 0, f"{table}: {outside} changed row(s) unrelated to the 2026-11-26 delta"
            changed_total += changed
        # rows of the new day are in
        new_keys = con.execute(f"select count(*) from new_wh.core.{table} where {key} in (select id from delta_ids)"
                               ).fetchone()[0]
        assert new_keys >= 0
    assert changed_total > 0, "the delta changed nothing"
    con.close()


def test_full_refresh_keeps_the_issue_and_alert_history(warehouse, tmp_path):
    """A weekly --full-refresh (a compact new file) must not forget issues and alerts already
    resolved, nor when an open one was first raised: their tables are carried into the new file
    and continue incrementally. The same run is the documented recovery after a fix: an issue
    last seen by an earlier build of the same as-of date and fixed since is resolved that day,
    and rows dated after the as-of date (left by a build whose as-of date a mistyped timestamp
    had moved to 2062) are read back to the as-of date instead of stopping the build."""
    histories = {
        "data_quality.fct_data_quality_issues": ("finding_id", "first_seen_as_of", "last_seen_as_of",
                                                 "resolved_as_of", "dq_partition"),
        "marts.fct_alerts": ("alert_id", "first_raised_as_of", "last_seen_as_of", "resolved_as_of",
                             "alert_partition"),
    }
    con = duckdb.connect(str(warehouse))
    as_of = con.execute("select max(as_of_date) from marts.team_board").fetchone()[0]
    rep = "(select user_id, current_team_id, current_region_id from core.dim_users where is_rep order by user_id limit 1)"
    day = lambda n: (as_of - dt.timedelta(days=n)).isoformat()  # noqa: E731
    first = as_of - dt.timedelta(days=60)
    # resolved weeks ago; and open, last seen by the previous night's build
    future = dt.date(2062, 11, 24)
    for name, is_open, last, resolved in (("history-resolved", False, day(40), day(39)),
                                          ("history-open", True, day(1), None),
                                          ("history-same-day", True, day(0), None),
                                          ("history-future-open", True, future, None),
                                          ("history-future-resolved", False, day(2), future)):
        con.execute(f"""
            insert into data_quality.fct_data_quality_issues (finding_id, rule_code, rule_name_zh, rule_name_en,
                category, severity, fix_owner_role, score_weight, entity, record_id, column_name,
                responsible_user_id, responsible_team_id, record_date, measured_value, detail_zh, detail_en,
                first_seen_as_of, last_seen_as_of, is_open, resolved_as_of, dq_partition)
            select '{name}', r.rule_code, r.rule_name_zh, r.rule_name_en, r.category, r.severity,
                r.fix_owner_role, r.score_weight, r.entity, '{name}', null, u.user_id, u.current_team_id,
                ?::date, 1, '测试', 'test', ?::date, ?::date, ?, ?::date, 'all'
            from (select * from reference.ref_dq_rules order by rule_code limit 1) as r, {rep} as u""",
                    [first, first, last, is_open, resolved])
        con.execute(f"""
            insert into marts.fct_alerts (alert_id, rule_code, rule_name_zh, rule_name_en, severity, action_role,
                action_user_id, entity_type, record_id, record_name, subject_user_id, team_id, region_id,
                measured_value, threshold_value, message_zh, message_en, first_raised_as_of, last_seen_as_of,
                is_open, resolved_as_of, alert_partition)
            select '{name}', r.rule_code, r.rule_name_zh, r.rule_name_en, r.severity, r.action_role,
                u.user_id, r.entity_type, u.user_id, '{name}', u.user_id, u.current_team_id, u.current_region_id,
                1, r.threshold_value, '测试', 'test', ?::date, ?::date, ?, ?::date, 'all'
            from (select * from reference.ref_alert_rules where entity_type = 'rep' order by rule_code limit 1) as r,
                {rep} as u""",
                    [first, last, is_open, resolved])
    con.close()
    proc = run_refresh(warehouse, landing_copy(tmp_path), *FAST, "--full-refresh")
    assert proc.returncode == 0, proc.stderr
    prepare = [r for r in log_records(warehouse) if r["event"] == "step" and r["name"] == "prepare"][-1]
    assert prepare["mode"] == "full" and sorted(prepare["history_carried"]) == sorted(histories)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for table, (key, first_col, _, resolved_col, _) in histories.items():
            rows = dict((r[0], r[1:]) for r in con.execute(
                f"select {key}, {first_col}, is_open, {resolved_col} from {table} "
                f"where {key} like 'history-%'").fetchall())
            # resolved long ago: kept as it was; open before and not found now: resolved today
            assert rows.get("history-resolved") == (first, False, as_of - dt.timedelta(days=39)), table
            assert rows.get("history-open") == (first, False, as_of), table
            # fixed and re-run the same day: resolved on the day it was last seen
            assert rows.get("history-same-day") == (first, False, as_of), table
            # dated after the as-of date: read back to it
            assert rows.get("history-future-open") == (first, False, as_of), table
            assert rows.get("history-future-resolved") == (first, False, as_of), table
        assert con.execute("select count(*) from data_quality.fct_data_quality_issues "
                           "where last_seen_as_of > ? or resolved_as_of > ?", [as_of, as_of]).fetchone()[0] == 0
    finally:
        con.close()


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
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(warehouse)], stdout=subprocess.PIPE, text=True)
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
    run = refresh.Refresh(refresh.Options(landing_dir=tmp_path, layout=layout, quiet=True,
                                          as_of_date=refresh.check_as_of_date("2026-10-31")))
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
