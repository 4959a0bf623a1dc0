"""The rep's daily, weekly and monthly reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .formatting import MISSING, fmt_change, fmt_date, fmt_number
from .labels import text as label_text
from .labels import text_fmt
from .marts import MartReader
from .report_indicators import indicator_rows, indicator_sections
from .report_model import ACTIVITY_STATUS, Entity, Report, Section, Window
from .report_sections import (
    RAISED_AFTER_HISTORY_START,
    alerts_rows,
    alerts_section,
    deals_section,
    leaderboard_sections,
    new_report,
    stalled_section,
)
from .report_text import cell, count, money, ratio, yes_no


# -- rep -----------------------------------------------------------------------------------
def _rep_workbench(reader: MartReader, entity: Entity) -> dict[str, Any] | None:
    return reader.one("select * from {marts.rep_workbench} where user_id = ?", [entity.user_id])


def _completed_visits(
    reader: MartReader, user_ids_sql: str, params: list[Any], start: dt.date, end: dt.date
) -> int:
    return int(
        reader.scalar(
            "select count(*) from {core.fct_activities} where is_completed_visit "
            f"and activity_date between ? and ? and owner_user_id in ({user_ids_sql})",
            [start, end, *params],
        )
        or 0
    )


def rep_daily(reader: MartReader, entity: Entity, w: Window) -> Report:
    """The rep's daily report (日报) for the as-of day."""
    report = new_report("daily", entity, w)
    wb = _rep_workbench(reader, entity)
    report.no_data = wb is None
    visits_today = _completed_visits(reader, "?", [entity.user_id], w.as_of, w.as_of)
    deals, n_deals, amount = deals_section(reader, entity, w.as_of, w.as_of, label_text("deals_signed_today"))
    alerts = alerts_rows(reader, "a.action_user_id = ? and a.is_open", [entity.user_id])
    new_today = sum(
        1 for a in alerts if a["first_raised_as_of"] == w.as_of and a["is_new_since_history_start"]
    )
    critical = sum(1 for a in alerts if a["severity"] == "critical")
    pairs = [(label_text("visits_completed_today"), count(visits_today))]
    if wb:
        pace = label_text("behind_pace") if wb["is_below_visit_pace"] else label_text("on_pace")
        pairs += [
            (
                label_text("visits_this_month"),
                f"{count(wb['visits_mtd'])} / {text_fmt('monthly_threshold_is', value=count(wb['monthly_visit_threshold']))}，"
                f"{text_fmt('pace_target_is', value=count(wb['visit_pace_target']))}，{pace}",
            ),
            (
                label_text("bookings_this_month"),
                f"{money(wb['bookings_mtd_cny'])} / {text_fmt('quota_is', value=money(wb['quota_month_cny']))}，"
                f"{label_text('attainment_mtd')} {ratio(wb['attainment_mtd'])}",
            ),
        ]
    pairs += [
        (label_text("deals_signed_today"), f"{text_fmt('deal_count', n=count(n_deals))}，{money(amount)}"),
        (
            label_text("alerts"),
            f"{text_fmt('new_today_is', value=count(new_today))}，{text_fmt('open_is', value=count(len(alerts)))}"
            f"（{text_fmt('critical_is', value=count(critical))}）",
        ),
    ]
    visits = _visit_list(reader, entity, "today_planned")
    missed = _visit_list(reader, entity, "previous_day_not_done")
    report.sections = [
        Section(label_text("today_at_a_glance"), kind="kv", pairs=pairs),
        Section(
            label_text("planned_visits_today"),
            headers=[
                label_text("planned_at"),
                label_text("account"),
                label_text("key_account"),
                label_text("status"),
            ],
            rows=[
                [
                    fmt_date(v["planned_at"]),
                    cell(v["account_name"]),
                    yes_no(v["is_key_account"]),
                    _activity_status(v["activity_status"]),
                ]
                for v in visits
            ],
        ),
        Section(
            label_text("missed_visits_yesterday"),
            headers=[
                label_text("planned_at"),
                label_text("account"),
                label_text("status"),
                label_text("reason"),
            ],
            rows=[
                [
                    fmt_date(v["planned_at"]),
                    cell(v["account_name"]),
                    _activity_status(v["activity_status"]),
                    cell(v["not_done_reason"]),
                ]
                for v in missed
            ],
        ),
        deals,
        alerts_section(alerts, label_text("alerts_needing_action"), w.as_of),
    ]
    return report


def _activity_status(code: str | None) -> str:
    return ACTIVITY_STATUS.get(code or "", cell(code))


def _visit_list(reader: MartReader, entity: Entity, code: str) -> list[dict[str, Any]]:
    return reader.rows(
        "select planned_at, account_name, is_key_account, activity_status, not_done_reason "
        "from {marts.rep_workbench_visits} where user_id = ? and visit_list_code = ? "
        "order by planned_at, activity_id",
        [entity.user_id, code],
    )


def rep_weekly(reader: MartReader, entity: Entity, w: Window) -> Report:
    """The rep's weekly report (周报)."""
    report = new_report("weekly", entity, w)
    trend = reader.one(
        "select visits, previous_week_visits_to_date, ka_visits, calls, meetings_and_demos, "
        "new_opportunities, won_deals from {marts.team_board_behavior_trend} "
        "where user_id = ? and week_start_date = ?",
        [entity.user_id, w.week_start],
    )
    report.no_data = trend is None
    pairs = []
    last_label, last_col = previous_week_label(w)
    if trend:
        change = _change(trend["visits"], trend[last_col])
        pairs = [
            (label_text("visits_this_week"), count(trend["visits"])),
            (last_label, count(trend[last_col])),
            (label_text("change_in_visits"), change),
            (label_text("ka_visits_this_week"), count(trend["ka_visits"])),
            (label_text("calls_this_week"), count(trend["calls"])),
            (label_text("meetings_and_demos_this_week"), count(trend["meetings_and_demos"])),
            (label_text("new_opportunities_this_week"), count(trend["new_opportunities"])),
        ]
    deals, _, _ = deals_section(reader, entity, w.week_start, w.as_of, label_text("deals_signed_this_week"))
    alerts = alerts_rows(
        reader,
        f"a.action_user_id = ? and a.first_raised_as_of between ? and ? and {RAISED_AFTER_HISTORY_START}",
        [entity.user_id, w.week_start, w.as_of],
    )
    report.sections = [
        Section(label_text("this_week_vs_last_week"), kind="kv", pairs=pairs),
        deals,
        alerts_section(alerts, label_text("alerts_raised_this_week"), w.as_of),
        *leaderboard_sections(reader, entity, w),
        stalled_section(reader, entity),
    ]
    return report


def rep_monthly(reader: MartReader, entity: Entity, w: Window) -> Report:
    """The rep's monthly report (月报)."""
    report = new_report("monthly", entity, w)
    rows = indicator_rows(reader, "rep", entity.user_id or "", w)
    report.no_data = not rows
    dq = reader.one(
        "select dq_score, rank_in_team, scored_reps_in_team, open_issues "
        "from {data_quality.dq_rep_scorecard_monthly} where user_id = ? and month_start_date = ?",
        [entity.user_id, w.month_start],
    )
    alerts = alerts_rows(reader, "a.action_user_id = ? and a.is_open", [entity.user_id])
    sections = indicator_sections(rows, "")
    if dq:
        sections.append(
            Section(
                label_text("data_quality"),
                kind="kv",
                pairs=[
                    (label_text("data_quality_score"), fmt_number(dq["dq_score"], "score")),
                    (
                        label_text("rank_in_team"),
                        f"{count(dq['rank_in_team'])} / {count(dq['scored_reps_in_team'])}",
                    ),
                    (label_text("open_issues"), count(dq["open_issues"])),
                ],
            )
        )
    sections += leaderboard_sections(reader, entity, w)
    sections.append(alerts_section(alerts, label_text("open_alerts_needing_action"), w.as_of))
    report.sections = sections
    return report


def previous_week_label(w: Window) -> tuple[str, str]:
    """The heading of last week's column: the same days of last week while this week is in
    progress (a part week is never set against a full one), else the whole week."""
    if w.week_in_progress:
        days = w.as_of.weekday() + 1
        return (text_fmt("last_week_same_days", days=days), "previous_week_visits_to_date")
    return (label_text("last_week"), "previous_week_visits_to_date")


def _change(now: Any, before: Any) -> str:
    if now is None or before is None:
        return MISSING
    if not before:
        return MISSING if now else fmt_change(0.0)
    return fmt_change((float(now) - float(before)) / abs(float(before)))
