"""Product usage of the contracted accounts."""

from __future__ import annotations

import numpy as np

from .common import LINE_SW, sigmoid
from .util import (
    DAY,
    NEVER,
    cumcount,
    month_first_day,
    month_index,
)


class UsageMixin:
    """World.build_usage."""

    # ------------------------------------------------------------------ usage, quotas, costs
    def build_usage(self):
        """Simulate the product usage of the contracted accounts."""
        rng = self.rng("usage")
        c = self.contracts
        sel = np.flatnonzero((c.line == LINE_SW) & (c.recurring > 0) & (c.del_ts >= NEVER))
        m_lo = month_index(c.start[sel])
        m_hi = month_index(np.minimum(c.end[sel], self.horizon_day))
        cnt = np.maximum(m_hi - m_lo + 1, 0)
        ci = np.repeat(sel, cnt)
        mm = np.repeat(m_lo, cnt) + cumcount(np.repeat(np.arange(len(sel)), cnt))
        d15 = month_first_day(mm) + 14
        ok = (c.start[ci] <= d15) & (d15 <= c.end[ci]) & (d15 * DAY < c.term_ts[ci])
        ci, mm = ci[ok], mm[ok]
        acc = c.account[ci]
        key = acc * 10000 + mm
        uk, inv = np.unique(key, return_inverse=True)
        annual = np.zeros(len(uk))
        np.add.at(annual, inv, c.recurring[ci] / 100.0)
        ua = uk // 10000
        um = uk % 10000
        pub_day = month_first_day(um + 1) + 1
        seats = np.maximum(5, np.round(annual / self.acc_price[ua])).astype(np.int64)
        k = len(uk)
        a = sigmoid(self.acc_health[ua] + 0.4 + 0.35 * rng.normal(0, 1, k))
        active = np.minimum(seats, np.round(seats * a)).astype(np.int64)
        core = np.round(active * rng.uniform(0.55, 0.9, k)).astype(np.int64)
        report = np.round(
            active * np.clip(sigmoid(self.acc_health2[ua]) * rng.uniform(0.6, 1.0, k), 0, 1)
        ).astype(np.int64)
        logins = np.round(active * rng.uniform(6, 22, k)).astype(np.int64)
        self.usage = dict(
            account=ua,
            month=um,
            seats=seats,
            active=active,
            core=core,
            report=report,
            logins=logins,
            pub_day=pub_day,
        )
