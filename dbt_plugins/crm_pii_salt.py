"""dbt-duckdb plugin: hands the personal-data salt to DuckDB without writing it into any SQL.

The salt comes from the environment variable DBT_ENV_SECRET_CRM_PII_SALT (the build and refresh
scripts map CRM_PII_SALT to it; dbt scrubs DBT_ENV_SECRET_* values from its logs). Every
connection and cursor dbt opens gets it as the DuckDB variable `crm_pii_salt`, set with a bound
parameter, and the hashing SQL reads `getvariable('crm_pii_salt')`: compiled SQL, manifest.json,
run_results.json and dbt.log only ever hold that expression. When the variable is not set the
hash SQL stops with an error instead of hashing without a salt.
"""
from __future__ import annotations

import os

from dbt.adapters.duckdb.plugins import BasePlugin

SALT_ENV = "DBT_ENV_SECRET_CRM_PII_SALT"
VARIABLE = "crm_pii_salt"


def _set_salt(conn) -> None:
    salt = os.environ.get(SALT_ENV, "")
    if salt:
        conn.execute(f"set variable {VARIABLE} = ?", [salt])


class Plugin(BasePlugin):
    def configure_connection(self, conn) -> None:
        _set_salt(conn)

    def configure_cursor(self, cursor) -> None:
        _set_salt(cursor)
