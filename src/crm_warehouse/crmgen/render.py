"""Render the export of one entity as of a cut-off time T (the end of a day).

Each renderer returns (columns, change_day, ids): columns is a dict of object arrays in the
contract's column order (None = empty), change_day the day number of the row's last change
(the day its updated_at / recorded_at falls on, or the day a row without such a column was
created or changed), ids the primary id column (None for entities keyed by several columns).
"""

from __future__ import annotations

import numpy as np

from . import names as N
from .activities import OUTCOME, ST_CANCELLED, ST_COMPLETED, ST_MISSED, ST_PLANNED, STATUS, TYPES, Chunk
from .common import BIGDAY, ROLE_DIRECTOR, ROLE_LEAD, ROLE_OPS, ROLE_REP, ROLES
from .config import STAGES
from .util import DAY, HOUR, NEVER, fmt_bool, fmt_day, fmt_id, fmt_int, fmt_money, fmt_ts, pick
from .world import World

LINES = np.array(["software", "content"], dtype=object)
OPP_TYPES = np.array(["new_business", "renewal", "upsell"], dtype=object)
STAGE_ARR = np.array(STAGES, dtype=object)
METRICS = np.array(["bookings_amount", "new_opportunities", "visits", "new_accounts"], dtype=object)
COST_TYPES = np.array(["marketing", "sales", "cost_to_serve"], dtype=object)
LEAD_SOURCES = np.array(["marketing", "inbound_web", "outbound", "referral", "partner"], dtype=object)
LEAD_STATUS = np.array(["new", "working", "mql", "sql", "converted", "disqualified"], dtype=object)
OWNERSHIP = np.array(N.OWNERSHIP_TYPES, dtype=object)
CHANNELS = np.array(N.CHANNELS, dtype=object)

uid = lambda x: fmt_id("U", x, 5)  # noqa: E731
aid = lambda x: fmt_id("A", x, 6)  # noqa: E731
cid = lambda x: fmt_id("C", x, 7)  # noqa: E731
oid = lambda x: fmt_id("O", x, 7)  # noqa: E731


def _ref(fmt, idx, orphan):
    """Format a foreign key (index, -1 = empty) with orphan overrides (>= 0 = a missing id number)."""
    idx = np.asarray(idx, dtype=np.int64)
    orphan = np.asarray(orphan, dtype=np.int64)
    num = np.where(orphan >= 0, orphan, np.where(idx >= 0, idx + 1, -1))
    return fmt(num)


def _typed(values, owner, attr, idx):
    """Values with the free-text spellings a defect put in (attribute `attr`, None = as coded)."""
    typed = getattr(owner, attr, None)
    if typed is None:
        return values
    t = typed[idx]
    return np.where(t != None, t, values).astype(object)  # noqa: E711


def _flag(owner, attr, idx):
    f = getattr(owner, attr, None)
    return np.zeros(len(idx), dtype=bool) if f is None else f[idx]


def _max_le(T, *times):
    out = np.full(len(times[0]), -1, dtype=np.int64)
    for t in times:
        t = np.asarray(t, dtype=np.int64)
        out = np.maximum(out, np.where(t <= T, t, -1))
    return out


def users(w: World, T: int):
    D = T // DAY
    appear = w.hire_day * DAY + 8 * HOUR + 30 * 60
    idx = np.flatnonzero(appear <= T)
    team = w.team_at(idx, np.full(len(idx), D))
    role = w.role[idx]
    mgr = np.full(len(idx), -1, dtype=np.int64)
    isr = role == ROLE_REP
    mgr[isr] = w.team_leader[team[isr]]
    isl = role == ROLE_LEAD
    mgr[isl] = [w.director_of_region[int(w.team_region[t])] for t in team[isl]]
    mgr[(role == ROLE_DIRECTOR) | (role == ROLE_OPS)] = 0
    term_shown = w.term_day[idx] <= D
    transfer_ts = np.where(w.transfer_day[idx] < BIGDAY, w.transfer_day[idx] * DAY + 9 * HOUR, NEVER)
    term_ts = np.where(w.term_day[idx] < BIGDAY, w.term_day[idx] * DAY + 18 * HOUR, NEVER)
    upd = _max_le(T, appear[idx], transfer_ts, term_ts, w.user_edit_ts[idx])
    ids = uid(idx + 1)
    email = np.array(
        [
            f"{N.SURNAME_PINYIN[s]}.{i.lower()}@salesco.example.cn"
            for s, i in zip(w.user_surname[idx], ids, strict=False)
        ],
        dtype=object,
    )
    cols = {
        "user_id": ids,
        "user_name": w.user_name[idx],
        "email": email,
        "role": ROLES[role],
        "manager_user_id": _ref(uid, mgr, np.full(len(idx), -1)),
        "hire_date": fmt_day(w.hire_day[idx]),
        "termination_date": fmt_day(np.where(term_shown, w.term_day[idx], -(10**9))),
        "is_active": fmt_bool(~term_shown, w.user_bool_style[idx]),
        "updated_at": fmt_ts(upd),
    }
    return cols, upd // DAY, ids


TEAMS_UPDATED = np.int64(np.datetime64("2023-12-01T09:00:00", "s").astype(np.int64))


def teams(w: World, T: int):
    n = len(w.team_name)
    ids = fmt_id("T", np.arange(1, n + 1), 3)
    from .config import REGIONS

    upd = np.full(n, TEAMS_UPDATED)
    cols = {
        "team_id": ids,
        "team_name": w.team_name,
        "business_line": LINES[w.team_line],
        "region_id": np.array([w.region_ids[r] for r in w.team_region], dtype=object),
        "region_name": np.array([REGIONS[w.region_ids[r]][0] for r in w.team_region], dtype=object),
        "leader_user_id": uid(w.team_leader + 1),
        "updated_at": fmt_ts(upd),
    }
    return cols, upd // DAY, ids


def team_memberships(w: World, T: int):
    D = T // DAY
    sel = np.flatnonzero(w.mem_start <= D)
    sel = sel[np.lexsort((w.mem_start[sel], w.mem_user[sel]))]
    end_shown = w.mem_end_event[sel] <= D
    change = np.where(end_shown, np.maximum(w.mem_start[sel], w.mem_end_event[sel]), w.mem_start[sel])
    cols = {
        "user_id": uid(w.mem_user[sel] + 1),
        "team_id": fmt_id("T", w.mem_team[sel] + 1, 3),
        "start_date": fmt_day(w.mem_start[sel]),
        "end_date": fmt_day(np.where(end_shown, w.mem_end[sel], -(10**9))),
    }
    return cols, change, None


def accounts(w: World, T: int):
    D = T // DAY
    idx = np.flatnonzero(w.acc_created <= T)
    owner, seg = w.owner_at(idx, np.full(len(idx), D))
    seg_ev = np.where(seg >= 0, w.seg_event[np.maximum(seg, 0)], -1)
    dts = w.acc_del_ts[idx]
    edit = np.where(w.acc_edit_ts[idx] < dts, w.acc_edit_ts[idx], NEVER)
    upd = _max_le(T, w.acc_created[idx], seg_ev, edit, dts)
    ids = aid(idx + 1)
    ind = pick(np.array(N.INDUSTRIES, dtype=object), w.acc_industry[idx], w.acc_missing_industry[idx])
    emp = fmt_int(w.acc_employees[idx], w.acc_missing_employees[idx])
    st = w.acc_bool_style[idx]
    cols = {
        "account_id": ids,
        "account_name": w.acc_name[idx],
        "industry": _typed(ind, w, "acc_industry_text", idx),
        "ownership_type": OWNERSHIP[w.acc_ownership[idx]],
        "employee_count": emp,
        "is_key_account": fmt_bool(w.acc_ka[idx], st),
        "province": _typed(w.acc_province[idx], w, "acc_province_text", idx),
        "city": _typed(w.acc_city[idx], w, "acc_city_text", idx),
        "owner_user_id": _ref(uid, owner, np.full(len(idx), -1)),
        "pool_status": np.where(owner >= 0, "assigned", "public_pool").astype(object),
        "created_at": fmt_ts(w.acc_created[idx]),
        "updated_at": fmt_ts(upd),
        "is_deleted": fmt_bool(dts <= T, st),
        "custom_field_1": w.acc_custom[idx],
    }
    return cols, upd // DAY, ids


def account_owner_history(w: World, T: int):
    D = T // DAY
    sel = np.flatnonzero((w.seg_start <= D) & (w.acc_created[w.seg_acc] <= T))
    end_shown = (w.seg_end[sel] < BIGDAY) & (w.seg_end[sel] + 1 <= D)
    change = np.where(end_shown, w.seg_end[sel] + 1, w.seg_start[sel])
    cols = {
        "account_id": aid(w.seg_acc[sel] + 1),
        "owner_user_id": _ref(uid, w.seg_owner[sel], np.full(len(sel), -1)),
        "start_date": fmt_day(w.seg_start[sel]),
        "end_date": fmt_day(np.where(end_shown, w.seg_end[sel], -(10**9))),
    }
    return cols, change, None


def contacts(w: World, T: int):
    idx = np.flatnonzero(w.con_created <= T)
    dts = w.con_del_ts[idx]
    edit = np.where(w.con_edit_ts[idx] < dts, w.con_edit_ts[idx], NEVER)
    upd = _max_le(T, w.con_created[idx], edit, dts)
    ids = cid(idx + 1)
    st = w.con_bool_style[idx]
    email = np.array(
        [
            f"{p}{i + 1}@client{a + 1}.example.com.cn"
            for p, i, a in zip(w.con_pinyin[idx], idx, w.con_account[idx], strict=False)
        ],
        dtype=object,
    )
    cols = {
        "contact_id": ids,
        "account_id": _ref(aid, w.con_account[idx], w.con_orph_acc[idx]),
        "contact_name": w.con_name[idx],
        "title": np.array(N.TITLES, dtype=object)[w.con_title[idx]],
        "phone": w.con_phone[idx].astype(str).astype(object),
        "email": email,
        "is_decision_maker": fmt_bool(w.con_decision[idx], st),
        "created_at": fmt_ts(w.con_created[idx]),
        "updated_at": fmt_ts(upd),
        "is_deleted": fmt_bool(dts <= T, st),
    }
    return cols, upd // DAY, ids


def campaigns(w: World, T: int):
    idx = np.flatnonzero(w.cmp_updated <= T)
    ids = fmt_id("CMP", idx + 1, 4)
    cols = {
        "campaign_id": ids,
        "campaign_name": w.cmp_name[idx],
        "channel": CHANNELS[w.cmp_channel[idx]],
        "business_line": LINES[w.cmp_line[idx]],
        "start_date": fmt_day(w.cmp_start[idx]),
        "end_date": fmt_day(w.cmp_end[idx]),
        "budget_amount": fmt_money(w.cmp_budget[idx]),
        "updated_at": fmt_ts(w.cmp_updated[idx]),
    }
    return cols, w.cmp_updated[idx] // DAY, ids


def leads(w: World, T: int):
    idx = np.flatnonzero(w.lead_created <= T)
    L = lambda a: a[idx]  # noqa: E731
    cr, wk, mq, sq, cv, dq, dl = (
        L(w.lead_created),
        L(w.lead_working),
        L(w.lead_mql),
        L(w.lead_sql),
        L(w.lead_conv),
        L(w.lead_disq),
        L(w.lead_del_ts),
    )
    shown = lambda t: (t >= 0) & (t <= T)  # noqa: E731
    status = np.zeros(len(idx), dtype=np.int64)
    status[shown(wk)] = 1
    status[shown(mq)] = 2
    status[shown(sq)] = 3
    status[shown(cv)] = 4
    status[shown(dq)] = 5
    upd = _max_le(
        T,
        cr,
        np.where(wk >= 0, wk, NEVER),
        np.where(mq >= 0, mq, NEVER),
        np.where(sq >= 0, sq, NEVER),
        np.where(cv >= 0, cv, NEVER),
        np.where(dq >= 0, dq, NEVER),
        dl,
    )
    acc_shown = shown(L(w.lead_account_ts))
    acc = np.where(acc_shown, L(w.lead_account), -1)
    orph_acc = np.where(acc_shown, L(w.lead_orph["account"]), -1)
    opp = np.where(shown(cv), L(w.lead_opp), -1)
    ids = fmt_id("L", idx + 1, 7)
    cmp = L(w.lead_campaign)
    cols = {
        "lead_id": ids,
        "lead_source": LEAD_SOURCES[L(w.lead_source)],
        "campaign_id": _ref(lambda x: fmt_id("CMP", x, 4), cmp, L(w.lead_orph["campaign"])),
        "account_id": _ref(aid, acc, orph_acc),
        "owner_user_id": _ref(uid, L(w.lead_owner), L(w.lead_orph["owner"])),
        "business_line": LINES[L(w.lead_line)],
        "status": LEAD_STATUS[status],
        "created_at": fmt_ts(cr),
        "mql_at": fmt_ts(np.where(shown(mq), mq, -1)),
        "sql_at": fmt_ts(np.where(shown(sq), sq, -1)),
        "converted_at": fmt_ts(np.where(shown(cv), cv, -1)),
        "converted_opportunity_id": _ref(oid, opp, np.full(len(idx), -1)),
        "disqualified_reason": pick(
            np.array(N.DISQUALIFIED_REASONS, dtype=object), L(w.lead_disq_reason), ~shown(dq)
        ),
        "updated_at": fmt_ts(upd),
        "is_deleted": fmt_bool(dl <= T),
    }
    return cols, upd // DAY, ids


def opportunities(w: World, T: int, part=None):
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


PART_SIZE = {
    "opportunities": lambda w: len(w.opps.created),
    "opportunity_stage_history": lambda w: len(w.opps.tr["opp"]),
    "product_usage": lambda w: len(w.usage["account"]),
}

RENDERERS = {
    "users": users,
    "teams": teams,
    "team_memberships": team_memberships,
    "accounts": accounts,
    "account_owner_history": account_owner_history,
    "contacts": contacts,
    "campaigns": campaigns,
    "leads": leads,
    "opportunities": opportunities,
    "opportunity_stage_history": opportunity_stage_history,
    "contracts": contracts,
    "quotas": quotas,
    "product_usage": product_usage,
    "costs": costs,
}
