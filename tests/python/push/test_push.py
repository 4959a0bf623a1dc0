"""Group-robot pushes against real HTTP: a webhook receiver on 127.0.0.1 that checks each
platform's signature (DingTalk, Feishu) and payload shape and answers as told (success, HTTP
errors, platform rate-limit codes, timeouts). The marts are the suite's warehouse
(CRM_TEST_DUCKDB), opened read-only; every send log is a temporary file; time is a fake
clock (pacing and backoff never sleep for real)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote_plus, urlsplit

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[3]

from crm_warehouse.push import compose  # noqa: E402
from crm_warehouse.push.channels import CHANNELS, Message  # noqa: E402
from crm_warehouse.push.config import Mention, Route, load_routes  # noqa: E402
from crm_warehouse.push.pacing import FakeClock  # noqa: E402
from crm_warehouse.push.runner import PushOptions, run_push  # noqa: E402
from crm_warehouse.push.sendlog import SendLog  # noqa: E402
from crm_warehouse.push.signing import dingtalk_sign  # noqa: E402

WAREHOUSE = Path(os.environ.get("CRM_TEST_DUCKDB") or ROOT / "warehouse" / "crm.duckdb")
pytestmark = pytest.mark.skipif(not WAREHOUSE.is_file(), reason=f"no warehouse at {WAREHOUSE}: run make demo")

SECRETS = {
    "NORTH_SW1": "SECnorth-test",
    "EAST_SW1": "SECeast-test",
    "SALES_OPS": "SECops-test",
    "EAST_CT1": "feishu-east-test",
    "DIRECTORS": "feishu-dir-test",
    "ALERTS_FS": "feishu-alerts-test",
}
# T001's critical alerts also go to a Feishu robot, so each platform receives every kind
EXTRA_ROUTE = Route("t001_alerts_feishu", "team", "T001", "alert", "ALERTS_FS", "feishu")


class Receiver:
    """Loopback webhook: verifies, records, and answers from a per-robot script."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.script: dict[str, list] = defaultdict(list)
        self.secrets = dict(SECRETS)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                parts = urlsplit(self.path)
                _, platform, robot = parts.path.split("/")
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                rec = {
                    "platform": platform,
                    "robot": robot,
                    "body": body,
                    "query": parse_qs(parts.query),
                    "problem": receiver.check(platform, robot, body, parts.query),
                }
                todo = receiver.script[robot].pop(0) if receiver.script[robot] else "ok"
                rec["answer"] = todo
                receiver.requests.append(rec)
                if isinstance(todo, tuple) and todo[0] == "timeout":
                    time.sleep(todo[1])
                    todo = "ok"
                if rec["problem"]:
                    code = {"dingtalk": ("errcode", 310000), "feishu": ("code", 19021)}.get(
                        platform, ("errcode", 40008)
                    )
                    return self.answer(
                        200, {code[0]: code[1], "errmsg": rec["problem"], "msg": rec["problem"]}
                    )
                if isinstance(todo, tuple) and todo[0] == "http":
                    return self.answer(todo[1], {"error": "server error"})
                if isinstance(todo, tuple) and todo[0] == "code":
                    key = "code" if platform == "feishu" else "errcode"
                    return self.answer(200, {key: todo[1], "errmsg": "limited", "msg": "limited"})
                self.answer(
                    200,
                    {"code": 0, "msg": "success"} if platform == "feishu" else {"errcode": 0, "errmsg": "ok"},
                )

            def answer(self, status, data):
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                try:
                    self.wfile.write(raw)
                except BrokenPipeError:  # the client gave up waiting (timeout test)
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/{{platform}}/{{robot}}"

    def check(self, platform: str, robot: str, body: dict, query: str) -> str | None:
        """The platform's own rules, written from its documents (not from our code)."""
        secret = self.secrets.get(robot)
        if platform == "dingtalk":
            q = parse_qs(query)
            if secret:
                ts = q.get("timestamp", [""])[0]
                expected = base64.b64encode(
                    hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
                ).decode()
                if q.get("sign", [""])[0] != expected or abs(int(ts) / 1000 - time.time()) > 3600:
                    return "sign not match"
            if (
                body.get("msgtype") != "markdown"
                or not body["markdown"].get("title")
                or not body["markdown"].get("text")
            ):
                return "bad markdown"
            for uid in body.get("at", {}).get("atUserIds", []):
                if f"@{uid}" not in body["markdown"]["text"]:
                    return "mention not in text"
        elif platform == "wecom":
            content = body.get("markdown", {}).get("content", "")
            if body.get("msgtype") != "markdown" or not content or len(content.encode("utf-8")) > 4096:
                return "bad markdown"
        elif platform == "feishu":
            if secret:
                ts = body.get("timestamp", "")
                key = f"{ts}\n{secret}".encode()
                if (
                    body.get("sign") != base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
                    or abs(int(ts or 0) - time.time()) > 3600
                ):
                    return "sign match fail"
            card = body.get("card", {})
            if (
                body.get("msg_type") != "interactive"
                or not card.get("header")
                or not card.get("elements")
                or len(json.dumps(body).encode()) > 20_000
            ):
                return "bad card"
        return None

    def delivered(self) -> list[dict]:
        return [
            r
            for r in self.requests
            if r["answer"] == "ok"
            or isinstance(r["answer"], tuple)
            and r["answer"][0] == "timeout"
            and not r["problem"]
        ]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def env_for(receiver: Receiver, **extra: str) -> dict[str, str]:
    env = {"CRM_PUSH_URL_OVERRIDE": receiver.url, "CRM_SITE_BASE_URL": "https://bi.example.com/crm"}
    env.update({f"CRM_PUSH_{robot}_SECRET": s for robot, s in SECRETS.items()})
    env.update(extra)
    return env


def options(tmp: Path, **kw) -> PushOptions:
    base = dict(
        warehouse=WAREHOUSE, send_log=tmp / "send_log.duckdb", briefing_periods=("daily",), timeout_s=2.0
    )
    base.update(kw)
    return PushOptions(**base)


def log_rows(path: Path) -> list[dict]:
    log = SendLog(path, read_only=True)
    try:
        return log.rows()
    finally:
        log.close()


@pytest.fixture()
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_dingtalk_signature_matches_a_published_vector():
    # the DingTalk signing example of the `dingding` crate: timestamp 1700000000000, secret "secret"
    assert (
        quote_plus(dingtalk_sign("secret", 1700000000000))
        == "OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D"
    )


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


def test_long_messages_are_split_to_fit_each_platform():
    lines = [f"- 第 {i} 条 记录 record {i}: " + "客户名称" * 40 for i in range(60)]
    message = Message(
        kind="alert",
        key="alert:x",
        title=("严重提醒", "Critical alert"),
        lines=lines,
        link="https://bi.example.com/crm/rep/U1.html",
        link_text=("查看详情", "Open"),
    )
    for platform, limit in (("wecom", 4096), ("dingtalk", 20_000), ("feishu", 20_000)):
        channel = CHANNELS[platform]
        payloads = channel.payloads(
            message, [Mention("user_id" if platform != "feishu" else "open_id", "demo-1")]
        )
        assert len(payloads) > 1
        texts = [channel.text_of(p) for p in payloads]
        assert all(len(t.encode("utf-8")) <= min(limit, channel.max_bytes) for t in texts)
        joined = "\n".join(texts)
        assert [joined.index(line) for line in lines] == sorted(joined.index(line) for line in lines)
        assert f"1 of {len(payloads)}" in json.dumps(payloads[0], ensure_ascii=False)


def test_data_in_a_message_stays_text(tmp_path):
    db = tmp_path / "tiny.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.team_board as select date '2026-11-25' as as_of_date")
        con.execute("""create table marts.won_deal_feed as select 1 as feed_sequence, 'K1' as contract_id,
            'U1' as user_id, 'T1' as team_id, 'R1' as region_id, date '2026-11-25' as signed_date,
            timestamp '2026-11-25 10:00:00' as recorded_at,
            '恭喜 [x](javascript:alert(1)) <script>alert(1)</script>' as message_zh,
            'hi <@all> <at id=all></at> <font color="warning">x</font> **bold**' as message_en""")
    from crm_warehouse.dashboards.marts import MartReader

    with MartReader(db) as reader:
        [message] = compose.won_deals(reader, reader.as_of_date(), 3, None)
    for platform in ("dingtalk", "wecom", "feishu"):
        channel = CHANNELS[platform]
        text = channel.text_of(channel.payloads(message, [])[0])
        assert "](javascript:" not in text and "<script>" not in text, platform
        assert "<@all>" not in text and "<at id=all>" not in text and "<font" not in text, platform
        assert "**bold**" not in text
        assert "恭喜 ［x］(javascript:alert(1)) ＜script＞" in text  # still readable


def test_briefings_due_daily_weekly_on_mondays_monthly_on_the_first():
    import datetime as dt

    assert compose.due_periods(dt.date(2026, 11, 25)) == ["daily"]  # a Wednesday
    assert compose.due_periods(dt.date(2026, 11, 30)) == ["daily", "weekly"]  # a Monday
    assert compose.due_periods(dt.date(2026, 12, 1)) == ["daily", "monthly"]  # Tuesday the 1st
    assert compose.due_periods(dt.date(2027, 3, 1)) == ["daily", "weekly", "monthly"]


def _refresh_module():
    from crm_warehouse import refresh

    return refresh


def test_the_refresh_pushes_only_after_a_publish_and_a_push_failure_is_only_a_warning(monkeypatch, tmp_path):
    import contextlib
    import subprocess
    import types

    refresh = _refresh_module()
    calls = []

    def fake_run(argv, **kw):
        calls.append(argv)
        return subprocess.CompletedProcess(
            argv, 3, "推送 push: 已发送 sent 0", "  待重发 pending: won_deal:K1 -> EAST_SW1: HTTP 503"
        )

    status, message = refresh.push_after_publish(tmp_path / "crm.duckdb", run=fake_run)
    assert status == "warn" and "HTTP 503" in message
    assert calls[-1][1:] == ["-m", "crm_warehouse", "push", "--warehouse", str(tmp_path / "crm.duckdb")]

    def too_slow(argv, **kw):
        raise subprocess.TimeoutExpired(argv, 1)

    assert refresh.push_after_publish(tmp_path / "crm.duckdb", run=too_slow)[0] == "warn"

    steps, warnings = [], []

    @contextlib.contextmanager
    def step(name):
        info = {}
        yield info
        steps.append((name, info))

    pushed = []
    from crm_warehouse.refresh import publish_step

    monkeypatch.setattr(
        publish_step, "push_after_publish", lambda serving: pushed.append(serving) or ("warn", "exit 3")
    )
    fake = types.SimpleNamespace(
        summary={"published": False},
        layout=types.SimpleNamespace(serving=tmp_path / "s"),
        step=step,
        log=types.SimpleNamespace(warn=lambda m, c=None: warnings.append(m)),
        console=None,
    )
    monkeypatch.setenv("CRM_PUSH_ENABLED", "1")
    refresh.Refresh.push(fake)  # nothing published: no push
    assert pushed == []
    fake.summary["published"] = True
    monkeypatch.delenv("CRM_PUSH_ENABLED")
    refresh.Refresh.push(fake)  # not enabled: no push
    assert pushed == []
    monkeypatch.setenv("CRM_PUSH_ENABLED", "1")
    refresh.Refresh.push(fake)  # published and enabled: pushed; failure is a warning
    assert pushed == [tmp_path / "s"] and warnings == ["push: exit 3"]
    assert steps[-1][1]["_status"] == "warn" and fake.summary["push"]["status"] == "warn"


def test_the_push_exposures_list_exactly_the_marts_each_kind_reads():
    import re

    import yaml

    from crm_warehouse.dashboards.marts import MartReader

    doc = yaml.safe_load((ROOT / "models" / "exposures" / "_push__exposures.yml").read_text(encoding="utf-8"))
    exposures = {
        e["name"]: {re.sub(r"ref\(['\"]([a-z0-9_]+)['\"]\)", r"\1", d) for d in e["depends_on"]}
        for e in doc["exposures"]
    }
    with MartReader(WAREHOUSE) as reader:
        as_of = reader.as_of_date()
        compose.won_deals(reader, as_of, 3, None)
        compose.reminders(reader, as_of, None, None)
        compose.alerts(reader, as_of, lambda item: False, None)
        reads = {c: t for c, t in reader.reads.items() if c.startswith("push_")}
    assert reads == exposures
