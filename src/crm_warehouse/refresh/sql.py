"""Small DuckDB helpers: quoting, and the base tables of a warehouse file."""

from __future__ import annotations


def quote_ident(name: str) -> str:
    """A DuckDB identifier in double quotes."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """A DuckDB string literal in single quotes."""
    return "'" + text.replace("'", "''") + "'"


def base_tables(con, schemas: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(schema, table) of every base table of a DuckDB connection, of the given schemas or all."""
    sql = (
        "select table_schema, table_name from information_schema.tables "
        "where table_type = 'BASE TABLE' and table_catalog = current_database()"
    )
    params: list = []
    if schemas is not None:
        sql += " and table_schema in (" + ", ".join("?" for _ in schemas) + ")"
        params = list(schemas)
    return [tuple(row) for row in con.execute(sql + " order by 1, 2", params).fetchall()]
