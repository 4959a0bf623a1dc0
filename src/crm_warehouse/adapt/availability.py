"""Which indicators a landing can compute when its source lacks some entities.

Each component of the indicator catalog (seeds/ref_indicator_catalog.csv: numerator,
denominator, target source) needs the landing entities below; every indicator also needs
users, teams and team_memberships (its rep, team and region grains). An indicator whose
needs include an absent entity is unavailable (no value, never a zero); one whose target
needs it has no target. A test keeps this table complete for the catalog.
"""

from __future__ import annotations

import csv

from crm_warehouse.project import SEEDS

CATALOG = SEEDS / "ref_indicator_catalog.csv"
GRAINS = {"users", "teams", "team_memberships"}
_CONTRACTS = {"contracts"}
_OPPS = {"opportunities"}
_LEADS = {"leads"}
_VISITS = {"activities", "accounts"}
_ACCOUNTS = {"accounts", "account_owner_history"}

COMPONENT_NEEDS: dict[str, set[str]] = {
    **{
        c: _CONTRACTS
        for c in (
            "bookings_amount",
            "bookings_new_business_amount",
            "bookings_renewal_amount",
            "bookings_upsell_amount",
            "arr_amount",
            "arr_new_amount",
            "arr_expansion_amount",
            "arr_contraction_amount",
            "arr_churned_amount",
            "arr_reactivation_amount",
            "customer_count",
            "contracts_renewed_count",
            "contracts_ending_count",
            "nrr_current_arr",
            "arr_12m_ago",
            "grr_current_arr",
            "churned_arr_ttm",
            "one_time_revenue_ttm",
            "new_customer_count_ttm",
        )
    },
    **{
        c: _OPPS
        for c in (
            "new_opportunity_count",
            "won_count",
            "closed_count",
            "won_amount",
            "won_cycle_days_sum",
            "won_cycle_count",
        )
    },
    "pipeline_amount": _OPPS | {"opportunity_stage_history"},
    "weighted_forecast_amount": _OPPS | {"opportunity_stage_history"},
    "rep_headcount": set(),
    "acquisition_cost_ttm": {"costs"},
    "cost_to_serve_ttm": {"costs"},
    **{
        c: {"product_usage"}
        for c in ("core_feature_users", "licensed_seats", "report_feature_users", "active_users")
    },
    **{
        c: _ACCOUNTS
        for c in (
            "customer_pool_size",
            "ka_pool_size",
            "large_account_count",
            "super_large_account_count",
            "new_accounts_developed",
        )
    },
    **{
        c: _LEADS
        for c in (
            "mql_count",
            "mql_reached_sql_count",
            "sql_count",
            "mql_to_sql_hours_sum",
            "mql_to_sql_lead_count",
        )
    },
    "sql_contracted_count": _LEADS | _OPPS | _CONTRACTS,
    **{
        c: _VISITS
        for c in (
            "ka_visit_count",
            "large_account_visit_count",
            "visit_count",
            "visit_gap",
            "upcoming_planned_visits",
            "visits_to_plan",
            "reps_below_visit_threshold",
            "visit_bonus_cut_share",
            "planned_visits_completed",
            "planned_visits_due",
            "first_visit_positive_count",
            "first_visit_count",
        )
    },
}
# Derived indicators (computed from other indicators in int_indicator_actuals).
DERIVED_NEEDS: dict[str, set[str]] = {
    "customer_lifetime_value": _CONTRACTS | {"costs"},
    "revenue_efficiency": _CONTRACTS | {"costs"},
}


def target_needs(target_source: str) -> set[str]:
    """The landing entities an indicator's target source needs (quotas for a quota target)."""
    return {"quotas"} if target_source.startswith("quota:") else set()


def catalog() -> list[dict]:
    """The indicator catalog's rows."""
    with CATALOG.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def indicator_needs(row: dict) -> set[str]:
    """The landing entities an indicator needs: its grains plus what its components (or, for a
    derived indicator, its inputs) read."""
    if row["formula_kind"] == "derived":
        return GRAINS | DERIVED_NEEDS[row["indicator_code"]]
    needs = set(GRAINS)
    for key in ("numerator_component", "denominator_component"):
        if row[key]:
            code = row[key]
            needs |= {"quotas"} if code.startswith("quota_") else COMPONENT_NEEDS[code]
    return needs


def unavailable_indicators(absent: set[str]) -> dict[str, list[dict]]:
    """{'values': [...], 'targets': [...]}: indicators (code, names, missing entities) with no
    value, and those whose target cannot be set, when `absent` entities are missing."""
    values, targets = [], []
    for row in catalog():
        missing = sorted(indicator_needs(row) & absent)
        item = {
            "indicator_code": row["indicator_code"],
            "name_zh": row["indicator_name_zh"],
            "name_en": row["indicator_name_en"],
        }
        if missing:
            values.append({**item, "missing_entities": missing})
            continue
        missing_target = sorted(target_needs(row["target_source"]) & absent)
        if missing_target:
            targets.append({**item, "missing_entities": missing_target})
    return {"values": values, "targets": targets}
