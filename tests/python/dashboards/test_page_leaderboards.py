"""The leaderboards rank the active reps of each business line."""

from __future__ import annotations

import pytest

from site_helpers import WAREHOUSE, assert_shows

pytestmark = pytest.mark.skipif(not WAREHOUSE.is_file(), reason=f"no warehouse at {WAREHOUSE}: run make demo")


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
