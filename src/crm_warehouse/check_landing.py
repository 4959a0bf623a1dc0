"""Structural check of a landing folder before the warehouse build.

Stops the build (exit code 2) when the landing folder or an entity folder is missing, the
folder path holds glob characters, an entity has no export file or only header-only files (unless
an adapted landing declares the entity absent: declared_absent), an
export file's name is outside the safe pattern (SAFE_FILE_NAME), a file is empty (0 bytes), not UTF-8 (GBK/GB18030 saved by Excel is named
and refused, never read as garbled text), truncated or malformed, or lacks a required
column. Every message names the file, and where it applies the row and column. Files are
streamed, so a 10-million-row export is checked in constant memory. Row-level content (types,
enums, keys) is left to the landing gate (crmwh gate) and the data-quality
layer: it never stops the build.

Usage: crmwh check [--landing-dir DIR] [--format csv|parquet] [--quick]
"""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from crm_warehouse.landing_contract import load_contract  # noqa: E402

csv.field_size_limit(16 * 1024 * 1024)

# Export file names the warehouse reads (docs/landing-contract.md, "File names"): letters and
# digits of any script (商机导出_2026-11-25.csv), space, '_', '-', '.', '(', ')' and the
# full-width （ ） and 【 】; the first character is a letter, a digit or 【 (no hidden '.', '_' or '~$'
# office lock files, no leading '-'). Quotes, ';', backslash, '/', '%', '+', ':', glob characters and
# control characters are refused. The dbt landing hook (macros/landing/
# register_landing_sources.sql) applies the same pattern; a test keeps the two identical.
SAFE_FILE_NAME = r"(?:[^\W_]|【)[\w .()（）【】-]*"
ALLOWED_CHARACTERS = (
    "letters and digits of any script, space, '_', '-', '.', '(', ')', "
    "'（', '）', '【', '】'; it must start with a letter, a digit or '【'"
)
# Glob characters in the landing folder would widen the readers' file pattern.
FOLDER_GLOB_CHARACTERS = "*?[]{}"


@dataclass(frozen=True)
class Problem:
    """A structural problem of a landing file, with the row and column where known."""

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


HEAD_BYTES = 1024 * 1024
MAX_PROBLEMS_PER_FILE = 20
CONVERT_HINT = (
    "convert it to UTF-8 before the export is landed, e.g. "
    "`iconv -f GB18030 -t UTF-8 in.csv > out.csv`, or in Excel use "
    "'Save As > CSV UTF-8 (Comma delimited)'"
)


def encoding_message(sample: bytes) -> str:
    """Why bytes that are not UTF-8 were refused, naming the likely encoding.

    Excel on Chinese Windows saves CSV as GBK/GB18030; such a file is refused, never read as
    mojibake. `sample` is a stretch of the file around the first invalid byte.
    """
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return (
            "file is UTF-16 (Excel 'Unicode Text'), not UTF-8: re-export as CSV UTF-8, or "
            "convert it, e.g. `iconv -f UTF-16 -t UTF-8 in.csv > out.csv`"
        )
    cut = sample.rfind(b"\n")
    candidate = sample[: cut + 1] if cut > 0 else sample
    try:
        decoded = candidate.decode("gb18030")
    except UnicodeDecodeError:
        decoded = None
    if decoded is not None and any(ord(ch) > 0x7F for ch in decoded):
        return (
            "file is not UTF-8: it looks like GBK/GB18030 (how Excel saves CSV on Chinese "
            "Windows); it is refused rather than read as garbled text: " + CONVERT_HINT
        )
    return "file is not UTF-8 (unknown encoding): re-export it as UTF-8; " + CONVERT_HINT


def locate_decode_error(path: Path, limit: int | None = None) -> tuple[int, bytes] | None:
    """(1-based line, bytes from that line on) of the first invalid UTF-8 byte, or None.

    Streams the file (or its first `limit` bytes); the header is line 1.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines_before = 0
    read = 0
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(HEAD_BYTES if limit is None else min(HEAD_BYTES, limit - read))
            read += len(chunk)
            final = not chunk or (limit is not None and read >= limit)
            try:
                # With a limit, a character cut at the limit is not an error.
                decoder.decode(chunk, final=final and limit is None)
            except UnicodeDecodeError as err:
                # err.start counts from the bytes buffered before this chunk (at most 3).
                buffered = len(err.object) - len(chunk)
                pos = max(0, err.start - buffered)
                line_start = chunk.rfind(b"\n", 0, pos) + 1
                line = lines_before + chunk.count(b"\n", 0, pos) + 1
                return line, chunk[line_start : line_start + 64 * 1024]
            lines_before += chunk.count(b"\n")
            if final:
                return None


def check_csv(path: Path, required: tuple[str, ...], quick: bool = False) -> list[Problem]:
    """Structural problems of one CSV export (empty list = fine).

    The whole file is streamed (constant memory, about 1.5 s per million rows); `quick`
    checks the header, the first MiB and the last byte only.
    """
    size = path.stat().st_size
    if size == 0:
        return [Problem(str(path), "file is empty (0 bytes): an export needs at least a header row")]
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
        fh.seek(size - 1)
        last_byte = fh.read(1)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [Problem(str(path), encoding_message(head), row=1)]
    if quick:
        found = locate_decode_error(path, limit=HEAD_BYTES)
        if found is not None:
            return [Problem(str(path), encoding_message(found[1]), row=found[0])]

    problems: list[Problem] = []
    row_number = 1
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        reader = csv.reader(text, strict=True)
        try:
            try:
                header = next(reader)
            except StopIteration:
                return [Problem(str(path), "no header row", row=1)]
            header = [h.strip() for h in header]
            for col in (c for c in required if c not in header):
                problems.append(
                    Problem(str(path), "required column is missing from the header", row=1, column=col)
                )
            for col in sorted({h for h in header if header.count(h) > 1}):
                problems.append(
                    Problem(str(path), "column appears more than once in the header", row=1, column=col)
                )
            if problems:
                return problems
            if last_byte not in (b"\n", b"\r"):
                problems.append(
                    Problem(
                        str(path),
                        "file does not end with a line break: it looks "
                        "truncated (an interrupted export); re-export it",
                    )
                )
            if quick:
                return problems
            for row_number, row in enumerate(reader, start=2):
                if len(row) != len(header):
                    if row == []:
                        continue  # a blank line
                    missing_col = header[len(row)] if len(row) < len(header) else None
                    problems.append(
                        Problem(
                            str(path),
                            f"row has {len(row)} fields, the header has {len(header)}"
                            + (
                                " (truncated row or unquoted comma)"
                                if len(row) < len(header)
                                else " (unquoted comma?)"
                            ),
                            row=row_number,
                            column=missing_col,
                        )
                    )
                    if len(problems) >= MAX_PROBLEMS_PER_FILE:
                        problems.append(Problem(str(path), "more problems not listed"))
                        break
        except UnicodeDecodeError:
            found = locate_decode_error(path)
            line, sample = found if found is not None else (row_number + 1, head)
            problems.append(Problem(str(path), encoding_message(sample), row=line))
        except csv.Error as err:
            problems.append(
                Problem(
                    str(path),
                    f"malformed CSV ({err}): an unterminated quote usually means a truncated file",
                    row=row_number + 1,
                )
            )
    return problems


def check_parquet(path: Path, required: tuple[str, ...]) -> list[Problem]:
    """The problems of one Parquet export: empty, unreadable, or missing a required column."""
    import pyarrow.parquet as pq

    if path.stat().st_size == 0:
        return [Problem(str(path), "file is empty (0 bytes)")]
    try:
        names = pq.ParquetFile(path).schema_arrow.names
    except Exception as err:  # pyarrow raises several types for a damaged file
        return [Problem(str(path), f"unreadable Parquet file ({err.__class__.__name__}: {err})")]
    return [Problem(str(path), "required column is missing", column=c) for c in required if c not in names]


def shown(text: str) -> str:
    """`text` quoted for a message, with control and invisible characters escaped (never sent
    raw to a terminal); Chinese stays readable."""
    return repr(text)


def file_name_problem(path: Path) -> Problem | None:
    """Why an export file's name is refused (None = the name is safe)."""
    name = path.name
    if re.fullmatch(SAFE_FILE_NAME, name):
        return None
    bad = sorted({ch for ch in name if not re.fullmatch(r"[\w .()（）【】-]", ch)})
    if bad:
        why = "characters " + " ".join(shown(ch) for ch in bad) + " are not allowed"
    else:
        why = f"it starts with {shown(name[0])}"
    where = str(path) if name.isprintable() else str(path.parent / shown(name))
    return Problem(
        where,
        f"文件名不安全，请重命名 / unsafe export file name {shown(name)}: {why}. "
        f"Allowed: {ALLOWED_CHARACTERS}. Rename the file, e.g. 商机导出_2026-11-25.csv; "
        "nothing of this landing was loaded",
    )


def folder_problem(landing_dir: Path) -> Problem | None:
    """A problem when the landing folder's path holds glob characters, else None."""
    bad = sorted({ch for ch in str(landing_dir) if ch in FOLDER_GLOB_CHARACTERS})
    if not bad:
        return None
    return Problem(
        shown(str(landing_dir)),
        f"落地目录路径含通配符 / the landing folder path holds glob characters "
        f"{' '.join(bad)}: the readers would match other files; move or rename the folder",
    )


def export_files(folder: Path, fmt: str = "csv") -> list[Path]:
    """The export files of an entity folder, in name order (the contract's tie-break order)."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == f".{fmt}")


def check_landing(landing_dir: Path, fmt: str = "csv", quick: bool = False) -> list[Problem]:
    """All structural problems of a landing folder (empty list = fine)."""
    if not landing_dir.is_dir():
        return [Problem(str(landing_dir), "landing folder does not exist (set CRM_LANDING_DIR)")]
    bad_folder = folder_problem(landing_dir)
    if bad_folder is not None:
        return [bad_folder]
    problems: list[Problem] = []
    absent = declared_absent(landing_dir)
    for entity in load_contract().values():
        folder = landing_dir / entity.name
        if not folder.is_dir():
            problems.append(Problem(str(folder), f"entity folder for '{entity.name}' is missing"))
            continue
        files = export_files(folder, fmt)
        if not files:
            problems.append(Problem(str(folder), f"no .{fmt} export file for entity '{entity.name}'"))
            continue
        found: list[Problem] = []
        for path in files:
            bad_name = file_name_problem(path)
            if bad_name is not None:
                found.append(bad_name)
                continue
            if fmt == "csv":
                found.extend(check_csv(path, entity.columns, quick=quick))
            else:
                found.extend(check_parquet(path, entity.columns))
        problems.extend(found)
        if entity.name in absent:
            continue  # the source system has no such records (an adapted landing says so)
        if not found and not any(has_data_row(path, fmt) for path in files):
            problems.append(Problem(str(folder), ALL_HEADER_ONLY.format(entity=entity.name)))
    return problems


def declared_absent(landing_dir: Path) -> set[str]:
    """Entities a landing written by crmwh adapt declares its source system lacks
    (`_adapt/report.json`, absent_entities): they may be header-only. Other landings: none."""
    import json

    path = landing_dir / "_adapt" / "report.json"
    if not path.is_file():
        return set()
    try:
        names = json.loads(path.read_text(encoding="utf-8")).get("absent_entities", [])
    except (ValueError, AttributeError):
        return set()
    return {n for n in names if isinstance(n, str)}


# A header-only file is an empty export (a delta with no changes) and is fine; an entity
# whose every file is header-only has no data at all, which is an export fault.
ALL_HEADER_ONLY = (
    "every export file of entity '{entity}' is header-only (no data rows): the "
    "export is empty; re-export the entity with its records"
)


def has_data_row(path: Path, fmt: str = "csv") -> bool:
    """True when the export holds at least one record (blank lines do not count)."""
    if fmt != "csv":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows > 0
    with path.open("r", encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text)
        next(reader, None)
        return any(any(value.strip() for value in row) for row in reader)


def main(argv: list[str] | None = None) -> int:
    """Command line: check the landing folder's structure; exits 2 on any problem, else 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--landing-dir", type=Path, default=Path(os.environ.get("CRM_LANDING_DIR", "data/landing"))
    )
    parser.add_argument(
        "--format", choices=["csv", "parquet"], default=os.environ.get("CRM_LANDING_FORMAT", "csv")
    )
    parser.add_argument(
        "--quick", action="store_true", help="check headers and file endings only (large exports)"
    )
    args = parser.parse_args(argv)
    problems = check_landing(args.landing_dir, args.format, args.quick)
    for problem in problems:
        print(f"LANDING ERROR {problem}", file=sys.stderr)
    if problems:
        print(
            f"{len(problems)} structural problem(s) in {args.landing_dir}: the build is stopped and "
            "the serving warehouse is left as it was.",
            file=sys.stderr,
        )
        return 2
    print(f"landing check passed: {args.landing_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
