"""Per-person bundles: each holds only what its person's role may see, and no link leaves it.

Uses the site and bundles built once by test_excel.py's ``built`` fixture. Expected contents
come from our own SQL on the warehouse: a rep's bundle holds no other rep's workbench, alert
list, CSV or report, and names no other rep outside the leaderboards (the leaderboards page
and the top/bottom-3 sections of the rep's reports rank everyone of the scope); a lead's
bundle holds exactly the boards of the teams they lead and those teams' members' workbenches.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[3]
import pytest  # noqa: E402

from crm_warehouse.dashboards.labels import text  # noqa: E402
from crm_warehouse.push.config import PushConfigError, bundle_base_url, bundle_link  # noqa: E402
from site_helpers import link_problems  # noqa: E402
from test_excel import built as built  # noqa: E402  (the shared session fixture)


def _bundles(built) -> Path:
    return built[0].out_dir.parent / "bundles"


def _reps(con) -> dict[str, str]:
    return dict(
        con.execute(
            "select user_id, user_name from core.dim_users where is_rep and is_active and not is_unknown"
        ).fetchall()
    )


def _leaderboard_free_text(path: Path) -> str:
    """A file's text without the parts that rank other reps by design."""
    if path.name.startswith("leaderboards."):
        return ""
    if path.suffix == ".xlsx":
        wb = load_workbook(path)
        return "\n".join(
            str(c.value)
            for ws in wb.worksheets
            if not ws.title.startswith(
                tuple(text(k)[:8] for k in ("top_3_by_bookings", "bottom_3_by_bookings"))
            )
            for row in ws.iter_rows()
            for c in row
            if c.value is not None
        )
    body = path.read_text(encoding="utf-8")
    if "/reports/" in path.as_posix():
        marker = "\n## " if path.suffix == ".md" else "<h2>"
        parts = body.split(marker)
        ranked = (text("top_3_by_bookings"), text("bottom_3_by_bookings"))
        body = marker.join(p for p in parts if not p.startswith(ranked))
    return body


def test_every_active_rep_lead_and_director_has_a_bundle(built):
    _, con, _ = built
    root = _bundles(built)
    people = {
        r[0]
        for r in con.execute(
            "select user_id from core.dim_users where is_active and role in ('rep', 'team_lead', 'director') "
            "and not coalesce(is_unknown, false)"
        ).fetchall()
    }
    leads = {
        r[0]
        for r in con.execute(
            "select leader_user_id from core.dim_teams where not is_unknown and leader_user_id is not null"
        ).fetchall()
    }
    folders = {p.name for p in root.iterdir() if p.is_dir()}
    assert set(_reps(con)) | leads <= folders <= people | leads
    assert (root / "people.csv").read_text(encoding="utf-8").splitlines()[0] == "user_id,roles,folder"


def test_a_reps_bundle_holds_no_other_reps_workbench_or_data(built):
    _, con, _ = built
    root = _bundles(built)
    reps = _reps(con)
    names = {uid: n for uid, n in reps.items() if list(reps.values()).count(n) == 1}
    for uid, name in reps.items():
        bundle = root / uid
        files = {p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()}
        assert f"rep/{uid}.html" in files and "leaderboards.html" in files
        assert {f for f in files if f.startswith("rep/")} <= {
            f"rep/{uid}.html",
            f"rep/{uid}.xlsx",
            f"rep/{uid}-visits.csv",
        }, uid
        assert {f for f in files if f.startswith("alerts/")} == {f"alerts/rep-{uid}.html"}
        assert not any(f.startswith(("team/", "cockpit/", "data-quality", "indicator-tree")) for f in files)
        assert {Path(f).stem for f in files if f.startswith("reports/")} == {uid}
        assert all(f.split("/")[3] == "rep" for f in files if f.startswith("reports/"))
        others = {o for o in reps if o != uid}
        other_names = {n for o, n in names.items() if o != uid and n not in name}
        for path in bundle.rglob("*"):
            if not path.is_file() or path.parent.name == "assets":
                continue
            body = _leaderboard_free_text(path)
            found = set(re.findall(r"U\d{5}", body)) & others
            assert not found, f"{path.relative_to(root)} names other reps {sorted(found)[:5]}"
            leaked = [n for n in other_names if n in body]
            assert not leaked, f"{path.relative_to(root)} names other reps {leaked[:5]}"


def test_a_leads_bundle_holds_exactly_their_teams(built):
    _, con, _ = built
    root = _bundles(built)
    leads = con.execute(
        "select leader_user_id, list(team_id order by team_id) from core.dim_teams "
        "where not is_unknown and leader_user_id is not null group by 1"
    ).fetchall()
    assert leads
    for lead, teams in leads:
        bundle = root / lead
        assert {p.stem for p in (bundle / "team").glob("*.html")} == set(teams), lead
        members = {
            r[0]
            for r in con.execute(
                "select user_id from core.dim_users where is_rep and is_active and not is_unknown "
                f"and current_team_id in ({', '.join('?' for _ in teams)})",
                teams,
            ).fetchall()
        }
        assert {p.stem for p in (bundle / "rep").glob("*.html")} == members, lead
        assert not (bundle / "cockpit").exists()


def test_a_directors_bundle_holds_their_regions_only(built):
    _, con, _ = built
    root = _bundles(built)
    regions = {
        r[0]
        for r in con.execute("select distinct region_id from core.dim_teams where not is_unknown").fetchall()
    }
    directors = [
        r[0]
        for r in con.execute(
            "select user_id from core.dim_users where role = 'director' and is_active"
        ).fetchall()
    ]
    assert directors
    for uid in directors:
        cockpits = {p.stem for p in (root / uid / "cockpit").glob("*.html")}
        assert cockpits <= regions and "company" not in cockpits, uid


def test_no_link_in_a_bundle_leaves_it_or_is_broken(built):
    root = _bundles(built)
    problems = [f"{b.name}: {p}" for b in root.iterdir() if b.is_dir() for p in link_problems(b)]
    assert problems == []
    # the leaderboards keep every name but link no other rep's workbench
    board = (
        (root / "U00012" / "leaderboards.html").read_text(encoding="utf-8")
        if (root / "U00012").exists()
        else ""
    )
    assert not re.search(r'href="rep/(?!U00012\.)', board)


def test_pushed_links_open_the_persons_bundle(built):
    run, con, uid = built
    root = _bundles(built)
    base = bundle_base_url({"CRM_BUNDLE_BASE_URL": "https://bi.example.com/bundles/{person}"})
    page = f"reports/{run.as_of.isoformat()}/daily/rep/{uid}.html"
    assert bundle_link(base, uid, page) == f"https://bi.example.com/bundles/{uid}/{page}"
    assert (root / uid / page).is_file() and (root / uid / "rep" / f"{uid}.html").is_file()
    me = bundle_base_url({"CRM_BUNDLE_BASE_URL": "https://bi.example.com/me/"})
    assert bundle_link(me, None, "leaderboards.html") == "https://bi.example.com/me/leaderboards.html"
    assert bundle_link(base, None, "leaderboards.html") is None  # no person: the site link stays
    for bad in (
        "javascript:alert(1)",
        "https://{person}.example.com/",
        "https://bi.example.com/{user}/",
        "https://bi.example.com/<x>",
    ):
        with pytest.raises(PushConfigError):
            bundle_base_url({"CRM_BUNDLE_BASE_URL": bad})


def test_pushed_reminders_and_briefings_link_into_the_persons_bundle(built, tmp_path):
    from crm_warehouse.dashboards.marts import MartReader
    from crm_warehouse.push.runner import PushOptions, compose_all
    from crm_warehouse.push.sendlog import SendLog

    run, _, _ = built
    root = _bundles(built)
    db = run.out_dir.parent / "crm.duckdb"
    opts = PushOptions(
        warehouse=db,
        send_log=tmp_path / "log.duckdb",
        kinds=("reminder", "briefing"),
        briefing_periods=("daily",),
        dry_run=True,
    )
    env = {
        "CRM_BUNDLE_BASE_URL": "https://bi.example.com/bundles/{person}/",
        "CRM_SITE_BASE_URL": "https://bi.example.com/site/",
    }
    with MartReader(db) as reader:
        messages = compose_all(reader, opts, SendLog(tmp_path / "log.duckdb", read_only=True), env)
    kinds = {m.kind for m in messages}
    assert kinds == {"reminder", "briefing"}
    for m in messages:
        if not m.mention_user_ids:  # the company briefing has no person: the full site
            assert m.link == f"https://bi.example.com/site/{m.page}"
            continue
        person = m.mention_user_ids[0]
        assert m.link == f"https://bi.example.com/bundles/{person}/{m.page}", m.key
        assert (root / person / m.page).is_file(), (m.key, m.page)
