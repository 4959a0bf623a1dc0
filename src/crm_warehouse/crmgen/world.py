"""Simulation of the CRM world: people, accounts, leads, opportunities, contracts, usage.

Everything is simulated once, far enough past end_date (config.HORIZON_DAYS), as arrays of
records plus the times at which each record changed. render.py turns this into the export
of any cut-off. Activities are the exception: they are generated chunk by chunk
(activities.py) so they never all sit in memory.
"""

from __future__ import annotations

import numpy as np

from .accounts import AccountsMixin
from .config import HISTORY_START, HORIZON_DAYS, ScaleConfig
from .contracts import ContractsMixin
from .leads import LeadsMixin
from .opportunities import OpportunitiesMixin
from .organisation import OrganisationMixin
from .ownership import OwnershipMixin
from .quotas import QuotasCostsMixin
from .usage import UsageMixin
from .util import (
    DAY,
    day_number,
    rng_for,
)


class World(
    OrganisationMixin,
    LeadsMixin,
    AccountsMixin,
    OwnershipMixin,
    OpportunitiesMixin,
    ContractsMixin,
    UsageMixin,
    QuotasCostsMixin,
):
    """The whole simulated CRM world of one scale, seed and end date, built on construction.

    Each domain's build_* methods live in their own module (organisation, leads, accounts,
    ownership, opportunities, contracts, usage, quotas); build() runs them in order.
    """

    # Planted by defects.apply after the build (the data-entry defects of the export).
    acc_missing_industry: np.ndarray
    acc_missing_employees: np.ndarray
    acc_industry_text: np.ndarray
    acc_province_text: np.ndarray
    acc_city_text: np.ndarray
    con_orph_acc: np.ndarray
    lead_orph: dict[str, np.ndarray]

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
        """The random stream named by ``keys`` for this seed and scale (independent of other streams)."""
        return rng_for(self.seed, self.cfg.name, *keys)

    # ------------------------------------------------------------------ build
    def build(self):
        """Build every domain in order."""
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
