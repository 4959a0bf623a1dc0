"""Independent check of indicator_values: a handful of indicators recomputed straight from the
landing CSV files with pandas (the landing contract's dedupe applied here, separately from the
dbt models) and compared with the warehouse to the cent.

Uses the already-built warehouse when CRM_TEST_DUCKDB and CRM_TEST_LANDING_DIR are both set;
otherwise generates the demo landing into tmp_path and builds the indicator models into a
scratch DuckDB file (slow: about a minute).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[3]
TIMEZONE = "Asia/Shanghai"


# --- landing readers (the contract, re-implemented) -------------------------------------------


def _read_entity(landing: Path, entity: str) -> pd.DataFrame:
    frames = []
    for path in sorted((landing / entity).glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["_source_file"] = path.name
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    return frame.apply(lambda col: col.str.strip() if col.dtype == object else col).replace({"": None})


def _timestamp(values: pd.Series) -> pd.Series:
    """Naive business-time timestamps; values with an offset are converted to the business zone."""

    def one(value: object) -> pd.Timestamp:
        if value is None or pd.isna(value):
            return pd.NaT
        try:
            ts = pd.Timestamp(str(value))
        except (ValueError, TypeError):
            return pd.NaT
        if ts.tzinfo is not None:
            ts = ts.tz_convert(TIMEZONE).tz_localize(None)
        return ts

    return values.map(one)


def _date(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")


def _number(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce")


def _live(frame: pd.DataFrame, keys: list[str], order_column: str | None = "updated_at") -> pd.DataFrame:
    """Latest row per key (latest order_column, then the file name sorting last); deletions dropped."""
    frame = frame.copy()
    sort_columns, ascending = [], []
    if order_column:
        frame["_order"] = _timestamp(frame[order_column])
        sort_columns.append("_order")
        ascending.append(False)
    sort_columns.append("_source_file")
    ascending.append(False)
    frame = frame.sort_values(sort_columns, ascending=ascending, na_position="last", kind="mergesort")
    frame = frame.drop_duplicates(subset=keys, keep="first")
    if "is_deleted" in frame.columns:
        deleted = frame["is_deleted"].fillna("").str.lower().isin(["true", "t", "1", "yes", "y", "是"])
        frame = frame[~deleted]
    return frame


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    db_env, landing_env = os.environ.get("CRM_TEST_DUCKDB"), os.environ.get("CRM_TEST_LANDING_DIR")
    if db_env and landing_env:
        return Path(db_env), Path(landing_env)
    work = tmp_path_factory.mktemp("indicators")
    landing, database = work / "landing", work / "crm.duckdb"
    python = sys.executable
    subprocess.run(
        [
            python,
            "-m",
            "crm_warehouse",
            "generate",
            "--scale",
            "demo",
            "--seed",
            "42",
            "--out",
            str(landing),
            "--quiet",
        ],
        cwd=ROOT,
        check=True,
    )
    env = dict(
        os.environ,
        DBT_PROFILES_DIR=str(ROOT),
        CRM_PII_SALT="",
        CRM_LANDING_DIR=str(landing),
        CRM_DUCKDB_PATH=str(database),
    )
    dbt = str(Path(python).parent / "dbt")
    subprocess.run(
        [
            dbt,
            "build",
            "--target",
            "duckdb",
            "--target-path",
            str(work / "target"),
            "-s",
            "+indicator_values",
            "--resource-type",
            "seed",
            "--resource-type",
            "model",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return database, landing


@pytest.fixture(scope="module")
def landing_data(warehouse: tuple[Path, Path]) -> dict[str, pd.DataFrame]:
    _, landing = warehouse
    return {
        "contracts": _live(_read_entity(landing, "contracts"), ["contract_id"]),
        "opportunities": _live(_read_entity(landing, "opportunities"), ["opportunity_id"]),
        "leads": _live(_read_entity(landing, "leads"), ["lead_id"]),
        "activities": _live(_read_entity(landing, "activities"), ["activity_id"]),
        "memberships": _live(_read_entity(landing, "team_memberships"), ["user_id", "start_date"], None),
    }


@pytest.fixture(scope="module")
def as_of(landing_data: dict[str, pd.DataFrame]) -> pd.Timestamp:
    latest = max(
        _timestamp(landing_data[name]["updated_at"]).max()
        for name in ("contracts", "opportunities", "leads", "activities")
    )
    return latest.normalize()


def _indicator(warehouse: tuple[Path, Path], code: str, grain: str, entity: str, month: str) -> float | None:
    database, _ = warehouse
    with duckdb.connect(str(database), read_only=True) as con:
        row = con.execute(
            """
            select actual_value from marts.indicator_values
            where indicator_code = ? and grain = ? and entity_id = ? and period_type = 'month'
                and period_start_date = cast(? as date)
            """,
            [code, grain, entity, month],
        ).fetchone()
    return None if row is None else row[0]


def _month(dates: pd.Series, month: str) -> pd.Series:
    start = pd.Timestamp(month)
    return (dates >= start) & (dates < start + pd.offsets.MonthBegin(1))


# --- the checks -------------------------------------------------------------------------------


@pytest.mark.parametrize("month", ["2026-10-01", "2026-11-01"])
def test_company_bookings(warehouse, landing_data, as_of, month):
    contracts = landing_data["contracts"]
    signed = _date(contracts["signed_date"])
    in_month = _month(signed, month) & (signed <= as_of)
    expected = round(float(_number(contracts.loc[in_month, "total_amount"]).fillna(0).sum()), 2)
    assert round(_indicator(warehouse, "bookings_amount", "company", "company", month), 2) == expected


def test_rep_win_rate(warehouse, landing_data, as_of):
    month = "2026-10-01"
    opportunities = landing_data["opportunities"]
    stage = opportunities["stage"].str.lower()
    closed_at = _timestamp(opportunities["closed_at"]).dt.normalize()
    closed = stage.isin(["closed_won", "closed_lost"]) & _month(closed_at, month) & (closed_at <= as_of)
    by_rep = (
        opportunities[closed]
        .assign(won=stage[closed].eq("closed_won"))
        .groupby("owner_user_id")["won"]
        .agg(["sum", "count"])
    )
    rep = by_rep["count"].idxmax()
    expected = by_rep.loc[rep, "sum"] / by_rep.loc[rep, "count"]
    assert _indicator(warehouse, "win_rate", "rep", rep, month) == pytest.approx(expected, abs=1e-12)


def _team_on(memberships: pd.DataFrame, user_id: str, day: pd.Timestamp) -> str:
    """Team of a user on a day: a later membership cuts an earlier one from its start."""
    own = (
        memberships[memberships["user_id"] == user_id]
        .assign(start=lambda f: _date(f["start_date"]), end=lambda f: _date(f["end_date"]))
        .sort_values("start")
    )
    starts = list(own["start"])
    for index, row in enumerate(own.itertuples()):
        next_start = starts[index + 1] if index + 1 < len(starts) else None
        if next_start is not None and (pd.isna(row.end) or row.end >= next_start):
            valid_to = next_start - pd.Timedelta(days=1)
        else:
            valid_to = pd.Timestamp("2262-01-01") if pd.isna(row.end) else row.end
        if row.start <= day <= valid_to:
            return row.team_id
    return "-1"


def test_team_mql_count_with_team_on_mql_date(warehouse, landing_data, as_of):
    month = "2026-09-01"
    leads = landing_data["leads"]
    mql_day = _timestamp(leads["mql_at"]).dt.normalize()
    in_month = leads[_month(mql_day, month) & (mql_day <= as_of)].assign(mql_day=mql_day)
    teams = [
        _team_on(landing_data["memberships"], row.owner_user_id, row.mql_day) if row.owner_user_id else "-1"
        for row in in_month.itertuples()
    ]
    counts = pd.Series(teams).value_counts()
    assert len(counts) > 0
    for team, expected in counts.items():
        assert _indicator(warehouse, "mql_count", "team", team, month) == expected


def test_rep_visits_in_month(warehouse, landing_data, as_of):
    month = "2026-10-01"
    activities = landing_data["activities"]
    occurred = _timestamp(activities["occurred_at"]).dt.normalize()
    visits = activities[
        activities["activity_type"].str.lower().eq("visit")
        & activities["status"].str.lower().eq("completed")
        & _month(occurred, month)
        & (occurred <= as_of)
    ]
    counts = visits["owner_user_id"].value_counts()
    for rep in counts.index[:3]:
        assert _indicator(warehouse, "visit_count", "rep", rep, month) == counts[rep]


def test_company_arr_at_month_end(warehouse, landing_data):
    month, month_end = "2026-10-01", pd.Timestamp("2026-10-31")
    contracts = landing_data["contracts"]
    recurring = _number(contracts["recurring_amount_annual"]).fillna(0)
    active = (
        (_date(contracts["start_date"]) <= month_end)
        & (_date(contracts["end_date"]) >= month_end)
        & (recurring > 0)
    )
    expected = round(float(recurring[active].sum()), 2)
    assert round(_indicator(warehouse, "arr_amount", "company", "company", month), 2) == expected


@pytest.mark.parametrize("month", ["2026-05-01", "2026-08-01"])
def test_company_conversion_cohorts(warehouse, landing_data, as_of, month):
    """Lead to opportunity conversion: MQLs of the month that reached SQL by the as-of date, over
    the month's MQLs. Order conversion: SQLs of the month whose opportunity (linked from the lead
    or from the opportunity) became a new-business contract signed by the as-of date, over the
    month's SQLs. Both are at most 100% by construction."""
    leads = landing_data["leads"].copy()
    mql = _timestamp(leads["mql_at"]).dt.normalize()
    sql = _timestamp(leads["sql_at"]).dt.normalize()
    mqls = leads[_month(mql, month) & (mql <= as_of)]
    reached = mqls[sql.loc[mqls.index].notna() & (sql.loc[mqls.index] <= as_of)]
    assert len(mqls) > 20
    assert _indicator(
        warehouse, "lead_to_opportunity_conversion", "company", "company", month
    ) == pytest.approx(len(reached) / len(mqls))

    opportunities = landing_data["opportunities"]
    links = pd.concat(
        [
            leads[["lead_id", "converted_opportunity_id"]]
            .dropna()
            .rename(columns={"converted_opportunity_id": "opportunity_id"}),
            opportunities[["lead_id", "opportunity_id"]].dropna(),
        ]
    ).drop_duplicates()
    contracts = landing_data["contracts"]
    signed = _date(contracts["signed_date"])
    new_business = contracts[(contracts["contract_type"] == "new_business") & (signed <= as_of)]
    contracted = set(links.merge(new_business[["opportunity_id"]], on="opportunity_id")["lead_id"])
    sqls = leads[_month(sql, month) & (sql <= as_of)]
    assert len(sqls) > 10
    expected = sqls["lead_id"].isin(contracted).sum() / len(sqls)
    assert 0 < expected <= 1
    assert _indicator(warehouse, "order_conversion", "company", "company", month) == pytest.approx(expected)
