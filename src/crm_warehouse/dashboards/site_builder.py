"""What every page of the site shares: the mart reader, the as-of month, people and teams, the
common charts (indicator trend, lead funnel, pipeline by stage) and the alert lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .labels import label, label_fmt
from .marts import MartReader
from .paths import slug
from .site_model import (
    PAGE_CONSUMERS,
    Chart,
    Page,
    add_months,
    key_where,
    month_labels,
    month_start,
    series,
    series_src,
    src,
    trend_months,
)


class SiteBuilderBase:
    """The shared state and queries of SiteBuilder; each page family adds its pages."""

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
        self.dbt_docs_dir: str | None = None  # the static dbt docs site, when built beside the pages
        self.extra_pages: list[Page] = []  # the full alert lists, written beside their pages
        self.visit_csvs: dict[str, list[dict[str, Any]]] = {}  # rep/<slug>-visits.csv -> rows

    # -- shared reads --------------------------------------------------------------------------
    def _use(self, kind: str) -> None:
        self.r.consumer = PAGE_CONSUMERS[kind]

    def stage_names(self) -> dict[str, tuple[str, str, int]]:
        """Stage code -> (Chinese name, English name, order)."""
        rows = self.r.rows(
            "select stage_code, stage_name_zh, stage_name_en, stage_order "
            "from {core.dim_stages} where not is_unknown order by stage_order"
        )
        return {r["stage_code"]: (r["stage_name_zh"], r["stage_name_en"], r["stage_order"]) for r in rows}

    def teams(self) -> list[dict[str, Any]]:
        """Every team (core.dim_teams), by region."""
        return self.r.rows(
            "select team_id, team_name, business_line, region_id, region_name, leader_user_id "
            "from {core.dim_teams} where not is_unknown order by region_id, team_id"
        )

    def reps(self) -> list[dict[str, Any]]:
        """Every active rep (core.dim_users), by team."""
        return self.r.rows(
            "select user_id, user_name, current_team_id as team_id, current_team_name as team_name, "
            "current_region_id as region_id from {core.dim_users} "
            "where is_rep and is_active and not is_unknown order by current_team_id, user_id"
        )

    def regions(self) -> list[dict[str, Any]]:
        """Every region (core.dim_teams)."""
        return self.r.rows(
            "select distinct region_id, region_name from {core.dim_teams} "
            "where not is_unknown order by region_id"
        )

    # -- shared charts -------------------------------------------------------------------------
    def indicator_trend(self, chart_id: str, code: str, grain: str, entity_id: str) -> Chart:
        """The monthly trend chart of one indicator for one entity."""
        rows = self.r.rows(
            "select period_start_date, indicator_name_zh, indicator_name_en, unit, actual_value, "
            "target_value, same_period_last_year_value from {marts.indicator_values} "
            "where indicator_code = ? and grain = ? and entity_id = ? and period_type = 'month' "
            "and period_start_date between ? and ? order by period_start_date",
            [code, grain, entity_id, self.months[0], self.months[-1]],
        )
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
            chart_id,
            "line",
            *label_fmt("indicator_trend_chart", indicator=(name_zh, name_en)),
            unit,
            months,
            zh,
            en,
            [
                series(
                    *label("actual"),
                    col("actual_value"),
                    "actual",
                    series_src("marts.indicator_values", "period_start_date", "actual_value", **key),
                ),
                series(
                    *label("target"),
                    col("target_value"),
                    "target",
                    series_src("marts.indicator_values", "period_start_date", "target_value", **key),
                ),
                series(
                    *label("same_month_last_year"),
                    col("same_period_last_year_value"),
                    "last_year",
                    series_src(
                        "marts.indicator_values", "period_start_date", "same_period_last_year_value", **key
                    ),
                ),
            ],
            note_zh=label("note_month_marked_to_date")[0],
            note_en=label("note_month_marked_to_date")[1],
        )

    def lead_funnel(self, chart_id: str, grain: str, entity_id: str, contract_key: dict[str, Any]) -> Chart:
        """The lead funnel chart of one entity."""
        codes = ["mql_count", "sql_count", "new_opportunity_count"]
        rows = self.r.rows(
            "select indicator_code, indicator_name_zh, indicator_name_en, actual_value "
            "from {marts.indicator_values} where grain = ? and entity_id = ? and period_type = 'month' "
            "and period_start_date = ? and indicator_code in ('mql_count', 'sql_count', 'new_opportunity_count')",
            [grain, entity_id, self.month],
        )
        found = {r["indicator_code"]: r for r in rows}
        where, params = key_where(contract_key)
        contracts = self.r.scalar(
            "select count(contract_id) as n from {core.fct_contracts} where signed_month = ? "
            f"and contract_type = 'new_business' and {where}",
            [self.month, *params],
        )
        labels_zh = [found.get(c, {}).get("indicator_name_zh", c) for c in codes] + [
            label("new_business_contracts")[0]
        ]
        labels_en = [found.get(c, {}).get("indicator_name_en", c) for c in codes] + [
            label("new_business_contracts")[1]
        ]
        data = [found.get(c, {}).get("actual_value") for c in codes] + [contracts]
        point_src = [
            src(
                "marts.indicator_values",
                "actual_value",
                indicator_code=c,
                grain=grain,
                entity_id=entity_id,
                period_type="month",
                period_start_date=self.month,
            )
            for c in codes
        ]
        point_src.append(
            src(
                "core.fct_contracts",
                "contract_id",
                "count",
                signed_month=self.month,
                contract_type="new_business",
                **contract_key,
            )
        )
        has_any = any(v not in (None, 0) for v in data)
        # Counts of each step this month (not one cohort of leads followed through), so they are
        # drawn as bars in funnel order rather than as a funnel shape that would imply conversion.
        conversion, win_rate = label("indicator.lead_to_opportunity_conversion"), label("indicator.win_rate")
        note = label_fmt(
            "lead_funnel_note",
            conversion=(conversion[0], conversion[1].lower()),
            win_rate=(win_rate[0], win_rate[1].lower()),
        )
        return Chart(
            chart_id,
            "hbar",
            *label("lead_to_contract_chart"),
            "count",
            codes + ["new_business_contracts"] if has_any else [],
            labels_zh,
            labels_en,
            [series(*label("count"), data, "actual", None, point_src=point_src)],
            note_zh=note[0],
            note_en=note[1],
        )

    def pipeline_by_stage(self, chart_id: str, **key: Any) -> Chart:
        """The open pipeline by stage chart."""
        names = self.stage_names()
        where, params = key_where(key)
        rows = self.r.rows(
            "select stage_code, sum(open_amount_cny) as amount, sum(weighted_amount_cny) as weighted "
            f"from {{marts.rep_workbench_funnel}} where {where} group by stage_code",
            params,
        )
        by_stage = {r["stage_code"]: r for r in rows}
        stages = [s for s in sorted(names, key=lambda s: names[s][2]) if s in by_stage]
        return Chart(
            chart_id,
            "bar",
            *label("open_pipeline_by_stage"),
            "cny",
            stages,
            [names[s][0] for s in stages],
            [names[s][1] for s in stages],
            [
                series(
                    *label("pipeline_amount"),
                    [by_stage[s]["amount"] for s in stages],
                    "actual",
                    series_src("marts.rep_workbench_funnel", "stage_code", "open_amount_cny", "sum", **key),
                ),
                series(
                    *label("weighted"),
                    [by_stage[s]["weighted"] for s in stages],
                    "target",
                    series_src(
                        "marts.rep_workbench_funnel", "stage_code", "weighted_amount_cny", "sum", **key
                    ),
                ),
            ],
        )

    def open_alerts(self, where: str, params: list[Any], limit: int = 30) -> list[dict[str, Any]]:
        """The open alerts matching a filter, most urgent first, at most ``limit``."""
        return self.r.rows(
            "select alert_id, rule_code, rule_name_zh, rule_name_en, severity, record_name, message_zh, "
            "message_en, first_raised_as_of, measured_value, threshold_value from {marts.fct_alerts} "
            f"where is_open and {where} order by case severity when 'critical' then 0 else 1 end, "
            "first_raised_as_of desc, alert_id limit ?",
            [*params, limit],
        )

    def count_open_alerts(self, where: str, params: list[Any]) -> int:
        """How many open alerts match a filter."""
        return int(
            self.r.scalar(f"select count(*) as n from {{marts.fct_alerts}} where is_open and {where}", params)
            or 0
        )

    def alert_list(
        self, name: str, scope_zh: str, scope_en: str, back_path: str, where: str, params: list[Any]
    ) -> Page:
        """Every open alert of a page's scope (the page itself lists the most urgent few); read
        under the parent page's consumer, from the same mart and with the same filter."""
        rows = self.open_alerts(where, params, 1_000_000)
        return Page(
            "alerts",
            f"alerts/{name}.html",
            *label_fmt("all_open_alerts_title", scope=(scope_zh, scope_en)),
            "alerts.html.j2",
            {"alerts": rows, "alert_count": len(rows), "back_path": back_path},
        )

    def report_links(self, role: str, entity_id: str | None) -> list[dict[str, str]]:
        """Links from a page to its role's daily, weekly and monthly reports (when built)."""
        if not self.reports_dir or not entity_id:
            return []
        return [
            {"zh": zh, "en": en, "path": f"{self.reports_dir}/{period}/{role}/{slug(entity_id)}.html"}
            for period, (zh, en) in (
                ("daily", label("report_link_daily")),
                ("weekly", label("report_link_weekly")),
                ("monthly", label("report_link_monthly")),
            )
        ]

    def team_lead_report_id(self, team_id: str) -> str | None:
        """The file name of a team's lead reports (the reports' own naming: a lead of several
        teams gets one report per team)."""
        from .roles import list_team_leads

        return next((lead.entity_id for lead in list_team_leads(self.r) if lead.team_id == team_id), None)

    def region_director(self, region: dict[str, Any] | None) -> str | None:
        """Whose director reports a cockpit links to: the company's, or the region's director."""
        if region is None:
            return "company"
        from .roles import list_directors

        for director in list_directors(self.r):
            if director.user_id and region["region_id"] in director.region_ids:
                return director.user_id
        return None

    def business_lines(self) -> list[dict[str, Any]]:
        """The business lines (software, content) with their names, as the marts name them. Read
        once, by the company cockpit (the first page built); later pages reuse the names."""
        if getattr(self, "_lines", None) is None:
            rows = self.r.rows(
                "select distinct entity_id, entity_name from {marts.director_cockpit_kpis} "
                "where grain = 'business_line' and entity_id != 'unknown'"
            )
            order = {"software": 0, "content": 1}
            self._lines = sorted(rows, key=lambda r: (order.get(r["entity_id"], 9), r["entity_id"]))
        return self._lines

    def line_name(self, code: str | None) -> str:
        """The display name of a business line code."""
        return next(
            (line["entity_name"] for line in self.business_lines() if line["entity_id"] == code), code or ""
        )
