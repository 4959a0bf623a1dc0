"""Group-robot push after a successful publish (crmwh push as a child process)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

PUSH_ENABLED_ENV = "CRM_PUSH_ENABLED"


PUSH_TIMEOUT_S = 1800


def push_after_publish(
    serving: Path,
    run: Callable[..., subprocess.CompletedProcess] = subprocess.run,
    timeout_s: float = PUSH_TIMEOUT_S,
) -> tuple[str, str]:
    """Run ``crmwh push`` on the just-published serving file and return (status, message):
    ``ok``, or ``warn`` when messages stay pending (exit 3), the push fails or times out. Never
    raises: the refresh has already published and stays published."""
    try:
        proc = run(
            [sys.executable, "-m", "crm_warehouse", "push", "--warehouse", str(serving)],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "warn", f"push did not finish within {timeout_s:g} s; pending messages go out on the next run"
    except OSError as exc:
        return "warn", f"push could not start: {exc.__class__.__name__}"
    lines = [
        line for line in (proc.stdout or "").splitlines() + (proc.stderr or "").splitlines() if line.strip()
    ]
    summary = "; ".join(lines[:6])[:1000]
    if proc.returncode == 0:
        return "ok", summary
    return "warn", f"exit {proc.returncode}: {summary}"
