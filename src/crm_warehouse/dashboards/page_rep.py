"""The rep workbenches, one page per active rep."""

from __future__ import annotations

from typing import Any

from . import site_model
from .labels import label, label_fmt
from .paths import slug
from .site_builder import SiteBuilderBase
from .site_model import (
    MONTHLY_VISIT_THRESHOLD_FALLBACK,
    SUGGESTIONS_ON_PAGE,
    Chart,
    Page,
    fig,
    series,
    series_src,
)


class RepPages(SiteBuilderBase):
    """SiteBuilder.rep: rep/<user_id>.html."""

    def rep(self, rep: dict[str, Any]) -> Page:
        """The workbench of one rep."""
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
                ("open_alerts", "count", *label("open_alerts")),
            ):
                cards.append({"zh": zh, "en": en, "fig": fig(wb, col, unit, t, user_id=uid), "col": col})
        charts: list[Chart] = []
        if wb:
            charts = [
                self.visit_pace(uid, wb),
                self.indicator_trend("c-bookings-trend", "bookings_amount", "rep", uid),
                self.lead_funnel("c-funnel", "rep", uid, {"owner_user_id": uid}),
                self.pipeline_by_stage("c-pipeline", user_id=uid),
            ]
            profile = self.r.rows(
                "select metric_code, metric_name_zh, metric_name_en, peer_percentile "
                "from {marts.rep_diagnosis_profile} where user_id = ? order by metric_code",
                [uid],
            )
            if profile:
                charts.append(
                    Chart(
                        "c-profile",
                        "hbar",
                        *label("profile_percentile_among_peers"),
                        "ratio",
                        [p["metric_code"] for p in profile],
                        [p["metric_name_zh"] for p in profile],
                        [p["metric_name_en"] for p in profile],
                        [
                            series(
                                *label("percentile"),
                                [p["peer_percentile"] for p in profile],
                                "actual",
                                series_src(
                                    "marts.rep_diagnosis_profile",
                                    "metric_code",
                                    "peer_percentile",
                                    user_id=uid,
                                ),
                            )
                        ],
                    )
                )
        visits = self.r.rows(
            "select * from {marts.rep_workbench_visits} where user_id = ? "
            "order by visit_list_code, planned_at, activity_id",
            [uid],
        )
        stalled = self.r.rows(
            "select * from {marts.rep_workbench_stalled_opportunities} where user_id = ? "
            "order by days_in_stage desc, opportunity_id limit 20",
            [uid],
        )
        for s in stalled:
            s["amount_fig"] = fig(
                s,
                "amount_cny",
                "cny",
                "marts.rep_workbench_stalled_opportunities",
                opportunity_id=s["opportunity_id"],
            )
        dq = self.r.rows(
            "select * from {marts.rep_workbench_dq_issues} where user_id = ? "
            "order by days_open desc, finding_id limit 20",
            [uid],
        )
        suggestions = self.r.rows(
            "select * from {marts.rep_visit_suggestions} where user_id = ? order by visit_rank", [uid]
        )
        for g in suggestions:
            g["amount_fig"] = fig(
                g,
                "stalled_amount_cny",
                "cny",
                "marts.rep_visit_suggestions",
                user_id=uid,
                account_id=g["account_id"],
            )
        if suggestions:
            self.visit_csvs[f"rep/{slug(uid)}-visits.csv"] = suggestions
        diagnosis = self.r.rows(
            "select * from {marts.rep_diagnosis} where user_id = ? order by finding_type, finding_code", [uid]
        )
        ranks = self.r.rows(
            "select metric_code, metric_name_zh, metric_name_en, unit, metric_value, rank_in_scope, "
            "ranked_reps_in_scope, rank_change from {marts.leaderboard_rankings} where user_id = ? "
            "and period_type = 'month' and period_start_date = ? and scope_type = 'team' order by metric_code",
            [uid, self.month],
        )
        for k in ranks:
            k["fig"] = fig(
                k,
                "metric_value",
                k["unit"],
                "marts.leaderboard_rankings",
                user_id=uid,
                period_type="month",
                period_start_date=self.month,
                scope_type="team",
                metric_code=k["metric_code"],
            )
        alert_where = "action_user_id = ?"
        self.extra_pages.append(
            self.alert_list(
                f"rep-{slug(uid)}",
                *label_fmt("rep_workbench_title", name=rep["user_name"]),
                f"rep/{slug(uid)}.html",
                alert_where,
                [uid],
            )
        )
        return Page(
            "rep",
            f"rep/{slug(uid)}.html",
            *label_fmt("rep_workbench_title", name=rep["user_name"]),
            "rep.html.j2",
            {
                "report_links": self.report_links("rep", uid),
                "rep": rep,
                "wb": wb,
                "has_data": wb is not None,
                "cards": cards,
                "visits": visits,
                "stalled": stalled,
                "dq": dq,
                "diagnosis": diagnosis,
                "ranks": ranks,
                "alerts": self.open_alerts(alert_where, [uid], site_model.ALERTS_PER_PERSON),
                "alert_count": self.count_open_alerts(alert_where, [uid]),
                "alerts_path": f"alerts/rep-{slug(uid)}.html",
                "flags": self.rep_flags(wb),
                "suggestions": suggestions[:SUGGESTIONS_ON_PAGE],
                "suggestion_count": len(suggestions),
                "suggestions_csv": f"{slug(uid)}-visits.csv" if suggestions else None,
            },
            charts,
        )

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
        """The chart of a rep's visits in the month against the pace over its working days."""
        days = self.r.rows(
            "select date_day, is_working_day from {core.dim_date} where date_day between ? and ? "
            "order by date_day",
            [self.month, self.as_of],
        )
        counts = {
            r["activity_date"]: r["n"]
            for r in self.r.rows(
                "select activity_date, count(activity_id) as n from {core.fct_activities} where owner_user_id = ? "
                "and is_completed_visit and activity_month = ? group by activity_date",
                [uid, self.month],
            )
        }
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
            "c-visit-pace",
            "bar",
            *label_fmt("visit_pace_chart", threshold=threshold),
            "count",
            dates,
            [f"{d.month}/{d.day}" for d in dates],
            [d.strftime("%b %d") for d in dates],
            [
                series(
                    *label("visits_per_day"),
                    [counts.get(d, 0) for d in dates],
                    "actual",
                    series_src(
                        "core.fct_activities",
                        "activity_date",
                        "activity_id",
                        "count",
                        owner_user_id=uid,
                        is_completed_visit=True,
                        activity_month=self.month,
                    ),
                ),
                series(*label("cumulative_visits"), cumulative, "positive", type="line"),
                series(
                    *label("pace_to_threshold"),
                    pace,
                    "pace",
                    type="line",
                    threshold=threshold,
                    threshold_label_zh=label_fmt("threshold_line", threshold=threshold)[0],
                    threshold_label_en=label_fmt("threshold_line", threshold=threshold)[1],
                ),
            ],
        )
