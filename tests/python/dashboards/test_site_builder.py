"""What every page shares (site_builder): trend charts mark the part month and week, and the alert
tables link the full list of their scope, capped per person."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from crm_warehouse.dashboards.site import build_site
from site_helpers import WAREHOUSE

pytestmark = pytest.mark.skipif(not WAREHOUSE.is_file(), reason=f"no warehouse at {WAREHOUSE}: run make demo")


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
