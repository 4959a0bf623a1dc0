"""Reference implementation of the landing data-quality rules, in plain pandas.

Written from the rule definitions in docs/generator.md, independently of the generator, so
that tests can demand that the generator's manifest and these findings agree exactly.

Usage: findings(landing_dir) -> DataFrame[rule_code, entity, record_id, detail]
(detail is the column name for orphan_reference and the reference-conformance rules, empty
otherwise). The reference-conformance rules read the value lists from the seeds
(ref_dq_reference_values, ref_dq_reference_aliases) and compare with Unicode NFKC folding,
case folding and no spaces, independently of the SQL macros.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

EXPORT_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})_(full|delta)\.(csv|parquet)$")
KEYS = {
    "users": (["user_id"], "updated_at"),
    "teams": (["team_id"], "updated_at"),
    "team_memberships": (["user_id", "start_date"], None),
    "accounts": (["account_id"], "updated_at"),
    "account_owner_history": (["account_id", "start_date"], None),
    "contacts": (["contact_id"], "updated_at"),
    "campaigns": (["campaign_id"], "updated_at"),
    "leads": (["lead_id"], "updated_at"),
    "opportunities": (["opportunity_id"], "updated_at"),
    "opportunity_stage_history": (["history_id"], "recorded_at"),
    "activities": (["activity_id"], "updated_at"),
    "contracts": (["contract_id"], "updated_at"),
    "quotas": (["user_id", "team_id", "period_month", "metric"], None),
    "product_usage": (["account_id", "usage_month"], None),
    "costs": (["cost_month", "business_line", "cost_type"], None),
}
TRUE = {"true", "t", "1", "yes", "y", "是"}
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
# Rules whose detail is the column concerned.
COLUMN_RULES = {
    "orphan_reference",
    "industry_not_in_reference",
    "region_not_in_reference",
    "business_line_variant",
}


def reference_key(value: str) -> str:
    """NFKC (full-width to half-width), case-folded, without white space, without a trailing 省/市/province/city."""
    v = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value).casefold())
    return re.sub(r"(省|市|province|city)$", "", v)


def reference_lists() -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, bool]]:
    """Per domain: the codes, the keys of every spelling, and whether the list is complete."""
    vals = pd.read_csv(SEEDS / "ref_dq_reference_values.csv", dtype=str, keep_default_na=False)
    aliases = pd.read_csv(SEEDS / "ref_dq_reference_aliases.csv", dtype=str, keep_default_na=False)
    codes: dict[str, set[str]] = {}
    keys: dict[str, set[str]] = {}
    complete: dict[str, bool] = {}
    for r in vals.itertuples(index=False):
        codes.setdefault(r.domain, set()).add(r.code)
        keys.setdefault(r.domain, set()).update(reference_key(x) for x in (r.code, r.name_zh, r.name_en) if x)
        complete[r.domain] = r.is_complete_list.strip().lower() == "true"
    for r in aliases.itertuples(index=False):
        keys.setdefault(r.domain, set()).add(reference_key(r.alias))
    return codes, keys, complete


def read_raw(landing: Path, entity: str) -> pd.DataFrame:
    frames = []
    for p in sorted((landing / entity).iterdir()):
        if not EXPORT_RE.match(p.name):
            continue
        if p.suffix == ".csv":
            df = pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8")
        else:
            df = pd.read_parquet(p).astype(object).where(lambda x: x.notna(), "")
            df = df.astype(str)
        df["_file"] = p.name
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def dedupe(df: pd.DataFrame, keys: list[str], order: str | None) -> pd.DataFrame:
    df = df.copy()
    sort_cols = []
    if order:
        df["_ord"] = pd.to_datetime(df[order], format="%Y-%m-%d %H:%M:%S", errors="coerce")
        sort_cols.append("_ord")
    sort_cols.append("_file")
    df = df.sort_values(sort_cols, kind="mergesort", na_position="first")
    return (
        df.drop_duplicates(keys, keep="last")
        .drop(columns=[c for c in ("_ord",) if c in df])
        .reset_index(drop=True)
    )


def as_of_date(landing: Path) -> pd.Timestamp:
    days = [
        EXPORT_RE.match(p.name).group(1)
        for d in landing.iterdir()
        if d.is_dir()
        for p in d.iterdir()
        if EXPORT_RE.match(p.name)
    ]
    return pd.Timestamp(max(days))


def load_current(landing: str | Path) -> dict[str, pd.DataFrame]:
    landing = Path(landing)
    return {e: dedupe(read_raw(landing, e), *KEYS[e]) for e in KEYS}


def ts(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, format="%Y-%m-%d %H:%M:%S", errors="coerce")


def dt(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")


def num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.replace("", None), errors="coerce")


def flag(s: pd.Series) -> pd.Series:
    return s.str.strip().str.lower().isin(TRUE)


def findings(landing: str | Path, current: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    landing = Path(landing)
    cur = current or load_current(landing)
    as_of = as_of_date(landing)
    out: list[tuple[str, str, str, str]] = []

    def add(rule, entity, ids, detail=""):
        out.extend((rule, entity, i, detail) for i in ids)

    def live(e):
        df = cur[e]
        return df[~flag(df["is_deleted"])] if "is_deleted" in df else df

    # ---- activities
    act = live("activities").copy()
    act["occ"], act["log"], act["plan"], act["cre"] = (
        ts(act["occurred_at"]),
        ts(act["logged_at"]),
        ts(act["planned_at"]),
        ts(act["created_at"]),
    )
    done = act[act["status"] == "completed"]
    lag = done["log"] - done["occ"]
    h24, h72 = pd.Timedelta(hours=24), pd.Timedelta(hours=72)
    add("activity_logged_late", "activities", done.loc[(lag > h24) & (lag <= h72), "activity_id"])
    add("activity_logged_very_late", "activities", done.loc[lag > h72, "activity_id"])
    ov = act[
        (act["activity_type"] == "visit")
        & (act["status"] == "planned")
        & (act["plan"].dt.normalize() < as_of)
    ]
    add("visit_plan_overdue", "activities", ov["activity_id"])
    add("activity_in_future", "activities", done.loc[done["occ"].dt.normalize() > as_of, "activity_id"])
    # duplicates: same owner, account, type, occurred_at; all but the earliest created_at (then smallest id)
    dup = done.sort_values(["cre", "activity_id"], kind="mergesort")
    grp = ["owner_user_id", "account_id", "activity_type", "occurred_at"]
    add("duplicate_activity", "activities", dup.loc[dup.duplicated(grp, keep="first"), "activity_id"])
    # overlapping visits
    vis = (
        done[done["activity_type"] == "visit"]
        .sort_values(["owner_user_id", "occ", "activity_id"], kind="mergesort")
        .reset_index(drop=True)
    )
    flagged = pd.Series(False, index=vis.index)
    k = 1
    while k < len(vis):
        prev = vis.shift(k)
        within = (prev["owner_user_id"] == vis["owner_user_id"]) & (
            vis["occ"] - prev["occ"] < pd.Timedelta(minutes=30)
        )
        if not within.any():
            break
        flagged |= within & (prev["account_id"] != vis["account_id"])
        k += 1
    add("overlapping_visits", "activities", vis.loc[flagged, "activity_id"])

    # ---- stage history
    h = cur["opportunity_stage_history"]
    late = ts(h["recorded_at"]) - ts(h["changed_at"]) > pd.Timedelta(hours=48)
    add("stage_change_recorded_late", "opportunity_stage_history", h.loc[late, "history_id"])

    # ---- opportunities
    o = live("opportunities")
    closed, won = flag(o["is_closed"]), flag(o["is_won"])
    add(
        "opportunity_past_close_date",
        "opportunities",
        o.loc[~closed & (dt(o["expected_close_date"]) < as_of), "opportunity_id"],
    )
    add(
        "opportunity_missing_amount",
        "opportunities",
        o.loc[
            o["stage"].isin(["proposal", "negotiation", "closed_won"]) & (o["amount"].str.strip() == ""),
            "opportunity_id",
        ],
    )
    add("negative_amount", "opportunities", o.loc[num(o["amount"]) < 0, "opportunity_id"])
    add(
        "opportunity_closed_before_created",
        "opportunities",
        o.loc[ts(o["closed_at"]) < ts(o["created_at"]), "opportunity_id"],
    )
    c_live = live("contracts")
    with_contract = set(c_live.loc[c_live["opportunity_id"] != "", "opportunity_id"])
    old_won = won & (ts(o["closed_at"]).dt.normalize() <= as_of - pd.Timedelta(days=30))
    add(
        "won_without_contract",
        "opportunities",
        o.loc[old_won & ~o["opportunity_id"].isin(with_contract), "opportunity_id"],
    )
    closed_stage = o["stage"].isin(["closed_won", "closed_lost"])
    mism = (
        (won & (o["stage"] != "closed_won"))
        | ((o["stage"] == "closed_won") & ~won)
        | (~closed & closed_stage)
        | (closed & ~closed_stage)
    )
    add("won_flag_stage_mismatch", "opportunities", o.loc[mism, "opportunity_id"])

    # ---- contracts
    c = c_live
    add(
        "contract_recorded_late",
        "contracts",
        c.loc[
            (ts(c["recorded_at"]).dt.normalize() - dt(c["signed_date"])) > pd.Timedelta(days=7), "contract_id"
        ],
    )
    add("negative_amount", "contracts", c.loc[num(c["total_amount"]) < 0, "contract_id"])
    add(
        "contract_end_before_start",
        "contracts",
        c.loc[dt(c["end_date"]) < dt(c["start_date"]), "contract_id"],
    )
    not_won_live = set(o.loc[~won, "opportunity_id"])
    add(
        "contract_without_won_opportunity",
        "contracts",
        c.loc[(c["opportunity_id"] == "") | c["opportunity_id"].isin(not_won_live), "contract_id"],
    )

    # ---- accounts
    a = live("accounts")
    add(
        "account_missing_firmographics",
        "accounts",
        a.loc[(a["industry"].str.strip() == "") | (a["employee_count"].str.strip() == ""), "account_id"],
    )
    norm = a["account_name"].str.lower().str.replace(r"[\s()（）·.\-]", "", regex=True)
    srt = a.assign(_n=norm, _c=ts(a["created_at"])).sort_values(["_c", "account_id"], kind="mergesort")
    add("duplicate_account", "accounts", srt.loc[srt.duplicated("_n", keep="first"), "account_id"])

    # ---- orphan references (deleted targets count as existing)
    exists = {
        "users": set(cur["users"]["user_id"]),
        "accounts": set(cur["accounts"]["account_id"]),
        "opportunities": set(cur["opportunities"]["opportunity_id"]),
        "contacts": set(cur["contacts"]["contact_id"]),
        "campaigns": set(cur["campaigns"]["campaign_id"]),
    }
    fks = [
        (
            "activities",
            "activity_id",
            [
                ("owner_user_id", "users"),
                ("account_id", "accounts"),
                ("opportunity_id", "opportunities"),
                ("contact_id", "contacts"),
            ],
        ),
        ("opportunities", "opportunity_id", [("owner_user_id", "users"), ("account_id", "accounts")]),
        (
            "contracts",
            "contract_id",
            [("opportunity_id", "opportunities"), ("account_id", "accounts"), ("owner_user_id", "users")],
        ),
        (
            "leads",
            "lead_id",
            [("owner_user_id", "users"), ("account_id", "accounts"), ("campaign_id", "campaigns")],
        ),
        ("contacts", "contact_id", [("account_id", "accounts")]),
    ]
    for entity, pk, cols in fks:
        df = live(entity)
        for col, target in cols:
            bad = (df[col] != "") & ~df[col].isin(exists[target])
            add("orphan_reference", entity, df.loc[bad, pk], col)

    # ---- reference conformance: values as exported, not a code of the reference list
    codes, keys, complete = reference_lists()
    checks = [
        ("industry_not_in_reference", "accounts", "account_id", "industry", "industry"),
        ("region_not_in_reference", "accounts", "account_id", "province", "province"),
        ("region_not_in_reference", "accounts", "account_id", "city", "city"),
    ]
    checks += [
        ("business_line_variant", e, pk, "business_line", "business_line")
        for e, pk in (("opportunities", "opportunity_id"), ("contracts", "contract_id"), ("leads", "lead_id"))
    ]
    for rule, entity, pk, col, domain in checks:
        df = live(entity)
        v = df[col]
        bad = (v.str.strip() != "") & ~v.isin(codes[domain])
        if not complete[domain]:
            bad &= v.map(reference_key).isin(keys[domain])
        add(rule, entity, df.loc[bad, pk], col)

    # ---- open deals without a live account; zero amounts on closed deals
    live_accounts = set(live("accounts")["account_id"])
    no_acc = ~closed & (
        (o["account_id"] == "")
        | (o["account_id"].isin(exists["accounts"]) & ~o["account_id"].isin(live_accounts))
    )
    add("open_opportunity_without_account", "opportunities", o.loc[no_acc, "opportunity_id"])
    amount = num(o["amount"])
    add(
        "won_with_zero_amount",
        "opportunities",
        o.loc[(won | (o["stage"] == "closed_won")) & (amount == 0), "opportunity_id"],
    )
    quoted = set(
        h.loc[h["to_stage"].str.strip().str.lower().isin(["proposal", "negotiation"]), "opportunity_id"]
    )
    lost_zero = (
        (o["stage"] == "closed_lost") & ~won & (amount.fillna(0) == 0) & o["opportunity_id"].isin(quoted)
    )
    add("lost_deal_zero_amount", "opportunities", o.loc[lost_zero, "opportunity_id"])
    res = pd.DataFrame(out, columns=["rule_code", "entity", "record_id", "detail"])
    return res.sort_values(list(res.columns)).reset_index(drop=True)


def manifest_keys(landing: str | Path) -> set[tuple[str, str, str, str]]:
    """The manifest rows as comparable keys (detail kept only for the column rules)."""
    m = pd.read_csv(Path(landing) / "_manifest" / "defects.csv", dtype=str, keep_default_na=False)
    m = m[m["rule_code"] != "reexported_row"]
    return {(r, e, i, d if r in COLUMN_RULES else "") for r, e, i, d in m.itertuples(index=False)}


def finding_keys(df: pd.DataFrame) -> set[tuple[str, str, str, str]]:
    return {(r, e, i, d if r in COLUMN_RULES else "") for r, e, i, d in df.itertuples(index=False)}
