"""The dashboard site, opened page by page in headless Chromium with no network.

Builds the site from the test warehouse (CRM_TEST_DUCKDB, else the served demo warehouse) and
checks every page: no console errors or uncaught exceptions, no request leaves the machine,
every chart container holds a drawn ECharts chart with data, every figure a person reads equals
the mart value it names (queried here with our own SQL and compared with the displayed text),
and every chart series equals the mart rows it names. A handful of page-specific checks do not
rely on the page's own annotations at all. A rep without data gets a page that says so.
"""

from __future__ import annotations

import re

import pytest
import yaml

from crm_warehouse.dashboards.browser import offline_browser
from crm_warehouse.dashboards.site import PAGE_CONSUMERS
from site_helpers import (
    ROOT,
    WAREHOUSE,
    _browser_or_skip,
    assert_shows,
    close,
    link_problems,
    mart_series,
    mart_value,
    parse_display,
)

pytestmark = pytest.mark.skipif(not WAREHOUSE.is_file(), reason=f"no warehouse at {WAREHOUSE}: run make demo")


# --------------------------------------------------------------------------- tests
def test_every_page_exists(site, db):
    pages = {p.relative_to(site.out_dir).as_posix() for p in site.out_dir.rglob("*.html")}
    reps = {
        r[0]
        for r in db.execute(
            "select user_id from core.dim_users where is_rep and is_active and not is_unknown"
        ).fetchall()
    }
    teams = {r[0] for r in db.execute("select team_id from core.dim_teams where not is_unknown").fetchall()}
    regions = {
        r[0]
        for r in db.execute("select distinct region_id from core.dim_teams where not is_unknown").fetchall()
    }
    assert reps and teams and regions
    expected = (
        {f"rep/{r}.html" for r in reps}
        | {f"team/{t}.html" for t in teams}
        | {f"cockpit/{r}.html" for r in regions}
        | {
            "index.html",
            "cockpit/company.html",
            "leaderboards.html",
            "data-quality.html",
            "indicator-tree.html",
        }
    )
    assert expected <= pages, sorted(expected - pages)
    for asset in ("echarts.min.js", "app.js", "style.css"):
        assert (site.out_dir / "assets" / asset).stat().st_size > 0


def test_pages_reference_nothing_on_the_network(site):
    assert link_problems(site.out_dir) == []


def test_pages_open_without_errors_or_network(visited):
    problems = {
        page: seen["problems"] for page, seen in visited.items() if page != "__blocked__" and seen["problems"]
    }
    assert not problems, problems
    assert visited["__blocked__"]["urls"] == [], visited["__blocked__"]["urls"]


def test_every_chart_is_drawn_with_data(visited):
    drawn_total = 0
    for page, seen in visited.items():
        if page == "__blocked__":
            continue
        specs = {s["id"] for s in seen["specs"]}
        for chart in seen["charts"]:
            if chart["empty"]:
                assert chart["id"] not in specs, f"{page}: {chart['id']} has data but shows as empty"
                continue
            assert chart["drawn"], f"{page}: chart {chart['id']} was not drawn"
            assert chart["canvas"] and chart["canvas"][0] > 0 and chart["canvas"][1] > 0, f"{page}: {chart}"
            values = [v for s in chart["series"] for v in s["data"] if v is not None]
            if chart["kind"] != "tree":
                assert values, f"{page}: chart {chart['id']} has no data points"
            drawn_total += 1
        # the index and the full alert lists are link and table pages without charts
        if page != "index.html" and not page.startswith("alerts/"):
            assert any(not c["empty"] for c in seen["charts"]), f"{page}: no chart drawn"
    assert drawn_total > 100


def test_figures_equal_the_marts(visited, db):
    checked = 0
    for page, seen in visited.items():
        if page == "__blocked__":
            continue
        for f in seen["figs"]:
            value = mart_value(db, f["table"], f["col"], f["key"], f["agg"])
            assert_shows(f["text"], value, f["unit"], f"{page} {f['table']}.{f['col']} {f['key']}")
            checked += 1
        if page.startswith(("rep/", "team/", "cockpit/")) and not seen["no_data"]:
            assert seen["figs"], f"{page} shows no figures"
    assert checked > 500


def test_chart_series_equal_the_marts(visited, db):
    checked = 0
    for page, seen in visited.items():
        if page == "__blocked__":
            continue
        drawn = {c["id"]: c for c in seen["charts"]}
        for spec in seen["specs"]:
            chart = drawn[spec["id"]]
            if spec["kind"] == "tree":
                continue
            for i, s in enumerate(spec["series"]):
                if "point_src" in s:
                    assert all(
                        close(a, b) for a, b in zip(chart["series"][i]["data"], s["data"], strict=False)
                    )
                    for cat, value, src in zip(spec["categories"], s["data"], s["point_src"], strict=False):
                        expected = mart_value(db, src["table"], src["col"], src["key"], src.get("agg"))
                        assert close(value, expected), f"{page} {spec['id']} {cat}: {value} != {expected}"
                        checked += 1
                    continue
                assert all(
                    close(a, b) for a, b in zip(chart["series"][i]["data"], s["data"], strict=False)
                ), f"{page} {spec['id']}: drawn data differs from the page data"
                if "src" not in s:
                    continue
                expected = mart_series(db, s["src"])
                for cat, value in zip(spec["categories"], s["data"], strict=False):
                    want = expected.get(str(cat))
                    if want is None and s["src"].get("agg") == "count":
                        want = 0
                    assert close(value, want), f"{page} {spec['id']} {s['name_en']} {cat}: {value} != {want}"
                    checked += 1
    assert checked > 1000


def _share_indicators(db) -> set[str]:
    return {
        r[0]
        for r in db.execute(
            "select indicator_code from reference.ref_indicator_catalog where formula_kind = 'share'"
        ).fetchall()
    }


def test_no_conversion_on_any_page_exceeds_100_percent(visited, db):
    """A director's first check: a conversion (or any share of a whole) above 100% on a page."""
    shares = _share_indicators(db)
    assert {"lead_to_opportunity_conversion", "order_conversion", "win_rate"} <= shares
    checked = 0
    for page, seen in visited.items():
        if page == "__blocked__":
            continue
        for f in seen["figs"]:
            if f["key"].get("indicator_code") in shares and f["col"] == "actual_value" and f["text"] != "—":
                assert f["text"].endswith("%"), (page, f)
                assert 0.0 <= parse_display(f["text"]) <= 100.0, (page, f)
                checked += 1
    assert checked > 20


def test_reports_open_cleanly_and_are_linked(site):
    _browser_or_skip()
    reports = sorted((site.out_dir / "reports").rglob("*.html"))
    assert len(reports) > 100
    index = site.out_dir / "reports" / site.as_of.isoformat() / "index.html"
    assert index in reports
    sample = [index] + reports[:: max(1, len(reports) // 12)]
    with offline_browser() as (context, blocked):
        for path in sample:
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.on(
                "console",
                lambda m, errors=errors: errors.append(m.text) if m.type in ("error", "warning") else None,
            )
            page.goto(path.as_uri())
            assert page.inner_text("body").strip(), path
            assert not errors, (path, errors)
            page.close()
        assert not blocked
    for page in site.pages:
        if page.kind in ("rep", "team", "cockpit"):
            html = (site.out_dir / page.path).read_text(encoding="utf-8")
            assert f"reports/{site.as_of.isoformat()}/daily/" in html, f"{page.path} links no report"


def test_pages_fit_a_phone_screen(site):
    """Reps read their workbench on a phone: no page may scroll sideways at 390 px."""
    _browser_or_skip()
    kinds: dict[str, str] = {}
    for page in site.pages:
        kinds.setdefault(page.kind, page.path)
    with offline_browser(viewport=(390, 844)) as (context, blocked):
        for path in kinds.values():
            page = context.new_page()
            page.goto((site.out_dir / path).as_uri())
            page.wait_for_selector("body[data-charts-ready='true']")
            width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert width <= inner, f"{path}: {width} px wide on a {inner} px screen"
            page.close()
        assert not blocked


def test_language_toggle_switches_labels_and_charts(site):
    _browser_or_skip()
    with offline_browser() as (context, blocked):
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto((site.out_dir / "cockpit" / "company.html").as_uri())
        page.wait_for_selector("body[data-charts-ready='true']")
        assert page.is_visible("h1 .zh")
        names = page.evaluate(
            "echarts.getInstanceByDom(document.getElementById('c-bookings-trend'))"
            ".getOption().series.map(s => s.name)"
        )
        assert "实际" in names
        page.click("#lang-toggle")
        assert not page.is_visible("h1 .zh")
        assert page.is_visible("h1 .en")
        names = page.evaluate(
            "echarts.getInstanceByDom(document.getElementById('c-bookings-trend'))"
            ".getOption().series.map(s => s.name)"
        )
        assert "Actual" in names
        assert not errors and not blocked


def test_pages_read_only_marts_and_exposures_match(site):
    exposures = {}
    for path in (ROOT / "models").rglob("*.yml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for e in doc.get("exposures", []) or []:
            if (e.get("meta") or {}).get("generated_by") == "crmwh push":
                continue  # the pushes' exposures: checked in push/test_push_messages.py
            exposures[e["name"]] = {
                re.sub(r"ref\(['\"]([a-z0-9_]+)['\"]\)", r"\1", d) for d in e["depends_on"]
            }
    consumers = dict(PAGE_CONSUMERS)
    consumers.update({name: name for name in site.reports.reads})
    assert len(consumers) == len(PAGE_CONSUMERS) + 9  # 3 roles x daily/weekly/monthly reports
    assert set(exposures) == set(consumers.values()), sorted(set(exposures) ^ set(consumers.values()))
    for kind, consumer in consumers.items():
        assert consumer in exposures, f"no dbt exposure for the {kind} page ({consumer})"
        read = site.reads.get(consumer, set()) | site.reports.reads.get(consumer, set())
        assert read, f"{consumer} read nothing"
        assert exposures[consumer] == read, (
            f"{consumer}: exposure lists {sorted(exposures[consumer])}, page reads {sorted(read)}"
        )
