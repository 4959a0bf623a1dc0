"""Render the export of one entity as of a cut-off time T (the end of a day).

Each renderer returns (columns, change_day, ids): columns is a dict of object arrays in the
contract's column order (None = empty), change_day the day number of the row's last change
(the day its updated_at / recorded_at falls on, or the day a row without such a column was
created or changed), ids the primary id column (None for entities keyed by several columns).
"""

from __future__ import annotations

from .render_org import (
    account_owner_history,
    accounts,
    campaigns,
    contacts,
    leads,
    team_memberships,
    teams,
    users,
)
from .render_sales import (
    activities,
    contracts,
    costs,
    opportunities,
    opportunity_stage_history,
    product_usage,
    quotas,
)

__all__ = ["PART_SIZE", "RENDERERS", "activities"]

PART_SIZE = {
    "opportunities": lambda w: len(w.opps.created),
    "opportunity_stage_history": lambda w: len(w.opps.tr["opp"]),
    "product_usage": lambda w: len(w.usage["account"]),
}


RENDERERS = {
    "users": users,
    "teams": teams,
    "team_memberships": team_memberships,
    "accounts": accounts,
    "account_owner_history": account_owner_history,
    "contacts": contacts,
    "campaigns": campaigns,
    "leads": leads,
    "opportunities": opportunities,
    "opportunity_stage_history": opportunity_stage_history,
    "contracts": contracts,
    "quotas": quotas,
    "product_usage": product_usage,
    "costs": costs,
}
