"""Quotas per rep and month, and the cost records."""

from __future__ import annotations

import numpy as np

from .common import LINE_SW
from .util import (
    DAY,
    HOUR,
    NEVER,
    month_first_day,
    month_index,
)


class QuotasCostsMixin:
    """World.build_quotas and World.build_costs."""

    def build_quotas(self):
        """Simulate the quotas per rep and month."""
        rng = self.rng("quotas")
        m0 = int(month_index(np.array([self.start_day]))[0])
        m1 = int(month_index(np.array([self.horizon_day]))[0]) + 1
        months = np.arange(m0, m1 + 1)
        mstart = month_first_day(months)
        mend = month_first_day(months + 1) - 1
        pub = month_first_day(months - 1) + 24  # the 25th of the previous month
        pub_ts = pub * DAY + 10 * HOUR
        keep = pub <= self.horizon_day
        months, mstart, mend, pub, pub_ts = (a[keep] for a in (months, mstart, mend, pub, pub_ts))
        reps = self.rep_ids
        R, M = np.meshgrid(reps, np.arange(len(months)), indexing="ij")
        R = R.ravel()
        M = M.ravel()
        pt = np.maximum(pub_ts[M], self.hire_day[R] * DAY + 9 * HOUR)
        ok = (self.hire_day[R] <= mend[M]) & (pt // DAY <= self.term_day[R]) & (pt // DAY < mend[M])
        ok &= pt < self.horizon_ts
        R, M, pt = R[ok], M[ok], pt[ok]
        team = self.team_at(R, pt // DAY)
        line = self.team_line[team]
        year = mstart[M].astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
        growth = 1.0 + 0.08 * (year - 2024)
        rep_f = rng.uniform(0.85, 1.15, self.n_users)[R]
        prorate = np.clip(
            (mend[M] - np.maximum(self.hire_day[R], mstart[M]) + 1) / (mend[M] - mstart[M] + 1), 0.2, 1
        )
        book = np.where(line == LINE_SW, 230000.0, 60000.0) * growth * rep_f * prorate
        book_c = (np.round(book / 100) * 10000).astype(np.int64)
        # plus the renewal book: subscriptions the rep owns at publication that come up for
        # renewal in the month (renewals are signed 45-90 days before the end date), at 90 %
        book_c += self.renewal_book(months, pub)[R * len(months) + M]
        # new-opportunity target: rep-sourced plus the rep's share of converted leads per month
        lead_opps = np.count_nonzero(self.lead_conv >= 0) / max(len(R), 1)
        opps = np.maximum(1, np.round((self.cfg.opp_rate + lead_opps) * prorate * growth)).astype(np.int64)
        visits = np.where(rep_f > 1.05, 18, 15)
        visits = np.maximum(1, np.round(visits * prorate)).astype(np.int64)
        newacc = np.maximum(1, np.round(self.cfg.new_accounts_rate * prorate)).astype(np.int64)
        rows_user = np.concatenate([R] * 4)
        rows_team = np.full(len(rows_user), -1)
        rows_month = np.concatenate([mstart[M]] * 4)
        rows_metric = np.repeat(np.arange(4), len(R))
        rows_val = np.concatenate([book_c, opps * 100, visits * 100, newacc * 100])
        rows_pub = np.concatenate([pt] * 4)
        # team quotas: sum of the members' targets at publication
        team_rows = []
        tk = team * len(months) + M
        for metric, vals in enumerate((book_c, opps * 100, visits * 100, newacc * 100)):
            on_time = pt == pub_ts[M]
            s = np.zeros(len(self.team_name) * len(months), dtype=np.int64)
            np.add.at(s, tk[on_time], vals[on_time])
            nz = np.flatnonzero(s > 0)
            team_rows.append((nz // len(months), nz % len(months), np.full(len(nz), metric), s[nz]))
        tt = np.concatenate([t[0] for t in team_rows])
        tm = np.concatenate([t[1] for t in team_rows])
        tmet = np.concatenate([t[2] for t in team_rows])
        tval = np.concatenate([t[3] for t in team_rows])
        self.quota = dict(
            user=np.concatenate([rows_user, np.full(len(tt), -1)]),
            team=np.concatenate([rows_team, tt]),
            month=np.concatenate([rows_month, mstart[tm]]),
            metric=np.concatenate([rows_metric, tmet]),
            value=np.concatenate([rows_val, tval]),
            pub_ts=np.concatenate([rows_pub, pub_ts[tm]]),
        )

    def build_costs(self):
        """Simulate the cost records."""
        rng = self.rng("costs")
        m0 = int(month_index(np.array([self.start_day]))[0])
        m1 = int(month_index(np.array([self.horizon_day]))[0])
        rows = []
        c = self.contracts
        for m in range(m0, m1 + 1):
            ms = int(month_first_day(np.array([m]))[0])
            me = int(month_first_day(np.array([m + 1]))[0]) - 1
            pub = me + 10
            if pub > self.horizon_day:
                continue
            mid = ms + 14
            for line in sorted(set(self.group_line.tolist())):
                mk = int(
                    self.cmp_budget[
                        (self.cmp_line == line) & (self.cmp_start >= ms) & (self.cmp_start <= me)
                    ].sum()
                )
                mk += int(rng.uniform(20000, 40000)) * 100
                reps = self.rep_ids[
                    (self.hire_day[self.rep_ids] <= mid) & (self.term_day[self.rep_ids] >= mid)
                ]
                reps = reps[self.team_line[self.team_at(reps, np.full(len(reps), mid))] == line]
                sales = (
                    int(len(reps) * rng.uniform(26000, 30000) + (self.team_line == line).sum() * 42000) * 100
                )
                act = (c.line == line) & (c.start <= mid) & (c.end >= mid) & (c.del_ts >= NEVER)
                cust = len(np.unique(c.account[act]))
                cts = int(cust * (800 if line == LINE_SW else 250) + rng.uniform(15000, 25000)) * 100
                for ct, val in enumerate((mk, sales, cts)):
                    rows.append((ms, line, ct, val, pub * DAY + 9 * HOUR))
        a = np.array(rows, dtype=np.int64).reshape(-1, 5)
        self.costs = dict(month=a[:, 0], line=a[:, 1], ctype=a[:, 2], amount=a[:, 3], pub_ts=a[:, 4])
