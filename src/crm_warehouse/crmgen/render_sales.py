"""Renderers of the sales side: opportunities and their stage history, contracts, quotas,
product usage, costs and activities."""

from __future__ import annotations

import numpy as np

from . import names as N
from .activities import OUTCOME, ST_CANCELLED, ST_COMPLETED, ST_MISSED, ST_PLANNED, STATUS, TYPES, Chunk
from .render_common import (
    COST_TYPES,
    LINES,
    METRICS,
    OPP_TYPES,
    STAGE_ARR,
    _flag,
    _max_le,
    _ref,
    _typed,
    aid,
    cid,
    oid,
    uid,
)
from .util import DAY, HOUR, NEVER, fmt_bool, fmt_day, fmt_id, fmt_int, fmt_money, fmt_ts, pick
from .world import World


def opportunities(w: World, T: int, part=None):
    """The opportunities export as of cut-off T (one part of the rows when ``part`` is given)."""
    o = w.opps
    tr = o.tr
    lo, hi = part or (0, len(o.created))
    idx = lo + np.flatnonzero(o.created[lo:hi] <= T)
    t_lo, t_hi = (
        o.tr_first[lo] if lo < len(o.created) else len(tr["opp"]),
        (o.tr_first[hi - 1] + o.n_tr[hi - 1]) if hi > lo else 0,
    )
    vis = (tr["rec"][t_lo:t_hi] <= T) & ~tr["hidden"][t_lo:t_hi]
    cnt = np.zeros(len(o.created), dtype=np.int64)
    if hi > lo:
        cnt[lo:hi] = np.bincount(tr["opp"][t_lo:t_hi][vis] - lo, minlength=hi - lo)
    c = np.maximum(cnt[idx], 1)
    last = o.tr_first[idx] + c - 1
    stage = tr["stage"][last]
    closed = stage >= 5
    won = stage == 5
    amount = tr["amt"][last] * np.where(o.neg[idx], -1, 1)
    zero = getattr(o, "zero_when_closed", None)
    if zero is not None:
        amount = np.where(closed & zero[idx], 0, amount)
    miss = tr["miss"][last]
    close_at = np.where(closed, tr["ts"][last], -1)
    close_rec = np.where(closed, tr["rec"][last], NEVER)
    # expected close date: pushed on its due day while the deal is open
    X = np.minimum(np.minimum(np.int64(T), close_rec), o.push_stop[idx])
    t0 = o.e0[idx] * DAY + o.push_h[idx]
    npush = np.where(X >= t0, (X - t0) // (o.P[idx] * DAY) + 1, 0)
    ecd = o.e0[idx] + npush * o.P[idx]
    last_push = np.where(npush > 0, t0 + (npush - 1) * o.P[idx] * DAY, -1)
    dts = o.del_ts[idx]
    upd = _max_le(T, o.created[idx], tr["rec"][last], last_push, dts)
    shown_stage = np.where(closed & (o.stage_override[idx] >= 0), o.stage_override[idx], stage)
    close_shown = np.where(closed & (o.closed_override[idx] >= 0), o.closed_override[idx], close_at)
    lr = o.loss_reason[idx]
    reasons = np.array(N.LOSS_REASONS + [N.LEAVER_LOSS_REASON], dtype=object)
    loss = np.where(closed & ~won, np.where(lr == -2, len(N.LOSS_REASONS), np.maximum(lr, 0)), -1)
    st = o.bool_style[idx]
    ids = oid(idx + 1)
    cols = {
        "opportunity_id": ids,
        "account_id": _ref(aid, np.where(_flag(o, "no_account", idx), -1, o.account[idx]), o.orph_acc[idx]),
        "owner_user_id": _ref(uid, o.owner[idx], o.orph_owner[idx]),
        "lead_id": _ref(lambda x: fmt_id("L", x, 7), o.lead[idx], np.full(len(idx), -1)),
        "business_line": _typed(LINES[o.line[idx]], o, "line_text", idx),
        "opportunity_type": OPP_TYPES[o.otype[idx]],
        "stage": STAGE_ARR[shown_stage],
        "amount": fmt_money(amount, miss),
        "expected_close_date": fmt_day(ecd),
        "created_at": fmt_ts(o.created[idx]),
        "closed_at": fmt_ts(close_shown),
        "is_closed": fmt_bool(closed, st),
        "is_won": fmt_bool(won, st),
        "loss_reason": pick(reasons, loss),
        "updated_at": fmt_ts(upd),
        "is_deleted": fmt_bool(dts <= T, st),
    }
    return cols, upd // DAY, ids


def opportunity_stage_history(w: World, T: int, part=None):
    """The opportunity stage history export as of cut-off T (one part when ``part`` is given)."""
    o = w.opps
    tr = o.tr
    lo, hi = part or (0, len(tr["opp"]))
    sel = lo + np.flatnonzero((tr["rec"][lo:hi] <= T) & ~tr["hidden"][lo:hi])
    seq = o.tr_seq[sel]
    prev = np.where(seq > 0, tr["stage"][np.maximum(sel - 1, 0)], -1)
    opp = tr["opp"][sel]
    amount = tr["amt"][sel] * np.where(o.neg[opp], -1, 1)
    ids = fmt_id("H", sel + 1, 8)
    cols = {
        "history_id": ids,
        "opportunity_id": oid(opp + 1),
        "from_stage": pick(STAGE_ARR, prev),
        "to_stage": STAGE_ARR[tr["stage"][sel]],
        "changed_at": fmt_ts(tr["ts"][sel]),
        "recorded_at": fmt_ts(tr["rec"][sel]),
        "changed_by_user_id": uid(o.owner[opp] + 1),
        "amount": fmt_money(amount, tr["miss"][sel]),
    }
    return cols, tr["rec"][sel] // DAY, ids


def contracts(w: World, T: int):
    """The contracts export as of cut-off T."""
    c = w.contracts
    idx = np.flatnonzero((c.rec <= T) & ~c.hidden)
    dts = c.del_ts[idx]
    Tf = np.minimum(np.int64(T), dts)
    expire_ts = (c.end[idx] + 1) * DAY + HOUR
    term = c.term_ts[idx]
    status = np.where(term <= Tf, 2, np.where(expire_ts <= Tf, 1, 0))
    upd = np.maximum(
        c.rec[idx], np.maximum(np.where(term <= Tf, term, -1), np.where(expire_ts <= Tf, expire_ts, -1))
    )
    upd = np.maximum(upd, np.where(dts <= T, dts, -1))
    sign = np.where(c.neg[idx], -1, 1)
    ids = fmt_id("K", idx + 1, 6)
    cols = {
        "contract_id": ids,
        "opportunity_id": _ref(oid, c.opp[idx], c.orph_opp[idx]),
        "account_id": _ref(aid, c.account[idx], c.orph_acc[idx]),
        "owner_user_id": _ref(uid, c.owner[idx], c.orph_owner[idx]),
        "business_line": LINES[c.line[idx]],
        "contract_type": OPP_TYPES[c.ctype[idx]],
        "signed_date": fmt_day(c.signed[idx]),
        "start_date": fmt_day(c.start[idx]),
        "end_date": fmt_day(c.end_display[idx]),
        "total_amount": fmt_money(c.total[idx] * sign),
        "recurring_amount_annual": fmt_money(c.recurring[idx]),
        "one_time_amount": fmt_money(c.one_time[idx]),
        "status": np.array(["active", "expired", "terminated"], dtype=object)[status],
        "recorded_at": fmt_ts(c.rec[idx]),
        "updated_at": fmt_ts(upd),
        "is_deleted": fmt_bool(dts <= T),
    }
    return cols, upd // DAY, ids


def quotas(w: World, T: int):
    """The quotas export as of cut-off T."""
    q = w.quota
    sel = np.flatnonzero(q["pub_ts"] <= T)
    is_team = q["team"][sel] >= 0
    owner_key = np.where(is_team, 10**6 + q["team"][sel], q["user"][sel])
    sel = sel[np.lexsort((q["metric"][sel], q["month"][sel], owner_key))]
    val = q["value"][sel]
    money = q["metric"][sel] == 0
    vstr = np.where(money, fmt_money(val), fmt_int(val // 100))
    cols = {
        "user_id": _ref(uid, q["user"][sel], np.full(len(sel), -1)),
        "team_id": _ref(lambda x: fmt_id("T", x, 3), q["team"][sel], np.full(len(sel), -1)),
        "period_month": fmt_day(q["month"][sel]),
        "metric": METRICS[q["metric"][sel]],
        "target_value": vstr,
    }
    return cols, q["pub_ts"][sel] // DAY, None


def product_usage(w: World, T: int, part=None):
    """The product usage export as of cut-off T (one part when ``part`` is given)."""
    u = w.usage
    lo, hi = part or (0, len(u["account"]))
    sel = lo + np.flatnonzero(u["pub_day"][lo:hi] <= T // DAY)
    from .util import month_first_day

    cols = {
        "account_id": aid(u["account"][sel] + 1),
        "usage_month": fmt_day(month_first_day(u["month"][sel])),
        "licensed_seats": fmt_int(u["seats"][sel]),
        "active_users": fmt_int(u["active"][sel]),
        "core_feature_users": fmt_int(u["core"][sel]),
        "report_feature_users": fmt_int(u["report"][sel]),
        "logins": fmt_int(u["logins"][sel]),
    }
    return cols, u["pub_day"][sel], None


def costs(w: World, T: int):
    """The costs export as of cut-off T."""
    c = w.costs
    sel = np.flatnonzero(c["pub_ts"] <= T)
    cols = {
        "cost_month": fmt_day(c["month"][sel]),
        "business_line": LINES[c["line"][sel]],
        "cost_type": COST_TYPES[c["ctype"][sel]],
        "amount": fmt_money(c["amount"][sel]),
    }
    return cols, c["pub_ts"][sel] // DAY, None


def activities(w: World, ch: Chunk, T: int, id_base: int):
    """The activities of one chunk as of cut-off T, numbered from ``id_base``."""
    a = ch.a
    sel = np.flatnonzero(a["created"] <= T)
    A = lambda k: a[k][sel]  # noqa: E731
    res = A("res")
    resolved = res <= T
    final = A("final")
    status = np.where(resolved, final, ST_PLANNED)
    done = status == ST_COMPLETED
    notdone = (status == ST_CANCELLED) | (status == ST_MISSED)
    logged = np.where(resolved, res, A("created"))
    dts = A("del_ts")
    upd = np.maximum(logged, np.where(dts <= T, dts, -1))
    ids = fmt_id("V", id_base + sel + 1, 9)
    cols = {
        "activity_id": ids,
        "activity_type": TYPES[A("typ")],
        "owner_user_id": _ref(uid, A("owner"), A("orph_owner")),
        "account_id": _ref(aid, A("acc"), A("orph_acc")),
        "contact_id": _ref(cid, A("contact"), A("orph_contact")),
        "opportunity_id": _ref(oid, A("opp"), A("orph_opp")),
        "status": STATUS[status],
        "planned_at": fmt_ts(A("planned_at")),
        "occurred_at": fmt_ts(np.where(done, A("occurred"), -1)),
        "logged_at": fmt_ts(logged),
        "outcome": pick(OUTCOME, np.where(done, A("outcome"), -1)),
        "not_done_reason": pick(
            np.array(N.NOT_DONE_REASONS, dtype=object), np.where(notdone, A("reason"), -1)
        ),
        "next_step": pick(np.array(N.NEXT_STEPS, dtype=object), np.where(done, A("next_step"), -1)),
        "next_step_date": fmt_day(np.where(done & (A("next_step") >= 0), A("next_date"), -(10**9))),
        "created_at": fmt_ts(A("created")),
        "updated_at": fmt_ts(upd),
        "is_deleted": fmt_bool(dts <= T),
    }
    return cols, upd // DAY, ids, sel
