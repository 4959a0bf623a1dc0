"""The team leads' reports: the members behind their visit pace and each member's visits this week
and last week equal the marts."""

from __future__ import annotations

from report_helpers import ids, iso_week, last_week_window, number, q, read, section, table, team_leads


# -- team lead -----------------------------------------------------------------------------
def test_team_lead_daily_lists_members_behind_visit_pace(run, con):
    for lead, team in team_leads(con).items():
        expected = {
            r[0]
            for r in q(
                con,
                """select user_id from marts.team_board_members
                                           where team_id = ? and is_below_visit_pace""",
                [team],
            )
        }
        body = section(read(run, "daily", "team_lead", lead), "面访进度落后成员")
        listed = ids(table(body), "成员 Member")
        assert len(listed) == len(set(listed))
        assert set(listed) == expected, team
        if not expected:
            assert "无 None" in body


def test_team_lead_weekly_visits_per_rep_equal_activity_count(run, con, as_of):
    monday, sunday = iso_week(as_of)
    last_from, last_to = last_week_window(as_of)
    checked = 0
    for lead, team in team_leads(con).items():
        rows = table(section(read(run, "weekly", "team_lead", lead), "本周与上周面访"))
        members = {
            r[0] for r in q(con, "select user_id from marts.team_board_members where team_id = ?", [team])
        }
        assert set(ids(rows, "成员 Member")) == members, team
        for row, rep in zip(rows, ids(rows, "成员 Member"), strict=False):
            this_week, last_week = q(
                con,
                """
                select count(*) filter (where activity_date between ? and ?),
                       count(*) filter (where activity_date between ? and ?)
                from core.fct_activities where owner_user_id = ? and is_completed_visit""",
                [monday, sunday, last_from, last_to, rep],
            )[0]
            last_col = next(c for c in row if c.startswith("上周"))
            assert number(row["本周面访 This week"]) == this_week, rep
            assert number(row[last_col]) == last_week, rep
            checked += 1
    assert checked > 0
