"""One push run: compose what is due from the marts, queue it in the send log, send every
pending message (paced, signed, retried with backoff), record the outcome.

When a message to a robot is still undelivered after its attempts, the robot's other messages
are not tried again in the same run (a robot the platform throttles, DingTalk for 10 minutes,
or one that is down, would only fail again): they stay pending for the next run.
``run_push`` never raises for a delivery problem: a message that cannot be delivered stays
pending (or failed) in the log and is counted in the result; the caller decides the exit code.
Error texts are built here from the HTTP status or the platform's code and message, and any
URL, token or secret is removed from them, so neither the log nor the console shows one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from crm_warehouse.dashboards.marts import MartReader
from crm_warehouse.dashboards.paths import safe_output_path, slug

from . import compose
from .channels import CHANNELS, Message, Outcome
from .config import (
    KINDS,
    PushConfigError,
    Route,
    bundle_base_url,
    bundle_link,
    endpoint,
    load_people,
    load_routes,
    resolve_routes,
    site_base_url,
)
from .pacing import Pacer, SystemClock, backoff_delays
from .sendlog import SendLog

DEFAULT_ATTEMPTS = 3
DEFAULT_TIMEOUT_S = 10.0
_TOKENISH = re.compile(r"(https?://\S+|access_token=\S+|key=\S+|sign=\S+)")


@dataclass
class PushOptions:
    """What one run does (the CLI's arguments)."""

    warehouse: Path
    send_log: Path
    kinds: tuple[str, ...] = KINDS
    team: str | None = None
    briefing_periods: tuple[str, ...] | None = None  # None: what is due on `today`
    today: dt.date | None = None
    dry_run: bool = False
    out_dir: Path | None = None
    won_lookback_days: int = 3
    attempts: int = DEFAULT_ATTEMPTS
    timeout_s: float = DEFAULT_TIMEOUT_S
    retry_failed: bool = False


@dataclass
class PushResult:
    """Counts per state after the run, and the messages still pending or failed."""

    as_of: dt.date | None = None
    queued: int = 0
    sent: int = 0
    pending: list[tuple[str, str, str | None]] = field(default_factory=list)  # key, robot, error
    failed: list[tuple[str, str, str | None]] = field(default_factory=list)
    unrouted: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is left pending or failed."""
        return not self.pending and not self.failed

    def summary(self) -> str:
        """One line for the console (Chinese and English)."""
        return (
            f"推送 push {self.as_of}: 新排队 queued {self.queued}, 已发送 sent {self.sent}, "
            f"待重发 pending {len(self.pending)}, 失败 failed {len(self.failed)}, "
            f"无路由 unrouted {len(self.unrouted)}"
            + (f", 写入 wrote {len(self.written)} files" if self.written else "")
        )


def scrub(text: str, secrets: list[str]) -> str:
    """`text` without URLs, tokens or any of `secrets`."""
    for s in secrets:
        if s:
            text = text.replace(s, "<hidden>")
    return _TOKENISH.sub("<hidden>", text)


def compose_all(reader: MartReader, opts: PushOptions, log: SendLog, env: Mapping[str, str]) -> list[Message]:
    """Every message of the requested kinds for the marts' as-of date."""
    as_of = reader.as_of_date()
    base = site_base_url(env)
    messages: list[Message] = []
    if "won_deal" in opts.kinds:
        messages += compose.won_deals(reader, as_of, opts.won_lookback_days, base)
    if "reminder" in opts.kinds:
        messages += compose.reminders(reader, as_of, opts.team, base)
    if "alert" in opts.kinds:
        messages += compose.alerts(reader, as_of, log.item_logged, base)
    if "briefing" in opts.kinds:
        periods = (
            list(opts.briefing_periods)
            if opts.briefing_periods is not None
            else compose.due_periods(opts.today or dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date())
        )
        messages += compose.briefings(reader, as_of, periods, base)
    bundles = bundle_base_url(env)
    if bundles:  # links open the page in the person's bundle (same path as on the site)
        for m in messages:
            m.link = (
                bundle_link(bundles, m.mention_user_ids[0] if m.mention_user_ids else None, m.page) or m.link
            )
    return messages


def run_push(
    opts: PushOptions,
    env: Mapping[str, str] | None = None,
    clock=None,
    session: requests.Session | None = None,
    routes: list[Route] | None = None,
) -> PushResult:
    """Compose, queue and send (or, with ``dry_run``, write the payloads to ``out_dir``).
    `env`, `clock`, `session` and `routes` default to the process environment, the wall clock,
    a new HTTP session and the routing seed."""
    env = os.environ if env is None else env
    routes = load_routes() if routes is None else routes
    people = load_people()
    result = PushResult()
    log = SendLog(opts.send_log, read_only=opts.dry_run)
    try:
        with MartReader(opts.warehouse) as reader:
            result.as_of = reader.as_of_date()
            messages = compose_all(reader, opts, log, env)
        for message in messages:
            targets = resolve_routes(routes, message.kind, message.team_id, message.region_id, message.role)
            if not targets:
                result.unrouted.append(message.key)
            for route in targets:
                channel = CHANNELS[route.platform]
                mentions = [
                    people[(u, route.platform)]
                    for u in message.mention_user_ids
                    if (u, route.platform) in people
                ]
                if log.known(message.key, route.robot):  # queued or sent before, whole or in parts
                    continue
                payloads = channel.payloads(message, mentions)
                for i, payload in enumerate(payloads, start=1):
                    key = message.key if len(payloads) == 1 else f"{message.key}#{i}/{len(payloads)}"
                    if opts.dry_run:
                        result.written.append(_write_dry(opts.out_dir, route, message.kind, key, payload))
                    else:
                        log.enqueue(key, route.robot, route.platform, message.kind, payload, message.items)
                        result.queued += 1
        if not opts.dry_run:
            _send_due(log, opts, env, clock or SystemClock(), session or requests.Session(), result)
    finally:
        log.close()
    return result


def _write_dry(out_dir: Path | None, route, kind: str, key: str, payload: dict[str, Any]) -> Path:
    if out_dir is None:
        raise ValueError("--dry-run needs --out DIR")
    path = safe_output_path(out_dir, f"{slug(route.robot)}/{slug(key)}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"platform": route.platform, "robot": route.robot, "kind": kind, "key": key, "payload": payload}
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def _send_due(
    log: SendLog,
    opts: PushOptions,
    env: Mapping[str, str],
    clock,
    session: requests.Session,
    result: PushResult,
) -> None:
    pacer = Pacer(clock)
    unreachable: dict[str, str] = {}  # robot -> error: its other messages wait for the next run
    error: str | None
    for entry in log.due(opts.retry_failed):
        channel = CHANNELS[entry.platform]
        if entry.robot in unreachable:
            error = f"not tried this run: {entry.robot} kept failing ({unreachable[entry.robot]})"
            log.record(entry, entry.state, 0, error)
            (result.failed if entry.state == "failed" else result.pending).append(
                (entry.message_key, entry.robot, error)
            )
            continue
        try:
            target = endpoint(entry.robot, entry.platform, env)
        except PushConfigError as exc:
            log.record(entry, "pending", 0, str(exc))
            result.pending.append((entry.message_key, entry.robot, str(exc)))
            continue
        secrets = [target.url, target.secret or ""]
        state, attempts, error = "pending", 0, None
        delays = backoff_delays(opts.attempts)
        for attempt in range(opts.attempts):
            if attempt:
                clock.sleep(delays[attempt - 1])
            pacer.wait(entry.robot, channel.rate_limits)
            attempts += 1
            url, body = channel.prepare(target.url, target.secret, entry.payload, clock.now())
            try:
                response = session.post(url, json=body, timeout=opts.timeout_s)
                try:
                    data = response.json()
                except ValueError:
                    data = None
                outcome = channel.outcome(response.status_code, data)
            except requests.Timeout:
                outcome = Outcome(False, True, f"timeout after {opts.timeout_s:g} s")
            except requests.RequestException as exc:
                outcome = Outcome(False, True, f"{exc.__class__.__name__}: {exc}")
            error = scrub(outcome.error, secrets) if outcome.error else None
            if outcome.ok:
                state = "sent"
                break
            if not outcome.retryable:
                state = "failed"
                break
        log.record(entry, state, attempts, error)
        if state == "sent":
            result.sent += 1
        elif state == "failed":
            result.failed.append((entry.message_key, entry.robot, error))
        else:
            result.pending.append((entry.message_key, entry.robot, error))
            unreachable[entry.robot] = error or "no answer"
