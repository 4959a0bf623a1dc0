"""Custom indicators (自定义指标, seeds/custom_indicators.csv) and declarative components
(seeds/ref_indicator_components.csv rows with a source_fact), added the way a sales-ops person
adds them: rows in a copy of the project, then a build.

The rows reach indicator_values at every grain with their target and status, and the
indicator tree under their parent; their figures are checked against the catalog's own
indicators over the same components and against SQL over the core facts written here. Bad
rows stop the run before any model runs, with a message naming the seed, the row and the
column (docs/custom-indicators.md)."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from warehouse_helpers import MINIMAL_LANDING, ROOT, dbt_env

PROJECT_PARTS = ["dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "analyses", "dbt_plugins"]
SELECTION = "+indicator_values +indicator_tree"

# the worked examples of docs/custom-indicators.md, and a formula with a constant and parentheses
NEW_COMPONENTS = [
    "phone_call_count,完成的电话沟通数,Completed phone calls,int_component__declared,flow,fct_activities,count,,"
    "activity_date,owner_user_id,team_id,,activity_type = 'call' and is_completed = true",
    "completed_activity_count,完成的销售活动数(全部类型),Completed sales activities of every type,"
    "int_component__declared,flow,fct_activities,count,,activity_date,owner_user_id,team_id,,is_completed = true",
]
CUSTOM = [
    "custom_win_rate,自定义赢率,Custom win rate,bookings_amount,ratio,up,won_count / closed_count,fixed:0.3",
    "custom_win_rate_pct,自定义赢率百分数,Custom win rate in percent,custom_win_rate,count,up,"
    "100 * (won_count / (won_count + lost_count)),none",
    "large_account_bookings,大客户签约金额,Large-account bookings,bookings_amount,cny,up,"
    "large_account_bookings_amount,fixed:100000",
    "phone_call_share,电话沟通占比,Phone-call share,visit_count,ratio,down,"
    "phone_call_count / completed_activity_count,fixed:0.4",
    "visits_per_rep,人均面访,Visits per rep,visit_count,count,up,visit_count / rep_headcount,"
    "threshold:monthly_visit_threshold",
]
GRAINS = ("rep", "team", "region", "company", "business_line")


def copy_project(dst: Path) -> Path:
    dst.mkdir(parents=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dst / part)
    shutil.copytree(ROOT / "tests", dst / "tests", ignore=shutil.ignore_patterns("python", "superset"))
    return dst


def append_rows(path: Path, rows: list[str]) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text + ("" if text.endswith("\n") else "\n") + "\n".join(rows) + "\n", encoding="utf-8")


def dbt_in(project: Path, args: list[str], landing: Path, db: Path) -> subprocess.CompletedProcess:
    cmd = [
        str(Path(sys.executable).parent / "dbt"),
        *args,
        "--target",
        "duckdb",
        "--target-path",
        str(project / "target"),
        "--project-dir",
        str(project),
    ]
    return subprocess.run(
        cmd,
        cwd=project,
        env=dbt_env(landing, db, DBT_PROFILES_DIR=str(project)),
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("custom")
    landing = work / "landing"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "crm_warehouse",
            "generate",
            "--scale",
            "tiny",
            "--seed",
            "42",
            "--out",
            str(landing),
            "--quiet",
        ],
        check=True,
        timeout=300,
    )
    project = copy_project(work / "project")
    append_rows(project / "seeds" / "ref_indicator_components.csv", NEW_COMPONENTS)
    append_rows(project / "seeds" / "custom_indicators.csv", CUSTOM)
    db = work / "crm.duckdb"
    run = dbt_in(
        project,
        ["build", "-s", SELECTION, "--resource-type", "model", "--resource-type", "seed"],
        landing,
        db,
    )
    assert run.returncode == 0, run.stdout[-4000:]
    # the shipped catalog and components pass the run-start check beside the new rows
    assert "Custom indicators: 5, declarative components: 8" in run.stdout
    return db


def q(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_custom_indicators_appear_at_every_grain_with_target_and_status(built):
    codes = [row.split(",")[0] for row in CUSTOM]
    found = {
        (code, grain): (rows, targets, statuses)
        for code, grain, rows, targets, statuses in q(
            built,
            """
        select indicator_code, grain, count(*), count(target_value), count(status_code)
        from marts.indicator_values where period_type = 'month' and indicator_code in (select unnest(?))
        group by 1, 2""",
            [codes],
        )
    }
    for code in codes:
        for grain in GRAINS:
            rows, targets, statuses = found.get((code, grain), (0, 0, 0))
            assert rows > 0, f"{code} has no {grain} rows"
            if code != "custom_win_rate_pct":  # the one without a target
                assert targets > 0 and statuses > 0, f"{code} at {grain}: no target or status"
    names = dict(
        q(
            built,
            "select indicator_code, indicator_name_zh from marts.indicator_values "
            "where indicator_code = 'phone_call_share' limit 1",
        )
    )
    assert names == {"phone_call_share": "电话沟通占比"}


def test_a_custom_ratio_is_computed_from_summed_parts_at_every_grain(built):
    """won_count / closed_count is the catalog's win rate; the percentage formula 100 × won ÷
    (won + lost) is the same figure × 100 (closed = won + lost)."""
    pairs = q(
        built,
        """
        select c.grain, c.actual_value, w.actual_value, p.actual_value
        from marts.indicator_values as c
        inner join marts.indicator_values as w
            on w.indicator_code = 'win_rate' and c.grain = w.grain and c.entity_id = w.entity_id
                and c.period_type = w.period_type and c.period_start_date = w.period_start_date
        inner join marts.indicator_values as p
            on p.indicator_code = 'custom_win_rate_pct' and c.grain = p.grain and c.entity_id = p.entity_id
                and c.period_type = p.period_type and c.period_start_date = p.period_start_date
        where c.indicator_code = 'custom_win_rate'""",
    )
    assert {g for g, *_ in pairs} >= set(GRAINS)
    assert any(v is not None and 0 < v < 1 for _, v, _, _ in pairs), "no win rate strictly between 0 and 1"
    for grain, custom, catalog, pct in pairs:
        assert (custom is None) == (catalog is None), grain
        if custom is not None:
            assert custom == pytest.approx(catalog, abs=1e-9), grain
            assert pct == pytest.approx(100 * catalog, abs=1e-6), grain
    assert all(0 <= v <= 1 for _, v, _, _ in pairs if v is not None), "a win rate outside 0..1"


def test_a_declarative_component_equals_the_facts(built):
    """Bookings of accounts with ≥1000 employees and the phone-call share, per month at
    company grain, against SQL over the core facts."""
    as_of = q(built, "select as_of_date from intermediate.int_as_of_date")[0][0]
    expected = dict(
        q(
            built,
            """
        select date_trunc('month', c.signed_date)::date, sum(coalesce(c.total_amount_cny, 0))
        from core.fct_contracts as c inner join core.dim_accounts as a on c.account_id = a.account_id
        where a.employee_count >= 1000 and c.signed_date <= ? group by 1""",
            [as_of],
        )
    )
    shown = dict(
        q(
            built,
            """select period_start_date, actual_value from marts.indicator_values
        where indicator_code = 'large_account_bookings' and grain = 'company' and period_type = 'month'""",
        )
    )
    assert sum(expected.values()) > 0, (
        "the data holds no large-account bookings: the check would prove nothing"
    )
    for month, amount in expected.items():
        assert shown.get(month) == pytest.approx(float(amount)), month
    assert all(v == 0 for m, v in shown.items() if m not in expected)
    calls = dict(
        q(
            built,
            """
        select date_trunc('month', activity_date)::date,
            count(*) filter (where activity_type = 'call') / count(*)
        from core.fct_activities where is_completed and activity_date <= ? group by 1""",
            [as_of],
        )
    )
    share = dict(
        q(
            built,
            """select period_start_date, actual_value from marts.indicator_values
        where indicator_code = 'phone_call_share' and grain = 'company' and period_type = 'month'""",
        )
    )
    assert any(0 < v < 1 for v in calls.values())
    for month, value in calls.items():
        assert share.get(month) == pytest.approx(value), month


def test_custom_indicators_sit_under_their_parent_in_the_tree(built):
    tree = dict(
        q(
            built,
            "select indicator_code, parent_indicator_code from marts.indicator_tree "
            "where indicator_code in ('custom_win_rate', 'custom_win_rate_pct', 'visits_per_rep')",
        )
    )
    assert tree == {
        "custom_win_rate": "bookings_amount",
        "custom_win_rate_pct": "custom_win_rate",
        "visits_per_rep": "visit_count",
    }


# --------------------------------------------------------------------------- refused rows
BAD_CUSTOM = [
    ("won_cnt / closed_count", "formula", "unknown component won_cnt"),
    ("won_count); drop table marts.indicator_values; --", "formula", "unbalanced or empty parentheses"),
    ("won_count /", "formula", "the formula is incomplete"),
    ("won_count / 0", "formula", "division by the constant 0"),
    ("won_count / closed_count", "indicator_code", "is a duplicate"),
    ("won_count / closed_count", "indicator_code", "already an indicator of the catalog"),
    ("won_count / closed_count", "target_source", "must be none, strategic"),
    ("won_count || closed_count", "formula", "character | is not allowed"),
]


def bad_custom_rows() -> list[str]:
    rows = []
    for i, (formula, column, _) in enumerate(BAD_CUSTOM):
        code = {"is a duplicate": "bad_0", "already an indicator of the catalog": "win_rate"}.get(
            BAD_CUSTOM[i][2], f"bad_{i}"
        )
        target = "fixed:1); select 1" if column == "target_source" else "none"
        rows.append(f'{code},坏{i},Bad {i},,ratio,up,"{formula}",{target}')
    return rows


BAD_COMPONENTS = [
    (
        "bad_filter,x,x,int_component__declared,flow,fct_contracts,sum,total_amount_cny,signed_date,owner_user_id,"
        "team_id_at_signed,,contract_type = 'renewal' or 1 = 1",
        "filter",
        "each condition must be",
    ),
    (
        "bad_column,x,x,int_component__declared,flow,fct_contracts,sum,amount_usd,signed_date,owner_user_id,"
        "team_id_at_signed,,",
        "measure_column",
        "is not a column of fct_contracts",
    ),
    (
        "bad_fact,x,x,int_component__declared,flow,stg_crm__users,count,,created_date,user_id,team_id,,",
        "source_fact",
        "must be one of",
    ),
    (
        "bad_quote,x,x,int_component__declared,flow,fct_contracts,count,,signed_date,owner_user_id,"
        "team_id_at_signed,,\"contract_type = 'a'' or ''1'' = ''1'\"",
        "filter",
        "each condition must be",
    ),
]


def test_bad_rows_stop_the_run_before_any_model_naming_row_and_column(tmp_path):
    project = copy_project(tmp_path / "project")
    components = project / "seeds" / "ref_indicator_components.csv"
    first_component_row = len(components.read_text(encoding="utf-8").splitlines()) + 1
    append_rows(components, [row for row, _, _ in BAD_COMPONENTS])
    append_rows(project / "seeds" / "custom_indicators.csv", bad_custom_rows())
    with open(project / "seeds" / "custom_indicators.csv", encoding="utf-8", newline="") as f:
        assert len(list(csv.DictReader(f))) == len(BAD_CUSTOM)
    db = tmp_path / "crm.duckdb"
    run = dbt_in(
        project, ["seed", "-s", "custom_indicators", "ref_indicator_components"], MINIMAL_LANDING, db
    )
    out = run.stdout + run.stderr
    assert run.returncode != 0
    assert "nothing was built" in out
    for i, (_, column, message) in enumerate(BAD_CUSTOM):
        assert f"custom_indicators.csv 第 {i + 2} 行, 列 {column}" in out and message in out, (
            i,
            message,
            out[-3000:],
        )
    for i, (_, column, message) in enumerate(BAD_COMPONENTS):
        row = first_component_row + i
        assert f"ref_indicator_components.csv 第 {row} 行, 列 {column}" in out and message in out, (
            row,
            message,
        )
    # nothing ran: not even the seeds were loaded, and no pasted SQL ran
    if db.exists():
        with duckdb.connect(str(db), read_only=True) as con:
            tables = con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema not in ('landing', 'main')"
            ).fetchall()
        assert tables == [], tables
