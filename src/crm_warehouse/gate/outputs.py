"""The gate's outputs: the plain-text summary, the structural problem lines and the JSON result."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from crm_warehouse.check_landing import Problem  # noqa: E402

from .results import GateResult


def _display(path: Path, landing_dir: Path) -> str:
    try:
        return path.relative_to(landing_dir).as_posix()
    except ValueError:
        return str(path)


_HEADLINES = {
    "passed": "PASSED",
    "passed_with_content_faults": "PASSED WITH CONTENT FAULTS (reported below; the build may run)",
    "failed_content_strict": "FAILED (content faults, --strict)",
    "stopped_structural": "STOPPED (structural faults; the build must not run)",
}


def summary_text(result: GateResult, rows_per_failure: int = 10) -> str:
    """The gate's plain-text summary: headline, files, and per failed expectation some rows."""
    scope = f", first {result.sample_rows} data rows per file" if result.sample_rows else ""
    lines = [
        f"Landing gate {_HEADLINES[result.status]}: {result.landing_dir} "
        f"({result.fmt}, contract {result.contract_version}{scope})"
    ]
    if result.structural_problems:
        lines.append(
            f"{len(result.structural_problems)} structural fault(s): nothing was validated; "
            "fix the files and rerun (the build must not run on them)."
        )
        lines += [f"  {problem_text(p, result)}" for p in result.structural_problems]
        return "\n".join(lines) + "\n"
    width = max([len(r.file) for r in result.files] + [4])
    for r in result.files:
        rows = f"{r.rows_validated} row{'' if r.rows_validated == 1 else 's'}"
        rows += " (sample)" if r.sampled else ""
        lines.append(
            f"{r.entity:<26} {r.file:<{width}}  {rows:>16}  "
            f"{r.passed}/{r.expectations} expectations passed, {r.failed} failed"
        )
    failures = result.content_failures
    total_rows = sum(f.unexpected_count for f in failures)
    lines.append(
        f"{len(failures)} failed expectation(s), {total_rows} value(s) affected" + (":" if failures else ".")
    )
    for f in failures:
        listed = f.row_messages[:rows_per_failure]
        for row, message in listed:
            lines.append(f"  {f.file}, row {row}, column '{f.column}': {message}")
        if not listed:
            lines.append(f"  {f.file}, column '{f.column}': {f.message}")
        more = f.unexpected_count - len(listed)
        if more > 0 and listed:
            lines.append(
                f"  {f.file}, column '{f.column}': {more} more row(s) with the same problem "
                "(see the JSON result and Data Docs)"
            )
    if result.data_docs:
        lines.append(f"Data Docs: {result.data_docs}")
    lines += [f"Note: {note}" for note in result.notes]
    return "\n".join(lines) + "\n"


def problem_text(problem: Problem, result: GateResult) -> str:
    """One structural problem as a line (file relative to the landing folder, row, column)."""
    shown = _display(Path(problem.path), Path(result.landing_dir))
    return str(Problem(shown, problem.message, problem.row, problem.column))


def result_json(result: GateResult) -> dict:
    """The gate's result as a JSON-ready dict."""
    return {
        "status": result.status,
        "exit_code": result.exit_code,
        "landing_dir": result.landing_dir,
        "format": result.fmt,
        "contract_version": result.contract_version,
        "strict": result.strict,
        "sample_rows": result.sample_rows,
        "started_at": result.started_at,
        "timings": result.timings,
        "data_docs": result.data_docs,
        "notes": result.notes,
        "structural_problems": [
            {
                "file": _display(Path(p.path), Path(result.landing_dir)),
                "row": p.row,
                "column": p.column,
                "message": p.message,
            }
            for p in result.structural_problems
        ],
        "files": [
            {
                **{k: v for k, v in asdict(r).items() if k != "failures"},
                "failures": [
                    {
                        "expectation": f.expectation,
                        "column": f.column,
                        "message": f.message,
                        "unexpected_count": f.unexpected_count,
                        "rows": f.rows,
                        "examples": f.examples,
                        "row_messages": [{"row": row, "message": m} for row, m in f.row_messages],
                    }
                    for f in r.failures
                ],
            }
            for r in result.files
        ],
    }


def write_outputs(result: GateResult, summary_path: Path | None, json_path: Path | None) -> str:
    """Write the summary and JSON files (when paths are given) and return the summary text."""
    text = summary_text(result)
    if summary_path is not None:
        summary_path.parent.mkdir(parents=True, exist_ok=True)
        summary_path.write_text(text, encoding="utf-8")
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(
            json.dumps(result_json(result), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return text
