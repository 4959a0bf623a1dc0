"""Query the semantic layer's metrics with MetricFlow against a DuckDB warehouse, read-only.

Usage: crmwh semantic-query --metrics bookings_amount,win_rate \
           --group-by metric_time__month,team__region_name [--where "{{ TimeDimension('metric_time', 'month') }} >= '2026-01-01'"] \
           [--warehouse warehouse/crm.duckdb] [--manifest target/semantic_manifest.json] [--order metric_time__month] [--explain]

`mf query` (dbt-metricflow) does the same through the dbt profile; this script needs no profile
and opens the warehouse read-only (the semantic manifest comes from `dbt parse`). MetricFlow
writes the SQL; DuckDB runs it. See docs/semantic-layer.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import duckdb
from metricflow.engine.metricflow_engine import MetricFlowEngine, MetricFlowQueryRequest
from metricflow.protocols.sql_client import SqlEngine
from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer
from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest
from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

from crm_warehouse.project import ROOT

DEFAULT_MANIFEST = ROOT / "target" / "semantic_manifest.json"


class _ExplainOnlyClient:
    """The part of MetricFlow's SqlClient that rendering SQL needs (DuckDB runs the query)."""

    sql_engine_type = SqlEngine.DUCKDB
    sql_plan_renderer = DuckDbSqlPlanRenderer()

    def render_bind_parameter_key(self, bind_parameter_key: str) -> str:
        """A bind parameter as DuckDB writes it: ``$name``."""
        return f"${bind_parameter_key}"

    def query(self, *args, **kwargs):  # pragma: no cover - never called: explain only
        """Never runs a query: the SQL MetricFlow renders runs in DuckDB."""
        raise NotImplementedError("queries run in DuckDB, not through this client")

    execute = dry_run = query

    def close(self) -> None:
        """Nothing to close."""
        return None


class SemanticLayer:
    """A MetricFlow engine over a semantic manifest and a read-only DuckDB warehouse."""

    def __init__(self, warehouse: Path, manifest: Path = DEFAULT_MANIFEST) -> None:
        if not Path(manifest).is_file():
            raise FileNotFoundError(
                f"no semantic manifest at {manifest}: run `dbt parse` (see docs/semantic-layer.md)"
            )
        if not Path(warehouse).is_file():
            raise FileNotFoundError(f"no warehouse at {warehouse}")
        self.manifest = Path(manifest)
        semantic_manifest = parse_manifest_from_dbt_generated_manifest(
            self.manifest.read_text(encoding="utf-8")
        )
        self.engine = MetricFlowEngine(SemanticManifestLookup(semantic_manifest), _ExplainOnlyClient())
        databases = {model.node_relation.database for model in semantic_manifest.semantic_models}
        if len(databases) != 1:
            raise ValueError(f"{manifest}: the semantic models name {len(databases)} databases, expected one")
        database = databases.pop()
        self.connection = duckdb.connect(":memory:")
        # The manifest names relations "<database>"."<schema>"."<table>": attach the file under that name.
        self.connection.execute(
            f"attach ? as {duckdb_identifier(cast(str, database))} (read_only)", [str(warehouse)]
        )
        self.connection.execute("set timezone = 'Asia/Shanghai'")

    def sql(
        self,
        metrics: Sequence[str],
        group_by: Sequence[str],
        where: Sequence[str] = (),
        order_by: Sequence[str] = (),
    ) -> str:
        """The SQL MetricFlow writes for the metrics grouped, filtered and ordered as asked."""
        request = MetricFlowQueryRequest.create(
            metric_names=list(metrics),
            group_by_names=list(group_by),
            where_constraints=list(where) or None,
            order_by_names=list(order_by) or None,
        )
        return self.engine.explain(request).sql_statement.sql

    def query(
        self,
        metrics: Sequence[str],
        group_by: Sequence[str],
        where: Sequence[str] = (),
        order_by: Sequence[str] = (),
    ):
        """The metrics grouped by the group-bys, as a pandas DataFrame."""
        return self.connection.execute(self.sql(metrics, group_by, where, order_by)).df()

    def close(self) -> None:
        """Close the DuckDB connection."""
        self.connection.close()


def duckdb_identifier(name: str) -> str:
    """The name as a double-quoted DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def main(argv: list[str] | None = None) -> int:
    """Command line: print the metrics' rows (or with ``--explain`` their SQL); returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--metrics", required=True, help="comma-separated metric names")
    parser.add_argument(
        "--group-by",
        default="",
        help="comma-separated group-bys (metric_time__month, team__region_name, rep, …)",
    )
    parser.add_argument("--where", action="append", default=[], help="a MetricFlow where filter (repeatable)")
    parser.add_argument("--order", default="", help="comma-separated order-bys (prefix - for descending)")
    parser.add_argument("--warehouse", type=Path, default=ROOT / "warehouse" / "crm.duckdb")
    parser.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST)
    parser.add_argument("--explain", action="store_true", help="print the SQL instead of running it")
    args = parser.parse_args(argv)
    split = lambda text: [part.strip() for part in text.split(",") if part.strip()]  # noqa: E731
    try:
        layer = SemanticLayer(args.warehouse, args.manifest)
    except (FileNotFoundError, ValueError) as error:
        print(f"semantic_query: {error}", file=sys.stderr)
        return 2
    try:
        if args.explain:
            print(layer.sql(split(args.metrics), split(args.group_by), args.where, split(args.order)))
        else:
            frame = layer.query(split(args.metrics), split(args.group_by), args.where, split(args.order))
            print(frame.to_string(index=False))
    finally:
        layer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
