"""The Superset dashboard as code: writes an import bundle (zip) of the cockpit dashboard.

Usage: crmwh superset-bundle --warehouse PATH --out bundle.zip

The bundle holds one database (the warehouse copy through duckdb-engine, read-only, without
external file access, hidden from SQL Lab), two virtual datasets on marts.indicator_values
(the company's KPIs and the teams of the latest month), four big-number charts (bookings,
win rate, open pipeline, visits), a team table and the dashboard laying them out. Titles and
column names are the catalog's and seeds/ref_ui_labels.csv's Chinese and English names.
`superset import-dashboards -p bundle.zip` loads it (crmwh superset does).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import yaml

from crm_warehouse.project import ROOT

NAMESPACE = uuid.UUID("6f1c2a4e-8d0b-4e55-9a51-2f6d3c0b7e10")
KPIS = ("bookings_amount", "win_rate", "pipeline_amount", "visit_count")
TEAM_COLUMNS = ("bookings_amount", "win_rate", "visit_count", "pipeline_amount")
DATABASE_NAME = "crm_warehouse"
SLUG = "crm-cockpit"
BUNDLE_ROOT = "crm_cockpit_export"


def _uuid(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, name))


def _seed(name: str, key: str) -> dict[str, dict[str, str]]:
    with (ROOT / "seeds" / name).open(newline="", encoding="utf-8") as handle:
        return {row[key]: row for row in csv.DictReader(handle)}


def labels() -> dict[str, str]:
    """The dashboard's labels (Chinese and English) from the seeds: each KPI and team column, the
    team label and the cockpit's title for the company."""
    ui = _seed("ref_ui_labels.csv", "label_key")
    catalog = _seed("ref_indicator_catalog.csv", "indicator_code")
    out = {
        code: f"{catalog[code]['indicator_name_zh']} {catalog[code]['indicator_name_en']}"
        for code in set(KPIS) | set(TEAM_COLUMNS)
    }
    out["team"] = f"{ui['team']['label_zh']} {ui['team']['label_en']}"
    company = ui["company"]
    out["title"] = (
        ui["cockpit_title"]["label_zh"].replace("{scope}", company["label_zh"])
        + " / "
        + ui["cockpit_title"]["label_en"].replace("{scope}", company["label_en"])
    )
    return out


def _number_format(code: str) -> str:
    return ".1%" if code == "win_rate" else ",.0f"


def _pivot(codes: tuple[str, ...]) -> str:
    # the codes are this module's constants (checked lower-case identifiers), not input
    assert all(code.isidentifier() and code.islower() for code in codes)
    return ",\n    ".join(
        f"max(case when indicator_code = '{code}' then actual_value end) as {code}" for code in codes
    )


LATEST_MONTH = (
    "(select max(period_start_date) from marts.indicator_values "
    "where grain = 'company' and period_type = 'month')"
)


def _column(name: str, kind: str, verbose: str | None = None) -> dict:
    return {
        "column_name": name,
        "verbose_name": verbose,
        "is_dttm": False,
        "is_active": True,
        "type": kind,
        "groupby": True,
        "filterable": True,
        "expression": None,
        "description": None,
        "python_date_format": None,
        "advanced_data_type": None,
        "extra": None,
    }


def _dataset(name: str, sql: str, columns: list[dict], metrics: list[dict], database_uuid: str) -> dict:
    return {
        "table_name": name,
        "main_dttm_col": None,
        "description": None,
        "default_endpoint": None,
        "offset": 0,
        "cache_timeout": None,
        "schema": "marts",
        "catalog": None,
        "sql": sql,
        "params": None,
        "template_params": None,
        "filter_select_enabled": True,
        "fetch_values_predicate": None,
        "extra": None,
        "normalize_columns": False,
        "always_filter_main_dttm": False,
        "uuid": _uuid(f"dataset:{name}"),
        "metrics": metrics,
        "columns": columns,
        "version": "1.0.0",
        "database_uuid": database_uuid,
    }


def bundle_files(warehouse: Path) -> dict[str, dict]:
    """Bundle path -> YAML document."""
    names = labels()
    database_uuid = _uuid("database")
    uri = "duckdb:///" + quote(str(Path(warehouse).resolve()))
    database = {
        "database_name": DATABASE_NAME,
        "sqlalchemy_uri": uri,
        "cache_timeout": None,
        "expose_in_sqllab": False,
        "allow_run_async": False,
        "allow_ctas": False,
        "allow_cvas": False,
        "allow_dml": False,
        "allow_csv_upload": False,
        "impersonate_user": False,
        "extra": {
            "engine_params": {
                "connect_args": {"read_only": True, "config": {"enable_external_access": "false"}}
            }
        },
        "uuid": database_uuid,
        "version": "1.0.0",
    }
    kpi_sql = (
        "select\n    " + _pivot(KPIS) + "\nfrom marts.indicator_values\n"
        f"where grain = 'company' and period_type = 'month' and period_start_date = {LATEST_MONTH}"
    )
    team_sql = (
        "select\n    entity_name as team_name,\n    "
        + _pivot(TEAM_COLUMNS)
        + "\nfrom marts.indicator_values\n"
        f"where grain = 'team' and period_type = 'month' and period_start_date = {LATEST_MONTH}\n"
        "group by entity_name"
    )
    kpis = _dataset(
        "cockpit_kpis",
        kpi_sql,
        [_column(code, "DOUBLE", names[code]) for code in KPIS],
        [
            {
                "metric_name": code,
                "verbose_name": names[code],
                "metric_type": None,
                "expression": f"MAX({code})",
                "description": None,
                "d3format": None,
                "currency": None,
                "extra": None,
                "warning_text": None,
            }
            for code in KPIS
        ],
        database_uuid,
    )
    teams = _dataset(
        "team_month",
        team_sql,
        [_column("team_name", "VARCHAR", names["team"])]
        + [_column(code, "DOUBLE", names[code]) for code in TEAM_COLUMNS],
        [],
        database_uuid,
    )
    files: dict[str, dict] = {
        "metadata.yaml": {
            "version": "1.0.0",
            "type": "Dashboard",
            "timestamp": datetime.now(UTC).isoformat(),
        },
        f"databases/{DATABASE_NAME}.yaml": database,
        f"datasets/{DATABASE_NAME}/cockpit_kpis.yaml": kpis,
        f"datasets/{DATABASE_NAME}/team_month.yaml": teams,
    }
    charts = []
    for code in KPIS:
        number_format = _number_format(code)
        chart = {
            "slice_name": names[code],
            "description": None,
            "certified_by": None,
            "certification_details": None,
            "viz_type": "big_number_total",
            "params": {
                "viz_type": "big_number_total",
                "metric": code,
                "adhoc_filters": [],
                "header_font_size": 0.4,
                "subheader_font_size": 0.15,
                "y_axis_format": number_format,
                "time_format": "smart_date",
                "extra_form_data": {},
            },
            "query_context": None,
            "cache_timeout": None,
            "uuid": _uuid(f"chart:{code}"),
            "version": "1.0.0",
            "dataset_uuid": kpis["uuid"],
        }
        charts.append((f"kpi_{code}", chart, 3, 25))
    table = {
        "slice_name": names["team"],
        "description": None,
        "certified_by": None,
        "certification_details": None,
        "viz_type": "table",
        "params": {
            "viz_type": "table",
            "query_mode": "raw",
            "all_columns": ["team_name", *TEAM_COLUMNS],
            "order_by_cols": [json.dumps(["bookings_amount", False])],
            "row_limit": 100,
            "adhoc_filters": [],
            "column_config": {code: {"d3NumberFormat": _number_format(code)} for code in TEAM_COLUMNS},
            "table_timestamp_format": "smart_date",
            "include_search": False,
            "extra_form_data": {},
        },
        "query_context": None,
        "cache_timeout": None,
        "uuid": _uuid("chart:team_table"),
        "version": "1.0.0",
        "dataset_uuid": teams["uuid"],
    }
    charts.append(("team_table", table, 12, 60))
    position: dict = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {
            "type": "GRID",
            "id": "GRID_ID",
            "children": ["ROW-kpis", "ROW-teams"],
            "parents": ["ROOT_ID"],
        },
        "HEADER_ID": {"id": "HEADER_ID", "type": "HEADER", "meta": {"text": names["title"]}},
    }
    for row_id in ("ROW-kpis", "ROW-teams"):
        position[row_id] = {
            "type": "ROW",
            "id": row_id,
            "children": [],
            "parents": ["ROOT_ID", "GRID_ID"],
            "meta": {"background": "BACKGROUND_TRANSPARENT"},
        }
    for index, (name, chart, width, height) in enumerate(charts, start=1):
        files[f"charts/{name}.yaml"] = chart
        row_id = "ROW-teams" if name == "team_table" else "ROW-kpis"
        chart_id = f"CHART-{name}"
        position[row_id]["children"].append(chart_id)
        position[chart_id] = {
            "type": "CHART",
            "id": chart_id,
            "children": [],
            "parents": ["ROOT_ID", "GRID_ID", row_id],
            "meta": {
                "chartId": index,
                "width": width,
                "height": height,
                "sliceName": chart["slice_name"],
                "uuid": chart["uuid"],
            },
        }
    files["dashboards/crm_cockpit.yaml"] = {
        "dashboard_title": names["title"],
        "description": None,
        "css": "",
        "slug": SLUG,
        "certified_by": None,
        "certification_details": None,
        "published": True,
        "uuid": _uuid("dashboard"),
        "position": position,
        "metadata": {
            "color_scheme": "",
            "refresh_frequency": 0,
            "expanded_slices": {},
            "label_colors": {},
            "timed_refresh_immune_slices": [],
            "cross_filters_enabled": False,
            "native_filter_configuration": [],
        },
        "version": "1.0.0",
    }
    return files


def write_bundle(warehouse: Path, out: Path) -> Path:
    """Write the dashboard bundle (database, datasets, charts, dashboard as YAML) for the warehouse
    into the zip file ``out`` and return its path."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as bundle:
        for name, document in bundle_files(warehouse).items():
            bundle.writestr(
                f"{BUNDLE_ROOT}/{name}", yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
            )
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: write the dashboard bundle and print its path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True, help="the DuckDB file Superset reads")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    print(write_bundle(args.warehouse, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
