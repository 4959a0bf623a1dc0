"""Simulation of the CRM world: people, accounts, leads, opportunities, contracts, usage.

Everything is simulated once, far enough past end_date (config.HORIZON_DAYS), as arrays of
records plus the times at which each record changed. render.py turns this into the export
of any cut-off. Activities are the exception: they are generated chunk by chunk
(activities.py) so they never all sit in memory.
"""
from __future__ import annotations

import numpy as np

from . import names as N
from .config import BUSINESS_LINES, HISTORY_START, HORIZON_DAYS, REGIONS, ScaleConfig
from .util import (DAY, HOUR, MINUTE, NEVER, cumcount, day_number, group_starts, month_first_day,
                   month_index, rng_for, to_workday)

BIGDAY = 10**7          # "no such day" for terminations/transfers
LINE_SW, LINE_CT = 0, 1
OPP_NEW, OPP_RENEWAL, OPP_UPSELL = 0, 1, 2
ROLE_REP, ROLE_LEAD, ROLE_DIRECTOR, ROLE_OPS, ROLE_ADMIN = 0, 1, 2, 3, 4
ROLES = np.array(["rep", "team_lead", "director", "ops", "admin"], dtype=object)


def workhour(rng: np.random.Generator, days: np.ndarray, start_h: float = 9.0, span_h: float = 10.0) -> np.ndarray:
    """A time on each day between start_h and start_h + span_h, rounded to the second."""
    days = np.asarray(days, dtype=np.int64)
    return days * DAY + int(start_h * HOUR) + (rng.random(len(days)) * span_h * HOUR).astype(np.int64)


class RepSampler:
    """Draws a rep who sits in a team of a given (region, line) group on a given day."""

    def __init__(self, mem_user, mem_team, mem_start, mem_end, team_group, n_groups, user_term, is_rep):
        keep = is_rep[mem_user]
        grp = team_group[mem_team[keep]]
        order = np.lexsort((mem_start[keep], mem_user[keep], grp))
        self.grp = grp[order]
        self.user = mem_user[keep][order]
        self.start = mem_start[keep][order]
        self.end = mem_end[keep][order]
        self.term = user_term[self.user]
        self.gstart, self.gcount = group_starts(self.grp, n_groups)

    def sample(self, rng, groups, days, min_remaining=0, tries=48):
        groups = np.asarray(groups, dtype=np.int64)
        days = np.asarray(days, dtype=np.int64)
        out = np.full(len(groups), -1, dtype=np.int64)
        todo = np.arange(len(groups))
        todo = todo[self.gcount[groups[todo]] > 0] if len(todo) else todo
        for _ in range(tries):
            if len(todo) == 0:
                break
            g = groups[todo]
            r = self.gstart[g] + (rng.random(len(todo)) * self.gcount[g]).astype(np.int64)
            d = days[todo]
            ok = (self.start[r] <= d) & (d <= self.end[r]) & (self.term[r] - d >= min_remaining)
            out[todo[ok]] = self.user[r[ok]]
            todo = todo[~ok]
        return out


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def normalise_name(names: np.ndarray) -> np.ndarray:
    s = np.strings.lower(names.astype(str))
    for ch in [" ", "\t", "(", ")", "（", "）", "·", ".", "-", "\u3000"]:
        s = np.strings.replace(s, ch, "")
    return s


class World:
    def __init__(self, cfg: ScaleConfig, seed: int, end_date: str, rates: dict[str, float] | None = None):
        self.cfg = cfg
        self.seed = seed
        self.rates = dict(rates or {})
        self.end_day = day_number(end_date)
        self.start_day = day_number(HISTORY_START)
        self.horizon_day = self.end_day + HORIZON_DAYS
        self.horizon_ts = (self.horizon_day + 1) * DAY
        self.build()

    def rng(self, *keys):
        return rng_for(self.seed, self.cfg.name, *keys)

    # ------------------------------------------------------------------ build
    def build(self):
        self.build_org()
        self.build_campaigns()
        self.build_base_accounts()
        self.build_leads()
        self.build_lead_accounts()
        self.finish_accounts()
        self.build_ownership()
        self.build_contacts()
        self.build_portfolio()
        self.build_opportunities()
        self.build_usage()
        self.build_quotas()
        self.build_costs()

    # ------------------------------------------------------------------ org
    def build_org(self):
        cfg, rng = self.cfg, self.rng("org")
        regions = sorted({r for r, _, _ in cfg.teams})
        self.region_ids = regions
        team_region, team_line, team_name = [], [], []
        for rid in regions:
            for bl in BUSINESS_LINES:
                k = sum(n for r, b, n in cfg.teams if r == rid and b == bl)
                for i in range(k):
                    team_region.append(regions.index(rid))
                    team_line.append(BUSINESS_LINES.index(bl))
                    team_name.append(f"{REGIONS[rid][0]}{'软件' if bl == 'software' else '内容'}{N.CN_NUM[i]}组")
        self.team_region = np.array(team_region)
        self.team_line = np.array(team_line)
        self.team_name = np.array(team_name, dtype=object)
        n_teams = len(team_name)
        # groups = distinct (region, line) pairs that have teams
        gkeys = sorted(set(zip(team_region, team_line)))
        self.group_region = np.array([g[0] for g in gkeys])
        self.group_line = np.array([g[1] for g in gkeys])
        self.team_group = np.array([gkeys.index((r, l)) for r, l in zip(team_region, team_line)])
        self.n_groups = len(gkeys)
        self.group_first_team = np.array([int(np.flatnonzero(self.team_group == g)[0]) for g in range(self.n_groups)])

        # fixed staff: admin, ops, directors, team leads
        role, hire, team0 = [], [], []
        role.append(ROLE_ADMIN); hire.append(day_number("2017-06-01")); team0.append(-1)
        for _ in range(cfg.n_ops):
            role.append(ROLE_OPS); hire.append(day_number("2018-03-01") + int(rng.integers(0, 700))); team0.append(-1)
        self.director_of_region = {}
        for ri in range(len(regions)):
            self.director_of_region[ri] = len(role)
            role.append(ROLE_DIRECTOR); hire.append(day_number("2017-09-01") + int(rng.integers(0, 400))); team0.append(-1)
        self.team_leader = np.zeros(n_teams, dtype=np.int64)
        for t in range(n_teams):
            self.team_leader[t] = len(role)
            role.append(ROLE_LEAD); hire.append(day_number("2018-01-01") + int(rng.integers(0, 1500))); team0.append(t)
        n_fixed = len(role)
        # reps: initial cohort, then replacements of leavers
        rep_team = np.repeat(np.arange(n_teams), cfg.reps_per_team)
        rep_hire = to_workday(rng.integers(day_number("2018-03-01"), day_number("2023-12-01"), len(rep_team)))
        all_team, all_hire = [rep_team], [rep_hire]
        all_term, all_tday, all_team1 = [], [], []
        cur_team, cur_hire = rep_team, rep_hire
        for gen in range(12):
            n = len(cur_team)
            if n == 0:
                break
            base = np.maximum(cur_hire, self.start_day)
            term = base + (rng.exponential(365.0 / 0.14, n)).astype(np.int64) + 20
            term = to_workday(term)
            term = np.where(term <= self.horizon_day, term, BIGDAY)
            # one transfer for some reps, to another team of the same business line
            tday = np.full(n, BIGDAY, dtype=np.int64)
            team1 = cur_team.copy()
            want = rng.random(n) < 0.14
            lo = base + 60
            hi = np.minimum(term, self.horizon_day) - 30
            ok = want & (hi > lo)
            if n_teams > 1:
                cand_day = lo + (rng.random(n) * np.maximum(hi - lo, 1)).astype(np.int64)
                for i in np.flatnonzero(ok):
                    same_line = np.flatnonzero((self.team_line == self.team_line[cur_team[i]]) & (np.arange(n_teams) != cur_team[i]))
                    if len(same_line) == 0:
                        continue
                    same_reg = same_line[self.team_region[same_line] == self.team_region[cur_team[i]]]
                    pool = same_reg if (len(same_reg) and rng.random() < 0.6) else same_line
                    team1[i] = pool[int(rng.integers(0, len(pool)))]
                    tday[i] = to_workday(np.array([cand_day[i]]))[0]
            all_term.append(term); all_tday.append(tday); all_team1.append(team1)
            left = term < BIGDAY
            new_hire = to_workday(term[left] + rng.integers(10, 60, int(left.sum())))
            keep = new_hire <= self.horizon_day
            cur_team = team1[left][keep]
            cur_hire = new_hire[keep]
            if gen < 11:
                all_team.append(cur_team); all_hire.append(cur_hire)
        rep_team = np.concatenate(all_team[: len(all_term)])
        rep_hire = np.concatenate(all_hire[: len(all_term)])
        rep_term = np.concatenate(all_term)
        rep_tday = np.concatenate(all_tday)
        rep_team1 = np.concatenate(all_team1)
        # initial cohort first (by team), later hires by hire day
        n0 = cfg.reps_per_team * n_teams
        later = n0 + np.lexsort((np.arange(len(rep_hire) - n0), rep_hire[n0:]))
        order = np.concatenate([np.arange(n0), later])
        rep_team, rep_hire, rep_term, rep_tday, rep_team1 = (a[order] for a in (rep_team, rep_hire, rep_term, rep_tday, rep_team1))
        nrep = len(rep_team)
        self.role = np.concatenate([np.array(role), np.full(nrep, ROLE_REP)])
        self.hire_day = np.concatenate([np.array(hire, dtype=np.int64), rep_hire])
        self.term_day = np.concatenate([np.full(n_fixed, BIGDAY, dtype=np.int64), rep_term])
        self.team0 = np.concatenate([np.array(team0), rep_team])
        self.team1 = np.concatenate([np.array(team0), rep_team1])
        self.transfer_day = np.concatenate([np.full(n_fixed, BIGDAY, dtype=np.int64), rep_tday])
        nu = len(self.role)
        self.n_users = nu
        self.is_rep = self.role == ROLE_REP
        self.rep_ids = np.flatnonzero(self.is_rep)
        # person traits
        self.user_surname = rng.integers(0, len(N.SURNAMES), nu)
        g1 = rng.integers(0, len(N.GIVEN_CHARS), nu)
        g2 = np.where(rng.random(nu) < 0.6, rng.integers(0, len(N.GIVEN_CHARS), nu), -1)
        self.user_name = np.array([N.SURNAMES[s] + N.GIVEN_CHARS[a] + (N.GIVEN_CHARS[b] if b >= 0 else "")
                                   for s, a, b in zip(self.user_surname, g1, g2)], dtype=object)
        self.user_bool_style = bool_styles(rng, nu)
        self.user_edit_ts = np.where(rng.random(nu) < 0.3,
                                     workhour(rng, np.maximum(self.hire_day, self.start_day) + rng.integers(30, 900, nu)), NEVER)
        self.skill = rng.uniform(0.10, 0.45, nu)                      # new-business win rate
        self.visit_rate = rng.uniform(8.0, 25.0, nu)                 # completed visits per month
        self.opp_factor = rng.lognormal(0.0, 0.25, nu)
        self.follow_up_h = rng.lognormal(np.log(8.0), 0.9, nu)       # lead follow-up speed
        self.sloppiness = rng.lognormal(0.0, 0.8, nu)
        self.sloppiness /= self.sloppiness[self.is_rep].mean() if self.is_rep.any() else 1.0
        self.plan_done = rng.uniform(0.78, 0.94, nu)
        # memberships (reps and team leads)
        mu, mt, ms, me, mev = [], [], [], [], []
        for u in range(nu):
            if self.role[u] == ROLE_LEAD:
                mu.append(u); mt.append(self.team0[u]); ms.append(self.hire_day[u]); me.append(BIGDAY); mev.append(BIGDAY)
            elif self.role[u] == ROLE_REP:
                if self.transfer_day[u] < BIGDAY:
                    mu += [u, u]; mt += [self.team0[u], self.team1[u]]
                    ms += [self.hire_day[u], self.transfer_day[u]]
                    me += [self.transfer_day[u] - 1, self.term_day[u]]
                    mev += [self.transfer_day[u], self.term_day[u]]
                else:
                    mu.append(u); mt.append(self.team0[u]); ms.append(self.hire_day[u]); me.append(self.term_day[u]); mev.append(self.term_day[u])
        self.mem_user = np.array(mu); self.mem_team = np.array(mt)
        self.mem_start = np.array(ms, dtype=np.int64); self.mem_end = np.array(me, dtype=np.int64)
        self.mem_end_event = np.array(mev, dtype=np.int64)
        self.sampler = RepSampler(self.mem_user, self.mem_team, self.mem_start, self.mem_end,
                                  self.team_group, self.n_groups, self.term_day, self.is_rep)

    def team_at(self, users, days):
        users = np.asarray(users); days = np.asarray(days)
        return np.where(days < self.transfer_day[users], self.team0[users], self.team1[users])

    def group_at(self, users, days):
        return self.team_group[self.team_at(users, days)]

    # ------------------------------------------------------------------ campaigns
    def build_campaigns(self):
        rng = self.rng("campaigns")
        months = month_index(np.array([self.start_day - 31, self.horizon_day]))
        rows = []
        budgets = {"event": (80e3, 400e3), "webinar": (10e3, 40e3), "content": (20e3, 80e3),
                   "paid_search": (30e3, 150e3), "social": (20e3, 100e3), "referral_program": (10e3, 50e3),
                   "other": (20e3, 100e3)}
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
                    budget = int(rng.uniform(lo, hi) / 1000) * 100000   # cents, round thousand
                    reg = int(rng.choice(self.group_region[self.group_line == line]))
                    theme = N.CAMPAIGN_THEMES[chn][int(rng.integers(0, len(N.CAMPAIGN_THEMES[chn])))]
                    y, mo = str(np.datetime64(start, "D"))[:4], int(str(np.datetime64(start, "D"))[5:7])
                    prefix = REGIONS[self.region_ids[reg]][0] if chn == "event" else ""
                    name = f"{y}年{mo}月{prefix}{theme}"
                    created = start - int(rng.integers(15, 41))
                    rows.append((start, dur, line, ch, budget, reg, name, created))
        rows.sort(key=lambda r: (r[0], r[2], r[3], r[6]))
        a = np.array([r[:6] for r in rows], dtype=np.int64).reshape(-1, 6)
        self.cmp_start = a[:, 0]; self.cmp_end = a[:, 0] + a[:, 1] - 1
        self.cmp_line = a[:, 2]; self.cmp_channel = a[:, 3]; self.cmp_budget = a[:, 4]; self.cmp_region = a[:, 5]
        self.cmp_name = np.array([r[6] for r in rows], dtype=object)
        self.cmp_updated = workhour(rng, np.array([r[7] for r in rows], dtype=np.int64))
        # make duplicate campaign names unique with a suffix
        seen = {}
        for i, nm in enumerate(self.cmp_name):
            seen[nm] = seen.get(nm, 0) + 1
            if seen[nm] > 1:
                self.cmp_name[i] = f"{nm}（第{seen[nm]}场）"

    # ------------------------------------------------------------------ accounts (before leads)
    def build_base_accounts(self):
        cfg, rng = self.cfg, self.rng("accounts")
        acc_created, acc_group, acc_owner0 = [], [], []
        # legacy accounts, created before the history starts
        n_legacy = cfg.accounts_per_rep * int((self.is_rep & (self.hire_day < self.start_day)).sum())
        g = self.team_group[rng.integers(0, len(self.team_group), n_legacy)]
        cday = to_workday(rng.integers(day_number("2019-01-01"), self.start_day - 1, n_legacy))
        owner = self.sampler.sample(rng, g, cday)
        owner[rng.random(n_legacy) < 0.2] = -1
        acc_created.append(workhour(rng, cday)); acc_group.append(g); acc_owner0.append(owner)
        # accounts reps develop during the history
        reps = self.rep_ids
        months = np.arange(month_index(np.array([self.start_day]))[0], month_index(np.array([self.horizon_day]))[0] + 1)
        ms = month_first_day(months)
        me = month_first_day(months + 1) - 1
        R, M = np.meshgrid(reps, np.arange(len(months)), indexing="ij")
        R = R.ravel(); M = M.ravel()
        lo = np.maximum(ms[M], np.maximum(self.hire_day[R], self.start_day))
        hi = np.minimum(me[M], np.minimum(self.term_day[R] - 10, self.horizon_day))
        frac = np.clip((hi - lo + 1) / 30.0, 0, None)
        k = rng.poisson(cfg.new_accounts_rate * frac * self.opp_factor[R])
        k[hi < lo] = 0
        rr = np.repeat(R, k); llo = np.repeat(lo, k); hhi = np.repeat(hi, k)
        d = llo + (rng.random(len(rr)) * (hhi - llo + 1)).astype(np.int64)
        d = np.clip(to_workday(d), llo, hhi)
        acc_created.append(workhour(rng, d)); acc_group.append(self.group_at(rr, d)); acc_owner0.append(rr)
        # accounts marketing adds to the public pool
        G, M2 = np.meshgrid(np.arange(self.n_groups), np.arange(len(months)), indexing="ij")
        G = G.ravel(); M2 = M2.ravel()
        k = rng.poisson(cfg.pool_accounts_rate, len(G))
        gg = np.repeat(G, k); mm = np.repeat(M2, k)
        d = ms[mm] + (rng.random(len(gg)) * (me[mm] - ms[mm] + 1)).astype(np.int64)
        d = to_workday(np.minimum(d, self.horizon_day))
        acc_created.append(workhour(rng, d)); acc_group.append(gg); acc_owner0.append(np.full(len(gg), -1))
        self.acc_created = np.concatenate(acc_created)
        self.acc_group = np.concatenate(acc_group)
        self.acc_owner0 = np.concatenate(acc_owner0)
        self.acc_source = np.concatenate([np.full(len(a), i) for i, a in enumerate(acc_created)])
        # an index sorted by creation time per group, for "an existing account of group g at time t"
        self._acc_lookup_build()

    def _acc_lookup_build(self):
        order = np.lexsort((self.acc_created, self.acc_group))
        self._lk_order = order
        self._lk_group = self.acc_group[order]
        self._lk_time = self.acc_created[order]
        self._lk_gstart, self._lk_gcount = group_starts(self._lk_group, self.n_groups)

    def existing_account(self, rng, groups, ts):
        """A random account of the group created at least a day before ts (-1 if none)."""
        groups = np.asarray(groups); ts = np.asarray(ts)
        out = np.full(len(groups), -1, dtype=np.int64)
        for g in range(self.n_groups):
            sel = np.flatnonzero(groups == g)
            if len(sel) == 0:
                continue
            s, c = self._lk_gstart[g], self._lk_gcount[g]
            n_before = np.searchsorted(self._lk_time[s:s + c], ts[sel] - DAY, side="right")
            has = n_before > 0
            pos = (rng.random(len(sel)) * n_before).astype(np.int64)
            out[sel[has]] = self._lk_order[s + pos[has]]
        return out

    # ------------------------------------------------------------------ leads
    def build_leads(self):
        cfg, rng = self.cfg, self.rng("leads")
        # campaign leads
        k = rng.poisson(cfg.leads_per_campaign * (0.5 + self.cmp_budget / max(self.cmp_budget.mean(), 1)) / 1.5)
        ci = np.repeat(np.arange(len(self.cmp_start)), k)
        d = self.cmp_start[ci] + (rng.random(len(ci)) * (self.cmp_end[ci] - self.cmp_start[ci] + 15)).astype(np.int64)
        line = self.cmp_line[ci]
        # group: the campaign region's group of that line
        grp_of = {(int(r), int(l)): g for g, (r, l) in enumerate(zip(self.group_region, self.group_line))}
        gl = np.array([grp_of[(int(r), int(l))] for r, l in zip(self.cmp_region[ci], line)], dtype=np.int64)
        src = np.zeros(len(ci), dtype=np.int64)   # marketing
        # other sources
        months = np.arange(month_index(np.array([self.start_day]))[0], month_index(np.array([self.horizon_day]))[0] + 1)
        ms = month_first_day(months); me = month_first_day(months + 1) - 1
        G, M = np.meshgrid(np.arange(self.n_groups), np.arange(len(months)), indexing="ij")
        G = G.ravel(); M = M.ravel()
        k2 = rng.poisson(cfg.lead_rate, len(G))
        g2 = np.repeat(G, k2); m2 = np.repeat(M, k2)
        d2 = ms[m2] + (rng.random(len(g2)) * (me[m2] - ms[m2] + 1)).astype(np.int64)
        src2 = rng.choice([1, 2, 3, 4], len(g2), p=[0.35, 0.3, 0.2, 0.15])
        day = np.concatenate([d, d2]); grp = np.concatenate([gl, g2]); src = np.concatenate([src, src2])
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
        f_up = rng.exponential(1.0, n) * self.follow_up_h[owner] * HOUR + np.where(slow, rng.uniform(24, 240, n) * HOUR, 0)
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

    def build_lead_accounts(self):
        need = np.flatnonzero((self.lead_conv >= 0) & (self.lead_account < 0))
        base = len(self.acc_created)
        self.lead_account[need] = base + np.arange(len(need))
        self.lead_account_ts[need] = self.lead_conv[need]
        self.acc_created = np.concatenate([self.acc_created, self.lead_conv[need] - 60])
        self.acc_group = np.concatenate([self.acc_group, self.lead_group[need]])
        self.acc_owner0 = np.concatenate([self.acc_owner0, self.lead_owner[need]])
        self.acc_source = np.concatenate([self.acc_source, np.full(len(need), 3)])
        self.acc_dup_of = np.full(len(self.acc_created), -1, dtype=np.int64)

    def add_duplicate_accounts(self, rng, rate):
        n = len(self.acc_created)
        k = int(rng.binomial(n, min(rate, 0.5))) if rate > 0 else 0
        if k == 0:
            return
        cand = np.flatnonzero(self.acc_created < (self.end_day - 40) * DAY)
        orig = np.sort(rng.choice(cand, size=min(k, len(cand)), replace=False))
        lo = self.acc_created[orig] // DAY + 30
        hi = np.maximum(lo + 1, np.minimum(self.acc_created[orig] // DAY + 700, self.horizon_day - 2))
        d = to_workday(lo + (rng.random(len(orig)) * (hi - lo)).astype(np.int64))
        d = np.minimum(d, self.horizon_day - 1)
        created = workhour(rng, d)
        grp = self.acc_group[orig]
        owner = self.sampler.sample(rng, grp, d, min_remaining=0)
        owner[rng.random(len(orig)) < 0.4] = -1
        self.acc_created = np.concatenate([self.acc_created, created])
        self.acc_group = np.concatenate([self.acc_group, grp])
        self.acc_owner0 = np.concatenate([self.acc_owner0, owner])
        self.acc_source = np.concatenate([self.acc_source, np.full(len(orig), 4)])
        self.acc_dup_of = np.concatenate([self.acc_dup_of, orig])

    def finish_accounts(self):
        rng = self.rng("accounts_attr")
        self.add_duplicate_accounts(self.rng("dup_accounts"), self.rates.get("duplicate_account", 0.0))
        n = len(self.acc_created)
        self.n_accounts = n
        reg = self.group_region[self.acc_group]
        self.acc_line = self.group_line[self.acc_group]
        emp = np.exp(rng.normal(np.log(260), 1.35, n))
        super_large = rng.random(n) < 0.025
        emp = np.where(super_large, np.exp(rng.normal(np.log(16000), 0.5, n)), emp)
        emp = np.clip(np.round(emp), 8, 180000).astype(np.int64)
        self.acc_employees = emp
        p_ka = np.where(emp >= 1000, 0.5, 0.07)
        self.acc_ka = rng.random(n) < p_ka
        self.acc_industry = rng.integers(0, len(N.INDUSTRIES), n)
        self.acc_ownership = rng.choice(5, n, p=[0.18, 0.55, 0.1, 0.12, 0.05])
        city_i = rng.integers(0, 5, n)
        self.acc_province = np.array([REGIONS[self.region_ids[r]][1][c][0] for r, c in zip(reg, city_i)], dtype=object)
        self.acc_city = np.array([REGIONS[self.region_ids[r]][1][c][1] for r, c in zip(reg, city_i)], dtype=object)
        self.acc_custom = np.array(["", "展会", "官网注册", "老客户推荐", "电话拓展", "合作伙伴"], dtype=object)[rng.integers(0, 6, n)]
        self.acc_custom[self.acc_custom == ""] = None
        self.acc_bool_style = bool_styles(rng, n)
        self.acc_health = rng.normal(0.0, 1.0, n)
        self.acc_health2 = rng.normal(0.0, 1.0, n)
        self.acc_price = rng.uniform(600, 1200, n)          # per seat-year (yuan)
        self.acc_edit_ts = np.where(rng.random(n) < 0.5, self.acc_created + rng.integers(20, 900, n) * DAY + rng.integers(0, 8 * HOUR, n), NEVER)
        self.acc_name = self.make_account_names(rng, n, city_i, reg)
        # duplicates copy their original's firmographics and a variant of its name
        d = np.flatnonzero(self.acc_dup_of >= 0)
        if len(d):
            o = self.acc_dup_of[d]
            for arr in (self.acc_employees, self.acc_ka, self.acc_industry, self.acc_ownership,
                        self.acc_province, self.acc_city):
                arr[d] = arr[o]
            self.acc_name[d] = [name_variant(rng, nm) for nm in self.acc_name[o]]
        # deletions (never on an original of a duplicate, never on a duplicate)
        self.acc_del_ts = np.full(n, NEVER, dtype=np.int64)
        cand = np.ones(n, dtype=bool)
        cand[self.acc_dup_of[d]] = False
        cand[d] = False
        delete = cand & (rng.random(n) < 0.005)
        self.acc_del_ts[delete] = self.acc_created[delete] + rng.integers(20, 800, int(delete.sum())) * DAY + 5 * HOUR
        # order the accounts by creation time and remap every reference
        order = np.argsort(self.acc_created, kind="stable")
        inv = np.empty(n, dtype=np.int64); inv[order] = np.arange(n)
        for name in ("acc_created", "acc_group", "acc_owner0", "acc_source", "acc_line", "acc_employees", "acc_ka",
                     "acc_industry", "acc_ownership", "acc_province", "acc_city", "acc_custom", "acc_bool_style",
                     "acc_health", "acc_health2", "acc_price", "acc_edit_ts", "acc_name", "acc_del_ts", "acc_dup_of"):
            setattr(self, name, getattr(self, name)[order])
        self.acc_dup_of = np.where(self.acc_dup_of >= 0, inv[np.maximum(self.acc_dup_of, 0)], -1)
        self.lead_account = np.where(self.lead_account >= 0, inv[np.maximum(self.lead_account, 0)], -1)
        self._acc_lookup_build()

    def make_account_names(self, rng, n, city_i, reg):
        out = np.empty(n, dtype=object)
        used: set[str] = set()
        inds = list(N.INDUSTRY_SUFFIX.values())
        todo = np.arange(n)
        for _ in range(30):
            if len(todo) == 0:
                break
            k = len(todo)
            b1 = rng.integers(0, len(N.BRAND_CHARS), k); b2 = rng.integers(0, len(N.BRAND_CHARS), k)
            sfx = rng.integers(0, 4, k); form = rng.choice(3, k, p=[0.7, 0.2, 0.1])
            style = rng.random(k); lat = rng.integers(0, len(N.LATIN_BRANDS), k)
            left = []
            for j, i in enumerate(todo):
                ind = inds[self.acc_industry[i]]
                brand = N.BRAND_CHARS[b1[j]] + N.BRAND_CHARS[b2[j]]
                city = self.acc_city[i]
                body = brand + ind[sfx[j] % len(ind)]
                if style[j] < 0.08:
                    name = f"{body}（{city}）{N.COMPANY_FORMS[form[j]]}"
                elif style[j] < 0.12:
                    name = f"{N.LATIN_BRANDS[lat[j]]}{body}{N.COMPANY_FORMS[form[j]]}"
                else:
                    name = f"{city}{body}{N.COMPANY_FORMS[form[j]]}"
                key = str(normalise_name(np.array([name]))[0])
                if key in used:
                    left.append(i)
                    continue
                used.add(key)
                out[i] = name
            todo = np.array(left, dtype=np.int64)
        for i in todo:  # practically never: fall back to a numbered name
            out[i] = f"{self.acc_city[i]}客户{i}有限公司"
        return out

    # ------------------------------------------------------------------ ownership
    def build_ownership(self):
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
            seg_acc.append(acc); seg_owner.append(owner); seg_start.append(start); seg_event.append(event)
            k = len(acc)
            is_owned = owner >= 0
            dur = np.where(is_owned, rng.exponential(420.0, k) + 30, rng.exponential(75.0, k) + 3).astype(np.int64)
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
        sa = np.concatenate(seg_acc); so = np.concatenate(seg_owner)
        ss = np.concatenate(seg_start); se = np.concatenate(seg_event)
        order = np.lexsort((ss, sa))
        self.seg_acc, self.seg_owner, self.seg_start, self.seg_event = sa[order], so[order], ss[order], se[order]
        nxt_same = np.zeros(len(order), dtype=bool)
        nxt_same[:-1] = self.seg_acc[1:] == self.seg_acc[:-1]
        self.seg_end = np.full(len(order), BIGDAY, dtype=np.int64)
        self.seg_end[:-1] = np.where(nxt_same[:-1], self.seg_start[1:] - 1, BIGDAY)
        self.seg_key = self.seg_acc * BIGDAY + self.seg_start

    def owner_at(self, acc, days):
        q = np.asarray(acc, dtype=np.int64) * BIGDAY + np.asarray(days, dtype=np.int64)
        i = np.searchsorted(self.seg_key, q, side="right") - 1
        i = np.maximum(i, 0)
        ok = self.seg_acc[i] == acc
        return np.where(ok, self.seg_owner[i], -1), np.where(ok, i, -1)

    # ------------------------------------------------------------------ contacts
    def build_contacts(self):
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
        acc = np.concatenate([acc0, acc1]); ts = np.concatenate([t0, t1])
        initial = np.concatenate([np.ones(len(acc0), bool), np.zeros(len(acc1), bool)])
        order = np.lexsort((np.arange(len(ts)), ts))
        self.con_account, self.con_created, self.con_initial = acc[order], ts[order], initial[order]
        m = len(order)
        self.n_contacts = m
        sur = rng.integers(0, len(N.SURNAMES), m)
        g1 = rng.integers(0, len(N.GIVEN_CHARS), m)
        g2 = np.where(rng.random(m) < 0.55, rng.integers(0, len(N.GIVEN_CHARS), m), -1)
        self.con_name = np.array([N.SURNAMES[s] + N.GIVEN_CHARS[a] + (N.GIVEN_CHARS[b] if b >= 0 else "")
                                  for s, a, b in zip(sur, g1, g2)], dtype=object)
        self.con_pinyin = np.array(N.SURNAME_PINYIN, dtype=object)[sur]
        self.con_title = rng.integers(0, len(N.TITLES), m)
        self.con_decision = np.isin(np.array(N.TITLES, dtype=object)[self.con_title], list(N.DECISION_TITLES))
        self.con_phone = rng.choice([130, 131, 135, 136, 138, 139, 150, 158, 166, 177, 186, 189], m) * 10**8 + rng.integers(0, 10**8, m)
        self.con_bool_style = bool_styles(rng, m)
        self.con_edit_ts = np.where(rng.random(m) < 0.3, self.con_created + rng.integers(10, 500, m) * DAY + 3 * HOUR, NEVER)
        self.con_del_ts = np.where(rng.random(m) < 0.005, self.con_created + rng.integers(5, 400, m) * DAY + 2 * HOUR, NEVER)
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
        m_first = month_index(s) + 1                 # first month start strictly after the segment start
        m_last = month_index(np.maximum(e, 0))       # month whose first day is <= e
        self.port_m0 = int(month_index(np.array([self.start_day]))[0])
        self.port_nm = int(month_index(np.array([self.horizon_day]))[0]) - self.port_m0 + 1
        m_first = np.maximum(m_first, self.port_m0)
        m_last = np.minimum(m_last, self.port_m0 + self.port_nm - 1)
        cnt = np.maximum(m_last - m_first + 1, 0)
        ra = np.repeat(acc, cnt); ro = np.repeat(own, cnt)
        rm = np.repeat(m_first, cnt) + cumcount(np.repeat(np.arange(len(cnt)), cnt)) - self.port_m0
        key = ro * self.port_nm + rm
        order = np.lexsort((ra, key))
        self.port_acc = ra[order]
        self.port_key = key[order]
        self.port_start, self.port_count = group_starts(self.port_key, self.n_users * self.port_nm)

    def portfolio_pick(self, rng, users, days):
        m = month_index(days) - self.port_m0
        key = np.asarray(users) * self.port_nm + np.clip(m, 0, self.port_nm - 1)
        c = self.port_count[key]
        pos = self.port_start[key] + (rng.random(len(key)) * c).astype(np.int64)
        return np.where(c > 0, self.port_acc[np.minimum(pos, len(self.port_acc) - 1)], -1)

    # ------------------------------------------------------------------ opportunities
    def build_opportunities(self):
        cfg, rng = self.cfg, self.rng("opportunities")
        batches = []
        # rep-sourced new business from the portfolio
        reps = self.rep_ids
        months = np.arange(self.port_nm) + self.port_m0
        ms = month_first_day(months); me = month_first_day(months + 1) - 1
        R, M = np.meshgrid(reps, np.arange(len(months)), indexing="ij")
        R = R.ravel(); M = M.ravel()
        lo = np.maximum(ms[M], np.maximum(self.hire_day[R] + 14, self.start_day))
        hi = np.minimum(me[M], np.minimum(self.term_day[R] - 30, self.horizon_day))
        frac = np.clip((hi - lo + 1) / 30.0, 0, None)
        k = rng.poisson(cfg.opp_rate * frac * self.opp_factor[R])
        k[hi < lo] = 0
        rr = np.repeat(R, k); llo = np.repeat(lo, k); hhi = np.repeat(hi, k)
        d = llo + (rng.random(len(rr)) * (hhi - llo + 1)).astype(np.int64)
        d = np.clip(to_workday(d), llo, hhi)
        acc = self.portfolio_pick(rng, rr, d)
        ok = acc >= 0
        rr, d, acc = rr[ok], d[ok], acc[ok]
        created = workhour(rng, d)
        batches.append(dict(created=created, owner=rr, account=acc, line=self.team_line[self.team_at(rr, d)],
                            otype=np.full(len(rr), OPP_NEW), lead=np.full(len(rr), -1)))
        # lead conversions
        li = np.flatnonzero(self.lead_conv >= 0)
        batches.append(dict(created=self.lead_conv[li], owner=self.lead_owner[li], account=self.lead_account[li],
                            line=self.lead_line[li], otype=np.full(len(li), OPP_NEW), lead=li))
        b = {key: np.concatenate([x[key] for x in batches]) for key in batches[0]}
        self.opps = OppTable()
        self.contracts = ContractTable()
        self.simulate_opp_batch(rng, b)
        # renewals and upsells, generation by generation
        done_c = 0
        for gen in range(10):
            new_c = self.contracts_from_won(rng, done_c)
            if new_c == 0:
                break
            lo_c = self.contracts.count() - new_c
            up = self.upsell_batch(rng, lo_c)
            if up is not None:
                first = self.simulate_opp_batch(rng, up)
                self.contracts_from_won(rng, first, upsell=True)
            ren = self.renewal_batch(rng, lo_c)
            done_c = len(self.opps.created)
            if ren is None:
                break
            self.simulate_opp_batch(rng, ren)
        self.opps.finish()
        self.contracts.finish()
        self.finalise_opportunity_ids(rng)

    def simulate_opp_batch(self, rng, b):
        """Simulate stage paths of a batch of opportunities; returns the first new opp index."""
        n = len(b["created"])
        first = len(self.opps.created)
        if n == 0:
            return first
        created, owner, acc, line, otype = b["created"], b["owner"], b["account"], b["line"], b["otype"]
        start_stage = np.where(otype == OPP_RENEWAL, 3, np.where(otype == OPP_UPSELL, 1, 0))
        win_p = b.get("win_p")
        if win_p is None:
            win_p = np.clip(self.skill[owner] + np.where(line == LINE_CT, 0.06, 0.0) + np.where(b["lead"] >= 0, 0.05, 0.0), 0.05, 0.95)
        won = rng.random(n) < win_p
        geo = rng.geometric(0.42, n) - 1
        lost_stage = np.minimum(start_stage + geo, 4)
        last_open = np.where(won, 4, lost_stage)
        n_open = last_open - start_stage + 1
        n_tr = n_open + 1
        mean_gap = np.where(otype == OPP_RENEWAL, 7.0, np.where(otype == OPP_UPSELL, 9.0,
                            np.where(line == LINE_SW, 13.0, 5.0)))
        # base amount in yuan
        emp = self.acc_employees[acc]
        size_f = (emp / 300.0) ** 0.25
        base = b.get("amount")
        if base is None:
            base = np.where(line == LINE_SW, rng.lognormal(np.log(110000), 0.55, n) * size_f,
                            rng.lognormal(np.log(26000), 0.5, n) * np.sqrt(size_f))
        # transitions
        T = int(n_tr.sum())
        opp_of = np.repeat(np.arange(n), n_tr)
        seq = cumcount(opp_of)
        is_close = seq == np.repeat(n_tr - 1, n_tr)
        stage = np.where(is_close, np.where(np.repeat(won, n_tr), 5, 6), np.repeat(start_stage, n_tr) + seq)
        gap = np.maximum(2, np.round(rng.lognormal(np.log(np.repeat(mean_gap, n_tr)), 0.6))).astype(np.int64)
        gap[seq == 0] = 0
        dayoff = np.cumsum(gap)
        first_of = np.repeat(np.cumsum(n_tr) - n_tr, n_tr)
        dayoff = dayoff - dayoff[first_of]
        day = created[opp_of] // DAY + dayoff
        # closes of won deals cluster at quarter ends
        close_idx = np.flatnonzero(is_close & np.repeat(won, n_tr))
        cd = day[close_idx]
        prev = day[close_idx - 1]
        dd = cd.astype("datetime64[D]")
        q_end = ((dd.astype("datetime64[M]").astype(np.int64) // 3) * 3 + 3).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) - 1
        q_start_prev = ((dd.astype("datetime64[M]").astype(np.int64) // 3) * 3).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) - 1
        u = rng.random(len(cd))
        pull = (cd - q_start_prev <= 25) & (u < 0.6)
        target = q_start_prev - rng.integers(0, 6, len(cd))
        pull &= target >= prev + 2
        push = (~pull) & (q_end - cd <= 40) & (q_end - cd >= 3) & (u < 0.5)
        newd = np.where(pull, target, np.where(push, q_end - rng.integers(0, 5, len(cd)), cd))
        day[close_idx] = newd
        ts = workhour(rng, day)
        ts[seq == 0] = created[opp_of[seq == 0]]
        # owner leaves before the deal closes: it is closed lost the day before they leave
        term = self.term_day[owner]
        close_day = day[np.cumsum(n_tr) - 1]
        leaver = close_day > term - 1
        keep = np.ones(T, dtype=bool)
        loss_reason = np.where(won, -1, rng.integers(0, len(N.LOSS_REASONS), n))
        if leaver.any():
            li = np.flatnonzero(leaver)
            cutoff = term[li] - 1
            tr_l = np.isin(opp_of, li)
            drop = tr_l & (day > np.repeat(np.where(leaver, term - 1, BIGDAY), n_tr)) & (seq > 0)
            keep &= ~drop
            keep[np.flatnonzero(is_close & np.repeat(leaver, n_tr))] = True   # re-add the close
            # recompute for leavers: closing row becomes closed_lost after the last kept open stage
            kept_open = keep & ~is_close
            last_kept = np.zeros(n, dtype=np.int64)
            np.maximum.at(last_kept, opp_of[kept_open], seq[kept_open])
            won[li] = False
            loss_reason[li] = -2
            ci = np.cumsum(n_tr)[li] - 1
            lk_idx = first_of[ci] + last_kept[li]
            cday = np.maximum(cutoff, day[lk_idx] + 2)
            day[ci] = cday
            ts[ci] = workhour(rng, cday)
            stage[ci] = 6
            # drop intermediate rows after the last kept one (closing row is kept)
            keep &= ~(np.isin(opp_of, li) & ~is_close & (seq > np.repeat(last_kept, n_tr)))
        # amounts (cents), missing at early stages sometimes
        f = np.select([stage == 0, stage == 1, stage == 2, stage == 3, stage == 4],
                      [rng.uniform(0.7, 1.5, T), rng.uniform(0.8, 1.3, T), rng.uniform(0.85, 1.2, T),
                       rng.uniform(0.9, 1.1, T), rng.uniform(0.92, 1.02, T)], 1.0)
        amt = (np.round(np.repeat(base, n_tr) * f / 100) * 10000).astype(np.int64)
        amt = np.maximum(amt, 100000)
        miss = np.zeros(T, dtype=bool)
        m0 = rng.random(n) < 0.4
        m1 = m0 & (rng.random(n) < 0.6)
        miss |= (stage == 0) & np.repeat(m0, n_tr)
        miss |= (stage == 1) & np.repeat(m1, n_tr)
        # compact kept rows
        opp_of, seq, stage, ts, amt, miss, is_close = (a[keep] for a in (opp_of, seq, stage, ts, amt, miss, is_close))
        n_tr = np.bincount(opp_of, minlength=n)
        seq = cumcount(opp_of)
        first_of = np.repeat(np.cumsum(n_tr) - n_tr, n_tr)
        # closing rows carry the previous amount (won: the final amount)
        close_rows = np.cumsum(n_tr) - 1
        prev_rows = close_rows - 1
        won_final = stage[close_rows] == 5
        amt[close_rows] = np.where(won_final, amt[prev_rows], amt[prev_rows])
        miss[close_rows] = miss[prev_rows]
        # record lag
        lag = np.where(rng.random(len(ts)) < 0.7, rng.integers(60, 2 * HOUR, len(ts)), rng.integers(2 * HOUR, 24 * HOUR, len(ts)))
        lag[seq == 0] = 0
        rec = ts + lag
        # expected close date and pushes
        cycle = mean_gap * (5 - start_stage)
        e0 = created // DAY + np.maximum(7, np.round(cycle * rng.uniform(0.6, 1.2, n))).astype(np.int64)
        P = rng.integers(14, 46, n)
        push_h = 9 * HOUR + rng.integers(0, 9 * HOUR, n)
        self.opps.add(created=created, owner=owner, account=acc, line=line, otype=otype, lead=b["lead"],
                      won=won_final, loss_reason=np.where(won_final, -1, loss_reason), e0=e0, P=P, push_h=push_h,
                      n_tr=n_tr, close_ts=ts[close_rows], close_rec=rec[close_rows], base=base,
                      parent_contract=b.get("parent", np.full(n, -1)),
                      tr=dict(opp=opp_of + first, stage=stage, ts=ts, rec=rec, amt=amt, miss=miss))
        return first

    def contracts_from_won(self, rng, first_opp, upsell=False):
        """Contracts for won opportunities with index >= first_opp (not yet contracted)."""
        o = self.opps
        created = np.concatenate(o.parts["created"])
        won = np.concatenate(o.parts["won"])
        close_ts = np.concatenate(o.parts["close_ts"]); close_rec = np.concatenate(o.parts["close_rec"])
        otype = np.concatenate(o.parts["otype"]); line = np.concatenate(o.parts["line"])
        acc = np.concatenate(o.parts["account"]); owner = np.concatenate(o.parts["owner"])
        parent = np.concatenate(o.parts["parent_contract"])
        # final won amount = amount of the last transition
        tr_amt = np.concatenate([t["amt"] for t in o.parts["tr"]])
        n_tr = np.concatenate(o.parts["n_tr"])
        last_amt = tr_amt[np.cumsum(n_tr) - 1]
        idx = np.flatnonzero(won & (np.arange(len(won)) >= first_opp) & (close_ts < self.horizon_ts))
        if upsell:
            idx = idx[otype[idx] == OPP_UPSELL]
        else:
            idx = idx[otype[idx] != OPP_UPSELL]
        if len(idx) == 0:
            return 0
        k = len(idx)
        cday = close_ts[idx] // DAY
        sd = rng.choice([0, 1, 2, 3, 4, 5, 7, 10], k, p=[0.45, 0.15, 0.12, 0.08, 0.06, 0.06, 0.05, 0.03])
        signed = cday + sd
        rd = rng.choice([0, 1, 2, 3], k, p=[0.6, 0.25, 0.1, 0.05])
        rec = np.maximum(workhour(rng, signed + rd), close_rec[idx] + 600)
        amount = last_amt[idx]
        ln = line[idx]; ot = otype[idx]
        sub = (ln == LINE_SW) | (rng.random(k) < 0.2)
        start = signed + rng.integers(0, 15, k)
        end = np.where(sub, start + 364, start + rng.integers(30, 121, k))
        one_time = np.where(sub, np.where(ot == OPP_NEW, (amount * rng.uniform(0, 0.1, k) / 100).astype(np.int64) * 100, 0), amount)
        recurring = amount - one_time
        par = parent[idx]
        if ot[0] == OPP_RENEWAL or (ot == OPP_RENEWAL).any():
            r = ot == OPP_RENEWAL
            pend = np.where(par >= 0, self.contracts.get("end", par), start)
            start = np.where(r, np.maximum(pend + 1, signed), start)
            end = np.where(r, start + 364, end)
        if upsell:
            pend = self.contracts.get("end", par)
            start = signed + rng.integers(0, 8, k)
            co = pend > start + 30
            end = np.where(co, pend, start + 364)
            recurring = amount
            one_time = np.zeros(k, dtype=np.int64)
            total = np.where(co, (amount * (end - start + 1) / 365.0 / 100).astype(np.int64) * 100, amount)
            sub = np.ones(k, dtype=bool)
        else:
            total = amount
        term_ts = np.where(sub & (ot != OPP_UPSELL) & (rng.random(k) < 0.01),
                           workhour(rng, start + rng.integers(30, 300, k)), NEVER)
        term_ts = np.where(term_ts < (end * DAY), term_ts, NEVER)
        self.contracts.add(opp=idx, account=acc[idx], owner=owner[idx], line=ln, ctype=ot, signed=signed,
                           start=start, end=end, total=total, recurring=recurring, one_time=one_time,
                           rec=rec, term_ts=term_ts, parent=par if upsell else np.full(k, -1))
        return k

    def upsell_batch(self, rng, lo_c):
        c = self.contracts
        n = c.count()
        idx = np.arange(lo_c, n)
        line = c.get("line", idx); rec = c.get("recurring", idx); ctype = c.get("ctype", idx)
        idx = idx[(line == LINE_SW) & (rec > 0) & (ctype != OPP_UPSELL)]
        idx = idx[rng.random(len(idx)) < 0.25]
        start = c.get("start", idx); end = c.get("end", idx)
        d = start + rng.integers(60, 241, len(idx))
        ok = (d < end - 45) & (d <= self.horizon_day)
        idx, d = idx[ok], d[ok]
        if len(idx) == 0:
            return None
        acc = c.get("account", idx)
        owner, _ = self.owner_at(acc, d)
        owner = self._active_owner(rng, owner, c.get("owner", idx), acc, d)
        ok = owner >= 0
        idx, d, acc, owner = idx[ok], d[ok], acc[ok], owner[ok]
        d = np.clip(to_workday(d), None, self.term_day[owner] - 30)
        ok = d >= np.maximum(self.hire_day[owner], c.get("signed", idx) + 20)
        idx, d, acc, owner = idx[ok], d[ok], acc[ok], owner[ok]
        k = len(idx)
        return dict(created=workhour(rng, d), owner=owner, account=acc, line=np.full(k, LINE_SW),
                    otype=np.full(k, OPP_UPSELL), lead=np.full(k, -1), parent=idx,
                    win_p=np.clip(self.skill[owner] + 0.25, 0.1, 0.9),
                    amount=c.get("recurring", idx) / 100.0 * rng.uniform(0.15, 0.5, k))

    def _active_owner(self, rng, owner, fallback, acc, d):
        ok = (owner >= 0) & (self.hire_day[np.maximum(owner, 0)] <= d) & (self.term_day[np.maximum(owner, 0)] - d > 40)
        ok &= self.is_rep[np.maximum(owner, 0)]
        out = np.where(ok, owner, -1)
        fb_ok = (self.hire_day[fallback] <= d) & (self.term_day[fallback] - d > 40) & self.is_rep[fallback]
        out = np.where((out < 0) & fb_ok, fallback, out)
        miss = np.flatnonzero(out < 0)
        if len(miss):
            out[miss] = self.sampler.sample(rng, self.acc_group[acc[miss]], d[miss], min_remaining=40)
        return out

    def renewal_batch(self, rng, lo_c):
        c = self.contracts
        n = c.count()
        idx = np.arange(lo_c, n)
        idx = idx[(c.get("recurring", idx) > 0) & (c.get("ctype", idx) != OPP_UPSELL) & (c.get("term_ts", idx) >= NEVER)]
        end = c.get("end", idx)
        d = to_workday(end - rng.integers(45, 91, len(idx)))
        d = np.maximum(d, c.get("signed", idx) + 20)
        ok = d <= self.horizon_day
        idx, d, end = idx[ok], d[ok], end[ok]
        if len(idx) == 0:
            return None
        acc = c.get("account", idx)
        owner, _ = self.owner_at(acc, d)
        owner = self._active_owner(rng, owner, c.get("owner", idx), acc, d)
        ok = owner >= 0
        idx, d, acc, owner = idx[ok], d[ok], acc[ok], owner[ok]
        d = np.maximum(d, self.hire_day[owner] + 1)
        k = len(idx)
        # upsells of this contract add to the renewal amount
        up_par = c.get("parent", np.arange(n))
        up_rec = c.get("recurring", np.arange(n))
        extra = np.zeros(n, dtype=np.int64)
        has = up_par >= 0
        np.add.at(extra, up_par[has], up_rec[has])
        line = c.get("line", idx)
        h = self.acc_health[acc]
        usage = sigmoid(h + 0.4) * 0.72
        win_p = np.where(line == LINE_SW, np.clip(0.15 + 1.15 * usage, 0.15, 0.96), 0.7)
        amount = (c.get("recurring", idx) * rng.uniform(0.95, 1.15, k) + extra[idx]) / 100.0
        return dict(created=workhour(rng, d), owner=owner, account=acc, line=line, otype=np.full(k, OPP_RENEWAL),
                    lead=np.full(k, -1), parent=idx, win_p=win_p, amount=amount)

    def finalise_opportunity_ids(self, rng):
        """Order opportunities by creation time (ids follow creation) and remap references."""
        o, c = self.opps, self.contracts
        order = np.lexsort((np.arange(len(o.created)), o.created))
        inv = np.empty(len(order), dtype=np.int64); inv[order] = np.arange(len(order))
        o.reorder(order)
        c.opp = inv[c.opp]
        co = np.lexsort((np.arange(len(c.opp)), c.rec))
        cinv = np.empty(len(co), dtype=np.int64); cinv[co] = np.arange(len(co))
        c.reorder(co)
        c.parent = np.where(c.parent >= 0, cinv[np.maximum(c.parent, 0)], -1)
        o.parent_contract = np.where(o.parent_contract >= 0, cinv[np.maximum(o.parent_contract, 0)], -1)
        # lead -> converted opportunity
        self.lead_opp = np.full(self.n_leads, -1, dtype=np.int64)
        has = o.lead >= 0
        self.lead_opp[o.lead[has]] = np.flatnonzero(has)
        # contract of each opportunity (first one)
        self.opp_contract = np.full(len(o.created), -1, dtype=np.int64)
        self.opp_contract[c.opp[::-1]] = np.arange(len(c.opp))[::-1]
        # deletions: lost opportunities, and won ones together with their contracts
        n = len(o.created)
        o.del_ts = np.full(n, NEVER, dtype=np.int64)
        c.del_ts = np.full(len(c.opp), NEVER, dtype=np.int64)
        closed = o.close_rec < self.horizon_ts - 20 * DAY
        lost = np.flatnonzero(closed & ~o.won)
        wonc = np.flatnonzero(closed & o.won & (self.opp_contract >= 0))
        dl = lost[rng.random(len(lost)) < 0.005]
        dw = wonc[rng.random(len(wonc)) < 0.004]
        o.del_ts[dl] = o.close_rec[dl] + rng.integers(1, 60, len(dl)) * DAY
        ci = self.opp_contract[dw]
        t = np.maximum(o.close_rec[dw], c.rec[ci]) + rng.integers(1, 60, len(dw)) * DAY
        o.del_ts[dw] = t
        # every contract of a deleted won opportunity is deleted with it
        cdel = o.del_ts[c.opp]
        c.del_ts = np.where(cdel < NEVER, np.maximum(cdel, c.rec + 60), NEVER)
        o.bool_style = bool_styles(rng, n)
        self.n_opps = n
        self.n_contracts = len(c.opp)

    # ------------------------------------------------------------------ usage, quotas, costs
    def build_usage(self):
        rng = self.rng("usage")
        c = self.contracts
        sel = np.flatnonzero((c.line == LINE_SW) & (c.recurring > 0) & (c.del_ts >= NEVER))
        m_lo = month_index(c.start[sel]); m_hi = month_index(np.minimum(c.end[sel], self.horizon_day))
        cnt = np.maximum(m_hi - m_lo + 1, 0)
        ci = np.repeat(sel, cnt)
        mm = np.repeat(m_lo, cnt) + cumcount(np.repeat(np.arange(len(sel)), cnt))
        d15 = month_first_day(mm) + 14
        ok = (c.start[ci] <= d15) & (d15 <= c.end[ci]) & (d15 * DAY < c.term_ts[ci])
        ci, mm = ci[ok], mm[ok]
        acc = c.account[ci]
        key = acc * 10000 + mm
        uk, inv = np.unique(key, return_inverse=True)
        annual = np.zeros(len(uk)); np.add.at(annual, inv, c.recurring[ci] / 100.0)
        ua = uk // 10000; um = uk % 10000
        pub_day = month_first_day(um + 1) + 1
        seats = np.maximum(5, np.round(annual / self.acc_price[ua])).astype(np.int64)
        k = len(uk)
        a = sigmoid(self.acc_health[ua] + 0.4 + 0.35 * rng.normal(0, 1, k))
        active = np.minimum(seats, np.round(seats * a)).astype(np.int64)
        core = np.round(active * rng.uniform(0.55, 0.9, k)).astype(np.int64)
        report = np.round(active * np.clip(sigmoid(self.acc_health2[ua]) * rng.uniform(0.6, 1.0, k), 0, 1)).astype(np.int64)
        logins = np.round(active * rng.uniform(6, 22, k)).astype(np.int64)
        self.usage = dict(account=ua, month=um, seats=seats, active=active, core=core, report=report,
                          logins=logins, pub_day=pub_day)

    def build_quotas(self):
        rng = self.rng("quotas")
        m0 = int(month_index(np.array([self.start_day]))[0])
        m1 = int(month_index(np.array([self.horizon_day]))[0]) + 1
        months = np.arange(m0, m1 + 1)
        mstart = month_first_day(months); mend = month_first_day(months + 1) - 1
        pub = month_first_day(months - 1) + 24          # the 25th of the previous month
        pub_ts = pub * DAY + 10 * HOUR
        keep = pub <= self.horizon_day
        months, mstart, mend, pub, pub_ts = (a[keep] for a in (months, mstart, mend, pub, pub_ts))
        reps = self.rep_ids
        R, M = np.meshgrid(reps, np.arange(len(months)), indexing="ij")
        R = R.ravel(); M = M.ravel()
        pt = np.maximum(pub_ts[M], self.hire_day[R] * DAY + 9 * HOUR)
        ok = (self.hire_day[R] <= mend[M]) & (pt // DAY <= self.term_day[R]) & (pt // DAY < mend[M])
        ok &= pt < self.horizon_ts
        R, M, pt = R[ok], M[ok], pt[ok]
        team = self.team_at(R, pt // DAY)
        line = self.team_line[team]
        year = mstart[M].astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
        growth = 1.0 + 0.08 * (year - 2024)
        rep_f = rng.uniform(0.85, 1.15, self.n_users)[R]
        prorate = np.clip((mend[M] - np.maximum(self.hire_day[R], mstart[M]) + 1) / (mend[M] - mstart[M] + 1), 0.2, 1)
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
        tt = np.concatenate([t[0] for t in team_rows]); tm = np.concatenate([t[1] for t in team_rows])
        tmet = np.concatenate([t[2] for t in team_rows]); tval = np.concatenate([t[3] for t in team_rows])
        self.quota = dict(
            user=np.concatenate([rows_user, np.full(len(tt), -1)]),
            team=np.concatenate([rows_team, tt]),
            month=np.concatenate([rows_month, mstart[tm]]),
            metric=np.concatenate([rows_metric, tmet]),
            value=np.concatenate([rows_val, tval]),
            pub_ts=np.concatenate([rows_pub, pub_ts[tm]]),
        )

    def renewal_book(self, months, pub):
        """Renewal quota per (rep, quota month) in fen, flattened as rep * len(months) + month."""
        c = self.contracts
        book = np.zeros(self.n_users * len(months), dtype=np.int64)
        sub = (c.recurring > 0) & (c.ctype != OPP_UPSELL) & (c.term_ts >= NEVER)
        due = month_index(c.end[sub] - 67)
        pos = np.searchsorted(months, due)
        ok = pos < len(months)
        ok[ok] &= months[pos[ok]] == due[ok]
        acc, rec, signed, pos = c.account[sub][ok], c.recurring[sub][ok], c.signed[sub][ok], pos[ok]
        known = signed <= pub[pos]
        acc, rec, pos = acc[known], rec[known], pos[known]
        owner, _ = self.owner_at(acc, pub[pos])
        has = owner >= 0
        np.add.at(book, owner[has] * len(months) + pos[has], rec[has])
        return (np.round(book * 0.9 / 10000) * 10000).astype(np.int64)

    def build_costs(self):
        rng = self.rng("costs")
        m0 = int(month_index(np.array([self.start_day]))[0])
        m1 = int(month_index(np.array([self.horizon_day]))[0])
        rows = []
        c = self.contracts
        for m in range(m0, m1 + 1):
            ms = int(month_first_day(np.array([m]))[0]); me = int(month_first_day(np.array([m + 1]))[0]) - 1
            pub = me + 10
            if pub > self.horizon_day:
                continue
            mid = ms + 14
            for line in sorted(set(self.group_line.tolist())):
                mk = int(self.cmp_budget[(self.cmp_line == line) & (self.cmp_start >= ms) & (self.cmp_start <= me)].sum())
                mk += int(rng.uniform(20000, 40000)) * 100
                reps = self.rep_ids[(self.hire_day[self.rep_ids] <= mid) & (self.term_day[self.rep_ids] >= mid)]
                reps = reps[self.team_line[self.team_at(reps, np.full(len(reps), mid))] == line]
                sales = int(len(reps) * rng.uniform(26000, 30000) + (self.team_line == line).sum() * 42000) * 100
                act = (c.line == line) & (c.start <= mid) & (c.end >= mid) & (c.del_ts >= NEVER)
                cust = len(np.unique(c.account[act]))
                cts = int(cust * (800 if line == LINE_SW else 250) + rng.uniform(15000, 25000)) * 100
                for ct, val in enumerate((mk, sales, cts)):
                    rows.append((ms, line, ct, val, pub * DAY + 9 * HOUR))
        a = np.array(rows, dtype=np.int64).reshape(-1, 5)
        self.costs = dict(month=a[:, 0], line=a[:, 1], ctype=a[:, 2], amount=a[:, 3], pub_ts=a[:, 4])


def bool_styles(rng, n):
    """0 = true/false (95 %), 1 = 1/0 (3 %), 2 = 是/否 (2 %)."""
    return rng.choice(3, n, p=[0.95, 0.03, 0.02])


def name_variant(rng, name: str) -> str:
    """A different spelling of the same name under the duplicate normalisation."""
    k = int(rng.integers(0, 5))
    if k == 0:
        i = int(rng.integers(1, len(name)))
        return name[:i] + " " + name[i:]
    if k == 1:
        return name.replace("（", "(").replace("）", ")") if "（" in name else name[:2] + "(" + name[2:4] + ")" + name[4:]
    if k == 2:
        i = int(rng.integers(1, len(name)))
        return name[:i] + "·" + name[i:]
    if k == 3:
        return name + "."
    if any("a" <= ch.lower() <= "z" for ch in name):
        return name.upper() if name != name.upper() else name.lower()
    return name[:2] + "-" + name[2:]


class OppTable:
    """Opportunities and their stage transitions, appended batch by batch."""

    FIELDS = ("created", "owner", "account", "line", "otype", "lead", "won", "loss_reason", "e0", "P",
              "push_h", "n_tr", "close_ts", "close_rec", "base", "parent_contract")

    def __init__(self):
        self.parts = {k: [] for k in self.FIELDS + ("tr",)}

    def add(self, **kw):
        for k in self.FIELDS:
            self.parts[k].append(np.asarray(kw[k]))
        self.parts["tr"].append(kw["tr"])

    @property
    def created(self):
        if hasattr(self, "_created"):
            return self._created
        return np.concatenate(self.parts["created"]) if self.parts["created"] else np.zeros(0, dtype=np.int64)

    def finish(self):
        for k in self.FIELDS:
            setattr(self, k if k != "created" else "_created", np.concatenate(self.parts[k]))
        tr = self.parts["tr"]
        self.tr = {k: np.concatenate([t[k] for t in tr]) for k in tr[0]}
        del self.parts

    def reorder(self, order):
        inv = np.empty(len(order), dtype=np.int64); inv[order] = np.arange(len(order))
        for k in self.FIELDS:
            name = k if k != "created" else "_created"
            setattr(self, name, getattr(self, name)[order])
        t = self.tr
        t["opp"] = inv[t["opp"]]
        o = np.lexsort((t["ts"], t["opp"]))   # stable: transitions of an opp are strictly increasing in ts
        self.tr = {k: v[o] for k, v in t.items()}
        self.tr_first = np.cumsum(self.n_tr) - self.n_tr
        self.tr_seq = np.arange(len(o)) - np.repeat(self.tr_first, self.n_tr)


class ContractTable:
    FIELDS = ("opp", "account", "owner", "line", "ctype", "signed", "start", "end", "total", "recurring",
              "one_time", "rec", "term_ts", "parent")

    def __init__(self):
        self.parts = {k: [] for k in self.FIELDS}

    def add(self, **kw):
        for k in self.FIELDS:
            self.parts[k].append(np.asarray(kw[k]))

    def count(self):
        return int(sum(len(p) for p in self.parts["opp"]))

    def get(self, k, idx):
        return np.concatenate(self.parts[k])[idx]

    def finish(self):
        for k in self.FIELDS:
            setattr(self, k, np.concatenate(self.parts[k]) if self.parts[k] else np.zeros(0, dtype=np.int64))
        del self.parts

    def reorder(self, order):
        for k in self.FIELDS:
            setattr(self, k, getattr(self, k)[order])
