"""Campaigns and leads."""

from __future__ import annotations

import numpy as np

from . import names as N
from .common import bool_styles, workhour
from .config import REGIONS
from .util import (
    DAY,
    HOUR,
    NEVER,
    month_first_day,
    month_index,
    to_workday,
)


class LeadsMixin:
    """World.build_campaigns and World.build_leads."""

    # ------------------------------------------------------------------ campaigns
    def build_campaigns(self):
        """Simulate the marketing campaigns."""
        rng = self.rng("campaigns")
        months = month_index(np.array([self.start_day - 31, self.horizon_day]))
        rows = []
        budgets = {
            "event": (80e3, 400e3),
            "webinar": (10e3, 40e3),
            "content": (20e3, 80e3),
            "paid_search": (30e3, 150e3),
            "social": (20e3, 100e3),
            "referral_program": (10e3, 50e3),
            "other": (20e3, 100e3),
        }
        ch_p = np.array([0.2, 0.25, 0.15, 0.15, 0.12, 0.05, 0.08])
        lines_present = sorted(set(self.group_line.tolist()))
        for m in range(months[0], months[1] + 1):
            m0 = int(month_first_day(np.array([m]))[0])
            m1 = int(month_first_day(np.array([m + 1]))[0]) - 1
            for line in lines_present:
                k = rng.poisson(self.cfg.campaigns_per_line_month)
                for _ in range(k):
                    ch = int(rng.choice(len(N.CHANNELS), p=ch_p))
                    chn = N.CHANNELS[ch]
                    start = int(to_workday(np.array([rng.integers(m0, m1 + 1)]))[0])
                    dur = 1 if chn in ("event", "webinar") else int(rng.integers(14, 61))
                    lo, hi = budgets[chn]
                    budget = int(rng.uniform(lo, hi) / 1000) * 100000  # cents, round thousand
                    reg = int(rng.choice(self.group_region[self.group_line == line]))
                    theme = N.CAMPAIGN_THEMES[chn][int(rng.integers(0, len(N.CAMPAIGN_THEMES[chn])))]
                    y, mo = str(np.datetime64(start, "D"))[:4], int(str(np.datetime64(start, "D"))[5:7])
                    prefix = REGIONS[self.region_ids[reg]][0] if chn == "event" else ""
                    name = f"{y}年{mo}月{prefix}{theme}"
                    created = start - int(rng.integers(15, 41))
                    rows.append((start, dur, line, ch, budget, reg, name, created))
        rows.sort(key=lambda r: (r[0], r[2], r[3], r[6]))
        a = np.array([r[:6] for r in rows], dtype=np.int64).reshape(-1, 6)
        self.cmp_start = a[:, 0]
        self.cmp_end = a[:, 0] + a[:, 1] - 1
        self.cmp_line = a[:, 2]
        self.cmp_channel = a[:, 3]
        self.cmp_budget = a[:, 4]
        self.cmp_region = a[:, 5]
        self.cmp_name = np.array([r[6] for r in rows], dtype=object)
        self.cmp_updated = workhour(rng, np.array([r[7] for r in rows], dtype=np.int64))
        # make duplicate campaign names unique with a suffix
        seen = {}
        for i, nm in enumerate(self.cmp_name):
            seen[nm] = seen.get(nm, 0) + 1
            if seen[nm] > 1:
                self.cmp_name[i] = f"{nm}（第{seen[nm]}场）"

    # ------------------------------------------------------------------ leads
    def build_leads(self):
        """Simulate the leads, from campaigns and other sources."""
        cfg, rng = self.cfg, self.rng("leads")
        # campaign leads
        k = rng.poisson(
            cfg.leads_per_campaign * (0.5 + self.cmp_budget / max(self.cmp_budget.mean(), 1)) / 1.5
        )
        ci = np.repeat(np.arange(len(self.cmp_start)), k)
        d = self.cmp_start[ci] + (rng.random(len(ci)) * (self.cmp_end[ci] - self.cmp_start[ci] + 15)).astype(
            np.int64
        )
        line = self.cmp_line[ci]
        # group: the campaign region's group of that line
        grp_of = {
            (int(r), int(ln)): g
            for g, (r, ln) in enumerate(zip(self.group_region, self.group_line, strict=False))
        }
        gl = np.array(
            [grp_of[(int(r), int(ln))] for r, ln in zip(self.cmp_region[ci], line, strict=False)],
            dtype=np.int64,
        )
        src = np.zeros(len(ci), dtype=np.int64)  # marketing
        # other sources
        months = np.arange(
            month_index(np.array([self.start_day]))[0], month_index(np.array([self.horizon_day]))[0] + 1
        )
        ms = month_first_day(months)
        me = month_first_day(months + 1) - 1
        G, M = np.meshgrid(np.arange(self.n_groups), np.arange(len(months)), indexing="ij")
        G = G.ravel()
        M = M.ravel()
        k2 = rng.poisson(cfg.lead_rate, len(G))
        g2 = np.repeat(G, k2)
        m2 = np.repeat(M, k2)
        d2 = ms[m2] + (rng.random(len(g2)) * (me[m2] - ms[m2] + 1)).astype(np.int64)
        src2 = rng.choice([1, 2, 3, 4], len(g2), p=[0.35, 0.3, 0.2, 0.15])
        day = np.concatenate([d, d2])
        grp = np.concatenate([gl, g2])
        src = np.concatenate([src, src2])
        cmp = np.concatenate([ci, np.full(len(g2), -1)])
        day = to_workday(day)
        keep = (day >= self.start_day) & (day <= self.horizon_day)
        day, grp, src, cmp = day[keep], grp[keep], src[keep], cmp[keep]
        created = workhour(rng, day, 8.0, 12.0)
        order = np.lexsort((cmp, grp, created))
        day, grp, src, cmp, created = day[order], grp[order], src[order], cmp[order], created[order]
        n = len(day)
        owner = self.sampler.sample(rng, grp, day, min_remaining=70)
        miss = owner < 0
        owner[miss] = self.team_leader[self.group_first_team[grp[miss]]]
        # progression
        slow = rng.random(n) < 0.15
        f_up = rng.exponential(1.0, n) * self.follow_up_h[owner] * HOUR + np.where(
            slow, rng.uniform(24, 240, n) * HOUR, 0
        )
        f_up = np.minimum(f_up, 12 * DAY).astype(np.int64) + 300
        working = created + f_up
        p_mql = np.array([0.55, 0.6, 0.35, 0.7, 0.5])[src]
        rep_f = np.clip(self.skill[owner] / 0.27, 0.6, 1.5)
        u = rng.random((n, 3))
        is_mql = u[:, 0] < p_mql
        is_sql = is_mql & (u[:, 1] < np.clip(0.45 * rep_f, 0.1, 0.9))
        is_conv = is_sql & (u[:, 2] < 0.75)
        wday = working // DAY
        mql_day = wday + rng.integers(1, 11, n)
        sql_day = mql_day + rng.integers(1, 15, n)
        conv_day = to_workday(sql_day + rng.integers(1, 11, n))
        conv_day = np.maximum(conv_day, sql_day + 1)
        mql = np.where(is_mql, workhour(rng, mql_day), -1)
        sql = np.where(is_sql, workhour(rng, sql_day), -1)
        conv = np.where(is_conv, workhour(rng, conv_day), -1)
        last = np.where(is_sql, sql, np.where(is_mql, mql, working))
        disq = np.where(~is_conv, workhour(rng, last // DAY + rng.integers(2, 21, n)), -1)
        self.lead_created, self.lead_group, self.lead_source, self.lead_campaign = created, grp, src, cmp
        self.lead_owner, self.lead_working, self.lead_mql, self.lead_sql = owner, working, mql, sql
        self.lead_conv, self.lead_disq = conv, disq
        self.lead_line = self.group_line[grp]
        self.lead_disq_reason = np.where(~is_conv, rng.integers(0, len(N.DISQUALIFIED_REASONS), n), -1)
        # existing account known at creation for 30 %
        has_acc = rng.random(n) < 0.3
        acc = np.full(n, -1, dtype=np.int64)
        acc[has_acc] = self.existing_account(rng, grp[has_acc], created[has_acc])
        self.lead_account = acc
        self.lead_account_ts = np.where(acc >= 0, created, -1)
        self.n_leads = n
        final = np.where(is_conv, conv, disq)
        dele = (~is_conv) & (rng.random(n) < 0.005)
        self.lead_del_ts = np.where(dele, final + rng.integers(1, 60, n) * DAY, NEVER)
        self.lead_bool_style = bool_styles(rng, n)
