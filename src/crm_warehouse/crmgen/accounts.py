"""Accounts: the base book, accounts from converted leads, duplicates, names."""

from __future__ import annotations

import numpy as np

from . import names as N
from .common import bool_styles, name_variant, normalise_name, workhour
from .config import REGIONS
from .util import (
    DAY,
    HOUR,
    NEVER,
    day_number,
    group_starts,
    month_first_day,
    month_index,
    to_workday,
)


class AccountsMixin:
    """The accounts of the world, from the base book and converted leads."""

    # ------------------------------------------------------------------ accounts (before leads)
    def build_base_accounts(self):
        """Simulate the base book of accounts that exist before any lead converts."""
        cfg, rng = self.cfg, self.rng("accounts")
        acc_created, acc_group, acc_owner0 = [], [], []
        # legacy accounts, created before the history starts
        n_legacy = cfg.accounts_per_rep * int((self.is_rep & (self.hire_day < self.start_day)).sum())
        g = self.team_group[rng.integers(0, len(self.team_group), n_legacy)]
        cday = to_workday(rng.integers(day_number("2019-01-01"), self.start_day - 1, n_legacy))
        owner = self.sampler.sample(rng, g, cday)
        owner[rng.random(n_legacy) < 0.2] = -1
        acc_created.append(workhour(rng, cday))
        acc_group.append(g)
        acc_owner0.append(owner)
        # accounts reps develop during the history
        reps = self.rep_ids
        months = np.arange(
            month_index(np.array([self.start_day]))[0], month_index(np.array([self.horizon_day]))[0] + 1
        )
        ms = month_first_day(months)
        me = month_first_day(months + 1) - 1
        R, M = np.meshgrid(reps, np.arange(len(months)), indexing="ij")
        R = R.ravel()
        M = M.ravel()
        lo = np.maximum(ms[M], np.maximum(self.hire_day[R], self.start_day))
        hi = np.minimum(me[M], np.minimum(self.term_day[R] - 10, self.horizon_day))
        frac = np.clip((hi - lo + 1) / 30.0, 0, None)
        k = rng.poisson(cfg.new_accounts_rate * frac * self.opp_factor[R])
        k[hi < lo] = 0
        rr = np.repeat(R, k)
        llo = np.repeat(lo, k)
        hhi = np.repeat(hi, k)
        d = llo + (rng.random(len(rr)) * (hhi - llo + 1)).astype(np.int64)
        d = np.clip(to_workday(d), llo, hhi)
        acc_created.append(workhour(rng, d))
        acc_group.append(self.group_at(rr, d))
        acc_owner0.append(rr)
        # accounts marketing adds to the public pool
        G, M2 = np.meshgrid(np.arange(self.n_groups), np.arange(len(months)), indexing="ij")
        G = G.ravel()
        M2 = M2.ravel()
        k = rng.poisson(cfg.pool_accounts_rate, len(G))
        gg = np.repeat(G, k)
        mm = np.repeat(M2, k)
        d = ms[mm] + (rng.random(len(gg)) * (me[mm] - ms[mm] + 1)).astype(np.int64)
        d = to_workday(np.minimum(d, self.horizon_day))
        acc_created.append(workhour(rng, d))
        acc_group.append(gg)
        acc_owner0.append(np.full(len(gg), -1))
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
        groups = np.asarray(groups)
        ts = np.asarray(ts)
        out = np.full(len(groups), -1, dtype=np.int64)
        for g in range(self.n_groups):
            sel = np.flatnonzero(groups == g)
            if len(sel) == 0:
                continue
            s, c = self._lk_gstart[g], self._lk_gcount[g]
            n_before = np.searchsorted(self._lk_time[s : s + c], ts[sel] - DAY, side="right")
            has = n_before > 0
            pos = (rng.random(len(sel)) * n_before).astype(np.int64)
            out[sel[has]] = self._lk_order[s + pos[has]]
        return out

    def build_lead_accounts(self):
        """Add the accounts created from converted leads."""
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
        """Add duplicate accounts (the same customer entered twice) at the given rate."""
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
        """Add the duplicate accounts, then draw every account's attributes: size, key account, industry,
        ownership, city, names."""
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
        self.acc_province = np.array(
            [REGIONS[self.region_ids[r]][1][c][0] for r, c in zip(reg, city_i, strict=False)], dtype=object
        )
        self.acc_city = np.array(
            [REGIONS[self.region_ids[r]][1][c][1] for r, c in zip(reg, city_i, strict=False)], dtype=object
        )
        self.acc_custom = np.array(
            ["", "展会", "官网注册", "老客户推荐", "电话拓展", "合作伙伴"], dtype=object
        )[rng.integers(0, 6, n)]
        self.acc_custom[self.acc_custom == ""] = None
        self.acc_bool_style = bool_styles(rng, n)
        self.acc_health = rng.normal(0.0, 1.0, n)
        self.acc_health2 = rng.normal(0.0, 1.0, n)
        self.acc_price = rng.uniform(600, 1200, n)  # per seat-year (yuan)
        self.acc_edit_ts = np.where(
            rng.random(n) < 0.5,
            self.acc_created + rng.integers(20, 900, n) * DAY + rng.integers(0, 8 * HOUR, n),
            NEVER,
        )
        self.acc_name = self.make_account_names(rng, n, city_i, reg)
        # duplicates copy their original's firmographics and a variant of its name
        d = np.flatnonzero(self.acc_dup_of >= 0)
        if len(d):
            o = self.acc_dup_of[d]
            for arr in (
                self.acc_employees,
                self.acc_ka,
                self.acc_industry,
                self.acc_ownership,
                self.acc_province,
                self.acc_city,
            ):
                arr[d] = arr[o]
            self.acc_name[d] = [name_variant(rng, nm) for nm in self.acc_name[o]]
        # deletions (never on an original of a duplicate, never on a duplicate)
        self.acc_del_ts = np.full(n, NEVER, dtype=np.int64)
        cand = np.ones(n, dtype=bool)
        cand[self.acc_dup_of[d]] = False
        cand[d] = False
        delete = cand & (rng.random(n) < 0.005)
        self.acc_del_ts[delete] = (
            self.acc_created[delete] + rng.integers(20, 800, int(delete.sum())) * DAY + 5 * HOUR
        )
        # order the accounts by creation time and remap every reference
        order = np.argsort(self.acc_created, kind="stable")
        inv = np.empty(n, dtype=np.int64)
        inv[order] = np.arange(n)
        for name in (
            "acc_created",
            "acc_group",
            "acc_owner0",
            "acc_source",
            "acc_line",
            "acc_employees",
            "acc_ka",
            "acc_industry",
            "acc_ownership",
            "acc_province",
            "acc_city",
            "acc_custom",
            "acc_bool_style",
            "acc_health",
            "acc_health2",
            "acc_price",
            "acc_edit_ts",
            "acc_name",
            "acc_del_ts",
            "acc_dup_of",
        ):
            setattr(self, name, getattr(self, name)[order])
        self.acc_dup_of = np.where(self.acc_dup_of >= 0, inv[np.maximum(self.acc_dup_of, 0)], -1)
        self.lead_account = np.where(self.lead_account >= 0, inv[np.maximum(self.lead_account, 0)], -1)
        self._acc_lookup_build()

    def make_account_names(self, rng, n, city_i, reg):
        """Company names for ``n`` accounts in the given cities and regions."""
        out = np.empty(n, dtype=object)
        used: set[str] = set()
        inds = list(N.INDUSTRY_SUFFIX.values())
        todo = np.arange(n)
        for _ in range(30):
            if len(todo) == 0:
                break
            k = len(todo)
            b1 = rng.integers(0, len(N.BRAND_CHARS), k)
            b2 = rng.integers(0, len(N.BRAND_CHARS), k)
            sfx = rng.integers(0, 4, k)
            form = rng.choice(3, k, p=[0.7, 0.2, 0.1])
            style = rng.random(k)
            lat = rng.integers(0, len(N.LATIN_BRANDS), k)
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
