"""Rate limits and retry backoff, on a clock that tests replace (no real sleeping in tests).

DingTalk and WeCom accept 20 messages a minute per robot (DingTalk then blocks the robot for
10 minutes), Feishu 100 a minute and 5 a second: :class:`Pacer` waits before a send that would
exceed any window of the robot's platform. :func:`backoff_delays` gives the waits between
attempts of one send (exponential, capped).
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Iterable


class SystemClock:
    """Wall-clock time and real sleeping."""

    def now(self) -> float:
        """Epoch seconds."""
        return time.time()

    def sleep(self, seconds: float) -> None:
        """Wait `seconds`."""
        if seconds > 0:
            time.sleep(seconds)


class FakeClock:
    """A clock whose sleep only moves its time forward (for tests and dry runs)."""

    def __init__(self, start: float | None = None) -> None:
        self.t = time.time() if start is None else start
        self.slept: list[float] = []

    def now(self) -> float:
        """The clock's time, epoch seconds."""
        return self.t

    def sleep(self, seconds: float) -> None:
        """Advance the clock by `seconds` and record the wait."""
        if seconds > 0:
            self.slept.append(seconds)
            self.t += seconds


class Pacer:
    """Per-robot sliding windows: ``wait(robot, limits)`` sleeps until one more send fits."""

    def __init__(self, clock) -> None:
        self.clock = clock
        self.sent: dict[str, deque[float]] = defaultdict(deque)

    def wait(self, robot: str, limits: Iterable[tuple[int, float]]) -> float:
        """Sleep as long as needed so that sending now keeps every (count, seconds) window of
        `robot`, record the send, and return the seconds waited."""
        waited = 0.0
        history = self.sent[robot]
        limits = list(limits)
        while True:
            now = self.clock.now()
            delay = 0.0
            for count, seconds in limits:
                recent = [t for t in history if t > now - seconds]
                if len(recent) >= count:
                    delay = max(delay, recent[-count] + seconds - now)
            if delay <= 0:
                break
            self.clock.sleep(delay + 0.001)
            waited += delay + 0.001
        history.append(self.clock.now())
        horizon = self.clock.now() - max((s for _, s in limits), default=0)
        while history and history[0] <= horizon:
            history.popleft()
        return waited


def backoff_delays(attempts: int, base: float = 2.0, factor: float = 2.0, cap: float = 30.0) -> list[float]:
    """Waits before attempts 2..`attempts` of one send: base, base*factor, … capped at `cap`."""
    return [min(cap, base * factor**i) for i in range(max(0, attempts - 1))]
