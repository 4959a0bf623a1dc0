"""The team-lead boards, one page per team."""

from __future__ import annotations

from typing import Any

from . import site_model
from .labels import label, label_fmt
from .paths import slug
from .site_builder import SiteBuilderBase
from .site_model import (
    MEMBER_FLAGS,
    MONTHLY_VISIT_THRESHOLD_FALLBACK,
    PARTIAL_WEEK,
    Chart,
    Page,
    fig,
    series,
    series_src,
)


class TeamPages(SiteBuilderBase):
    """SiteBuilder.team: team/<team_id>.html."""

    def team(self, team: dict[str, Any]) -> Page:
        """The board of one team for its lead."""
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
                ("open_alerts_for_lead", "count", *label("open_alerts")),
            ):
                cards.append({"zh": zh, "en": en, "fig": fig(board, col, unit, t, team_id=tid)})
        members = self.r.rows(
            "select * from {marts.team_board_members} where team_id = ? "
            "order by bookings_rank_in_team, user_id",
            [tid],
        )
        mt = "marts.team_board_members"
        for m in members:
            m["figs"] = {
                c: fig(m, c, u, mt, user_id=m["user_id"])
                for c, u in (
                    ("bookings_mtd_cny", "cny"),
                    ("attainment_mtd", "ratio"),
                    ("visits_mtd", "count"),
                    ("visit_pace_target", "count"),
                    ("pipeline_coverage", "multiple"),
                    ("win_rate_in_window", "ratio"),
                    ("dq_score", "score"),
                    ("open_dq_issues", "count"),
                )
            }
            m["flags"] = [label(key) for flag, key in MEMBER_FLAGS if m.get(flag)]
        threshold = self.visit_threshold(tid)
        contest = self.r.rows(
            "select * from {marts.team_contest} where team_id = ? and "
            "? between period_start_date and period_end_date order by period_type",
            [tid, self.as_of],
        )
        weeks = self.r.rows(
            "select week_start_date, min(iso_week_label) as label, "
            "max(case when is_week_in_progress then 1 else 0 end) as in_progress, sum(visits) as visits, "
            "sum(ka_visits) as ka_visits, sum(won_deals) as won_deals from {marts.team_board_behavior_trend} "
            "where team_id = ? group by week_start_date order by week_start_date",
            [tid],
        )
        wk = [w["week_start_date"] for w in weeks]
        charts = [
            Chart(
                "c-member-visits",
                "bar",
                *label("members_visits_this_month_vs_pace"),
                "count",
                [m["user_id"] for m in members],
                [m["user_name"] for m in members],
                [m["user_name"] for m in members],
                [
                    series(
                        *label("visits_mtd"),
                        [m["visits_mtd"] for m in members],
                        "actual",
                        series_src(mt, "user_id", "visits_mtd", team_id=tid),
                        threshold=threshold,
                        threshold_label_zh=label_fmt("monthly_threshold", threshold=threshold)[0],
                        threshold_label_en=label_fmt("monthly_threshold", threshold=threshold)[1],
                    ),
                    series(
                        *label("visit_pace_target"),
                        [m["visit_pace_target"] for m in members],
                        "target",
                        series_src(mt, "user_id", "visit_pace_target", team_id=tid),
                        type="line",
                    ),
                ],
            ),
            Chart(
                "c-weekly",
                "line",
                *label("team_behavior_last_8_weeks"),
                "count",
                wk,
                [w["label"] + (PARTIAL_WEEK[0] if w["in_progress"] else "") for w in weeks],
                [w["label"] + (PARTIAL_WEEK[1] if w["in_progress"] else "") for w in weeks],
                [
                    series(
                        *label("visits"),
                        [w["visits"] for w in weeks],
                        "actual",
                        series_src(
                            "marts.team_board_behavior_trend", "week_start_date", "visits", "sum", team_id=tid
                        ),
                    ),
                    series(
                        *label("ka_visits"),
                        [w["ka_visits"] for w in weeks],
                        "pace",
                        series_src(
                            "marts.team_board_behavior_trend",
                            "week_start_date",
                            "ka_visits",
                            "sum",
                            team_id=tid,
                        ),
                    ),
                    series(
                        *label("deals_won"),
                        [w["won_deals"] for w in weeks],
                        "positive",
                        series_src(
                            "marts.team_board_behavior_trend",
                            "week_start_date",
                            "won_deals",
                            "sum",
                            team_id=tid,
                        ),
                    ),
                ],
                note_zh=label("note_week_marked_in_progress")[0],
                note_en=label("note_week_marked_in_progress")[1],
            ),
            self.indicator_trend("c-bookings-trend", "bookings_amount", "team", tid),
            self.pipeline_by_stage("c-pipeline", team_id=tid),
        ]
        dq = self.r.one(
            "select * from {data_quality.dq_team_summary_monthly} where team_id = ? and month_start_date = ?",
            [tid, self.month],
        )
        dq_fig = fig(
            dq,
            "team_dq_score",
            "score",
            "data_quality.dq_team_summary_monthly",
            team_id=tid,
            month_start_date=self.month,
        )
        alert_where = "action_role = 'team_lead' and team_id = ?"
        self.extra_pages.append(
            self.alert_list(
                f"team-{slug(tid)}",
                *label_fmt("team_board_title", zh_name=team["team_name"], en_name=tid),
                f"team/{slug(tid)}.html",
                alert_where,
                [tid],
            )
        )
        return Page(
            "team",
            f"team/{slug(tid)}.html",
            *label_fmt("team_board_title", zh_name=team["team_name"], en_name=tid),
            "team.html.j2",
            {
                "report_links": self.report_links("team_lead", self.team_lead_report_id(tid)),
                "team": team,
                "board": board,
                "cards": cards,
                "members": members,
                "contest": contest,
                "line_name": self.line_name(team.get("business_line")),
                "dq_fig": dq_fig,
                "alerts": self.open_alerts(alert_where, [tid], site_model.ALERTS_PER_PERSON),
                "alert_count": self.count_open_alerts(alert_where, [tid]),
                "threshold": threshold,
                "alerts_path": f"alerts/team-{slug(tid)}.html",
            },
            charts,
        )

    def visit_threshold(self, team_id: str) -> int:
        """The monthly face-to-face visit threshold the team's workbenches are measured against."""
        value = self.r.scalar(
            "select max(monthly_visit_threshold) as t from {marts.rep_workbench} where team_id = ?", [team_id]
        )
        return int(value) if value is not None else MONTHLY_VISIT_THRESHOLD_FALLBACK
