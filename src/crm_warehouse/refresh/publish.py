"""Publishing: inspection and checksums of a build, the serving file, and the Parquet copies of the marts."""

from __future__ import annotations

import os
from pathlib import Path

from crm_warehouse.refresh.codes import EXIT_PUBLISH, RefreshError
from crm_warehouse.refresh.layout import Layout, fsync_dir, remove_path, stamp
from crm_warehouse.refresh.sql import base_tables, quote_ident, quote_literal

# Schemas whose tables BI reads: copied to Parquet after every publish.
MART_SCHEMAS = ("core", "marts", "data_quality")


# Schemas published into the serving file; staging (raw rows, clear-text personal data) and
# intermediate stay in the private build file.
SERVING_SCHEMAS = ("core", "marts", "data_quality", "reference")


def table_checksum(con, schema: str, table: str) -> tuple[int, int]:
    """(row count, order-independent hash of all rows); floats rounded to 9 places so a
    parallel sum's last-bit noise does not count as a difference."""
    cols = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? and table_catalog = current_database() "
        "order by ordinal_position",
        [schema, table],
    ).fetchall()
    exprs = [
        f"round({quote_ident(c)}, 9)" if t.upper() in ("DOUBLE", "FLOAT", "REAL") else quote_ident(c)
        for c, t in cols
    ]
    row = con.execute(
        f"select count(*), coalesce(sum(hash({', '.join(exprs)})), 0) "
        f"from {quote_ident(schema)}.{quote_ident(table)}"
    ).fetchone()
    return int(row[0]), int(row[1])


def mart_checksums(path: Path, schemas: tuple[str, ...] = MART_SCHEMAS) -> dict[str, tuple[int, int]]:
    """Row count and content checksum of every base table of the given schemas, by schema.table."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return {f"{s}.{t}": table_checksum(con, s, t) for s, t in base_tables(con, schemas)}
    finally:
        con.close()


def inspect_candidate(path: Path) -> dict[str, int]:
    """Checkpoint the freshly built file (no WAL may travel with the swap) and count the rows
    of every table."""
    import duckdb

    con = duckdb.connect(str(path))
    try:
        con.execute("checkpoint")
        rows = {}
        for schema, table in base_tables(con):
            rows[f"{schema}.{table}"] = int(
                con.execute(f"select count(*) from {quote_ident(schema)}.{quote_ident(table)}").fetchall()[0][
                    0
                ]
            )
    finally:
        con.close()
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        raise RefreshError(EXIT_PUBLISH, f"{wal} remains after checkpoint; not publishing")
    con = duckdb.connect(str(path), read_only=True)  # the file opens as readers will open it
    con.close()
    return rows


def export_parquet(db: Path, dest: Path, schemas: tuple[str, ...] = MART_SCHEMAS) -> list[str]:
    """Write every table of `schemas` to dest/<schema>/<table>.parquet (views are skipped)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    written = []
    dest.mkdir(
        parents=True, exist_ok=True
    )  # a (partial) build without mart tables publishes an empty version
    try:
        for schema, table in base_tables(con, schemas):
            target = dest / schema / f"{table}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            con.execute(
                f"copy (select * from {quote_ident(schema)}.{quote_ident(table)}) "
                f"to {quote_literal(str(target))} (format parquet, compression zstd)"
            )
            written.append(f"{schema}.{table}")
    finally:
        con.close()
    return written


def copy_comments(con, source: str, schemas: tuple[str, ...]) -> int:
    """Copy the table and column comments (dbt persist_docs: the YAML descriptions) of the
    tables of `schemas` in the attached database `source` onto the same tables of the current
    database: `create table as select` keeps none. Returns how many comments were written."""
    marks = ", ".join("?" for _ in schemas)
    tables = con.execute(
        "select schema_name, table_name, comment from duckdb_tables() where database_name = ? "
        f"and schema_name in ({marks}) and comment is not null",
        [source, *schemas],
    ).fetchall()
    columns = con.execute(
        "select schema_name, table_name, column_name, comment from duckdb_columns() "
        f"where database_name = ? and schema_name in ({marks}) and comment is not null",
        [source, *schemas],
    ).fetchall()
    for schema, table, comment in tables:
        con.execute(
            f"comment on table {quote_ident(schema)}.{quote_ident(table)} is {quote_literal(comment)}"
        )
    for schema, table, column, comment in columns:
        con.execute(
            f"comment on column {quote_ident(schema)}.{quote_ident(table)}.{quote_ident(column)} "
            f"is {quote_literal(comment)}"
        )
    return len(tables) + len(columns)


def make_serving_file(full: Path, dest: Path, schemas: tuple[str, ...] = SERVING_SCHEMAS) -> list[str]:
    """Write a fresh DuckDB file holding only the tables of `schemas` copied out of the full
    build file: the raw audit layer (staging) and intermediate views never reach the file BI
    opens. A new file, not a copy with schemas dropped, so no freed block keeps raw data."""
    import duckdb

    dest.parent.mkdir(parents=True, exist_ok=True)
    for path in (dest, dest.with_name(dest.name + ".wal")):
        path.unlink(missing_ok=True)
    con = duckdb.connect(str(dest))
    copied = []
    try:
        con.execute(f"attach {quote_literal(str(full))} as full_build (read_only)")
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'full_build' "
            "and schema_name in (" + ", ".join("?" for _ in schemas) + ") order by 1, 2",
            list(schemas),
        ).fetchall()
        for schema in sorted({t[0] for t in tables}):
            con.execute(f"create schema if not exists {quote_ident(schema)}")
        for schema, table in tables:
            name = f"{quote_ident(schema)}.{quote_ident(table)}"
            con.execute(f"create table {name} as select * from full_build.{name}")
            copied.append(f"{schema}.{table}")
        copy_comments(con, "full_build", schemas)
        con.execute("detach full_build")
        con.execute("checkpoint")
    finally:
        con.close()
    wal = dest.with_name(dest.name + ".wal")
    if wal.exists():
        raise RefreshError(EXIT_PUBLISH, f"{wal} remains after checkpoint; not publishing")
    return copied


def serving_writer(serving: Path) -> str | None:
    """Why the serving file must not be replaced now, or None. A process that holds it open
    for writing keeps a WAL beside it: after a swap that WAL would be replayed onto the new
    file and every new reader would fail. Detected by the WAL file and by DuckDB's file lock
    (a read-only open fails while a writer holds it)."""
    import duckdb

    wal = serving.with_name(serving.name + ".wal")
    if wal.exists():
        return (
            f"{wal} exists: a process has the serving file open for writing (or crashed while "
            f"writing) / 服务库文件正被写入或有未合并的 WAL"
        )
    if not serving.exists():
        return None
    try:
        duckdb.connect(str(serving), read_only=True).close()
    except duckdb.Error as exc:
        text = str(exc)
        if "lock" in text.lower():
            return (
                f"a process holds {serving} open for writing ({text.splitlines()[0]}) / "
                f"有进程以读写方式打开了服务库文件"
            )
    return None


def current_parquet_version(layout: Layout) -> Path | None:
    """The Parquet version the Parquet path links to, or None when it is not a link."""
    if layout.parquet.is_symlink():
        return Path(os.path.realpath(layout.parquet))
    return None


def swap_parquet(layout: Layout, version: Path) -> None:
    """Point the `parquet` symlink at `version` atomically (rename of a new symlink over it)."""
    link = layout.parquet
    if link.exists() and not link.is_symlink():
        # a plain folder from an older layout: moved aside once (the only non-atomic moment)
        os.replace(link, layout.parquet_store / f"legacy-{stamp()}")
    tmp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(os.path.relpath(version, link.parent), tmp)
    os.replace(tmp, link)
    fsync_dir(link.parent)
    # Keep the version just replaced one more cycle (a reader may be globbing it right now).
    versions = sorted(
        (p for p in layout.parquet_store.iterdir() if not p.name.endswith(".tmp")),
        key=lambda p: (p.stat().st_mtime, p.name),
        reverse=True,
    )
    for old in [p for p in versions if p.resolve() != version.resolve()][1:]:
        remove_path(old)
