"""Landing files as all-text pandas dataframes, as the gate validates them.

Every value is read as text (no type inference, no "NA" → null guessing); surrounding
blanks are stripped and an empty value becomes null, which is how staging reads it too.
Row labels are the file's row numbers: the header is row 1, so the first data row is row 2
(for Parquet, the first record is row 1). A row is a CSV record: it equals the line number
unless a quoted value contains line breaks.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

CSV_FIRST_ROW = 2
PARQUET_FIRST_ROW = 1


CHUNK_ROWS = 100_000  # rows held in memory at a time


def read_landing_file(path: Path, fmt: str = "csv", sample_rows: int | None = None) -> pd.DataFrame:
    """The file's rows as text (stripped, empty → None), indexed by row number, in one frame.

    With `sample_rows`, only the first N data rows are read. Blank lines are dropped (the
    row numbers of the other rows are kept). For large files use iter_landing_file.
    """
    frames = list(iter_landing_file(path, fmt, sample_rows, chunk_rows=None))
    return frames[0] if len(frames) == 1 else pd.concat(frames)


def iter_landing_file(
    path: Path, fmt: str = "csv", sample_rows: int | None = None, chunk_rows: int | None = CHUNK_ROWS
) -> Iterator[pd.DataFrame]:
    """The file's rows as text frames of at most `chunk_rows` rows each (None: one frame),
    indexed by row number: memory stays bounded by the chunk size, whatever the file size.

    Always yields at least one frame (with the file's columns), even for a header-only file.
    """
    if fmt == "csv":
        reader = pd.read_csv(
            path,
            dtype=object,
            keep_default_na=False,
            na_filter=False,
            encoding="utf-8-sig",
            skip_blank_lines=False,
            nrows=sample_rows,
            engine="c",
            chunksize=chunk_rows or None,
        )
        chunks = reader if chunk_rows else [reader]
        first_row = CSV_FIRST_ROW
    elif fmt == "parquet":
        chunks = _parquet_chunks(path, sample_rows, chunk_rows)
        first_row = PARQUET_FIRST_ROW
    else:
        raise ValueError(f"unknown landing format {fmt!r}")
    offset = 0
    yielded = False
    try:
        for frame in chunks:
            if yielded and len(frame) == 0:
                continue
            frame.columns = [str(c).strip() for c in frame.columns]
            frame.index = pd.RangeIndex(first_row + offset, first_row + offset + len(frame))
            offset += len(frame)
            frame = frame.apply(_clean_text)
            if len(frame.columns):
                frame = frame[frame.notna().any(axis=1)]  # blank lines
            yielded = True
            yield frame
    finally:
        if hasattr(chunks, "close"):
            chunks.close()


def _clean_text(values: pd.Series) -> pd.Series:
    text = values.astype(object)
    present = text.notna()
    text = text.where(~present, text.astype(str).str.strip())
    return text.where(present & (text != ""), None).astype(object)


def _parquet_chunks(path: Path, sample_rows: int | None, chunk_rows: int | None) -> Iterator[pd.DataFrame]:
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    names = parquet.schema_arrow.names
    remaining = sample_rows
    batch_size = max(1, min(chunk_rows or 65536, sample_rows or 65536))
    batches = []
    for batch in parquet.iter_batches(batch_size=batch_size):
        if remaining is not None:
            batch = batch.slice(0, remaining)
            remaining -= batch.num_rows
        if chunk_rows:
            yield _batch_frame(batch, names)
        else:
            batches.append(batch)
        if remaining is not None and remaining <= 0:
            break
    if not chunk_rows:
        import pyarrow as pa

        table = pa.Table.from_batches(batches, schema=parquet.schema_arrow)
        yield _batch_frame(table, names)
    elif parquet.metadata.num_rows == 0:
        yield pd.DataFrame({n: pd.Series([], dtype=object) for n in names}, columns=names)


def _batch_frame(batch, names: list[str]) -> pd.DataFrame:
    columns = {}
    for name, column in zip(batch.schema.names, batch.columns, strict=False):
        columns[name] = pd.Series(
            [None if v is None else _parquet_text(v) for v in column.to_pylist()], dtype=object
        )
    return pd.DataFrame(columns, columns=names)


def _parquet_text(value: object) -> str:
    """Typed Parquet values as the text a CSV export would carry."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
