"""The dbt step: run dbt as a child process, and read its run results and source freshness."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from crm_warehouse.project import ROOT

FAILED_STATUSES = ("error", "fail", "runtime error")


def dbt_executable() -> str:
    """The dbt beside this Python (the venv's), else ``dbt`` on PATH."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def _die_with_parent() -> None:
    """In the child: get SIGKILL when the refresh process dies (Linux), so a killed refresh
    leaves no dbt writing into its build file."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def run_dbt(
    args: list[str],
    env: dict[str, str],
    output: Path,
    stream: bool,
    on_line: Callable[[str], None] | None = None,
) -> int:
    """Run dbt in the project folder; its output goes to `output` (and the terminal if stream),
    and each line to `on_line` (the step's progress) if given."""
    output.parent.mkdir(parents=True, exist_ok=True)
    cmd = [dbt_executable(), *args]
    with output.open("w", encoding="utf-8") as fh:
        fh.write("$ " + " ".join(cmd) + "\n")
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            preexec_fn=_die_with_parent,
        )
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                fh.write(line)
                if stream:
                    sys.stdout.write(line)
                    sys.stdout.flush()
                if on_line is not None:
                    on_line(line)
            return proc.wait()
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def summarize_run_results(path: Path) -> dict | None:
    """Counts by resource type and status, failed and warned nodes, per-model details."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    counts: dict[str, dict[str, int]] = {}
    failed, warned, models = [], [], {}
    for result in data.get("results", []):
        uid = result.get("unique_id", "?")
        kind = uid.split(".", 1)[0]
        status = str(result.get("status"))
        counts.setdefault(kind, {}).setdefault(status, 0)
        counts[kind][status] += 1
        message = result.get("message")
        if status in FAILED_STATUSES:
            failed.append(
                {"node": uid, "status": status, "message": (str(message) if message else "")[:1000]}
            )
        elif status == "warn":
            warned.append(uid)
        if kind in ("model", "seed", "snapshot"):
            response = result.get("adapter_response") or {}
            entry = {
                "status": status,
                "seconds": round(float(result.get("execution_time") or 0), 3),
                "relation": result.get("relation_name"),
            }
            if response.get("rows_affected") is not None:
                entry["rows_affected"] = response["rows_affected"]
            models[uid] = entry
    return {
        "counts": counts,
        "failed": failed,
        "warned": warned,
        "models": models,
        "elapsed_s": data.get("elapsed_time"),
    }


def summarize_freshness(path: Path) -> dict | None:
    """Counts by status of dbt's sources.json (source freshness) and the sources not passing, or None
    when the file is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    counts: dict[str, int] = {}
    stale = []
    for result in data.get("results", []):
        status = str(result.get("status"))
        counts[status] = counts.get(status, 0) + 1
        if status != "pass":
            age = result.get("max_loaded_at_time_ago_in_s")
            stale.append(
                {
                    "source": result.get("unique_id"),
                    "status": status,
                    "max_loaded_at": result.get("max_loaded_at"),
                    "age_hours": round(age / 3600, 1) if isinstance(age, (int, float)) else None,
                }
            )
    return {"counts": counts, "not_passing": stale}


def dbt_error_lines(output: Path, limit: int = 15) -> list[str]:
    """The last error lines of a dbt log (at most ``limit``), for the console and the run log."""
    try:
        lines = output.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    hits = [line.strip() for line in lines if "error" in line.lower() and line.strip()]
    return hits[-limit:]
