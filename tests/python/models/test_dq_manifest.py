"""The data-quality layer finds exactly the injected defects, and keeps resolved issues.

Generates the demo landing, builds `+fct_data_quality_issues` with dbt on DuckDB and compares
the open issues with the generator's manifest (`_manifest/defects.csv`, without the landing
artefact `reexported_row`; the column for orphans and the reference-conformance rules):
precision and recall must both be 100 %, on the original rules and on the real-world defects
the generator plants too (coded values as free text, open deals without an account, zero
amounts on won and lost deals). The real-world rules were written from real exports; the
manifest only confirms they fire where the generator put such a defect and nowhere else. A second build, after the
next day's delta export plus a correction of one defective record, must mark that issue
resolved (keeping its first_seen_as_of) and again match the updated manifest exactly.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
SELECTION = [
    "-s",
    "+fct_data_quality_issues",
    "--exclude-resource-type",
    "test",
    "--exclude-resource-type",
    "unit_test",
]
AS_OF = "2026-11-25"
NEXT_DAY = "2026-11-26"

Key = tuple[str, str, str, str]


def run_dbt(landing: Path, db: Path, work: Path) -> None:
    env = dict(os.environ)
    env.update(
        {
            "DBT_PROFILES_DIR": str(ROOT),
            "CRM_LANDING_DIR": str(landing),
            "CRM_DUCKDB_PATH": str(db),
            "CRM_PII_SALT": "",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
    )
    cmd = [
        str(BIN / "dbt"),
        "build",
        *SELECTION,
        "--target",
        "duckdb",
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]


def generate(out: Path, *extra: str) -> None:
    cmd = [
        sys.executable,
        "-m",
        "crm_warehouse",
        "generate",
        "--scale",
        "demo",
        "--seed",
        "42",
        "--out",
        str(out),
        "--quiet",
        *extra,
    ]
    subprocess.run(cmd, check=True, capture_output=True, text=True)


# Rules whose findings name a column (fct_data_quality_issues.column_name = the manifest detail).
COLUMN_RULES = {
    "orphan_reference",
    "industry_not_in_reference",
    "region_not_in_reference",
    "business_line_variant",
}


def manifest_keys(landing: Path) -> set[Key]:
    m = pd.read_csv(landing / "_manifest" / "defects.csv", dtype=str, keep_default_na=False)
    m = m[m["rule_code"] != "reexported_row"]
    return {(r, e, i, d if r in COLUMN_RULES else "") for r, e, i, d in m.itertuples(index=False)}


def issues(db: Path) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql(
            "select * replace (cast(first_seen_as_of as varchar) as first_seen_as_of,"
            " cast(last_seen_as_of as varchar) as last_seen_as_of, cast(resolved_as_of as varchar) as resolved_as_of)"
            " from data_quality.fct_data_quality_issues"
        ).df()


def open_keys(df: pd.DataFrame) -> set[Key]:
    o = df[df["is_open"]].fillna({"column_name": ""})
    return {(r.rule_code, r.entity, r.record_id, r.column_name) for r in o.itertuples(index=False)}


def compare(found: set[Key], expected: set[Key], label: str) -> None:
    hits = len(found & expected)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(expected) if expected else 1.0
    print(
        f"{label}: {len(found)} open issues, {len(expected)} manifest defects, "
        f"precision {precision:.2%}, recall {recall:.2%}"
    )
    extra = sorted(found - expected)
    missed = sorted(expected - found)
    msg = [f"{label}: precision {precision:.2%}, recall {recall:.2%}"]
    msg += [f"  found but not injected: {k}" for k in extra[:50]]
    msg += [f"  injected but not found: {k}" for k in missed[:50]]
    assert not extra and not missed, "\n".join(msg)


@pytest.fixture(scope="module")
def first_build(tmp_path_factory) -> tuple[Path, Path]:
    """The demo landing and a warehouse built from it: `make test`'s dev build of the same
    exports (CRM_TEST_DUCKDB, CRM_TEST_LANDING_DIR) when there is one, else a build of
    `+fct_data_quality_issues` from freshly generated exports. Read-only: tests copy it."""
    db_env, landing_env = os.environ.get("CRM_TEST_DUCKDB"), os.environ.get("CRM_TEST_LANDING_DIR")
    if db_env and landing_env and Path(db_env).is_file():
        return Path(landing_env), Path(db_env)
    work = tmp_path_factory.mktemp("dq_first")
    landing = work / "landing"
    generate(landing)
    db = work / "crm.duckdb"
    run_dbt(landing, db, work)
    return landing, db


REAL_WORLD_RULES = {
    "industry_not_in_reference",
    "region_not_in_reference",
    "business_line_variant",
    "open_opportunity_without_account",
    "won_with_zero_amount",
    "lost_deal_zero_amount",
}


def test_open_issues_match_the_defect_manifest(first_build):
    landing, db = first_build
    df = issues(db)
    expected = manifest_keys(landing)
    assert REAL_WORLD_RULES <= {k[0] for k in expected}, "the demo plants every real-world defect"
    compare(open_keys(df), expected, "demo build")
    assert set(df["first_seen_as_of"].astype(str)) == {AS_OF}
    assert df["is_open"].all()


def test_a_later_refresh_resolves_a_fixed_defect(first_build, tmp_path):
    landing0, db0 = first_build
    landing = tmp_path / "landing"
    shutil.copytree(landing0, landing)
    db = tmp_path / "crm.duckdb"
    shutil.copy(db0, db)

    # the next day's export, then a correction of one account that lacked its industry
    generate(landing, "--delta")
    m = pd.read_csv(landing / "_manifest" / "defects.csv", dtype=str, keep_default_na=False)
    delta = pd.read_csv(landing / "accounts" / f"{NEXT_DAY}_delta.csv", dtype=str, keep_default_na=False)
    candidates = m[
        (m["rule_code"] == "account_missing_firmographics")
        & (m["detail"] == "industry empty")
        & ~m["record_id"].isin(delta["account_id"])
    ]
    account_id = candidates["record_id"].iloc[0]
    full = pd.read_csv(next((landing / "accounts").glob("*_full.csv")), dtype=str, keep_default_na=False)
    row = full[full["account_id"] == account_id].copy()
    assert len(row) == 1 and row["industry"].iloc[0] == ""
    row["industry"] = "制造业"
    row["updated_at"] = f"{NEXT_DAY} 12:00:00"
    row.to_csv(landing / "accounts" / f"{NEXT_DAY}_zz_correction.csv", index=False, quoting=csv.QUOTE_MINIMAL)

    run_dbt(landing, db, tmp_path)
    df = issues(db)
    fixed = df[(df["rule_code"] == "account_missing_firmographics") & (df["record_id"] == account_id)]
    assert len(fixed) == 1
    fixed = fixed.iloc[0]
    print(
        f"fixed {account_id}: is_open={fixed.is_open}, first_seen={fixed.first_seen_as_of}, "
        f"last_seen={fixed.last_seen_as_of}, resolved={fixed.resolved_as_of}"
    )
    assert not fixed["is_open"]
    assert str(fixed["resolved_as_of"]) == NEXT_DAY
    assert str(fixed["first_seen_as_of"]) == AS_OF
    assert str(fixed["last_seen_as_of"]) == AS_OF

    # everything else is still found (first seen kept), plus what the new day added
    expected = manifest_keys(landing) - {("account_missing_firmographics", "accounts", account_id, "")}
    compare(open_keys(df), expected, "after delta and correction")
    still = df[df["is_open"] & (df["first_seen_as_of"].astype(str) == AS_OF)]
    assert len(still) > 0 and set(still["last_seen_as_of"].astype(str)) == {NEXT_DAY}
    new = df[df["is_open"] & (df["first_seen_as_of"].astype(str) == NEXT_DAY)]
    print(f"open issues first seen on {NEXT_DAY}: {len(new)}; resolved: {int((~df['is_open']).sum())}")
    assert int((~df["is_open"]).sum()) == 1
