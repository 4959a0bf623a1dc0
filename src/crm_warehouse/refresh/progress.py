"""Progress of a long dbt step: nodes done of the total and the elapsed time.

dbt prints one line per node as it starts and ends (``12 of 229 OK created sql table model ...``).
`DbtProgress` reads those lines and shows how far the step is. On a terminal it rewrites one
line in place (``  build        ... 123/229 nodes · 1:23``); in a log (cron, CI, a pipe) it
writes a plain line at every tenth of the nodes, so a person reading the log sees the step move
without dbt's several hundred lines.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from typing import TextIO

# "12 of 229 OK created ...", "13 of 229 START sql ...", "7 of 229 PASS not_null_...", "3 of 229 ERROR ..."
NODE_LINE = re.compile(r"\b(\d+) of (\d+) (START|OK|PASS|WARN|ERROR|FAIL|SKIP|NO-OP)\b")
TERMINAL_REDRAW_S = 0.5


def clock(seconds: float) -> str:
    """Elapsed seconds as m:ss (h:mm:ss from an hour)."""
    s = int(seconds)
    hours, rest = divmod(s, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class DbtProgress:
    """Counts the nodes dbt has finished and shows the count on `out`."""

    def __init__(
        self,
        label: str,
        out: TextIO | None = None,
        tty: bool | None = None,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.out = out if out is not None else sys.stdout
        self.tty = self.out.isatty() if tty is None else tty
        self.now = now
        self.started = now()
        self.done = 0
        self.total = 0
        self.last_draw = float("-inf")
        self.next_share = 0.1  # the next tenth of the nodes a log line is written at
        self.drawn = False  # a line was written (the terminal line needs clearing, the step line is broken)

    def feed(self, line: str) -> None:
        """Read one line of dbt's output; hooks (``1 of 2 START hook``) are not nodes."""
        match = NODE_LINE.search(line)
        if not match or " hook: " in line:
            return
        self.total = int(match.group(2))
        if match.group(3) == "START":
            return
        self.done += 1
        self._show()

    def text(self) -> str:
        """The progress as a person reads it: nodes done of the total, share and elapsed time."""
        share = f" ({self.done / self.total:.0%})" if self.total else ""
        return f"{self.done}/{self.total} nodes{share} · {clock(self.now() - self.started)}"

    def _show(self) -> None:
        if self.tty:
            moment = self.now()
            if moment - self.last_draw < TERMINAL_REDRAW_S and self.done < self.total:
                return
            self.last_draw = moment
            self.out.write(f"\r  {self.label:<12} ... {self.text()}\x1b[K")
            self.out.flush()
            self.drawn = True
        elif self.total and self.done / self.total >= self.next_share - 1e-9:
            while self.next_share <= self.done / self.total + 1e-9:
                self.next_share += 0.1
            if not self.drawn:
                self.out.write("\n")  # the step line "  build        ..." waits for its status
            self.out.write(f"  {self.label}: {self.text()}\n")
            self.out.flush()
            self.drawn = True

    def close(self) -> None:
        """Leave the terminal line as the step line, ready for the step's status."""
        if self.tty and self.drawn:
            self.out.write(f"\r\x1b[K  {self.label:<12} ...")
            self.out.flush()
