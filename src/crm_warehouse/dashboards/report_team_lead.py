"""The team lead's daily, weekly and monthly reports."""

from __future__ import annotations

from typing import Any

from .labels import label, text_fmt
from .labels import text as label_text
from .marts import MartReader
from .report_indicators import indicator_rows, indicator_sections
from .report_model import PROBLEM_FLAGS, Entity, Report, Section, Window
from .report_rep import _change, _completed_visits, previous_week_label
from .report_sections import (
    RAISED_AFTER_HISTORY_START,
    alerts_rows,
    alerts_section,
    deals_section,
    leaderboard_sections,
    new_report,
    stalled_section,
)
from .report_text import count, money, person, ratio, yes_no


# -- team lead -----------------------------------------------------------------------------
def _team_board(reader: MartReader, entity: Entity) -> dict[str, Any] | None:
    return reader.one("select * from {marts.team_board} where team_id = ?", [entity.team_id])


def _members_sql() -> str:
    return "select user_id from {marts.team_board_members} where team_id = ?"


def team_lead_daily(reader: MartReader, entity: Entity, w: Window) -> Report:
    """The team lead's daily report (日报) for the as-of day."""
    report = new_report("daily", entity, w)
    tb = _team_board(reader, entity)
    report.no_data = tb is None
    visits_today = _completed_visits(reader, _members_sql(), [entity.team_id], w.as_of, w.as_of)
    deals, n_deals, amount = deals_section(reader, entity, w.as_of, w.as_of, label_text("deals_signed_today"))
    alerts = alerts_rows(reader, "a.action_user_id = ? and a.is_open", [entity.user_id])
    new_today = sum(
        1 for a in alerts if a["first_raised_as_of"] == w.as_of and a["is_new_since_history_start"]
    )
    behind = reader.rows(
        "select user_id, user_name, visits_mtd, visit_pace_target, visits_to_plan, "
        "is_visit_bonus_cut_at_risk from {marts.team_board_members} "
        "where team_id = ? and is_below_visit_pace order by visits_mtd, user_id",
        [entity.team_id],
    )
    pairs = [
        (label_text("visits_completed_today"), count(visits_today)),
        (label_text("deals_signed_today"), f"{text_fmt('deal_count', n=count(n_deals))}，{money(amount)}"),
    ]
    if tb:
        pairs += [
            (
                label_text("bookings_this_month"),
                f"{money(tb['bookings_mtd_cny'])} / {text_fmt('quota_is', value=money(tb['quota_month_cny']))}，"
                f"{label_text('attainment_mtd')} {ratio(tb['attainment_mtd'])}",
            ),
            (
                text_fmt("members_count_of", rule=label("alert_rule.visit_pace_behind")),
                f"{count(tb['members_below_visit_pace'])} / {count(tb['active_members'])}",
            ),
        ]
    pairs.append(
        (
            label_text("alerts"),
            f"{text_fmt('new_today_is', value=count(new_today))}，{text_fmt('open_is', value=count(len(alerts)))}",
        )
    )
    report.sections = [
        Section(label_text("team_today"), kind="kv", pairs=pairs),
        Section(
            text_fmt("members_of", rule=label("alert_rule.visit_pace_behind")),
            headers=[
                label_text("member"),
                label_text("visits_this_month"),
                label_text("visit_pace_target"),
                label_text("visits_to_plan"),
                label_text("bonus_cut_risk"),
            ],
            rows=[
                [
                    person(m["user_name"], m["user_id"]),
                    count(m["visits_mtd"]),
                    count(m["visit_pace_target"]),
                    count(m["visits_to_plan"]),
                    yes_no(m["is_visit_bonus_cut_at_risk"]),
                ]
                for m in behind
            ],
        ),
        deals,
        alerts_section(alerts, label_text("alerts_needing_action"), w.as_of, with_subject=True),
    ]
    return report


def team_lead_weekly(reader: MartReader, entity: Entity, w: Window) -> Report:
    """The team lead's weekly report (周报)."""
    report = new_report("weekly", entity, w)
    trend = reader.rows(
        "select user_id, user_name, visits, previous_week_visits_to_date, won_deals "
        "from {marts.team_board_behavior_trend} where team_id = ? and week_start_date = ? "
        "order by visits desc, user_id",
        [entity.team_id, w.week_start],
    )
    report.no_data = not trend
    last_label, last_col = previous_week_label(w)
    visits = Section(
        label_text("visits_this_week_vs_last_week"),
        headers=[
            label_text("member"),
            label_text("this_week"),
            last_label,
            label_text("change"),
            label_text("won_deals"),
        ],
        rows=[
            [
                person(t["user_name"], t["user_id"]),
                count(t["visits"]),
                count(t[last_col]),
                _change(t["visits"], t[last_col]),
                count(t["won_deals"]),
            ]
            for t in trend
        ],
    )
    deals, _, _ = deals_section(reader, entity, w.week_start, w.as_of, label_text("deals_signed_this_week"))
    alerts = alerts_rows(
        reader,
        f"a.action_user_id = ? and a.first_raised_as_of between ? and ? and {RAISED_AFTER_HISTORY_START}",
        [entity.user_id, w.week_start, w.as_of],
    )
    report.sections = [
        visits,
        deals,
        alerts_section(alerts, label_text("alerts_raised_this_week"), w.as_of, with_subject=True),
        *leaderboard_sections(reader, entity, w),
        stalled_section(reader, entity),
    ]
    return report


def team_lead_monthly(reader: MartReader, entity: Entity, w: Window) -> Report:
    """The team lead's monthly report (月报)."""
    report = new_report("monthly", entity, w)
    rows = indicator_rows(reader, "team", entity.team_id or "", w)
    report.no_data = not rows
    members = reader.rows(
        "select * from {marts.team_board_members} where team_id = ? and problem_count > 0 "
        "order by problem_count desc, user_id",
        [entity.team_id],
    )
    problems = Section(
        label_text("members_with_problems"),
        headers=[label_text("member"), label_text("problems")],
        rows=[
            [
                person(m["user_name"], m["user_id"]),
                "；".join(name for flag, name in PROBLEM_FLAGS if m.get(flag)),
            ]
            for m in members
        ],
    )
    alerts = alerts_rows(reader, "a.action_user_id = ? and a.is_open", [entity.user_id])
    report.sections = [
        *indicator_sections(rows, ""),
        problems,
        *leaderboard_sections(reader, entity, w),
        alerts_section(alerts, label_text("open_alerts_needing_action"), w.as_of, with_subject=True),
    ]
    return report
