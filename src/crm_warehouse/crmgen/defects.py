"""Injection of data-entry defects into the simulated world (all but activities).

Every injection records (rule, entity, record index, detail, activation time): the moment
from which the rule fires on that record. A defect is injected only where it stays a
defect for every later as-of date inside the simulated horizon, and only on records that
are never deleted, so the manifest for an as-of date is simply every defect activated by
its end.
"""

from __future__ import annotations

import numpy as np

from .common import LINE_CT, workhour
from .defect_tools import Defects, _pick
from .real_world import _real_world
from .util import DAY, HOUR, NEVER
from .world import World


def apply(w: World, rates: dict) -> Defects:
    """Inject the data-entry defects (all but the activities') into the world at the given rates;
    returns the record of every defect injected."""
    rng = w.rng("defects")
    d = Defects()
    o, c = w.opps, w.contracts
    n_o = len(o.created)
    nt = len(o.tr["opp"])
    o.tr["hidden"] = np.zeros(nt, dtype=bool)
    o.push_stop = np.full(n_o, NEVER, dtype=np.int64)
    o.stage_override = np.full(n_o, -1, dtype=np.int64)
    o.closed_override = np.full(n_o, -1, dtype=np.int64)
    o.orph_owner = np.full(n_o, -1, dtype=np.int64)
    o.orph_acc = np.full(n_o, -1, dtype=np.int64)
    o.neg = np.zeros(n_o, dtype=bool)
    slop = w.sloppiness[o.owner]
    first = o.tr_first
    last = first + o.n_tr - 1
    deleted = o.del_ts < NEVER
    used = deleted.copy()
    tr = o.tr

    # 4. stale open opportunity: the rep stops moving it and stops pushing its close date
    Q = (w.end_day - 30) * DAY
    t0 = o.e0 * DAY + o.push_h
    n_q = np.where(Q >= t0, (Q - t0) // (o.P * DAY) + 1, 0)
    ecd_q = o.e0 + n_q * o.P
    cand = ~used & ~o.won & (o.created < Q - 10 * DAY) & (o.close_rec > Q) & (ecd_q <= w.end_day - 2)
    s = np.flatnonzero(_pick(rng, cand, rates.get("opportunity_past_close_date", 0), slop))
    used[s] = True
    hide = np.isin(tr["opp"], s) & (tr["rec"] > Q)
    tr["hidden"] |= hide
    o.close_ts[s] = NEVER
    o.close_rec[s] = NEVER
    o.push_stop[s] = Q
    d.add(
        "opportunity_past_close_date",
        "opportunities",
        s,
        "open with expected_close_date in the past",
        (ecd_q[s] + 1) * DAY,
    )

    # 7. missing amount at proposal or later (on deals that never lose afterwards)
    cand = ~used & o.won & (o.close_rec < NEVER)
    s = np.flatnonzero(_pick(rng, cand, rates.get("opportunity_missing_amount", 0), slop))
    used[s] = True
    mask = np.isin(tr["opp"], s)
    tr["miss"][mask] = True
    late_stage = mask & (tr["stage"] >= 3) & (tr["stage"] <= 5)
    act = np.full(n_o, NEVER, dtype=np.int64)
    np.minimum.at(act, tr["opp"][late_stage], tr["rec"][late_stage])
    d.add("opportunity_missing_amount", "opportunities", s, "amount empty at proposal or later", act[s])

    # 9. negative amount on an opportunity
    has_amt = ~tr["miss"]
    first_amt = np.full(n_o, NEVER, dtype=np.int64)
    np.minimum.at(first_amt, tr["opp"][has_amt], tr["rec"][has_amt])
    cand = ~used & (first_amt < w.horizon_ts)
    s = np.flatnonzero(_pick(rng, cand, rates.get("negative_amount.opportunities", 0), slop))
    used[s] = True
    o.neg[s] = True
    d.add("negative_amount", "opportunities", s, "amount < 0", first_amt[s])

    lost_closed = ~o.won & (o.close_rec < w.horizon_ts)
    # 10. closed_at before created_at
    cand = ~used & lost_closed
    s = np.flatnonzero(_pick(rng, cand, rates.get("opportunity_closed_before_created", 0), slop))
    used[s] = True
    o.closed_override[s] = (
        o.created[s] - rng.integers(1, 30, len(s)) * DAY - rng.integers(0, 8 * HOUR, len(s))
    )
    d.add("opportunity_closed_before_created", "opportunities", s, "closed_at < created_at", o.close_rec[s])

    # 15. closed but the stage still shows the last open stage
    cand = ~used & lost_closed & (o.n_tr >= 2)
    s = np.flatnonzero(_pick(rng, cand, rates.get("won_flag_stage_mismatch", 0), slop))
    used[s] = True
    o.stage_override[s] = tr["stage"][last[s] - 1]
    d.add("won_flag_stage_mismatch", "opportunities", s, "is_closed true with an open stage", o.close_rec[s])

    # 3. stage change recorded more than 48 hours late
    seq = o.tr_seq
    nxt_gap = np.full(nt, 10 * DAY, dtype=np.int64)
    same_next = np.zeros(nt, dtype=bool)
    same_next[:-1] = tr["opp"][1:] == tr["opp"][:-1]
    nxt_gap[:-1] = np.where(same_next[:-1], tr["ts"][1:] - tr["ts"][:-1], 10 * DAY)
    cand_t = (
        (seq >= 1)
        & (tr["stage"] != 5)
        & ~used[tr["opp"]]
        & ~tr["hidden"]
        & (nxt_gap >= 3 * DAY)
        & (tr["ts"] < w.horizon_ts)
    )
    s = np.flatnonzero(_pick(rng, cand_t, rates.get("stage_change_recorded_late", 0), slop[tr["opp"]]))
    hi = np.minimum(nxt_gap[s] - 2 * HOUR, 10 * DAY)
    lag = 49 * HOUR + (rng.random(len(s)) * (hi - 49 * HOUR)).astype(np.int64)
    tr["rec"][s] = tr["ts"][s] + lag
    closing = s[tr["stage"][s] == 6]
    o.close_rec[tr["opp"][closing]] = tr["rec"][closing]
    used[tr["opp"][s]] = True
    d.add(
        "stage_change_recorded_late",
        "opportunity_stage_history",
        s,
        "recorded_at - changed_at > 48h",
        tr["rec"][s],
    )

    # 19. orphans on opportunities
    for col, arr, base, span in (
        ("owner_user_id", o.orph_owner, 90000, 9999),
        ("account_id", o.orph_acc, 900000, 99999),
    ):
        s = np.flatnonzero(_pick(rng, ~used, rates.get("orphan_reference", 0)))
        used[s] = True
        arr[s] = base + rng.integers(0, span, len(s))
        d.add("orphan_reference", "opportunities", s, col, o.created[s])

    # ---------------------------------------------------------------- contracts
    n_c = len(c.opp)
    c.hidden = np.zeros(n_c, dtype=bool)
    c.neg = np.zeros(n_c, dtype=bool)
    c.end_display = c.end.copy()
    c.orph_acc = np.full(n_c, -1, dtype=np.int64)
    c.orph_owner = np.full(n_c, -1, dtype=np.int64)
    c.orph_opp = np.full(n_c, -1, dtype=np.int64)
    c.extra = np.zeros(n_c, dtype=bool)
    cdel = c.del_ts < NEVER
    cused = cdel.copy()
    cslop = w.sloppiness[c.owner]
    # 13. won deal without a contract: its (one-time content) contract is never entered
    n_per_opp = np.bincount(c.opp, minlength=n_o)
    cand = ~cused & (c.line == LINE_CT) & (c.recurring == 0) & ~used[c.opp] & (n_per_opp[c.opp] == 1)
    s = np.flatnonzero(_pick(rng, cand, rates.get("won_without_contract", 0), cslop))
    cused[s] = True
    c.hidden[s] = True
    used[c.opp[s]] = True
    d.add(
        "won_without_contract",
        "opportunities",
        c.opp[s],
        "won 30+ days ago without a contract",
        (o.close_ts[c.opp[s]] // DAY + 30) * DAY,
    )
    # 6. recorded late
    cand = ~cused
    s = np.flatnonzero(_pick(rng, cand, rates.get("contract_recorded_late", 0), cslop))
    cused[s] = True
    c.rec[s] = workhour(rng, c.signed[s] + rng.integers(8, 20, len(s)))
    d.add("contract_recorded_late", "contracts", s, "recorded more than 7 days after signing", c.rec[s])
    # 9. negative total
    s = np.flatnonzero(_pick(rng, ~cused, rates.get("negative_amount.contracts", 0), cslop))
    cused[s] = True
    c.neg[s] = True
    d.add("negative_amount", "contracts", s, "total_amount < 0", c.rec[s])
    # 11. end before start
    s = np.flatnonzero(_pick(rng, ~cused, rates.get("contract_end_before_start", 0), cslop))
    cused[s] = True
    c.end_display[s] = c.start[s] - rng.integers(1, 30, len(s))
    d.add("contract_end_before_start", "contracts", s, "end_date < start_date", c.rec[s])
    # 19. orphans on contracts
    for col, arr, base, span in (
        ("account_id", c.orph_acc, 900000, 99999),
        ("owner_user_id", c.orph_owner, 90000, 9999),
    ):
        s = np.flatnonzero(_pick(rng, ~cused, rates.get("orphan_reference", 0)))
        cused[s] = True
        arr[s] = base + rng.integers(0, span, len(s))
        d.add("orphan_reference", "contracts", s, col, c.rec[s])
    # 14 and 19: extra contracts with no, a lost, or a missing opportunity
    extra_rows = []
    k14 = int(rng.binomial(n_c, min(0.5, rates.get("contract_without_won_opportunity", 0)))) if n_c else 0
    k19 = int(rng.binomial(n_c, min(0.5, rates.get("orphan_reference", 0)))) if n_c else 0
    lost_ok = np.flatnonzero(
        ~used & lost_closed & (o.close_rec < w.horizon_ts - 40 * DAY) & (o.orph_acc < 0) & (o.orph_owner < 0)
    )
    n_lost = min(k14 // 2, len(lost_ok))
    lost_pick = np.sort(rng.choice(lost_ok, n_lost, replace=False)) if n_lost else np.zeros(0, dtype=np.int64)
    used[lost_pick] = True
    kinds = [("lost", lost_pick), ("empty", np.full(k14 - n_lost, -1)), ("orphan", np.full(k19, -1))]
    for kind, opp_idx in kinds:
        k = len(opp_idx)
        if k == 0:
            continue
        if kind == "lost":
            acc = o.account[opp_idx]
            owner = o.owner[opp_idx]
            line = o.line[opp_idx]
            signed = o.close_rec[opp_idx] // DAY + rng.integers(3, 21, k)
            after = o.close_rec[opp_idx] + 600
        else:
            acc_ok = np.flatnonzero((w.acc_del_ts >= NEVER) & (w.acc_created < (w.end_day - 60) * DAY))
            acc = np.sort(rng.choice(acc_ok, k, replace=True))
            signed = np.maximum(w.acc_created[acc] // DAY + 30, w.start_day + 30)
            signed = signed + (rng.random(k) * np.maximum(w.horizon_day - 10 - signed, 1)).astype(np.int64)
            owner = w.sampler.sample(rng, w.acc_group[acc], signed, min_remaining=5)
            owner = np.where(owner >= 0, owner, w.team_leader[w.group_first_team[w.acc_group[acc]]])
            line = w.group_line[w.acc_group[acc]]
            after = np.zeros(k, dtype=np.int64)
        rec = np.maximum(workhour(rng, signed + rng.integers(0, 3, k)), after)
        start = signed + rng.integers(0, 10, k)
        amount = (
            np.round(
                np.where(
                    line == LINE_CT,
                    rng.lognormal(np.log(26000), 0.5, k),
                    rng.lognormal(np.log(90000), 0.5, k),
                )
                / 100
            )
            * 10000
        ).astype(np.int64)
        sub = line != LINE_CT
        end = np.where(sub, start + 364, start + rng.integers(30, 121, k))
        extra_rows.append(
            dict(
                kind=kind,
                opp=opp_idx,
                account=acc,
                owner=owner,
                line=line,
                signed=signed,
                start=start,
                end=end,
                total=amount,
                recurring=np.where(sub, amount, 0),
                one_time=np.where(sub, 0, amount),
                rec=rec,
            )
        )
    base_n = n_c
    for r in extra_rows:
        k = len(r["opp"])
        idx = np.arange(base_n, base_n + k)
        base_n += k
        c.opp = np.concatenate([c.opp, r["opp"]])
        c.account = np.concatenate([c.account, r["account"]])
        c.owner = np.concatenate([c.owner, r["owner"]])
        c.line = np.concatenate([c.line, r["line"]])
        c.ctype = np.concatenate([c.ctype, np.zeros(k, dtype=np.int64)])
        for f in ("signed", "start", "end", "total", "recurring", "one_time", "rec"):
            setattr(c, f, np.concatenate([getattr(c, f), r[f]]))
        c.end_display = np.concatenate([c.end_display, r["end"]])
        c.term_ts = np.concatenate([c.term_ts, np.full(k, NEVER)])
        c.parent = np.concatenate([c.parent, np.full(k, -1)])
        c.del_ts = np.concatenate([c.del_ts, np.full(k, NEVER)])
        c.hidden = np.concatenate([c.hidden, np.zeros(k, dtype=bool)])
        c.neg = np.concatenate([c.neg, np.zeros(k, dtype=bool)])
        c.extra = np.concatenate([c.extra, np.ones(k, dtype=bool)])
        c.orph_acc = np.concatenate([c.orph_acc, np.full(k, -1)])
        c.orph_owner = np.concatenate([c.orph_owner, np.full(k, -1)])
        orph = np.full(k, -1, dtype=np.int64)
        if r["kind"] == "orphan":
            orph = 9000000 + rng.integers(0, 999999, k)
            d.add("orphan_reference", "contracts", idx, "opportunity_id", r["rec"])
        elif r["kind"] == "lost":
            d.add("contract_without_won_opportunity", "contracts", idx, "opportunity is not won", r["rec"])
        else:
            d.add("contract_without_won_opportunity", "contracts", idx, "opportunity_id empty", r["rec"])
        c.orph_opp = np.concatenate([c.orph_opp, orph])
    # order contracts by recorded_at again (ids follow entry order) and remap the manifest rows
    order = np.lexsort((np.arange(len(c.opp)), c.rec))
    inv = np.empty(len(order), dtype=np.int64)
    inv[order] = np.arange(len(order))
    for f in (
        "opp",
        "account",
        "owner",
        "line",
        "ctype",
        "signed",
        "start",
        "end",
        "total",
        "recurring",
        "one_time",
        "rec",
        "term_ts",
        "parent",
        "del_ts",
        "hidden",
        "neg",
        "extra",
        "end_display",
        "orph_acc",
        "orph_owner",
        "orph_opp",
    ):
        setattr(c, f, getattr(c, f)[order])
    c.parent = np.where(c.parent >= 0, inv[np.maximum(c.parent, 0)], -1)
    d.rows = [(r, e, inv[i] if e == "contracts" else i, det, a) for r, e, i, det, a in d.rows]
    w.n_contracts = len(c.opp)

    # ---------------------------------------------------------------- accounts, contacts, leads
    n_a = w.n_accounts
    w.acc_missing_industry = np.zeros(n_a, dtype=bool)
    w.acc_missing_employees = np.zeros(n_a, dtype=bool)
    orig = w.acc_dup_of[w.acc_dup_of >= 0]
    aused = (w.acc_del_ts < NEVER) | (w.acc_dup_of >= 0)
    aused[orig] = True
    s = np.flatnonzero(_pick(rng, ~aused, rates.get("account_missing_firmographics", 0)))
    which = rng.choice(3, len(s), p=[0.5, 0.35, 0.15])
    w.acc_missing_industry[s[which != 1]] = True
    w.acc_missing_employees[s[which != 0]] = True
    d.add(
        "account_missing_firmographics",
        "accounts",
        s,
        np.where(
            which == 0,
            "industry empty",
            np.where(which == 1, "employee_count empty", "industry and employee_count empty"),
        ),
        w.acc_created[s],
    )
    dup = np.flatnonzero(w.acc_dup_of >= 0)
    d.add(
        "duplicate_account", "accounts", dup, "same normalised name as an earlier account", w.acc_created[dup]
    )

    w.con_orph_acc = np.full(w.n_contacts, -1, dtype=np.int64)
    s = np.flatnonzero(_pick(rng, w.con_del_ts >= NEVER, rates.get("orphan_reference", 0)))
    w.con_orph_acc[s] = 900000 + rng.integers(0, 99999, len(s))
    d.add("orphan_reference", "contacts", s, "account_id", w.con_created[s])

    nl = w.n_leads
    w.lead_orph = {k: np.full(nl, -1, dtype=np.int64) for k in ("owner", "account", "campaign")}
    lused = w.lead_del_ts < NEVER
    for col, key, cand, base, span in (
        ("owner_user_id", "owner", np.ones(nl, dtype=bool), 90000, 9999),
        (
            "account_id",
            "account",
            (w.lead_account >= 0) & (w.lead_account_ts == w.lead_created),
            900000,
            99999,
        ),
        ("campaign_id", "campaign", w.lead_campaign >= 0, 9000, 999),
    ):
        s = np.flatnonzero(_pick(rng, cand & ~lused, rates.get("orphan_reference", 0)))
        lused[s] = True
        w.lead_orph[key][s] = base + rng.integers(0, span, len(s))
        d.add("orphan_reference", "leads", s, col, w.lead_created[s])

    _real_world(w, rates, d, used, aused)
    return d
