"""Landing files as all-text pandas dataframes, as the gate validates them.

Every value is read as text (no type inference, no "NA" → null guessing); surrounding
blanks are stripped and an empty value becomes null, which is how staging reads it too.
Row labels are the file's row numbers: the header is row 1, so the first data row is row 2
(for Parquet, the first record is row 1). A row is a CSV record: it equals the line number
unless a quoted value contains line breaks.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

CSV_FIRST_ROW = 2
PARQUET_FIRST_ROW = 1


def read_landing_file(path: Path, fmt: str = "csv", sample_rows: int | None = None) -> pd.DataFrame:
    """The file's rows as text (stripped, empty → None), indexed by row number.

    With `sample_rows`, only the first N data rows are read. Blank lines are dropped (the
    row numbers of the other rows are kept).
    """
    if fmt == "csv":
        frame = pd.read_csv(
            path, dtype=object, keep_default_na=False, na_filter=False, encoding="utf-8-sig",
            skip_blank_lines=False, nrows=sample_rows, engine="c",
        )
        first_row = CSV_FIRST_ROW
    elif fmt == "parquet":
        frame = _read_parquet(path, sample_rows)
        first_row = PARQUET_FIRST_ROW
    else:
        raise ValueError(f"unknown landing format {fmt!r}")
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.index = pd.RangeIndex(first_row, first_row + len(frame))
    frame = frame.apply(_clean_text)
    if len(frame.columns):
        frame = frame[frame.notna().any(axis=1)]  # blank lines
    return frame


def _clean_text(values: pd.Series) -> pd.Series:
    text = values.astype(object)
    present = text.notna()
    text = text.where(~present, text.astype(str).str.strip())
    return text.where(present & (text != ""), None).astype(object)


def _read_parquet(path: Path, sample_rows: int | None) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    if sample_rows is None:
        table = parquet.read()
    else:
        batches = []
        remaining = sample_rows
        for batch in parquet.iter_batches(batch_size=min(max(sample_rows, 1), 65536)):
            batches.append(batch.slice(0, remaining))
            remaining -= min(remaining, batch.num_rows)
            if remaining <= 0:
                break
        table = pa.Table.from_batches(batches, schema=parquet.schema_arrow)
    columns = {}
    for name, column in zip(table.column_names, table.columns):
        columns[name] = pd.Series(
            [None if v is None else _parquet_text(v) for v in column.to_pylist()], dtype=object)
    return pd.DataFrame(columns, columns=table.column_names)


def _parquet_text(value: object) -> str:
    """Typed Parquet values as the text a CSV export would carry."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
