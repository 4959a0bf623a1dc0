"""Sections shared by the role reports: deals, alerts, business lines, leaderboards, stalled deals,
indicators, and the report header.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .formatting import MISSING, fmt_date, fmt_number
from .labels import label
from .labels import text as label_text
from .marts import MartReader
from .paths import slug
from .report_model import (
    CONTRACT_TYPES,
    LEADERBOARD_METRIC,
    MAX_ROWS,
    PERIOD_LABELS,
    ROLE_LABELS,
    Entity,
    Report,
    Section,
    Window,
)
from .report_text import (
    capped,
    cell,
    count,
    money,
    month_text,
    person,
    severity_text,
    subject_text,
    week_label,
    yes_no,
)
from .roles import region_filter, scope_filter, team_scope_filter


# -- shared sections -----------------------------------------------------------------------
def deals_section(
    reader: MartReader, entity: Entity, start: dt.date, end: dt.date, title: str
) -> tuple[Section, int, float]:
    """The deals signed between start and end in the entity's scope: (section, number of deals, total amount)."""
    cond, params = scope_filter(entity)
    rows = reader.rows(
        "select signed_date, user_id, user_name, team_name, account_name, contract_type, "
        "total_amount_cny from {marts.won_deal_feed} "
        f"where signed_date between ? and ? and {cond} "
        "order by total_amount_cny desc, signed_date desc, contract_id",
        [start, end, *params],
    )
    table = [
        [
            fmt_date(r["signed_date"]),
            person(r["user_name"], r["user_id"]),
            cell(r["team_name"]),
            cell(r["account_name"]),
            CONTRACT_TYPES.get(r["contract_type"], cell(r["contract_type"])),
            money(r["total_amount_cny"]),
        ]
        for r in rows
    ]
    shown, note = capped(table, len(table))
    total = sum(float(r["total_amount_cny"] or 0) for r in rows)
    section = Section(
        title,
        headers=[
            label_text("signed_date"),
            label_text("rep"),
            label_text("team"),
            label_text("account"),
            label_text("type"),
            label_text("amount"),
        ],
        rows=shown,
        note=note,
    )
    return section, len(rows), total


# An alert is new when a build raised it after the one that started the alert history: the
# first build of a warehouse finds every open problem at once, and none of them is "new".
RAISED_AFTER_HISTORY_START = (
    "a.first_raised_as_of > (select min(h.first_raised_as_of) from {marts.fct_alerts} h)"
)


def alerts_rows(reader: MartReader, where: str, params: list[Any]) -> list[dict[str, Any]]:
    """The alerts matching a SQL filter (with their subject's name), critical first, newest first."""
    return reader.rows(
        "select a.alert_id, a.severity, a.rule_name_zh, a.rule_name_en, a.message_zh, "
        "a.message_en, a.first_raised_as_of, a.subject_user_id, u.user_name as subject_name, "
        f"coalesce({RAISED_AFTER_HISTORY_START}, false) as is_new_since_history_start "
        "from {marts.fct_alerts} a left join {core.dim_users} u on u.user_id = a.subject_user_id "
        f"where {where} order by case a.severity when 'critical' then 0 else 1 end, "
        "a.first_raised_as_of desc, a.rule_code, a.record_name, a.alert_id",
        params,
    )


def alerts_section(
    rows: list[dict[str, Any]], title: str, as_of: dt.date, with_subject: bool = False, limit: int = MAX_ROWS
) -> Section:
    """A section listing alerts (new ones marked; capped, the rest counted in a note)."""
    headers = [label_text("severity"), label_text("alert")]
    if with_subject:
        headers.append(label_text("related_rep"))
    headers += [label_text("details"), label_text("first_raised")]
    table = []
    for r in rows:
        first = fmt_date(r["first_raised_as_of"])
        if not r["is_new_since_history_start"]:
            first += " " + label_text("open_at_first_build")
        elif r["first_raised_as_of"] == as_of:
            first += " " + label_text("new_alert")
        line = [severity_text(r["severity"]), f"{cell(r['rule_name_zh'])} {cell(r['rule_name_en'])}"]
        if with_subject:
            line.append(person(r["subject_name"], r["subject_user_id"]))
        line += [f"{cell(r['message_zh'])} / {cell(r['message_en'])}", first]
        table.append(line)
    shown, note = capped(table, len(table), limit)
    return Section(title, headers=headers, rows=shown, note=note)


def alert_counts_section(
    reader: MartReader, entity: Entity, start: dt.date, end: dt.date, title: str
) -> Section:
    """The alerts newly raised between start and end in the entity's region, counted by rule and severity."""
    cond, params = region_filter(entity)
    rows = reader.rows(
        "select rule_name_zh, rule_name_en, severity, count(*) as n, "
        "count(*) filter (where is_open) as still_open from {marts.fct_alerts} "
        f"where first_raised_as_of between ? and ? and {cond} "
        "and first_raised_as_of > (select min(h.first_raised_as_of) from {marts.fct_alerts} h) "
        "group by rule_name_zh, rule_name_en, severity "
        "order by case severity when 'critical' then 0 else 1 end, n desc, rule_name_en",
        [start, end, *params],
    )
    table = [
        [
            f"{cell(r['rule_name_zh'])} {cell(r['rule_name_en'])}",
            severity_text(r["severity"]),
            count(r["n"]),
            count(r["still_open"]),
        ]
        for r in rows
    ]
    return Section(
        title,
        headers=[
            label_text("alert"),
            label_text("severity"),
            label_text("raised_count"),
            label_text("still_open"),
        ],
        rows=table,
    )


LINE_ORDER = {"software": 0, "content": 1}


# the indicators a director compares between the software and the content line
LINE_INDICATORS = (
    "bookings_amount",
    "bookings_new_business_amount",
    "bookings_renewal_amount",
    "quota_attainment",
    "new_opportunity_count",
    "win_rate",
    "deal_size",
    "mql_count",
    "sql_count",
    "lead_to_opportunity_conversion",
    "order_conversion",
    "arr_amount",
    "net_revenue_retention",
    "renewal_rate",
    "churn_rate",
)


def business_lines(reader: MartReader) -> list[tuple[str, str]]:
    """(code, name) of the business lines, software first, named as the marts name them."""
    rows = reader.rows(
        "select distinct scope_id, scope_name from {marts.leaderboard_rankings} "
        "where scope_type = 'business_line'"
    )
    return sorted(
        ((r["scope_id"], r["scope_name"]) for r in rows), key=lambda x: (LINE_ORDER.get(x[0], 9), x[0])
    )


def business_line_section(reader: MartReader, w: Window) -> Section:
    """Software vs content: the month's key indicators of each line side by side."""
    rows = reader.rows(
        "select indicator_code, indicator_name_zh, indicator_name_en, unit, entity_id, entity_name, "
        "actual_value, attainment_to_date from {marts.indicator_values} where period_type = 'month' "
        "and grain = 'business_line' and entity_id != 'unknown' and period_start_date = ? "
        "order by indicator_code, entity_id",
        [w.month_start],
    )
    lines = sorted(
        {(r["entity_id"], r["entity_name"]) for r in rows}, key=lambda x: (LINE_ORDER.get(x[0], 9), x[0])
    )
    by_code: dict[str, dict[str, Any]] = {}
    for r in rows:
        by_code.setdefault(r["indicator_code"], {"row": r, "values": {}})["values"][r["entity_id"]] = r
    table = []
    for code in [c for c in LINE_INDICATORS if c in by_code]:
        first = by_code[code]["row"]
        line_cells = []
        for line, _ in lines:
            v = by_code[code]["values"].get(line)
            line_cells.append(MISSING if v is None else fmt_number(v["actual_value"], v["unit"]))
        table.append([f"{cell(first['indicator_name_zh'])} {cell(first['indicator_name_en'])}", *line_cells])
    return Section(
        " ".join(label("business_lines_side_by_side")) + f"（{label_text('this_month')}）",
        intro=label_text("business_lines_intro"),
        headers=[label_text("indicator"), *[cell(name) for _, name in lines]],
        rows=table,
    )


def leaderboard_scopes(entity: Entity, reader: MartReader | None = None) -> list[tuple[str, str, str]]:
    """(scope_type, scope_id, label) of the ranking a report shows. A company director sees
    each business line ranked on its own (software and content deals differ in size)."""
    if entity.role in ("rep", "team_lead"):
        return [("team", entity.team_id or "", f"{label_text('team')}: {cell(entity.team_name)}")]
    if entity.is_company:
        lines = business_lines(reader) if reader is not None else []
        return [
            ("business_line", code, f"{label_text('business_line')}: {cell(name)}") for code, name in lines
        ] or [("company", "company", label_text("company"))]
    return [
        ("region", rid, f"{label_text('region')}: {cell(name)}")
        for rid, name in zip(entity.region_ids, entity.region_names, strict=False)
    ]


def leaderboard_sections(reader: MartReader, entity: Entity, w: Window) -> list[Section]:
    """The month's leaderboard of each scope the entity reads."""
    sections = []
    for scope_type, scope_id, scope_label in leaderboard_scopes(entity, reader) or [("region", "", "")]:
        rows = reader.rows(
            "select user_id, user_name, team_name, metric_value, unit, rank_in_scope, "
            "ranked_reps_in_scope, previous_rank_in_scope from {marts.leaderboard_rankings} "
            "where period_type = 'month' and period_start_date = ? and metric_code = ? "
            "and scope_type = ? and scope_id = ? order by rank_in_scope, user_id",
            [w.month_start, LEADERBOARD_METRIC, scope_type, scope_id],
        )
        top = [r for r in rows if r["rank_in_scope"] <= 3]
        top_ids = {r["user_id"] for r in top}
        bottom = [
            r
            for r in sorted(rows, key=lambda r: (-r["rank_in_scope"], r["user_id"]))
            if r["user_id"] not in top_ids
        ][:3]
        headers = [
            label_text("rank_position"),
            label_text("rep"),
            label_text("team"),
            label_text("bookings_amount"),
            label_text("last_month_rank"),
        ]

        def line(r: dict[str, Any]) -> list[str]:
            return [
                f"{r['rank_in_scope']} / {r['ranked_reps_in_scope']}",
                person(r["user_name"], r["user_id"]),
                cell(r["team_name"]),
                fmt_number(r["metric_value"], r["unit"] or "cny"),
                count(r["previous_rank_in_scope"]),
            ]

        suffix = f"（{label_text('month_to_date')}，{scope_label}）"
        sections.append(
            Section(
                f"{label_text('top_3_by_bookings')}{suffix}", headers=headers, rows=[line(r) for r in top]
            )
        )
        sections.append(
            Section(
                f"{label_text('bottom_3_by_bookings')}{suffix}",
                headers=headers,
                rows=[line(r) for r in bottom],
            )
        )
        if entity.role == "rep":
            mine = [r for r in rows if r["user_id"] == entity.user_id]
            if mine:
                sections[
                    -2
                ].intro = (
                    f"{label_text('my_rank')}: {mine[0]['rank_in_scope']} / {mine[0]['ranked_reps_in_scope']}"
                )
    return sections


def stalled_section(reader: MartReader, entity: Entity) -> Section:
    """The opportunities stalled in their stage within the entity's team scope, largest first."""
    cond, params = team_scope_filter(entity)
    rows = reader.rows(
        "select s.opportunity_id, s.user_id, u.user_name, s.account_name, s.stage_name_zh, "
        "s.stage_name_en, s.amount_cny, s.days_in_stage, s.is_past_expected_close, "
        "s.action_hint_zh, s.action_hint_en "
        f"from (select * from {{marts.rep_workbench_stalled_opportunities}} where {cond}) s "
        "left join {core.dim_users} u on u.user_id = s.user_id where s.is_stalled_in_stage "
        "order by s.amount_cny desc, s.days_in_stage desc, s.opportunity_id",
        params,
    )
    table = []
    for r in rows:
        line = [
            cell(r["account_name"]),
            f"{cell(r['stage_name_zh'])} {cell(r['stage_name_en'])}",
            money(r["amount_cny"]),
            count(r["days_in_stage"]),
            yes_no(r["is_past_expected_close"]),
        ]
        if entity.role == "rep":
            line.append(f"{cell(r['action_hint_zh'])} / {cell(r['action_hint_en'])}")
        else:
            line.insert(0, person(r["user_name"], r["user_id"]))
        table.append(line)
    headers = [
        label_text("account"),
        label_text("stage"),
        label_text("amount"),
        label_text("days_in_stage"),
        label_text("past_close_date"),
    ]
    headers = (
        headers + [label_text("next_action")] if entity.role == "rep" else [label_text("owner"), *headers]
    )
    shown, note = capped(table, len(table))
    return Section(label_text("stalled_opportunities"), headers=headers, rows=shown, note=note)


# -- report header -------------------------------------------------------------------------
def new_report(period: str, entity: Entity, w: Window) -> Report:
    """An empty report of a period for an entity: its title and header lines (dates, subject, Excel link)."""
    pzh, pen = PERIOD_LABELS[period]
    rzh, ren = ROLE_LABELS[entity.role]
    title = f"{rzh}{pzh} {ren} {pen.lower()} — {cell(entity.name)}"
    if period == "daily":
        when = f"{label_text('date')}: {w.as_of.isoformat()}"
    elif period == "weekly":
        when = f"{label_text('week')}: {week_label(w)}"
    else:
        when = f"{label_text('month')}: {month_text(w)}"
    meta = [
        when,
        f"{label_text('subject')}: {subject_text(entity)}",
        f"{label_text('data_as_of')}: {w.as_of.isoformat()}",
        # the Excel copy written beside the report (same name, .xlsx)
        f"[{label_text('download_excel')}]({slug(entity.entity_id)}.xlsx)",
    ]
    return Report(period, entity.role, entity.entity_id, entity.name, title, meta, [])
