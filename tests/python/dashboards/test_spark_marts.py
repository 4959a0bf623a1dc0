"""The Spark build shows people what the DuckDB build shows.

`make test-spark` builds the tiny data set twice from the same landing files: on local Spark
(every model, seed, unit and singular test) and on DuckDB (models and seeds only). This module
builds the site and the role reports from each and compares them page by page, figure by figure.
`make test` runs it inside the Spark lane with CRM_REQUIRE_SPARK=1: a missing build then fails
instead of skipping.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest

from crm_warehouse.dashboards.site import build_site

ROOT = Path(__file__).resolve().parents[3]
SPARK_WAREHOUSE = Path(
    os.environ.get("CRM_TEST_SPARK_WAREHOUSE") or ROOT / "warehouse" / "spark" / "spark-warehouse"
)
# the DuckDB build of the same landing files as the Spark build
SPARK_TWIN = Path(
    os.environ.get("CRM_TEST_SPARK_DUCKDB") or ROOT / "warehouse" / "spark" / "duckdb" / "crm.duckdb"
)


def _split_chart_data(html: str) -> tuple[str, list[dict[str, Any]]]:
    start = html.index('<script type="application/json" id="chart-data">')
    end = html.index("</script>", start)
    return html[:start] + html[end:], json.loads(html[html.index(">", start) + 1 : end])


def _same_numbers(a: Any, b: Any, where: str) -> None:
    if isinstance(a, float) or isinstance(b, float):
        assert a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (
            where,
            a,
            b,
        )
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _same_numbers(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same_numbers(x, y, f"{where}[{i}]")
    else:
        assert a == b, (where, a, b)


def test_spark_marts_give_the_same_site(tmp_path: Path) -> None:
    """Built from the same landing files, the Spark marts must show people exactly what the
    DuckDB marts show: every page and report, every figure and chart point."""
    missing = [p for p in (SPARK_WAREHOUSE / "marts.db", SPARK_TWIN) if not p.exists()]
    if missing:
        if os.environ.get("CRM_REQUIRE_SPARK") == "1":
            pytest.fail(f"no Spark build or no DuckDB twin at {missing} (CRM_REQUIRE_SPARK=1)")
        pytest.skip("no Spark build (make test-spark builds one and its DuckDB twin from the tiny data set)")
    duck_run = build_site(SPARK_TWIN, tmp_path / "duckdb-site")
    spark_run = build_site(SPARK_WAREHOUSE, tmp_path / "spark-site")
    duck = {
        p.relative_to(duck_run.out_dir) for p in duck_run.out_dir.rglob("*") if p.suffix in (".html", ".md")
    }
    spark = {
        p.relative_to(spark_run.out_dir) for p in spark_run.out_dir.rglob("*") if p.suffix in (".html", ".md")
    }
    assert duck == spark
    assert len([p for p in duck if p.parts[0] == "rep"]) >= 6, (
        "the tiny data set has six reps with a workbench"
    )
    for rel in sorted(duck):
        ours = (duck_run.out_dir / rel).read_text(encoding="utf-8")
        theirs = (spark_run.out_dir / rel).read_text(encoding="utf-8")
        if 'id="chart-data"' in ours:
            ours, our_charts = _split_chart_data(ours)
            theirs, their_charts = _split_chart_data(theirs)
            _same_numbers(our_charts, their_charts, str(rel))
        assert ours == theirs, next(
            f"{rel}: DuckDB {a!r} / Spark {b!r}"
            for a, b in zip(ours.splitlines(), theirs.splitlines(), strict=False)
            if a != b
        )
