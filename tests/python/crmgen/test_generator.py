"""Tests of the synthetic landing generator (crmwh generate, src/crm_warehouse/crmgen/)."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[3]

import dq_reference as dq  # noqa: E402
from crm_warehouse.crmgen.config import CHANGE_COLUMN, COLUMNS, ENTITIES, ID_COLUMN, SCALES  # noqa: E402
from crm_warehouse.crmgen.generate import generate, generate_delta  # noqa: E402
from crm_warehouse.landing_contract import load_contract  # noqa: E402

SCRIPT = ["-m", "crm_warehouse", "generate"]
END = "2026-11-25"
FULL = "2026-11-24_full.csv"
DELTA = "2026-11-25_delta.csv"

# documented in docs/generator.md ("Row counts"): rows of the demo export (full + delta, seed 42)
DEMO_RANGES = {
    "users": (45, 90),
    "teams": (5, 5),
    "team_memberships": (50, 100),
    "accounts": (4000, 8000),
    "account_owner_history": (10000, 30000),
    "contacts": (7000, 20000),
    "campaigns": (50, 110),
    "leads": (12000, 25000),
    "opportunities": (5000, 15000),
    "opportunity_stage_history": (20000, 50000),
    "activities": (50000, 100000),
    "contracts": (2000, 5000),
    "quotas": (3000, 7000),
    "product_usage": (6000, 20000),
    "costs": (150, 250),
}
TINY = SCALES["demo"].with_(
    name="tiny",
    teams=(("R02", "software", 1), ("R03", "content", 1)),
    reps_per_team=3,
    accounts_per_rep=12,
    opp_rate=3.0,
    lead_rate=1.0,
    campaigns_per_line_month=0.3,
    leads_per_campaign=8.0,
    other_activity_rate=8.0,
    new_accounts_rate=1.0,
    pool_accounts_rate=1.0,
)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *SCRIPT, *args], capture_output=True, text=True, check=False)


def digest_tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def read(landing: Path, entity: str, name: str) -> pd.DataFrame:
    return pd.read_csv(landing / entity / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "landing"
    r = run_cli("--scale", "demo", "--seed", "42", "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""  # --quiet
    return out


@pytest.fixture(scope="session")
def demo_current(demo) -> dict[str, pd.DataFrame]:
    return dq.load_current(demo)


@pytest.fixture(scope="session")
def manifest(demo) -> pd.DataFrame:
    return pd.read_csv(demo / "_manifest" / "defects.csv", dtype=str, keep_default_na=False)


# ---------------------------------------------------------------------------------- determinism
def test_same_seed_gives_identical_bytes(demo, tmp_path):
    again = tmp_path / "again"
    assert run_cli("--scale", "demo", "--seed", "42", "--out", str(again), "--quiet").returncode == 0
    a, b = digest_tree(demo), digest_tree(again)
    assert a.keys() == b.keys()
    assert a == b


def test_different_seed_gives_different_files(demo, tmp_path):
    other = tmp_path / "other"
    generate(other, "demo", seed=43)
    a, b = digest_tree(demo), digest_tree(other)
    assert a.keys() == b.keys()
    differing = [k for k in a if a[k] != b[k]]
    assert len(differing) > len(a) // 2


def test_full_mode_wipes_previous_exports(tmp_path):
    out = tmp_path / "land"
    stale = out / "accounts" / "2020-01-01_full.csv"
    stale.parent.mkdir(parents=True)
    stale.write_text("junk\n", encoding="utf-8")
    generate(out, TINY, seed=5)
    assert not stale.exists()
    assert sorted(p.name for p in (out / "accounts").iterdir()) == [FULL, DELTA]


# ---------------------------------------------------------------------------------- layout
def test_every_entity_folder_file_and_required_column(demo):
    contract = load_contract()
    assert set(contract) == set(ENTITIES)
    for entity in ENTITIES:
        names = sorted(p.name for p in (demo / entity).iterdir())
        assert names == [FULL, DELTA], entity
        for name in names:
            with open(demo / entity / name, encoding="utf-8", newline="") as fh:
                header = next(csv.reader(fh))
            assert header == COLUMNS[entity]
            missing = [c for c in contract[entity].columns if c not in header]
            assert not missing, (entity, name, missing)
            assert header[: len(contract[entity].columns)] == list(contract[entity].columns)
    assert COLUMNS["accounts"][-1] == "custom_field_1"


def test_csv_encoding_and_line_endings(demo):
    for entity in ENTITIES:
        raw = (demo / entity / FULL).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert b"\r\n" not in raw
        raw.decode("utf-8")
        assert raw.endswith(b"\n")
    # free text with a comma or a double quote is quoted the csv-module way
    text = (demo / "activities" / FULL).read_text(encoding="utf-8")
    assert '"整理需求清单, 下周与IT负责人确认"' in text
    assert '"发送""年度方案""报价"' in text


def test_demo_row_counts_in_documented_ranges(demo):
    meta = json.loads((demo / "_manifest" / "manifest.json").read_text(encoding="utf-8"))
    for entity, (lo, hi) in DEMO_RANGES.items():
        n = meta["row_counts"][entity]
        assert lo <= n <= hi, (entity, n)
        files = meta["files"][entity]
        assert set(files) == {FULL, DELTA}
        for name, rows in files.items():
            assert len(read(demo, entity, name)) == rows
    assert meta["as_of_date"] == END and meta["scale"] == "demo" and meta["seed"] == 42


def test_value_domains(demo_current):
    contract = load_contract()
    for entity, spec in contract.items():
        df = demo_current[entity]
        for col, allowed in spec.accepted_values.items():
            # the contract accepts enums trimmed and in any case (a business_line_variant defect
            # writes Software / CONTENT); anything else is out of the domain
            vals = {v.strip().lower() for v in df[col]} - {""}
            assert vals <= set(allowed), (entity, col, vals - set(allowed))
    ts_re = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"
    assert demo_current["opportunities"]["created_at"].str.match(ts_re).all()
    assert demo_current["contracts"]["signed_date"].str.match(r"^\d{4}-\d{2}-\d{2}$").all()
    money = demo_current["contracts"]["total_amount"]
    assert money.str.match(r"^-?\d+\.\d{2}$").all()
    for entity, prefix, width in (
        ("users", "U", 5),
        ("accounts", "A", 6),
        ("opportunities", "O", 7),
        ("activities", "V", 9),
        ("contracts", "K", 6),
        ("leads", "L", 7),
        ("contacts", "C", 7),
        ("opportunity_stage_history", "H", 8),
    ):
        assert demo_current[entity][ID_COLUMN[entity]].str.match(rf"^{prefix}\d{{{width}}}$").all(), entity
    # boolean spellings: mostly true/false, a few 1/0 and 是/否, never anything else
    for entity in ("users", "accounts", "contacts", "opportunities"):
        col = "is_active" if entity == "users" else "is_deleted"
        vals = demo_current[entity][col].value_counts(normalize=True)
        assert set(vals.index) <= {"true", "false", "1", "0", "是", "否"}
    acc = demo_current["accounts"]
    assert (
        acc["is_key_account"].isin(["1", "0"]).mean() > 0.01
        and acc["is_key_account"].isin(["是", "否"]).mean() > 0.005
    )
    # some deleted rows, not many
    for entity in ("accounts", "contacts", "leads", "opportunities", "activities", "contracts"):
        share = dq.flag(demo_current[entity]["is_deleted"]).mean()
        assert 0 < share < 0.02, (entity, share)


# ---------------------------------------------------------------------------------- defects
def test_manifest_equals_reference_findings(demo, demo_current):
    found = dq.finding_keys(dq.findings(demo, demo_current))
    listed = dq.manifest_keys(demo)
    assert found - listed == set(), "found but not in the manifest (precision)"
    assert listed - found == set(), "in the manifest but not found (recall)"
    rules = {r for r, *_ in listed}
    assert len(rules) == 25  # every rule is exercised by the demo


def test_manifest_format_and_counts(demo, manifest):
    assert list(manifest.columns) == ["rule_code", "entity", "record_id", "detail"]
    rows = list(manifest.itertuples(index=False))
    assert rows == sorted(rows)
    assert not manifest.duplicated().any()
    meta = json.loads((demo / "_manifest" / "manifest.json").read_text(encoding="utf-8"))
    assert meta["defect_counts"] == {
        r: int((manifest["rule_code"] == r).sum()) for r in meta["defect_counts"]
    }
    orphan = manifest[manifest["rule_code"] == "orphan_reference"]
    assert set(zip(orphan["entity"], orphan["detail"], strict=False)) <= {
        ("activities", "owner_user_id"),
        ("activities", "account_id"),
        ("activities", "opportunity_id"),
        ("activities", "contact_id"),
        ("opportunities", "owner_user_id"),
        ("opportunities", "account_id"),
        ("contracts", "opportunity_id"),
        ("contracts", "account_id"),
        ("contracts", "owner_user_id"),
        ("leads", "owner_user_id"),
        ("leads", "account_id"),
        ("leads", "campaign_id"),
        ("contacts", "account_id"),
    }


def test_reference_detects_a_tampered_manifest(demo, demo_current, tmp_path):
    """The comparison can fail: drop one manifest row and add a defect the manifest does not list."""
    listed = dq.manifest_keys(demo)
    found = dq.finding_keys(dq.findings(demo, demo_current))
    assert found == listed
    tampered = {k: v.copy() for k, v in demo_current.items()}
    acc = tampered["accounts"]
    i = acc.index[(acc["industry"] != "") & (acc["employee_count"] != "") & ~dq.flag(acc["is_deleted"])][0]
    acc.loc[i, "industry"] = ""
    found2 = dq.finding_keys(dq.findings(demo, tampered))
    assert found2 - listed == {("account_missing_firmographics", "accounts", acc.loc[i, "account_id"], "")}


def test_every_manifest_record_exists_and_is_not_deleted(demo_current, manifest):
    for (rule, entity), grp in manifest.groupby(["rule_code", "entity"]):
        df = demo_current[entity]
        ids = set(df[ID_COLUMN[entity]])
        assert set(grp["record_id"]) <= ids, (rule, entity)
        if "is_deleted" in df and rule != "reexported_row":
            live = set(df.loc[~dq.flag(df["is_deleted"]), ID_COLUMN[entity]])
            assert set(grp["record_id"]) <= live, (rule, entity)


def test_reexported_rows_appear_twice_identically(demo, manifest):
    re_rows = manifest[manifest["rule_code"] == "reexported_row"]
    assert len(re_rows) > 0
    assert set(re_rows["detail"]) == {DELTA}
    for entity, grp in re_rows.groupby("entity"):
        key = ID_COLUMN[entity]
        full = read(demo, entity, FULL).set_index(key)
        delta = read(demo, entity, DELTA).set_index(key)
        ids = list(grp["record_id"])
        assert full.loc[ids].equals(delta.loc[ids]), entity
        # every other delta row changed on the delta day
        rest = delta.drop(index=ids)
        assert rest[CHANGE_COLUMN[entity]].str.startswith(END).all(), entity


def test_multiplier_zero_is_clean(tmp_path):
    out = tmp_path / "clean"
    generate(out, "demo", seed=42, defect_multiplier=0)
    manifest = pd.read_csv(out / "_manifest" / "defects.csv", dtype=str)
    assert len(manifest) == 0
    assert len(dq.findings(out)) == 0


# ---------------------------------------------------------------------------------- delta mode
def test_delta_mode_appends_the_next_day_only(demo, tmp_path):
    out = tmp_path / "landing"
    shutil.copytree(demo, out)
    before = {k: v for k, v in digest_tree(out).items() if not k.startswith("_manifest")}
    r = run_cli("--scale", "demo", "--seed", "42", "--out", str(out), "--delta", "--quiet")
    assert r.returncode == 0, r.stderr
    generate_delta(out)  # and a second day
    after = digest_tree(out)
    assert {k: after[k] for k in before} == before  # existing exports unchanged, byte for byte
    new = sorted(set(after) - set(before) - {k for k in after if k.startswith("_manifest")})
    assert new == sorted(f"{e}/{d}_delta.csv" for e in ENTITIES for d in ("2026-11-26", "2026-11-27"))
    manifest = pd.read_csv(out / "_manifest" / "defects.csv", dtype=str, keep_default_na=False)
    for day in ("2026-11-26", "2026-11-27"):
        name = f"{day}_delta.csv"
        reexp = manifest[(manifest["rule_code"] == "reexported_row") & (manifest["detail"] == name)]
        for entity in ENTITIES:
            df = read(out, entity, name)
            if entity in CHANGE_COLUMN:
                ok = df[CHANGE_COLUMN[entity]].str.startswith(day) | df[ID_COLUMN[entity]].isin(
                    reexp.loc[reexp["entity"] == entity, "record_id"]
                )
                assert ok.all(), (entity, day)
            elif entity in ("team_memberships", "account_owner_history"):
                # a row starts today, or was closed today: by the next row starting today (end = yesterday),
                # or, for memberships, by a termination today (end = today)
                start_today = df["start_date"] == day
                end = pd.to_datetime(df["end_date"].replace("", None))
                closed = end == pd.Timestamp(day) - pd.Timedelta(days=1)
                if entity == "team_memberships":
                    closed |= end == pd.Timestamp(day)
                assert (start_today | closed).all(), (entity, day)
    meta = json.loads((out / "_manifest" / "manifest.json").read_text(encoding="utf-8"))
    assert meta["as_of_date"] == "2026-11-27"
    assert [e["date"] for e in meta["exports"]] == ["2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"]
    # the manifest still equals the reference findings at the new as-of date
    assert dq.finding_keys(dq.findings(out)) == dq.manifest_keys(out)
    # a delta with another seed is refused
    r = run_cli("--scale", "demo", "--seed", "7", "--out", str(out), "--delta", "--quiet")
    assert r.returncode == 2 and "seed" in r.stderr


def test_deduplicated_exports_equal_a_snapshot_of_the_last_day(tmp_path):
    """full + delta + delta, deduplicated the contract's way, equals the export rendered as of the last day."""
    from crm_warehouse.crmgen import render
    from crm_warehouse.crmgen.activities import chunks_of, generate_chunk
    from crm_warehouse.crmgen.generate import Log, build_world, effective_rates
    from crm_warehouse.crmgen.util import DAY, day_number

    out = tmp_path / "land"
    generate(out, TINY, seed=11, end_date="2026-06-10")
    generate_delta(out)
    generate_delta(out)
    current = dq.load_current(out)
    rates = effective_rates(1.0)
    w, _ = build_world(TINY, 11, "2026-06-10", rates, Log(True))
    T = (day_number("2026-06-12") + 1) * DAY - 1
    for entity in ENTITIES:
        if entity == "activities":
            parts, base = [], 0
            for ci, reps in enumerate(chunks_of(w)):
                ch = generate_chunk(w, ci, reps, rates)
                parts.append(pd.DataFrame(render.activities(w, ch, T, base)[0]))
                base += ch.n
            snap = pd.concat(parts, ignore_index=True)
        else:
            snap = pd.DataFrame(render.RENDERERS[entity](w, T)[0])
        snap = snap[COLUMNS[entity]].fillna("").astype(str)
        keys = dq.KEYS[entity][0]
        got = current[entity][COLUMNS[entity]].sort_values(keys).reset_index(drop=True)
        want = snap.sort_values(keys).reset_index(drop=True)
        assert got.equals(want), entity
    assert dq.finding_keys(dq.findings(out)) == dq.manifest_keys(out)


def test_parquet_has_the_same_values_as_csv(tmp_path):
    c, p = tmp_path / "c", tmp_path / "p"
    generate(c, TINY, seed=3)
    generate(p, TINY, seed=3, fmt="parquet")
    import pyarrow.parquet as pq

    for entity in ENTITIES:
        for name in (FULL, DELTA):
            tbl = pq.read_table(p / entity / name.replace(".csv", ".parquet"))
            assert all(str(f.type) == "string" for f in tbl.schema), entity
            pdf = tbl.to_pandas().fillna("")
            cdf = read(c, entity, name)
            assert list(pdf.columns) == list(cdf.columns)
            assert pdf.astype(str).equals(cdf), (entity, name)
    assert dq.finding_keys(dq.findings(p)) == dq.manifest_keys(p)


# ---------------------------------------------------------------------------------- clean-data consistency
def _defect_ids(manifest: pd.DataFrame, entity: str) -> set[str]:
    m = manifest[(manifest["entity"] == entity) & (manifest["rule_code"] != "reexported_row")]
    return set(m["record_id"])


def test_team_memberships_cover_active_days_without_overlap(demo_current):
    users = demo_current["users"]
    mem = demo_current["team_memberships"].copy()
    mem["s"] = pd.to_datetime(mem["start_date"])
    mem["e"] = pd.to_datetime(mem["end_date"].replace("", None))
    as_of = pd.Timestamp(END)
    for _, u in users[users["role"].isin(["rep", "team_lead"])].iterrows():
        m = mem[mem["user_id"] == u["user_id"]].sort_values("s")
        assert len(m) >= 1, u["user_id"]
        assert m["s"].iloc[0] == pd.Timestamp(u["hire_date"])
        # consecutive rows touch: next start = previous end + 1 day
        ends = m["e"].iloc[:-1].to_numpy()
        starts = m["s"].iloc[1:].to_numpy()
        assert (starts == ends + np.timedelta64(1, "D")).all(), u["user_id"]
        last_end = m["e"].iloc[-1]
        if u["termination_date"]:
            assert last_end == pd.Timestamp(u["termination_date"])
            assert not dq.flag(pd.Series([u["is_active"]])).iloc[0]
        else:
            assert pd.isna(last_end) or last_end >= as_of
    # every team has exactly one lead, a member of it
    teams = demo_current["teams"]
    leads = users[users["role"] == "team_lead"]
    assert sorted(teams["leader_user_id"]) == sorted(leads["user_id"])


def test_owner_history_consistent_with_accounts(demo_current, manifest):
    acc = demo_current["accounts"]
    hist = demo_current["account_owner_history"]
    cur = hist[hist["end_date"] == ""]
    assert cur["account_id"].is_unique
    merged = acc.merge(cur, on="account_id", how="left", suffixes=("", "_hist"), indicator=True)
    assert (merged["_merge"] == "both").all()
    assert (merged["owner_user_id"] == merged["owner_user_id_hist"]).all()
    assert ((merged["owner_user_id"] == "") == (merged["pool_status"] == "public_pool")).all()
    h = hist.assign(
        s=pd.to_datetime(hist["start_date"]), e=pd.to_datetime(hist["end_date"].replace("", None))
    )
    h = h.sort_values(["account_id", "s"])
    same = h["account_id"] == h["account_id"].shift(-1)
    assert (h["s"].shift(-1)[same] == h["e"][same] + pd.Timedelta(days=1)).all()
    assert (h["owner_user_id"].shift(-1)[same] != h["owner_user_id"][same]).all()
    first = h.groupby("account_id")["s"].min()
    created = pd.to_datetime(acc.set_index("account_id")["created_at"]).dt.normalize()
    assert (first.reindex(created.index) == created).all()


def test_stage_history_ends_at_current_stage(demo_current, manifest):
    o = demo_current["opportunities"]
    h = demo_current["opportunity_stage_history"].sort_values(["opportunity_id", "changed_at"])
    first = h.groupby("opportunity_id").head(1)
    assert (first["from_stage"] == "").all()
    same = h["opportunity_id"] == h["opportunity_id"].shift(1)
    assert (h["from_stage"][same] == h["to_stage"].shift(1)[same]).all()
    last = h.groupby("opportunity_id").tail(1).set_index("opportunity_id")
    skip = _defect_ids(manifest, "opportunities")
    oo = o[~o["opportunity_id"].isin(skip)].set_index("opportunity_id")
    assert (oo["stage"] == last.loc[oo.index, "to_stage"]).all()
    closed = last.loc[oo.index, "to_stage"].isin(["closed_won", "closed_lost"])
    assert (oo.loc[closed.values, "closed_at"] == last.loc[oo.index[closed.values], "changed_at"]).all()
    lag = pd.to_datetime(h["recorded_at"]) - pd.to_datetime(h["changed_at"])
    clean = ~h["history_id"].isin(_defect_ids(manifest, "opportunity_stage_history"))
    assert lag[clean].between(pd.Timedelta(0), pd.Timedelta(hours=24)).all()


def test_contracts_follow_won_opportunities(demo_current, manifest):
    o = demo_current["opportunities"].set_index("opportunity_id")
    c = demo_current["contracts"]
    c = c[(c["opportunity_id"] != "") & c["opportunity_id"].isin(o.index)]
    c = c[~c["contract_id"].isin(_defect_ids(manifest, "contracts"))]
    opp = o.loc[c["opportunity_id"]]
    assert dq.flag(opp["is_won"]).all() or dq.flag(opp["is_deleted"]).any()
    gap = (
        pd.to_datetime(c["signed_date"]).values - pd.to_datetime(opp["closed_at"]).dt.normalize().values
    ) / np.timedelta64(1, "D")
    assert ((gap >= 0) & (gap <= 10)).all()
    sw = c[(c["business_line"] == "software") & (c["contract_type"] != "upsell")]
    days = (pd.to_datetime(sw["end_date"]) - pd.to_datetime(sw["start_date"])).dt.days
    assert (days == 364).all()
    assert (sw["recurring_amount_annual"].astype(float) > 0).all()
    assert set(c["contract_type"]) == {"new_business", "renewal", "upsell"}


# ---------------------------------------------------------------------------------- shapes
def test_shapes_the_indicators_need(demo_current):
    o = demo_current["opportunities"]
    o = o[~dq.flag(o["is_deleted"])]
    closed = o[dq.flag(o["is_closed"]) & (o["opportunity_type"] == "new_business")]
    rate = closed.groupby("owner_user_id")["is_won"].apply(lambda s: dq.flag(s).mean())
    big = closed.groupby("owner_user_id").size() >= 40
    rate = rate[big.reindex(rate.index).fillna(False)]
    assert rate.min() < 0.2 and rate.max() > 0.35  # rep skill spread
    # visits per rep-month spread around the 15-visit threshold
    a = demo_current["activities"]
    v = a[(a["activity_type"] == "visit") & (a["status"] == "completed") & ~dq.flag(a["is_deleted"])]
    v = v[(v["occurred_at"] >= "2025-01-01") & (v["occurred_at"] < "2026-11-01")]
    per = v.groupby([v["owner_user_id"], v["occurred_at"].str[:7]]).size()
    med = per.groupby(level=0).median()
    assert (med < 15).any() and (med >= 15).any()
    assert set(a["status"]) == {"planned", "completed", "cancelled", "missed"}
    future = a[(a["status"] == "planned") & (a["planned_at"] > END)]
    assert future["planned_at"].max() <= "2026-12-10" and len(future) > 20
    assert (a.loc[a["status"].isin(["missed", "cancelled"]), "not_done_reason"] != "").all()
    done = a[a["status"] == "completed"]
    assert (done["next_step"] != "").mean() > 0.7
    # quarter-end seasonality of won deals
    won = o[dq.flag(o["is_won"])]
    month = pd.to_datetime(won["closed_at"]).dt.month
    q_end = month.isin([3, 6, 9, 12]).mean()
    assert q_end > 0.40
    # content deals are smaller and shorter than software deals
    w = won.assign(
        amount=pd.to_numeric(won["amount"].replace("", None)),
        days=(pd.to_datetime(won["closed_at"]) - pd.to_datetime(won["created_at"])).dt.days,
    )
    w = w[w["opportunity_type"] == "new_business"]
    g = w.groupby("business_line")[["amount", "days"]].median()
    assert g.loc["content", "amount"] < g.loc["software", "amount"] / 2
    assert g.loc["content", "days"] < g.loc["software", "days"]
    # accounts: KA share, large and super-large accounts, pool
    acc = demo_current["accounts"]
    ka = dq.flag(acc["is_key_account"]).mean()
    assert 0.10 < ka < 0.22
    emp = pd.to_numeric(acc["employee_count"].replace("", None))
    assert (emp >= 1000).mean() > 0.05 and (emp >= 10000).sum() > 10
    assert 0.1 < (acc["pool_status"] == "public_pool").mean() < 0.6
    # leads flow through the funnel
    leads = demo_current["leads"]
    assert set(leads["status"]) == {"new", "working", "mql", "sql", "converted", "disqualified"}
    conv = leads[leads["status"] == "converted"]
    assert (conv["converted_opportunity_id"] != "").all() and (conv["account_id"] != "").all()
    assert (leads.loc[leads["status"] == "disqualified", "disqualified_reason"] != "").all()
    # reps who left, joined and moved
    users = demo_current["users"]
    reps = users[users["role"] == "rep"]
    assert (reps["termination_date"] != "").sum() >= 3 and (reps["hire_date"] >= "2024-01-01").sum() >= 3
    mem = demo_current["team_memberships"]
    assert mem["user_id"].duplicated().sum() >= 2
    # churn follows usage: accounts that renewed used more than those that churned
    c = demo_current["contracts"]
    usage = demo_current["product_usage"].astype({"licensed_seats": int, "core_feature_users": int})
    ratio = (
        usage.groupby("account_id")["core_feature_users"].sum()
        / usage.groupby("account_id")["licensed_seats"].sum()
    )
    ren = set(c.loc[c["contract_type"] == "renewal", "account_id"])
    ended = c[
        (c["business_line"] == "software")
        & (c["end_date"] < "2026-09-01")
        & (c["contract_type"] == "new_business")
    ]
    churned = set(ended["account_id"]) - ren
    assert ratio.reindex(list(ren)).mean() > ratio.reindex(list(churned)).mean() + 0.05
    q = demo_current["quotas"]
    assert set(q["metric"]) == {"bookings_amount", "new_opportunities", "visits", "new_accounts"}
    assert (q["team_id"] != "").any() and (q["user_id"] != "").any()
    # bookings quotas are calibrated on new business plus the renewal book: company attainment
    # swings around 100 % rather than sitting far above or below it
    rep_q = q[
        (q["metric"] == "bookings_amount")
        & (q["user_id"] != "")
        & (q["period_month"] >= "2025-01-01")
        & (q["period_month"] < "2026-11-01")
    ]
    quota = rep_q.assign(
        m=rep_q["period_month"].str[:7], v=pd.to_numeric(rep_q["target_value"], errors="coerce")
    )
    signed = c.assign(m=c["signed_date"].str[:7], v=pd.to_numeric(c["total_amount"], errors="coerce"))
    attainment = (signed.groupby("m")["v"].sum() / quota.groupby("m")["v"].sum()).dropna()
    assert len(attainment) == 22
    assert 0.85 <= attainment.median() <= 1.15, attainment.describe()
    assert attainment.between(0.5, 1.7).all(), attainment[~attainment.between(0.5, 1.7)]
    costs = demo_current["costs"]
    assert set(costs["cost_type"]) == {"marketing", "sales", "cost_to_serve"}
