"""The dashboard site, opened page by page in headless Chromium with no network.

Builds the site from the test warehouse (CRM_TEST_DUCKDB, else the served demo warehouse) and
checks every page: no console errors or uncaught exceptions, no request leaves the machine,
every chart container holds a drawn ECharts chart with data, every figure a person reads equals
the mart value it names (queried here with our own SQL and compared with the displayed text),
and every chart series equals the mart rows it names. A handful of page-specific checks do not
rely on the page's own annotations at all. A rep without data gets a page that says so.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
from crm_warehouse.dashboards.browser import chromium_path, offline_browser  # noqa: E402
from crm_warehouse.dashboards.site import PAGE_CONSUMERS, build_site  # noqa: E402

IDENT = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$")
WAREHOUSE = Path(os.environ.get("CRM_TEST_DUCKDB") or ROOT / "warehouse" / "crm.duckdb")
REQUIRE_BROWSER = os.environ.get("CRM_REQUIRE_BROWSER") == "1"
# the Spark warehouse built from the same landing files (make test-spark), if there is one
SPARK_WAREHOUSE = Path(
    os.environ.get("CRM_TEST_SPARK_WAREHOUSE") or ROOT / "warehouse" / "spark" / "spark-warehouse"
)

pytestmark = pytest.mark.skipif(not WAREHOUSE.is_file(), reason=f"no warehouse at {WAREHOUSE}: run make demo")


def _browser_or_skip() -> None:
    exe = chromium_path()
    if not exe or not Path(exe).exists():
        if REQUIRE_BROWSER:
            pytest.fail("Chromium is required (CRM_REQUIRE_BROWSER=1) but missing: run `make browser`")
        pytest.skip("Chromium not installed: run `make browser`")


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def site(shared_site):
    return shared_site


@pytest.fixture(scope="module")
def db():
    con = duckdb.connect(str(WAREHOUSE), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def visited(site) -> dict[str, dict[str, Any]]:
    """Open every page once; keep what the browser saw."""
    _browser_or_skip()
    seen: dict[str, dict[str, Any]] = {}
    with offline_browser() as (context, blocked):
        for page_path in sorted(site.out_dir.rglob("*.html")):
            rel = page_path.relative_to(site.out_dir).as_posix()
            if rel.startswith("reports/"):
                continue
            page = context.new_page()
            problems: list[str] = []
            page.on(
                "console",
                lambda m, p=problems: (
                    p.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None
                ),
            )
            page.on("pageerror", lambda e, p=problems: p.append(f"page error: {e}"))
            page.on("requestfailed", lambda r, p=problems: p.append(f"request failed: {r.url}"))
            page.goto(page_path.as_uri())
            page.wait_for_selector("body[data-charts-ready='true']", timeout=15000)
            seen[rel] = {
                "problems": problems,
                "charts": page.evaluate(_CHARTS_JS),
                "specs": page.evaluate("JSON.parse(document.getElementById('chart-data').textContent)"),
                "figs": page.evaluate(_FIGS_JS),
                "cards": page.evaluate(
                    "Array.from(document.querySelectorAll('[data-indicator] .value, .card[data-col] .value'))"
                    ".map(e => [e.closest('[data-indicator]') ? e.closest('[data-indicator]').dataset.indicator"
                    " : e.closest('.card').dataset.col, e.innerText.trim()])"
                ),
                "no_data": page.evaluate("!!document.getElementById('no-data')"),
                "text": page.inner_text("main"),
            }
            if rel in ("cockpit/company.html", "leaderboards.html"):
                seen[rel]["tables"] = page.evaluate(_TABLES_JS)
                seen[rel]["all_tables"] = page.evaluate(_ALL_TABLES_JS)
            if rel.startswith("cockpit/"):
                seen[rel]["card_texts"] = page.evaluate(
                    "Object.fromEntries(Array.from(document.querySelectorAll('.card[data-indicator]'))"
                    ".map(c => [c.dataset.indicator, c.textContent.replace(/\\s+/g, ' ').trim()]))"
                )
            if rel.startswith("team/"):
                seen[rel]["member_ids"] = page.evaluate(
                    "Array.from(document.querySelectorAll('table.members tr[data-user-id]')).map(r => r.dataset.userId)"
                )
            page.close()
        seen["__blocked__"] = {"urls": list(blocked)}
    return seen


_CHARTS_JS = """
() => Array.from(document.querySelectorAll('[data-chart-kind]')).map(el => {
  const inst = (window.echarts && !el.classList.contains('chart-empty')) ? echarts.getInstanceByDom(el) : null;
  const canvas = el.querySelector('canvas');
  let series = [];
  if (inst) {
    series = inst.getOption().series.map(s => ({
      type: s.type, name: s.name,
      data: (s.data || []).map(d => (d !== null && typeof d === 'object') ? (d.value === undefined ? null : d.value) : d)
    }));
  }
  return {id: el.id, kind: el.dataset.chartKind, empty: el.classList.contains('chart-empty'),
          drawn: !!inst, canvas: canvas ? [canvas.width, canvas.height] : null, series: series};
})
"""

_FIGS_JS = """
() => Array.from(document.querySelectorAll('span.fig[data-src]')).map(e => ({
  table: e.dataset.src, col: e.dataset.col, key: JSON.parse(e.dataset.key), agg: e.dataset.agg || null,
  unit: e.dataset.unit || null, text: e.innerText.trim()}))
"""

_TABLES_JS = """
() => Array.from(document.querySelectorAll('table.ranking')).map(t => ({
  metric: t.dataset.metric, line: t.dataset.line || null,
  user_ids: Array.from(t.querySelectorAll('tbody tr a')).map(a => (a.getAttribute('href').match(/(U\\d+)\\.html/) || [])[1]),
  rows: Array.from(t.querySelectorAll('tbody tr')).map(r => Array.from(r.cells).map(c => c.innerText.trim()))}))
"""

_ALL_TABLES_JS = """
() => Array.from(document.querySelectorAll('table')).map(t => ({
  cls: t.className,
  head: Array.from(t.querySelectorAll('thead th')).map(c => c.textContent.trim()),
  rows: Array.from(t.querySelectorAll('tbody tr')).map(r => Array.from(r.cells).map(c => c.textContent.trim()))}))
"""


# --------------------------------------------------------------------------- our own reading of marts
def _where(key: dict[str, Any]) -> tuple[str, list[Any]]:
    parts, params = [], []
    for col, value in key.items():
        assert IDENT.match(col), col
        if isinstance(value, list):
            parts.append(f"{col} in ({', '.join('?' for _ in value)})" if value else "false")
            params.extend(value)
        else:
            parts.append(f"{col} = ?")
            params.append(value)
    return " and ".join(parts) or "true", params


def mart_value(db, table: str, col: str, key: dict[str, Any], agg: str | None) -> Any:
    assert IDENT.match(table) and table.split(".")[0] in ("core", "marts", "data_quality"), table
    assert IDENT.match(col), col
    where, params = _where(key)
    if agg:
        assert agg in ("sum", "count"), agg
        return db.execute(f"select {agg}({col}) from {table} where {where}", params).fetchone()[0]
    rows = db.execute(f"select {col} from {table} where {where}", params).fetchall()
    assert len(rows) == 1, f"{table} {key}: expected exactly one row, got {len(rows)}"
    return rows[0][0]


def mart_series(db, src: dict[str, Any]) -> dict[str, Any]:
    cat, col, table = src["category_col"], src["col"], src["table"]
    assert IDENT.match(cat) and IDENT.match(col) and IDENT.match(table)
    where, params = _where(src["key"])
    agg = src.get("agg")
    if agg:
        assert agg in ("sum", "count")
        sql = f"select {cat}, {agg}({col}) from {table} where {where} group by {cat}"
    else:
        sql = f"select {cat}, {col} from {table} where {where}"
    rows = db.execute(sql, params).fetchall()
    out: dict[str, Any] = {}
    for c, v in rows:
        label = c.isoformat() if isinstance(c, (dt.date, dt.datetime)) else str(c)
        assert label not in out, f"{table}: category {label} is not unique for {src['key']}"
        out[label] = v
    return out


def parse_display(text: str) -> float | None:
    """Read a displayed figure back: '¥1,234', '45.6%', '12', '—'."""
    if text == "—":
        return None
    cleaned = text.replace("¥", "").replace(",", "").replace("%", "").replace("×", "").strip()
    assert re.fullmatch(r"-?\d+(\.\d+)?", cleaned), f"not a number: {text!r}"
    return float(cleaned)


def assert_shows(text: str, value: Any, unit: str | None, where: str) -> None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        assert text == "—", f"{where}: mart value is empty but the page shows {text!r}"
        return
    shown = parse_display(text)
    assert shown is not None, f"{where}: page shows no value, mart has {value}"
    value = float(value)
    if unit == "cny":
        assert text.startswith(("¥", "-¥")), f"{where}: {text!r} is not an amount (¥1,234 or -¥1,234)"
        expected, tolerance = value, 0.5
    elif unit == "ratio":
        assert text.endswith("%"), f"{where}: {text!r} is not a percentage"
        expected, tolerance = value * 100.0, 0.05
    elif unit == "multiple":
        assert text.endswith("×"), f"{where}: {text!r} is not a multiple"
        expected, tolerance = value, 0.05
    elif unit == "count" and abs(value - round(value)) < 1e-9:
        expected, tolerance = value, 0.0
    else:
        expected, tolerance = value, 0.05
    assert abs(shown - expected) <= tolerance + 1e-6, f"{where}: page shows {text!r}, mart has {value}"


def close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-6)


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


def link_problems(site_dir: Path) -> list[str]:
    """Links that leave the machine or point at a file the site does not have (a link into the
    dbt docs page carries its route after '#')."""
    problems = []
    for page in site_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for attr in re.findall(r'(?<![-\w])(?:src|href)="([^"]+)"', html):
            where = page.relative_to(site_dir)
            if re.match(r"^[a-z]+:", attr) or attr.startswith("//"):
                problems.append(f"{where} links {attr}")
            elif not attr.startswith("#") and not (page.parent / attr.split("#")[0]).resolve().exists():
                problems.append(f"{where}: broken link {attr}")
    return problems


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


def test_cockpit_shows_company_bookings_and_trend(visited, db):
    seen = visited["cockpit/company.html"]
    as_of = db.execute("select max(as_of_date) from marts.team_board").fetchone()[0]
    month = as_of.replace(day=1)
    bookings = db.execute(
        "select sum(c.total_amount_cny) from core.fct_contracts c where c.signed_month = ?", [month]
    ).fetchone()[0]
    cards = dict(seen["cards"])
    # bookings on the cockpit = every contract signed this month (the catalog's definition)
    assert_shows(cards["bookings_amount"], bookings, "cny", "cockpit bookings card")
    trend = next(c for c in seen["charts"] if c["id"] == "c-bookings-trend")
    index = month.year * 12 + month.month - 1 - 11
    first = dt.date(index // 12, index % 12 + 1, 1)
    monthly = dict(
        db.execute(
            "select signed_month, sum(total_amount_cny) from core.fct_contracts where signed_month between ? and ? "
            "group by 1",
            [first, month],
        ).fetchall()
    )
    actual = next(s for s in trend["series"] if s["name"] in ("实际", "Actual"))
    assert len(actual["data"]) == 12
    assert close(actual["data"][-1], monthly.get(month, 0))
    assert sum(v or 0 for v in actual["data"]) == pytest.approx(float(sum(monthly.values())), abs=0.01)


def test_rep_pages_show_their_own_workbench(visited, db):
    rows = db.execute("select user_id, visits_mtd, bookings_mtd_cny from marts.rep_workbench").fetchall()
    assert rows
    for user_id, visits, bookings in rows:
        cards = dict(visited[f"rep/{user_id}.html"]["cards"])
        assert_shows(cards["visits_mtd"], visits, "count", f"rep {user_id} visits")
        assert_shows(cards["bookings_mtd_cny"], bookings, "cny", f"rep {user_id} bookings")
        pace = next(c for c in visited[f"rep/{user_id}.html"]["charts"] if c["id"] == "c-visit-pace")
        cumulative = next(s for s in pace["series"] if s["name"] in ("累计面访", "Cumulative visits"))
        completed = db.execute(
            "select count(*) from core.fct_activities where owner_user_id = ? and is_completed_visit "
            "and activity_month = date_trunc('month', ?::date)",
            [user_id, db.execute("select max(as_of_date) from marts.rep_workbench").fetchone()[0]],
        ).fetchone()[0]
        assert cumulative["data"][-1] == completed


def test_team_pages_list_exactly_their_members(visited, db):
    for (team_id,) in db.execute("select team_id from core.dim_teams where not is_unknown").fetchall():
        want = {
            r[0]
            for r in db.execute(
                "select user_id from marts.team_board_members where team_id = ?", [team_id]
            ).fetchall()
        }
        assert set(visited[f"team/{team_id}.html"]["member_ids"]) == want


def test_leaderboards_rank_reps_within_their_line(visited, db):
    """Each board holds exactly the active reps of one business line (their team's line in the
    world), ranked from 1; both lines have a board for every metric."""
    tables = visited["leaderboards.html"]["tables"]
    month = db.execute("select date_trunc('month', max(as_of_date)) from marts.team_board").fetchone()[0]
    reps_by_line: dict[str, set[str]] = {}
    for user_id, line in db.execute(
        "select u.user_id, t.business_line from core.dim_users u join core.dim_teams t "
        "on t.team_id = u.current_team_id where u.is_rep and u.is_active and not u.is_unknown"
    ).fetchall():
        reps_by_line.setdefault(line, set()).add(user_id)
    assert {"software", "content"} <= set(reps_by_line)
    metrics = {t["metric"] for t in tables}
    assert len(metrics) >= 5
    assert {(t["metric"], t["line"]) for t in tables} >= {
        (m, line) for m in metrics for line in ("software", "content")
    }
    for t in tables:
        assert set(t["user_ids"]) == reps_by_line[t["line"]], (t["metric"], t["line"])
        assert t["rows"][0][0].split("/") == ["1", str(len(reps_by_line[t["line"]]))]
        top = db.execute(
            "select max(metric_value) from marts.leaderboard_rankings where period_type = 'month' "
            "and scope_type = 'business_line' and scope_id = ? and metric_code = ? and period_start_date = ?",
            [t["line"], t["metric"], month],
        ).fetchone()
        unit = db.execute(
            "select min(unit) from marts.leaderboard_rankings where metric_code = ?", [t["metric"]]
        ).fetchone()[0]
        assert_shows(t["rows"][0][3], top[0], unit, f"leaderboard {t['metric']} {t['line']} leader")


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


def test_cockpit_labels_every_window(visited, db):
    """Usage shows the last complete month, named; churn and the unit economics name their
    trailing 12 months; flows say month to date."""
    as_of = db.execute("select max(as_of_date) from marts.team_board").fetchone()[0]
    last_usage = db.execute(
        "select max(usage_month) from core.fct_product_usage_monthly "
        "where usage_month < date_trunc('month', ?::date)",
        [as_of],
    ).fetchone()[0]
    assert last_usage is not None
    for page in ("cockpit/company.html", *[p for p in visited if p.startswith("cockpit/R")]):
        cards = visited[page]["card_texts"]
        for code in ("active_usage_rate", "sticky_usage_rate"):
            if code not in cards:
                continue
            text = cards[code]
            assert f"{last_usage.year}年{last_usage.month}月（最近完整月）" in text, (page, text)
            assert f"last complete month {last_usage:%Y-%m}" in text, (page, text)
            value = dict(visited[page]["cards"])[code]
            assert value != "—", (page, code, "usage must show the last complete month")
        for code in ("churn_rate", "customer_acquisition_cost", "cost_to_serve_per_customer"):
            if code in cards:
                assert "近12个月" in cards[code] and "trailing 12 months" in cards[code], (page, code)
        assert "本月至今" in cards["bookings_amount"] and "month to date" in cards["bookings_amount"]
    assert "churn_rate" in visited["cockpit/company.html"]["card_texts"]


def test_no_change_is_shown_between_a_part_month_and_a_full_one(visited, db):
    """While the month is in progress, no flow card (bookings, MQLs, visits…) and not the
    weighted forecast shows a month-over-month change against the full prior month; stocks
    read on the as-of date (ARR, churn) still do."""
    as_of = db.execute("select max(as_of_date) from marts.team_board").fetchone()[0]
    month_end = (as_of.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    if as_of == month_end:
        pytest.skip("the as-of date closes its month: every month is complete")
    flows = {
        r[0]
        for r in db.execute(
            "select indicator_code from reference.ref_indicator_catalog where aggregation = 'flow'"
        ).fetchall()
    }
    for page, seen in visited.items():
        if not page.startswith("cockpit/"):
            continue
        for code, text in seen["card_texts"].items():
            if code in flows or code == "weighted_forecast_amount":
                assert "环比" not in text and "不与完整期比较" in text, (page, code, text)
        assert "环比" in seen["card_texts"]["arr_amount"] if "arr_amount" in seen["card_texts"] else True


def test_trend_charts_mark_the_part_month_and_week(visited, db):
    as_of = db.execute("select max(as_of_date) from marts.team_board").fetchone()[0]
    month_end = (as_of.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    sunday = as_of + dt.timedelta(days=7 - as_of.isoweekday())
    marked = 0
    for page, seen in visited.items():
        if page == "__blocked__":
            continue
        for spec in seen["specs"]:
            zh, en = spec.get("category_labels_zh") or [], spec.get("category_labels_en") or []
            if spec["id"] in ("c-bookings-trend", "c-arr") and zh:
                assert zh[-1].endswith("（至今）") == (as_of < month_end), (page, spec["id"], zh[-1])
                assert not any(z.endswith("（至今）") for z in zh[:-1]), (page, spec["id"])
                assert en[-1].endswith("(to date)") == (as_of < month_end)
                marked += 1
            if spec["id"] == "c-weekly" and zh:
                assert zh[-1].endswith("（进行中）") == (as_of < sunday), (page, zh[-1])
                assert not any(z.endswith("（进行中）") for z in zh[:-1]), page
                marked += 1
    assert marked > 5


def test_cockpit_shows_software_and_content_separately(visited, db):
    """The company cockpit has a software and a content column; each line's bookings equal the
    contracts of that line signed this month, and team PK says which line each team is in."""
    as_of = db.execute("select max(as_of_date) from marts.team_board").fetchone()[0]
    month = as_of.replace(day=1)
    tables = visited["cockpit/company.html"]["all_tables"]
    lines = next(t for t in tables if "business-lines" in t["cls"])
    assert "软件 Software" in " ".join(lines["head"]) and "内容 Content" in " ".join(lines["head"])
    soft = next(i for i, h in enumerate(lines["head"]) if "软件" in h)
    cont = next(i for i, h in enumerate(lines["head"]) if "内容" in h)
    bookings = next(r for r in lines["rows"] if r[0].startswith("签约金额"))
    for line, col in (("software", soft), ("content", cont)):
        signed = db.execute(
            "select coalesce(sum(total_amount_cny), 0) from core.fct_contracts "
            "where business_line = ? and signed_month = ? and signed_date <= ?",
            [line, month, as_of],
        ).fetchone()[0]
        assert_shows(bookings[col], signed, "cny", f"cockpit {line} bookings")
    team_line = dict(
        db.execute("select team_name, business_line from core.dim_teams where not is_unknown").fetchall()
    )
    names = {"software": "软件", "content": "内容"}
    for page in ("cockpit/company.html", "leaderboards.html"):
        contest = next(t for t in visited[page]["all_tables"] if t["cls"] == "contest")
        line_col = next(
            i for i, h in enumerate(contest["head"]) if "业务线" in h and "名次" not in h and "排名" not in h
        )
        team_col = next(i for i, h in enumerate(contest["head"]) if h.startswith("团队"))
        assert contest["rows"]
        for row in contest["rows"]:
            assert names[team_line[row[team_col]]] in row[line_col], (page, row)


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


def test_rep_without_data_says_so(tmp_path):
    _browser_or_skip()
    db_copy = tmp_path / "crm.duckdb"
    shutil.copy2(WAREHOUSE, db_copy)
    con = duckdb.connect(str(db_copy))
    con.execute("""
        insert into core.dim_users (user_id, user_name, role, is_rep, manager_user_id, hire_date,
            termination_date, is_active, current_team_id, current_team_name, current_business_line,
            current_region_id, current_region_name, is_unknown)
        select 'U99999', '新同事', 'rep', true, leader_user_id, current_date, null, true, team_id, team_name,
               business_line, region_id, region_name, false
        from core.dim_teams where not is_unknown order by team_id limit 1""")
    # a rep who has just left: no workbench any more, but still on this month's leaderboards
    left = con.execute("select min(user_id) from marts.leaderboard_rankings").fetchone()[0]
    con.execute("update core.dim_users set is_active = false where user_id = ?", [left])
    con.close()
    run = build_site(db_copy, tmp_path / "site")
    page_file = run.out_dir / "rep" / "U99999.html"
    assert page_file.is_file()
    with offline_browser() as (context, blocked):
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
        page.goto(page_file.as_uri())
        page.wait_for_selector("body[data-charts-ready='true']")
        assert page.is_visible("#no-data")
        assert "本期暂无数据" in page.inner_text("#no-data")
        assert page.evaluate("JSON.parse(document.getElementById('chart-data').textContent).length") == 0
        assert page.locator(".chart-empty").count() >= 1
        assert not errors and not blocked
    # the index links the new rep; the rep who left is named on the leaderboards without a link
    assert "rep/U99999.html" in (run.out_dir / "index.html").read_text(encoding="utf-8")
    assert not (run.out_dir / "rep" / f"{left}.html").exists()
    assert link_problems(run.out_dir) == []


def test_parquet_marts_give_the_same_site(tmp_path, site):
    folder = tmp_path / "parquet"
    con = duckdb.connect(str(WAREHOUSE), read_only=True)
    tables = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in ('core', 'marts', 'data_quality')"
    ).fetchall()
    for schema, table in tables:
        (folder / schema).mkdir(parents=True, exist_ok=True)
        con.execute(f"copy {schema}.{table} to '{folder / schema / (table + '.parquet')}' (format parquet)")
    con.close()
    run = build_site(folder, tmp_path / "site")
    for page in site.out_dir.rglob("*.html"):
        rel = page.relative_to(site.out_dir)
        assert (run.out_dir / rel).read_text(encoding="utf-8") == page.read_text(encoding="utf-8"), rel


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
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            _same_numbers(x, y, f"{where}[{i}]")
    else:
        assert a == b, (where, a, b)


def test_spark_marts_give_the_same_site(tmp_path, site):
    """Built from the same landing files, the Spark marts must show people exactly what the
    DuckDB marts show: every page and report, every figure and chart point. `make test` runs
    it once the Spark build (which runs beside the DuckDB steps) is done, with
    CRM_REQUIRE_SPARK=1: a missing Spark warehouse then fails instead of skipping."""
    if not (SPARK_WAREHOUSE / "marts.db").is_dir():
        if os.environ.get("CRM_REQUIRE_SPARK") == "1":
            pytest.fail(f"no Spark warehouse at {SPARK_WAREHOUSE} (CRM_REQUIRE_SPARK=1)")
        pytest.skip("no Spark warehouse (make test-spark builds one from the same landing files)")
    run = build_site(SPARK_WAREHOUSE, tmp_path / "site")
    duck = {p.relative_to(site.out_dir) for p in site.out_dir.rglob("*") if p.suffix in (".html", ".md")}
    spark = {p.relative_to(run.out_dir) for p in run.out_dir.rglob("*") if p.suffix in (".html", ".md")}
    assert duck == spark
    for rel in sorted(duck):
        ours = (site.out_dir / rel).read_text(encoding="utf-8")
        theirs = (run.out_dir / rel).read_text(encoding="utf-8")
        if 'id="chart-data"' in ours:
            ours, our_charts = _split_chart_data(ours)
            theirs, their_charts = _split_chart_data(theirs)
            _same_numbers(our_charts, their_charts, str(rel))
        assert ours == theirs, next(
            f"{rel}: DuckDB {a!r} / Spark {b!r}"
            for a, b in zip(ours.splitlines(), theirs.splitlines(), strict=False)
            if a != b
        )


def test_pages_read_only_marts_and_exposures_match(site):
    exposures = {}
    for path in (ROOT / "models").rglob("*.yml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for e in doc.get("exposures", []) or []:
            if (e.get("meta") or {}).get("generated_by") == "crmwh push":
                continue  # the pushes' exposures: checked in test_push.py
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


def test_every_alert_table_links_the_full_list_of_its_scope(site, db):
    """A page lists the most urgent open alerts of its scope; when it shows fewer than there are
    ("仅显示前 15 条，共 54 条"), that line links to a page with every open alert of the scope,
    and that page lists exactly the open alerts the mart holds for it."""
    scopes = {
        f"cockpit/{r}.html": ("severity = 'critical' and region_id = ?", [r])
        for (r,) in db.execute(
            "select distinct region_id from core.dim_teams where team_id <> '-1'"
        ).fetchall()
    }
    scopes["cockpit/company.html"] = ("severity = 'critical'", [])
    scopes.update(
        {
            f"team/{t}.html": ("action_role = 'team_lead' and team_id = ?", [t])
            for (t,) in db.execute("select team_id from marts.team_board").fetchall()
        }
    )
    scopes.update(
        {
            f"rep/{u}.html": ("action_user_id = ?", [u])
            for (u,) in db.execute("select user_id from marts.rep_workbench").fetchall()
        }
    )
    row_id = re.compile(r'data-alert-id="([^"]+)"')
    checked = 0
    for path, (where, params) in scopes.items():
        page_file = site.out_dir / path
        if not page_file.is_file():
            continue
        expected = {
            a
            for (a,) in db.execute(
                f"select alert_id from marts.fct_alerts where is_open and {where}", params
            ).fetchall()
        }
        html = page_file.read_text(encoding="utf-8")
        shown = row_id.findall(html)
        assert set(shown) <= expected, path
        link = re.search(r'class="all-alerts" href="([^"]+)"', html)
        if len(shown) < len(expected):
            assert link, f"{path} shows {len(shown)} of {len(expected)} alerts and links no full list"
        full_path = (
            (page_file.parent / link.group(1))
            if link
            else (site.out_dir / "alerts" / (path[: -len(".html")].replace("/", "-") + ".html"))
        )
        assert full_path.is_file(), f"{path}: no full alert list at {full_path}"
        listed = row_id.findall(full_path.read_text(encoding="utf-8"))
        assert sorted(listed) == sorted(expected), path
        checked += 1
    assert checked > 0


def test_a_persons_alert_list_is_capped_and_links_the_rest(db, tmp_path, monkeypatch):
    """A rep or a lead reads at most ALERTS_PER_PERSON alerts on their own page, critical first;
    the rest is on the full list the page links. Checked with a cap of 1 so that the demo's
    leads with several alerts show the cap at work."""
    import crm_warehouse.dashboards.site_model as site_module

    monkeypatch.setattr(site_module, "ALERTS_PER_PERSON", 1)
    run = build_site(WAREHOUSE, tmp_path / "site", with_reports=False)
    row_id = re.compile(r'data-alert-id="([^"]+)"')
    capped = 0
    for (team_id,) in db.execute("select team_id from marts.team_board").fetchall():
        expected = db.execute(
            "select severity from marts.fct_alerts where is_open and action_role = 'team_lead' "
            "and team_id = ? order by case severity when 'critical' then 0 else 1 end",
            [team_id],
        ).fetchall()
        page = run.out_dir / "team" / f"{team_id}.html"
        if not page.is_file() or len(expected) < 2:
            continue
        html = page.read_text(encoding="utf-8")
        assert len(row_id.findall(html)) == 1, team_id
        assert 'class="all-alerts"' in html, team_id
        capped += 1
    assert capped > 0, "no lead with two or more open alerts in this warehouse"
