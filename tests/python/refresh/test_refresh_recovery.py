"""The nightly refresh under stress (crmwh refresh): readers during a refresh, kill -9 at
random points, and a weekly --full-refresh that keeps the issue and alert history. Starts from
the shared `golden` build (conftest.py), copied per test.
"""

from __future__ import annotations

import datetime as dt
import random
import signal
import subprocess
import threading
import time

import duckdb

from refresh_helpers import (
    FAST,
    _orphans,
    landing_copy,
    last_end,
    leftovers,
    log_records,
    parquet_complete,
    parquet_rows,
    refresh,
    run_refresh,
    start_refresh,
    wait_for_step,
)


def test_readers_never_break_during_a_refresh(tmp_path, warehouse, golden):
    landing = landing_copy(tmp_path)
    leads = next((landing / "leads").glob("*.csv"))
    with leads.open("a", encoding="utf-8", newline="") as fh:
        fh.write(
            "L0000002,marketing,CMP0001,A000001,U00001,software,new,2025-05-20 10:00:00,,,,,,"
            "2025-05-20 10:00:00,false\n"
        )
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


def test_kill_9_at_random_points_then_next_run_is_clean_and_identical(tmp_path, warehouse, golden):
    """kill -9 at three seeded random moments (start-up or gate, inside dbt build, inside publish);
    then a normal run on the same landing data: it succeeds, leaves nothing behind, and its marts
    equal the golden run's (two runs on the same data give identical marts; the second is
    incremental)."""
    landing = landing_copy(tmp_path)
    wh = warehouse.parent
    rng = random.Random(20261125)
    # (phase, step logged just before it, seeded delay after that step)
    moments = [
        ("start", None, rng.uniform(0.5, 3.0)),
        ("build", "prepare", rng.uniform(2.0, 12.0)),
        ("publish", "build", rng.uniform(0.0, 0.4)),
    ]  # inspect, parquet, swap, history
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


def test_full_refresh_keeps_the_issue_and_alert_history(warehouse, tmp_path):
    """A weekly --full-refresh (a compact new file) must not forget issues and alerts already
    resolved, nor when an open one was first raised: their tables are carried into the new file
    and continue incrementally. The same run is the documented recovery after a fix: an issue
    last seen by an earlier build of the same as-of date and fixed since is resolved that day,
    and rows dated after the as-of date (left by a build whose as-of date a mistyped timestamp
    had moved to 2062) are read back to the as-of date instead of stopping the build."""
    histories = {
        "data_quality.fct_data_quality_issues": (
            "finding_id",
            "first_seen_as_of",
            "last_seen_as_of",
            "resolved_as_of",
            "dq_partition",
        ),
        "marts.fct_alerts": (
            "alert_id",
            "first_raised_as_of",
            "last_seen_as_of",
            "resolved_as_of",
            "alert_partition",
        ),
    }
    con = duckdb.connect(str(warehouse))
    as_of = con.execute("select max(as_of_date) from marts.team_board").fetchone()[0]
    rep = "(select user_id, current_team_id, current_region_id from core.dim_users where is_rep order by user_id limit 1)"
    day = lambda n: (as_of - dt.timedelta(days=n)).isoformat()  # noqa: E731
    first = as_of - dt.timedelta(days=60)
    # resolved weeks ago; and open, last seen by the previous night's build
    future = dt.date(2062, 11, 24)
    for name, is_open, last, resolved in (
        ("history-resolved", False, day(40), day(39)),
        ("history-open", True, day(1), None),
        ("history-same-day", True, day(0), None),
        ("history-future-open", True, future, None),
        ("history-future-resolved", False, day(2), future),
    ):
        con.execute(
            f"""
            insert into data_quality.fct_data_quality_issues (finding_id, rule_code, rule_name_zh, rule_name_en,
                category, severity, fix_owner_role, score_weight, entity, record_id, column_name,
                responsible_user_id, responsible_team_id, record_date, measured_value, detail_zh, detail_en,
                first_seen_as_of, last_seen_as_of, is_open, resolved_as_of, dq_partition)
            select '{name}', r.rule_code, r.rule_name_zh, r.rule_name_en, r.category, r.severity,
                r.fix_owner_role, r.score_weight, r.entity, '{name}', null, u.user_id, u.current_team_id,
                ?::date, 1, '测试', 'test', ?::date, ?::date, ?, ?::date, 'all'
            from (select * from reference.ref_dq_rules order by rule_code limit 1) as r, {rep} as u""",
            [first, first, last, is_open, resolved],
        )
        con.execute(
            f"""
            insert into marts.fct_alerts (alert_id, rule_code, rule_name_zh, rule_name_en, severity, action_role,
                action_user_id, entity_type, record_id, record_name, subject_user_id, team_id, region_id,
                measured_value, threshold_value, message_zh, message_en, first_raised_as_of, last_seen_as_of,
                is_open, resolved_as_of, alert_partition)
            select '{name}', r.rule_code, r.rule_name_zh, r.rule_name_en, r.severity, r.action_role,
                u.user_id, r.entity_type, u.user_id, '{name}', u.user_id, u.current_team_id, u.current_region_id,
                1, r.threshold_value, '测试', 'test', ?::date, ?::date, ?, ?::date, 'all'
            from (select * from reference.ref_alert_rules where entity_type = 'rep' order by rule_code limit 1) as r,
                {rep} as u""",
            [first, last, is_open, resolved],
        )
    con.close()
    proc = run_refresh(warehouse, landing_copy(tmp_path), *FAST, "--full-refresh")
    assert proc.returncode == 0, proc.stderr
    prepare = [r for r in log_records(warehouse) if r["event"] == "step" and r["name"] == "prepare"][-1]
    assert prepare["mode"] == "full" and sorted(prepare["history_carried"]) == sorted(histories)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for table, (key, first_col, _, resolved_col, _) in histories.items():
            rows = dict(
                (r[0], r[1:])
                for r in con.execute(
                    f"select {key}, {first_col}, is_open, {resolved_col} from {table} "
                    f"where {key} like 'history-%'"
                ).fetchall()
            )
            # resolved long ago: kept as it was; open before and not found now: resolved today
            assert rows.get("history-resolved") == (first, False, as_of - dt.timedelta(days=39)), table
            assert rows.get("history-open") == (first, False, as_of), table
            # fixed and re-run the same day: resolved on the day it was last seen
            assert rows.get("history-same-day") == (first, False, as_of), table
            # dated after the as-of date: read back to it
            assert rows.get("history-future-open") == (first, False, as_of), table
            assert rows.get("history-future-resolved") == (first, False, as_of), table
        assert (
            con.execute(
                "select count(*) from data_quality.fct_data_quality_issues "
                "where last_seen_as_of > ? or resolved_as_of > ?",
                [as_of, as_of],
            ).fetchone()[0]
            == 0
        )
    finally:
        con.close()
