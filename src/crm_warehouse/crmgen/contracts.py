"""Contracts from won deals, upsells and renewals."""

from __future__ import annotations

import numpy as np

from .common import LINE_SW, OPP_NEW, OPP_RENEWAL, OPP_UPSELL, sigmoid, workhour
from .util import (
    DAY,
    NEVER,
    month_index,
    to_workday,
)


class ContractsMixin:
    """Contracts of won opportunities, and the upsells and renewals they lead to."""

    def contracts_from_won(self, rng, first_opp, upsell=False):
        """Contracts for won opportunities with index >= first_opp (not yet contracted)."""
        o = self.opps
        won = np.concatenate(o.parts["won"])
        close_ts = np.concatenate(o.parts["close_ts"])
        close_rec = np.concatenate(o.parts["close_rec"])
        otype = np.concatenate(o.parts["otype"])
        line = np.concatenate(o.parts["line"])
        acc = np.concatenate(o.parts["account"])
        owner = np.concatenate(o.parts["owner"])
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
        ln = line[idx]
        ot = otype[idx]
        sub = (ln == LINE_SW) | (rng.random(k) < 0.2)
        start = signed + rng.integers(0, 15, k)
        end = np.where(sub, start + 364, start + rng.integers(30, 121, k))
        one_time = np.where(
            sub,
            np.where(ot == OPP_NEW, (amount * rng.uniform(0, 0.1, k) / 100).astype(np.int64) * 100, 0),
            amount,
        )
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
        term_ts = np.where(
            sub & (ot != OPP_UPSELL) & (rng.random(k) < 0.01),
            workhour(rng, start + rng.integers(30, 300, k)),
            NEVER,
        )
        term_ts = np.where(term_ts < (end * DAY), term_ts, NEVER)
        self.contracts.add(
            opp=idx,
            account=acc[idx],
            owner=owner[idx],
            line=ln,
            ctype=ot,
            signed=signed,
            start=start,
            end=end,
            total=total,
            recurring=recurring,
            one_time=one_time,
            rec=rec,
            term_ts=term_ts,
            parent=par if upsell else np.full(k, -1),
        )
        return k

    def upsell_batch(self, rng, lo_c):
        """Upsell opportunities of the contracts from index ``lo_c`` on."""
        c = self.contracts
        n = c.count()
        idx = np.arange(lo_c, n)
        line = c.get("line", idx)
        rec = c.get("recurring", idx)
        ctype = c.get("ctype", idx)
        idx = idx[(line == LINE_SW) & (rec > 0) & (ctype != OPP_UPSELL)]
        idx = idx[rng.random(len(idx)) < 0.25]
        start = c.get("start", idx)
        end = c.get("end", idx)
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
        return dict(
            created=workhour(rng, d),
            owner=owner,
            account=acc,
            line=np.full(k, LINE_SW),
            otype=np.full(k, OPP_UPSELL),
            lead=np.full(k, -1),
            parent=idx,
            win_p=np.clip(self.skill[owner] + 0.25, 0.1, 0.9),
            amount=c.get("recurring", idx) / 100.0 * rng.uniform(0.15, 0.5, k),
        )

    def _active_owner(self, rng, owner, fallback, acc, d):
        ok = (
            (owner >= 0)
            & (self.hire_day[np.maximum(owner, 0)] <= d)
            & (self.term_day[np.maximum(owner, 0)] - d > 40)
        )
        ok &= self.is_rep[np.maximum(owner, 0)]
        out = np.where(ok, owner, -1)
        fb_ok = (self.hire_day[fallback] <= d) & (self.term_day[fallback] - d > 40) & self.is_rep[fallback]
        out = np.where((out < 0) & fb_ok, fallback, out)
        miss = np.flatnonzero(out < 0)
        if len(miss):
            out[miss] = self.sampler.sample(rng, self.acc_group[acc[miss]], d[miss], min_remaining=40)
        return out

    def renewal_batch(self, rng, lo_c):
        """Renewal opportunities of the contracts from index ``lo_c`` on."""
        c = self.contracts
        n = c.count()
        idx = np.arange(lo_c, n)
        idx = idx[
            (c.get("recurring", idx) > 0)
            & (c.get("ctype", idx) != OPP_UPSELL)
            & (c.get("term_ts", idx) >= NEVER)
        ]
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
        return dict(
            created=workhour(rng, d),
            owner=owner,
            account=acc,
            line=line,
            otype=np.full(k, OPP_RENEWAL),
            lead=np.full(k, -1),
            parent=idx,
            win_p=win_p,
            amount=amount,
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
