"""The semantic layer (MetricFlow) gives the same figures as indicator_values.

The metrics YAML is generated from the indicator catalog (crmwh semantic-metrics); these
tests check the generator (one definition per indicator, ratios of summed parts, drift caught)
and, against the test warehouse (CRM_TEST_DUCKDB, built by make test-duckdb), that MetricFlow's
answer for a set of indicators, grains and months equals indicator_values row for row.
"""

from __future__ import annotations

import copy
import math
import os
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]

from crm_warehouse import semantic_metrics  # noqa: E402
from warehouse_helpers import run_dbt  # noqa: E402

# indicator -> grains to compare (the catalog's grains; ARR is company and business line only)
CASES = {
    "bookings_amount": ("company", "region", "team", "rep", "business_line"),
    "win_rate": ("company", "region", "team", "rep"),
    "visit_count": ("company", "team", "rep"),
    "visit_plan_completion_rate": ("team", "rep"),
    "lead_to_opportunity_conversion": ("company", "region", "team"),
    "pipeline_amount": ("company", "region", "team", "rep"),
    "arr_amount": ("company", "business_line"),
    "net_revenue_retention": ("company", "business_line"),
}
GROUP_BY = {
    "company": None,
    "region": "region",
    "team": "team",
    "rep": "rep",
    "business_line": "indicator_component__business_line",
}
MONTHS = 4  # the last four months up to the as-of month


# --- the generator ---------------------------------------------------------------------------


def test_metrics_yaml_matches_the_catalog():
    assert semantic_metrics.main(["--check"]) == 0


def _metric(document: dict, name: str) -> dict:
    return next(metric for metric in document["metrics"] if metric["name"] == name)


def test_ratios_are_ratios_of_summed_parts_and_one_metric_per_indicator():
    document = semantic_metrics.build(semantic_metrics.read_catalog())
    win_rate = _metric(document, "win_rate")
    # the catalog: win rate = won / closed opportunities of the period
    assert win_rate["type"] == "ratio"
    assert win_rate["type_params"] == {"numerator": "won_count", "denominator": "closed_count"}
    assert _metric(document, "won_count")["type_params"]["measure"]["name"] == "won_count"
    assert _metric(document, "bookings_amount")["type"] == "simple"
    names = [metric["name"] for metric in document["metrics"]]
    assert len(names) == len(set(names))
    measures = {m["name"]: m for m in document["semantic_models"][0]["measures"]}
    assert (
        measures["closed_count"]["expr"]
        == "case when component_code = 'closed_count' then component_value end"
    )
    assert "non_additive_dimension" in measures["pipeline_amount"]  # a stock
    assert "non_additive_dimension" not in measures["bookings_amount"]  # a flow
    # 51 catalog indicators, three without a metric (quota attainment, two derived ones)
    assert (
        len([n for n in names if n in {r["indicator_code"] for r in semantic_metrics.read_catalog()}]) == 48
    )
    assert {"quota_attainment", "customer_lifetime_value", "revenue_efficiency"}.isdisjoint(names)


def test_check_fails_when_the_catalog_drifts(monkeypatch, tmp_path):
    rows = semantic_metrics.read_catalog()
    drifted = copy.deepcopy(rows)
    next(row for row in drifted if row["indicator_code"] == "win_rate")["denominator_component"] = (
        "lost_count"
    )
    out = tmp_path / "metrics.yml"
    out.write_text(semantic_metrics.render(rows), encoding="utf-8")
    monkeypatch.setattr(semantic_metrics, "OUTPUT", out)
    monkeypatch.setattr(semantic_metrics, "ROOT", tmp_path)
    monkeypatch.setattr(semantic_metrics, "CATALOG", tmp_path / "ref_indicator_catalog.csv")
    monkeypatch.setattr(semantic_metrics, "read_catalog", lambda: drifted)
    assert semantic_metrics.main(["--check"]) == 1


def test_a_hostile_component_code_is_refused_with_row_and_column(tmp_path):
    source = (ROOT / "seeds" / "ref_indicator_catalog.csv").read_text(encoding="utf-8")
    hostile = tmp_path / "ref_indicator_catalog.csv"
    hostile.write_text(
        source.replace(",won_count,closed_count,", ",won_count,closed_count' or 1=1 --,", 1), encoding="utf-8"
    )
    with pytest.raises(semantic_metrics.CatalogError, match=r"row 8 column denominator_component"):
        semantic_metrics.read_catalog(hostile)


# --- MetricFlow against indicator_values --------------------------------------------------------


@pytest.fixture(scope="module")
def layer(tmp_path_factory):
    warehouse = os.environ.get("CRM_TEST_DUCKDB")
    if not warehouse:
        pytest.skip("CRM_TEST_DUCKDB is not set (make test-python sets it to the test-duckdb warehouse)")
    manifest = ROOT / "target" / "duckdb" / "semantic_manifest.json"  # make test-duckdb's
    sources = [*(ROOT / "models" / "marts" / "semantic").glob("*.yml"), ROOT / "dbt_project.yml"]
    if not manifest.exists() or manifest.stat().st_mtime < max(path.stat().st_mtime for path in sources):
        target = tmp_path_factory.mktemp("semantic-target")
        landing = Path(os.environ.get("CRM_TEST_LANDING_DIR", ROOT / "data" / "landing"))
        parsed = run_dbt(["parse"], landing, Path(warehouse), target)
        assert parsed.returncode == 0, parsed.stdout[-3000:]
        manifest = target / "semantic_manifest.json"
    from crm_warehouse import semantic_query

    layer = semantic_query.SemanticLayer(Path(warehouse), manifest)
    yield layer
    layer.close()


@pytest.fixture(scope="module")
def warehouse_connection():
    if not os.environ.get("CRM_TEST_DUCKDB"):
        pytest.skip("CRM_TEST_DUCKDB is not set (make test-python sets it to the test-duckdb warehouse)")
    connection = duckdb.connect(os.environ["CRM_TEST_DUCKDB"], read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def months(warehouse_connection):
    rows = warehouse_connection.execute(
        "select distinct period_start_date from marts.indicator_values where period_type = 'month' "
        "order by 1 desc limit ?",
        [MONTHS],
    ).fetchall()
    assert len(rows) == MONTHS
    return sorted(row[0] for row in rows)


def _same(left, right) -> bool:
    missing = lambda value: value is None or (isinstance(value, float) and math.isnan(value))  # noqa: E731
    if missing(left) or missing(right):
        return missing(left) and missing(right)
    return math.isclose(float(left), float(right), rel_tol=1e-9, abs_tol=1e-6)


@pytest.mark.parametrize("indicator", sorted(CASES))
def test_metricflow_equals_indicator_values(layer, warehouse_connection, months, indicator):
    for grain in CASES[indicator]:
        expected = {
            (period.isoformat(), entity): value
            for period, entity, value in warehouse_connection.execute(
                "select period_start_date, entity_id, actual_value from marts.indicator_values "
                "where indicator_code = ? and grain = ? and period_type = 'month' "
                "and period_start_date between ? and ?",
                [indicator, grain, months[0], months[-1]],
            ).fetchall()
        }
        assert expected, f"{indicator} at the {grain} grain has no rows in indicator_values"
        key = GROUP_BY[grain]
        frame = layer.query(
            [indicator],
            ["metric_time__month"] + ([key] if key else []),
            where=[
                f"{{{{ TimeDimension('metric_time', 'month') }}}} between "
                f"'{months[0].isoformat()}' and '{months[-1].isoformat()}'"
            ],
        )
        actual = {}
        for record in frame.to_dict("records"):
            entity = "company" if key is None else record[key]
            actual[(record["metric_time__month"].date().isoformat(), entity)] = record[indicator]
        mismatches = []
        for row_key in sorted(set(expected) | set(actual), key=str):
            if row_key[1] is None:  # MetricFlow's group of rows without that entity
                continue
            want = expected.get(row_key)
            got = actual.get(row_key)
            # a sum over no rows is 0 on both sides, whichever side lists the entity
            if row_key not in expected and _same(got, 0.0):
                continue
            if row_key not in actual and _same(want, 0.0):
                continue
            if not _same(want, got):
                mismatches.append((row_key, want, got))
        assert not mismatches, (
            f"{indicator} at the {grain} grain: {len(mismatches)} differ, e.g. {mismatches[:5]}"
        )


def test_the_analyst_query_by_region_name(layer, warehouse_connection, months):
    """The documented query: bookings and win rate by month and team__region_name."""
    frame = layer.query(
        ["bookings_amount", "win_rate"],
        ["metric_time__month", "team__region_name"],
        where=[f"{{{{ TimeDimension('metric_time', 'month') }}}} = '{months[-2].isoformat()}'"],
    )
    got = {
        r["team__region_name"]: (r["bookings_amount"], r["win_rate"])
        for r in frame.to_dict("records")
        if r["team__region_name"] is not None
    }
    expected = {}
    for code, name, value in warehouse_connection.execute(
        "select indicator_code, entity_name, actual_value from marts.indicator_values "
        "where grain = 'region' and period_type = 'month' and period_start_date = ? "
        "and indicator_code in ('bookings_amount', 'win_rate')",
        [months[-2]],
    ).fetchall():
        expected.setdefault(name, [0.0, None])[0 if code == "bookings_amount" else 1] = value
    assert set(got) >= set(expected)
    for name, (bookings, win_rate) in expected.items():
        assert _same(got[name][0], bookings) and _same(got[name][1], win_rate), name


def test_company_bookings_equal_contracts_signed(layer, warehouse_connection, months):
    """Straight from the contracts fact: the month's bookings are the contracts signed in it."""
    month = months[-2]
    (signed,) = warehouse_connection.execute(
        "select sum(total_amount_cny) from core.fct_contracts where signed_month = ?", [month]
    ).fetchone()
    frame = layer.query(
        ["bookings_amount"],
        ["metric_time__month"],
        where=[f"{{{{ TimeDimension('metric_time', 'month') }}}} = '{month.isoformat()}'"],
    )
    assert len(frame) == 1
    assert _same(frame["bookings_amount"][0], float(signed))


def test_stock_measures_are_the_stock_components(warehouse_connection):
    """A measure is semi-additive (last month of the period) exactly when its component is a stock."""
    built = dict(
        warehouse_connection.execute(
            "select distinct component_code, aggregation from marts.sem_indicator_components"
        ).fetchall()
    )
    document = semantic_metrics.build(semantic_metrics.read_catalog())
    for measure in document["semantic_models"][0]["measures"]:
        assert measure["name"] in built, f"measure {measure['name']} has no rows in sem_indicator_components"
        is_stock = "non_additive_dimension" in measure
        assert is_stock == (built[measure["name"]] == "stock"), measure["name"]


@pytest.mark.parametrize("grain", ["company", "team"])
def test_quarters_sum_flows_and_take_the_last_month_of_stocks(layer, warehouse_connection, grain):
    """Quarter figures: flows summed over the months, the pipeline stock at the quarter's last month."""
    key = GROUP_BY[grain]
    for indicator in ("bookings_amount", "pipeline_amount", "win_rate"):
        expected = {
            (period.isoformat(), entity): value
            for period, entity, value in warehouse_connection.execute(
                "select period_start_date, entity_id, actual_value from marts.indicator_values "
                "where indicator_code = ? and grain = ? and period_type = 'quarter' "
                "and period_start_date between '2025-10-01' and '2026-07-01'",
                [indicator, grain],
            ).fetchall()
        }
        assert len({period for period, _ in expected}) == 4
        frame = layer.query(
            [indicator],
            ["metric_time__quarter"] + ([key] if key else []),
            where=["{{ TimeDimension('metric_time', 'month') }} between '2025-10-01' and '2026-09-30'"],
        )
        actual = {
            (r["metric_time__quarter"].date().isoformat(), "company" if key is None else r[key]): r[indicator]
            for r in frame.to_dict("records")
        }
        mismatches = [
            (k, expected.get(k), actual.get(k))
            for k in set(expected) | set(actual)
            if k[1] is not None
            and not _same(
                expected.get(k, 0.0 if indicator != "win_rate" else None),
                actual.get(k, 0.0 if indicator != "win_rate" else None),
            )
        ]
        assert not mismatches, (
            f"{indicator} by quarter at the {grain} grain: {sorted(mismatches, key=str)[:5]}"
        )


def test_the_served_warehouse_answers(layer, tmp_path):
    """The serving file holds only the serving schemas' tables (crmwh refresh): every
    relation the semantic models read must be one of them, so `mf query` works on it."""
    from crm_warehouse import refresh, semantic_query

    serving = tmp_path / "crm.duckdb"
    # the two serving schemas the semantic models read (the others are copied the same way)
    copied = set(refresh.make_serving_file(Path(os.environ["CRM_TEST_DUCKDB"]), serving, ("core", "marts")))
    assert {"marts.sem_indicator_components", "marts.metricflow_time_spine", "core.dim_teams"} <= copied
    served = semantic_query.SemanticLayer(serving, layer.manifest)
    try:
        frame = served.query(["bookings_amount", "win_rate"], ["metric_time__month", "team__region_name"])
        assert len(frame) > 0 and frame["bookings_amount"].sum() > 0
    finally:
        served.close()


def test_the_mf_command_answers_as_documented(layer, warehouse_connection, months, tmp_path):
    """`mf query` itself (dbt-metricflow's CLI, through the dbt profile) on a copy of the warehouse:
    the documented query, written as CSV, has the region rows of indicator_values."""
    import csv as csv_module
    import shutil
    import subprocess

    copy = tmp_path / "crm.duckdb"
    shutil.copyfile(os.environ["CRM_TEST_DUCKDB"], copy)
    target = ROOT / "target"
    target.mkdir(exist_ok=True)
    # mf reads the manifest from target/semantic_manifest.json, as `make semantic-manifest` writes it
    shutil.copyfile(layer.manifest, target / "semantic_manifest.json")
    out = tmp_path / "answer.csv"
    env = dict(os.environ, DBT_PROFILES_DIR=str(ROOT), CRM_DUCKDB_PATH=str(copy), CRM_DBT_TARGET="duckdb")
    month = months[-2].isoformat()
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "mf"),
            "query",
            "--metrics",
            "bookings_amount,win_rate",
            "--group-by",
            "metric_time__month,team__region_name",
            "--where",
            f"{{{{ TimeDimension('metric_time', 'month') }}}} = '{month}'",
            "--csv",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0 and out.exists(), result.stdout[-2000:] + result.stderr[-2000:]
    with out.open(newline="", encoding="utf-8") as handle:
        got = {
            row["team__region_name"]: float(row["bookings_amount"])
            for row in csv_module.DictReader(handle)
            if row["team__region_name"]
        }
    expected = dict(
        warehouse_connection.execute(
            "select entity_name, actual_value from marts.indicator_values where grain = 'region' "
            "and period_type = 'month' and period_start_date = ? and indicator_code = 'bookings_amount'",
            [months[-2]],
        ).fetchall()
    )
    assert expected and all(_same(got.get(name, 0.0), value) for name, value in expected.items()), (
        got,
        expected,
    )
