"""The refresh run: the command (run or rollback) under the lock, signals, and the run's outcome."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import time
import traceback

from crm_warehouse.refresh.base import Options, RefreshBase
from crm_warehouse.refresh.build_step import BuildStep
from crm_warehouse.refresh.codes import (
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_UNEXPECTED,
    OUTCOMES,
    Interrupted,
    RefreshError,
)
from crm_warehouse.refresh.lock import Locked
from crm_warehouse.refresh.rollback import RollbackStep

__all__ = ["Options", "Refresh", "RefreshBase"]


class Refresh(BuildStep, RollbackStep):
    """One refresh or rollback: ``execute()`` runs it and returns the exit code."""

    # ---- entry points

    def execute(self) -> int:
        """Run the command under the lock with SIGTERM/SIGINT handled; log the outcome; return the exit code."""
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

        def interrupted(signum, frame):  # noqa: ARG001
            raise Interrupted(signal.Signals(signum).name)

        for sig in previous:
            signal.signal(sig, interrupted)
        started = time.monotonic()
        code = EXIT_UNEXPECTED
        error: str | None = None
        try:
            self.log.emit(
                "start",
                command=self.command,
                pid=os.getpid(),
                host=socket.gethostname(),
                argv=sys.argv[1:],
                landing_dir=str(self.opts.landing_dir),
                serving=str(self.layout.serving),
                target=self.opts.target,
                full_refresh=self.opts.full_refresh,
                gate=self.opts.gate,
                keep=self.opts.keep,
            )
            self.console.info(f"{self.command} {self.run_id}: serving {self.layout.serving}")
            with self.step("lock") as info:
                info["lock_file"] = str(self.layout.lock)
                try:
                    warning = self.lock.acquire()
                except Locked as exc:
                    info["holder"] = exc.holder
                    raise RefreshError(EXIT_LOCKED, str(exc)) from None
                if warning:
                    self.log.warn(warning, self.console)
            (self.rollback if self.command == "rollback" else self.refresh)()
            code = EXIT_OK
        except RefreshError as exc:
            code, error = exc.code, str(exc)
            self.summary.update(exc.details)
        except (Interrupted, KeyboardInterrupt) as exc:
            code, error = EXIT_INTERRUPTED, f"interrupted ({exc or 'SIGINT'})"
        except Exception as exc:  # noqa: BLE001
            code, error = EXIT_UNEXPECTED, f"{exc.__class__.__name__}: {exc}"
            self.summary["traceback"] = traceback.format_exc()
            traceback.print_exc()
        finally:
            with contextlib.suppress(BaseException):
                self.lock.release()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        total = round(time.monotonic() - started, 3)
        try:
            self.log.emit(
                "end",
                outcome=OUTCOMES.get(code, "error"),
                exit_code=code,
                duration_s=total,
                error=error,
                steps=self.steps,
                warnings=self.log.warnings,
                **self.summary,
            )
        except OSError as exc:
            self.console.error(f"cannot write the run log {self.layout.log}: {exc}")
        if code == EXIT_OK:
            self.console.info(
                f"{self.command} done in {total:.1f} s: {self.layout.serving}"
                + (
                    f" ({len(self.log.warnings)} warning(s), see {self.layout.log})"
                    if self.log.warnings
                    else ""
                )
            )
        else:
            self.console.error(f"refresh {OUTCOMES.get(code)} (exit {code}): {error}")
            if self.command == "run" and code != EXIT_LOCKED:
                if self.opts.target != "duckdb":
                    self.console.error(
                        "spark: models built before the failure were replaced in place "
                        "(no swap on Spark, see docs/operations.md)"
                    )
                else:
                    self.console.error(
                        f"serving warehouse {self.layout.serving} "
                        + (
                            "was not changed"
                            if not self.summary.get("published")
                            else "was replaced (the swap had happened); see the log"
                        )
                    )
            self.console.error(f"run log: {self.layout.log}")
        return code
