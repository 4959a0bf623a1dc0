"""Opportunities: creation, the stage simulation, and their final ids."""

from __future__ import annotations

import numpy as np

from . import names as N
from .common import BIGDAY, LINE_CT, LINE_SW, OPP_NEW, OPP_RENEWAL, OPP_UPSELL, bool_styles, workhour
from .tables import ContractTable, OppTable
from .util import (
    DAY,
    HOUR,
    NEVER,
    cumcount,
    month_first_day,
    to_workday,
)


class OpportunitiesMixin:
    """New, renewal and upsell opportunities and their stage histories."""

    # ------------------------------------------------------------------ opportunities
    def build_opportunities(self):
        """Simulate new-business opportunities, then renewals and upsells generation by generation."""
        cfg, rng = self.cfg, self.rng("opportunities")
        batches = []
        # rep-sourced new business from the portfolio
        reps = self.rep_ids
        months = np.arange(self.port_nm) + self.port_m0
        ms = month_first_day(months)
        me = month_first_day(months + 1) - 1
        R, M = np.meshgrid(reps, np.arange(len(months)), indexing="ij")
        R = R.ravel()
        M = M.ravel()
        lo = np.maximum(ms[M], np.maximum(self.hire_day[R] + 14, self.start_day))
        hi = np.minimum(me[M], np.minimum(self.term_day[R] - 30, self.horizon_day))
        frac = np.clip((hi - lo + 1) / 30.0, 0, None)
        k = rng.poisson(cfg.opp_rate * frac * self.opp_factor[R])
        k[hi < lo] = 0
        rr = np.repeat(R, k)
        llo = np.repeat(lo, k)
        hhi = np.repeat(hi, k)
        d = llo + (rng.random(len(rr)) * (hhi - llo + 1)).astype(np.int64)
        d = np.clip(to_workday(d), llo, hhi)
        acc = self.portfolio_pick(rng, rr, d)
        ok = acc >= 0
        rr, d, acc = rr[ok], d[ok], acc[ok]
        created = workhour(rng, d)
        batches.append(
            dict(
                created=created,
                owner=rr,
                account=acc,
                line=self.team_line[self.team_at(rr, d)],
                otype=np.full(len(rr), OPP_NEW),
                lead=np.full(len(rr), -1),
            )
        )
        # lead conversions
        li = np.flatnonzero(self.lead_conv >= 0)
        batches.append(
            dict(
                created=self.lead_conv[li],
                owner=self.lead_owner[li],
                account=self.lead_account[li],
                line=self.lead_line[li],
                otype=np.full(len(li), OPP_NEW),
                lead=li,
            )
        )
        b = {key: np.concatenate([x[key] for x in batches]) for key in batches[0]}
        self.opps = OppTable()
        self.contracts = ContractTable()
        self.simulate_opp_batch(rng, b)
        # renewals and upsells, generation by generation
        done_c = 0
        for _gen in range(10):
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
            win_p = np.clip(
                self.skill[owner]
                + np.where(line == LINE_CT, 0.06, 0.0)
                + np.where(b["lead"] >= 0, 0.05, 0.0),
                0.05,
                0.95,
            )
        won = rng.random(n) < win_p
        geo = rng.geometric(0.42, n) - 1
        lost_stage = np.minimum(start_stage + geo, 4)
        last_open = np.where(won, 4, lost_stage)
        n_open = last_open - start_stage + 1
        n_tr = n_open + 1
        mean_gap = np.where(
            otype == OPP_RENEWAL,
            7.0,
            np.where(otype == OPP_UPSELL, 9.0, np.where(line == LINE_SW, 13.0, 5.0)),
        )
        # base amount in yuan
        emp = self.acc_employees[acc]
        size_f = (emp / 300.0) ** 0.25
        base = b.get("amount")
        if base is None:
            base = np.where(
                line == LINE_SW,
                rng.lognormal(np.log(110000), 0.55, n) * size_f,
                rng.lognormal(np.log(26000), 0.5, n) * np.sqrt(size_f),
            )
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
        q_end = ((dd.astype("datetime64[M]").astype(np.int64) // 3) * 3 + 3).astype("datetime64[M]").astype(
            "datetime64[D]"
        ).astype(np.int64) - 1
        q_start_prev = ((dd.astype("datetime64[M]").astype(np.int64) // 3) * 3).astype(
            "datetime64[M]"
        ).astype("datetime64[D]").astype(np.int64) - 1
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
            keep[np.flatnonzero(is_close & np.repeat(leaver, n_tr))] = True  # re-add the close
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
        f = np.select(
            [stage == 0, stage == 1, stage == 2, stage == 3, stage == 4],
            [
                rng.uniform(0.7, 1.5, T),
                rng.uniform(0.8, 1.3, T),
                rng.uniform(0.85, 1.2, T),
                rng.uniform(0.9, 1.1, T),
                rng.uniform(0.92, 1.02, T),
            ],
            1.0,
        )
        amt = (np.round(np.repeat(base, n_tr) * f / 100) * 10000).astype(np.int64)
        amt = np.maximum(amt, 100000)
        miss = np.zeros(T, dtype=bool)
        m0 = rng.random(n) < 0.4
        m1 = m0 & (rng.random(n) < 0.6)
        miss |= (stage == 0) & np.repeat(m0, n_tr)
        miss |= (stage == 1) & np.repeat(m1, n_tr)
        # compact kept rows
        opp_of, seq, stage, ts, amt, miss, is_close = (
            a[keep] for a in (opp_of, seq, stage, ts, amt, miss, is_close)
        )
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
        lag = np.where(
            rng.random(len(ts)) < 0.7,
            rng.integers(60, 2 * HOUR, len(ts)),
            rng.integers(2 * HOUR, 24 * HOUR, len(ts)),
        )
        lag[seq == 0] = 0
        rec = ts + lag
        # expected close date and pushes
        cycle = mean_gap * (5 - start_stage)
        e0 = created // DAY + np.maximum(7, np.round(cycle * rng.uniform(0.6, 1.2, n))).astype(np.int64)
        P = rng.integers(14, 46, n)
        push_h = 9 * HOUR + rng.integers(0, 9 * HOUR, n)
        self.opps.add(
            created=created,
            owner=owner,
            account=acc,
            line=line,
            otype=otype,
            lead=b["lead"],
            won=won_final,
            loss_reason=np.where(won_final, -1, loss_reason),
            e0=e0,
            P=P,
            push_h=push_h,
            n_tr=n_tr,
            close_ts=ts[close_rows],
            close_rec=rec[close_rows],
            base=base,
            parent_contract=b.get("parent", np.full(n, -1)),
            tr=dict(opp=opp_of + first, stage=stage, ts=ts, rec=rec, amt=amt, miss=miss),
        )
        return first

    def finalise_opportunity_ids(self, rng):
        """Order opportunities by creation time (ids follow creation) and remap references."""
        o, c = self.opps, self.contracts
        order = np.lexsort((np.arange(len(o.created)), o.created))
        inv = np.empty(len(order), dtype=np.int64)
        inv[order] = np.arange(len(order))
        o.reorder(order)
        c.opp = inv[c.opp]
        co = np.lexsort((np.arange(len(c.opp)), c.rec))
        cinv = np.empty(len(co), dtype=np.int64)
        cinv[co] = np.arange(len(co))
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
