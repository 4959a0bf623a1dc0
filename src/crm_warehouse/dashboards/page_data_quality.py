"""The data-entry quality scorecard page."""

from __future__ import annotations

from .labels import label, label_fmt
from .site_builder import SiteBuilderBase
from .site_model import Chart, Page, fig, series, series_src


class DataQualityPage(SiteBuilderBase):
    """SiteBuilder.data_quality: data-quality.html."""

    def data_quality(self) -> Page:
        """Data-entry quality as of the build, from the same issues the workbenches list
        (dq_rep_scorecard_current / dq_team_scorecard_current over fct_data_quality_issues):
        open issues of any record date, and a score over the stated window."""
        self._use("data_quality")
        t = "data_quality.dq_rep_scorecard_current"
        reps = self.r.rows(f"select * from {{{t}}} order by dq_score nulls last, user_id")
        for r in reps:
            k = dict(user_id=r["user_id"])
            r["figs"] = {
                c: fig(r, c, u, t, **k)
                for c, u in (
                    ("dq_score", "score"),
                    ("weighted_issues_per_100_records", "number"),
                    ("activity_on_time_rate", "ratio"),
                    ("stage_change_on_time_rate", "ratio"),
                    ("open_issues", "count"),
                    ("critical_open_issues", "count"),
                    ("records_entered", "count"),
                )
            }
        tt = "data_quality.dq_team_scorecard_current"
        teams = self.r.rows(
            f"select s.*, t.team_name from {{{tt}}} s "
            "left join {core.dim_teams} t on t.team_id = s.team_id "
            "where s.team_id != '-1' order by s.team_id"
        )
        for tm in teams:
            k = dict(team_id=tm["team_id"])
            tm["figs"] = {
                c: fig(tm, c, u, tt, **k)
                for c, u in (
                    ("team_dq_score", "score"),
                    ("open_issues", "count"),
                    ("critical_open_issues", "count"),
                    ("activity_on_time_rate", "ratio"),
                    ("reps_with_open_issues", "count"),
                )
            }
        rules = self.r.rows(
            "select rule_code, min(rule_name_zh) as zh, min(rule_name_en) as en, count(*) as open_issues "
            "from {data_quality.fct_data_quality_issues} where is_open "
            "group by rule_code order by open_issues desc, rule_code"
        )
        scored = [r for r in reps if r["dq_score"] is not None]
        months = reps[0]["window_months"] if reps else None
        start = reps[0]["window_start_date"] if reps else None
        window = {"months": months, "start": start}
        charts = [
            Chart(
                "c-dq-score",
                "hbar",
                *label_fmt("dq_score_per_rep_chart", months=months),
                None,
                [r["user_id"] for r in scored],
                [r["user_name"] for r in scored],
                [r["user_name"] for r in scored],
                [
                    series(
                        *label("score"),
                        [r["dq_score"] for r in scored],
                        "actual",
                        series_src(t, "user_id", "dq_score"),
                    )
                ],
                tall=True,
            ),
            Chart(
                "c-dq-rules",
                "hbar",
                *label("open_issues_by_rule"),
                "count",
                [r["rule_code"] for r in rules],
                [r["zh"] for r in rules],
                [r["en"] for r in rules],
                [
                    series(
                        *label("open"),
                        [r["open_issues"] for r in rules],
                        "negative",
                        series_src(
                            "data_quality.fct_data_quality_issues",
                            "rule_code",
                            "finding_id",
                            "count",
                            is_open=True,
                        ),
                    )
                ],
            ),
        ]
        return Page(
            "data_quality",
            "data-quality.html",
            *label("data_entry_quality"),
            "data_quality.html.j2",
            {"reps": reps, "teams": teams, "window": window},
            charts,
        )
