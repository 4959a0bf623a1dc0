"""Reading a CRM export as rows of text: CSV in UTF-8 (with or without BOM), UTF-16 or
GB18030/GBK (Excel on Chinese Windows), and .xlsx list-view exports (merged header cells,
real and serial dates, numbers stored as text, trailing empty rows)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

csv.field_size_limit(16 * 1024 * 1024)


class ReadError(Exception):
    """An export that cannot be read; the message names the file (and row/sheet)."""


@dataclass
class Table:
    """A source table as read: its path, a label for messages, the header and the numbered rows."""

    path: Path
    label: str  # file name, or "file.xlsx [sheet]"
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (row number in the file/sheet, values)


def clean_header(name) -> str:
    """A header cell as a column name: line breaks and surrounding spaces removed
    (Excel headers often wrap: '预计成交\\n日期')."""
    if name is None:
        return ""
    return (
        re.sub(r"\s+", "", str(name))
        if re.search(r"[\u4e00-\u9fff]", str(name))
        else re.sub(r"\s+", " ", str(name)).strip()
    )


def sniff_encoding(path: Path) -> str:
    """The text encoding of a CSV export (UTF-8 with or without BOM, UTF-16 or GB18030);
    raises ReadError for anything else."""
    head = path.read_bytes()[: 4 * 1024 * 1024]
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as err:
        if err.start >= len(head) - 3:  # a character cut at the sample's end
            return "utf-8"
    try:
        head.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        raise ReadError(f"{path}: neither UTF-8, UTF-16 nor GB18030: re-export it as 'CSV UTF-8'") from None


def read_csv(path: Path) -> Table:
    """A CSV export as a Table (header cleaned, rows as text); raises ReadError on an empty,
    undecodable or malformed file."""
    encoding = sniff_encoding(path)
    raw = path.read_bytes()
    if not raw.strip():
        raise ReadError(f"{path}: file is empty (no header row)")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ReadError(f"{path}, row {line}: not valid {encoding} text") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [clean_header(h) for h in next(reader)]
    except csv.Error as err:
        raise ReadError(f"{path}, row 1: malformed CSV header ({err})") from None

    def rows():
        number = 1
        try:
            for values in reader:
                number = reader.line_num
                if not any(v.strip() for v in values):
                    continue
                yield number, values
        except csv.Error as err:
            raise ReadError(
                f"{path}, row {number + 1}: malformed CSV ({err}); an unterminated "
                "quote usually means a truncated file"
            ) from None

    return Table(path, path.name, header, rows())


def cell_text(value) -> str:
    """An Excel cell's value as the text an export would carry."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    text = str(value)
    if text.startswith("#") and text.endswith(("!", "?", "A")):  # #VALUE!, #NAME?, #N/A
        return text
    return text


def read_xlsx(path: Path, sheets: list[str], header_rows: int = 1) -> Table:
    """One sheet of a workbook (the first of ``sheets`` present, else the first sheet) as a Table,
    merged cells spread and ``header_rows`` header rows joined; raises ReadError when unreadable."""
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise ReadError(
            f"{path}: not a readable .xlsx workbook ({err.__class__.__name__}: "
            f"{err}); save it again from Excel as .xlsx"
        ) from None
    sheet_name = next((s for s in sheets if s in book.sheetnames), None)
    if sheet_name is None:
        if sheets:
            raise ReadError(
                f"{path}: no sheet named {' or '.join(map(repr, sheets))} "
                f"(sheets: {', '.join(book.sheetnames)})"
            )
        sheet_name = book.sheetnames[0]
    ws = book[sheet_name]
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    # A merged cell holds its value in the top-left cell only: spread it over the range.
    for merged in ws.merged_cells.ranges:
        value = ws.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row, min(merged.max_row, len(grid)) + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                while len(grid[r - 1]) < c:
                    grid[r - 1].append(None)
                grid[r - 1][c - 1] = value
    label = f"{path.name} [{sheet_name}]"
    if len(grid) < header_rows:
        raise ReadError(f"{path}, sheet {sheet_name!r}: fewer than {header_rows} header row(s)")
    # The column name is the lowest header row's text (a group title merged over several
    # columns sits above it; a name merged down over the header rows fills every row).
    header = []
    width = max(len(r) for r in grid[:header_rows]) if grid else 0
    for c in range(width):
        parts = [grid[r][c] if c < len(grid[r]) else None for r in range(header_rows)]
        name = next((p for p in reversed(parts) if p not in (None, "")), None)
        header.append(clean_header(name))
    while header and header[-1] == "":
        header.pop()

    def rows():
        for number, values in enumerate(grid[header_rows:], start=header_rows + 1):
            texts = [cell_text(v) for v in values[: len(header)]]
            if not any(t.strip() for t in texts):
                continue  # empty or only formatted rows (Excel keeps them after the data)
            yield number, texts + [""] * (len(header) - len(texts))

    return Table(path, label, header, rows())


def read_table(path: Path, sheets: list[str], header_rows: int = 1) -> Table:
    """A .csv/.txt or .xlsx source file as a Table; raises ReadError for other file types."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(path, sheets, header_rows)
    if suffix in (".csv", ".txt"):
        return read_csv(path)
    if suffix == ".xls":
        raise ReadError(f"{path}: .xls (Excel 97-2003) is not read; save it as .xlsx")
    raise ReadError(f"{path}: unsupported file type {suffix!r} (.csv or .xlsx)")
