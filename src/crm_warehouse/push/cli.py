"""Push what is due to the group robots (DingTalk, WeCom, Feishu): won deals, reminders,
critical alerts, briefings. See docs/push.md.

    push.py [push] [--warehouse W] [--send-log L] [--kind K ...] [--team T002]
            [--briefings auto|none|daily,weekly,monthly] [--today YYYY-MM-DD]
            [--dry-run --out DIR] [--retry-failed]

Exit codes: 0 everything delivered (or written with --dry-run); 3 messages left pending or
failed (they stay in the send log and go out on the next run); 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

import duckdb  # noqa: E402

from crm_warehouse.project import ROOT
from crm_warehouse.push.config import KINDS, PushConfigError  # noqa: E402
from crm_warehouse.push.runner import PushOptions, run_push  # noqa: E402

EXIT_OK, EXIT_USAGE, EXIT_UNDELIVERED = 0, 2, 3


def build_parser() -> argparse.ArgumentParser:
    """The command line (see the module docstring)."""
    env = os.environ
    serving = Path(env.get("CRM_SERVING_PATH", ROOT / "warehouse" / "crm.duckdb"))
    p = argparse.ArgumentParser(prog="crmwh push", description=__doc__.splitlines()[0])
    p.add_argument("command", nargs="?", choices=["push"], default="push")
    p.add_argument("--warehouse", type=Path, default=serving, help="serving warehouse (read-only)")
    p.add_argument(
        "--send-log",
        type=Path,
        default=env.get("CRM_PUSH_SEND_LOG"),
        help="send log (default: push/send_log.duckdb beside the warehouse)",
    )
    p.add_argument(
        "--kind", action="append", choices=KINDS, help="only these kinds (repeatable; default all)"
    )
    p.add_argument("--team", help="reminders for this team only (a lead's one-click reminder), e.g. T002")
    p.add_argument(
        "--briefings",
        default="auto",
        help="auto (daily; weekly on Mondays; monthly on the 1st), none, or a list daily,weekly,monthly",
    )
    p.add_argument("--today", type=dt.date.fromisoformat, help="the day deciding which briefings are due")
    p.add_argument(
        "--won-lookback-days", type=int, default=3, help="won deals of the last N days (default 3)"
    )
    p.add_argument("--dry-run", action="store_true", help="write each message as JSON instead of sending")
    p.add_argument("--out", type=Path, help="folder of the --dry-run files")
    p.add_argument("--retry-failed", action="store_true", help="send messages the platform refused again")
    p.add_argument("--timeout", type=float, default=10.0, help="HTTP timeout in seconds (default 10)")
    p.add_argument("--attempts", type=int, default=3, help="attempts per message and run (default 3)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one push; print a summary and every message left pending or failed."""
    args = build_parser().parse_args(argv)
    if args.dry_run and not args.out:
        print("--dry-run needs --out DIR", file=sys.stderr)
        return EXIT_USAGE
    kinds = tuple(args.kind) if args.kind else (("reminder",) if args.team else KINDS)
    periods: tuple[str, ...] | None
    if args.briefings == "auto":
        periods = None
    elif args.briefings == "none":
        periods, kinds = (), tuple(k for k in kinds if k != "briefing")
    else:
        periods = tuple(p.strip() for p in args.briefings.split(",") if p.strip())
        bad = [p for p in periods if p not in ("daily", "weekly", "monthly")]
        if bad:
            print(f"--briefings: unknown period(s) {', '.join(bad)}", file=sys.stderr)
            return EXIT_USAGE
    send_log = args.send_log or args.warehouse.parent / "push" / "send_log.duckdb"
    opts = PushOptions(
        warehouse=args.warehouse,
        send_log=send_log,
        kinds=kinds,
        team=args.team,
        briefing_periods=periods,
        today=args.today,
        dry_run=args.dry_run,
        out_dir=args.out,
        won_lookback_days=args.won_lookback_days,
        attempts=args.attempts,
        timeout_s=args.timeout,
        retry_failed=args.retry_failed,
    )
    try:
        result = run_push(opts)
    except (PushConfigError, ValueError, FileNotFoundError) as exc:
        print(f"push: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except duckdb.IOException as exc:
        print(
            f"push: cannot open the send log {send_log} (another push running?) / 发送日志被占用: "
            f"{exc.__class__.__name__}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    print(result.summary())
    for what, rows in (("待重发 pending", result.pending), ("失败 failed", result.failed)):
        for key, robot, error in rows:
            print(f"  {what}: {key} -> {robot}: {error}", file=sys.stderr)
    if result.unrouted:
        print(
            f"  无路由 unrouted (no route in seeds/ref_push_routes.csv): {', '.join(result.unrouted[:10])}",
            file=sys.stderr,
        )
    return EXIT_OK if result.ok else EXIT_UNDELIVERED


if __name__ == "__main__":
    sys.exit(main())
