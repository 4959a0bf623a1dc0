"""The landing gate step: the Great Expectations gate (through its function) or the structural check."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from crm_warehouse.refresh.runlog import Console, RunLog


@dataclass
class GateResult:
    """What a landing gate answered: its name, exit code, messages (structural faults) and output."""

    gate: str
    exit_code: int
    messages: list[str] = field(default_factory=list)
    output: str = ""

    @property
    def ok(self) -> bool:
        """True when the gate passed (exit code 0)."""
        return self.exit_code == 0


Gate = Callable[[Path, str, Path], GateResult]


def load_landing_gate() -> Callable[..., int]:
    """The landing gate's function (``crm_warehouse.landing_gate.gate``), imported on first use:
    Great Expectations takes seconds to load, and a gate that cannot be loaded falls back to the
    structural check (choose_gate)."""
    from crm_warehouse.landing_gate import gate  # Great Expectations loads slowly

    return gate


def gx_gate(landing_dir: Path, fmt: str, out_dir: Path) -> GateResult:
    """The Great Expectations landing gate (crmwh gate): exit 2 on structural faults.

    Its Data Docs, summary and JSON result go into ``out_dir``; what it prints is kept as the
    result's output, and its stderr lines (the structural faults) as its messages."""
    gate = load_landing_gate()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = gate(
            landing_dir,
            fmt,
            docs_dir=out_dir / "data_docs",
            summary=out_dir / "summary.txt",
            json_path=out_dir / "result.json",
        )
    messages = [line for line in err.getvalue().splitlines() if line.strip()]
    return GateResult("gx", int(code or 0), messages, out.getvalue() + err.getvalue())


def _basic_gate(landing_dir: Path, fmt: str, quick: bool) -> GateResult:
    from crm_warehouse.check_landing import check_landing  # noqa: PLC0415

    problems = check_landing(landing_dir, fmt, quick=quick)
    messages = [f"LANDING ERROR {p}" for p in problems]
    return GateResult(
        "basic-quick" if quick else "basic", 2 if problems else 0, messages, "\n".join(messages)
    )


GATES: dict[str, Gate] = {
    "gx": gx_gate,
    "basic": lambda landing, fmt, out: _basic_gate(landing, fmt, quick=False),
    "basic-quick": lambda landing, fmt, out: _basic_gate(landing, fmt, quick=True),
    "none": lambda landing, fmt, out: GateResult("none", 0),
}


def choose_gate(name: str, log: RunLog, console: Console) -> tuple[str, Gate]:
    """The gate a run uses: ``name``, or for ``auto`` the Great Expectations gate when it loads,
    else (with a warning) the structural check."""
    if name != "auto":
        return name, GATES[name]
    try:
        load_landing_gate()
    except Exception as exc:  # a broken gate module: fall back, say so
        log.warn(
            f"the landing gate could not be loaded ({exc.__class__.__name__}: {exc}); "
            "using the structural check (crmwh check)",
            console,
        )
        return "basic", GATES["basic"]
    return "gx", GATES["gx"]
