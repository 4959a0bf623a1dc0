"""The refresh lock: one refresh at a time per serving file; a stale lock of a dead process is taken over."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import sys
import time
from pathlib import Path

from crm_warehouse.refresh.layout import now_iso

DEFAULT_LOCK_MAX_AGE_S = 6 * 3600


def _proc_start_epoch(pid: int) -> float | None:
    """When a process started (Linux /proc), or None when unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        ticks = int(fields[19])  # field 22 of stat, counted after pid and comm
        btime = next(
            int(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
        return btime + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, StopIteration, IndexError):
        return None


def pid_alive(pid: int) -> bool:
    """True when a process with this pid runs (a zombie counts as dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError, IndexError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat[stat.rindex(")") + 2 :].split()[0] in ("Z", "X"):
            return False  # killed, not yet reaped
    return True


class Locked(Exception):
    """Another live refresh holds the lock."""

    def __init__(self, holder: dict) -> None:
        super().__init__(
            f"another refresh is running: pid {holder.get('pid')} on "
            f"{holder.get('host')}, started {holder.get('started_at')}"
        )
        self.holder = holder


class RefreshLock:
    """A lock file holding pid, host and start time; a guard flock serialises takeovers.

    A lock whose process is gone (or whose pid now belongs to a younger process) or that is
    older than `max_age_s` is stale: it is taken over with a warning.
    """

    def __init__(self, path: Path, max_age_s: float = DEFAULT_LOCK_MAX_AGE_S) -> None:
        self.path = path
        self.guard = path.with_name(path.name + ".guard")
        self.max_age_s = max_age_s
        self.record: dict | None = None

    def read(self) -> dict | None:
        """The lock file's content (pid, host, start time); None when there is none, {} when it is unreadable."""
        try:
            data = json.loads(self.path.read_text())
            return data if isinstance(data, dict) else {}
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {}  # unreadable: treated as stale

    def stale_reason(self, holder: dict) -> str | None:
        """Why the holder's lock is stale (unreadable, older than the maximum age, or its process is gone),
        else None."""
        pid, started = holder.get("pid"), holder.get("started_epoch")
        if not isinstance(pid, int) or not isinstance(started, (int, float)):
            return "lock file is unreadable"
        age = time.time() - started
        if age > self.max_age_s:
            return f"lock is {age / 3600:.1f} h old (limit {self.max_age_s / 3600:.1f} h)"
        if holder.get("host") not in (None, socket.gethostname()):
            return None  # another machine: only the age can tell
        if not pid_alive(pid):
            return f"process {pid} is not running"
        proc_start = _proc_start_epoch(pid)
        if proc_start is not None and proc_start > started + 2:
            return f"pid {pid} now belongs to another process"
        return None

    def acquire(self) -> str | None:
        """Take the lock; returns a warning when a stale lock was recovered; raises Locked."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.guard, "a") as guard:
            fcntl.flock(guard, fcntl.LOCK_EX)
            warning = None
            holder = self.read()
            if holder is not None:
                reason = self.stale_reason(holder)
                if reason is None:
                    raise Locked(holder)
                warning = (
                    f"stale lock recovered ({reason}): pid {holder.get('pid')}, started "
                    f"{holder.get('started_at')}"
                )
            record = {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "started_at": now_iso(),
                "started_epoch": time.time(),
                "argv": sys.argv,
            }
            tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(record))
            os.replace(tmp, self.path)
            self.record = record
            return warning

    def release(self) -> None:
        """Remove the lock file if this process holds it."""
        if self.record is None:
            return
        with open(self.guard, "a") as guard:
            fcntl.flock(guard, fcntl.LOCK_EX)
            holder = self.read()
            if (
                holder
                and holder.get("pid") == self.record["pid"]
                and holder.get("started_epoch") == self.record["started_epoch"]
            ):
                self.path.unlink(missing_ok=True)
        self.record = None
