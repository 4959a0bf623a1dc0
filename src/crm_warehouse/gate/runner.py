"""Run the landing gate: structural check, Great Expectations validation per file, outputs.

Structural faults (see check_landing) stop the gate before any content is read. Content is
validated per file, as an all-text dataframe, against the entity's suite (see suites).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

from crm_warehouse.check_landing import check_landing, export_files  # noqa: E402
from crm_warehouse.gate.outputs import _display
from crm_warehouse.gate.reading import CHUNK_ROWS  # noqa: E402
from crm_warehouse.gate.safe_docs import sanitise_site  # noqa: E402
from crm_warehouse.landing_contract import Entity, contract_version, load_contract  # noqa: E402

from .failures import _failure, _KeyTracker, _merge
from .results import LISTED_ROWS, Failure, FileResult, GateResult

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


DOCS_SITE = "landing_gate"


_GE_SITE_ENTRIES = ("index.html", "validations", "expectations", "static")


def run_gate(
    landing_dir: Path,
    fmt: str = "csv",
    docs_dir: Path | None = None,
    strict: bool = False,
    sample_rows: int | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> GateResult:
    """Check and validate a landing folder; build Data Docs into `docs_dir` (None: no docs).

    Each file is read and validated `chunk_rows` rows at a time, so memory is bounded by the
    chunk, not the file; a file of several chunks gets one Data Docs page per chunk and one
    merged result, and its primary key is checked for duplicates across chunks too.
    """
    landing_dir = Path(landing_dir)
    result = GateResult(
        landing_dir=str(landing_dir),
        fmt=fmt,
        strict=strict,
        sample_rows=sample_rows,
        contract_version=contract_version(),
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
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
                context,
                gx,
                run_id,
                suite,
                entity,
                path,
                shown,
                iter_landing_file(path, fmt, sample_rows, chunk_rows),
                sample_rows,
            )
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
            result.notes.append(
                f"Data Docs are incomplete: {built} validation page(s) for "
                f"{pages} validation(s) of {len(result.files)} file(s); see the log above"
            )
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
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(Path(docs_dir).resolve()),
            },
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


def _validate_file(
    context, gx, run_id, suite, entity: Entity, path: Path, shown: str, chunks, sample_rows: int | None
) -> tuple[FileResult, int]:
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
            f"{entity.name}__{path.name}__{runs}".replace("/", "_").replace("\\", "_")
        )
        asset = datasource.add_dataframe_asset(name="landing_file")
        batch = asset.add_batch_definition_whole_dataframe("whole file")
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=suite)
        )
        prepared = prepare_frame(entity, frame)
        validation = definition.run(
            batch_parameters={"dataframe": prepared},
            run_id=run_id,
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": LISTED_ROWS},
        )
        keys.add(frame)
        out.rows_validated += len(frame)
        out.expectations = 0
        for item in validation.results:
            out.expectations += 1
            ident = (
                item.expectation_config.type,
                json.dumps(item.expectation_config.kwargs, sort_keys=True, default=str),
            )
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
