"""The nightly refresh (``crmwh refresh``, ``crmwh rollback``): one module per job.

layout (paths), lock, runlog (console and run log), settings (salt, as-of date), gate_step,
dbt_step, history (carry of the issue and alert histories), publish (serving file, checksums,
Parquet), archive and rollback, push_step, and the run itself (base, build_step, publish_step,
runner); cli parses the command line. The command line and its exit codes: refresh/cli.py and
docs/operations.md.
"""

from crm_warehouse.project import ROOT
from crm_warehouse.refresh.archive import archive_serving, clean_leftovers, history_files, prune
from crm_warehouse.refresh.cli import build_parser, main
from crm_warehouse.refresh.codes import (
    EXIT_DBT,
    EXIT_GATE,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_PUBLISH,
    EXIT_UNEXPECTED,
    EXIT_USAGE,
    Interrupted,
    RefreshError,
)
from crm_warehouse.refresh.layout import Layout
from crm_warehouse.refresh.lock import Locked, RefreshLock
from crm_warehouse.refresh.publish import (
    MART_SCHEMAS,
    SERVING_SCHEMAS,
    export_parquet,
    make_serving_file,
    mart_checksums,
    serving_writer,
)
from crm_warehouse.refresh.push_step import push_after_publish
from crm_warehouse.refresh.runner import Options, Refresh
from crm_warehouse.refresh.settings import check_as_of_date, check_salt
from crm_warehouse.refresh.sql import base_tables

__all__ = [
    "EXIT_DBT",
    "EXIT_GATE",
    "EXIT_INTERRUPTED",
    "EXIT_LOCKED",
    "EXIT_OK",
    "EXIT_PUBLISH",
    "EXIT_UNEXPECTED",
    "EXIT_USAGE",
    "MART_SCHEMAS",
    "ROOT",
    "SERVING_SCHEMAS",
    "Interrupted",
    "Layout",
    "Locked",
    "Options",
    "Refresh",
    "RefreshError",
    "RefreshLock",
    "archive_serving",
    "base_tables",
    "build_parser",
    "check_as_of_date",
    "check_salt",
    "clean_leftovers",
    "export_parquet",
    "history_files",
    "main",
    "make_serving_file",
    "mart_checksums",
    "prune",
    "push_after_publish",
    "serving_writer",
]
