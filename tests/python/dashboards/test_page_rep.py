"""The reps' workbenches: each shows its own rep's figures, and a rep without data gets a page
that says so."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from crm_warehouse.dashboards.browser import offline_browser
from crm_warehouse.dashboards.site import build_site
from site_helpers import WAREHOUSE, _browser_or_skip, assert_shows, link_problems

pytestmark = pytest.mark.skipif(not WAREHOUSE.is_file(), reason=f"no warehouse at {WAREHOUSE}: run make demo")


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
