"""Role reports (日报 / 周报 / 月报): every figure checked against the marts with independent SQL.

Uses the warehouse in CRM_TEST_DUCKDB when set (``make test`` points it at the freshly built
test warehouse), else warehouse/crm.duckdb. The reports are generated once into a temporary
folder; each test parses the Markdown itself and compares it with its own queries.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[3]

from crm_warehouse.dashboards.labels import text as label_text  # noqa: E402
from crm_warehouse.dashboards.reports import build_reports  # noqa: E402

NO_DATA_TEXT = "本期暂无数据 No data for this period"
PERIODS = ("daily", "weekly", "monthly")
CONSUMERS = {f"{role}_{period}_report" for role in ("rep", "team_lead", "director") for period in PERIODS}
USER_ID = re.compile(r"\((U\d+)\)")


# -- fixtures ------------------------------------------------------------------------------
def _warehouse() -> Path:
    env = os.environ.get("CRM_TEST_DUCKDB")
    return Path(env) if env else ROOT / "warehouse" / "crm.duckdb"


@pytest.fixture(scope="module")
def warehouse() -> Path:
    path = _warehouse()
    if not path.is_file():
        pytest.skip(f"no warehouse at {path}: set CRM_TEST_DUCKDB or run `make demo` first")
    return path


@pytest.fixture(scope="module")
def con(warehouse: Path):
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def run(warehouse: Path, shared_site):
    """The reports the shared site build wrote (build_site runs build_reports)."""
    assert shared_site.reports is not None and shared_site.reports.out_dir.is_dir()
    return shared_site.reports


@pytest.fixture(scope="module")
def as_of(con) -> dt.date:
    return con.execute("select max(as_of_date) from marts.team_board").fetchall()[0][0]


def q(con, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


# -- Markdown parsing ----------------------------------------------------------------------
def read(run, period: str, role: str, entity_id: str) -> str:
    return (run.out_dir / period / role / f"{entity_id}.md").read_text(encoding="utf-8")


def sections(text: str) -> dict[str, str]:
    """Body of each '## ' section by its heading."""
    found: dict[str, str] = {}
    for chunk in re.split(r"^## ", text, flags=re.M)[1:]:
        title, _, body = chunk.partition("\n")
        found[title.strip()] = body
    return found


def section(text: str, prefix: str) -> str:
    matches = [body for title, body in sections(text).items() if title.startswith(prefix)]
    assert len(matches) == 1, f"expected one section starting {prefix!r}, found {len(matches)}"
    return matches[0]


def table(body: str) -> list[dict[str, str]]:
    lines = [ln for ln in body.splitlines() if ln.startswith("|")]
    if not lines:
        return []
    split = lambda ln: [c.strip() for c in re.split(r"(?<!\\)\|", ln.strip())[1:-1]]  # noqa: E731
    headers = split(lines[0])
    assert set(lines[1].replace("|", "").split()) == {"---"}, "second line is not a separator"
    return [dict(zip(headers, split(ln), strict=False)) for ln in lines[2:]]


def kv(body: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r"^- \*\*(.+?)\*\*: (.*)$", body, re.M)}


def number(text: str) -> float:
    """First number in a displayed figure: ¥1,234 / 45.6% (as a ratio) / 12.3."""
    m = re.search(r"(-?)¥?(\d[\d,]*(?:\.\d+)?)(%?)", text)
    assert m, f"no number in {text!r}"
    value = float(m.group(2).replace(",", ""))
    value = -value if m.group(1) else value
    return value / 100.0 if m.group(3) else value


def ids(rows: list[dict[str, str]], column: str) -> list[str]:
    out = []
    for row in rows:
        m = USER_ID.search(row[column])
        assert m, f"no user id in {row[column]!r}"
        out.append(m.group(1))
    return out


# -- independent entity lists --------------------------------------------------------------
def active_reps(con) -> list[str]:
    return [
        r[0]
        for r in q(
            con,
            "select user_id from core.dim_users where role = 'rep' "
            "and is_active and not coalesce(is_unknown, false)",
        )
    ]


def team_leads(con) -> dict[str, str]:
    """lead user id -> team id"""
    return dict(
        q(
            con,
            "select leader_user_id, team_id from core.dim_teams "
            "where team_id <> '-1' and leader_user_id is not null",
        )
    )


def director_regions(con) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {
        r[0]: set()
        for r in q(con, "select user_id from core.dim_users where role = 'director' and is_active")
    }
    for director, region in q(
        con,
        """
            select lead.manager_user_id, t.region_id from core.dim_teams t
            join core.dim_users lead on lead.user_id = t.leader_user_id
            where t.team_id <> '-1'""",
    ):
        if director in out:
            out[director].add(region)
    return out


def iso_week(as_of: dt.date) -> tuple[dt.date, dt.date]:
    monday = as_of - dt.timedelta(days=as_of.isoweekday() - 1)
    return monday, monday + dt.timedelta(days=6)


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


# -- rep -----------------------------------------------------------------------------------
def test_rep_monthly_indicators_equal_indicator_values(run, con, as_of):
    month = as_of.replace(day=1)
    checked = 0
    for rep in active_reps(con):
        expected = q(
            con,
            """
            select actual_value, target_value, attainment_to_date from marts.indicator_values
            where grain = 'rep' and entity_id = ? and period_type = 'month'
              and period_start_date = ? and indicator_code = 'bookings_amount'""",
            [rep, month],
        )
        text = read(run, "monthly", "rep", rep)
        if not expected:
            assert NO_DATA_TEXT in text
            continue
        actual, target, attainment = expected[0]
        rows = [r for r in table(section(text, "核心指标")) if r["指标 Indicator"].startswith("签约金额")]
        assert len(rows) == 1, rep
        assert number(rows[0]["实际 Actual"]) == pytest.approx(actual, abs=0.5)
        assert number(rows[0]["月目标 Target"]) == pytest.approx(target, abs=0.5)
        if attainment is not None:
            assert number(rows[0][label_text("attainment_to_date")]) == pytest.approx(
                attainment, abs=0.0005 + 1e-9
            )
        checked += 1
    assert checked > 0


def test_rep_daily_figures_equal_marts(run, con, as_of):
    checked = 0
    for rep, bookings, quota, visits_mtd in q(
        con,
        """
            select user_id, bookings_mtd_cny, quota_month_cny, visits_mtd
            from marts.rep_workbench""",
    ):
        figures = kv(section(read(run, "daily", "rep", rep), "今日概况"))
        assert number(figures["本月签约 Bookings this month"]) == pytest.approx(float(bookings), abs=0.5)
        quota_text = figures["本月签约 Bookings this month"].split("quota", 1)[1]
        assert number(quota_text) == pytest.approx(float(quota), abs=0.5)
        assert number(figures["本月面访 Visits this month"]) == visits_mtd
        done_today = q(
            con,
            """select count(*) from core.fct_activities where owner_user_id = ?
                              and is_completed_visit and activity_date = ?""",
            [rep, as_of],
        )[0][0]
        assert number(figures["今日完成面访 Visits completed today"]) == done_today
        deals_today = q(
            con,
            "select count(*) from marts.won_deal_feed where user_id = ? and signed_date = ?",
            [rep, as_of],
        )[0][0]
        assert number(figures["今日签约 Deals signed today"]) == deals_today
        checked += 1
    assert checked > 0


def test_rep_weekly_visits_equal_activity_count(run, con, as_of):
    monday, sunday = iso_week(as_of)
    for rep in active_reps(con):
        text = read(run, "weekly", "rep", rep)
        figures = kv(section(text, "本周与上周"))
        if NO_DATA_TEXT in text:
            assert not figures
            continue
        expected = q(
            con,
            """select count(*) from core.fct_activities where owner_user_id = ?
                             and is_completed_visit and activity_date between ? and ?""",
            [rep, monday, sunday],
        )[0][0]
        assert number(figures["本周面访 Visits this week"]) == expected, rep


# -- team lead -----------------------------------------------------------------------------
def test_team_lead_daily_lists_members_behind_visit_pace(run, con):
    for lead, team in team_leads(con).items():
        expected = {
            r[0]
            for r in q(
                con,
                """select user_id from marts.team_board_members
                                           where team_id = ? and is_below_visit_pace""",
                [team],
            )
        }
        body = section(read(run, "daily", "team_lead", lead), "面访进度落后成员")
        listed = ids(table(body), "成员 Member")
        assert len(listed) == len(set(listed))
        assert set(listed) == expected, team
        if not expected:
            assert "无 None" in body


def last_week_window(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """What this week is fairly compared with: while the week is in progress, last week's
    Monday up to the same weekday; else the whole of last week."""
    monday, sunday = iso_week(as_of)
    last_monday = monday - dt.timedelta(days=7)
    if as_of < sunday:
        return last_monday, as_of - dt.timedelta(days=7)
    return last_monday, monday - dt.timedelta(days=1)


def test_team_lead_weekly_visits_per_rep_equal_activity_count(run, con, as_of):
    monday, sunday = iso_week(as_of)
    last_from, last_to = last_week_window(as_of)
    checked = 0
    for lead, team in team_leads(con).items():
        rows = table(section(read(run, "weekly", "team_lead", lead), "本周与上周面访"))
        members = {
            r[0] for r in q(con, "select user_id from marts.team_board_members where team_id = ?", [team])
        }
        assert set(ids(rows, "成员 Member")) == members, team
        for row, rep in zip(rows, ids(rows, "成员 Member"), strict=False):
            this_week, last_week = q(
                con,
                """
                select count(*) filter (where activity_date between ? and ?),
                       count(*) filter (where activity_date between ? and ?)
                from core.fct_activities where owner_user_id = ? and is_completed_visit""",
                [monday, sunday, last_from, last_to, rep],
            )[0]
            last_col = next(c for c in row if c.startswith("上周"))
            assert number(row["本周面访 This week"]) == this_week, rep
            assert number(row[last_col]) == last_week, rep
            checked += 1
    assert checked > 0


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


# -- director ------------------------------------------------------------------------------
def test_director_monthly_off_track_equals_indicator_values(run, con, as_of):
    month = as_of.replace(day=1)
    cases = [("company", "company", "company")]
    cases += [(d, "region", next(iter(r))) for d, r in director_regions(con).items() if len(r) == 1]
    assert len(cases) > 1
    for entity, grain, entity_id in cases:
        expected = {
            f"{zh} {en}"
            for zh, en in q(
                con,
                """
            select indicator_name_zh, indicator_name_en from marts.indicator_values
            where grain = ? and entity_id = ? and period_type = 'month'
              and period_start_date = ? and status_code = 'off_track'""",
                [grain, entity_id, month],
            )
        }
        body = section(read(run, "monthly", "director", entity), "落后指标")
        items = [ln[2:].split("：", 1)[0] for ln in body.splitlines() if ln.startswith("- ")]
        assert len(items) == len(set(items))
        assert set(items) == expected, entity
        if not expected:
            assert "无 None" in body


def test_director_daily_deals_equal_won_deal_feed(run, con, as_of):
    for director, regions in director_regions(con).items():
        marks = ", ".join("?" for _ in regions) or "null"
        n, amount = q(
            con,
            f"""select count(*), coalesce(sum(total_amount_cny), 0)
                              from marts.won_deal_feed where signed_date = ?
                              and region_id in ({marks})""",
            [as_of, *sorted(regions)],
        )[0]
        figures = kv(section(read(run, "daily", "director", director), "今日概况"))
        text = figures["今日签约 Deals signed today"]
        assert number(text) == n, director
        assert number(text.split("，", 1)[1]) == pytest.approx(float(amount), abs=0.5), director


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


def test_parquet_gives_identical_markdown(warehouse, run, tmp_path):
    parquet = tmp_path / "parquet"  # the refresh's layout: <schema>/<table>.parquet
    src = duckdb.connect(str(warehouse), read_only=True)
    for schema, table in src.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in ('core', 'marts', 'data_quality')"
    ).fetchall():
        (parquet / schema).mkdir(parents=True, exist_ok=True)
        src.execute(f"copy {schema}.{table} to '{parquet / schema / (table + '.parquet')}' (format parquet)")
    src.close()
    other = build_reports(parquet, tmp_path / "out")
    mine = sorted(p.relative_to(run.out_dir) for p in run.out_dir.rglob("*.md"))
    theirs = sorted(p.relative_to(other.out_dir) for p in other.out_dir.rglob("*.md"))
    assert mine == theirs
    for rel in mine:
        assert (run.out_dir / rel).read_bytes() == (other.out_dir / rel).read_bytes(), rel


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


def test_director_monthly_shows_software_and_content_separately(run, con, as_of):
    """Both lines side by side, each line's bookings equal to its contracts signed this month."""
    month = as_of.replace(day=1)
    rows = table(section(read(run, "monthly", "director", "company"), "软件与内容业务线"))
    assert rows
    header = list(rows[0])
    assert "软件 Software" in header and "内容 Content" in header
    bookings = next(r for r in rows if r["指标 Indicator"].startswith("签约金额"))
    for line, column in (("software", "软件 Software"), ("content", "内容 Content")):
        signed = q(
            con,
            """select coalesce(sum(total_amount_cny), 0) from core.fct_contracts
                           where business_line = ? and signed_month = ? and signed_date <= ?""",
            [line, month, as_of],
        )[0][0]
        assert number(bookings[column]) == pytest.approx(float(signed), abs=0.5), line


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
