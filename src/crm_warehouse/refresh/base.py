"""The refresh run's state: its options, console, run log and lock, the step context and dbt's environment."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crm_warehouse.project import ROOT
from crm_warehouse.refresh.layout import Layout, stamp
from crm_warehouse.refresh.lock import DEFAULT_LOCK_MAX_AGE_S, RefreshLock
from crm_warehouse.refresh.runlog import Console, RunLog
from crm_warehouse.refresh.settings import AS_OF_ENV, DBT_SALT_ENV, SALT_ENV


@dataclass
class Options:
    """How a refresh runs: landing folder, layout, history kept, target, gate, as-of date, source mapping."""

    landing_dir: Path
    layout: Layout
    keep: int = 3
    full_refresh: bool = False
    target: str = "duckdb"
    gate: str = "auto"
    fmt: str = "csv"
    freshness: bool = True
    quiet: bool = False
    verbose: bool = False
    dbt_args: list[str] = field(default_factory=list)
    lock_max_age_s: float = DEFAULT_LOCK_MAX_AGE_S
    rollback_to: Path | None = None
    as_of_date: str | None = None
    source_mapping: Path | None = None
    source_dir: Path | None = None


class RefreshBase:
    """What every step of a refresh shares: options, layout, console, run log, lock, summary."""

    def __init__(self, opts: Options, command: str = "run") -> None:
        self.opts = opts
        self.layout = opts.layout
        self.run_id = f"{stamp()}-{os.getpid()}"
        self.console = Console(opts.quiet)
        self.log = RunLog(self.layout.log, self.run_id)
        self.lock = RefreshLock(self.layout.lock, opts.lock_max_age_s)
        self.command = command
        self.summary: dict[str, Any] = {}
        self.steps: list[dict] = []

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[dict]:
        """Run one step of the refresh: time it, log it (name, status, seconds, the info it fills) and show it."""
        info: dict = {}
        started = time.monotonic()
        self.console.step_start(name)
        status = "failed"
        try:
            yield info
            status = info.pop("_status", "ok")
        finally:
            seconds = round(time.monotonic() - started, 3)
            note = info.pop("_note", "")
            self.steps.append({"name": name, "status": status, "seconds": seconds})
            self.log.emit("step", name=name, status=status, duration_s=seconds, **info)
            self.console.step_end(status, seconds, note)

    def dbt_env(self) -> dict[str, str]:
        """The environment of the dbt child: the salt only under dbt's secret prefix, the landing folder and the build file."""
        env = dict(os.environ)
        # dbt sees the salt only under the secret prefix it scrubs from its logs; the plugin
        # (DuckDB) and ${env:...} (Spark) read it at run time, so no SQL text holds it.
        salt = env.pop(SALT_ENV, "") or env.get(DBT_SALT_ENV, "")
        env[DBT_SALT_ENV] = salt
        env.pop(AS_OF_ENV, None)  # passed as --vars, never read from the environment by dbt
        env.update(
            {
                "CRM_LANDING_DIR": str(self.opts.landing_dir),
                "CRM_LANDING_FORMAT": self.opts.fmt,
                "DBT_PROFILES_DIR": os.environ.get("DBT_PROFILES_DIR", str(ROOT)),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            }
        )
        if self.opts.target == "duckdb":
            env["CRM_DUCKDB_PATH"] = str(self.layout.candidate)
        else:
            env.setdefault("CRM_SPARK_HOME", str(self.layout.serving.parent / "spark"))
            env["CRM_SPARK_HOME"] = os.path.abspath(env["CRM_SPARK_HOME"])
        return env

    def dbt_common(self) -> list[str]:
        """The arguments every dbt command of this run takes: target, target and log paths, the as-of date."""
        d = str(self.layout.dbt_dir)
        args = ["--target", self.opts.target, "--target-path", d, "--log-path", d, "--no-use-colors"]
        if self.opts.as_of_date:
            args += ["--vars", json.dumps({"as_of_date": self.opts.as_of_date})]
        return args
