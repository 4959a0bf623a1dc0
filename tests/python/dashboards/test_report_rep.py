"""The reps' daily, weekly and monthly reports: every figure equals the marts (independent SQL)."""

from __future__ import annotations

import pytest

from crm_warehouse.dashboards.labels import text as label_text
from report_helpers import NO_DATA_TEXT, active_reps, iso_week, kv, number, q, read, section, table


# -- rep -----------------------------------------------------------------------------------
def test_rep_monthly_indicators_equal_indicator_values(run, con, as_of):
    month = as_of.replace(day=1)
    checked = 0
    for rep in active_reps(con):
        expected = q(
            con,
            """
            select actual_value, target_value, attainment_to_date from marts.indicator_values
            where grain = 'rep' and entity_id = ? and period_type = 'month'
              and period_start_date = ? and indicator_code = 'bookings_amount'""",
            [rep, month],
        )
        text = read(run, "monthly", "rep", rep)
        if not expected:
            assert NO_DATA_TEXT in text
            continue
        actual, target, attainment = expected[0]
        rows = [r for r in table(section(text, "核心指标")) if r["指标 Indicator"].startswith("签约金额")]
        assert len(rows) == 1, rep
        assert number(rows[0]["实际 Actual"]) == pytest.approx(actual, abs=0.5)
        assert number(rows[0]["月目标 Target"]) == pytest.approx(target, abs=0.5)
        if attainment is not None:
            assert number(rows[0][label_text("attainment_to_date")]) == pytest.approx(
                attainment, abs=0.0005 + 1e-9
            )
        checked += 1
    assert checked > 0


def test_rep_daily_figures_equal_marts(run, con, as_of):
    checked = 0
    for rep, bookings, quota, visits_mtd in q(
        con,
        """
            select user_id, bookings_mtd_cny, quota_month_cny, visits_mtd
            from marts.rep_workbench""",
    ):
        figures = kv(section(read(run, "daily", "rep", rep), "今日概况"))
        assert number(figures["本月签约 Bookings this month"]) == pytest.approx(float(bookings), abs=0.5)
        quota_text = figures["本月签约 Bookings this month"].split("quota", 1)[1]
        assert number(quota_text) == pytest.approx(float(quota), abs=0.5)
        assert number(figures["本月面访 Visits this month"]) == visits_mtd
        done_today = q(
            con,
            """select count(*) from core.fct_activities where owner_user_id = ?
                              and is_completed_visit and activity_date = ?""",
            [rep, as_of],
        )[0][0]
        assert number(figures["今日完成面访 Visits completed today"]) == done_today
        deals_today = q(
            con,
            "select count(*) from marts.won_deal_feed where user_id = ? and signed_date = ?",
            [rep, as_of],
        )[0][0]
        assert number(figures["今日签约 Deals signed today"]) == deals_today
        checked += 1
    assert checked > 0


def test_rep_weekly_visits_equal_activity_count(run, con, as_of):
    monday, sunday = iso_week(as_of)
    for rep in active_reps(con):
        text = read(run, "weekly", "rep", rep)
        figures = kv(section(text, "本周与上周"))
        if NO_DATA_TEXT in text:
            assert not figures
            continue
        expected = q(
            con,
            """select count(*) from core.fct_activities where owner_user_id = ?
                             and is_completed_visit and activity_date between ? and ?""",
            [rep, monday, sunday],
        )[0][0]
        assert number(figures["本周面访 Visits this week"]) == expected, rep
