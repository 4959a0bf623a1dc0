"""The organisation: regions, teams, people, roles, transfers and terminations."""

from __future__ import annotations

import numpy as np

from . import names as N
from .common import (
    BIGDAY,
    ROLE_ADMIN,
    ROLE_DIRECTOR,
    ROLE_LEAD,
    ROLE_OPS,
    ROLE_REP,
    RepSampler,
    bool_styles,
    workhour,
)
from .config import BUSINESS_LINES, REGIONS
from .util import (
    NEVER,
    day_number,
    to_workday,
)


class OrganisationMixin:
    """World.build_org and the team or group of a person on a day."""

    # ------------------------------------------------------------------ org
    def build_org(self):
        """Simulate the organisation: regions, teams, people and roles, transfers and terminations."""
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
                    team_name.append(
                        f"{REGIONS[rid][0]}{'软件' if bl == 'software' else '内容'}{N.CN_NUM[i]}组"
                    )
        self.team_region = np.array(team_region)
        self.team_line = np.array(team_line)
        self.team_name = np.array(team_name, dtype=object)
        n_teams = len(team_name)
        # groups = distinct (region, line) pairs that have teams
        gkeys = sorted(set(zip(team_region, team_line, strict=False)))
        self.group_region = np.array([g[0] for g in gkeys])
        self.group_line = np.array([g[1] for g in gkeys])
        self.team_group = np.array(
            [gkeys.index((r, ln)) for r, ln in zip(team_region, team_line, strict=False)]
        )
        self.n_groups = len(gkeys)
        self.group_first_team = np.array(
            [int(np.flatnonzero(self.team_group == g)[0]) for g in range(self.n_groups)]
        )

        # fixed staff: admin, ops, directors, team leads
        role, hire, team0 = [], [], []
        role.append(ROLE_ADMIN)
        hire.append(day_number("2017-06-01"))
        team0.append(-1)
        for _ in range(cfg.n_ops):
            role.append(ROLE_OPS)
            hire.append(day_number("2018-03-01") + int(rng.integers(0, 700)))
            team0.append(-1)
        self.director_of_region = {}
        for ri in range(len(regions)):
            self.director_of_region[ri] = len(role)
            role.append(ROLE_DIRECTOR)
            hire.append(day_number("2017-09-01") + int(rng.integers(0, 400)))
            team0.append(-1)
        self.team_leader = np.zeros(n_teams, dtype=np.int64)
        for t in range(n_teams):
            self.team_leader[t] = len(role)
            role.append(ROLE_LEAD)
            hire.append(day_number("2018-01-01") + int(rng.integers(0, 1500)))
            team0.append(t)
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
                    same_line = np.flatnonzero(
                        (self.team_line == self.team_line[cur_team[i]]) & (np.arange(n_teams) != cur_team[i])
                    )
                    if len(same_line) == 0:
                        continue
                    same_reg = same_line[self.team_region[same_line] == self.team_region[cur_team[i]]]
                    pool = same_reg if (len(same_reg) and rng.random() < 0.6) else same_line
                    team1[i] = pool[int(rng.integers(0, len(pool)))]
                    tday[i] = to_workday(np.array([cand_day[i]]))[0]
            all_term.append(term)
            all_tday.append(tday)
            all_team1.append(team1)
            left = term < BIGDAY
            new_hire = to_workday(term[left] + rng.integers(10, 60, int(left.sum())))
            keep = new_hire <= self.horizon_day
            cur_team = team1[left][keep]
            cur_hire = new_hire[keep]
            if gen < 11:
                all_team.append(cur_team)
                all_hire.append(cur_hire)
        rep_team = np.concatenate(all_team[: len(all_term)])
        rep_hire = np.concatenate(all_hire[: len(all_term)])
        rep_term = np.concatenate(all_term)
        rep_tday = np.concatenate(all_tday)
        rep_team1 = np.concatenate(all_team1)
        # initial cohort first (by team), later hires by hire day
        n0 = cfg.reps_per_team * n_teams
        later = n0 + np.lexsort((np.arange(len(rep_hire) - n0), rep_hire[n0:]))
        order = np.concatenate([np.arange(n0), later])
        rep_team, rep_hire, rep_term, rep_tday, rep_team1 = (
            a[order] for a in (rep_team, rep_hire, rep_term, rep_tday, rep_team1)
        )
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
        self.user_name = np.array(
            [
                N.SURNAMES[s] + N.GIVEN_CHARS[a] + (N.GIVEN_CHARS[b] if b >= 0 else "")
                for s, a, b in zip(self.user_surname, g1, g2, strict=False)
            ],
            dtype=object,
        )
        self.user_bool_style = bool_styles(rng, nu)
        self.user_edit_ts = np.where(
            rng.random(nu) < 0.3,
            workhour(rng, np.maximum(self.hire_day, self.start_day) + rng.integers(30, 900, nu)),
            NEVER,
        )
        self.skill = rng.uniform(0.10, 0.45, nu)  # new-business win rate
        self.visit_rate = rng.uniform(8.0, 25.0, nu)  # completed visits per month
        self.opp_factor = rng.lognormal(0.0, 0.25, nu)
        self.follow_up_h = rng.lognormal(np.log(8.0), 0.9, nu)  # lead follow-up speed
        self.sloppiness = rng.lognormal(0.0, 0.8, nu)
        self.sloppiness /= self.sloppiness[self.is_rep].mean() if self.is_rep.any() else 1.0
        self.plan_done = rng.uniform(0.78, 0.94, nu)
        # memberships (reps and team leads)
        mu, mt, ms, me, mev = [], [], [], [], []
        for u in range(nu):
            if self.role[u] == ROLE_LEAD:
                mu.append(u)
                mt.append(self.team0[u])
                ms.append(self.hire_day[u])
                me.append(BIGDAY)
                mev.append(BIGDAY)
            elif self.role[u] == ROLE_REP:
                if self.transfer_day[u] < BIGDAY:
                    mu += [u, u]
                    mt += [self.team0[u], self.team1[u]]
                    ms += [self.hire_day[u], self.transfer_day[u]]
                    me += [self.transfer_day[u] - 1, self.term_day[u]]
                    mev += [self.transfer_day[u], self.term_day[u]]
                else:
                    mu.append(u)
                    mt.append(self.team0[u])
                    ms.append(self.hire_day[u])
                    me.append(self.term_day[u])
                    mev.append(self.term_day[u])
        self.mem_user = np.array(mu)
        self.mem_team = np.array(mt)
        self.mem_start = np.array(ms, dtype=np.int64)
        self.mem_end = np.array(me, dtype=np.int64)
        self.mem_end_event = np.array(mev, dtype=np.int64)
        self.sampler = RepSampler(
            self.mem_user,
            self.mem_team,
            self.mem_start,
            self.mem_end,
            self.team_group,
            self.n_groups,
            self.term_day,
            self.is_rep,
        )

    def team_at(self, users, days):
        """The team of each user on each day."""
        users = np.asarray(users)
        days = np.asarray(days)
        return np.where(days < self.transfer_day[users], self.team0[users], self.team1[users])

    def group_at(self, users, days):
        """The group (region and business line) of each user on each day."""
        return self.team_group[self.team_at(users, days)]
