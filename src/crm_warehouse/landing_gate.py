"""Landing gate: Great Expectations validation of the landing files before dbt runs.

Structural faults (missing entity folder or export file, empty, not UTF-8 - e.g. GBK/GB18030
saved by Excel -, truncated or malformed file, missing required column) stop the gate with
exit code 2. Content faults (a value that does not parse as its type, an unknown enum value,
an empty or duplicate primary key within a file) are reported with file, row and column and
do not stop the nightly build (exit 0) unless --strict (exit 1). The Data Docs are rewritten
after the build so that no planted value runs as script and nothing loads from the network
(gate/safe_docs.py). See docs/landing-gate.md.

Exit codes: 0 passed (content faults, if any, reported); 1 content faults with --strict;
2 structural faults; 4 the gate itself failed (unexpected error).

Usage: crmwh gate [--landing-dir DIR] [--format csv|parquet]
           [--docs-dir DIR] [--summary FILE] [--json FILE] [--strict] [--sample-rows N]
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from crm_warehouse.gate.outputs import problem_text, write_outputs
from crm_warehouse.gate.results import EXIT_STRUCTURAL
from crm_warehouse.gate.runner import run_gate
from crm_warehouse.project import ROOT

GATE_DIR = ROOT / "warehouse" / "gate"
EXIT_GATE_ERROR = 4


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The gate's command line (defaults from CRM_LANDING_DIR and CRM_LANDING_FORMAT)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--landing-dir", type=Path, default=Path(os.environ.get("CRM_LANDING_DIR", ROOT / "data" / "landing"))
    )
    parser.add_argument(
        "--format", choices=["csv", "parquet"], default=os.environ.get("CRM_LANDING_FORMAT", "csv")
    )
    parser.add_argument(
        "--docs-dir",
        type=Path,
        default=GATE_DIR / "data_docs",
        help="Great Expectations Data Docs site (index.html)",
    )
    parser.add_argument(
        "--summary", type=Path, default=GATE_DIR / "summary.txt", help="plain-text summary (also printed)"
    )
    parser.add_argument("--json", type=Path, default=GATE_DIR / "result.json", help="JSON result")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when there are content faults (default: report them, exit 0)",
    )
    parser.add_argument(
        "--sample-rows",
        type=_positive,
        default=None,
        metavar="N",
        help="validate the content of the first N data rows of each file only "
        "(structural checks still read every file in full)",
    )
    return parser.parse_args(argv)


def gate(
    landing_dir: Path,
    fmt: str = "csv",
    *,
    docs_dir: Path = GATE_DIR / "data_docs",
    summary: Path = GATE_DIR / "summary.txt",
    json_path: Path = GATE_DIR / "result.json",
    strict: bool = False,
    sample_rows: int | None = None,
) -> int:
    """Run the gate on a landing folder, write its outputs and return its exit code.

    Prints the summary on stdout and one ``LANDING ERROR`` line per structural fault on stderr;
    a failure of the gate itself prints the traceback and returns EXIT_GATE_ERROR (4).
    """
    try:
        result = run_gate(landing_dir, fmt, docs_dir=docs_dir, strict=strict, sample_rows=sample_rows)
        text = write_outputs(result, summary, json_path)
    except Exception:  # a bug or an environment problem, not a landing fault
        traceback.print_exc()
        print("landing gate error: the gate itself failed (see the traceback above)", file=sys.stderr)
        return EXIT_GATE_ERROR
    sys.stdout.write(text)
    if result.exit_code == EXIT_STRUCTURAL:
        for problem in result.structural_problems:
            print(f"LANDING ERROR {problem_text(problem, result)}", file=sys.stderr)
    return result.exit_code


def main(argv: list[str] | None = None) -> int:
    """``crmwh gate``: parse the command line and run the gate."""
    args = parse_args(argv)
    return gate(
        args.landing_dir,
        args.format,
        docs_dir=args.docs_dir,
        summary=args.summary,
        json_path=args.json,
        strict=args.strict,
        sample_rows=args.sample_rows,
    )


if __name__ == "__main__":
    sys.exit(main())
