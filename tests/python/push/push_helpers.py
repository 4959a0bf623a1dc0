"""Shared by the push tests: the test warehouse, the robots' secrets and a loopback webhook receiver
that checks each platform's signature and payload and answers as told."""

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
from urllib.parse import parse_qs, urlsplit

from crm_warehouse.push.config import Route
from crm_warehouse.push.runner import PushOptions
from crm_warehouse.push.sendlog import SendLog

ROOT = Path(__file__).resolve().parents[3]
WAREHOUSE = Path(os.environ.get("CRM_TEST_DUCKDB") or ROOT / "warehouse" / "crm.duckdb")


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
