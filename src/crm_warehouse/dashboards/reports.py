"""Daily, weekly and monthly role reports (日报 / 周报 / 月报) built from the serving marts.

One report per person and period, for the marts' as-of date:

- reps (every active rep, even one with no rows in the marts yet),
- team leads (one per team, ``core.dim_teams.leader_user_id``, about their team),
- directors (the regions of the teams whose leads report to them) plus one company report.

Every figure is read from a mart and formatted with ``formatting.py``, so a report reads the
same numbers as the site. Reports are written as Markdown (pipe tables) and as self-contained
HTML (inline CSS, no scripts, no network links), with an Excel copy of its sections beside it
(``excel.py``), plus an index of everything written.
Data values are escaped for Markdown (``cell``) and the HTML is rendered with raw HTML escaped
and only relative links (``safe_markdown``); file names are ``paths.slug`` of the ids and
nothing is written outside the output folder.

Each report kind reads the marts under its own consumer name (``rep_daily_report`` …
``director_monthly_report``); the tables each consumer read are returned in ``ReportRun`` so
the dbt exposures can be checked against them.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import jinja2
from markupsafe import Markup

from .excel import report_sheets, write_workbook
from .formatting import MISSING, fmt_change, fmt_date, fmt_number, month_label, severity_label, status_label
from .labels import label, text_fmt
from .labels import text as label_text
from .marts import MartReader
from .paths import safe_output_path, slug
from .safe_markdown import escape_markdown, render_markdown_html

PERIODS = ("daily", "weekly", "monthly")
ROLES = ("rep", "team_lead", "director")
CONSUMERS = tuple(f"{role}_{period}_report" for role in ROLES for period in PERIODS)

NO_DATA = label_text("no_data_for_this_period")
NONE_TEXT = label_text("none")
MAX_ROWS = 10          # longest list in a report; the rest is counted in a note
DIRECTOR_MAX_ROWS = 5  # directors read a wider scope: shorter lists
MOVED_ROWS = 5         # "what moved": the largest changes vs the prior month
LEADERBOARD_METRIC = "bookings_amount"

PERIOD_LABELS = {period: label(f"report_kind_{period}") for period in ("daily", "weekly", "monthly")}
ROLE_LABELS = {role: label(f"report_reader_{role}") for role in ("rep", "team_lead", "director")}
ACTIVITY_STATUS = {"completed": label_text("activity_status.completed"), "planned": label_text("activity_status.planned"),
                   "missed": label_text("activity_status.missed"), "cancelled": label_text("activity_status.cancelled")}
CONTRACT_TYPES = {"new_business": label_text("contract_type.new_business"), "renewal": label_text("contract_type.renewal"),
                  "upsell": label_text("contract_type.upsell")}
# Indicators with a target, in reading order (others follow by code).
INDICATOR_ORDER = ("bookings_amount", "quota_attainment", "new_opportunity_count", "win_rate",
                   "deal_size", "sales_cycle_days", "visit_count", "new_accounts_developed")
# team-board member flags, named as the alert rules they are (seeds/ref_alert_rules.csv)
PROBLEM_FLAGS = (
    ("has_unhealthy_funnel", label_text("alert_rule.pipeline_coverage_low")),
    ("is_below_visit_pace", label_text("alert_rule.visit_pace_behind")),
    ("is_behind_quota_pace", label_text("alert_rule.quota_pace_behind")),
    ("has_low_win_rate", label_text("alert_rule.win_rate_below_team")),
    ("has_poor_followup", label_text("poor_followup")),
    ("has_poor_data_entry", label_text("alert_rule.many_open_dq_issues")),
)

TEMPLATES = Path(__file__).resolve().parent / "templates" / "reports"


# -- model ---------------------------------------------------------------------------------
@dataclass
class Section:
    """One titled block of a report: key figures, a table or a list."""

    title: str
    kind: str = "table"                      # kv | table | list
    headers: Sequence[str] = ()
    rows: list[list[str]] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    intro: str | None = None
    note: str | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.rows or self.pairs or self.items)


@dataclass
class Report:
    period: str
    role: str
    entity_id: str
    subject: str
    title: str
    meta: list[str]
    sections: list[Section]
    no_data: bool = False

    @property
    def relative_path(self) -> str:
        return f"{self.period}/{self.role}/{slug(self.entity_id)}"


@dataclass(frozen=True)
class Entity:
    """Who a report is for and what it covers."""

    role: str
    entity_id: str
    name: str
    user_id: str | None = None
    team_id: str | None = None
    team_name: str | None = None
    region_ids: tuple[str, ...] = ()
    region_names: tuple[str, ...] = ()

    @property
    def is_company(self) -> bool:
        return self.role == "director" and self.entity_id == "company"


@dataclass(frozen=True)
class Window:
    """The as-of day, its ISO week (Monday start) and its month."""

    as_of: dt.date

    @property
    def week_start(self) -> dt.date:
        return self.as_of - dt.timedelta(days=self.as_of.weekday())

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)

    @property
    def month_start(self) -> dt.date:
        return self.as_of.replace(day=1)

    @property
    def month_end(self) -> dt.date:
        nxt = (self.month_start + dt.timedelta(days=32)).replace(day=1)
        return nxt - dt.timedelta(days=1)

    @property
    def week_in_progress(self) -> bool:
        return self.as_of < self.week_end

    @property
    def month_in_progress(self) -> bool:
        return self.as_of < self.month_end


@dataclass
class ReportRun:
    """What a build wrote and what each consumer read."""

    as_of: dt.date
    out_dir: Path
    files: list[Path] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    reads: dict[str, set[str]] = field(default_factory=dict)            # bare table names
    qualified_reads: dict[str, set[str]] = field(default_factory=dict)  # schema.table

    def summary(self) -> str:
        counts = defaultdict(int)
        for report in self.reports:
            counts[report.period] += 1
        parts = ", ".join(f"{p} {counts[p]}" for p in PERIODS if counts[p])
        return (f"wrote {len(self.reports)} reports ({parts}; {len(self.files)} files) "
                f"for {self.as_of.isoformat()} under {self.out_dir}")


# -- text helpers --------------------------------------------------------------------------
def cell(value: Any) -> str:
    """Text safe inside a Markdown pipe table (and inside HTML once rendered)."""
    if value is None:
        return MISSING
    return escape_markdown(value)


def person(name: Any, user_id: Any) -> str:
    return f"{cell(name)} ({cell(user_id)})"


def yes_no(flag: Any) -> str:
    return label_text("yes") if flag else label_text("no")


def money(value: Any) -> str:
    return fmt_number(value, "cny")


def count(value: Any) -> str:
    return fmt_number(value, "count")


def ratio(value: Any) -> str:
    return fmt_number(value, "ratio")


def status_text(code: str | None) -> str:
    zh, en = status_label(code)
    return f"{zh} {en}"


def severity_text(code: str | None) -> str:
    zh, en = severity_label(code)
    return cell(f"{zh} {en}" if zh != en else zh) if code else MISSING


def capped(rows: list[list[str]], total: int,
           limit: int = MAX_ROWS) -> tuple[list[list[str]], str | None]:
    shown = rows[:limit]
    more = total - len(shown)
    return shown, (text_fmt("more_not_shown", more=more) if more > 0 else None)


def week_label(w: Window) -> str:
    year, week, _ = w.as_of.isocalendar()
    text = (f"{text_fmt('week_of_year', year=year, week=week)}: "
            f"{w.week_start.isoformat()} – {w.week_end.isoformat()}")
    if w.week_in_progress:
        text += f"（{text_fmt('in_progress_as_of', as_of=w.as_of.isoformat())}）"
    return text


def month_text(w: Window) -> str:
    zh, en = month_label(w.month_start)
    text = f"{zh} {en}"
    if w.month_in_progress:
        text += f"（{text_fmt('in_progress_as_of', as_of=w.as_of.isoformat())}）"
    return text


# -- entities ------------------------------------------------------------------------------
def list_reps(reader: MartReader) -> list[Entity]:
    rows = reader.rows(
        "select user_id, user_name, current_team_id, current_team_name, current_region_id, "
        "current_region_name from {core.dim_users} "
        "where role = 'rep' and is_active and not coalesce(is_unknown, false) order by user_id")
    return [Entity("rep", r["user_id"], r["user_name"] or r["user_id"], user_id=r["user_id"],
                   team_id=r["current_team_id"], team_name=r["current_team_name"],
                   region_ids=tuple(x for x in [r["current_region_id"]] if x),
                   region_names=tuple(x for x in [r["current_region_name"]] if x))
            for r in rows]


def list_team_leads(reader: MartReader) -> list[Entity]:
    rows = reader.rows(
        "select t.team_id, t.team_name, t.region_id, t.region_name, t.leader_user_id, "
        "u.user_name from {core.dim_teams} t left join {core.dim_users} u "
        "on u.user_id = t.leader_user_id "
        "where t.team_id <> '-1' and not coalesce(t.is_unknown, false) "
        "and t.leader_user_id is not null order by t.leader_user_id, t.team_id")
    per_lead = defaultdict(int)
    for r in rows:
        per_lead[r["leader_user_id"]] += 1
    entities = []
    for r in rows:
        lead = r["leader_user_id"]
        entity_id = lead if per_lead[lead] == 1 else f"{lead}_{r['team_id']}"
        entities.append(Entity("team_lead", entity_id, r["user_name"] or lead, user_id=lead,
                               team_id=r["team_id"], team_name=r["team_name"],
                               region_ids=(r["region_id"],), region_names=(r["region_name"],)))
    return entities


def list_directors(reader: MartReader) -> list[Entity]:
    """Directors cover the regions of the teams whose leads report to them (or their own)."""
    rows = reader.rows(
        "select d.user_id, d.user_name, t.region_id, t.region_name "
        "from {core.dim_users} d "
        "left join {core.dim_users} l on l.manager_user_id = d.user_id "
        "left join {core.dim_teams} t on t.team_id <> '-1' and "
        "  (t.leader_user_id = l.user_id or t.region_id = d.current_region_id) "
        "where d.role = 'director' and d.is_active "
        "group by all order by d.user_id, t.region_id")
    regions: dict[str, list[tuple[str, str]]] = defaultdict(list)
    names: dict[str, str] = {}
    for r in rows:
        names[r["user_id"]] = r["user_name"] or r["user_id"]
        if r["region_id"] is not None:
            regions[r["user_id"]].append((r["region_id"], r["region_name"]))
    entities = [Entity("director", uid, names[uid], user_id=uid,
                       region_ids=tuple(x[0] for x in regions[uid]),
                       region_names=tuple(x[1] for x in regions[uid])) for uid in names]
    entities.append(Entity("director", "company", label_text("company")))
    return entities


LISTERS: dict[str, Callable[[MartReader], list[Entity]]] = {
    "rep": list_reps, "team_lead": list_team_leads, "director": list_directors}


# -- scope filters -------------------------------------------------------------------------
def region_filter(entity: Entity, column: str = "region_id") -> tuple[str, list[Any]]:
    """SQL condition restricting rows to a director's regions (all rows for the company)."""
    if entity.is_company:
        return "true", []
    if not entity.region_ids:
        return "false", []
    marks = ", ".join("?" for _ in entity.region_ids)
    return f"{column} in ({marks})", list(entity.region_ids)


def scope_filter(entity: Entity, team_col: str = "team_id", user_col: str = "user_id",
                 region_col: str = "region_id") -> tuple[str, list[Any]]:
    if entity.role == "rep":
        return f"{user_col} = ?", [entity.user_id]
    if entity.role == "team_lead":
        return f"{team_col} = ?", [entity.team_id]
    return region_filter(entity, region_col)


def team_scope_filter(entity: Entity, team_col: str = "team_id") -> tuple[str, list[Any]]:
    """For marts with a team but no region column: the director's teams."""
    if entity.role != "director":
        return scope_filter(entity, team_col=team_col)
    cond, params = region_filter(entity, "region_id")
    return (f"{team_col} in (select team_id from {{core.dim_teams}} where {cond})", params)


def subject_text(entity: Entity) -> str:
    if entity.role == "rep":
        return f"{person(entity.name, entity.user_id)} · {label_text('team')}: {cell(entity.team_name)}"
    if entity.role == "team_lead":
        return (f"{cell(entity.team_name)} ({cell(entity.team_id)}) · {label_text('team_lead_short')}: "
                f"{person(entity.name, entity.user_id)}")
    if entity.is_company:
        return label_text("company")
    regions = "、".join(f"{cell(n)} ({cell(i)})" for i, n in zip(entity.region_ids,
                                                                  entity.region_names))
    return f"{person(entity.name, entity.user_id)} · {label_text('region')}: {regions or MISSING}"


# -- shared sections -----------------------------------------------------------------------
def deals_section(reader: MartReader, entity: Entity, start: dt.date, end: dt.date,
                  title: str) -> tuple[Section, int, float]:
    cond, params = scope_filter(entity)
    rows = reader.rows(
        "select signed_date, user_id, user_name, team_name, account_name, contract_type, "
        "total_amount_cny from {marts.won_deal_feed} "
        f"where signed_date between ? and ? and {cond} "
        "order by total_amount_cny desc, signed_date desc, contract_id", [start, end, *params])
    table = [[fmt_date(r["signed_date"]), person(r["user_name"], r["user_id"]),
              cell(r["team_name"]), cell(r["account_name"]),
              CONTRACT_TYPES.get(r["contract_type"], cell(r["contract_type"])),
              money(r["total_amount_cny"])] for r in rows]
    shown, note = capped(table, len(table))
    total = sum(float(r["total_amount_cny"] or 0) for r in rows)
    section = Section(title, headers=[label_text("signed_date"), label_text("rep"), label_text("team"), label_text("account"),
                                      label_text("type"), label_text("amount")], rows=shown, note=note)
    return section, len(rows), total


# An alert is new when a build raised it after the one that started the alert history: the
# first build of a warehouse finds every open problem at once, and none of them is "new".
RAISED_AFTER_HISTORY_START = ("a.first_raised_as_of > "
                              "(select min(h.first_raised_as_of) from {marts.fct_alerts} h)")


def alerts_rows(reader: MartReader, where: str, params: list[Any]) -> list[dict[str, Any]]:
    return reader.rows(
        "select a.alert_id, a.severity, a.rule_name_zh, a.rule_name_en, a.message_zh, "
        "a.message_en, a.first_raised_as_of, a.subject_user_id, u.user_name as subject_name, "
        f"coalesce({RAISED_AFTER_HISTORY_START}, false) as is_new_since_history_start "
        "from {marts.fct_alerts} a left join {core.dim_users} u on u.user_id = a.subject_user_id "
        f"where {where} order by case a.severity when 'critical' then 0 else 1 end, "
        "a.first_raised_as_of desc, a.rule_code, a.record_name, a.alert_id", params)


def alerts_section(rows: list[dict[str, Any]], title: str, as_of: dt.date,
                   with_subject: bool = False, limit: int = MAX_ROWS) -> Section:
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
        line = [severity_text(r["severity"]),
                f"{cell(r['rule_name_zh'])} {cell(r['rule_name_en'])}"]
        if with_subject:
            line.append(person(r["subject_name"], r["subject_user_id"]))
        line += [f"{cell(r['message_zh'])} / {cell(r['message_en'])}", first]
        table.append(line)
    shown, note = capped(table, len(table), limit)
    return Section(title, headers=headers, rows=shown, note=note)


def alert_counts_section(reader: MartReader, entity: Entity, start: dt.date, end: dt.date,
                         title: str) -> Section:
    cond, params = region_filter(entity)
    rows = reader.rows(
        "select rule_name_zh, rule_name_en, severity, count(*) as n, "
        "count(*) filter (where is_open) as still_open from {marts.fct_alerts} "
        f"where first_raised_as_of between ? and ? and {cond} "
        "and first_raised_as_of > (select min(h.first_raised_as_of) from {marts.fct_alerts} h) "
        "group by rule_name_zh, rule_name_en, severity "
        "order by case severity when 'critical' then 0 else 1 end, n desc, rule_name_en",
        [start, end, *params])
    table = [[f"{cell(r['rule_name_zh'])} {cell(r['rule_name_en'])}", severity_text(r["severity"]),
              count(r["n"]), count(r["still_open"])] for r in rows]
    return Section(title, headers=[label_text("alert"), label_text("severity"), label_text("raised_count"), label_text("still_open")],
                   rows=table)


LINE_ORDER = {"software": 0, "content": 1}
# the indicators a director compares between the software and the content line
LINE_INDICATORS = ("bookings_amount", "bookings_new_business_amount", "bookings_renewal_amount",
                   "quota_attainment", "new_opportunity_count", "win_rate", "deal_size", "mql_count",
                   "sql_count", "lead_to_opportunity_conversion", "order_conversion", "arr_amount",
                   "net_revenue_retention", "renewal_rate", "churn_rate")


def business_lines(reader: MartReader) -> list[tuple[str, str]]:
    """(code, name) of the business lines, software first, named as the marts name them."""
    rows = reader.rows("select distinct scope_id, scope_name from {marts.leaderboard_rankings} "
                       "where scope_type = 'business_line'")
    return sorted(((r["scope_id"], r["scope_name"]) for r in rows),
                  key=lambda x: (LINE_ORDER.get(x[0], 9), x[0]))


def business_line_section(reader: MartReader, w: Window) -> Section:
    """Software vs content: the month's key indicators of each line side by side."""
    rows = reader.rows(
        "select indicator_code, indicator_name_zh, indicator_name_en, unit, entity_id, entity_name, "
        "actual_value, attainment_to_date from {marts.indicator_values} where period_type = 'month' "
        "and grain = 'business_line' and entity_id != 'unknown' and period_start_date = ? "
        "order by indicator_code, entity_id", [w.month_start])
    lines = sorted({(r["entity_id"], r["entity_name"]) for r in rows},
                   key=lambda x: (LINE_ORDER.get(x[0], 9), x[0]))
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
    return Section(" ".join(label("business_lines_side_by_side")) + f"（{label_text('this_month')}）",
                   intro=label_text("business_lines_intro"),
                   headers=[label_text("indicator"), *[cell(name) for _, name in lines]], rows=table)


def leaderboard_scopes(entity: Entity, reader: MartReader | None = None) -> list[tuple[str, str, str]]:
    """(scope_type, scope_id, label) of the ranking a report shows. A company director sees
    each business line ranked on its own (software and content deals differ in size)."""
    if entity.role in ("rep", "team_lead"):
        return [("team", entity.team_id or "", f"{label_text('team')}: {cell(entity.team_name)}")]
    if entity.is_company:
        lines = business_lines(reader) if reader is not None else []
        return [("business_line", code, f"{label_text('business_line')}: {cell(name)}") for code, name in lines] \
            or [("company", "company", label_text("company"))]
    return [("region", rid, f"{label_text('region')}: {cell(name)}")
            for rid, name in zip(entity.region_ids, entity.region_names)]


def leaderboard_sections(reader: MartReader, entity: Entity, w: Window) -> list[Section]:
    sections = []
    for scope_type, scope_id, label in leaderboard_scopes(entity, reader) or [("region", "", "")]:
        rows = reader.rows(
            "select user_id, user_name, team_name, metric_value, unit, rank_in_scope, "
            "ranked_reps_in_scope, previous_rank_in_scope from {marts.leaderboard_rankings} "
            "where period_type = 'month' and period_start_date = ? and metric_code = ? "
            "and scope_type = ? and scope_id = ? order by rank_in_scope, user_id",
            [w.month_start, LEADERBOARD_METRIC, scope_type, scope_id])
        top = [r for r in rows if r["rank_in_scope"] <= 3]
        top_ids = {r["user_id"] for r in top}
        bottom = [r for r in sorted(rows, key=lambda r: (-r["rank_in_scope"], r["user_id"]))
                  if r["user_id"] not in top_ids][:3]
        headers = [label_text("rank_position"), label_text("rep"), label_text("team"), label_text("bookings_amount"), label_text("last_month_rank")]

        def line(r: dict[str, Any]) -> list[str]:
            return [f"{r['rank_in_scope']} / {r['ranked_reps_in_scope']}",
                    person(r["user_name"], r["user_id"]), cell(r["team_name"]),
                    fmt_number(r["metric_value"], r["unit"] or "cny"),
                    count(r["previous_rank_in_scope"])]

        suffix = f"（{label_text('month_to_date')}，{label}）"
        sections.append(Section(f"{label_text('top_3_by_bookings')}{suffix}", headers=headers,
                                rows=[line(r) for r in top]))
        sections.append(Section(f"{label_text('bottom_3_by_bookings')}{suffix}", headers=headers,
                                rows=[line(r) for r in bottom]))
        if entity.role == "rep":
            mine = [r for r in rows if r["user_id"] == entity.user_id]
            if mine:
                sections[-2].intro = (f"{label_text('my_rank')}: {mine[0]['rank_in_scope']} / "
                                      f"{mine[0]['ranked_reps_in_scope']}")
    return sections


def stalled_section(reader: MartReader, entity: Entity) -> Section:
    cond, params = team_scope_filter(entity)
    rows = reader.rows(
        "select s.opportunity_id, s.user_id, u.user_name, s.account_name, s.stage_name_zh, "
        "s.stage_name_en, s.amount_cny, s.days_in_stage, s.is_past_expected_close, "
        "s.action_hint_zh, s.action_hint_en "
        f"from (select * from {{marts.rep_workbench_stalled_opportunities}} where {cond}) s "
        "left join {core.dim_users} u on u.user_id = s.user_id where s.is_stalled_in_stage "
        "order by s.amount_cny desc, s.days_in_stage desc, s.opportunity_id", params)
    table = []
    for r in rows:
        line = [cell(r["account_name"]), f"{cell(r['stage_name_zh'])} {cell(r['stage_name_en'])}",
                money(r["amount_cny"]), count(r["days_in_stage"]),
                yes_no(r["is_past_expected_close"])]
        if entity.role == "rep":
            line.append(f"{cell(r['action_hint_zh'])} / {cell(r['action_hint_en'])}")
        else:
            line.insert(0, person(r["user_name"], r["user_id"]))
        table.append(line)
    headers = [label_text("account"), label_text("stage"), label_text("amount"), label_text("days_in_stage"),
               label_text("past_close_date")]
    headers = headers + [label_text("next_action")] if entity.role == "rep" else [label_text("owner"), *headers]
    shown, note = capped(table, len(table))
    return Section(label_text("stalled_opportunities"), headers=headers, rows=shown, note=note)


# -- monthly indicator sections ------------------------------------------------------------
def indicator_grain(entity: Entity) -> list[tuple[str, str, str]]:
    """(grain, entity_id, label) of the indicator_values rows a monthly report shows."""
    if entity.role == "rep":
        return [("rep", entity.user_id or "", "")]
    if entity.role == "team_lead":
        return [("team", entity.team_id or "", "")]
    if entity.is_company:
        return [("company", "company", "")]
    many = len(entity.region_ids) > 1
    return [("region", rid, f"（{cell(name)}）" if many else "")
            for rid, name in zip(entity.region_ids, entity.region_names)]


def indicator_rows(reader: MartReader, grain: str, entity_id: str, w: Window) -> list[dict]:
    return reader.rows(
        "select indicator_code, indicator_name_zh, indicator_name_en, unit, actual_value, "
        "target_value, target_value_to_date, attainment_to_date, status_code, prior_period_value, "
        "change_vs_prior_period_ratio, same_period_last_year_value, change_vs_last_year_ratio "
        "from {marts.indicator_values} where period_type = 'month' and grain = ? "
        "and entity_id = ? and period_start_date = ? order by indicator_code",
        [grain, entity_id, w.month_start])


def _indicator_key(row: dict[str, Any]) -> tuple[int, str]:
    code = row["indicator_code"]
    return (INDICATOR_ORDER.index(code) if code in INDICATOR_ORDER else len(INDICATOR_ORDER), code)


def indicator_sections(rows: list[dict[str, Any]], label: str) -> list[Section]:
    def name(r: dict[str, Any]) -> str:
        return f"{cell(r['indicator_name_zh'])} {cell(r['indicator_name_en'])}"

    targeted = sorted((r for r in rows if r["target_value"] is not None), key=_indicator_key)
    table = [[name(r), fmt_number(r["actual_value"], r["unit"]),
              fmt_number(r["target_value"], r["unit"]),
              fmt_number(r["target_value_to_date"], r["unit"]),
              ratio(r["attainment_to_date"]), status_text(r["status_code"]),
              fmt_change(r["change_vs_prior_period_ratio"]),
              fmt_change(r["change_vs_last_year_ratio"])] for r in targeted]
    indicators = Section(
        f"{label_text('key_indicators')}{label}",
        headers=[label_text("indicator"), label_text("actual"), label_text("month_target"), label_text("target_to_date"),
                 label_text("attainment_to_date"), label_text("status"), label_text("vs_prior_month"),
                 label_text("vs_same_month_last_year")], rows=table)
    off = sorted((r for r in rows if r["status_code"] == "off_track"), key=_indicator_key)
    off_track = Section(
        f"{label_text('what_is_off_track')}{label}", kind="list",
        items=[f"{name(r)}：{text_fmt('actual_value_is', value=fmt_number(r['actual_value'], r['unit']))}，"
               f"{text_fmt('target_to_date_is', value=fmt_number(r['target_value_to_date'], r['unit']))}，"
               f"{label_text('attainment_to_date')} {ratio(r['attainment_to_date'])}" for r in off])
    changed = [r for r in rows if r["change_vs_prior_period_ratio"] is not None]
    changed.sort(key=lambda r: (-abs(r["change_vs_prior_period_ratio"]), r["indicator_code"]))
    moved = Section(
        f"{label_text('what_moved')}{label}",
        intro=label_text("what_moved_intro"),
        headers=[label_text("indicator"), label_text("prior_month"), label_text("this_month_to_date"), label_text("change")],
        rows=[[name(r), fmt_number(r["prior_period_value"], r["unit"]),
               fmt_number(r["actual_value"], r["unit"]),
               fmt_change(r["change_vs_prior_period_ratio"])] for r in changed[:MOVED_ROWS]])
    return [indicators, off_track, moved]


# -- report header -------------------------------------------------------------------------
def new_report(period: str, entity: Entity, w: Window) -> Report:
    pzh, pen = PERIOD_LABELS[period]
    rzh, ren = ROLE_LABELS[entity.role]
    title = f"{rzh}{pzh} {ren} {pen.lower()} — {cell(entity.name)}"
    if period == "daily":
        when = f"{label_text('date')}: {w.as_of.isoformat()}"
    elif period == "weekly":
        when = f"{label_text('week')}: {week_label(w)}"
    else:
        when = f"{label_text('month')}: {month_text(w)}"
    meta = [when, f"{label_text('subject')}: {subject_text(entity)}",
            f"{label_text('data_as_of')}: {w.as_of.isoformat()}",
            # the Excel copy written beside the report (same name, .xlsx)
            f"[{label_text('download_excel')}]({slug(entity.entity_id)}.xlsx)"]
    return Report(period, entity.role, entity.entity_id, entity.name, title, meta, [])


# -- rep -----------------------------------------------------------------------------------
def _rep_workbench(reader: MartReader, entity: Entity) -> dict[str, Any] | None:
    return reader.one("select * from {marts.rep_workbench} where user_id = ?", [entity.user_id])


def _completed_visits(reader: MartReader, user_ids_sql: str, params: list[Any],
                      start: dt.date, end: dt.date) -> int:
    return int(reader.scalar(
        "select count(*) from {core.fct_activities} where is_completed_visit "
        f"and activity_date between ? and ? and owner_user_id in ({user_ids_sql})",
        [start, end, *params]) or 0)


def rep_daily(reader: MartReader, entity: Entity, w: Window) -> Report:
    report = new_report("daily", entity, w)
    wb = _rep_workbench(reader, entity)
    report.no_data = wb is None
    visits_today = _completed_visits(reader, "?", [entity.user_id], w.as_of, w.as_of)
    deals, n_deals, amount = deals_section(reader, entity, w.as_of, w.as_of,
                                           label_text("deals_signed_today"))
    alerts = alerts_rows(reader, "a.action_user_id = ? and a.is_open", [entity.user_id])
    new_today = sum(1 for a in alerts
                    if a["first_raised_as_of"] == w.as_of and a["is_new_since_history_start"])
    critical = sum(1 for a in alerts if a["severity"] == "critical")
    pairs = [(label_text("visits_completed_today"), count(visits_today))]
    if wb:
        pace = label_text("behind_pace") if wb["is_below_visit_pace"] else label_text("on_pace")
        pairs += [
            (label_text("visits_this_month"),
             f"{count(wb['visits_mtd'])} / {text_fmt('monthly_threshold_is', value=count(wb['monthly_visit_threshold']))}，"
             f"{text_fmt('pace_target_is', value=count(wb['visit_pace_target']))}，{pace}"),
            (label_text("bookings_this_month"),
             f"{money(wb['bookings_mtd_cny'])} / {text_fmt('quota_is', value=money(wb['quota_month_cny']))}，"
             f"{label_text('attainment_mtd')} {ratio(wb['attainment_mtd'])}"),
        ]
    pairs += [(label_text("deals_signed_today"), f"{text_fmt('deal_count', n=count(n_deals))}，{money(amount)}"),
              (label_text("alerts"), f"{text_fmt('new_today_is', value=count(new_today))}，{text_fmt('open_is', value=count(len(alerts)))}"
                             f"（{text_fmt('critical_is', value=count(critical))}）")]
    visits = _visit_list(reader, entity, "today_planned")
    missed = _visit_list(reader, entity, "previous_day_not_done")
    report.sections = [
        Section(label_text("today_at_a_glance"), kind="kv", pairs=pairs),
        Section(label_text("planned_visits_today"),
                headers=[label_text("planned_at"), label_text("account"), label_text("key_account"), label_text("status")],
                rows=[[fmt_date(v["planned_at"]), cell(v["account_name"]),
                       yes_no(v["is_key_account"]), _activity_status(v["activity_status"])]
                      for v in visits]),
        Section(label_text("missed_visits_yesterday"),
                headers=[label_text("planned_at"), label_text("account"), label_text("status"), label_text("reason")],
                rows=[[fmt_date(v["planned_at"]), cell(v["account_name"]),
                       _activity_status(v["activity_status"]), cell(v["not_done_reason"])]
                      for v in missed]),
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
        "order by planned_at, activity_id", [entity.user_id, code])


def rep_weekly(reader: MartReader, entity: Entity, w: Window) -> Report:
    report = new_report("weekly", entity, w)
    trend = reader.one(
        "select visits, previous_week_visits_to_date, ka_visits, calls, meetings_and_demos, "
        "new_opportunities, won_deals from {marts.team_board_behavior_trend} "
        "where user_id = ? and week_start_date = ?", [entity.user_id, w.week_start])
    report.no_data = trend is None
    pairs = []
    last_label, last_col = previous_week_label(w)
    if trend:
        change = _change(trend["visits"], trend[last_col])
        pairs = [(label_text("visits_this_week"), count(trend["visits"])),
                 (last_label, count(trend[last_col])),
                 (label_text("change_in_visits"), change),
                 (label_text("ka_visits_this_week"), count(trend["ka_visits"])),
                 (label_text("calls_this_week"), count(trend["calls"])),
                 (label_text("meetings_and_demos_this_week"), count(trend["meetings_and_demos"])),
                 (label_text("new_opportunities_this_week"), count(trend["new_opportunities"]))]
    deals, _, _ = deals_section(reader, entity, w.week_start, w.as_of,
                                label_text("deals_signed_this_week"))
    alerts = alerts_rows(reader, "a.action_user_id = ? and a.first_raised_as_of between ? and ? "
                         f"and {RAISED_AFTER_HISTORY_START}",
                         [entity.user_id, w.week_start, w.as_of])
    report.sections = [Section(label_text("this_week_vs_last_week"), kind="kv", pairs=pairs), deals,
                       alerts_section(alerts, label_text("alerts_raised_this_week"), w.as_of),
                       *leaderboard_sections(reader, entity, w), stalled_section(reader, entity)]
    return report


def rep_monthly(reader: MartReader, entity: Entity, w: Window) -> Report:
    report = new_report("monthly", entity, w)
    rows = indicator_rows(reader, "rep", entity.user_id or "", w)
    report.no_data = not rows
    dq = reader.one(
        "select dq_score, rank_in_team, scored_reps_in_team, open_issues "
        "from {data_quality.dq_rep_scorecard_monthly} where user_id = ? and month_start_date = ?",
        [entity.user_id, w.month_start])
    alerts = alerts_rows(reader, "a.action_user_id = ? and a.is_open", [entity.user_id])
    sections = indicator_sections(rows, "")
    if dq:
        sections.append(Section(label_text("data_quality"), kind="kv", pairs=[
            (label_text("data_quality_score"), fmt_number(dq["dq_score"], "score")),
            (label_text("rank_in_team"),
             f"{count(dq['rank_in_team'])} / {count(dq['scored_reps_in_team'])}"),
            (label_text("open_issues"), count(dq["open_issues"]))]))
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


# -- team lead -----------------------------------------------------------------------------
def _team_board(reader: MartReader, entity: Entity) -> dict[str, Any] | None:
    return reader.one("select * from {marts.team_board} where team_id = ?", [entity.team_id])


def _members_sql() -> str:
    return "select user_id from {marts.team_board_members} where team_id = ?"


def team_lead_daily(reader: MartReader, entity: Entity, w: Window) -> Report:
    report = new_report("daily", entity, w)
    tb = _team_board(reader, entity)
    report.no_data = tb is None
    visits_today = _completed_visits(reader, _members_sql(), [entity.team_id], w.as_of, w.as_of)
    deals, n_deals, amount = deals_section(reader, entity, w.as_of, w.as_of,
                                           label_text("deals_signed_today"))
    alerts = alerts_rows(reader, "a.action_user_id = ? and a.is_open", [entity.user_id])
    new_today = sum(1 for a in alerts
                    if a["first_raised_as_of"] == w.as_of and a["is_new_since_history_start"])
    behind = reader.rows(
        "select user_id, user_name, visits_mtd, visit_pace_target, visits_to_plan, "
        "is_visit_bonus_cut_at_risk from {marts.team_board_members} "
        "where team_id = ? and is_below_visit_pace order by visits_mtd, user_id", [entity.team_id])
    pairs = [(label_text("visits_completed_today"), count(visits_today)),
             (label_text("deals_signed_today"), f"{text_fmt('deal_count', n=count(n_deals))}，{money(amount)}")]
    if tb:
        pairs += [(label_text("bookings_this_month"),
                   f"{money(tb['bookings_mtd_cny'])} / {text_fmt('quota_is', value=money(tb['quota_month_cny']))}，"
                   f"{label_text('attainment_mtd')} {ratio(tb['attainment_mtd'])}"),
                  (text_fmt("members_count_of", rule=label("alert_rule.visit_pace_behind")),
                   f"{count(tb['members_below_visit_pace'])} / {count(tb['active_members'])}")]
    pairs.append((label_text("alerts"), f"{text_fmt('new_today_is', value=count(new_today))}，{text_fmt('open_is', value=count(len(alerts)))}"))
    report.sections = [
        Section(label_text("team_today"), kind="kv", pairs=pairs),
        Section(text_fmt("members_of", rule=label("alert_rule.visit_pace_behind")),
                headers=[label_text("member"), label_text("visits_this_month"), label_text("visit_pace_target"),
                         label_text("visits_to_plan"), label_text("bonus_cut_risk")],
                rows=[[person(m["user_name"], m["user_id"]), count(m["visits_mtd"]),
                       count(m["visit_pace_target"]), count(m["visits_to_plan"]),
                       yes_no(m["is_visit_bonus_cut_at_risk"])] for m in behind]),
        deals,
        alerts_section(alerts, label_text("alerts_needing_action"), w.as_of, with_subject=True),
    ]
    return report


def team_lead_weekly(reader: MartReader, entity: Entity, w: Window) -> Report:
    report = new_report("weekly", entity, w)
    trend = reader.rows(
        "select user_id, user_name, visits, previous_week_visits_to_date, won_deals "
        "from {marts.team_board_behavior_trend} where team_id = ? and week_start_date = ? "
        "order by visits desc, user_id", [entity.team_id, w.week_start])
    report.no_data = not trend
    last_label, last_col = previous_week_label(w)
    visits = Section(
        label_text("visits_this_week_vs_last_week"),
        headers=[label_text("member"), label_text("this_week"), last_label, label_text("change"),
                 label_text("won_deals")],
        rows=[[person(t["user_name"], t["user_id"]), count(t["visits"]),
               count(t[last_col]), _change(t["visits"], t[last_col]),
               count(t["won_deals"])] for t in trend])
    deals, _, _ = deals_section(reader, entity, w.week_start, w.as_of,
                                label_text("deals_signed_this_week"))
    alerts = alerts_rows(reader, "a.action_user_id = ? and a.first_raised_as_of between ? and ? "
                         f"and {RAISED_AFTER_HISTORY_START}",
                         [entity.user_id, w.week_start, w.as_of])
    report.sections = [visits, deals,
                       alerts_section(alerts, label_text("alerts_raised_this_week"), w.as_of,
                                      with_subject=True),
                       *leaderboard_sections(reader, entity, w), stalled_section(reader, entity)]
    return report


def team_lead_monthly(reader: MartReader, entity: Entity, w: Window) -> Report:
    report = new_report("monthly", entity, w)
    rows = indicator_rows(reader, "team", entity.team_id or "", w)
    report.no_data = not rows
    members = reader.rows(
        "select * from {marts.team_board_members} where team_id = ? and problem_count > 0 "
        "order by problem_count desc, user_id", [entity.team_id])
    problems = Section(
        label_text("members_with_problems"), headers=[label_text("member"), label_text("problems")],
        rows=[[person(m["user_name"], m["user_id"]),
               "；".join(name for flag, name in PROBLEM_FLAGS if m.get(flag))] for m in members])
    alerts = alerts_rows(reader, "a.action_user_id = ? and a.is_open", [entity.user_id])
    report.sections = [*indicator_sections(rows, ""), problems,
                       *leaderboard_sections(reader, entity, w),
                       alerts_section(alerts, label_text("open_alerts_needing_action"), w.as_of,
                                      with_subject=True)]
    return report


# -- director ------------------------------------------------------------------------------
def _has_scope(entity: Entity) -> bool:
    return entity.is_company or bool(entity.region_ids)


def director_daily(reader: MartReader, entity: Entity, w: Window) -> Report:
    report = new_report("daily", entity, w)
    deals, n_deals, amount = deals_section(reader, entity, w.as_of, w.as_of,
                                           label_text("deals_signed_today"))
    pairs = [(label_text("deals_signed_today"), f"{text_fmt('deal_count', n=count(n_deals))}，{money(amount)}")]
    grain = "company" if entity.is_company else "region"
    ids = ("company",) if entity.is_company else (entity.region_ids or ("",))
    kpis = reader.rows(
        "select entity_id, entity_name, actual_value, target_value, target_value_to_date, "
        "attainment_to_date, status_code from {marts.director_cockpit_kpis} "
        "where indicator_code = 'bookings_amount' and period_type = 'month' "
        f"and period_start_date = ? and grain = ? and entity_id in ({', '.join('?' for _ in ids)}) "
        "order by entity_id", [w.month_start, grain, *ids])
    for k in kpis:
        pairs.append((f"{label_text('bookings_this_month')}（{cell(k['entity_name'])}）",
                      f"{money(k['actual_value'])} / {text_fmt('month_target_is', value=money(k['target_value']))}，"
                      f"{text_fmt('target_to_date_is', value=money(k['target_value_to_date']))}，"
                      f"{label_text('attainment_to_date')} {ratio(k['attainment_to_date'])}，"
                      f"{status_text(k['status_code'])}"))
    cond, params = region_filter(entity, "a.region_id")
    critical = alerts_rows(
        reader, f"a.severity = 'critical' and a.first_raised_as_of = ? and {RAISED_AFTER_HISTORY_START} "
        f"and {cond}",
        [w.as_of, *params])
    pairs.append((label_text("new_critical_alerts_today"), count(len(critical))))
    report.no_data = not _has_scope(entity) or not kpis
    report.sections = [Section(label_text("today_at_a_glance"), kind="kv", pairs=pairs), deals,
                       alerts_section(critical, label_text("new_critical_alerts_today"), w.as_of,
                                      with_subject=True, limit=DIRECTOR_MAX_ROWS),
                       _teams_standing(reader, entity)]
    return report


def _teams_standing(reader: MartReader, entity: Entity) -> Section:
    cond, params = region_filter(entity)
    rows = reader.rows(
        "select team_id, team_name, bookings_mtd_cny, quota_month_cny, attainment_mtd, "
        "forecast_attainment, contest_rank_month, teams_in_contest, members_below_visit_pace, "
        f"active_members, open_alerts_for_lead from {{marts.team_board}} where {cond} "
        "order by attainment_mtd desc nulls last, team_id", params)
    return Section(
        f"{label_text('teams_standing')}（{label_text('month_to_date')}）",
        headers=[label_text("team"), label_text("bookings_mtd"), label_text("monthly_quota"), label_text("attainment_mtd"),
                 label_text("forecast_attainment"), label_text("contest_rank"),
                 label_text("behind_visit_pace"), label_text("open_alerts_for_lead")],
        rows=[[cell(r["team_name"]), money(r["bookings_mtd_cny"]), money(r["quota_month_cny"]),
               ratio(r["attainment_mtd"]), ratio(r["forecast_attainment"]),
               f"{count(r['contest_rank_month'])} / {count(r['teams_in_contest'])}",
               f"{count(r['members_below_visit_pace'])} / {count(r['active_members'])}",
               count(r["open_alerts_for_lead"])] for r in rows])


def director_weekly(reader: MartReader, entity: Entity, w: Window) -> Report:
    report = new_report("weekly", entity, w)
    cond, params = team_scope_filter(entity, "b.team_id")
    trend = reader.rows(
        "select b.team_id, t.team_name, sum(b.visits) as visits, "
        "sum(b.previous_week_visits_to_date) as previous_week_visits_to_date, sum(b.won_deals) as won_deals, "
        "count(*) as reps from {marts.team_board_behavior_trend} b "
        "left join {core.dim_teams} t on t.team_id = b.team_id "
        f"where b.week_start_date = ? and {cond} group by all order by b.team_id",
        [w.week_start, *params])
    report.no_data = not trend
    last_label, last_col = previous_week_label(w)
    visits = Section(
        label_text("visits_this_week_vs_last_week_by_team"),
        headers=[label_text("team"), label_text("rep_count"), label_text("this_week"), last_label,
                 label_text("change"), label_text("won_deals")],
        rows=[[cell(t["team_name"]), count(t["reps"]), count(t["visits"]),
               count(t[last_col]), _change(t["visits"], t[last_col]),
               count(t["won_deals"])] for t in trend])
    deals, n_deals, amount = deals_section(reader, entity, w.week_start, w.as_of,
                                           label_text("deals_signed_this_week"))
    deals.intro = f"{label_text('total')}: {text_fmt('deal_count', n=count(n_deals))}，{money(amount)}"
    report.sections = [visits, deals,
                       alert_counts_section(reader, entity, w.week_start, w.as_of,
                                            label_text("alerts_raised_this_week")),
                       *leaderboard_sections(reader, entity, w), stalled_section(reader, entity)]
    return report


def director_monthly(reader: MartReader, entity: Entity, w: Window) -> Report:
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
    sections.append(alerts_section(mine, label_text("open_alerts_needing_your_action"), w.as_of,
                                   with_subject=True))
    sections.append(alerts_section(critical, label_text("open_critical_alerts_in_scope"), w.as_of,
                                   with_subject=True, limit=DIRECTOR_MAX_ROWS))
    report.sections = sections
    return report


BUILDERS: dict[tuple[str, str], Callable[[MartReader, Entity, Window], Report]] = {
    ("rep", "daily"): rep_daily, ("rep", "weekly"): rep_weekly, ("rep", "monthly"): rep_monthly,
    ("team_lead", "daily"): team_lead_daily, ("team_lead", "weekly"): team_lead_weekly,
    ("team_lead", "monthly"): team_lead_monthly,
    ("director", "daily"): director_daily, ("director", "weekly"): director_weekly,
    ("director", "monthly"): director_monthly,
}


# -- rendering -----------------------------------------------------------------------------
def template_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined)
    env.globals["text"] = label_text     # '中文 English' of a seed label, as the reports write it
    return env


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render_markdown(env: jinja2.Environment, report: Report) -> str:
    return _tidy(env.get_template("report.md.j2").render(
        report=report, no_data_text=NO_DATA, none_text=NONE_TEXT))


def render_html(env: jinja2.Environment, title: str, md_text: str) -> str:
    body = render_markdown_html(md_text)
    return env.get_template("page.html.j2").render(title=title, body=Markup(body))


def render_index(env: jinja2.Environment, out_dir: Path, as_of: dt.date) -> str:
    """List every report in the as-of folder (also those of earlier partial runs)."""
    rows = []
    for period in PERIODS:
        for role in ROLES:
            for path in sorted((out_dir / period / role).glob("*.md")):
                text = path.read_text(encoding="utf-8")
                title = text.splitlines()[0] if text else ""
                subject = title.split(" — ", 1)[1] if " — " in title else path.stem
                rel = f"{period}/{role}/{path.stem}"
                rows.append([" ".join(PERIOD_LABELS[period]), " ".join(ROLE_LABELS[role]),
                             subject, cell(path.stem),
                             f"[HTML]({rel}.html) · [Markdown]({rel}.md)",
                             NO_DATA if NO_DATA in text else ""])
    return _tidy(env.get_template("index.md.j2").render(as_of=as_of.isoformat(), rows=rows))


def _clear(folder: Path) -> None:
    """Drop the reports of an earlier run of the same kind (people who left, renamed ids)."""
    for path in folder.glob("*"):
        if path.is_file() and path.suffix in (".md", ".html", ".xlsx"):
            path.unlink()


def _write(path: Path, text: str, run: ReportRun) -> None:
    path = safe_output_path(run.out_dir, str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    run.files.append(path)


# -- entry point ---------------------------------------------------------------------------
def _normalise(values: Iterable[str] | str, allowed: Sequence[str], what: str) -> list[str]:
    values = [values] if isinstance(values, str) else list(values)
    if "all" in values:
        return list(allowed)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValueError(f"unknown {what}: {', '.join(unknown)} "
                         f"(choose from {', '.join(allowed)} or all)")
    return [v for v in allowed if v in values]


def build_reports(warehouse: Path, out: Path, periods: Iterable[str] | str = PERIODS,
                  roles: Iterable[str] | str = ROLES) -> ReportRun:
    """Write every report of the given periods and roles for the marts' as-of date."""
    periods = _normalise(periods, PERIODS, "period")
    roles = _normalise(roles, ROLES, "role")
    env = template_env()
    with MartReader(Path(warehouse)) as reader:
        reader.consumer = f"{roles[0]}_{periods[0]}_report"
        as_of = reader.as_of_date()
        window = Window(as_of)
        run = ReportRun(as_of=as_of, out_dir=Path(out) / as_of.isoformat())
        for period in periods:
            for role in roles:
                reader.consumer = f"{role}_{period}_report"
                reader.as_of_date()   # every consumer depends on the as-of date
                _clear(run.out_dir / period / role)
                for entity in LISTERS[role](reader):
                    report = BUILDERS[(role, period)](reader, entity, window)
                    md_text = render_markdown(env, report)
                    base = safe_output_path(run.out_dir, report.relative_path)
                    _write(base.with_suffix(".md"), md_text, run)
                    _write(base.with_suffix(".html"), render_html(env, report.title, md_text), run)
                    run.files.append(write_workbook(base.with_suffix(".xlsx"), report_sheets(report.sections),
                                                    report.title))
                    run.reports.append(report)
        index_md = render_index(env, run.out_dir, as_of)
        _write(run.out_dir / "index.md", index_md, run)
        _write(run.out_dir / "index.html",
               render_html(env, f"{label_text('report_index')} — {as_of.isoformat()}", index_md), run)
        run.reads = {c: set(t) for c, t in reader.reads.items() if c in CONSUMERS}
        run.qualified_reads = {c: set(t) for c, t in reader.qualified_reads.items() if c in CONSUMERS}
    return run
