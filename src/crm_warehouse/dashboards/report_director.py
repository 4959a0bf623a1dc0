"""The director's daily, weekly and monthly reports."""

from __future__ import annotations

from .labels import text as label_text
from .labels import text_fmt
from .marts import MartReader
from .report_indicators import indicator_grain, indicator_rows, indicator_sections
from .report_model import DIRECTOR_MAX_ROWS, Entity, Report, Section, Window
from .report_rep import _change, previous_week_label
from .report_sections import (
    RAISED_AFTER_HISTORY_START,
    alert_counts_section,
    alerts_rows,
    alerts_section,
    business_line_section,
    deals_section,
    leaderboard_sections,
    new_report,
    stalled_section,
)
from .report_text import cell, count, money, ratio, status_text
from .roles import region_filter, team_scope_filter


# -- director ------------------------------------------------------------------------------
def _has_scope(entity: Entity) -> bool:
    return entity.is_company or bool(entity.region_ids)


def director_daily(reader: MartReader, entity: Entity, w: Window) -> Report:
    """The director's daily report (日报) for the as-of day."""
    report = new_report("daily", entity, w)
    deals, n_deals, amount = deals_section(reader, entity, w.as_of, w.as_of, label_text("deals_signed_today"))
    pairs = [
        (label_text("deals_signed_today"), f"{text_fmt('deal_count', n=count(n_deals))}，{money(amount)}")
    ]
    grain = "company" if entity.is_company else "region"
    ids = ("company",) if entity.is_company else (entity.region_ids or ("",))
    kpis = reader.rows(
        "select entity_id, entity_name, actual_value, target_value, target_value_to_date, "
        "attainment_to_date, status_code from {marts.director_cockpit_kpis} "
        "where indicator_code = 'bookings_amount' and period_type = 'month' "
        f"and period_start_date = ? and grain = ? and entity_id in ({', '.join('?' for _ in ids)}) "
        "order by entity_id",
        [w.month_start, grain, *ids],
    )
    for k in kpis:
        pairs.append(
            (
                f"{label_text('bookings_this_month')}（{cell(k['entity_name'])}）",
                f"{money(k['actual_value'])} / {text_fmt('month_target_is', value=money(k['target_value']))}，"
                f"{text_fmt('target_to_date_is', value=money(k['target_value_to_date']))}，"
                f"{label_text('attainment_to_date')} {ratio(k['attainment_to_date'])}，"
                f"{status_text(k['status_code'])}",
            )
        )
    cond, params = region_filter(entity, "a.region_id")
    critical = alerts_rows(
        reader,
        f"a.severity = 'critical' and a.first_raised_as_of = ? and {RAISED_AFTER_HISTORY_START} and {cond}",
        [w.as_of, *params],
    )
    pairs.append((label_text("new_critical_alerts_today"), count(len(critical))))
    report.no_data = not _has_scope(entity) or not kpis
    report.sections = [
        Section(label_text("today_at_a_glance"), kind="kv", pairs=pairs),
        deals,
        alerts_section(
            critical,
            label_text("new_critical_alerts_today"),
            w.as_of,
            with_subject=True,
            limit=DIRECTOR_MAX_ROWS,
        ),
        _teams_standing(reader, entity),
    ]
    return report


def _teams_standing(reader: MartReader, entity: Entity) -> Section:
    cond, params = region_filter(entity)
    rows = reader.rows(
        "select team_id, team_name, bookings_mtd_cny, quota_month_cny, attainment_mtd, "
        "forecast_attainment, contest_rank_month, teams_in_contest, members_below_visit_pace, "
        f"active_members, open_alerts_for_lead from {{marts.team_board}} where {cond} "
        "order by attainment_mtd desc nulls last, team_id",
        params,
    )
    return Section(
        f"{label_text('teams_standing')}（{label_text('month_to_date')}）",
        headers=[
            label_text("team"),
            label_text("bookings_mtd"),
            label_text("monthly_quota"),
            label_text("attainment_mtd"),
            label_text("forecast_attainment"),
            label_text("contest_rank"),
            label_text("behind_visit_pace"),
            label_text("open_alerts_for_lead"),
        ],
        rows=[
            [
                cell(r["team_name"]),
                money(r["bookings_mtd_cny"]),
                money(r["quota_month_cny"]),
                ratio(r["attainment_mtd"]),
                ratio(r["forecast_attainment"]),
                f"{count(r['contest_rank_month'])} / {count(r['teams_in_contest'])}",
                f"{count(r['members_below_visit_pace'])} / {count(r['active_members'])}",
                count(r["open_alerts_for_lead"]),
            ]
            for r in rows
        ],
    )


def director_weekly(reader: MartReader, entity: Entity, w: Window) -> Report:
    """The director's weekly report (周报)."""
    report = new_report("weekly", entity, w)
    cond, params = team_scope_filter(entity, "b.team_id")
    trend = reader.rows(
        "select b.team_id, t.team_name, sum(b.visits) as visits, "
        "sum(b.previous_week_visits_to_date) as previous_week_visits_to_date, sum(b.won_deals) as won_deals, "
        "count(*) as reps from {marts.team_board_behavior_trend} b "
        "left join {core.dim_teams} t on t.team_id = b.team_id "
        f"where b.week_start_date = ? and {cond} group by all order by b.team_id",
        [w.week_start, *params],
    )
    report.no_data = not trend
    last_label, last_col = previous_week_label(w)
    visits = Section(
        label_text("visits_this_week_vs_last_week_by_team"),
        headers=[
            label_text("team"),
            label_text("rep_count"),
            label_text("this_week"),
            last_label,
            label_text("change"),
            label_text("won_deals"),
        ],
        rows=[
            [
                cell(t["team_name"]),
                count(t["reps"]),
                count(t["visits"]),
                count(t[last_col]),
                _change(t["visits"], t[last_col]),
                count(t["won_deals"]),
            ]
            for t in trend
        ],
    )
    deals, n_deals, amount = deals_section(
        reader, entity, w.week_start, w.as_of, label_text("deals_signed_this_week")
    )
    deals.intro = f"{label_text('total')}: {text_fmt('deal_count', n=count(n_deals))}，{money(amount)}"
    report.sections = [
        visits,
        deals,
        alert_counts_section(reader, entity, w.week_start, w.as_of, label_text("alerts_raised_this_week")),
        *leaderboard_sections(reader, entity, w),
        stalled_section(reader, entity),
    ]
    return report


def director_monthly(reader: MartReader, entity: Entity, w: Window) -> Report:
    """The director's monthly report (月报)."""
    report = new_report("monthly", entity, w)
    sections: list[Section] = []
    found = False
    for grain, entity_id, label in indicator_grain(entity):
        rows = indicator_rows(reader, grain, entity_id, w)
        found = found or bool(rows)
        sections += indicator_sections(rows, label)
    if not sections:
        sections = indicator_sections([], "")
    if entity.is_company:
        sections.append(business_line_section(reader, w))
    report.no_data = not found
    sections += leaderboard_sections(reader, entity, w)
    cond, params = region_filter(entity, "a.region_id")
    mine = alerts_rows(reader, "a.action_user_id = ? and a.is_open", [entity.user_id or ""])
    critical = alerts_rows(reader, f"a.is_open and a.severity = 'critical' and {cond}", params)
    sections.append(
        alerts_section(mine, label_text("open_alerts_needing_your_action"), w.as_of, with_subject=True)
    )
    sections.append(
        alerts_section(
            critical,
            label_text("open_critical_alerts_in_scope"),
            w.as_of,
            with_subject=True,
            limit=DIRECTOR_MAX_ROWS,
        )
    )
    report.sections = sections
    return report
