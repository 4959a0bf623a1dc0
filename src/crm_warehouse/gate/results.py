"""The gate's results: failures per expectation, per file, and the whole run with its exit code."""

from __future__ import annotations

from dataclasses import dataclass, field

from crm_warehouse.check_landing import Problem  # noqa: E402

LISTED_ROWS = 20  # rows kept per failed expectation (JSON); the summary shows fewer

EXIT_OK, EXIT_CONTENT_STRICT, EXIT_STRUCTURAL = 0, 1, 2


@dataclass
class Failure:
    """One failed expectation on one file: the column, message, count and the first rows it failed on."""

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
    """The gate's result for one landing file: rows validated, expectations passed and failed."""

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
    """One gate run: its settings, the structural problems and the result of every file."""

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
        """Every failed expectation over all files."""
        return [f for r in self.files for f in r.failures]

    @property
    def exit_code(self) -> int:
        """The run's exit code: structural problems first, then content failures in strict mode, else 0."""
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
