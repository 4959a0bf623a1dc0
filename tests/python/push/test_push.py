"""Group-robot pushes against real HTTP: a webhook receiver on 127.0.0.1 that checks each
platform's signature (DingTalk, Feishu) and payload shape and answers as told (success, HTTP
errors, platform rate-limit codes, timeouts). The marts are the suite's warehouse
(CRM_TEST_DUCKDB), opened read-only; every send log is a temporary file; time is a fake
clock (pacing and backoff never sleep for real)."""

from __future__ import annotations

import json
import os
from collections import defaultdict

import pytest

from crm_warehouse.push.channels import CHANNELS
from crm_warehouse.push.config import load_routes
from crm_warehouse.push.pacing import FakeClock
from crm_warehouse.push.runner import run_push
from push_helpers import EXTRA_ROUTE, SECRETS, WAREHOUSE, env_for, log_rows, options

pytestmark = pytest.mark.skipif(not WAREHOUSE.is_file(), reason=f"no warehouse at {WAREHOUSE}: run make demo")


def test_every_kind_is_delivered_once_on_every_platform_signed_and_paced(receiver, tmp_path):
    routes = load_routes() + [EXTRA_ROUTE]
    # won deals of the last 10 days: the demo's content team T004 (Feishu) signed none in the last 3
    opts = options(tmp_path, briefing_periods=("daily", "weekly", "monthly"), won_lookback_days=10)
    clock = FakeClock()
    result = run_push(opts, env_for(receiver), clock=clock, routes=routes)
    assert result.ok and not result.unrouted, (result.pending, result.failed, result.unrouted)
    assert [r for r in receiver.requests if r["problem"]] == []
    rows = log_rows(opts.send_log)
    assert len(receiver.requests) == len(rows) == result.sent > 0
    assert {r["state"] for r in rows} == {"sent"}
    kinds = defaultdict(set)
    for r in rows:
        kinds[r["platform"]].add(r["kind"])
    assert {p: kinds[p] for p in ("dingtalk", "wecom", "feishu")} == {
        p: {"won_deal", "reminder", "alert", "briefing"} for p in ("dingtalk", "wecom", "feishu")
    }
    assert {b for r in rows if r["kind"] == "briefing" for b in [r["message_key"].split(":")[1]]} == {
        "daily",
        "weekly",
        "monthly",
    }
    # DingTalk: never more than 20 messages in any 60 s per robot (timestamps as signed on the wire)
    per_robot = defaultdict(list)
    for r in receiver.requests:
        if r["platform"] == "dingtalk":
            per_robot[r["robot"]].append(int(r["query"]["timestamp"][0]))
    busiest = max(per_robot.values(), key=len)
    assert len(busiest) > 20
    for ts in per_robot.values():
        ts.sort()
        assert all(ts[i + 20] - ts[i] >= 60_000 for i in range(len(ts) - 20))
    assert sum(clock.slept) >= 60
    # a re-run sends nothing
    before = len(receiver.requests)
    again = run_push(opts, env_for(receiver), clock=clock, routes=routes)
    assert (again.queued, again.sent, len(receiver.requests)) == (0, 0, before)


def test_errors_are_retried_with_backoff_and_timeouts_too(receiver, tmp_path):
    opts = options(tmp_path, kinds=("won_deal",), timeout_s=0.3)
    receiver.script["EAST_SW1"] = [("http", 500), ("code", 130101)]  # then ok
    receiver.script["EAST_SW2"] = [("timeout", 0.8)]  # then ok
    clock = FakeClock()
    result = run_push(opts, env_for(receiver), clock=clock)
    assert result.ok
    rows: dict[str, dict] = {}
    for r in log_rows(opts.send_log):  # the first message of each robot met the script
        rows.setdefault(r["robot"], r)
    assert rows["EAST_SW1"]["attempts"] == 3 and rows["EAST_SW1"]["state"] == "sent"
    assert rows["EAST_SW2"]["attempts"] == 2 and rows["EAST_SW2"]["state"] == "sent"
    assert sorted(s for s in clock.slept if s >= 1) == [2.0, 2.0, 4.0]  # backoff 2 s, 4 s; 2 s
    assert sum(r["attempts"] for r in log_rows(opts.send_log)) == len(log_rows(opts.send_log)) + 3


def test_a_failing_receiver_leaves_messages_pending_and_the_next_run_delivers_them(receiver, tmp_path):
    opts = options(tmp_path, kinds=("won_deal", "reminder"))
    receiver.script["EAST_SW2"] = [("http", 503)] * 1000
    first = run_push(opts, env_for(receiver), clock=FakeClock())
    pending = [r for r in log_rows(opts.send_log) if r["state"] == "pending"]
    assert pending and {r["robot"] for r in pending} == {"EAST_SW2"} and len(first.pending) == len(pending)
    tried, waiting = pending[0], pending[1:]  # after one message fails 3 times, the rest wait
    assert tried["attempts"] == 3 and tried["last_error"] == "HTTP 503"
    assert waiting and all(r["attempts"] == 0 and "HTTP 503" in r["last_error"] for r in waiting)
    assert len([r for r in receiver.requests if r["robot"] == "EAST_SW2"]) == 3
    receiver.script["EAST_SW2"] = []
    second = run_push(opts, env_for(receiver), clock=FakeClock())
    assert second.ok and second.sent == len(pending) and second.queued == 0
    delivered = [json.dumps(r["body"], sort_keys=True) for r in receiver.delivered()]
    assert len(delivered) == len(set(delivered)) == len(log_rows(opts.send_log))


def test_a_bad_signature_fails_and_is_sent_again_only_when_asked(receiver, tmp_path):
    routes = load_routes() + [EXTRA_ROUTE]
    opts = options(tmp_path, kinds=("alert",))
    receiver.secrets["ALERTS_FS"] = "the-robot-has-another-secret"
    first = run_push(opts, env_for(receiver), clock=FakeClock(), routes=routes)
    failed = {(k, r) for k, r, _ in first.failed}
    assert failed and {r for _, r in failed} == {"ALERTS_FS"}
    assert all("19021" in e for _, _, e in first.failed)
    receiver.secrets["ALERTS_FS"] = SECRETS["ALERTS_FS"]
    n = len(receiver.requests)
    assert run_push(opts, env_for(receiver), clock=FakeClock(), routes=routes).sent == 0
    assert len(receiver.requests) == n
    again = run_push(
        options(tmp_path, kinds=("alert",), retry_failed=True),
        env_for(receiver),
        clock=FakeClock(),
        routes=routes,
    )
    assert again.ok and again.sent == len(failed)


def test_no_secret_or_token_in_the_console_or_the_send_log(tmp_path, capsys, monkeypatch):
    token, secret = "tok3nVERYsecret0123456789", "SECsigning-secret-abcdef"
    env = {
        "CRM_PUSH_EAST_SW1_URL": f"http://127.0.0.1:9/robot/send?access_token={token}",
        "CRM_PUSH_EAST_SW1_SECRET": secret,
    }
    for k in list(os.environ):
        if k.startswith("CRM_PUSH_"):
            monkeypatch.delenv(k)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    from crm_warehouse.push import cli as main

    log = tmp_path / "log.duckdb"
    code = main.main(
        [
            "--warehouse",
            str(WAREHOUSE),
            "--send-log",
            str(log),
            "--kind",
            "won_deal",
            "--attempts",
            "1",
            "--timeout",
            "0.5",
        ]
    )
    out = capsys.readouterr()
    assert code == 3
    rows = log_rows(log)
    east = [r for r in rows if r["robot"] == "EAST_SW1"]
    assert east and all(r["state"] == "pending" and r["last_error"] for r in east)
    text = out.out + out.err + json.dumps(rows, default=str)
    assert "ConnectionError" in text
    assert token not in text and secret not in text and "access_token" not in text
    assert token.encode() not in log.read_bytes() and secret.encode() not in log.read_bytes()


def test_dry_run_writes_one_json_per_message_and_sends_nothing(receiver, tmp_path):
    out = tmp_path / "dry"
    opts = options(tmp_path, kinds=("won_deal", "alert"), dry_run=True, out_dir=out)
    result = run_push(opts, env_for(receiver), clock=FakeClock())
    files = sorted(out.rglob("*.json"))
    assert files and len(files) == len(result.written)
    assert receiver.requests == [] and not opts.send_log.exists()
    for f in files:
        record = json.loads(f.read_text(encoding="utf-8"))
        assert set(record) == {"platform", "robot", "kind", "key", "payload"}
        assert record["kind"] in ("won_deal", "alert") and f.parent.name == record["robot"]
        assert "bi.example.com/crm/" in json.dumps(record["payload"])


def test_a_split_message_is_delivered_in_parts_once_even_when_the_limit_changes(
    receiver, tmp_path, monkeypatch
):
    opts = options(tmp_path, kinds=("reminder",), team="T003")  # T003: a WeCom group
    monkeypatch.setattr(CHANNELS["wecom"], "max_bytes", 900)
    first = run_push(opts, env_for(receiver), clock=FakeClock())
    keys = [r["message_key"] for r in log_rows(opts.send_log)]
    assert first.ok and any("#1/" in k for k in keys) and any("#2/" in k for k in keys)
    assert all(len(r["body"]["markdown"]["content"].encode("utf-8")) <= 900 for r in receiver.requests)
    assert len(receiver.requests) == len(keys) == len(set(keys))
    monkeypatch.setattr(CHANNELS["wecom"], "max_bytes", 4096)  # now each would fit whole
    again = run_push(opts, env_for(receiver), clock=FakeClock())
    assert (again.queued, again.sent, len(receiver.requests)) == (0, 0, len(keys))
