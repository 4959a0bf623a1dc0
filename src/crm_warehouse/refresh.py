"""Nightly refresh of the warehouse: lock, landing gate, source freshness, dbt build into a fresh
DuckDB file, atomic swap into the serving path, Parquet copies of the marts, history for
rollback, and a JSON-lines run log. See docs/operations.md.

Usage:
  crmwh refresh [run] [--landing-dir DIR] [--serving-path FILE] [--keep N]
                            [--full-refresh] [--target duckdb|spark] [--gate auto|gx|basic|none]
                            [--no-freshness] [--quiet | --verbose] [--dbt-arg ARG ...]
  crmwh rollback [--to FILE] [--serving-path FILE]

The serving file is never opened for writing. The full build file (with the raw audit layer,
`staging`, that holds clear-text personal data) stays private (warehouse/private/, mode 0600):
each incremental refresh copies it, builds the copy, and publishes only the serving schemas
(core, marts, data_quality, reference) into a fresh serving file, swapped in with os.replace
only when the gate passed and dbt reported no error (models and error-level data tests;
production builds run no unit tests: `make test-duckdb` does). Readers that open the serving
file read-only keep the previous warehouse until the swap and get the new one on their next
connection. A process holding the serving file open for writing (or its WAL) stops the publish.

Production settings: CRM_PII_SALT must be set (letters, digits and . _ ~ + / = - only); it
reaches dbt only as DBT_ENV_SECRET_CRM_PII_SALT and never lands in an artefact. CRM_AS_OF_DATE
(or --as-of-date YYYY-MM-DD, not after today) fixes the as-of date (passed as --vars).

Group-robot push: with CRM_PUSH_ENABLED=1, a run that published then runs crmwh push on
the serving file (step "push", see docs/push.md). A push problem (messages left pending, an
error, a timeout) is a warning in the run log and on the console; the exit code and the
published warehouse are not affected.

Exit codes:
   0  refreshed and published (or rolled back)
   2  bad command line or settings (CRM_PII_SALT missing or malformed, a bad as-of date)
  10  locked: another refresh holds the lock (nothing done)
  20  landing gate failed (structural fault in a landing file); serving untouched
  30  dbt build failed (model error, failed unit test or error-level data test); serving untouched
  40  publish failed (inspection, Parquet export, swap or history); or rollback impossible
  50  unexpected error (a bug or an environment problem; traceback in stderr and the log)
  60  interrupted (SIGTERM/SIGINT); serving untouched unless the swap had already happened
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fcntl
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from crm_warehouse.project import ROOT

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_LOCKED = 10
EXIT_GATE = 20
EXIT_DBT = 30
EXIT_PUBLISH = 40
EXIT_UNEXPECTED = 50
EXIT_INTERRUPTED = 60
OUTCOMES = {
    EXIT_OK: "ok", EXIT_USAGE: "bad_settings", EXIT_LOCKED: "locked", EXIT_GATE: "gate_failed", EXIT_DBT: "dbt_failed",
    EXIT_PUBLISH: "publish_failed", EXIT_UNEXPECTED: "unexpected_error", EXIT_INTERRUPTED: "interrupted",
}

# Schemas whose tables BI reads: copied to Parquet after every publish.
MART_SCHEMAS = ("core", "marts", "data_quality")
# Schemas published into the serving file; staging (raw rows, clear-text personal data) and
# intermediate stay in the private build file.
SERVING_SCHEMAS = ("core", "marts", "data_quality", "reference")
SALT_ENV, DBT_SALT_ENV, AS_OF_ENV = "CRM_PII_SALT", "DBT_ENV_SECRET_CRM_PII_SALT", "CRM_AS_OF_DATE"
SALT_ALLOWED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~+/=-")
# Persistent histories a full rebuild must not lose (their models are full_refresh=false).
HISTORY_TABLES = ("data_quality.fct_data_quality_issues", "marts.fct_alerts")
DEFAULT_LOCK_MAX_AGE_S = 6 * 3600
FAILED_STATUSES = ("error", "fail", "runtime error")


class RefreshError(Exception):
    """A failure of a known kind: carries the exit code."""

    def __init__(self, code: int, message: str, **details: object) -> None:
        super().__init__(message)
        self.code = code
        self.details = details


class Interrupted(BaseException):
    """SIGTERM or SIGINT arrived."""


# --------------------------------------------------------------------------------------------
# Paths


@dataclass(frozen=True)
class Layout:
    """Every path a refresh touches; all derive from the serving path unless overridden."""

    serving: Path
    history: Path
    parquet: Path
    log: Path
    lock: Path

    @classmethod
    def from_serving(cls, serving: Path, history: Path | None = None, parquet: Path | None = None,
                     log: Path | None = None, lock: Path | None = None) -> "Layout":
        serving = Path(os.path.abspath(serving))
        home = serving.parent
        return cls(
            serving=serving,
            history=Path(os.path.abspath(history)) if history else home / "history",
            parquet=Path(os.path.abspath(parquet)) if parquet else home / "parquet",
            log=Path(os.path.abspath(log)) if log else home / "logs" / "refresh.jsonl",
            lock=Path(os.path.abspath(lock)) if lock else home / f".{serving.stem}.refresh.lock",
        )

    @property
    def build_dir(self) -> Path:
        return self.serving.parent / ".build"

    @property
    def candidate(self) -> Path:
        # Same file name as the serving file: DuckDB names the database after the file stem.
        return self.build_dir / self.serving.name

    @property
    def dbt_dir(self) -> Path:
        return self.build_dir / "dbt"

    @property
    def serve_candidate(self) -> Path:
        # The serving schemas only, copied out of the full candidate.
        return self.build_dir / "serve" / self.serving.name

    @property
    def private_dir(self) -> Path:
        return self.serving.parent / "private"

    @property
    def private(self) -> Path:
        # The last published full build (staging included): the next incremental run starts here.
        return self.private_dir / self.serving.name

    @property
    def parquet_store(self) -> Path:
        # Published Parquet versions; `parquet` is a symlink to one of them.
        return self.parquet.parent / f".{self.parquet.name}.versions"

    @property
    def gate_dir(self) -> Path:
        return self.serving.parent / "gate"

    @property
    def rolled_back(self) -> Path:
        return self.history / "rolled-back"


def now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="milliseconds")


def stamp(epoch: float | None = None) -> str:
    return time.strftime("%Y%m%dT%H%M%S", time.localtime(time.time() if epoch is None else epoch))


def fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_path(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.is_dir():
        shutil.rmtree(path, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Console and run log


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
        if not self.quiet:
            self._break_line()
            print(text, flush=True)

    def step_start(self, name: str) -> None:
        self.open_step, self.broken = name, False
        if not self.quiet:
            print(f"  {name:<12} ...", end="", flush=True)

    def step_end(self, status: str, seconds: float, note: str = "") -> None:
        if not self.quiet:
            lead = f"  {self.open_step:<12} ..." if self.broken else ""
            print(f"{lead} {status} ({seconds:.1f} s){'  ' + note if note else ''}", flush=True)
        self.open_step, self.broken = None, False

    def error(self, text: str) -> None:
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
        self.warnings.append(message)
        self.emit("warning", message=message)
        if console is not None:
            console.info(f"  warning: {message}")


# --------------------------------------------------------------------------------------------
# Lock


def _proc_start_epoch(pid: int) -> float | None:
    """When a process started (Linux /proc), or None when unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2:].split()
        ticks = int(fields[19])  # field 22 of stat, counted after pid and comm
        btime = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                     if line.startswith("btime "))
        return btime + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, StopIteration, IndexError):
        return None


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError, IndexError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat[stat.rindex(")") + 2:].split()[0] in ("Z", "X"):
            return False  # killed, not yet reaped
    return True


class Locked(Exception):
    def __init__(self, holder: dict) -> None:
        super().__init__(f"another refresh is running: pid {holder.get('pid')} on "
                         f"{holder.get('host')}, started {holder.get('started_at')}")
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
        try:
            data = json.loads(self.path.read_text())
            return data if isinstance(data, dict) else {}
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {}  # unreadable: treated as stale

    def stale_reason(self, holder: dict) -> str | None:
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
                warning = (f"stale lock recovered ({reason}): pid {holder.get('pid')}, started "
                           f"{holder.get('started_at')}")
            record = {"pid": os.getpid(), "host": socket.gethostname(), "started_at": now_iso(),
                      "started_epoch": time.time(), "argv": sys.argv}
            tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(record))
            os.replace(tmp, self.path)
            self.record = record
            return warning

    def release(self) -> None:
        if self.record is None:
            return
        with open(self.guard, "a") as guard:
            fcntl.flock(guard, fcntl.LOCK_EX)
            holder = self.read()
            if holder and holder.get("pid") == self.record["pid"] \
                    and holder.get("started_epoch") == self.record["started_epoch"]:
                self.path.unlink(missing_ok=True)
        self.record = None


# --------------------------------------------------------------------------------------------
# Landing gates (pluggable): a gate is a callable (landing_dir, fmt, out_dir) -> GateResult


@dataclass
class GateResult:
    gate: str
    exit_code: int
    messages: list[str] = field(default_factory=list)
    output: str = ""

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


Gate = Callable[[Path, str, Path], GateResult]


def load_landing_gate() -> Callable[[list[str]], int] | None:
    """main(argv) -> int of the landing gate (crm_warehouse.landing_gate)."""
    from crm_warehouse import landing_gate  # noqa: PLC0415 - Great Expectations loads slowly

    return landing_gate.main


def gx_gate(landing_dir: Path, fmt: str, out_dir: Path) -> GateResult:
    """The Great Expectations landing gate (crmwh gate): exit 2 on structural faults."""
    main = load_landing_gate()
    if main is None:
        raise RuntimeError("crmwh gate is missing or has no main(argv)")
    argv = ["--landing-dir", str(landing_dir), "--format", fmt]
    with_outputs = argv + ["--docs-dir", str(out_dir / "data_docs"), "--summary",
                           str(out_dir / "summary.txt"), "--json", str(out_dir / "result.json")]
    argv = with_outputs
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    code = int(code or 0)
    messages = [line for line in err.getvalue().splitlines() if line.strip()]
    return GateResult("gx", code, messages, out.getvalue() + err.getvalue())


def _basic_gate(landing_dir: Path, fmt: str, quick: bool) -> GateResult:
    from crm_warehouse.check_landing import check_landing  # noqa: PLC0415

    problems = check_landing(landing_dir, fmt, quick=quick)
    messages = [f"LANDING ERROR {p}" for p in problems]
    return GateResult("basic-quick" if quick else "basic", 2 if problems else 0, messages,
                      "\n".join(messages))


GATES: dict[str, Gate] = {
    "gx": gx_gate,
    "basic": lambda landing, fmt, out: _basic_gate(landing, fmt, quick=False),
    "basic-quick": lambda landing, fmt, out: _basic_gate(landing, fmt, quick=True),
    "none": lambda landing, fmt, out: GateResult("none", 0),
}


def choose_gate(name: str, log: RunLog, console: Console) -> tuple[str, Gate]:
    if name != "auto":
        return name, GATES[name]
    try:
        if load_landing_gate() is not None:
            return "gx", GATES["gx"]
    except Exception as exc:  # noqa: BLE001 - a broken gate module: fall back, say so
        log.warn(f"crmwh gate could not be loaded ({exc.__class__.__name__}: {exc}); "
                 "using the structural check of crmwh check", console)
    return "basic", GATES["basic"]


# --------------------------------------------------------------------------------------------
# dbt


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def _die_with_parent() -> None:
    """In the child: get SIGKILL when the refresh process dies (Linux), so a killed refresh
    leaves no dbt writing into its build file."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def run_dbt(args: list[str], env: dict[str, str], output: Path, stream: bool) -> int:
    """Run dbt in the project folder; its output goes to `output` (and the terminal if stream)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    cmd = [dbt_executable(), *args]
    with output.open("w", encoding="utf-8") as fh:
        fh.write("$ " + " ".join(cmd) + "\n")
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, errors="replace",
                                preexec_fn=_die_with_parent)
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                fh.write(line)
                if stream:
                    sys.stdout.write(line)
                    sys.stdout.flush()
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
            failed.append({"node": uid, "status": status,
                           "message": (str(message) if message else "")[:1000]})
        elif status == "warn":
            warned.append(uid)
        if kind in ("model", "seed", "snapshot"):
            response = result.get("adapter_response") or {}
            entry = {"status": status, "seconds": round(float(result.get("execution_time") or 0), 3),
                     "relation": result.get("relation_name")}
            if response.get("rows_affected") is not None:
                entry["rows_affected"] = response["rows_affected"]
            models[uid] = entry
    return {"counts": counts, "failed": failed, "warned": warned, "models": models,
            "elapsed_s": data.get("elapsed_time")}


def summarize_freshness(path: Path) -> dict | None:
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
            stale.append({"source": result.get("unique_id"), "status": status,
                          "max_loaded_at": result.get("max_loaded_at"),
                          "age_hours": round(age / 3600, 1) if isinstance(age, (int, float)) else None})
    return {"counts": counts, "not_passing": stale}


def dbt_error_lines(output: Path, limit: int = 15) -> list[str]:
    try:
        lines = output.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    hits = [line.strip() for line in lines if "error" in line.lower() and line.strip()]
    return hits[-limit:]


# --------------------------------------------------------------------------------------------
# DuckDB: inspection, checksums, Parquet


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def carry_history(serving: Path, candidate: Path,
                  tables: tuple[str, ...] = HISTORY_TABLES) -> list[str]:
    """Copy the history tables (open/resolved data-quality issues and alerts) from the serving
    warehouse into a new, empty build file, so a full rebuild continues their history: those
    models are `full_refresh=false` and run incrementally on the carried rows."""
    import duckdb

    candidate.unlink(missing_ok=True)
    con = duckdb.connect(str(candidate))
    carried = []
    try:
        con.execute(f"attach {quote_literal(str(serving))} as previous (read_only)")
        present = {f"{s}.{t}" for s, t in con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'previous'").fetchall()}
        for name in tables:
            if name not in present:
                continue
            schema, table = name.split(".")
            con.execute(f'create schema if not exists "{schema}"')
            con.execute(f'create table "{schema}"."{table}" as select * from previous."{schema}"."{table}"')
            carried.append(name)
        con.execute("detach previous")
        con.execute("checkpoint")
    finally:
        con.close()
    if not carried:
        candidate.unlink(missing_ok=True)
    return carried


def base_tables(con, schemas: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    sql = ("select table_schema, table_name from information_schema.tables "
           "where table_type = 'BASE TABLE' and table_catalog = current_database()")
    params: list = []
    if schemas is not None:
        sql += " and table_schema in (" + ", ".join("?" for _ in schemas) + ")"
        params = list(schemas)
    return [tuple(row) for row in con.execute(sql + " order by 1, 2", params).fetchall()]


def table_checksum(con, schema: str, table: str) -> tuple[int, int]:
    """(row count, order-independent hash of all rows); floats rounded to 9 places so a
    parallel sum's last-bit noise does not count as a difference."""
    cols = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? and table_catalog = current_database() "
        "order by ordinal_position", [schema, table]).fetchall()
    exprs = [f"round({quote_ident(c)}, 9)" if t.upper() in ("DOUBLE", "FLOAT", "REAL") else quote_ident(c)
             for c, t in cols]
    row = con.execute(
        f"select count(*), coalesce(sum(hash({', '.join(exprs)})), 0) "
        f"from {quote_ident(schema)}.{quote_ident(table)}").fetchone()
    return int(row[0]), int(row[1])


def mart_checksums(path: Path, schemas: tuple[str, ...] = MART_SCHEMAS) -> dict[str, tuple[int, int]]:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return {f"{s}.{t}": table_checksum(con, s, t) for s, t in base_tables(con, schemas)}
    finally:
        con.close()


def inspect_candidate(path: Path) -> dict[str, int]:
    """Checkpoint the freshly built file (no WAL may travel with the swap) and count the rows
    of every table."""
    import duckdb

    con = duckdb.connect(str(path))
    try:
        con.execute("checkpoint")
        rows = {}
        for schema, table in base_tables(con):
            rows[f"{schema}.{table}"] = int(con.execute(
                f"select count(*) from {quote_ident(schema)}.{quote_ident(table)}").fetchone()[0])
    finally:
        con.close()
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        raise RefreshError(EXIT_PUBLISH, f"{wal} remains after checkpoint; not publishing")
    con = duckdb.connect(str(path), read_only=True)  # the file opens as readers will open it
    con.close()
    return rows


def export_parquet(db: Path, dest: Path, schemas: tuple[str, ...] = MART_SCHEMAS) -> list[str]:
    """Write every table of `schemas` to dest/<schema>/<table>.parquet (views are skipped)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    written = []
    dest.mkdir(parents=True, exist_ok=True)  # a (partial) build without mart tables publishes an empty version
    try:
        for schema, table in base_tables(con, schemas):
            target = dest / schema / f"{table}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            con.execute(f"copy (select * from {quote_ident(schema)}.{quote_ident(table)}) "
                        f"to {quote_literal(str(target))} (format parquet, compression zstd)")
            written.append(f"{schema}.{table}")
    finally:
        con.close()
    return written


def copy_comments(con, source: str, schemas: tuple[str, ...]) -> int:
    """Copy the table and column comments (dbt persist_docs: the YAML descriptions) of the
    tables of `schemas` in the attached database `source` onto the same tables of the current
    database: `create table as select` keeps none. Returns how many comments were written."""
    marks = ", ".join("?" for _ in schemas)
    tables = con.execute(
        "select schema_name, table_name, comment from duckdb_tables() where database_name = ? "
        f"and schema_name in ({marks}) and comment is not null", [source, *schemas]).fetchall()
    columns = con.execute(
        "select schema_name, table_name, column_name, comment from duckdb_columns() "
        f"where database_name = ? and schema_name in ({marks}) and comment is not null",
        [source, *schemas]).fetchall()
    for schema, table, comment in tables:
        con.execute(f"comment on table {quote_ident(schema)}.{quote_ident(table)} is {quote_literal(comment)}")
    for schema, table, column, comment in columns:
        con.execute(f"comment on column {quote_ident(schema)}.{quote_ident(table)}.{quote_ident(column)} "
                    f"is {quote_literal(comment)}")
    return len(tables) + len(columns)


def make_serving_file(full: Path, dest: Path, schemas: tuple[str, ...] = SERVING_SCHEMAS) -> list[str]:
    """Write a fresh DuckDB file holding only the tables of `schemas` copied out of the full
    build file: the raw audit layer (staging) and intermediate views never reach the file BI
    opens. A new file, not a copy with schemas dropped, so no freed block keeps raw data."""
    import duckdb

    dest.parent.mkdir(parents=True, exist_ok=True)
    for path in (dest, dest.with_name(dest.name + ".wal")):
        path.unlink(missing_ok=True)
    con = duckdb.connect(str(dest))
    copied = []
    try:
        con.execute(f"attach {quote_literal(str(full))} as full_build (read_only)")
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'full_build' "
            "and schema_name in (" + ", ".join("?" for _ in schemas) + ") order by 1, 2", list(schemas)).fetchall()
        for schema in sorted({t[0] for t in tables}):
            con.execute(f"create schema if not exists {quote_ident(schema)}")
        for schema, table in tables:
            name = f"{quote_ident(schema)}.{quote_ident(table)}"
            con.execute(f"create table {name} as select * from full_build.{name}")
            copied.append(f"{schema}.{table}")
        copy_comments(con, "full_build", schemas)
        con.execute("detach full_build")
        con.execute("checkpoint")
    finally:
        con.close()
    wal = dest.with_name(dest.name + ".wal")
    if wal.exists():
        raise RefreshError(EXIT_PUBLISH, f"{wal} remains after checkpoint; not publishing")
    return copied


def serving_writer(serving: Path) -> str | None:
    """Why the serving file must not be replaced now, or None. A process that holds it open
    for writing keeps a WAL beside it: after a swap that WAL would be replayed onto the new
    file and every new reader would fail. Detected by the WAL file and by DuckDB's file lock
    (a read-only open fails while a writer holds it)."""
    import duckdb

    wal = serving.with_name(serving.name + ".wal")
    if wal.exists():
        return (f"{wal} exists: a process has the serving file open for writing (or crashed while "
                f"writing) / 服务库文件正被写入或有未合并的 WAL")
    if not serving.exists():
        return None
    try:
        duckdb.connect(str(serving), read_only=True).close()
    except duckdb.Error as exc:
        text = str(exc)
        if "lock" in text.lower():
            return (f"a process holds {serving} open for writing ({text.splitlines()[0]}) / "
                    f"有进程以读写方式打开了服务库文件")
    return None


def check_salt(env: dict[str, str] | None = None) -> str:
    """The personal-data salt from CRM_PII_SALT (or DBT_ENV_SECRET_CRM_PII_SALT); a missing or
    malformed salt stops the run before anything is built (the message never shows it)."""
    env = os.environ if env is None else env
    salt = env.get(SALT_ENV) or env.get(DBT_SALT_ENV) or ""
    if not salt:
        raise RefreshError(EXIT_USAGE, (
            "CRM_PII_SALT is not set: a production warehouse is not built without a salt, or the "
            "phone and email hashes could be reversed by trying every number. Set CRM_PII_SALT to a "
            "long random secret (e.g. `openssl rand -hex 32`); the demo targets use the fixed, "
            "non-secret salt 'demo-not-secret'. / 未设置个人数据盐值 CRM_PII_SALT：生产仓库不允许无盐构建。"))
    if not set(salt) <= SALT_ALLOWED:
        raise RefreshError(EXIT_USAGE, (
            "CRM_PII_SALT may hold only letters, digits and . _ ~ + / = - (e.g. `openssl rand -hex 32`) "
            "/ CRM_PII_SALT 只能包含字母、数字和 . _ ~ + / = -"))
    return salt


def check_as_of_date(text: str | None, today: dt.date | None = None) -> str | None:
    """CRM_AS_OF_DATE / --as-of-date: None when unset, else a real YYYY-MM-DD date not after today."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise RefreshError(EXIT_USAGE, f"as-of date {text!r} is not a real date written YYYY-MM-DD "
                           f"(CRM_AS_OF_DATE / --as-of-date) / 报告日期格式应为 YYYY-MM-DD") from None
    today = today or dt.date.today()
    if value > today:
        raise RefreshError(EXIT_USAGE, f"as-of date {text} is after today ({today.isoformat()}): figures "
                           f"cannot be computed for the future / 报告日期不能晚于今天")
    return value.isoformat()


# --------------------------------------------------------------------------------------------
# Publishing, history, Parquet swap


def history_files(layout: Layout, folder: Path | None = None) -> list[Path]:
    """Good warehouses kept for rollback, newest first."""
    folder = folder or layout.history
    if not folder.is_dir():
        return []
    pattern = f"{layout.serving.stem}.*{layout.serving.suffix}"
    files = [p for p in folder.glob(pattern) if p.is_file()]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)


def archive_serving(layout: Layout, folder: Path) -> Path | None:
    """Hard-link the serving file into `folder` (no copy; it stays the old inode after the swap)."""
    if not layout.serving.exists():
        return None
    folder.mkdir(parents=True, exist_ok=True)
    base = f"{layout.serving.stem}.{stamp(layout.serving.stat().st_mtime)}"
    for n in range(1000):
        dest = folder / f"{base}{'' if n == 0 else f'-{n}'}{layout.serving.suffix}"
        if dest.exists():
            if os.path.samefile(dest, layout.serving):
                return dest  # archived by a run killed before its swap
            continue
        try:
            os.link(layout.serving, dest)
        except OSError:
            tmp = dest.with_name(dest.name + f".{os.getpid()}.tmp")
            shutil.copy2(layout.serving, tmp)
            os.replace(tmp, dest)
        fsync_dir(folder)
        return dest
    raise RefreshError(EXIT_PUBLISH, f"cannot name an archive of {layout.serving} in {folder}")


def prune(files: list[Path], keep: int) -> list[str]:
    removed = []
    for path in files[keep:]:
        path.unlink(missing_ok=True)
        removed.append(path.name)
    return removed


def current_parquet_version(layout: Layout) -> Path | None:
    if layout.parquet.is_symlink():
        return Path(os.path.realpath(layout.parquet))
    return None


def swap_parquet(layout: Layout, version: Path) -> None:
    """Point the `parquet` symlink at `version` atomically (rename of a new symlink over it)."""
    link = layout.parquet
    if link.exists() and not link.is_symlink():
        # a plain folder from an older layout: moved aside once (the only non-atomic moment)
        os.replace(link, layout.parquet_store / f"legacy-{stamp()}")
    tmp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(os.path.relpath(version, link.parent), tmp)
    os.replace(tmp, link)
    fsync_dir(link.parent)
    # Keep the version just replaced one more cycle (a reader may be globbing it right now).
    versions = sorted((p for p in layout.parquet_store.iterdir() if not p.name.endswith(".tmp")),
                      key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
    for old in [p for p in versions if p.resolve() != version.resolve()][1:]:
        remove_path(old)


def clean_leftovers(layout: Layout) -> list[str]:
    """Remove what a killed run left behind (called with the lock held). Only names this
    script creates are touched."""
    candidate = layout.candidate
    patterns = [
        (candidate.parent, candidate.name), (candidate.parent, candidate.name + ".wal"),
        (layout.serve_candidate.parent, f"{layout.serving.stem}*"),
        (layout.private_dir, f".{layout.serving.name}.*.tmp"),
        (candidate.parent, f"{layout.serving.stem}.*{layout.serving.suffix}*"),  # older build names
        (layout.lock.parent, f"{layout.lock.name}.*.tmp"),
        (layout.serving.parent, f".{layout.serving.name}.*.tmp"),
        (layout.parquet.parent, f".{layout.parquet.name}.*.tmp"),
        (layout.parquet_store, "*.tmp"),
        (layout.history, f"{layout.serving.stem}.*.tmp"),
        (layout.rolled_back, f"{layout.serving.stem}.*.tmp"),
    ]
    removed = []
    for folder, pattern in patterns:
        if folder.is_dir():
            for path in sorted(folder.glob(pattern)):
                remove_path(path)
                removed.append(str(path))
    return removed


# --------------------------------------------------------------------------------------------
# The refresh


@dataclass
class Options:
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


class Refresh:
    def __init__(self, opts: Options, command: str = "run") -> None:
        self.opts = opts
        self.layout = opts.layout
        self.run_id = f"{stamp()}-{os.getpid()}"
        self.console = Console(opts.quiet)
        self.log = RunLog(self.layout.log, self.run_id)
        self.lock = RefreshLock(self.layout.lock, opts.lock_max_age_s)
        self.command = command
        self.summary: dict[str, object] = {}
        self.steps: list[dict] = []

    def adapt_source(self) -> dict:
        """CRM_SOURCE_MAPPING: the CRM's own exports (CRM_SOURCE_DIR) are adapted into the
        landing folder first (crmwh adapt, docs/adapt.md); a refused adaptation stops the
        refresh before the gate and the serving warehouse stays as it was."""
        from crm_warehouse.adapt.run import AdaptRefused, MappingError, adapt  # noqa: PLC0415

        opts = self.opts
        if opts.source_dir is None:
            raise RefreshError(EXIT_USAGE, "CRM_SOURCE_MAPPING is set but CRM_SOURCE_DIR (the "
                               "folder of the CRM's exports) is not")
        try:
            report = adapt(opts.source_mapping, opts.source_dir, opts.landing_dir)
        except MappingError as exc:
            self.console.error(str(exc))
            raise RefreshError(EXIT_GATE, f"source mapping refused: {opts.source_mapping}",
                               gate_messages=[str(exc)][:50]) from None
        except AdaptRefused as exc:
            for line in exc.problems[:50]:
                self.console.error(line)
            raise RefreshError(EXIT_GATE, f"adaptation of {opts.source_dir} with "
                               f"{opts.source_mapping} refused ({len(exc.problems)} problem(s))",
                               gate_messages=exc.problems[:50]) from None
        if report["rejected_rows"]:
            self.log.warn(f"adaptation rejected {report['rejected_rows']} row(s): "
                          f"{opts.landing_dir / '_adapt' / 'rejects.csv'}", self.console)
        return {"mapping": str(opts.source_mapping), "source_dir": str(opts.source_dir),
                "rejected_rows": report["rejected_rows"],
                "absent_entities": report["absent_entities"],
                "unavailable_indicators": [i["indicator_code"]
                                           for i in report["unavailable_indicators"]["values"]]}

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[dict]:
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
        env = dict(os.environ)
        # dbt sees the salt only under the secret prefix it scrubs from its logs; the plugin
        # (DuckDB) and ${env:...} (Spark) read it at run time, so no SQL text holds it.
        salt = env.pop(SALT_ENV, "") or env.get(DBT_SALT_ENV, "")
        env[DBT_SALT_ENV] = salt
        env.pop(AS_OF_ENV, None)  # passed as --vars, never read from the environment by dbt
        env.update({
            "CRM_LANDING_DIR": str(self.opts.landing_dir),
            "CRM_LANDING_FORMAT": self.opts.fmt,
            "DBT_PROFILES_DIR": os.environ.get("DBT_PROFILES_DIR", str(ROOT)),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        })
        if self.opts.target == "duckdb":
            env["CRM_DUCKDB_PATH"] = str(self.layout.candidate)
        else:
            env.setdefault("CRM_SPARK_HOME", str(self.layout.serving.parent / "spark"))
            env["CRM_SPARK_HOME"] = os.path.abspath(env["CRM_SPARK_HOME"])
        return env

    def dbt_common(self) -> list[str]:
        d = str(self.layout.dbt_dir)
        args = ["--target", self.opts.target, "--target-path", d, "--log-path", d, "--no-use-colors"]
        if self.opts.as_of_date:
            args += ["--vars", json.dumps({"as_of_date": self.opts.as_of_date})]
        return args

    # ---- entry points

    def execute(self) -> int:
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

        def interrupted(signum, frame):  # noqa: ARG001
            raise Interrupted(signal.Signals(signum).name)

        for sig in previous:
            signal.signal(sig, interrupted)
        started = time.monotonic()
        code = EXIT_UNEXPECTED
        error: str | None = None
        try:
            self.log.emit("start", command=self.command, pid=os.getpid(), host=socket.gethostname(),
                          argv=sys.argv[1:], landing_dir=str(self.opts.landing_dir),
                          serving=str(self.layout.serving), target=self.opts.target,
                          full_refresh=self.opts.full_refresh, gate=self.opts.gate, keep=self.opts.keep)
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
            self.log.emit("end", outcome=OUTCOMES.get(code, "error"), exit_code=code, duration_s=total,
                          error=error, steps=self.steps, warnings=self.log.warnings, **self.summary)
        except OSError as exc:
            self.console.error(f"cannot write the run log {self.layout.log}: {exc}")
        if code == EXIT_OK:
            self.console.info(f"{self.command} done in {total:.1f} s: {self.layout.serving}"
                              + (f" ({len(self.log.warnings)} warning(s), see {self.layout.log})"
                                 if self.log.warnings else ""))
        else:
            self.console.error(f"refresh {OUTCOMES.get(code)} (exit {code}): {error}")
            if self.command == "run" and code != EXIT_LOCKED:
                if self.opts.target != "duckdb":
                    self.console.error("spark: models built before the failure were replaced in place "
                                       "(no swap on Spark, see docs/operations.md)")
                else:
                    self.console.error(f"serving warehouse {self.layout.serving} "
                                       + ("was not changed" if not self.summary.get("published")
                                          else "was replaced (the swap had happened); see the log"))
            self.console.error(f"run log: {self.layout.log}")
        return code

    # ---- run

    def refresh(self) -> None:
        opts, layout = self.opts, self.layout
        duck = opts.target == "duckdb"
        with self.step("settings") as info:
            check_salt()
            info["pii_salt"] = "set"
            info["as_of_date"] = opts.as_of_date or "from the data"
            self.summary["as_of_date_var"] = opts.as_of_date
        with self.step("cleanup") as info:
            removed = clean_leftovers(layout) if duck else []
            layout.dbt_dir.mkdir(parents=True, exist_ok=True)
            if removed:
                info["removed"] = removed
                self.log.warn(f"removed {len(removed)} leftover file(s) of an interrupted run", self.console)

        if opts.source_mapping is not None:
            with self.step("adapt") as info:
                info.update(self.adapt_source())

        with self.step("gate") as info:
            name, gate = choose_gate(opts.gate, self.log, self.console)
            info["gate"] = name
            result = gate(opts.landing_dir, opts.fmt, layout.gate_dir)
            info["gate_exit_code"] = result.exit_code
            if result.messages:
                info["messages"] = result.messages[:50]
            if not result.ok:
                for line in result.messages or [result.output.strip()]:
                    self.console.error(line)
                raise RefreshError(EXIT_GATE, f"landing gate '{name}' failed with exit code "
                                   f"{result.exit_code}: {opts.landing_dir}",
                                   gate_messages=result.messages[:50])

        if duck:
            with self.step("prepare") as info:
                layout.build_dir.mkdir(parents=True, exist_ok=True)
                os.chmod(layout.build_dir, 0o700)  # the build file holds raw personal data
                if layout.private.exists() and layout.serving.exists() and not opts.full_refresh:
                    shutil.copyfile(layout.private, layout.candidate)
                    os.chmod(layout.candidate, 0o600)
                    info["mode"] = "incremental"
                    info["from"] = str(layout.private)
                else:
                    info["mode"] = "full"
                    if layout.serving.exists():
                        try:
                            info["history_carried"] = carry_history(layout.serving, layout.candidate)
                        except Exception as exc:  # an unreadable serving file must not block a rebuild
                            layout.candidate.unlink(missing_ok=True)
                            info["history_carried"] = []
                            info["_status"] = "warn"
                            self.log.warn(f"issue and alert history not carried over from "
                                          f"{layout.serving}: {exc.__class__.__name__}: {exc}", self.console)
                self.summary["mode"] = info["mode"]

        if opts.freshness:
            with self.step("freshness") as info:
                sources = layout.dbt_dir / "sources.json"
                sources.unlink(missing_ok=True)
                try:
                    rc = run_dbt(["source", "freshness", *self.dbt_common()], self.dbt_env(),
                                 layout.log.parent / "dbt-freshness.log", opts.verbose)
                except OSError as exc:  # warn only, whatever happens
                    rc = -1
                    info["error"] = f"{exc.__class__.__name__}: {exc}"
                summary = summarize_freshness(sources)
                info["dbt_exit_code"] = rc
                info["freshness"] = summary
                self.summary["freshness"] = summary
                not_passing = (summary or {}).get("not_passing", [])
                if rc != 0 or not_passing:
                    info["_status"] = "warn"
                    self.log.warn(f"source freshness: {len(not_passing)} source(s) not fresh"
                                  + (f" (dbt exit {rc})" if rc else ""), None)

        with self.step("build") as info:
            results = layout.dbt_dir / "run_results.json"
            results.unlink(missing_ok=True)
            # unit tests are a development check (make test-duckdb): none in a production build
            args = ["build", *self.dbt_common(), "--exclude-resource-type", "unit_test", *opts.dbt_args]
            if opts.full_refresh:
                args.append("--full-refresh")
            output = layout.log.parent / "dbt-build.log"
            rc = run_dbt(args, self.dbt_env(), output, opts.verbose)
            summary = summarize_run_results(results)
            info["dbt_exit_code"] = rc
            if summary:
                info["counts"] = summary["counts"]
                self.summary["tests"] = {k: v for k, v in summary["counts"].items()
                                         if k in ("test", "unit_test")}
                self.summary["node_counts"] = summary["counts"]
                self.summary["models"] = summary["models"]
                if summary["warned"]:
                    self.summary["warned_tests"] = summary["warned"]
                    self.log.warn(f"{len(summary['warned'])} warn-level test(s) found issues", None)
            failed = summary["failed"] if summary else []
            if rc != 0 or failed:
                self.summary["failed_nodes"] = failed
                detail = failed or [{"node": "(dbt stopped before running nodes)",
                                     "message": "\n".join(dbt_error_lines(output))}]
                for node in detail:
                    self.console.error(f"FAILED {node['node']}: {node.get('message', '')}".strip())
                self.console.error(f"dbt output: {output}")
                if not failed:
                    self.summary["dbt_errors"] = dbt_error_lines(output)
                if duck:
                    for path in (layout.candidate, layout.candidate.with_name(layout.candidate.name + ".wal")):
                        path.unlink(missing_ok=True)
                names = ", ".join(n["node"] for n in failed[:5]) or "see dbt output"
                raise RefreshError(EXIT_DBT, f"dbt build failed (exit {rc}; {len(failed)} failed "
                                   f"node(s): {names})")
            info["_note"] = self._counts_note(summary)

        if not duck:
            self.summary["published"] = False
            self.console.info("spark target: tables were written in place (no file swap)")
            return
        self.publish()
        self.push()

    def push(self) -> None:
        """Group-robot push after a successful publish, when CRM_PUSH_ENABLED=1 (see
        push_after_publish): its failure is a warning, never a failed or rolled-back refresh."""
        if os.environ.get(PUSH_ENABLED_ENV) != "1" or not self.summary.get("published"):
            return
        with self.step("push") as info:
            status, message = push_after_publish(self.layout.serving)
            info["_status"], info["_note"] = status, message
            self.summary["push"] = {"status": status, "message": message}
            if status != "ok":
                self.log.warn(f"push: {message}", self.console)

    @staticmethod
    def _counts_note(summary: dict | None) -> str:
        if not summary:
            return ""
        parts = []
        for kind in ("model", "test", "unit_test"):
            if kind in summary["counts"]:
                parts.append(kind + " " + ", ".join(f"{s} {n}" for s, n in sorted(summary["counts"][kind].items())))
        return "; ".join(parts)

    def publish(self) -> None:
        layout, opts = self.layout, self.opts
        try:
            with self.step("inspect") as info:
                rows = inspect_candidate(layout.candidate)
                info["tables"] = len(rows)
                models = self.summary.get("models") or {}
                for entry in models.values():  # rows per model, from the built file
                    relation = (entry.get("relation") or "").replace('"', "").split(".")
                    key = ".".join(relation[-2:]) if len(relation) >= 2 else None
                    if key in rows:
                        entry["rows"] = rows[key]
                self.summary["table_rows"] = rows
            with self.step("serve") as info:
                copied = make_serving_file(layout.candidate, layout.serve_candidate)
                info["tables"] = len(copied)
                info["schemas"] = list(SERVING_SCHEMAS)
            with self.step("parquet") as info:
                layout.parquet_store.mkdir(parents=True, exist_ok=True)
                staging = layout.parquet_store / f"{self.run_id}.tmp"
                remove_path(staging)
                written = export_parquet(layout.serve_candidate, staging)
                version = layout.parquet_store / self.run_id
                os.replace(staging, version)
                info["tables"] = len(written)
            with self.step("swap") as info:
                writer = serving_writer(layout.serving)
                if writer:
                    remove_path(version)
                    raise RefreshError(EXIT_PUBLISH, (
                        f"not publishing over the serving file: {writer}. Close the read-write "
                        f"connection (BI tools must open {layout.serving.name} read-only) and run "
                        f"the refresh again; nothing was changed. / 未发布：请关闭对服务库的读写连接后重试。"))
                # the private full build first: if the run dies here, the next one builds from it
                layout.private_dir.mkdir(parents=True, exist_ok=True)
                os.chmod(layout.private_dir, 0o700)
                os.chmod(layout.candidate, 0o600)
                os.replace(layout.candidate, layout.private)
                fsync_dir(layout.private_dir)
                archived = archive_serving(layout, layout.history)
                os.replace(layout.serve_candidate, layout.serving)
                fsync_dir(layout.serving.parent)
                self.summary["published"] = True
                info["archived_previous"] = str(archived) if archived else None
                swap_parquet(layout, version)
                info["parquet"] = str(layout.parquet)
            with self.step("history") as info:
                info["kept"] = [p.name for p in history_files(layout)[: opts.keep]]
                info["pruned"] = prune(history_files(layout), opts.keep)
                prune(history_files(layout, layout.rolled_back), opts.keep)
        except RefreshError:
            raise
        except (Interrupted, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001
            self.summary["traceback"] = traceback.format_exc()
            raise RefreshError(EXIT_PUBLISH, f"publish failed: {exc.__class__.__name__}: {exc}") from exc

    # ---- rollback

    def rollback(self) -> None:
        layout = self.layout
        to = self.opts.rollback_to
        with self.step("cleanup") as info:
            removed = clean_leftovers(layout)
            if removed:
                info["removed"] = removed
                self.log.warn(f"removed {len(removed)} leftover file(s) of an interrupted run", self.console)
        try:
            with self.step("choose") as info:
                if to is not None:
                    chosen = Path(os.path.abspath(to))
                    if not chosen.is_file():
                        raise RefreshError(EXIT_PUBLISH, f"rollback: {chosen} does not exist")
                else:
                    options = [p for p in history_files(layout)
                               if not (layout.serving.exists() and os.path.samefile(p, layout.serving))]
                    if not options:
                        raise RefreshError(EXIT_PUBLISH, f"rollback: no previous warehouse in {layout.history}")
                    chosen = options[0]
                info["restore"] = str(chosen)
                import duckdb

                duckdb.connect(str(chosen), read_only=True).close()  # it opens
            with self.step("swap") as info:
                writer = serving_writer(layout.serving)
                if writer:
                    raise RefreshError(EXIT_PUBLISH, f"rollback: not replacing the serving file: {writer}")
                archived = archive_serving(layout, layout.rolled_back)
                info["archived_current"] = str(archived) if archived else None
                if chosen.parent == layout.history:
                    os.replace(chosen, layout.serving)  # moved out of history: the next rollback goes further back
                else:
                    tmp = layout.serving.with_name(f".{layout.serving.name}.{os.getpid()}.tmp")
                    shutil.copy2(chosen, tmp)
                    os.replace(tmp, layout.serving)
                fsync_dir(layout.serving.parent)
                self.summary["published"] = True
                self.summary["restored"] = str(chosen)
                # the private full build belongs to the warehouse just rolled back: the next
                # refresh builds afresh (carrying the issue and alert history from the serving file)
                if layout.private.exists():
                    layout.private.unlink()
                    info["private_build_removed"] = str(layout.private)
            with self.step("parquet") as info:
                layout.parquet_store.mkdir(parents=True, exist_ok=True)
                staging = layout.parquet_store / f"{self.run_id}.tmp"
                written = export_parquet(layout.serving, staging)
                version = layout.parquet_store / self.run_id
                os.replace(staging, version)
                swap_parquet(layout, version)
                info["tables"] = len(written)
        except RefreshError:
            raise
        except (Interrupted, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001
            self.summary["traceback"] = traceback.format_exc()
            raise RefreshError(EXIT_PUBLISH, f"rollback failed: {exc.__class__.__name__}: {exc}") from exc


# --------------------------------------------------------------------------------------------
# Group-robot push (crmwh push), after a successful publish only

PUSH_ENABLED_ENV = "CRM_PUSH_ENABLED"
PUSH_TIMEOUT_S = 1800


def push_after_publish(serving: Path, run: Callable[..., subprocess.CompletedProcess] = subprocess.run,
                       timeout_s: float = PUSH_TIMEOUT_S) -> tuple[str, str]:
    """Run ``crmwh push`` on the just-published serving file and return (status, message):
    ``ok``, or ``warn`` when messages stay pending (exit 3), the push fails or times out. Never
    raises: the refresh has already published and stays published."""
    try:
        proc = run([sys.executable, "-m", "crm_warehouse", "push", "--warehouse", str(serving)],
                   capture_output=True, text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        return "warn", f"push did not finish within {timeout_s:g} s; pending messages go out on the next run"
    except OSError as exc:
        return "warn", f"push could not start: {exc.__class__.__name__}"
    lines = [line for line in (proc.stdout or "").splitlines() + (proc.stderr or "").splitlines() if line.strip()]
    summary = "; ".join(lines[:6])[:1000]
    if proc.returncode == 0:
        return "ok", summary
    return "warn", f"exit {proc.returncode}: {summary}"


# --------------------------------------------------------------------------------------------
# CLI


def build_parser() -> argparse.ArgumentParser:
    env = os.environ
    parser = argparse.ArgumentParser(
        prog="crmwh refresh", description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit codes:" + __doc__.split("Exit codes:", 1)[1])
    parser.add_argument("command", nargs="?", choices=["run", "rollback"], default="run")
    parser.add_argument("--landing-dir", type=Path,
                        default=Path(env.get("CRM_LANDING_DIR", ROOT / "data" / "landing")))
    parser.add_argument("--serving-path", type=Path,
                        default=Path(env.get("CRM_SERVING_PATH", ROOT / "warehouse" / "crm.duckdb")))
    parser.add_argument("--keep", type=int, default=int(env.get("CRM_REFRESH_KEEP", "3")),
                        help="previous good warehouses kept in history (default 3)")
    parser.add_argument("--full-refresh", action="store_true",
                        help="build from an empty file (default: continue from the serving file)")
    parser.add_argument("--target", choices=["duckdb", "spark"], default=env.get("CRM_DBT_TARGET", "duckdb"))
    parser.add_argument("--gate", choices=["auto", *GATES], default=env.get("CRM_REFRESH_GATE", "auto"),
                        help="auto: crmwh gate when present, else crmwh check")
    parser.add_argument("--format", dest="fmt", choices=["csv", "parquet"],
                        default=env.get("CRM_LANDING_FORMAT", "csv"))
    parser.add_argument("--no-freshness", dest="freshness", action="store_false",
                        help="skip `dbt source freshness`")
    parser.add_argument("--quiet", action="store_true", help="errors only (default when stdout is not a TTY)")
    parser.add_argument("--verbose", action="store_true", help="stream dbt's output")
    parser.add_argument("--dbt-arg", action="append", default=[], help="extra argument for dbt build")
    parser.add_argument("--to", type=Path, help="rollback: the warehouse file to restore")
    parser.add_argument("--as-of-date", default=env.get(AS_OF_ENV),
                        help="YYYY-MM-DD as-of date of every figure, not after today "
                             "(default env CRM_AS_OF_DATE, else the last date in the data)")
    parser.add_argument("--history-dir", type=Path, default=env.get("CRM_REFRESH_HISTORY_DIR"))
    parser.add_argument("--parquet-dir", type=Path, default=env.get("CRM_REFRESH_PARQUET_DIR"))
    parser.add_argument("--log-file", type=Path, default=env.get("CRM_REFRESH_LOG"))
    parser.add_argument("--lock-file", type=Path, default=env.get("CRM_REFRESH_LOCK"))
    parser.add_argument("--source-mapping", type=Path, default=env.get("CRM_SOURCE_MAPPING") or None,
                        help="adapt the CRM's own exports with this mapping first (docs/adapt.md)")
    parser.add_argument("--source-dir", type=Path, default=env.get("CRM_SOURCE_DIR") or None,
                        help="folder of the CRM's own exports, for --source-mapping")
    parser.add_argument("--lock-max-age", type=float,
                        default=float(env.get("CRM_REFRESH_LOCK_MAX_AGE", DEFAULT_LOCK_MAX_AGE_S)),
                        help="seconds after which a lock is stale even if its pid runs (default 6 h)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.keep < 0:
        print("--keep must be 0 or more", file=sys.stderr)
        return EXIT_USAGE
    try:
        as_of = check_as_of_date(args.as_of_date) if args.command == "run" else None
    except RefreshError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    layout = Layout.from_serving(args.serving_path, args.history_dir, args.parquet_dir,
                                 args.log_file, args.lock_file)
    opts = Options(
        landing_dir=Path(os.path.abspath(args.landing_dir)), layout=layout, keep=args.keep,
        full_refresh=args.full_refresh, target=args.target, gate=args.gate, fmt=args.fmt,
        freshness=args.freshness, quiet=args.quiet or not sys.stdout.isatty(), verbose=args.verbose,
        dbt_args=args.dbt_arg, lock_max_age_s=args.lock_max_age, rollback_to=args.to, as_of_date=as_of,
        source_mapping=args.source_mapping, source_dir=args.source_dir)
    return Refresh(opts, command=args.command).execute()


if __name__ == "__main__":
    sys.exit(main())
