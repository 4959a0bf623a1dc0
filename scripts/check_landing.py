"""Structural check of a landing folder before the warehouse build.

Stops the build (exit code 2) when the landing folder or an entity folder is missing, an
entity has no export file, a file is empty, not UTF-8, truncated or malformed, or lacks a
required column. Every message names the file, and where it applies the row and column.
Row-level content (types, enums, keys) is left to the data-quality layer: it never stops
the build.

Usage: python scripts/check_landing.py [--landing-dir DIR] [--format csv|parquet] [--quick]
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from landing_contract import load_contract  # noqa: E402

csv.field_size_limit(16 * 1024 * 1024)


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.path
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


def _decode_error_row(raw: bytes, position: int) -> int:
    """1-based physical line number (the header is line 1) of a byte offset."""
    return raw.count(b"\n", 0, position) + 1


def check_csv(path: Path, required: tuple[str, ...], quick: bool = False) -> list[Problem]:
    problems: list[Problem] = []
    size = path.stat().st_size
    if size == 0:
        return [Problem(str(path), "file is empty: an export needs at least a header row")]
    if quick:
        with path.open("rb") as fh:
            head = fh.read(1024 * 1024)
            fh.seek(max(0, size - 1))
            last_byte = fh.read(1)
        raw_sample = head
    else:
        raw_sample = path.read_bytes()
        last_byte = raw_sample[-1:]
    try:
        text = raw_sample.decode("utf-8")
    except UnicodeDecodeError as err:
        if not (quick and err.start >= len(raw_sample) - 4):
            row = _decode_error_row(raw_sample, err.start)
            return [Problem(str(path), "file is not UTF-8 (saved as GBK/GB18030 by Excel?): re-export "
                            "as UTF-8, e.g. `iconv -f GB18030 -t UTF-8`", row=row)]
        text = raw_sample[: err.start].decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as err:
        return [Problem(str(path), f"no readable header row ({err})", row=1)]
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    for col in missing:
        problems.append(Problem(str(path), "required column is missing from the header", row=1, column=col))
    dupes = sorted({h for h in header if header.count(h) > 1})
    for col in dupes:
        problems.append(Problem(str(path), "column appears more than once in the header", row=1, column=col))
    if problems:
        return problems
    if last_byte not in (b"\n", b"\r"):
        problems.append(Problem(str(path), "file does not end with a line break: it looks truncated "
                                "(an interrupted export); re-export it"))
    if quick:
        return problems
    row_number = 1
    try:
        for row_number, row in enumerate(reader, start=2):
            if len(row) != len(header):
                if row == []:
                    continue
                col = header[len(row)] if len(row) < len(header) else None
                problems.append(Problem(
                    str(path),
                    f"row has {len(row)} fields, the header has {len(header)}"
                    + (" (truncated or unquoted comma)" if len(row) < len(header) else ""),
                    row=row_number, column=col))
                if len(problems) >= 20:
                    problems.append(Problem(str(path), "more problems not listed"))
                    break
    except csv.Error as err:
        problems.append(Problem(str(path), f"malformed CSV ({err}): an unterminated quote usually means a "
                                "truncated file", row=row_number + 1))
    return problems


def check_parquet(path: Path, required: tuple[str, ...]) -> list[Problem]:
    import pyarrow.parquet as pq

    try:
        names = pq.ParquetFile(path).schema_arrow.names
    except Exception as err:  # pyarrow raises several types for a damaged file
        return [Problem(str(path), f"unreadable Parquet file ({err.__class__.__name__}: {err})")]
    return [Problem(str(path), "required column is missing", column=c) for c in required if c not in names]


def check_landing(landing_dir: Path, fmt: str = "csv", quick: bool = False) -> list[Problem]:
    """All structural problems of a landing folder (empty list = fine)."""
    if not landing_dir.is_dir():
        return [Problem(str(landing_dir), "landing folder does not exist (set CRM_LANDING_DIR)")]
    problems: list[Problem] = []
    for entity in load_contract().values():
        folder = landing_dir / entity.name
        if not folder.is_dir():
            problems.append(Problem(str(folder), f"entity folder for '{entity.name}' is missing"))
            continue
        files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == f".{fmt}")
        if not files:
            problems.append(Problem(str(folder), f"no .{fmt} export file for entity '{entity.name}'"))
            continue
        for path in files:
            if fmt == "csv":
                problems.extend(check_csv(path, entity.columns, quick=quick))
            else:
                problems.extend(check_parquet(path, entity.columns))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing-dir", type=Path,
                        default=Path(os.environ.get("CRM_LANDING_DIR", "data/landing")))
    parser.add_argument("--format", choices=["csv", "parquet"],
                        default=os.environ.get("CRM_LANDING_FORMAT", "csv"))
    parser.add_argument("--quick", action="store_true",
                        help="check headers and file endings only (large exports)")
    args = parser.parse_args(argv)
    problems = check_landing(args.landing_dir, args.format, args.quick)
    for problem in problems:
        print(f"LANDING ERROR {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} structural problem(s) in {args.landing_dir}: the build is stopped and "
              "the serving warehouse is left as it was.", file=sys.stderr)
        return 2
    print(f"landing check passed: {args.landing_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
