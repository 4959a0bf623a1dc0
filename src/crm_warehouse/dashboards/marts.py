"""Read-only access to the serving marts, from the DuckDB file or from its Parquet copies.

Pages and reports name the tables they read as ``{schema.table}`` placeholders in their SQL;
the reader resolves them, refuses anything outside the mart schemas (never staging or
intermediate) and records what each consumer read, so the dbt exposures can be checked
against what the code really reads.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb

MART_SCHEMAS = ("core", "marts", "data_quality")
BUSINESS_TIMEZONE = "Asia/Shanghai"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\.([a-z0-9_]+)\}")


class MartAccessError(RuntimeError):
    """A consumer asked for something that is not a mart table."""


class MartReader:
    """Query the marts of a warehouse file (``*.duckdb``) or a Parquet folder."""

    def __init__(self, source: Path):
        self.source = Path(source)
        self.reads: dict[str, set[str]] = defaultdict(set)  # consumer -> table
        self.qualified_reads: dict[str, set[str]] = defaultdict(set)  # consumer -> schema.table
        self.consumer = "unnamed"
        if self.source.is_dir():
            self.con = duckdb.connect(":memory:")
            self._attach_parquet(self.source)
        elif self.source.is_file():
            self.con = duckdb.connect(str(self.source), read_only=True)
        else:
            raise FileNotFoundError(
                f"no warehouse at {self.source}: run `make demo` (or `make build`) first, "
                "or pass the Parquet folder warehouse/parquet"
            )
        self.con.execute(f"set timezone = '{BUSINESS_TIMEZONE}'")

    def _attach_parquet(self, folder: Path) -> None:
        """Views over Parquet marts: the refresh's copies (<schema>/<table>.parquet) or a Spark
        warehouse folder (<schema>.db/<table>/part-*.parquet)."""
        found = 0
        for schema in MART_SCHEMAS:
            tables: dict[str, str] = {}
            for path in sorted((folder / schema).glob("*.parquet")):
                tables[path.stem] = f"read_parquet('{_sql_literal(str(path))}')"
            for path in sorted((folder / f"{schema}.db").glob("*/")):
                if any(path.rglob("*.parquet")):  # partitioned tables: <column>=<value>/part-*
                    tables[path.name] = (
                        f"read_parquet('{_sql_literal(str(path))}/**/*.parquet', hive_partitioning = true)"
                    )
            if not tables:
                continue
            self.con.execute(f'create schema if not exists "{schema}"')
            for name, source in tables.items():
                self.con.execute(f'create view "{schema}"."{name}" as {self._select(source)}')
                found += 1
        if not found:
            raise FileNotFoundError(
                f"no Parquet marts under {folder} (expected core/, marts/, "
                "data_quality/ or a Spark warehouse with core.db/, marts.db/, …)"
            )

    def _select(self, source: str) -> str:
        """Spark writes timestamps as UTC instants (INT96) that DuckDB reads as UTC wall time:
        turn them back into business-time (Asia/Shanghai) wall time, as the DuckDB marts hold."""
        if "hive_partitioning" not in source:
            return f"select * from {source}"
        columns = self.con.execute(f"describe select * from {source}").fetchall()
        fixed = [
            f"(\"{c[0]}\" at time zone 'UTC') at time zone '{BUSINESS_TIMEZONE}' as \"{c[0]}\""
            for c in columns
            if c[1] == "TIMESTAMP"
        ]
        if not fixed:
            return f"select * from {source}"
        return f"select * replace ({', '.join(fixed)}) from {source}"

    def close(self) -> None:
        """Close the DuckDB connection."""
        self.con.close()

    def __enter__(self) -> MartReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- queries ---------------------------------------------------------------------------
    def _resolve(self, sql: str) -> str:
        def repl(match: re.Match) -> str:
            schema, table = match.group(1), match.group(2)
            if schema not in MART_SCHEMAS:
                raise MartAccessError(
                    f"{self.consumer} asked for {schema}.{table}: pages and reports read only "
                    f"the mart schemas {', '.join(MART_SCHEMAS)}"
                )
            self.reads[self.consumer].add(table)
            self.qualified_reads[self.consumer].add(f"{schema}.{table}")
            return f'"{schema}"."{table}"'

        resolved = _PLACEHOLDER.sub(repl, sql)
        if re.search(r"\b(staging|intermediate|landing)\.", resolved):
            raise MartAccessError(f"{self.consumer}: SQL names a non-mart schema: {sql.strip()[:120]}")
        return resolved

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        """The query's rows as dictionaries of plain Python values (mart placeholders resolved and
        recorded as reads)."""
        cur = self.con.execute(self._resolve(sql), list(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, (_plain(v) for v in row), strict=False)) for row in cur.fetchall()]

    def one(self, sql: str, params: Iterable[Any] = ()) -> dict[str, Any] | None:
        """The query's first row, or None when it returns none."""
        found = self.rows(sql, params)
        return found[0] if found else None

    def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        """The first value of the query's first row, or None when it returns no row."""
        row = self.one(sql, params)
        return None if row is None else next(iter(row.values()))

    def as_of_date(self) -> dt.date:
        """The as-of date the marts were built for (the day the exports describe)."""
        value = self.scalar("select max(as_of_date) as d from {marts.team_board}")
        if value is None:
            value = self.scalar("select max(as_of_date) as d from {marts.rep_workbench}")
        if value is None:
            value = self.scalar(
                "select max(period_end_date) as d from {marts.indicator_values} "
                "where period_type = 'month' and not is_period_in_progress"
            )
        if value is None:
            raise MartAccessError("the marts are empty: no as-of date found")
        return value


def _sql_literal(text: str) -> str:
    return text.replace("'", "''")


def _plain(value: Any) -> Any:
    """DuckDB returns Decimal for DECIMAL columns; pages work with float and keep dates."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    return value
