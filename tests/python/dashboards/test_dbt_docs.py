"""The static dbt docs site opens from disk with no network, holds no salt or raw personal data,
and the site's indicator tree links every indicator to a model the docs site has."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
from crm_warehouse.dashboards.dbt_docs import build_dbt_docs  # noqa: E402
from crm_warehouse.dashboards.marts import MartReader  # noqa: E402
from crm_warehouse.dashboards.site import SiteBuilder  # noqa: E402

WAREHOUSE = Path(os.environ.get("CRM_TEST_DUCKDB") or ROOT / "warehouse" / "test" / "crm.duckdb")
LANDING = Path(os.environ.get("CRM_TEST_LANDING_DIR") or ROOT / "data" / "landing")
pytestmark = pytest.mark.skipif(not WAREHOUSE.is_file(), reason=f"no warehouse at {WAREHOUSE}")


@pytest.fixture(scope="module")
def docs_page(tmp_path_factory) -> Path:
    return build_dbt_docs(WAREHOUSE, tmp_path_factory.mktemp("site") / "dbt-docs" / "index.html")


def test_docs_page_opens_from_disk_without_network(docs_page):
    from crm_warehouse.dashboards.browser import offline_browser

    if os.environ.get("CRM_REQUIRE_BROWSER") != "1":
        pytest.importorskip("playwright")
    with offline_browser() as (context, blocked):
        page = context.new_page()
        errors: list[str] = []
        # dbt docs' own icons request `{{ getIcon(...) }}` as a local file before Angular binds
        # them (a harmless failed file:// request); anything leaving the machine is an error
        page.on("requestfailed", lambda r: None if r.url.startswith("file://") else errors.append(r.url))
        page.goto(docs_page.as_uri() + "#!/model/model.crm_indicators.indicator_values")
        page.wait_for_function("document.body.innerText.includes('is_unknown_member')", timeout=60000)
        body = page.inner_text("body")
    assert blocked == [] and errors == []
    # the model page shows the column descriptions from the YAML
    assert "indicator_values" in body and "is_unknown_member" in body


def test_docs_page_holds_no_salt_or_raw_personal_data(docs_page):
    text = docs_page.read_text(encoding="utf-8")
    assert "test-salt-not-secret" not in text
    with open(next((LANDING / "contacts").glob("*_full.csv")), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))[:50]
    leaked = [v for r in rows for v in (r["phone"], r["email"]) if v and v in text]
    assert leaked == []


def test_indicator_tree_links_each_indicator_to_a_documented_model(docs_page):
    text = docs_page.read_text(encoding="utf-8")
    with MartReader(WAREHOUSE) as reader:
        builder = SiteBuilder(reader)
        builder.dbt_docs_dir = "dbt-docs"
        page = builder.indicator_tree()
        index = builder.index([])
    rows = page.context["strategy"] + page.context["others"]
    assert rows and all(r["model_doc"] for r in rows)
    prefix = "dbt-docs/index.html#!/model/"
    for r in rows:
        assert r["model_doc"].startswith(prefix)
        node = r["model_doc"][len(prefix) :]
        assert f'"{node}"' in text, f"{r['indicator_code']} links {node}, not in the embedded manifest"
    assert index.context["dbt_docs_index"] == "dbt-docs/index.html"
