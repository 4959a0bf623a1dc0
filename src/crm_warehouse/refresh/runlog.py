"""The console (step lines, errors) and the JSON-lines run log of the refresh."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from crm_warehouse.refresh.layout import now_iso


class Console:
    """Step progress on a terminal; errors always (stderr)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.open_step: str | None = None  # a step line waiting for its status
        self.broken = False  # something was printed since the step line started

    def _break_line(self) -> None:
        if self.open_step is not None and not self.broken:
            print(flush=True)
            self.broken = True

    def info(self, text: str) -> None:
        """Print an informational line (not with --quiet)."""
        if not self.quiet:
            self._break_line()
            print(text, flush=True)

    def step_start(self, name: str) -> None:
        """Show that a step starts."""
        self.open_step, self.broken = name, False
        if not self.quiet:
            print(f"  {name:<12} ...", end="", flush=True)

    def step_end(self, status: str, seconds: float, note: str = "") -> None:
        """Show how a step ended and how long it took."""
        if not self.quiet:
            lead = f"  {self.open_step:<12} ..." if self.broken else ""
            print(f"{lead} {status} ({seconds:.1f} s){'  ' + note if note else ''}", flush=True)
        self.open_step, self.broken = None, False

    def error(self, text: str) -> None:
        """Print an error line on stderr (always)."""
        if not self.quiet:
            self._break_line()
        print(text, file=sys.stderr, flush=True)


class RunLog:
    """Appends one JSON object per line: start, step..., warning..., end."""

    def __init__(self, path: Path, run_id: str) -> None:
        self.path = path
        self.run_id = run_id
        self.warnings: list[str] = []

    def emit(self, event: str, **fields: object) -> None:
        """Append one event (with the run id and time) to the JSON-lines run log."""
        record = {"ts": now_iso(), "run_id": self.run_id, "event": event, **fields}
        line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def warn(self, message: str, console: Console | None = None) -> None:
        """Record a warning in the run log and show it."""
        self.warnings.append(message)
        self.emit("warning", message=message)
        if console is not None:
            console.info(f"  warning: {message}")
