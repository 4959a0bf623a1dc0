"""The refresh's progress line: dbt nodes done of the total and the elapsed time, one line
rewritten in place on a terminal, a plain line at every tenth of the nodes in a log."""

from __future__ import annotations

import io
import re

from crm_warehouse.refresh.progress import DbtProgress, clock


def dbt_lines(total: int) -> list[str]:
    """What dbt prints for `total` nodes run one after the other, with its two hooks."""
    lines = [
        "12:00:00  1 of 2 START hook: crm_indicators.on-run-start.0 ...... [RUN]",
        "12:00:01  1 of 2 OK hook: crm_indicators.on-run-start.0 ......... [OK in 1.0s]",
    ]
    for i in range(1, total + 1):
        lines.append(f"12:00:02  {i} of {total} START sql table model core.m{i} ...... [RUN]")
        status = "PASS not_null_m" if i % 3 == 0 else "OK created sql table model core.m"
        lines.append(f"12:00:03  {i} of {total} {status}{i} ...... [OK in 0.1s]")
    return lines


class FakeClock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_clock_reads_minutes_and_hours() -> None:
    assert clock(0) == "0:00"
    assert clock(83.9) == "1:23"
    assert clock(3725) == "1:02:05"


def test_a_log_gets_a_plain_line_at_every_tenth_of_the_nodes() -> None:
    out, now = io.StringIO(), FakeClock()
    progress = DbtProgress("build", out=out, tty=False, now=now)
    for i, line in enumerate(dbt_lines(40)):
        now.t = 100.0 + i  # one second a line
        progress.feed(line)
    progress.close()
    text = out.getvalue()
    assert text.startswith("\n"), "the open step line is ended before the first progress line"
    lines = text.strip("\n").split("\n")
    assert len(lines) == 10, lines
    assert lines[0] == "  build: 4/40 nodes (10%) · 0:09"  # the 4th node ends on the 10th line fed
    assert lines[-1] == "  build: 40/40 nodes (100%) · 1:21"
    assert "\r" not in text and "\x1b" not in text, "no terminal control in a log"


def test_a_terminal_gets_one_line_rewritten_in_place() -> None:
    out, now = io.StringIO(), FakeClock()
    progress = DbtProgress("build", out=out, tty=True, now=now)
    for i, line in enumerate(dbt_lines(20)):
        now.t = 100.0 + i * 0.1  # ten lines a second: drawn at most twice a second
        progress.feed(line)
    progress.close()
    text = out.getvalue()
    assert "\n" not in text, "the terminal line is rewritten, never a new line"
    draws = re.findall(r"\r  build        \.\.\. (\d+)/20 nodes \(\d+%\) · 0:0\d\x1b\[K", text)
    assert draws[0] == "1" and draws[-1] == "20", draws
    assert 4 <= len(draws) <= 10, f"drawn {len(draws)} times for 20 nodes in 4 seconds"
    assert text.endswith("\r\x1b[K  build        ..."), "close leaves the step line for its status"


def test_hooks_and_other_lines_are_not_nodes() -> None:
    out = io.StringIO()
    progress = DbtProgress("build", out=out, tty=False)
    for line in [
        "Running with dbt=1.11.16",
        "1 of 2 OK hook: x.on-run-start.0 ... [OK]",
        "Found 85 models, 576 data tests",
        "Completed successfully",
    ]:
        progress.feed(line)
    assert (progress.done, progress.total, out.getvalue()) == (0, 0, "")


def test_the_nightly_refresh_shows_its_build_progress_in_its_log(golden) -> None:
    """The golden run is a refresh whose output is a pipe (as under cron): plain progress lines
    for the build step, ending at every node done."""
    out = golden["proc"].stdout
    progress = re.findall(r"^  build: (\d+)/(\d+) nodes \((\d+)%\) · \d+:\d\d$", out, flags=re.M)
    assert len(progress) >= 5, out[-2000:]
    done, total, share = progress[-1]
    assert done == total and share == "100" and int(total) > 300
    assert re.search(r"^  build        \.\.\. ok \(\d+\.\d s\)", out, flags=re.M), (
        "the status on its own line"
    )
