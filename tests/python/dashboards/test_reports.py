"""Role reports (日报 / 周报 / 月报): every figure checked against the marts with independent SQL.

Uses the warehouse in CRM_TEST_DUCKDB when set (``make test`` points it at the freshly built
test warehouse), else warehouse/crm.duckdb. The reports are generated once into a temporary
folder; each test parses the Markdown itself and compares it with its own queries.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import duckdb
import pytest

from crm_warehouse.dashboards.reports import build_reports
from report_helpers import (
    CONSUMERS,
    NO_DATA_TEXT,
    PERIODS,
    active_reps,
    director_regions,
    ids,
    iso_week,
    kv,
    last_week_window,
    number,
    q,
    read,
    section,
    sections,
    table,
    team_leads,
)


# -- coverage and shape --------------------------------------------------------------------
def test_one_report_per_person_and_period(run, con):
    expected = {
        "rep": set(active_reps(con)),
        "team_lead": set(team_leads(con)),
        "director": set(director_regions(con)) | {"company"},
    }
    assert expected["rep"] and expected["team_lead"] and len(expected["director"]) > 1
    for period in PERIODS:
        for role, entities in expected.items():
            folder = run.out_dir / period / role
            for ext in ("md", "html"):
                found = {p.stem for p in folder.glob(f"*.{ext}")}
                assert found == entities, (period, role, ext)
    index = (run.out_dir / "index.md").read_text(encoding="utf-8")
    links = set(re.findall(r"\]\(([^)]+\.html)\)", index))
    assert len(links) == sum(len(e) for e in expected.values()) * len(PERIODS)
    assert all((run.out_dir / link).is_file() for link in links)
    assert (run.out_dir / "index.html").is_file()


def test_html_is_self_contained(run):
    pages = list(run.out_dir.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        text = page.read_text(encoding="utf-8").lower()
        assert "http://" not in text and "https://" not in text, page
        assert "<script" not in text and "<link" not in text and "<iframe" not in text, page
        assert text.startswith("<!doctype html>") and "<style>" in text, page


def test_reads_stay_in_mart_schemas(run):
    assert set(run.qualified_reads) == CONSUMERS
    assert set(run.reads) == CONSUMERS
    for consumer, tables in run.qualified_reads.items():
        assert tables, consumer
        schemas = {t.split(".", 1)[0] for t in tables}
        assert schemas <= {"core", "marts", "data_quality"}, (consumer, schemas)
        assert {t.split(".", 1)[1] for t in tables} == run.reads[consumer], consumer
    assert "indicator_values" in run.reads["rep_monthly_report"]
    assert "team_board_members" in run.reads["team_lead_daily_report"]


def test_weekly_reports_never_set_a_part_week_against_a_full_one(run, con, as_of):
    """A director's check: on a Wednesday, "this week" has 3 days, so last week is counted
    Monday to Wednesday too and the column says so; the change is computed on those."""
    monday, sunday = iso_week(as_of)
    in_progress = as_of < sunday
    days = (as_of - monday).days + 1
    last_from, last_to = last_week_window(as_of)
    files = sorted(run.out_dir.glob("weekly/*/*.md"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        if NO_DATA_TEXT in text:
            continue
        body = next(b for t, b in sections(text).items() if t.startswith("本周与上周"))
        labels = [k for k in kv(body)] + [h for row in table(body)[:1] for h in row]
        last = [label for label in labels if label.startswith("上周")]
        assert last, path
        for label in last:
            if in_progress:
                assert "同期" in label and f"same {days} days" in label, (path, label)
            else:
                assert "同期" not in label, (path, label)
    for rep in active_reps(con):
        text = read(run, "weekly", "rep", rep)
        if NO_DATA_TEXT in text:
            continue
        figures = kv(section(text, "本周与上周"))
        label = next(k for k in figures if k.startswith("上周"))
        this_week, last_week = q(
            con,
            """
            select count(*) filter (where activity_date between ? and ?),
                   count(*) filter (where activity_date between ? and ?)
            from core.fct_activities where owner_user_id = ? and is_completed_visit""",
            [monday, as_of, last_from, last_to, rep],
        )[0]
        assert number(figures[label]) == last_week, rep
        change = figures["面访变化 Change in visits"]
        if last_week:
            assert number(change) == pytest.approx((this_week - last_week) / last_week, abs=0.0006), rep


def test_top_and_bottom_three_equal_leaderboard(run, con, as_of):
    month = as_of.replace(day=1)

    def ranking(scope_type: str, scope_id: str) -> list[tuple[str, int]]:
        return [
            (r[0], r[1])
            for r in q(
                con,
                """
            select user_id, rank_in_scope from marts.leaderboard_rankings
            where period_type = 'month' and period_start_date = ?
              and metric_code = 'bookings_amount' and scope_type = ? and scope_id = ?
            order by rank_in_scope, user_id""",
                [month, scope_type, scope_id],
            )
        ]

    def shown(text: str, prefix: str) -> list[tuple[str, int]]:
        rows = table(section(text, prefix))
        return list(
            zip(ids(rows, "销售 Rep"), (int(r["名次 Rank"].split("/")[0]) for r in rows), strict=False)
        )

    cases = [("weekly", "team_lead", lead, "team", team, "") for lead, team in team_leads(con).items()]
    # the company director sees each business line ranked on its own
    for line, name in (("software", "软件 Software"), ("content", "内容 Content")):
        cases.append(
            ("monthly", "director", "company", "business_line", line, f"业务线 Business line: {name}")
        )
    for director, regions in director_regions(con).items():
        if len(regions) == 1:
            cases.append(("monthly", "director", director, "region", next(iter(regions)), ""))
    for period, role, entity, scope_type, scope_id, label in cases:
        text = read(run, period, role, entity)
        ranks = ranking(scope_type, scope_id)
        assert ranks, (entity, scope_id)
        top_prefix = "签约前三名" + (f" Top 3 by bookings（本月至今 month to date，{label}" if label else "")
        bottom_prefix = "签约后三名" + (
            f" Bottom 3 by bookings（本月至今 month to date，{label}" if label else ""
        )
        assert shown(text, top_prefix) == [r for r in ranks if r[1] <= 3], entity
        top = {r[0] for r in ranks if r[1] <= 3}
        bottom = [r for r in sorted(ranks, key=lambda r: (-r[1], r[0])) if r[0] not in top][:3]
        assert shown(text, bottom_prefix) == bottom, entity
        if scope_type == "business_line":
            # every rep listed sits on a team of that line (the world, not the ranking mart)
            listed = [u for u, _ in shown(text, top_prefix) + shown(text, bottom_prefix)]
            lines = {
                r[0]
                for r in q(
                    con,
                    """select t.business_line from core.dim_users u
                join core.dim_teams t on t.team_id = u.current_team_id where u.user_id in (select unnest(?))""",
                    [listed],
                )
            }
            assert lines == {scope_id}, (scope_id, lines)


# -- robustness ----------------------------------------------------------------------------
def test_rep_without_data_gets_a_no_data_report(warehouse, con, tmp_path):
    copy = tmp_path / "crm.duckdb"
    shutil.copyfile(warehouse, copy)
    team = q(
        con,
        "select team_id, team_name, region_id, region_name from core.dim_teams "
        "where team_id <> '-1' order by team_id limit 1",
    )[0]
    writable = duckdb.connect(str(copy))
    writable.execute(
        """
        insert into core.dim_users (user_id, user_name, role, is_rep, is_active, current_team_id,
            current_team_name, current_region_id, current_region_name, is_unknown, hire_date)
        values ('U99999', '新人 New hire', 'rep', true, true, ?, ?, ?, ?, false, current_date)""",
        list(team),
    )
    writable.close()
    result = build_reports(copy, tmp_path / "out", roles=["rep"])
    for period in PERIODS:
        text = read(result, period, "rep", "U99999")
        assert NO_DATA_TEXT in text, period
        assert "U99999" in text
        others = [read(result, period, "rep", rep) for rep in active_reps(con)]
        with_data = [t for t in others if NO_DATA_TEXT not in t]
        assert with_data, f"every {period} report says no data"
        html = (result.out_dir / period / "rep" / "U99999.html").read_text(encoding="utf-8")
        assert "本期暂无数据" in html


def test_cli_fails_clearly_without_a_warehouse(tmp_path):
    missing = tmp_path / "nothing.duckdb"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "crm_warehouse",
            "reports",
            "--warehouse",
            str(missing),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "no warehouse" in result.stderr and str(missing) in result.stderr
    assert not (tmp_path / "out").exists()


def test_no_conversion_in_any_report_exceeds_100_percent(run, con):
    """Every figure of every report that shows a conversion or another share of a whole (the
    catalog's share indicators) lies between 0% and 100%: table cells of such a row except
    targets, attainment and changes, and the actual in the off-track list."""
    names = [
        f"{zh} {en}"
        for zh, en in q(
            con,
            """select indicator_name_zh, indicator_name_en
        from reference.ref_indicator_catalog where formula_kind = 'share'""",
        )
    ]
    assert any("转化率" in n for n in names)
    skip = ("目标", "Target", "达成", "Attainment", "变化", "Change", "环比", "同比")
    percent = re.compile(r"^(\d[\d,]*(?:\.\d+)?)%$")
    seen = 0
    for path in sorted(run.out_dir.glob("*/*/*.md")):
        for title, body in sections(path.read_text(encoding="utf-8")).items():
            for row in table(body):
                if not row or not any(n in list(row.values())[0] for n in names):
                    continue
                for header, value in list(row.items())[1:]:
                    m = percent.match(value)
                    if m and not any(word in header for word in skip):
                        seen += 1
                        assert float(m.group(1).replace(",", "")) <= 100.0, (path.name, title, row)
            for line in body.splitlines():
                m = re.match(r"^- (.+?)：实际 actual (\d[\d,]*(?:\.\d+)?)%", line)
                if m and any(n in m.group(1) for n in names):
                    seen += 1
                    assert float(m.group(2).replace(",", "")) <= 100.0, (path.name, line)
    assert seen > 0


def test_alerts_are_new_only_after_the_first_build(run, con, as_of):
    """The first build of a warehouse finds every open problem at once: none of them is "new"
    (今日新增). An alert counts as new today when raised on the as-of date by a later build."""
    start = q(con, "select min(first_raised_as_of) from marts.fct_alerts")[0][0]
    checked = 0
    for rep, open_alerts in q(
        con,
        """select action_user_id, count(*) from marts.fct_alerts
                                      where is_open and action_user_id in (
                                          select user_id from marts.rep_workbench)
                                      group by 1""",
    ):
        new_today = q(
            con,
            """select count(*) from marts.fct_alerts where is_open
                              and action_user_id = ? and first_raised_as_of = ?
                              and first_raised_as_of > ?""",
            [rep, as_of, start],
        )[0][0]
        figures = kv(section(read(run, "daily", "rep", rep), "今日概况"))
        text = figures["提醒 Alerts"]
        assert number(text.split("new today", 1)[1]) == new_today, (rep, text)
        assert number(text.split("open", 1)[1]) == open_alerts, (rep, text)
        checked += 1
    assert checked > 0
    if start == as_of:  # a warehouse built once: nothing is new anywhere
        for path in run.out_dir.rglob("*.md"):
            assert " 新 New" not in path.read_text(encoding="utf-8"), path
