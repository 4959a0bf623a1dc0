"""The simulated world is consistent per domain (organisation, ownership, opportunities,
contracts) and has the shapes the indicators need (skill spread, visit pace, seasonality, …)."""

from __future__ import annotations

import numpy as np
import pandas as pd

import dq_reference as dq
from generator_helpers import END


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
