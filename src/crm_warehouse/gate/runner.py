"""Run the landing gate: structural check, Great Expectations validation per file, outputs.

Structural faults (see check_landing) stop the gate before any content is read. Content is
validated per file, as an all-text dataframe, against the entity's suite (see suites).
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import time
import warnings
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from crm_warehouse.check_landing import Problem, check_landing, export_files  # noqa: E402
from crm_warehouse.gate.column_types import TYPE_RULES, LandingType  # noqa: E402
from crm_warehouse.gate.safe_docs import sanitise_site  # noqa: E402
from crm_warehouse.gate.reading import CHUNK_ROWS  # noqa: E402
from crm_warehouse.landing_contract import Entity, contract_version, load_contract  # noqa: E402

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

EXIT_OK, EXIT_CONTENT_STRICT, EXIT_STRUCTURAL = 0, 1, 2
LISTED_ROWS = 20  # rows kept per failed expectation (JSON); the summary shows fewer
DOCS_SITE = "landing_gate"
_GE_SITE_ENTRIES = ("index.html", "validations", "expectations", "static")


@dataclass
class Failure:
    file: str
    expectation: str
    column: str | None
    message: str
    unexpected_count: int
    rows: list[int] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    row_messages: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class FileResult:
    entity: str
    file: str
    rows_validated: int
    sampled: bool
    expectations: int = 0
    passed: int = 0
    failed: int = 0
    failures: list[Failure] = field(default_factory=list)


@dataclass
class GateResult:
    landing_dir: str
    fmt: str
    strict: bool
    sample_rows: int | None
    contract_version: str
    started_at: str
    structural_problems: list[Problem] = field(default_factory=list)
    files: list[FileResult] = field(default_factory=list)
    data_docs: str | None = None
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def content_failures(self) -> list[Failure]:
        return [f for r in self.files for f in r.failures]

    @property
    def exit_code(self) -> int:
        if self.structural_problems:
            return EXIT_STRUCTURAL
        if self.strict and self.content_failures:
            return EXIT_CONTENT_STRICT
        return EXIT_OK

    @property
    def status(self) -> str:
        """passed | passed_with_content_faults | failed_content_strict | stopped_structural"""
        if self.structural_problems:
            return "stopped_structural"
        if self.content_failures:
            return "failed_content_strict" if self.strict else "passed_with_content_faults"
        return "passed"


def run_gate(landing_dir: Path, fmt: str = "csv", docs_dir: Path | None = None,
             strict: bool = False, sample_rows: int | None = None,
             chunk_rows: int = CHUNK_ROWS) -> GateResult:
    """Check and validate a landing folder; build Data Docs into `docs_dir` (None: no docs).

    Each file is read and validated `chunk_rows` rows at a time, so memory is bounded by the
    chunk, not the file; a file of several chunks gets one Data Docs page per chunk and one
    merged result, and its primary key is checked for duplicates across chunks too.
    """
    landing_dir = Path(landing_dir)
    result = GateResult(
        landing_dir=str(landing_dir), fmt=fmt, strict=strict, sample_rows=sample_rows,
        contract_version=contract_version(),
        started_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    started = time.monotonic()
    result.structural_problems = check_landing(landing_dir, fmt)
    result.timings["structural_s"] = round(time.monotonic() - started, 2)
    if docs_dir is not None:
        _clear_site(Path(docs_dir))  # never leave the docs of an earlier run looking current
    if result.structural_problems:
        return result

    phase = time.monotonic()
    context = _ephemeral_context(docs_dir)
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier

    from crm_warehouse.gate.reading import iter_landing_file
    from crm_warehouse.gate.suites import build_suite

    run_id = RunIdentifier(run_name=f"landing gate {result.started_at}")
    pages = 0
    for entity in load_contract().values():
        suite = context.suites.add(build_suite(entity))
        for path in export_files(landing_dir / entity.name, fmt):
            shown = _display(path, landing_dir)
            file_result, runs = _validate_file(
                context, gx, run_id, suite, entity, path, shown,
                iter_landing_file(path, fmt, sample_rows, chunk_rows), sample_rows)
            result.files.append(file_result)
            pages += runs
    result.timings["validation_s"] = round(time.monotonic() - phase, 2)

    if docs_dir is not None:
        phase = time.monotonic()
        context.build_data_docs(site_names=[DOCS_SITE])
        # no planted value runs as script, nothing is loaded from a CDN (gate/safe_docs.py)
        sanitise_site(Path(docs_dir))
        index = Path(docs_dir) / "index.html"
        result.data_docs = str(index) if index.exists() else None
        # The site builder logs rendering errors instead of raising them: count the pages.
        built = len(list((Path(docs_dir) / "validations").rglob("*.html")))
        if built != pages:
            result.notes.append(f"Data Docs are incomplete: {built} validation page(s) for "
                                f"{pages} validation(s) of {len(result.files)} file(s); see the log above")
        result.timings["data_docs_s"] = round(time.monotonic() - phase, 2)
    result.timings["total_s"] = round(time.monotonic() - started, 2)
    return result


def _ephemeral_context(docs_dir: Path | None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. PySpark's pandas-version warning on import
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    sites = {}
    if docs_dir is not None:
        sites[DOCS_SITE] = {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str(Path(docs_dir).resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    context.variables.data_docs_sites = sites
    return context


def _clear_site(docs_dir: Path) -> None:
    for name in _GE_SITE_ENTRIES:
        target = docs_dir / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()


def _display(path: Path, landing_dir: Path) -> str:
    try:
        return path.relative_to(landing_dir).as_posix()
    except ValueError:
        return str(path)


def _validate_file(context, gx, run_id, suite, entity: Entity, path: Path, shown: str, chunks,
                   sample_rows: int | None) -> tuple[FileResult, int]:
    """Validate one file chunk by chunk; (merged result, number of validations run)."""
    from crm_warehouse.gate.suites import prepare_frame

    out = FileResult(entity=entity.name, file=shown, rows_validated=0, sampled=False)
    by_expectation: dict[tuple, Failure] = {}
    failed: set[tuple] = set()
    keys = _KeyTracker(entity)
    runs = 0
    for frame in chunks:
        runs += 1
        name = shown if runs == 1 else f"{shown} (from row {frame.index[0] if len(frame) else '-'})"
        # One datasource per chunk, deleted after use: a pandas datasource's execution
        # engine caches every dataframe it has seen (memory would grow chunk by chunk).
        # (GE's file store refuses keys with a slash or backslash.)
        datasource = context.data_sources.add_pandas(
            f"{entity.name}__{path.name}__{runs}".replace("/", "_").replace("\\", "_"))
        asset = datasource.add_dataframe_asset(name="landing_file")
        batch = asset.add_batch_definition_whole_dataframe("whole file")
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=suite))
        prepared = prepare_frame(entity, frame)
        validation = definition.run(
            batch_parameters={"dataframe": prepared}, run_id=run_id,
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": LISTED_ROWS})
        keys.add(frame)
        out.rows_validated += len(frame)
        out.expectations = 0
        for item in validation.results:
            out.expectations += 1
            ident = (item.expectation_config.type, json.dumps(item.expectation_config.kwargs,
                                                              sort_keys=True, default=str))
            if item.success:
                continue
            failed.add(ident)
            _merge(by_expectation, ident, _failure(shown, frame, prepared, item))
        context.validation_definitions.delete(name)
        context.data_sources.delete(datasource.name)
        del frame, prepared, validation
        _release_memory()
    if runs > 1:
        keys.cross_chunk_duplicates(by_expectation, failed, shown)
    out.sampled = sample_rows is not None and out.rows_validated >= sample_rows
    out.failures = list(by_expectation.values())
    out.failed = len(failed)
    out.passed = out.expectations - out.failed
    return out, runs


def _release_memory() -> None:
    """Hand the memory of a validated chunk back: collect cycles, and ask glibc to return free
    heap pages (many small text values fragment the heap; without this the peak grows with
    the file although no chunk is kept)."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _merge(by_expectation: dict[tuple, Failure], ident: tuple, failure: Failure) -> None:
    """Add one chunk's failure of an expectation to the file's failure of it."""
    known = by_expectation.get(ident)
    if known is None:
        by_expectation[ident] = failure
        return
    known.unexpected_count += failure.unexpected_count
    known.rows = (known.rows + failure.rows)[:LISTED_ROWS]
    known.row_messages = (known.row_messages + failure.row_messages)[:LISTED_ROWS]
    known.examples = list(dict.fromkeys(known.examples + failure.examples))[:5]


class _KeyTracker:
    """The primary key of a file across its chunks, as 64-bit hashes with row numbers
    (16 bytes a row), to find duplicates that fall into different chunks."""

    def __init__(self, entity: Entity):
        from crm_warehouse.gate.suites import EXACTLY_ONE_OF

        self.key = list(entity.primary_key)
        self.skip = not self.key or bool(EXACTLY_ONE_OF.get(entity.name))
        self.hashes: list = []
        self.rows: list = []
        self.chunk: list = []

    def add(self, frame) -> None:
        import numpy as np
        import pandas as pd

        if self.skip or not all(c in frame.columns for c in self.key) or not len(frame):
            return
        present = frame[self.key].notna().all(axis=1)
        keyed = frame.loc[present, self.key]
        self.hashes.append(pd.util.hash_pandas_object(keyed, index=False).to_numpy())
        self.rows.append(keyed.index.to_numpy(dtype=np.int64))
        self.chunk.append(np.full(len(keyed), len(self.chunk), dtype=np.int32))

    def cross_chunk_duplicates(self, by_expectation: dict[tuple, Failure], failed: set[tuple],
                               shown: str) -> None:
        import numpy as np

        if self.skip or not self.hashes:
            return
        hashes, rows, chunk = (np.concatenate(a) for a in (self.hashes, self.rows, self.chunk))
        order = np.argsort(hashes, kind="stable")
        hashes, rows, chunk = hashes[order], rows[order], chunk[order]
        same_as_next = hashes[1:] == hashes[:-1]
        duplicated = np.zeros(len(hashes), dtype=bool)
        duplicated[1:] |= same_as_next
        duplicated[:-1] |= same_as_next
        groups: dict[int, list[tuple[int, int]]] = {}
        for h, row, c in zip(hashes[duplicated], rows[duplicated], chunk[duplicated]):
            groups.setdefault(int(h), []).append((int(row), int(c)))
        extra: list[tuple[int, str]] = []
        for members in groups.values():
            if len({c for _, c in members}) < 2:
                continue  # within one chunk: already reported by the chunk's expectation
            member_rows = sorted(r for r, _ in members)
            for row in member_rows:
                others = [r for r in member_rows if r != row]
                extra.append((row, f"duplicate primary key (also on row "
                                   f"{', '.join(map(str, others[:5]))}{', …' if len(others) > 5 else ''})"))
        if not extra:
            return
        extra.sort()
        kind = ("expect_column_values_to_be_unique" if len(self.key) == 1
                else "expect_compound_columns_to_be_unique")
        ident = (kind, "cross-chunk")
        failed.add(next((i for i in failed if i[0] == kind), ident))
        failure = Failure(file=shown, expectation=kind, column=", ".join(self.key),
                          message=f"primary key ({', '.join(self.key)}) is not unique within the file",
                          unexpected_count=len(extra), rows=[r for r, _ in extra][:LISTED_ROWS],
                          row_messages=extra[:LISTED_ROWS])
        existing = next((k for k in by_expectation if k[0] == kind), None)
        _merge(by_expectation, existing or ident, failure)


def _failure(shown: str, frame, prepared, item) -> Failure:
    """One failed expectation result as a reportable failure with row messages.

    `frame` holds the values as read (for messages), `prepared` what the suite validated.
    """
    config = item.expectation_config
    kind, kwargs = config.type, config.kwargs
    res = item.result or {}
    rows = [int(r) for r in res.get("partial_unexpected_index_list") or []]
    count = int(res.get("unexpected_count") or len(rows))
    column = kwargs.get("column")
    failure = Failure(file=shown, expectation=kind, column=column, message="", unexpected_count=count,
                      rows=rows)

    def value(row: int, col: str) -> str | None:
        if col in frame.columns and row in frame.index:
            v = frame.at[row, col]
            return None if v is None else str(v)
        return None

    if kind == "expect_table_columns_to_match_set":
        missing = (res.get("details") or {}).get("mismatched", {}).get("missing", [])
        failure.message = f"required column(s) missing: {', '.join(missing)}"
        failure.column = ", ".join(missing) or None
        return failure
    if not res or (item.exception_info or {}).get("raised_exception"):
        info = item.exception_info or {}
        failure.message = f"expectation {kind} could not be evaluated: {info.get('exception_message')}"
        return failure

    if kind == "expect_column_values_to_parse_as_landing_type":
        rule = TYPE_RULES[LandingType(kwargs["landing_type"])]
        failure.message = f"value is not {rule}"
        for row in rows:
            failure.row_messages.append((row, f"{value(row, column)!r} is not {rule}"))
    elif kind == "expect_column_values_to_be_in_set" and "/" in (column or ""):
        alternatives = column.split("/")
        failure.message = f"exactly one of {' / '.join(alternatives)} must be set"
        for row in rows:
            found = [f"{c} {value(row, c)!r}" for c in alternatives if value(row, c) is not None]
            failure.row_messages.append((row, f"exactly one of {' / '.join(alternatives)} must be set "
                                              f"({'found ' + ' and '.join(found) if found else 'none is'})"))
    elif kind == "expect_column_values_to_be_in_set":
        accepted = ", ".join(kwargs["value_set"])
        failure.message = f"value is not an accepted value ({accepted})"
        for row in rows:
            failure.row_messages.append((row, f"{value(row, column)!r} is not an accepted value "
                                              f"({accepted})"))
    elif kind == "expect_column_values_to_not_be_null":
        failure.message = "primary key column is empty"
        failure.row_messages = [(row, "primary key column is empty") for row in rows]
    elif kind in ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"):
        key = [column] if column else list(kwargs["column_list"])
        failure.column = ", ".join(key)
        failure.message = f"primary key ({', '.join(key)}) is not unique within the file"
        failure.row_messages = _duplicate_messages(prepared, key, rows)
    else:
        failure.message = f"{kind} failed"
        failure.row_messages = [(row, failure.message) for row in rows]
    failure.examples = _examples(frame, failure, rows)
    return failure


def _duplicate_messages(frame, key: list[str], rows: list[int]) -> list[tuple[int, str]]:
    keyed = frame[key].astype(object).where(frame[key].notna(), None)
    tuples = list(keyed.itertuples(index=True, name=None))
    groups: dict[tuple, list[int]] = {}
    for row, *values in tuples:
        groups.setdefault(tuple(values), []).append(int(row))
    messages = []
    for row in rows:
        values = tuple(keyed.loc[row]) if row in keyed.index else ()
        others = [r for r in groups.get(values, []) if r != row]
        shown = "(" + ", ".join("" if v is None else str(v) for v in values) + ")"
        also = ""
        if others:
            also = f" (also on row {', '.join(map(str, others[:5]))}{', …' if len(others) > 5 else ''})"
        messages.append((row, f"duplicate primary key {shown}{also}"))
    return messages


def _examples(frame, failure: Failure, rows: list[int]) -> list[str]:
    cols = [c.strip() for c in (failure.column or "").replace("/", ",").split(",") if c.strip()]
    seen: list[str] = []
    for row in rows:
        if not cols or row not in frame.index:
            continue
        parts = [frame.at[row, c] if c in frame.columns else None for c in cols]
        text = ", ".join("" if p is None else str(p) for p in parts)
        if text not in seen:
            seen.append(text)
        if len(seen) >= 5:
            break
    return seen


# --------------------------------------------------------------------------- outputs

_HEADLINES = {
    "passed": "PASSED",
    "passed_with_content_faults": "PASSED WITH CONTENT FAULTS (reported below; the build may run)",
    "failed_content_strict": "FAILED (content faults, --strict)",
    "stopped_structural": "STOPPED (structural faults; the build must not run)",
}


def summary_text(result: GateResult, rows_per_failure: int = 10) -> str:
    scope = f", first {result.sample_rows} data rows per file" if result.sample_rows else ""
    lines = [f"Landing gate {_HEADLINES[result.status]}: {result.landing_dir} "
             f"({result.fmt}, contract {result.contract_version}{scope})"]
    if result.structural_problems:
        lines.append(f"{len(result.structural_problems)} structural fault(s): nothing was validated; "
                     "fix the files and rerun (the build must not run on them).")
        lines += [f"  {problem_text(p, result)}" for p in result.structural_problems]
        return "\n".join(lines) + "\n"
    width = max([len(r.file) for r in result.files] + [4])
    for r in result.files:
        rows = f"{r.rows_validated} row{'' if r.rows_validated == 1 else 's'}"
        rows += " (sample)" if r.sampled else ""
        lines.append(f"{r.entity:<26} {r.file:<{width}}  {rows:>16}  "
                     f"{r.passed}/{r.expectations} expectations passed, {r.failed} failed")
    failures = result.content_failures
    total_rows = sum(f.unexpected_count for f in failures)
    lines.append(f"{len(failures)} failed expectation(s), {total_rows} value(s) affected"
                 + (":" if failures else "."))
    for f in failures:
        listed = f.row_messages[:rows_per_failure]
        for row, message in listed:
            lines.append(f"  {f.file}, row {row}, column '{f.column}': {message}")
        if not listed:
            lines.append(f"  {f.file}, column '{f.column}': {f.message}")
        more = f.unexpected_count - len(listed)
        if more > 0 and listed:
            lines.append(f"  {f.file}, column '{f.column}': {more} more row(s) with the same problem "
                         "(see the JSON result and Data Docs)")
    if result.data_docs:
        lines.append(f"Data Docs: {result.data_docs}")
    lines += [f"Note: {note}" for note in result.notes]
    return "\n".join(lines) + "\n"


def problem_text(problem: Problem, result: GateResult) -> str:
    shown = _display(Path(problem.path), Path(result.landing_dir))
    return str(Problem(shown, problem.message, problem.row, problem.column))


def result_json(result: GateResult) -> dict:
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
            {"file": _display(Path(p.path), Path(result.landing_dir)), "row": p.row, "column": p.column,
             "message": p.message} for p in result.structural_problems],
        "files": [
            {**{k: v for k, v in asdict(r).items() if k != "failures"},
             "failures": [
                 {"expectation": f.expectation, "column": f.column, "message": f.message,
                  "unexpected_count": f.unexpected_count, "rows": f.rows, "examples": f.examples,
                  "row_messages": [{"row": row, "message": m} for row, m in f.row_messages]}
                 for f in r.failures]}
            for r in result.files],
    }


def write_outputs(result: GateResult, summary_path: Path | None, json_path: Path | None) -> str:
    text = summary_text(result)
    if summary_path is not None:
        summary_path.parent.mkdir(parents=True, exist_ok=True)
        summary_path.write_text(text, encoding="utf-8")
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(result_json(result), ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
    return text
