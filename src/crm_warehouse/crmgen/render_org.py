"""Renderers of the organisation and the customer side: users, teams, memberships, accounts,
owner history, contacts, campaigns and leads."""

from __future__ import annotations

import numpy as np

from . import names as N
from .common import BIGDAY, ROLE_DIRECTOR, ROLE_LEAD, ROLE_OPS, ROLE_REP, ROLES
from .render_common import (
    CHANNELS,
    LEAD_SOURCES,
    LEAD_STATUS,
    LINES,
    OWNERSHIP,
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


def users(w: World, T: int):
    """The users export as of cut-off T: (columns, change_day, ids), as every renderer returns."""
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
    """The teams export as of cut-off T."""
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
    """The team memberships export as of cut-off T."""
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
    """The accounts export as of cut-off T (with the planted defects)."""
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
    """The account owner history export as of cut-off T."""
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
    """The contacts export as of cut-off T."""
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
    """The campaigns export as of cut-off T."""
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
    """The leads export as of cut-off T."""
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
