"""Activities, generated and rendered chunk by chunk (a chunk = a fixed group of reps).

Every activity of a rep lives in the rep's chunk, so the per-rep invariants (distinct time
slots, visits at least two hours apart) and the per-rep defects (duplicates, overlapping
visits) are decided inside one chunk. Chunks are produced in a fixed order and activity ids
are numbered chunk after chunk, so the output never depends on memory or timing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import names as N
from .common import BIGDAY, workhour
from .util import DAY, HOUR, MINUTE, NEVER, cumcount, month_first_day, month_index, to_workday
from .world import World

TYPES = np.array(["visit", "call", "email", "meeting", "demo", "wechat"], dtype=object)
T_VISIT, T_CALL, T_EMAIL, T_MEETING, T_DEMO, T_WECHAT = range(6)
ST_PLANNED, ST_COMPLETED, ST_CANCELLED, ST_MISSED = range(4)
STATUS = np.array(["planned", "completed", "cancelled", "missed"], dtype=object)
OUTCOME = np.array(["positive", "neutral", "negative"], dtype=object)
VISIT_WINDOWS = np.array([9 * HOUR, 11 * HOUR + 30 * MINUTE, 14 * HOUR, 16 * HOUR + 30 * MINUTE])
N_SLOTS = 156  # 5-minute slots 08:00-20:55 for the other types
STRIDES = np.array([5, 7, 11, 17, 19, 23, 25, 29, 31, 35, 37, 41, 43, 47])


@dataclass
class Chunk:
    """The activities of one chunk of reps: their column arrays and the defects injected into them."""

    index: int
    n: int
    a: dict  # column arrays (ints), see generate_chunk
    defects: list = field(default_factory=list)  # (rule, rec_idx array, detail array/str, activation array)


def chunks_of(world: World) -> list[np.ndarray]:
    """The reps split into chunks of ``cfg.chunk_reps`` (activities are generated chunk by chunk)."""
    reps = world.rep_ids
    size = world.cfg.chunk_reps
    return [reps[i : i + size] for i in range(0, len(reps), size)]


def _lag(rng, n):
    u = rng.random(n)
    return np.where(
        u < 0.6,
        rng.integers(60, HOUR, n),
        np.where(u < 0.9, rng.integers(HOUR, 8 * HOUR, n), rng.integers(8 * HOUR, 20 * HOUR, n)),
    )


def generate_chunk(w: World, ci: int, reps: np.ndarray, rates: dict) -> Chunk:
    """The activities of one chunk of reps (opportunity work, account work and planned visits),
    with their defects applied."""
    rng = w.rng("activities", ci)
    cfg = w.cfg
    o = w.opps
    in_chunk = np.zeros(w.n_users, dtype=bool)
    in_chunk[reps] = True
    # ---- activities tied to opportunities
    oi = np.flatnonzero(in_chunk[o.owner])
    lo = o.created[oi] // DAY
    hi = np.minimum(np.minimum(o.close_ts[oi] // DAY, w.term_day[o.owner[oi]] - 2), w.horizon_day)
    hi = np.minimum(hi, o.del_ts[oi] // DAY - 1)
    span = np.maximum(hi - lo, 0)
    k = rng.poisson(span / 7.0 * cfg.opp_activity_per_week) + (span > 0)
    k[hi < lo] = 0
    a_opp = np.repeat(oi, k)
    a_owner = o.owner[a_opp]
    a_acc = o.account[a_opp]
    llo, hhi = np.repeat(lo, k), np.repeat(hi, k)
    a_day = np.clip(to_workday(llo + (rng.random(len(a_opp)) * (hhi - llo + 1)).astype(np.int64)), llo, hhi)
    a_type = rng.choice(6, len(a_opp), p=[0.30, 0.25, 0.12, 0.12, 0.13, 0.08])
    a_after = o.created[a_opp] + 10 * MINUTE  # nothing about an opp exists before it
    # ---- account work from the portfolio, per rep-month
    months = np.arange(w.port_nm) + w.port_m0
    ms = month_first_day(months)
    me = month_first_day(months + 1) - 1
    R, M = np.meshgrid(reps, np.arange(len(months)), indexing="ij")
    R = R.ravel()
    M = M.ravel()
    mlo = np.maximum(ms[M], np.maximum(w.hire_day[R] + 3, w.start_day))
    mhi = np.minimum(me[M], np.minimum(w.term_day[R] - 2, w.horizon_day))
    frac = np.clip((mhi - mlo + 1) / (me[M] - ms[M] + 1), 0, 1)
    frac[mhi < mlo] = 0
    # visits already coming from opportunities in that rep-month
    rm_key = a_owner.astype(np.int64) * w.port_nm + (month_index(a_day) - w.port_m0)
    key_all = R * w.port_nm + M
    opp_visits = np.zeros(len(R))
    if len(rm_key):
        uk, cnt = np.unique(rm_key[a_type == T_VISIT], return_counts=True)
        pos = np.searchsorted(key_all, uk)  # key_all is sorted (R major, M minor) with R ascending
        ok = (pos < len(key_all)) & (key_all[np.minimum(pos, len(key_all) - 1)] == uk)
        opp_visits[pos[ok]] = cnt[ok]
    want_v = w.visit_rate[R] * frac / np.clip(w.plan_done[R] * 0.75 + 0.25, 0.5, 1.0)
    kv = rng.poisson(np.maximum(want_v - opp_visits, 0.3 * want_v))
    ko = rng.poisson(cfg.other_activity_rate * frac)
    kk = kv + ko
    kk[mhi < mlo] = 0
    p_owner = np.repeat(R, kk)
    plo, phi = np.repeat(mlo, kk), np.repeat(mhi, kk)
    p_day = np.clip(to_workday(plo + (rng.random(len(p_owner)) * (phi - plo + 1)).astype(np.int64)), plo, phi)
    is_v = cumcount(np.repeat(np.arange(len(kk)), kk)) < np.repeat(kv, kk)
    p_type = np.where(
        is_v, T_VISIT, rng.choice([1, 2, 3, 4, 5], len(p_owner), p=[0.4, 0.22, 0.12, 0.06, 0.2])
    )
    p_acc = w.portfolio_pick(rng, p_owner, p_day)
    miss = np.flatnonzero(p_acc < 0)
    if len(miss):
        p_acc[miss] = w.existing_account(rng, w.group_at(p_owner[miss], p_day[miss]), p_day[miss] * DAY)
    keep = p_acc >= 0
    p_owner, p_day, p_type, p_acc = p_owner[keep], p_day[keep], p_type[keep], p_acc[keep]
    # ---- combine
    owner = np.concatenate([a_owner, p_owner]).astype(np.int64)
    acc = np.concatenate([a_acc, p_acc]).astype(np.int64)
    opp = np.concatenate([a_opp, np.full(len(p_owner), -1)]).astype(np.int64)
    day = np.concatenate([a_day, p_day]).astype(np.int64)
    typ = np.concatenate([a_type, p_type]).astype(np.int64)
    after = np.concatenate([a_after, w.acc_created[p_acc] + HOUR])
    after = np.maximum(after, w.acc_created[acc] + HOUR)
    n = len(owner)
    # ---- slots: per rep-day, visits in four windows, the rest in distinct 5-minute slots
    isv = typ == T_VISIT
    rnd = rng.random(n)
    order = np.lexsort((rnd, isv, day, owner))
    owner, acc, opp, day, typ, after, isv = (x[order] for x in (owner, acc, opp, day, typ, after, isv))
    grp = (owner * BIGDAY + day) * 2 + isv
    pos = cumcount(grp)
    keep = np.where(isv, pos < 4, pos < N_SLOTS)
    owner, acc, opp, day, typ, after, isv, pos = (
        x[keep] for x in (owner, acc, opp, day, typ, after, isv, pos)
    )
    n = len(owner)
    base = (owner * 7919 + day * 104729) % N_SLOTS
    stride = STRIDES[(owner + day) % len(STRIDES)]
    slot = (base + pos * stride) % N_SLOTS
    vmin = rng.integers(0, 4, n) * 5 * MINUTE  # 0, 5, 10, 15 minutes
    t_slot = np.where(
        isv, day * DAY + VISIT_WINDOWS[np.minimum(pos, 3)] + vmin, day * DAY + 8 * HOUR + slot * 5 * MINUTE
    )
    # ---- planned or ad hoc
    # numpy's stubs want array choices; plain floats give the same float64 array
    p_plan = np.select([isv, (typ == T_MEETING) | (typ == T_DEMO)], [0.75, 0.5], 0.0)  # type: ignore[type-var, list-item]
    planned = rng.random(n) < p_plan
    ahead = rng.integers(1, 15, n)
    created_plan = workhour(rng, day - ahead, 8.0, 11.0)
    created_plan = np.maximum(created_plan, after)
    created_plan = np.maximum(created_plan, w.hire_day[owner] * DAY + 9 * HOUR)
    planned &= created_plan < t_slot - 30 * MINUTE
    planned_at = np.where(planned, t_slot, -1)
    occurred = np.where(
        isv & planned,
        t_slot + rng.integers(0, 11, n) * MINUTE,
        np.where(isv, t_slot + rng.integers(0, 11, n) * MINUTE, t_slot),
    )
    u = rng.random(n)
    pdone = w.plan_done[owner]
    final = np.where(
        ~planned,
        ST_COMPLETED,
        np.where(u < pdone, ST_COMPLETED, np.where(u < pdone + (1 - pdone) * 0.5, ST_CANCELLED, ST_MISSED)),
    )
    lag = _lag(rng, n)
    logged = occurred + lag
    res = np.where(
        final == ST_COMPLETED,
        logged,
        np.where(
            final == ST_CANCELLED,
            created_plan + ((t_slot - created_plan) * rng.uniform(0.3, 0.95, n)).astype(np.int64),
            t_slot + rng.integers(2 * HOUR, 20 * HOUR, n),
        ),
    )
    created = np.where(planned, created_plan, logged)
    # ---- content
    skill = w.skill[owner]
    uo = rng.random(n)
    outcome = np.where(uo < 0.25 + skill, 0, np.where(uo < 0.8 + skill * 0.3, 1, 2))
    has_next = rng.random(n) < 0.82
    next_step = np.where(has_next, rng.integers(0, len(N.NEXT_STEPS), n), -1)
    next_date = np.where(has_next, occurred // DAY + rng.integers(1, 15, n), -1)
    reason = rng.integers(0, len(N.NOT_DONE_REASONS), n)
    ic_c = w.acc_ic_count[acc]
    cpick = w.acc_ic_start[acc] + (rng.random(n) * ic_c).astype(np.int64)
    contact = np.where(
        (ic_c > 0) & (rng.random(n) < 0.85),
        w.acc_init_contacts[np.minimum(cpick, len(w.acc_init_contacts) - 1)],
        -1,
    )
    dele = (rng.random(n) < 0.005) & (res < w.horizon_ts)
    del_ts = np.where(dele, res + rng.integers(HOUR, 20 * DAY, n), NEVER)
    a = dict(
        owner=owner,
        acc=acc,
        opp=opp,
        typ=typ,
        planned_at=planned_at,
        occurred=occurred,
        logged=logged,
        res=res,
        final=final,
        created=created,
        outcome=outcome,
        next_step=next_step,
        next_date=next_date,
        reason=reason,
        contact=contact,
        del_ts=del_ts,
    )
    for k_ in ("orph_owner", "orph_acc", "orph_opp", "orph_contact"):
        a[k_] = np.full(n, -1, dtype=np.int64)
    defects = []
    used = dele.copy()
    slop = w.sloppiness[owner]

    def choose(cand, rate_key):
        rate = rates.get(rate_key, 0.0)
        if rate <= 0:
            return np.zeros(n, dtype=bool)
        sel = cand & ~used & (rng.random(n) < np.minimum(0.5, rate * slop))
        used[sel] = True
        return sel

    end_day = w.end_day
    adhoc_done = (~planned) & (final == ST_COMPLETED)
    # visit plan overdue: a planned visit never resolved
    pday = planned_at // DAY
    s = choose(planned & isv & (pday >= end_day - 45) & (pday <= end_day - 2), "visit_plan_overdue")
    a["res"][s] = NEVER
    defects.append(
        ("visit_plan_overdue", np.flatnonzero(s), "planned visit never resolved", (pday[s] + 1) * DAY)
    )
    # activity in the future: occurred_at typed months ahead
    s = choose(
        adhoc_done & ~isv & (logged >= (end_day - 30) * DAY) & (logged < (w.horizon_day - 5) * DAY),
        "activity_in_future",
    )
    a["occurred"][s] += rng.integers(100, 300, int(s.sum())) * DAY
    defects.append(("activity_in_future", np.flatnonzero(s), "occurred_at after as_of_date", logged[s]))
    # late and very late logging
    for rule, lo_h, hi_h in (("activity_logged_late", 25, 71), ("activity_logged_very_late", 73, 20 * 24)):
        s = choose(adhoc_done, rule)
        new_lag = rng.integers(lo_h * HOUR, hi_h * HOUR, int(s.sum()))
        a["logged"][s] = a["occurred"][s] + new_lag
        a["res"][s] = a["logged"][s]
        a["created"][s] = a["logged"][s]
        defects.append((rule, np.flatnonzero(s), f"logged {lo_h}-{hi_h}h after occurred_at", a["logged"][s]))
    # orphan references
    orph_specs = (
        ("owner_user_id", "orph_owner", 90000, 9999),
        ("account_id", "orph_acc", 900000, 99999),
        ("opportunity_id", "orph_opp", 9000000, 999999),
        ("contact_id", "orph_contact", 9000000, 999999),
    )
    for col, key, base_n, span_n in orph_specs:
        s = choose(adhoc_done & ~isv, "orphan_reference")
        a[key][s] = base_n + rng.integers(0, span_n, int(s.sum()))
        defects.append(("orphan_reference", np.flatnonzero(s), col, a["created"][s]))
    # extra rows: duplicates of completed activities and visits overlapping another visit
    extra = []
    s = choose((final == ST_COMPLETED), "duplicate_activity")
    di = np.flatnonzero(s)
    if len(di):
        c_created = a["logged"][di] + rng.integers(60, 1800, len(di))
        extra.append(
            (
                "duplicate_activity",
                dict(
                    owner=owner[di],
                    acc=acc[di],
                    opp=opp[di],
                    typ=typ[di],
                    planned_at=np.full(len(di), -1),
                    occurred=a["occurred"][di],
                    logged=c_created,
                    res=c_created,
                    final=np.full(len(di), ST_COMPLETED),
                    created=c_created,
                    outcome=outcome[di],
                    next_step=next_step[di],
                    next_date=next_date[di],
                    reason=reason[di],
                    contact=contact[di],
                    del_ts=np.full(len(di), NEVER),
                ),
                np.maximum(c_created, a["res"][di]),
            )
        )
    s = choose(isv & (final == ST_COMPLETED), "overlapping_visits")
    vi = np.flatnonzero(s)
    if len(vi):
        other = w.portfolio_pick(rng, owner[vi], day[vi])
        ok = (other >= 0) & (other != acc[vi]) & (w.acc_created[np.maximum(other, 0)] < day[vi] * DAY)
        vi, other = vi[ok], other[ok]
        occ = a["occurred"][vi] + rng.integers(5, 26, len(vi)) * MINUTE
        lg = occ + _lag(rng, len(vi))
        ic_c2 = w.acc_ic_count[other]
        cp2 = w.acc_ic_start[other] + (rng.random(len(vi)) * ic_c2).astype(np.int64)
        con2 = np.where(ic_c2 > 0, w.acc_init_contacts[np.minimum(cp2, len(w.acc_init_contacts) - 1)], -1)
        extra.append(
            (
                "overlapping_visits",
                dict(
                    owner=owner[vi],
                    acc=other,
                    opp=np.full(len(vi), -1),
                    typ=np.full(len(vi), T_VISIT),
                    planned_at=np.full(len(vi), -1),
                    occurred=occ,
                    logged=lg,
                    res=lg,
                    final=np.full(len(vi), ST_COMPLETED),
                    created=lg,
                    outcome=outcome[vi],
                    next_step=next_step[vi],
                    next_date=occ // DAY + 3,
                    reason=reason[vi],
                    contact=con2,
                    del_ts=np.full(len(vi), NEVER),
                ),
                np.maximum(lg, a["res"][vi]),
            )
        )  # flagged once both visits show as completed
    for rule, rows, activation in extra:
        m = len(rows["owner"])
        for k_ in ("orph_owner", "orph_acc", "orph_opp", "orph_contact"):
            rows[k_] = np.full(m, -1, dtype=np.int64)
        start = len(a["owner"])
        a = {k_: np.concatenate([a[k_], rows[k_]]) for k_ in a}
        detail = (
            "same owner/account/type/occurred_at as an earlier activity"
            if rule == "duplicate_activity"
            else "starts within 30 minutes of another visit"
        )
        defects.append((rule, np.arange(start, start + m), detail, activation))
    n = len(a["owner"])
    # ---- id order: by creation time, then owner and time slot
    order = np.lexsort((a["occurred"], a["typ"], a["owner"], a["created"]))
    inv = np.empty(n, dtype=np.int64)
    inv[order] = np.arange(n)
    a = {k_: v[order] for k_, v in a.items()}
    defects = [(r, inv[idx], det, act) for r, idx, det, act in defects]
    return Chunk(index=ci, n=n, a=a, defects=defects)
