"""Fixtures of the dashboard tests.

The site tests read the shared site, a read-only connection to the test warehouse (``db``) and
what the browser saw on every page (``visited``, opened once per test session). The report tests
read the reports of the shared site build (``run``) and the test warehouse: here ``warehouse``
is the test warehouse's path (CRM_TEST_DUCKDB, else warehouse/crm.duckdb), not the top-level
conftest's copy of the refresh's golden build.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import pickle
from pathlib import Path
from typing import Any

import duckdb
import pytest

from crm_warehouse.dashboards.browser import offline_browser
from report_helpers import _warehouse
from site_helpers import WAREHOUSE, _browser_or_skip


@pytest.fixture(scope="module")
def site(shared_site):
    return shared_site


@pytest.fixture(scope="module")
def db():
    con = duckdb.connect(str(WAREHOUSE), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def visited(shared_site, shared_root: Path) -> dict[str, dict[str, Any]]:
    """What the browser saw on every page of the shared site. The pages are opened once per test
    session: the first worker opens them, the others wait on the lock and read its result (as
    the top-level conftest's build_once does for the builds)."""
    _browser_or_skip()
    done = shared_root / "shared-visited.pickle"
    with (shared_root / "shared-visited.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.is_file():
            return pickle.loads(done.read_bytes())
        seen = _visit(shared_site)
        done.write_bytes(pickle.dumps(seen))
        return seen


def _visit(site) -> dict[str, dict[str, Any]]:
    """Open every page once; keep what the browser saw."""
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


# -- the reports ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def warehouse() -> Path:
    path = _warehouse()
    if not path.is_file():
        pytest.skip(f"no warehouse at {path}: set CRM_TEST_DUCKDB or run `make demo` first")
    return path


@pytest.fixture(scope="module")
def con(warehouse: Path):
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def run(warehouse: Path, shared_site):
    """The reports the shared site build wrote (build_site runs build_reports)."""
    assert shared_site.reports is not None and shared_site.reports.out_dir.is_dir()
    return shared_site.reports


@pytest.fixture(scope="module")
def as_of(con) -> dt.date:
    return con.execute("select max(as_of_date) from marts.team_board").fetchall()[0][0]
