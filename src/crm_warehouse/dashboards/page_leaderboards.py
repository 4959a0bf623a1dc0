"""The leaderboards page: leaderboards, team contest, won-deal feed."""

from __future__ import annotations

from .labels import label, label_fmt
from .site_builder import SiteBuilderBase
from .site_model import Chart, Page, fig, series, series_src


class LeaderboardsPage(SiteBuilderBase):
    """SiteBuilder.leaderboards: leaderboards.html."""

    def leaderboards(self) -> Page:
        """The leaderboards page: rankings, team contest and won-deal feed."""
        self._use("leaderboards")
        # reps are ranked within their business line: software and content deals differ in size
        metrics = self.r.rows(
            "select metric_code, min(metric_name_zh) as zh, min(metric_name_en) as en, min(unit) as unit "
            "from {marts.leaderboard_rankings} where period_type = 'month' and period_start_date = ? "
            "and scope_type = 'business_line' group by metric_code order by metric_code",
            [self.month],
        )
        lines = {
            r["scope_id"]: r["scope_name"]
            for r in self.r.rows(
                "select distinct scope_id, scope_name from {marts.leaderboard_rankings} "
                "where scope_type = 'business_line'"
            )
        }
        line_order = sorted(lines, key=lambda c: ({"software": 0, "content": 1}.get(c, 9), c))
        boards, charts = [], []
        for m in metrics:
            panels = []
            for line in line_order:
                key = dict(
                    period_type="month",
                    period_start_date=self.month,
                    scope_type="business_line",
                    scope_id=line,
                    metric_code=m["metric_code"],
                )
                rows = self.r.rows(
                    "select user_id, user_name, team_name, metric_value, rank_in_scope, ranked_reps_in_scope, "
                    "rank_change from {marts.leaderboard_rankings} where period_type = 'month' "
                    "and period_start_date = ? and scope_type = 'business_line' and scope_id = ? "
                    "and metric_code = ? order by rank_in_scope, user_id",
                    [self.month, line, m["metric_code"]],
                )
                for r in rows:
                    r["fig"] = fig(
                        r,
                        "metric_value",
                        m["unit"],
                        "marts.leaderboard_rankings",
                        user_id=r["user_id"],
                        **key,
                    )
                top = rows[:10]
                chart = Chart(
                    f"c-lb-{m['metric_code']}-{line}",
                    "hbar",
                    *label_fmt("leaderboard_top10_chart", metric=(m["zh"], m["en"]), line=lines[line]),
                    m["unit"],
                    [r["user_id"] for r in top],
                    [r["user_name"] for r in top],
                    [r["user_name"] for r in top],
                    [
                        series(
                            m["zh"],
                            m["en"],
                            [r["metric_value"] for r in top],
                            "actual",
                            series_src("marts.leaderboard_rankings", "user_id", "metric_value", **key),
                        )
                    ],
                )
                charts.append(chart)
                panels.append({"line": line, "line_name": lines[line], "rows": rows, "chart": chart})
            boards.append({"metric": m, "panels": panels})
        contest = self.r.rows(
            "select * from {marts.team_contest} where ? between period_start_date and period_end_date "
            "order by period_type, business_line desc, contest_rank, team_id",
            [self.as_of],
        )
        for c in contest:
            c["line_name"] = self.line_name(c["business_line"])
            ck = dict(
                team_id=c["team_id"], period_type=c["period_type"], period_start_date=c["period_start_date"]
            )
            c["bookings_fig"] = fig(c, "bookings_cny", "cny", "marts.team_contest", **ck)
            c["attainment_fig"] = fig(c, "attainment", "ratio", "marts.team_contest", **ck)
        feed = self.r.rows("select * from {marts.won_deal_feed} order by feed_sequence limit 25")
        for f in feed:
            f["amount_fig"] = fig(
                f, "total_amount_cny", "cny", "marts.won_deal_feed", contract_id=f["contract_id"]
            )
        return Page(
            "leaderboards",
            "leaderboards.html",
            *label("leaderboards_and_team_contest"),
            "leaderboards.html.j2",
            {"boards": boards, "contest": contest, "feed": feed},
            charts,
        )
