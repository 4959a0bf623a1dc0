"""Real-world defects of CRM exports: coded values typed as free text, case variants, open deals
without an account, won deals at 0, lost deals with their amount cleared."""

from __future__ import annotations

import numpy as np

from . import names as N
from .defect_tools import (
    INDUSTRY_VARIANTS,
    LINE_VARIANTS,
    MUNICIPALITIES,
    PROVINCE_EN,
    Defects,
    _pick,
    _variant,
)
from .util import NEVER
from .world import World


def _real_world(w: World, rates: dict, d: Defects, used: np.ndarray, aused: np.ndarray) -> None:
    """Defects real CRM exports carry: coded values typed as free text, open deals without an
    account, won deals at 0, lost deals with their quoted amount cleared. A separate random
    stream, so the other defects stay where they were."""
    rng = w.rng("defects", "real_world")
    o = w.opps
    tr = o.tr
    n_o = len(o.created)
    n_a = w.n_accounts
    # accounts: industry, province, city written as free text (static: the value of every export)
    w.acc_industry_text = np.full(n_a, None, dtype=object)
    w.acc_province_text = np.full(n_a, None, dtype=object)
    w.acc_city_text = np.full(n_a, None, dtype=object)
    ok = ~aused & ~w.acc_missing_industry & ~w.acc_missing_employees  # one defect per account
    s = np.flatnonzero(_pick(rng, ok, rates.get("industry_not_in_reference", 0)))
    ok[s] = False
    names = np.array(N.INDUSTRIES, dtype=object)
    w.acc_industry_text[s] = _variant(rng, INDUSTRY_VARIANTS, names[w.acc_industry[s]])
    d.add("industry_not_in_reference", "accounts", s, "industry", w.acc_created[s])
    s = np.flatnonzero(_pick(rng, ok, rates.get("region_not_in_reference.province", 0)))
    ok[s] = False
    prov = w.acc_province[s]
    long_form = np.array([p + ("市" if p in MUNICIPALITIES else "省") for p in prov], dtype=object)
    english = np.array([PROVINCE_EN[p] for p in prov], dtype=object)
    w.acc_province_text[s] = np.where(rng.random(len(s)) < 0.5, long_form, english)
    d.add("region_not_in_reference", "accounts", s, "province", w.acc_created[s])
    s = np.flatnonzero(_pick(rng, ok, rates.get("region_not_in_reference.city", 0)))
    w.acc_city_text[s] = np.array([c + "市" for c in w.acc_city[s]], dtype=object)
    d.add("region_not_in_reference", "accounts", s, "city", w.acc_created[s])

    # opportunities: business line in another case (staging lower-cases it, the export does not)
    live = o.del_ts >= NEVER
    o.line_text = np.full(n_o, None, dtype=object)
    s = np.flatnonzero(_pick(rng, live & ~used, rates.get("business_line_variant", 0)))
    used[s] = True
    lines = np.array(["software", "content"], dtype=object)
    o.line_text[s] = _variant(rng, LINE_VARIANTS, lines[o.line[s]])
    d.add("business_line_variant", "opportunities", s, "business_line", o.created[s])

    # open opportunities (open beyond the horizon) whose account is left empty
    o.no_account = np.zeros(n_o, dtype=bool)
    open_to_end = (o.close_rec > w.horizon_ts) & (o.created < w.horizon_ts)
    cand = live & ~used & open_to_end & (o.orph_acc < 0) & (o.account >= 0)
    s = np.flatnonzero(_pick(rng, cand, rates.get("open_opportunity_without_account", 0)))
    used[s] = True
    o.no_account[s] = True
    d.add(
        "open_opportunity_without_account",
        "opportunities",
        s,
        "account_id empty on an open opportunity",
        o.created[s],
    )

    # won at amount 0; lost after proposal with the amount cleared (from the closing on)
    o.zero_when_closed = np.zeros(n_o, dtype=bool)
    has_amt = np.zeros(n_o, dtype=bool)
    has_amt[tr["opp"][~tr["miss"]]] = True
    closed_in = o.close_rec < w.horizon_ts
    cand = live & ~used & o.won & closed_in & has_amt & ~o.neg
    s = np.flatnonzero(_pick(rng, cand, rates.get("won_with_zero_amount", 0)))
    used[s] = True
    o.zero_when_closed[s] = True
    d.add("won_with_zero_amount", "opportunities", s, "won with amount 0", o.close_rec[s])
    quoted = np.zeros(n_o, dtype=bool)
    quoted[tr["opp"][(tr["stage"] >= 3) & (tr["stage"] <= 4) & ~tr["hidden"]]] = True
    cand = live & ~used & ~o.won & closed_in & has_amt & ~o.neg & quoted
    s = np.flatnonzero(_pick(rng, cand, rates.get("lost_deal_zero_amount", 0)))
    used[s] = True
    o.zero_when_closed[s] = True
    d.add("lost_deal_zero_amount", "opportunities", s, "lost after proposal with amount 0", o.close_rec[s])
