"""Account ownership over time, contacts, and each rep's portfolio."""

from __future__ import annotations

import numpy as np

from . import names as N
from .common import BIGDAY, bool_styles, workhour
from .util import (
    DAY,
    HOUR,
    MINUTE,
    NEVER,
    cumcount,
    group_starts,
    month_index,
)


class OwnershipMixin:
    """Who owns each account when, its contacts, and the reps' portfolios."""

    # ------------------------------------------------------------------ ownership
    def build_ownership(self):
        """Simulate who owns each account over time."""
        rng = self.rng("ownership")
        n = self.n_accounts
        seg_acc, seg_owner, seg_start, seg_event = [], [], [], []
        acc = np.arange(n)
        owner = self.acc_owner0.copy()
        start = self.acc_created // DAY
        event = self.acc_created.copy()
        del_day = np.where(self.acc_del_ts < NEVER, self.acc_del_ts // DAY, BIGDAY)
        for _ in range(200):
            if len(acc) == 0:
                break
            seg_acc.append(acc)
            seg_owner.append(owner)
            seg_start.append(start)
            seg_event.append(event)
            k = len(acc)
            is_owned = owner >= 0
            dur = np.where(is_owned, rng.exponential(420.0, k) + 30, rng.exponential(75.0, k) + 3).astype(
                np.int64
            )
            term = np.where(is_owned, self.term_day[np.maximum(owner, 0)], BIGDAY)
            end = np.minimum(start + dur, term)
            by_term = is_owned & (term <= start + dur)
            nstart = end + 1
            nevent = np.where(by_term, nstart * DAY + 30 * MINUTE, workhour(rng, nstart))
            # next owner
            reassign = is_owned & ~by_term & (rng.random(k) < 0.35)
            claim = ~is_owned
            want = reassign | claim
            cand = np.full(k, -1, dtype=np.int64)
            wi = np.flatnonzero(want)
            cand[wi] = self.sampler.sample(rng, self.acc_group[acc[wi]], nstart[wi], min_remaining=30)
            cand = np.where(cand == owner, -1, cand)
            nowner = np.where(want, cand, -1)
            # a pool segment whose claim failed simply lasts longer (no pool -> pool change)
            retry = claim & (nowner < 0)
            for _r in range(6):
                if not retry.any():
                    break
                ri = np.flatnonzero(retry)
                nstart[ri] += 30
                c2 = self.sampler.sample(rng, self.acc_group[acc[ri]], nstart[ri], min_remaining=30)
                nowner[ri] = c2
                retry[ri] = c2 < 0
            nevent = np.where(claim | reassign, workhour(rng, nstart), nevent)
            cont = (nstart <= self.horizon_day) & (nstart < del_day[acc]) & ~retry
            # an owned segment that ends by reassignment failure goes to the pool
            acc, owner, start, event = acc[cont], nowner[cont], nstart[cont], nevent[cont]
        sa = np.concatenate(seg_acc)
        so = np.concatenate(seg_owner)
        ss = np.concatenate(seg_start)
        se = np.concatenate(seg_event)
        order = np.lexsort((ss, sa))
        self.seg_acc, self.seg_owner, self.seg_start, self.seg_event = (
            sa[order],
            so[order],
            ss[order],
            se[order],
        )
        nxt_same = np.zeros(len(order), dtype=bool)
        nxt_same[:-1] = self.seg_acc[1:] == self.seg_acc[:-1]
        self.seg_end = np.full(len(order), BIGDAY, dtype=np.int64)
        self.seg_end[:-1] = np.where(nxt_same[:-1], self.seg_start[1:] - 1, BIGDAY)
        self.seg_key = self.seg_acc * BIGDAY + self.seg_start

    def owner_at(self, acc, days):
        """The owner of each account on each day."""
        q = np.asarray(acc, dtype=np.int64) * BIGDAY + np.asarray(days, dtype=np.int64)
        i = np.searchsorted(self.seg_key, q, side="right") - 1
        i = np.maximum(i, 0)
        ok = self.seg_acc[i] == acc
        return np.where(ok, self.seg_owner[i], -1), np.where(ok, i, -1)

    # ------------------------------------------------------------------ contacts
    def build_contacts(self):
        """Simulate the contacts of the accounts."""
        rng = self.rng("contacts")
        n = self.n_accounts
        k0 = np.clip(1 + rng.poisson(1.0, n), 1, 4)
        k1 = np.clip(rng.poisson(0.8, n), 0, 3)
        acc0 = np.repeat(np.arange(n), k0)
        pos0 = cumcount(acc0)
        t0 = self.acc_created[acc0] + 1 + pos0 * 5 + rng.integers(0, 5, len(acc0))
        acc1 = np.repeat(np.arange(n), k1)
        t1 = workhour(rng, self.acc_created[acc1] // DAY + rng.integers(30, 1000, len(acc1)))
        keep1 = t1 < self.horizon_ts
        acc1, t1 = acc1[keep1], t1[keep1]
        acc = np.concatenate([acc0, acc1])
        ts = np.concatenate([t0, t1])
        initial = np.concatenate([np.ones(len(acc0), bool), np.zeros(len(acc1), bool)])
        order = np.lexsort((np.arange(len(ts)), ts))
        self.con_account, self.con_created, self.con_initial = acc[order], ts[order], initial[order]
        m = len(order)
        self.n_contacts = m
        sur = rng.integers(0, len(N.SURNAMES), m)
        g1 = rng.integers(0, len(N.GIVEN_CHARS), m)
        g2 = np.where(rng.random(m) < 0.55, rng.integers(0, len(N.GIVEN_CHARS), m), -1)
        self.con_name = np.array(
            [
                N.SURNAMES[s] + N.GIVEN_CHARS[a] + (N.GIVEN_CHARS[b] if b >= 0 else "")
                for s, a, b in zip(sur, g1, g2, strict=False)
            ],
            dtype=object,
        )
        self.con_pinyin = np.array(N.SURNAME_PINYIN, dtype=object)[sur]
        self.con_title = rng.integers(0, len(N.TITLES), m)
        self.con_decision = np.isin(np.array(N.TITLES, dtype=object)[self.con_title], list(N.DECISION_TITLES))
        self.con_phone = rng.choice(
            [130, 131, 135, 136, 138, 139, 150, 158, 166, 177, 186, 189], m
        ) * 10**8 + rng.integers(0, 10**8, m)
        self.con_bool_style = bool_styles(rng, m)
        self.con_edit_ts = np.where(
            rng.random(m) < 0.3, self.con_created + rng.integers(10, 500, m) * DAY + 3 * HOUR, NEVER
        )
        self.con_del_ts = np.where(
            rng.random(m) < 0.005, self.con_created + rng.integers(5, 400, m) * DAY + 2 * HOUR, NEVER
        )
        # initial contacts per account, for activities (grouped by account)
        ini = np.flatnonzero(self.con_initial)
        o = np.lexsort((ini, self.con_account[ini]))
        self.acc_init_contacts = ini[o]
        self.acc_ic_start, self.acc_ic_count = group_starts(self.con_account[ini][o], n)

    # ------------------------------------------------------------------ portfolio
    def build_portfolio(self):
        """(rep, month) -> accounts the rep owned on the first day of the month (created before it)."""
        owned = self.seg_owner >= 0
        acc, own = self.seg_acc[owned], self.seg_owner[owned]
        s, e = self.seg_start[owned], self.seg_end[owned]
        del_day = np.where(self.acc_del_ts[acc] < NEVER, self.acc_del_ts[acc] // DAY, BIGDAY)
        e = np.minimum(np.minimum(e, del_day - 1), self.horizon_day)
        m_first = month_index(s) + 1  # first month start strictly after the segment start
        m_last = month_index(np.maximum(e, 0))  # month whose first day is <= e
        self.port_m0 = int(month_index(np.array([self.start_day]))[0])
        self.port_nm = int(month_index(np.array([self.horizon_day]))[0]) - self.port_m0 + 1
        m_first = np.maximum(m_first, self.port_m0)
        m_last = np.minimum(m_last, self.port_m0 + self.port_nm - 1)
        cnt = np.maximum(m_last - m_first + 1, 0)
        ra = np.repeat(acc, cnt)
        ro = np.repeat(own, cnt)
        rm = np.repeat(m_first, cnt) + cumcount(np.repeat(np.arange(len(cnt)), cnt)) - self.port_m0
        key = ro * self.port_nm + rm
        order = np.lexsort((ra, key))
        self.port_acc = ra[order]
        self.port_key = key[order]
        self.port_start, self.port_count = group_starts(self.port_key, self.n_users * self.port_nm)

    def portfolio_pick(self, rng, users, days):
        """An account from each user's portfolio in the month of each day (-1 when it is empty)."""
        m = month_index(days) - self.port_m0
        key = np.asarray(users) * self.port_nm + np.clip(m, 0, self.port_nm - 1)
        c = self.port_count[key]
        pos = self.port_start[key] + (rng.random(len(key)) * c).astype(np.int64)
        return np.where(c > 0, self.port_acc[np.minimum(pos, len(self.port_acc) - 1)], -1)
