"""Static dashboard site built from the mart tables.

Every page is plain HTML that opens from disk: the chart library (ECharts, from the npm
registry, see package.json) is copied next to the pages, the data each chart draws is written
into the page as JSON, and nothing is fetched from the network. Pages:

    index.html                      links to every page
    cockpit/company.html            director cockpit, company; cockpit/<region_id>.html per region
    team/<team_id>.html             team-lead board, one per team
    rep/<user_id>.html              rep workbench, one per active rep (empty state without data)
    leaderboards.html               leaderboards, team contest, won-deal feed
    data-quality.html               data-entry quality scorecard
    indicator-tree.html             goal -> strategies -> process -> behavior indicators

<region_id>, <team_id> and <user_id> stand for `paths.slug(id)`: the id itself when it is a
safe file name (U00012), else a readable part plus a hash; every page is written through
`paths.safe_output_path`, never outside the output folder, and links use the same slug.

Each figure on a page is a ``<span class="fig">`` that names the mart row and column it shows
(``data-src``, ``data-key``, ``data-col``), and each chart series names the rows it draws, so
the browser tests can compare what a person sees with the marts.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .crm_links import CrmLinks
from .excel import page_sheets, write_workbook
from .visit_csv import write_visit_csv
from .formatting import fmt_change, fmt_date, fmt_number, month_label, severity_label, status_label
from .dbt_docs import DBT_DOCS_DIR, build_dbt_docs, model_anchor
from .labels import SEEDS, code_label, label, label_fmt
from .marts import MartReader
from .paths import safe_output_path, slug

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parents[2]
ECHARTS_JS = ROOT / "node_modules" / "echarts" / "dist" / "echarts.min.js"

# consumer (dbt exposure) name of each page kind
PAGE_CONSUMERS = {
    "index": "dashboard_index_page",
    "cockpit": "director_cockpit_page",
    "team": "team_board_page",
    "rep": "rep_workbench_page",
    "leaderboards": "leaderboards_page",
    "data_quality": "data_quality_page",
    "indicator_tree": "indicator_tree_page",
}
TREND_MONTHS = 12
# A person's own alert list (a rep's workbench, a lead's team board) shows the most urgent few,
# critical first; the rest is one click away on the full list (alerts/<page>.html).
ALERTS_PER_PERSON = 5
# The cockpit lists the critical alerts of a whole region or the company.
ALERTS_ON_COCKPIT = 15
# team-board member flags: each is an alert rule of ref_alert_rules (named as the rule)
MEMBER_FLAGS = (
    ("has_unhealthy_funnel", "alert_rule.pipeline_coverage_low"),
    ("is_below_visit_pace", "alert_rule.visit_pace_behind"),
    ("is_behind_quota_pace", "alert_rule.quota_pace_behind"),
    ("has_low_win_rate", "alert_rule.win_rate_below_team"),
    ("has_poor_followup", "poor_followup"),
    ("has_poor_data_entry", "alert_rule.many_open_dq_issues"),
)
MONTHLY_VISIT_THRESHOLD_FALLBACK = 15
# A workbench lists the first accounts to visit; the CSV beside it holds them all.
SUGGESTIONS_ON_PAGE = 15


# --------------------------------------------------------------------------- figures and charts
def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def src(table: str, col: str, agg: str | None = None, **key: Any) -> dict[str, Any]:
    """Where a figure comes from: one row of ``table`` (or ``agg`` over the rows) by ``key``."""
    out = {"table": table, "col": col, "key": {k: _jsonable(v) for k, v in key.items()}}
    if agg:
        out["agg"] = agg
    return out


def script_safe_json(value: Any) -> str:
    """JSON for a <script type="application/json"> block: `<`, `>` and `&` are written as
    \\u escapes, so no CRM value (a name holding `</script>`) can close the block; JSON.parse
    reads the same values."""
    return (json.dumps(value, ensure_ascii=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@dataclass
class Fig:
    value: Any
    unit: str | None
    source: dict[str, Any] | None = None

    @property
    def text(self) -> str:
        return fmt_number(self.value, self.unit)

    @property
    def key_json(self) -> str:
        return json.dumps(self.source["key"], ensure_ascii=False, sort_keys=True) if self.source else ""


def fig(row: dict[str, Any] | None, col: str, unit: str | None, table: str, **key: Any) -> Fig:
    return Fig(None if row is None else row.get(col), unit, src(table, col, **key))


@dataclass
class Chart:
    id: str
    kind: str                          # line | bar | hbar | tree
    title_zh: str
    title_en: str
    unit: str | None = None
    categories: list[Any] = field(default_factory=list)
    category_labels_zh: list[str] | None = None
    category_labels_en: list[str] | None = None
    series: list[dict[str, Any]] = field(default_factory=list)
    tree: dict[str, Any] | None = None
    tall: bool = False
    note_zh: str = ""
    note_en: str = ""

    @property
    def has_data(self) -> bool:
        if self.kind == "tree":
            return bool(self.tree)
        return bool(self.categories) and any(
            any(v is not None for v in s["data"]) for s in self.series)

    def spec(self) -> dict[str, Any]:
        out = {
            "id": self.id, "kind": self.kind, "title_zh": self.title_zh, "title_en": self.title_en,
            "unit": self.unit, "categories": _jsonable(self.categories),
            "category_labels_zh": self.category_labels_zh, "category_labels_en": self.category_labels_en,
            "series": self.series,
        }
        if self.tree is not None:
            out["tree"] = self.tree
        return out


def series(name_zh: str, name_en: str, data: list[Any], style: str = "actual",
           source: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    out = {"name_zh": name_zh, "name_en": name_en, "data": [_num(v) for v in data], "style": style}
    if source:
        out["src"] = source
    out.update(extra)
    return out


def series_src(table: str, category_col: str, col: str, agg: str | None = None, **key: Any) -> dict[str, Any]:
    out = src(table, col, agg, **key)
    out["category_col"] = category_col
    return out


def key_where(key: dict[str, Any]) -> tuple[str, list[Any]]:
    """SQL conditions for a source key: a list value means IN, anything else equality."""
    parts: list[str] = []
    params: list[Any] = []
    for column, value in key.items():
        if isinstance(value, list):
            parts.append(f"{column} in ({', '.join('?' for _ in value)})" if value else "false")
            params.extend(value)
        else:
            parts.append(f"{column} = ?")
            params.append(value)
    return (" and ".join(parts) or "true"), params


def _num(value: Any) -> Any:
    if value is None:
        return None
    return round(float(value), 6)


# --------------------------------------------------------------------------- page model
@dataclass
class Page:
    kind: str
    path: str                 # relative to the site root, e.g. "rep/U00012.html"
    title_zh: str
    title_en: str
    template: str
    context: dict[str, Any]
    charts: list[Chart] = field(default_factory=list)

    @property
    def depth_prefix(self) -> str:
        return "../" * self.path.count("/")


@dataclass
class SiteRun:
    out_dir: Path
    as_of: dt.date
    pages: list[Page]
    reads: dict[str, set[str]]
    reports: Any = None           # the ReportRun of the reports written under reports/


# --------------------------------------------------------------------------- helpers
def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def trend_months(as_of: dt.date) -> list[dt.date]:
    start = month_start(as_of)
    return [add_months(start, -i) for i in range(TREND_MONTHS - 1, -1, -1)]


PARTIAL_MONTH = (label("partial_month_suffix")[0], " " + label("partial_month_suffix")[1])
PARTIAL_WEEK = (label("partial_week_suffix")[0], " " + label("partial_week_suffix")[1])


def month_labels(months: list[dt.date], partial: dt.date | None = None) -> tuple[list[str], list[str]]:
    """Axis labels of a monthly trend; the month in progress (``partial``) is marked as such."""
    labels = [month_label(m) for m in months]
    zh = [z + (PARTIAL_MONTH[0] if m == partial else "") for (z, _), m in zip(labels, months)]
    en = [e + (PARTIAL_MONTH[1] if m == partial else "") for (_, e), m in zip(labels, months)]
    return zh, en


class SiteBuilder:
    """Reads the marts and assembles the pages."""

    def __init__(self, reader: MartReader):
        self.r = reader
        self._use("index")
        self.as_of = reader.as_of_date()
        self.month = month_start(self.as_of)
        self.months = trend_months(self.as_of)
        month_end = add_months(self.month, 1) - dt.timedelta(days=1)
        # the month holding the as-of date, unless the as-of date is its last day
        self.partial_month = self.month if self.as_of < month_end else None
        self.reports_dir: str | None = None
        self.dbt_docs_dir: str | None = None    # the static dbt docs site, when built beside the pages
        self.extra_pages: list[Page] = []   # the full alert lists, written beside their pages
        self.visit_csvs: dict[str, list[dict[str, Any]]] = {}   # rep/<slug>-visits.csv -> rows

    # -- shared reads --------------------------------------------------------------------------
    def _use(self, kind: str) -> None:
        self.r.consumer = PAGE_CONSUMERS[kind]

    def stage_names(self) -> dict[str, tuple[str, str, int]]:
        rows = self.r.rows("select stage_code, stage_name_zh, stage_name_en, stage_order "
                           "from {core.dim_stages} where not is_unknown order by stage_order")
        return {r["stage_code"]: (r["stage_name_zh"], r["stage_name_en"], r["stage_order"]) for r in rows}

    def teams(self) -> list[dict[str, Any]]:
        return self.r.rows("select team_id, team_name, business_line, region_id, region_name, leader_user_id "
                           "from {core.dim_teams} where not is_unknown order by region_id, team_id")

    def reps(self) -> list[dict[str, Any]]:
        return self.r.rows("select user_id, user_name, current_team_id as team_id, current_team_name as team_name, "
                           "current_region_id as region_id from {core.dim_users} "
                           "where is_rep and is_active and not is_unknown order by current_team_id, user_id")

    def regions(self) -> list[dict[str, Any]]:
        return self.r.rows("select distinct region_id, region_name from {core.dim_teams} "
                           "where not is_unknown order by region_id")

    # -- shared charts -------------------------------------------------------------------------
    def indicator_trend(self, chart_id: str, code: str, grain: str, entity_id: str) -> Chart:
        rows = self.r.rows(
            "select period_start_date, indicator_name_zh, indicator_name_en, unit, actual_value, "
            "target_value, same_period_last_year_value from {marts.indicator_values} "
            "where indicator_code = ? and grain = ? and entity_id = ? and period_type = 'month' "
            "and period_start_date between ? and ? order by period_start_date",
            [code, grain, entity_id, self.months[0], self.months[-1]])
        by_month = {r["period_start_date"]: r for r in rows}
        months = self.months if rows else []
        name_zh = rows[0]["indicator_name_zh"] if rows else code
        name_en = rows[0]["indicator_name_en"] if rows else code
        unit = rows[0]["unit"] if rows else None
        zh, en = month_labels(months, self.partial_month)
        key = dict(indicator_code=code, grain=grain, entity_id=entity_id, period_type="month")

        def col(name: str) -> list[Any]:
            return [by_month.get(m, {}).get(name) for m in months]
        return Chart(
            chart_id, "line", *label_fmt("indicator_trend_chart", indicator=(name_zh, name_en)), unit, months, zh, en,
            [series(*label("actual"), col("actual_value"), "actual",
                    series_src("marts.indicator_values", "period_start_date", "actual_value", **key)),
             series(*label("target"), col("target_value"), "target",
                    series_src("marts.indicator_values", "period_start_date", "target_value", **key)),
             series(*label("same_month_last_year"), col("same_period_last_year_value"), "last_year",
                    series_src("marts.indicator_values", "period_start_date",
                               "same_period_last_year_value", **key))],
            note_zh=label("note_month_marked_to_date")[0], note_en=label("note_month_marked_to_date")[1])

    def lead_funnel(self, chart_id: str, grain: str, entity_id: str, contract_key: dict[str, Any]) -> Chart:
        codes = ["mql_count", "sql_count", "new_opportunity_count"]
        rows = self.r.rows(
            "select indicator_code, indicator_name_zh, indicator_name_en, actual_value "
            "from {marts.indicator_values} where grain = ? and entity_id = ? and period_type = 'month' "
            "and period_start_date = ? and indicator_code in ('mql_count', 'sql_count', 'new_opportunity_count')",
            [grain, entity_id, self.month])
        found = {r["indicator_code"]: r for r in rows}
        where, params = key_where(contract_key)
        contracts = self.r.scalar(
            "select count(contract_id) as n from {core.fct_contracts} where signed_month = ? "
            f"and contract_type = 'new_business' and {where}", [self.month, *params])
        labels_zh = [found.get(c, {}).get("indicator_name_zh", c) for c in codes] + [label("new_business_contracts")[0]]
        labels_en = [found.get(c, {}).get("indicator_name_en", c) for c in codes] + [label("new_business_contracts")[1]]
        data = [found.get(c, {}).get("actual_value") for c in codes] + [contracts]
        point_src = [src("marts.indicator_values", "actual_value", indicator_code=c, grain=grain,
                         entity_id=entity_id, period_type="month", period_start_date=self.month)
                     for c in codes]
        point_src.append(src("core.fct_contracts", "contract_id", "count", signed_month=self.month,
                             contract_type="new_business", **contract_key))
        has_any = any(v not in (None, 0) for v in data)
        # Counts of each step this month (not one cohort of leads followed through), so they are
        # drawn as bars in funnel order rather than as a funnel shape that would imply conversion.
        conversion, win_rate = label("indicator.lead_to_opportunity_conversion"), label("indicator.win_rate")
        note = label_fmt("lead_funnel_note", conversion=(conversion[0], conversion[1].lower()),
                         win_rate=(win_rate[0], win_rate[1].lower()))
        return Chart(chart_id, "hbar", *label("lead_to_contract_chart"), "count",
                     codes + ["new_business_contracts"] if has_any else [], labels_zh, labels_en,
                     [series(*label("count"), data, "actual", None, point_src=point_src)],
                     note_zh=note[0], note_en=note[1])

    def pipeline_by_stage(self, chart_id: str, **key: Any) -> Chart:
        names = self.stage_names()
        where, params = key_where(key)
        rows = self.r.rows(
            "select stage_code, sum(open_amount_cny) as amount, sum(weighted_amount_cny) as weighted "
            f"from {{marts.rep_workbench_funnel}} where {where} group by stage_code",
            params)
        by_stage = {r["stage_code"]: r for r in rows}
        stages = [s for s in sorted(names, key=lambda s: names[s][2]) if s in by_stage]
        return Chart(chart_id, "bar", *label("open_pipeline_by_stage"), "cny", stages,
                     [names[s][0] for s in stages], [names[s][1] for s in stages],
                     [series(*label("pipeline_amount"), [by_stage[s]["amount"] for s in stages], "actual",
                             series_src("marts.rep_workbench_funnel", "stage_code", "open_amount_cny", "sum", **key)),
                      series(*label("weighted"), [by_stage[s]["weighted"] for s in stages], "target",
                             series_src("marts.rep_workbench_funnel", "stage_code", "weighted_amount_cny",
                                        "sum", **key))])

    def open_alerts(self, where: str, params: list[Any], limit: int = 30) -> list[dict[str, Any]]:
        return self.r.rows(
            "select alert_id, rule_code, rule_name_zh, rule_name_en, severity, record_name, message_zh, "
            "message_en, first_raised_as_of, measured_value, threshold_value from {marts.fct_alerts} "
            f"where is_open and {where} order by case severity when 'critical' then 0 else 1 end, "
            "first_raised_as_of desc, alert_id limit ?",
            [*params, limit])

    def count_open_alerts(self, where: str, params: list[Any]) -> int:
        return int(self.r.scalar(f"select count(*) as n from {{marts.fct_alerts}} where is_open and {where}",
                                 params) or 0)

    def alert_list(self, name: str, scope_zh: str, scope_en: str, back_path: str,
                   where: str, params: list[Any]) -> Page:
        """Every open alert of a page's scope (the page itself lists the most urgent few); read
        under the parent page's consumer, from the same mart and with the same filter."""
        rows = self.open_alerts(where, params, 1_000_000)
        return Page("alerts", f"alerts/{name}.html", *label_fmt("all_open_alerts_title", scope=(scope_zh, scope_en)),
                    "alerts.html.j2", {"alerts": rows, "alert_count": len(rows), "back_path": back_path})

    def report_links(self, role: str, entity_id: str | None) -> list[dict[str, str]]:
        """Links from a page to its role's daily, weekly and monthly reports (when built)."""
        if not self.reports_dir or not entity_id:
            return []
        return [{"zh": zh, "en": en, "path": f"{self.reports_dir}/{period}/{role}/{slug(entity_id)}.html"}
                for period, (zh, en) in (("daily", label("report_link_daily")), ("weekly", label("report_link_weekly")),
                                         ("monthly", label("report_link_monthly")))]

    def team_lead_report_id(self, team_id: str) -> str | None:
        """The file name of a team's lead reports (the reports' own naming: a lead of several
        teams gets one report per team)."""
        from .reports import list_team_leads
        return next((lead.entity_id for lead in list_team_leads(self.r) if lead.team_id == team_id), None)

    def region_director(self, region: dict[str, Any] | None) -> str | None:
        """Whose director reports a cockpit links to: the company's, or the region's director."""
        if region is None:
            return "company"
        from .reports import list_directors
        for director in list_directors(self.r):
            if director.user_id and region["region_id"] in director.region_ids:
                return director.user_id
        return None

    # -- pages ---------------------------------------------------------------------------------
    def cockpit(self, scope: str, region: dict[str, Any] | None) -> Page:
        self._use("cockpit")
        grain, entity_id = ("company", "company") if region is None else ("region", region["region_id"])
        kpi_key = dict(grain=grain, entity_id=entity_id)
        kpis = self.r.rows(
            "select * from {marts.director_cockpit_kpis} where grain = ? and entity_id = ? "
            "and period_type = 'month' and period_start_date = ? order by display_order",
            [grain, entity_id, self.month])
        sections: list[dict[str, Any]] = []
        for row in kpis:
            if not sections or sections[-1]["code"] != row["section_code"]:
                sections.append({"code": row["section_code"], "zh": row["section_name_zh"],
                                 "en": row["section_name_en"], "cards": []})
            sections[-1]["cards"].append(self._kpi_card(row, "marts.director_cockpit_kpis", **kpi_key,
                                                        period_type="month", period_start_date=self.month))
        periods = self.r.rows(
            "select * from {marts.director_cockpit_kpis} where grain = ? and entity_id = ? "
            "and section_code = 'results' and period_type in ('quarter', 'year') "
            "and ? between period_start_date and period_end_date order by period_type, display_order",
            [grain, entity_id, self.as_of])
        period_rows = [self._kpi_card(r, "marts.director_cockpit_kpis", **kpi_key, period_type=r["period_type"],
                                      period_start_date=r["period_start_date"]) | {
            "period_type": r["period_type"]} for r in periods]

        teams = [t for t in self.teams() if region is None or t["region_id"] == region["region_id"]]
        team_ids = [t["team_id"] for t in teams]
        contest_key: dict[str, Any] = dict(period_type="month", period_start_date=self.month)
        if region is not None:
            contest_key["region_id"] = region["region_id"]
        contest = self.r.rows(
            "select team_id, team_name, business_line, attainment, bookings_cny, quota_cny, contest_rank, "
            "teams_in_contest from {marts.team_contest} where period_type = 'month' and period_start_date = ? "
            + ("and region_id = ? " if region is not None else "") + "order by business_line desc, contest_rank, team_id",
            [self.month] + ([region["region_id"]] if region is not None else []))
        for c in contest:
            c["line_name"] = self.line_name(c["business_line"])
        charts = [
            self.indicator_trend("c-bookings-trend", "bookings_amount", grain, entity_id),
            self.lead_funnel("c-funnel", grain, entity_id,
                             {} if region is None else {"team_id_at_signed": team_ids}),
            self.pipeline_by_stage("c-pipeline", **({} if region is None else {"team_id": team_ids})),
            self.arr_movements("c-arr", grain, entity_id),
            Chart("c-contest", "hbar", *label_fmt("team_contest_by_line", attainment=label("attainment_mtd")), "ratio",
                  [c["team_id"] for c in contest],
                  [f"{c['team_name']} · {c['line_name']}" for c in contest],
                  [f"{c['team_name']} · {c['line_name']}" for c in contest],
                  [series(*label("attainment_mtd"), [c["attainment"] for c in contest], "actual",
                          series_src("marts.team_contest", "team_id", "attainment", **contest_key),
                          threshold=1.0, threshold_label_zh=label("target_100")[0], threshold_label_en=label("target_100")[1])]),
        ]
        region_rows = []
        if region is None:
            for reg in self.regions():
                key = dict(grain="region", entity_id=reg["region_id"], period_type="month",
                           period_start_date=self.month)
                vals = {r["indicator_code"]: r for r in self.r.rows(
                    "select indicator_code, actual_value, attainment_to_date, status_code from "
                    "{marts.indicator_values} where grain = 'region' and entity_id = ? and period_type = 'month' "
                    "and period_start_date = ? and indicator_code in ('bookings_amount', 'quota_attainment', "
                    "'win_rate', 'visit_count', 'pipeline_amount')", [reg["region_id"], self.month])}
                region_rows.append({
                    "region": reg,
                    "figs": {c: Fig(vals.get(c, {}).get("actual_value"), u, src(
                        "marts.indicator_values", "actual_value", indicator_code=c, **key))
                        for c, u in (("bookings_amount", "cny"), ("quota_attainment", "ratio"),
                                     ("win_rate", "ratio"), ("visit_count", "count"), ("pipeline_amount", "cny"))},
                    "status": vals.get("bookings_amount", {}).get("status_code"),
                })
        line_rows = self.business_line_rows() if region is None else []
        accounts = self.r.rows(
            "select * from {marts.director_cockpit_super_large_accounts} "
            + ("where owner_region_id = ? " if region is not None else "")
            + "order by arr_cny desc nulls last, account_id limit 15",
            [region["region_id"]] if region is not None else [])
        for a in accounts:
            a["arr_fig"] = fig(a, "arr_cny", "cny", "marts.director_cockpit_super_large_accounts",
                               account_id=a["account_id"])
            a["pipeline_fig"] = fig(a, "open_pipeline_cny", "cny", "marts.director_cockpit_super_large_accounts",
                                    account_id=a["account_id"])
        incentives = self.r.rows(
            "select * from {marts.director_cockpit_incentives} where (is_visit_bonus_cut_at_risk "
            "or was_below_threshold_previous_month) "
            + ("and region_id = ? " if region is not None else "")
            + "order by visits_to_plan desc, user_id",
            [region["region_id"]] if region is not None else [])
        for i in incentives:
            i["visits_fig"] = fig(i, "visits_mtd", "count", "marts.director_cockpit_incentives", user_id=i["user_id"])
            i["prev_fig"] = fig(i, "visits_previous_month", "count", "marts.director_cockpit_incentives",
                                user_id=i["user_id"])
        # directors follow the critical alerts of everyone in their scope, whoever has to act on them
        alert_where, alert_params = ("severity = 'critical'", [])
        if region is not None:
            alert_where, alert_params = ("severity = 'critical' and region_id = ?", [region["region_id"]])
        name_zh = label("company")[0] if region is None else region["region_name"]
        title = label_fmt("cockpit_title", scope=(name_zh, label("company")[1] if region is None else region["region_id"]))
        self.extra_pages.append(self.alert_list(
            f"cockpit-{slug(scope)}", *title, f"cockpit/{slug(scope)}.html", alert_where, alert_params))
        return Page("cockpit", f"cockpit/{slug(scope)}.html", *title,
                    "cockpit.html.j2", {
                        "scope_name": name_zh, "is_company": region is None, "sections": sections,
                        "period_rows": period_rows, "region_rows": region_rows, "accounts": accounts,
                        "incentives": incentives, "contest": contest, "line_rows": line_rows,
                        "lines": self.business_lines(),
                        "alerts": self.open_alerts(alert_where, alert_params, ALERTS_ON_COCKPIT),
                        "report_links": self.report_links("director", self.region_director(region)),
                        "alert_count": self.count_open_alerts(alert_where, alert_params),
                        "alerts_path": f"alerts/cockpit-{slug(scope)}.html",
                    }, charts)

    def business_lines(self) -> list[dict[str, Any]]:
        """The business lines (software, content) with their names, as the marts name them. Read
        once, by the company cockpit (the first page built); later pages reuse the names."""
        if getattr(self, "_lines", None) is None:
            rows = self.r.rows(
                "select distinct entity_id, entity_name from {marts.director_cockpit_kpis} "
                "where grain = 'business_line' and entity_id != 'unknown'")
            order = {"software": 0, "content": 1}
            self._lines = sorted(rows, key=lambda r: (order.get(r["entity_id"], 9), r["entity_id"]))
        return self._lines

    def business_line_rows(self) -> list[dict[str, Any]]:
        """Software vs content: every cockpit indicator of the month, one figure per line."""
        lines = self.business_lines()
        rows = self.r.rows(
            "select * from {marts.director_cockpit_kpis} where grain = 'business_line' "
            "and period_type = 'month' and period_start_date = ? order by display_order, entity_id",
            [self.month])
        by_code: dict[str, dict[str, Any]] = {}
        for r in rows:
            item = by_code.setdefault(r["indicator_code"], {
                "code": r["indicator_code"], "zh": r["indicator_name_zh"], "en": r["indicator_name_en"],
                "window_zh": r["window_label_zh"], "window_en": r["window_label_en"], "figs": {}})
            item["figs"][r["entity_id"]] = fig(
                r, "actual_value", r["unit"], "marts.director_cockpit_kpis", grain="business_line",
                entity_id=r["entity_id"], period_type="month", period_start_date=self.month,
                indicator_code=r["indicator_code"])
        for item in by_code.values():
            for line in lines:
                item["figs"].setdefault(line["entity_id"], Fig(None, None))
        return list(by_code.values())

    def line_name(self, code: str | None) -> str:
        return next((line["entity_name"] for line in self.business_lines() if line["entity_id"] == code), code or "")

    def _kpi_card(self, row: dict[str, Any], table: str, **key: Any) -> dict[str, Any]:
        key = dict(key, indicator_code=row["indicator_code"])
        unit = row["unit"]
        return {
            "code": row["indicator_code"], "zh": row["indicator_name_zh"], "en": row["indicator_name_en"],
            "actual": fig(row, "actual_value", unit, table, **key),
            "target": fig(row, "target_value", unit, table, **key),
            "attainment": fig(row, "attainment_to_date", "ratio", table, **key),
            "status": row.get("status_code"), "status_label": status_label(row.get("status_code")),
            "mom": fmt_change(row.get("change_vs_prior_period_ratio")),
            "yoy": fmt_change(row.get("change_vs_last_year_ratio")),
            "window_zh": row.get("window_label_zh") or "", "window_en": row.get("window_label_en") or "",
            "comparable": row.get("is_change_comparable") is not False,
        }

    def arr_movements(self, chart_id: str, grain: str, entity_id: str) -> Chart:
        rows = self.r.rows(
            "select period_start_date, arr_new_amount, arr_expansion_amount, arr_reactivation_amount, "
            "arr_contraction_amount, arr_churned_amount from {marts.saas_economics} where grain = ? "
            "and entity_id = ? and period_type = 'month' and period_start_date between ? and ? "
            "order by period_start_date", [grain, entity_id, self.months[0], self.months[-1]])
        by_month = {r["period_start_date"]: r for r in rows}
        months = self.months if rows else []
        zh, en = month_labels(months, self.partial_month)
        key = dict(grain=grain, entity_id=entity_id, period_type="month")
        parts = [("arr_new_amount", *label("arr_movement_new"), "positive"),
                 ("arr_expansion_amount", *label("arr_movement_expansion"), "actual"),
                 ("arr_reactivation_amount", *label("arr_movement_reactivation"), "last_year"),
                 ("arr_contraction_amount", *label("arr_movement_contraction"), "pace"),
                 ("arr_churned_amount", *label("arr_movement_churn"), "negative")]
        return Chart(chart_id, "bar", *label("arr_movements_by_month"), "cny", months, zh, en,
                     [series(z, e, [by_month.get(m, {}).get(c) for m in months], s,
                             series_src("marts.saas_economics", "period_start_date", c, **key), stack="arr")
                      for c, z, e, s in parts])

    def team(self, team: dict[str, Any]) -> Page:
        self._use("team")
        tid = team["team_id"]
        board = self.r.one("select * from {marts.team_board} where team_id = ?", [tid])
        t = "marts.team_board"
        cards = []
        if board:
            for col, unit, zh, en in (
                    ("bookings_mtd_cny", "cny", *label("bookings_mtd")),
                    ("quota_month_cny", "cny", *label("quota_this_month")),
                    ("attainment_mtd", "ratio", *label("attainment_mtd")),
                    ("forecast_attainment", "ratio", *label("forecast_attainment")),
                    ("attainment_qtd", "ratio", *label("attainment_qtd")),
                    ("visits_mtd", "count", *label("visits_mtd")),
                    ("members_with_any_problem", "count", *label("members_needing_attention")),
                    ("open_alerts_for_lead", "count", *label("open_alerts"))):
                cards.append({"zh": zh, "en": en, "fig": fig(board, col, unit, t, team_id=tid)})
        members = self.r.rows("select * from {marts.team_board_members} where team_id = ? "
                              "order by bookings_rank_in_team, user_id", [tid])
        mt = "marts.team_board_members"
        for m in members:
            m["figs"] = {c: fig(m, c, u, mt, user_id=m["user_id"]) for c, u in (
                ("bookings_mtd_cny", "cny"), ("attainment_mtd", "ratio"), ("visits_mtd", "count"),
                ("visit_pace_target", "count"), ("pipeline_coverage", "multiple"), ("win_rate_in_window", "ratio"),
                ("dq_score", "score"), ("open_dq_issues", "count"))}
            m["flags"] = [label(key) for flag, key in MEMBER_FLAGS if m.get(flag)]
        threshold = self.visit_threshold(tid)
        contest = self.r.rows("select * from {marts.team_contest} where team_id = ? and "
                              "? between period_start_date and period_end_date order by period_type", [tid, self.as_of])
        weeks = self.r.rows(
            "select week_start_date, min(iso_week_label) as label, "
            "max(case when is_week_in_progress then 1 else 0 end) as in_progress, sum(visits) as visits, "
            "sum(ka_visits) as ka_visits, sum(won_deals) as won_deals from {marts.team_board_behavior_trend} "
            "where team_id = ? group by week_start_date order by week_start_date", [tid])
        wk = [w["week_start_date"] for w in weeks]
        charts = [
            Chart("c-member-visits", "bar", *label("members_visits_this_month_vs_pace"),
                  "count", [m["user_id"] for m in members], [m["user_name"] for m in members],
                  [m["user_name"] for m in members],
                  [series(*label("visits_mtd"), [m["visits_mtd"] for m in members], "actual",
                          series_src(mt, "user_id", "visits_mtd", team_id=tid),
                          threshold=threshold, threshold_label_zh=label_fmt("monthly_threshold", threshold=threshold)[0],
                          threshold_label_en=label_fmt("monthly_threshold", threshold=threshold)[1]),
                   series(*label("visit_pace_target"), [m["visit_pace_target"] for m in members], "target",
                          series_src(mt, "user_id", "visit_pace_target", team_id=tid), type="line")]),
            Chart("c-weekly", "line", *label("team_behavior_last_8_weeks"), "count", wk,
                  [w["label"] + (PARTIAL_WEEK[0] if w["in_progress"] else "") for w in weeks],
                  [w["label"] + (PARTIAL_WEEK[1] if w["in_progress"] else "") for w in weeks],
                  [series(*label("visits"), [w["visits"] for w in weeks], "actual",
                          series_src("marts.team_board_behavior_trend", "week_start_date", "visits", "sum",
                                     team_id=tid)),
                   series(*label("ka_visits"), [w["ka_visits"] for w in weeks], "pace",
                          series_src("marts.team_board_behavior_trend", "week_start_date", "ka_visits", "sum",
                                     team_id=tid)),
                   series(*label("deals_won"), [w["won_deals"] for w in weeks], "positive",
                          series_src("marts.team_board_behavior_trend", "week_start_date", "won_deals", "sum",
                                     team_id=tid))],
                  note_zh=label("note_week_marked_in_progress")[0], note_en=label("note_week_marked_in_progress")[1]),
            self.indicator_trend("c-bookings-trend", "bookings_amount", "team", tid),
            self.pipeline_by_stage("c-pipeline", team_id=tid),
        ]
        dq = self.r.one("select * from {data_quality.dq_team_summary_monthly} where team_id = ? "
                        "and month_start_date = ?", [tid, self.month])
        dq_fig = fig(dq, "team_dq_score", "score", "data_quality.dq_team_summary_monthly",
                     team_id=tid, month_start_date=self.month)
        alert_where = "action_role = 'team_lead' and team_id = ?"
        self.extra_pages.append(self.alert_list(f"team-{slug(tid)}", *label_fmt("team_board_title", zh_name=team['team_name'], en_name=tid),
                                                f"team/{slug(tid)}.html", alert_where, [tid]))
        return Page("team", f"team/{slug(tid)}.html", *label_fmt("team_board_title", zh_name=team['team_name'], en_name=tid),
                    "team.html.j2", {
                        "report_links": self.report_links("team_lead", self.team_lead_report_id(tid)),
                        "team": team, "board": board, "cards": cards, "members": members, "contest": contest,
                        "line_name": self.line_name(team.get("business_line")),
                        "dq_fig": dq_fig, "alerts": self.open_alerts(alert_where, [tid], ALERTS_PER_PERSON),
                        "alert_count": self.count_open_alerts(alert_where, [tid]), "threshold": threshold,
                        "alerts_path": f"alerts/team-{slug(tid)}.html",
                    }, charts)

    def visit_threshold(self, team_id: str) -> int:
        """The monthly face-to-face visit threshold the team's workbenches are measured against."""
        value = self.r.scalar("select max(monthly_visit_threshold) as t from {marts.rep_workbench} "
                              "where team_id = ?", [team_id])
        return int(value) if value is not None else MONTHLY_VISIT_THRESHOLD_FALLBACK

    def rep(self, rep: dict[str, Any]) -> Page:
        self._use("rep")
        uid = rep["user_id"]
        wb = self.r.one("select * from {marts.rep_workbench} where user_id = ?", [uid])
        t = "marts.rep_workbench"
        cards = []
        if wb:
            for col, unit, zh, en in (
                    ("bookings_mtd_cny", "cny", *label("bookings_mtd")),
                    ("quota_month_cny", "cny", *label("quota_this_month")),
                    ("attainment_mtd", "ratio", *label("attainment_mtd")),
                    ("forecast_attainment", "ratio", *label("forecast_attainment")),
                    ("visits_mtd", "count", *label("visits_mtd")),
                    ("visits_to_plan", "count", *label("visits_still_to_plan")),
                    ("ka_visits_mtd", "count", *label("ka_visits_mtd")),
                    ("open_pipeline_cny", "cny", *label("open_pipeline")),
                    ("pipeline_coverage", "multiple", *label("pipeline_coverage")),
                    ("stalled_opportunities", "count", *label("stalled_opportunities")),
                    ("open_dq_issues", "count", *label("open_data_entry_issues")),
                    ("open_alerts", "count", *label("open_alerts"))):
                cards.append({"zh": zh, "en": en, "fig": fig(wb, col, unit, t, user_id=uid), "col": col})
        charts: list[Chart] = []
        if wb:
            charts = [self.visit_pace(uid, wb),
                      self.indicator_trend("c-bookings-trend", "bookings_amount", "rep", uid),
                      self.lead_funnel("c-funnel", "rep", uid, {"owner_user_id": uid}),
                      self.pipeline_by_stage("c-pipeline", user_id=uid)]
            profile = self.r.rows("select metric_code, metric_name_zh, metric_name_en, peer_percentile "
                                  "from {marts.rep_diagnosis_profile} where user_id = ? order by metric_code", [uid])
            if profile:
                charts.append(Chart(
                    "c-profile", "hbar", *label("profile_percentile_among_peers"), "ratio",
                    [p["metric_code"] for p in profile], [p["metric_name_zh"] for p in profile],
                    [p["metric_name_en"] for p in profile],
                    [series(*label("percentile"), [p["peer_percentile"] for p in profile], "actual",
                            series_src("marts.rep_diagnosis_profile", "metric_code", "peer_percentile", user_id=uid))]))
        visits = self.r.rows("select * from {marts.rep_workbench_visits} where user_id = ? "
                             "order by visit_list_code, planned_at, activity_id", [uid])
        stalled = self.r.rows("select * from {marts.rep_workbench_stalled_opportunities} where user_id = ? "
                              "order by days_in_stage desc, opportunity_id limit 20", [uid])
        for s in stalled:
            s["amount_fig"] = fig(s, "amount_cny", "cny", "marts.rep_workbench_stalled_opportunities",
                                  opportunity_id=s["opportunity_id"])
        dq = self.r.rows("select * from {marts.rep_workbench_dq_issues} where user_id = ? "
                         "order by days_open desc, finding_id limit 20", [uid])
        suggestions = self.r.rows("select * from {marts.rep_visit_suggestions} where user_id = ? "
                                  "order by visit_rank", [uid])
        for g in suggestions:
            g["amount_fig"] = fig(g, "stalled_amount_cny", "cny", "marts.rep_visit_suggestions",
                                  user_id=uid, account_id=g["account_id"])
        if suggestions:
            self.visit_csvs[f"rep/{slug(uid)}-visits.csv"] = suggestions
        diagnosis = self.r.rows("select * from {marts.rep_diagnosis} where user_id = ? "
                                "order by finding_type, finding_code", [uid])
        ranks = self.r.rows(
            "select metric_code, metric_name_zh, metric_name_en, unit, metric_value, rank_in_scope, "
            "ranked_reps_in_scope, rank_change from {marts.leaderboard_rankings} where user_id = ? "
            "and period_type = 'month' and period_start_date = ? and scope_type = 'team' order by metric_code",
            [uid, self.month])
        for k in ranks:
            k["fig"] = fig(k, "metric_value", k["unit"], "marts.leaderboard_rankings", user_id=uid,
                           period_type="month", period_start_date=self.month, scope_type="team",
                           metric_code=k["metric_code"])
        alert_where = "action_user_id = ?"
        self.extra_pages.append(self.alert_list(f"rep-{slug(uid)}", *label_fmt("rep_workbench_title", name=rep['user_name']),
                                                f"rep/{slug(uid)}.html",
                                                alert_where, [uid]))
        return Page("rep", f"rep/{slug(uid)}.html", *label_fmt("rep_workbench_title", name=rep['user_name']),
                    "rep.html.j2", {
                        "report_links": self.report_links("rep", uid),
                        "rep": rep, "wb": wb, "has_data": wb is not None, "cards": cards, "visits": visits,
                        "stalled": stalled, "dq": dq, "diagnosis": diagnosis, "ranks": ranks,
                        "alerts": self.open_alerts(alert_where, [uid], ALERTS_PER_PERSON),
                        "alert_count": self.count_open_alerts(alert_where, [uid]),
                        "alerts_path": f"alerts/rep-{slug(uid)}.html",
                        "flags": self.rep_flags(wb),
                        "suggestions": suggestions[:SUGGESTIONS_ON_PAGE],
                        "suggestion_count": len(suggestions),
                        "suggestions_csv": f"{slug(uid)}-visits.csv" if suggestions else None,
                    }, charts)

    @staticmethod
    def rep_flags(wb: dict[str, Any] | None) -> list[tuple[str, str]]:
        """The warnings shown at the top of a workbench."""
        if not wb:
            return []
        flags = [label("below_visit_pace")] if wb.get("is_below_visit_pace") else []
        if wb.get("is_visit_bonus_cut_at_risk"):
            flags.append(label("visit_bonus_cut_at_risk"))
        if wb.get("is_funnel_healthy") is False:
            flags.append(label("coverage_below_target"))
        return flags

    def visit_pace(self, uid: str, wb: dict[str, Any]) -> Chart:
        days = self.r.rows("select date_day, is_working_day from {core.dim_date} where date_day between ? and ? "
                           "order by date_day", [self.month, self.as_of])
        counts = {r["activity_date"]: r["n"] for r in self.r.rows(
            "select activity_date, count(activity_id) as n from {core.fct_activities} where owner_user_id = ? "
            "and is_completed_visit and activity_month = ? group by activity_date", [uid, self.month])}
        threshold = wb.get("monthly_visit_threshold") or MONTHLY_VISIT_THRESHOLD_FALLBACK
        working_total = wb.get("working_days_in_month") or sum(1 for d in days if d["is_working_day"]) or 1
        cumulative, pace, running, worked = [], [], 0, 0
        for d in days:
            running += counts.get(d["date_day"], 0)
            worked += 1 if d["is_working_day"] else 0
            cumulative.append(running)
            pace.append(round(threshold * worked / working_total, 2))
        dates = [d["date_day"] for d in days]
        return Chart(
            "c-visit-pace", "bar", *label_fmt("visit_pace_chart", threshold=threshold), "count", dates,
            [f"{d.month}/{d.day}" for d in dates], [d.strftime("%b %d") for d in dates],
            [series(*label("visits_per_day"), [counts.get(d, 0) for d in dates], "actual",
                    series_src("core.fct_activities", "activity_date", "activity_id", "count",
                               owner_user_id=uid, is_completed_visit=True, activity_month=self.month)),
             series(*label("cumulative_visits"), cumulative, "positive", type="line"),
             series(*label("pace_to_threshold"), pace, "pace", type="line",
                    threshold=threshold, threshold_label_zh=label_fmt("threshold_line", threshold=threshold)[0],
                    threshold_label_en=label_fmt("threshold_line", threshold=threshold)[1])])

    def leaderboards(self) -> Page:
        self._use("leaderboards")
        # reps are ranked within their business line: software and content deals differ in size
        metrics = self.r.rows(
            "select metric_code, min(metric_name_zh) as zh, min(metric_name_en) as en, min(unit) as unit "
            "from {marts.leaderboard_rankings} where period_type = 'month' and period_start_date = ? "
            "and scope_type = 'business_line' group by metric_code order by metric_code", [self.month])
        lines = {r["scope_id"]: r["scope_name"] for r in self.r.rows(
            "select distinct scope_id, scope_name from {marts.leaderboard_rankings} "
            "where scope_type = 'business_line'")}
        line_order = sorted(lines, key=lambda c: ({"software": 0, "content": 1}.get(c, 9), c))
        boards, charts = [], []
        for m in metrics:
            panels = []
            for line in line_order:
                key = dict(period_type="month", period_start_date=self.month, scope_type="business_line",
                           scope_id=line, metric_code=m["metric_code"])
                rows = self.r.rows(
                    "select user_id, user_name, team_name, metric_value, rank_in_scope, ranked_reps_in_scope, "
                    "rank_change from {marts.leaderboard_rankings} where period_type = 'month' "
                    "and period_start_date = ? and scope_type = 'business_line' and scope_id = ? "
                    "and metric_code = ? order by rank_in_scope, user_id",
                    [self.month, line, m["metric_code"]])
                for r in rows:
                    r["fig"] = fig(r, "metric_value", m["unit"], "marts.leaderboard_rankings",
                                   user_id=r["user_id"], **key)
                top = rows[:10]
                chart = Chart(f"c-lb-{m['metric_code']}-{line}", "hbar", *label_fmt("leaderboard_top10_chart", metric=(m['zh'], m['en']), line=lines[line]),
                              m["unit"], [r["user_id"] for r in top], [r["user_name"] for r in top],
                              [r["user_name"] for r in top],
                              [series(m["zh"], m["en"], [r["metric_value"] for r in top], "actual",
                                      series_src("marts.leaderboard_rankings", "user_id", "metric_value", **key))])
                charts.append(chart)
                panels.append({"line": line, "line_name": lines[line], "rows": rows, "chart": chart})
            boards.append({"metric": m, "panels": panels})
        contest = self.r.rows(
            "select * from {marts.team_contest} where ? between period_start_date and period_end_date "
            "order by period_type, business_line desc, contest_rank, team_id", [self.as_of])
        for c in contest:
            c["line_name"] = self.line_name(c["business_line"])
            ck = dict(team_id=c["team_id"], period_type=c["period_type"], period_start_date=c["period_start_date"])
            c["bookings_fig"] = fig(c, "bookings_cny", "cny", "marts.team_contest", **ck)
            c["attainment_fig"] = fig(c, "attainment", "ratio", "marts.team_contest", **ck)
        feed = self.r.rows("select * from {marts.won_deal_feed} order by feed_sequence limit 25")
        for f in feed:
            f["amount_fig"] = fig(f, "total_amount_cny", "cny", "marts.won_deal_feed", contract_id=f["contract_id"])
        return Page("leaderboards", "leaderboards.html", *label("leaderboards_and_team_contest"),
                    "leaderboards.html.j2", {"boards": boards, "contest": contest, "feed": feed}, charts)

    def data_quality(self) -> Page:
        """Data-entry quality as of the build, from the same issues the workbenches list
        (dq_rep_scorecard_current / dq_team_scorecard_current over fct_data_quality_issues):
        open issues of any record date, and a score over the stated window."""
        self._use("data_quality")
        t = "data_quality.dq_rep_scorecard_current"
        reps = self.r.rows(f"select * from {{{t}}} order by dq_score nulls last, user_id")
        for r in reps:
            k = dict(user_id=r["user_id"])
            r["figs"] = {c: fig(r, c, u, t, **k) for c, u in (
                ("dq_score", "score"), ("weighted_issues_per_100_records", "number"),
                ("activity_on_time_rate", "ratio"), ("stage_change_on_time_rate", "ratio"),
                ("open_issues", "count"), ("critical_open_issues", "count"), ("records_entered", "count"))}
        tt = "data_quality.dq_team_scorecard_current"
        teams = self.r.rows(f"select s.*, t.team_name from {{{tt}}} s "
                            "left join {core.dim_teams} t on t.team_id = s.team_id "
                            "where s.team_id != '-1' order by s.team_id")
        for tm in teams:
            k = dict(team_id=tm["team_id"])
            tm["figs"] = {c: fig(tm, c, u, tt, **k) for c, u in (
                ("team_dq_score", "score"), ("open_issues", "count"), ("critical_open_issues", "count"),
                ("activity_on_time_rate", "ratio"), ("reps_with_open_issues", "count"))}
        rules = self.r.rows(
            "select rule_code, min(rule_name_zh) as zh, min(rule_name_en) as en, count(*) as open_issues "
            "from {data_quality.fct_data_quality_issues} where is_open "
            "group by rule_code order by open_issues desc, rule_code")
        scored = [r for r in reps if r["dq_score"] is not None]
        months = reps[0]["window_months"] if reps else None
        start = reps[0]["window_start_date"] if reps else None
        window = {"months": months, "start": start}
        charts = [
            Chart("c-dq-score", "hbar", *label_fmt("dq_score_per_rep_chart", months=months),
                  None, [r["user_id"] for r in scored], [r["user_name"] for r in scored],
                  [r["user_name"] for r in scored],
                  [series(*label("score"), [r["dq_score"] for r in scored], "actual",
                          series_src(t, "user_id", "dq_score"))], tall=True),
            Chart("c-dq-rules", "hbar", *label("open_issues_by_rule"), "count",
                  [r["rule_code"] for r in rules], [r["zh"] for r in rules], [r["en"] for r in rules],
                  [series(*label("open"), [r["open_issues"] for r in rules], "negative",
                          series_src("data_quality.fct_data_quality_issues", "rule_code", "finding_id",
                                     "count", is_open=True))]),
        ]
        return Page("data_quality", "data-quality.html", *label("data_entry_quality"),
                    "data_quality.html.j2", {"reps": reps, "teams": teams, "window": window}, charts)

    def indicator_tree(self) -> Page:
        self._use("indicator_tree")
        t = "marts.indicator_tree"
        rows = self.r.rows(f"select * from {{{t}}} where period_type = 'month' and period_start_date = ? "
                           "order by is_in_strategy_tree desc, tree_path", [self.month])
        for r in rows:
            k = dict(indicator_code=r["indicator_code"], period_type="month", period_start_date=self.month)
            r["actual_fig"] = fig(r, "actual_value", r["unit"], t, **k)
            r["target_fig"] = fig(r, "target_value", r["unit"], t, **k)
            r["attainment_fig"] = fig(r, "attainment_to_date", "ratio", t, **k)
            r["status_label"] = status_label(r["status_code"])
            model = indicator_models().get(r["indicator_code"])
            r["model_doc"] = (f"{self.dbt_docs_dir}/{model_anchor(model)}"
                              if self.dbt_docs_dir and model else None)
        strategy = [r for r in rows if r["is_in_strategy_tree"]]
        nodes = {r["indicator_code"]: {
            "code": r["indicator_code"], "name_zh": r["indicator_name_zh"], "name_en": r["indicator_name_en"],
            "actual": _num(r["actual_value"]), "target": _num(r["target_value"]), "unit": r["unit"],
            "status": r["status_code"], "children": []} for r in strategy}
        roots = []
        for r in strategy:
            parent = nodes.get(r["parent_indicator_code"] or "")
            (parent["children"] if parent else roots).append(nodes[r["indicator_code"]])
        tree = roots[0] if len(roots) == 1 else (
            {"code": "goal", "name_zh": label("business_goal")[0], "name_en": label("business_goal")[1], "actual": None, "target": None,
             "unit": None, "status": None, "children": roots} if roots else None)
        chart = Chart("c-tree", "tree", *label("indicator_tree_goal_strategies"), None, tree=tree, tall=True)
        return Page("indicator_tree", "indicator-tree.html", *label("indicator_tree"), "indicator_tree.html.j2",
                    {"strategy": strategy, "others": [r for r in rows if not r["is_in_strategy_tree"]]},
                    [chart] if tree else [])

    def index(self, pages: list[Page]) -> Page:
        self._use("index")
        reps = self.reps()
        teams = self.teams()
        return Page("index", "index.html", *label("sales_indicator_dashboards"), "index.html.j2",
                    {"pages": pages, "reps": reps, "teams": teams, "regions": self.regions(),
                     "dbt_docs_index": f"{self.dbt_docs_dir}/index.html" if self.dbt_docs_dir else None})

    def build_pages(self) -> list[Page]:
        self._use("index")                       # the lists of regions, teams and reps are the index's
        regions, teams, reps = self.regions(), self.teams(), self.reps()
        pages: list[Page] = [self.cockpit("company", None)]
        pages += [self.cockpit(reg["region_id"], reg) for reg in regions]
        pages += [self.team(t) for t in teams]
        pages += [self.rep(r) for r in reps]
        pages += [self.leaderboards(), self.data_quality(), self.indicator_tree()]
        pages += self.extra_pages
        return [self.index(pages)] + pages


# --------------------------------------------------------------------------- rendering
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(PACKAGE_DIR / "templates" / "site")),
                      autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["date"] = fmt_date
    env.filters["slug"] = slug
    env.filters["num"] = fmt_number
    env.filters["change"] = fmt_change
    env.globals["status_label"] = status_label
    env.globals["severity_label"] = severity_label
    env.globals["label"] = label
    env.globals["label_fmt"] = label_fmt
    env.globals["code_label"] = code_label
    return env


def render_site(builder: SiteBuilder, out_dir: Path, reports_index: str | None = None,
                before_swap: Callable[[Path], None] | None = None,
                crm: CrmLinks | None = None) -> list[Page]:
    """Write every page into a fresh folder, then swap it in place of ``out_dir``."""
    crm = CrmLinks.from_env() if crm is None else crm
    pages = builder.build_pages()
    env = _env()
    env.globals["crm"] = crm
    if not ECHARTS_JS.is_file():
        raise FileNotFoundError(f"{ECHARTS_JS} is missing: run `npm ci` (make site does) to install the chart library")
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    (tmp / "assets").mkdir(parents=True)
    shutil.copy2(ECHARTS_JS, tmp / "assets" / "echarts.min.js")
    for name in ("app.js", "style.css"):
        shutil.copy2(PACKAGE_DIR / "static" / name, tmp / "assets" / name)
    nav = [p for p in pages if p.kind in ("index", "leaderboards", "data_quality", "indicator_tree")
           or (p.kind == "cockpit" and p.path == "cockpit/company.html")]
    env.globals["rep_pages"] = {p.path[len("rep/"):-len(".html")] for p in pages if p.kind == "rep"}
    for page in pages:
        def render(xlsx_href: str | None) -> str:
            return env.get_template(page.template).render(
                page=page, ctx=page.context, charts=page.charts, nav=nav, as_of=builder.as_of,
                month=builder.month, prefix=page.depth_prefix, reports_index=reports_index,
                xlsx_href=xlsx_href,
                chart_json=script_safe_json([c.spec() for c in page.charts if c.has_data])
                .replace("</", "<\\/"))
        html = render(None)
        target = safe_output_path(tmp, page.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        sheets = page_sheets(html)
        if sheets:   # the page's tables as a workbook beside it, linked from the page
            xlsx = write_workbook(safe_output_path(tmp, page.path[:-len(".html")] + ".xlsx"), sheets,
                                  f"{page.title_zh} {page.title_en}")
            html = render(xlsx.name)
        target.write_text(html, encoding="utf-8")
    for relative, rows in builder.visit_csvs.items():
        write_visit_csv(safe_output_path(tmp, relative), rows, crm)
    if before_swap is not None:
        before_swap(tmp)
    # swap: the old site stays readable until the new one is complete, then two renames
    old = out_dir.with_name(out_dir.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if out_dir.exists():
        out_dir.rename(old)
    tmp.rename(out_dir)
    if old.exists():
        shutil.rmtree(old)
    return pages


def indicator_models() -> dict[str, str]:
    """indicator_code -> the mart model computing it (seeds/ref_indicator_catalog.csv model_name)."""
    with open(SEEDS / "ref_indicator_catalog.csv", encoding="utf-8", newline="") as f:
        return {row["indicator_code"]: row["model_name"] for row in csv.DictReader(f) if row.get("model_name")}


def build_site(warehouse: Path, out_dir: Path, with_reports: bool = True, with_dbt_docs: bool = False) -> SiteRun:
    """Build the site (and, by default, the role reports under ``reports/``) from the marts;
    with_dbt_docs also writes the static dbt docs site to ``dbt-docs/index.html`` (a DuckDB
    warehouse only: the docs catalog is read from it) and links it from the pages."""
    from .reports import build_reports

    report_runs: list[Any] = []
    with_dbt_docs = with_dbt_docs and Path(warehouse).is_file()

    def add_reports(tmp: Path) -> None:
        if with_reports:
            report_runs.append(build_reports(Path(warehouse), tmp / "reports"))
        if with_dbt_docs:
            build_dbt_docs(Path(warehouse), tmp / DBT_DOCS_DIR / "index.html")

    with MartReader(warehouse) as reader:
        builder = SiteBuilder(reader)
        builder.reports_dir = f"reports/{builder.as_of.isoformat()}" if with_reports else None
        builder.dbt_docs_dir = DBT_DOCS_DIR if with_dbt_docs else None
        reports_index = f"{builder.reports_dir}/index.html" if with_reports else None
        pages = render_site(builder, Path(out_dir), reports_index,
                            add_reports if with_reports or with_dbt_docs else None)
        reads = {k: set(v) for k, v in reader.reads.items()}
    return SiteRun(Path(out_dir), builder.as_of, pages, reads, report_runs[0] if report_runs else None)


__all__ = ["build_site", "SiteRun", "PAGE_CONSUMERS"]
