"""The director cockpit pages (company and one per region) and the business-line figures."""

from __future__ import annotations

from typing import Any

from .formatting import fmt_change, status_label
from .labels import label, label_fmt
from .paths import slug
from .site_builder import SiteBuilderBase
from .site_model import ALERTS_ON_COCKPIT, Chart, Fig, Page, fig, month_labels, series, series_src, src


class CockpitPages(SiteBuilderBase):
    """SiteBuilder.cockpit: cockpit/company.html and cockpit/<region_id>.html."""

    # -- pages ---------------------------------------------------------------------------------
    def cockpit(self, scope: str, region: dict[str, Any] | None) -> Page:
        """The director cockpit of the company (no region) or of one region."""
        self._use("cockpit")
        grain, entity_id = ("company", "company") if region is None else ("region", region["region_id"])
        kpi_key = dict(grain=grain, entity_id=entity_id)
        kpis = self.r.rows(
            "select * from {marts.director_cockpit_kpis} where grain = ? and entity_id = ? "
            "and period_type = 'month' and period_start_date = ? order by display_order",
            [grain, entity_id, self.month],
        )
        sections: list[dict[str, Any]] = []
        for row in kpis:
            if not sections or sections[-1]["code"] != row["section_code"]:
                sections.append(
                    {
                        "code": row["section_code"],
                        "zh": row["section_name_zh"],
                        "en": row["section_name_en"],
                        "cards": [],
                    }
                )
            sections[-1]["cards"].append(
                self._kpi_card(
                    row,
                    "marts.director_cockpit_kpis",
                    **kpi_key,
                    period_type="month",
                    period_start_date=self.month,
                )
            )
        periods = self.r.rows(
            "select * from {marts.director_cockpit_kpis} where grain = ? and entity_id = ? "
            "and section_code = 'results' and period_type in ('quarter', 'year') "
            "and ? between period_start_date and period_end_date order by period_type, display_order",
            [grain, entity_id, self.as_of],
        )
        period_rows = [
            self._kpi_card(
                r,
                "marts.director_cockpit_kpis",
                **kpi_key,
                period_type=r["period_type"],
                period_start_date=r["period_start_date"],
            )
            | {"period_type": r["period_type"]}
            for r in periods
        ]

        teams = [t for t in self.teams() if region is None or t["region_id"] == region["region_id"]]
        team_ids = [t["team_id"] for t in teams]
        contest_key: dict[str, Any] = dict(period_type="month", period_start_date=self.month)
        if region is not None:
            contest_key["region_id"] = region["region_id"]
        contest = self.r.rows(
            "select team_id, team_name, business_line, attainment, bookings_cny, quota_cny, contest_rank, "
            "teams_in_contest from {marts.team_contest} where period_type = 'month' and period_start_date = ? "
            + ("and region_id = ? " if region is not None else "")
            + "order by business_line desc, contest_rank, team_id",
            [self.month] + ([region["region_id"]] if region is not None else []),
        )
        for c in contest:
            c["line_name"] = self.line_name(c["business_line"])
        charts = [
            self.indicator_trend("c-bookings-trend", "bookings_amount", grain, entity_id),
            self.lead_funnel(
                "c-funnel", grain, entity_id, {} if region is None else {"team_id_at_signed": team_ids}
            ),
            self.pipeline_by_stage("c-pipeline", **({} if region is None else {"team_id": team_ids})),
            self.arr_movements("c-arr", grain, entity_id),
            Chart(
                "c-contest",
                "hbar",
                *label_fmt("team_contest_by_line", attainment=label("attainment_mtd")),
                "ratio",
                [c["team_id"] for c in contest],
                [f"{c['team_name']} · {c['line_name']}" for c in contest],
                [f"{c['team_name']} · {c['line_name']}" for c in contest],
                [
                    series(
                        *label("attainment_mtd"),
                        [c["attainment"] for c in contest],
                        "actual",
                        series_src("marts.team_contest", "team_id", "attainment", **contest_key),
                        threshold=1.0,
                        threshold_label_zh=label("target_100")[0],
                        threshold_label_en=label("target_100")[1],
                    )
                ],
            ),
        ]
        region_rows = []
        if region is None:
            for reg in self.regions():
                key = dict(
                    grain="region",
                    entity_id=reg["region_id"],
                    period_type="month",
                    period_start_date=self.month,
                )
                vals = {
                    r["indicator_code"]: r
                    for r in self.r.rows(
                        "select indicator_code, actual_value, attainment_to_date, status_code from "
                        "{marts.indicator_values} where grain = 'region' and entity_id = ? and period_type = 'month' "
                        "and period_start_date = ? and indicator_code in ('bookings_amount', 'quota_attainment', "
                        "'win_rate', 'visit_count', 'pipeline_amount')",
                        [reg["region_id"], self.month],
                    )
                }
                region_rows.append(
                    {
                        "region": reg,
                        "figs": {
                            c: Fig(
                                vals.get(c, {}).get("actual_value"),
                                u,
                                src("marts.indicator_values", "actual_value", indicator_code=c, **key),
                            )
                            for c, u in (
                                ("bookings_amount", "cny"),
                                ("quota_attainment", "ratio"),
                                ("win_rate", "ratio"),
                                ("visit_count", "count"),
                                ("pipeline_amount", "cny"),
                            )
                        },
                        "status": vals.get("bookings_amount", {}).get("status_code"),
                    }
                )
        line_rows = self.business_line_rows() if region is None else []
        accounts = self.r.rows(
            "select * from {marts.director_cockpit_super_large_accounts} "
            + ("where owner_region_id = ? " if region is not None else "")
            + "order by arr_cny desc nulls last, account_id limit 15",
            [region["region_id"]] if region is not None else [],
        )
        for a in accounts:
            a["arr_fig"] = fig(
                a, "arr_cny", "cny", "marts.director_cockpit_super_large_accounts", account_id=a["account_id"]
            )
            a["pipeline_fig"] = fig(
                a,
                "open_pipeline_cny",
                "cny",
                "marts.director_cockpit_super_large_accounts",
                account_id=a["account_id"],
            )
        incentives = self.r.rows(
            "select * from {marts.director_cockpit_incentives} where (is_visit_bonus_cut_at_risk "
            "or was_below_threshold_previous_month) "
            + ("and region_id = ? " if region is not None else "")
            + "order by visits_to_plan desc, user_id",
            [region["region_id"]] if region is not None else [],
        )
        for i in incentives:
            i["visits_fig"] = fig(
                i, "visits_mtd", "count", "marts.director_cockpit_incentives", user_id=i["user_id"]
            )
            i["prev_fig"] = fig(
                i, "visits_previous_month", "count", "marts.director_cockpit_incentives", user_id=i["user_id"]
            )
        # directors follow the critical alerts of everyone in their scope, whoever has to act on them
        alert_where, alert_params = ("severity = 'critical'", [])
        if region is not None:
            alert_where, alert_params = ("severity = 'critical' and region_id = ?", [region["region_id"]])
        name_zh = label("company")[0] if region is None else region["region_name"]
        title = label_fmt(
            "cockpit_title", scope=(name_zh, label("company")[1] if region is None else region["region_id"])
        )
        self.extra_pages.append(
            self.alert_list(
                f"cockpit-{slug(scope)}", *title, f"cockpit/{slug(scope)}.html", alert_where, alert_params
            )
        )
        return Page(
            "cockpit",
            f"cockpit/{slug(scope)}.html",
            *title,
            "cockpit.html.j2",
            {
                "scope_name": name_zh,
                "is_company": region is None,
                "sections": sections,
                "period_rows": period_rows,
                "region_rows": region_rows,
                "accounts": accounts,
                "incentives": incentives,
                "contest": contest,
                "line_rows": line_rows,
                "lines": self.business_lines(),
                "alerts": self.open_alerts(alert_where, alert_params, ALERTS_ON_COCKPIT),
                "report_links": self.report_links("director", self.region_director(region)),
                "alert_count": self.count_open_alerts(alert_where, alert_params),
                "alerts_path": f"alerts/cockpit-{slug(scope)}.html",
            },
            charts,
        )

    def business_line_rows(self) -> list[dict[str, Any]]:
        """Software vs content: every cockpit indicator of the month, one figure per line."""
        lines = self.business_lines()
        rows = self.r.rows(
            "select * from {marts.director_cockpit_kpis} where grain = 'business_line' "
            "and period_type = 'month' and period_start_date = ? order by display_order, entity_id",
            [self.month],
        )
        by_code: dict[str, dict[str, Any]] = {}
        for r in rows:
            item = by_code.setdefault(
                r["indicator_code"],
                {
                    "code": r["indicator_code"],
                    "zh": r["indicator_name_zh"],
                    "en": r["indicator_name_en"],
                    "window_zh": r["window_label_zh"],
                    "window_en": r["window_label_en"],
                    "figs": {},
                },
            )
            item["figs"][r["entity_id"]] = fig(
                r,
                "actual_value",
                r["unit"],
                "marts.director_cockpit_kpis",
                grain="business_line",
                entity_id=r["entity_id"],
                period_type="month",
                period_start_date=self.month,
                indicator_code=r["indicator_code"],
            )
        for item in by_code.values():
            for line in lines:
                item["figs"].setdefault(line["entity_id"], Fig(None, None))
        return list(by_code.values())

    def _kpi_card(self, row: dict[str, Any], table: str, **key: Any) -> dict[str, Any]:
        key = dict(key, indicator_code=row["indicator_code"])
        unit = row["unit"]
        return {
            "code": row["indicator_code"],
            "zh": row["indicator_name_zh"],
            "en": row["indicator_name_en"],
            "actual": fig(row, "actual_value", unit, table, **key),
            "target": fig(row, "target_value", unit, table, **key),
            "attainment": fig(row, "attainment_to_date", "ratio", table, **key),
            "status": row.get("status_code"),
            "status_label": status_label(row.get("status_code")),
            "mom": fmt_change(row.get("change_vs_prior_period_ratio")),
            "yoy": fmt_change(row.get("change_vs_last_year_ratio")),
            "window_zh": row.get("window_label_zh") or "",
            "window_en": row.get("window_label_en") or "",
            "comparable": row.get("is_change_comparable") is not False,
        }

    def arr_movements(self, chart_id: str, grain: str, entity_id: str) -> Chart:
        """The chart of ARR movements by month (new, expansion, reactivation, contraction, churn)."""
        rows = self.r.rows(
            "select period_start_date, arr_new_amount, arr_expansion_amount, arr_reactivation_amount, "
            "arr_contraction_amount, arr_churned_amount from {marts.saas_economics} where grain = ? "
            "and entity_id = ? and period_type = 'month' and period_start_date between ? and ? "
            "order by period_start_date",
            [grain, entity_id, self.months[0], self.months[-1]],
        )
        by_month = {r["period_start_date"]: r for r in rows}
        months = self.months if rows else []
        zh, en = month_labels(months, self.partial_month)
        key = dict(grain=grain, entity_id=entity_id, period_type="month")
        parts = [
            ("arr_new_amount", *label("arr_movement_new"), "positive"),
            ("arr_expansion_amount", *label("arr_movement_expansion"), "actual"),
            ("arr_reactivation_amount", *label("arr_movement_reactivation"), "last_year"),
            ("arr_contraction_amount", *label("arr_movement_contraction"), "pace"),
            ("arr_churned_amount", *label("arr_movement_churn"), "negative"),
        ]
        return Chart(
            chart_id,
            "bar",
            *label("arr_movements_by_month"),
            "cny",
            months,
            zh,
            en,
            [
                series(
                    z,
                    e,
                    [by_month.get(m, {}).get(c) for m in months],
                    s,
                    series_src("marts.saas_economics", "period_start_date", c, **key),
                    stack="arr",
                )
                for c, z, e, s in parts
            ],
        )
