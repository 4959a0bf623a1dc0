"""Scales, defect rates and fixed reference values of the generator."""

from __future__ import annotations

from dataclasses import dataclass, replace

HISTORY_START = "2024-01-01"
DEFAULT_END_DATE = {"demo": "2026-11-25", "small": "2026-11-25", "large": "2026-11-25", "tiny": "2026-11-25"}
HORIZON_DAYS = 60  # the world is simulated this far past end_date
MAX_DELTA_DAYS = 40  # --delta may advance at most this far past end_date

ENTITIES = (
    "users",
    "teams",
    "team_memberships",
    "accounts",
    "account_owner_history",
    "contacts",
    "campaigns",
    "leads",
    "opportunities",
    "opportunity_stage_history",
    "activities",
    "contracts",
    "quotas",
    "product_usage",
    "costs",
)

COLUMNS = {
    "users": [
        "user_id",
        "user_name",
        "email",
        "role",
        "manager_user_id",
        "hire_date",
        "termination_date",
        "is_active",
        "updated_at",
    ],
    "teams": [
        "team_id",
        "team_name",
        "business_line",
        "region_id",
        "region_name",
        "leader_user_id",
        "updated_at",
    ],
    "team_memberships": ["user_id", "team_id", "start_date", "end_date"],
    "accounts": [
        "account_id",
        "account_name",
        "industry",
        "ownership_type",
        "employee_count",
        "is_key_account",
        "province",
        "city",
        "owner_user_id",
        "pool_status",
        "created_at",
        "updated_at",
        "is_deleted",
        "custom_field_1",
    ],
    "account_owner_history": ["account_id", "owner_user_id", "start_date", "end_date"],
    "contacts": [
        "contact_id",
        "account_id",
        "contact_name",
        "title",
        "phone",
        "email",
        "is_decision_maker",
        "created_at",
        "updated_at",
        "is_deleted",
    ],
    "campaigns": [
        "campaign_id",
        "campaign_name",
        "channel",
        "business_line",
        "start_date",
        "end_date",
        "budget_amount",
        "updated_at",
    ],
    "leads": [
        "lead_id",
        "lead_source",
        "campaign_id",
        "account_id",
        "owner_user_id",
        "business_line",
        "status",
        "created_at",
        "mql_at",
        "sql_at",
        "converted_at",
        "converted_opportunity_id",
        "disqualified_reason",
        "updated_at",
        "is_deleted",
    ],
    "opportunities": [
        "opportunity_id",
        "account_id",
        "owner_user_id",
        "lead_id",
        "business_line",
        "opportunity_type",
        "stage",
        "amount",
        "expected_close_date",
        "created_at",
        "closed_at",
        "is_closed",
        "is_won",
        "loss_reason",
        "updated_at",
        "is_deleted",
    ],
    "opportunity_stage_history": [
        "history_id",
        "opportunity_id",
        "from_stage",
        "to_stage",
        "changed_at",
        "recorded_at",
        "changed_by_user_id",
        "amount",
    ],
    "activities": [
        "activity_id",
        "activity_type",
        "owner_user_id",
        "account_id",
        "contact_id",
        "opportunity_id",
        "status",
        "planned_at",
        "occurred_at",
        "logged_at",
        "outcome",
        "not_done_reason",
        "next_step",
        "next_step_date",
        "created_at",
        "updated_at",
        "is_deleted",
    ],
    "contracts": [
        "contract_id",
        "opportunity_id",
        "account_id",
        "owner_user_id",
        "business_line",
        "contract_type",
        "signed_date",
        "start_date",
        "end_date",
        "total_amount",
        "recurring_amount_annual",
        "one_time_amount",
        "status",
        "recorded_at",
        "updated_at",
        "is_deleted",
    ],
    "quotas": ["user_id", "team_id", "period_month", "metric", "target_value"],
    "product_usage": [
        "account_id",
        "usage_month",
        "licensed_seats",
        "active_users",
        "core_feature_users",
        "report_feature_users",
        "logins",
    ],
    "costs": ["cost_month", "business_line", "cost_type", "amount"],
}

# The column whose day decides whether a row belongs to a delta export.
CHANGE_COLUMN = {
    "users": "updated_at",
    "teams": "updated_at",
    "accounts": "updated_at",
    "contacts": "updated_at",
    "campaigns": "updated_at",
    "leads": "updated_at",
    "opportunities": "updated_at",
    "opportunity_stage_history": "recorded_at",
    "activities": "updated_at",
    "contracts": "updated_at",
}
ID_COLUMN = {
    "users": "user_id",
    "teams": "team_id",
    "accounts": "account_id",
    "contacts": "contact_id",
    "campaigns": "campaign_id",
    "leads": "lead_id",
    "opportunities": "opportunity_id",
    "opportunity_stage_history": "history_id",
    "activities": "activity_id",
    "contracts": "contract_id",
}

STAGES = [
    "lead_qualified",
    "needs_analysis",
    "solution",
    "proposal",
    "negotiation",
    "closed_won",
    "closed_lost",
]
STAGE_PROBABILITY = [0.10, 0.20, 0.40, 0.60, 0.80, 1.0, 0.0]

RULES = (
    "activity_logged_late",
    "activity_logged_very_late",
    "stage_change_recorded_late",
    "opportunity_past_close_date",
    "visit_plan_overdue",
    "contract_recorded_late",
    "opportunity_missing_amount",
    "account_missing_firmographics",
    "negative_amount",
    "opportunity_closed_before_created",
    "contract_end_before_start",
    "activity_in_future",
    "won_without_contract",
    "contract_without_won_opportunity",
    "won_flag_stage_mismatch",
    "duplicate_account",
    "duplicate_activity",
    "overlapping_visits",
    "orphan_reference",
    "industry_not_in_reference",
    "region_not_in_reference",
    "business_line_variant",
    "open_opportunity_without_account",
    "won_with_zero_amount",
    "lost_deal_zero_amount",
    "reexported_row",
)

# Injection rates: the probability that an eligible record receives the defect (scaled by
# --defect-multiplier, capped at 0.5). Keys are rule codes, or rule codes with a suffix
# where a rule is injected on several entities or columns.
DEFAULT_DEFECT_RATES: dict[str, float] = {
    "activity_logged_late": 0.004,  # of completed ad-hoc activities
    "activity_logged_very_late": 0.002,  # of completed ad-hoc activities
    "stage_change_recorded_late": 0.006,  # of eligible stage transitions
    "opportunity_past_close_date": 0.08,  # of opportunities open 30 days before end_date that later lose
    "visit_plan_overdue": 0.03,  # of planned visits due in the 45 days before end_date
    "contract_recorded_late": 0.015,  # of contracts
    "opportunity_missing_amount": 0.004,  # of opportunities that reach proposal and do not lose
    "account_missing_firmographics": 0.008,  # of accounts
    "negative_amount.opportunities": 0.0015,  # of opportunities with an amount
    "negative_amount.contracts": 0.002,  # of contracts
    "opportunity_closed_before_created": 0.0015,  # of lost opportunities
    "contract_end_before_start": 0.002,  # of contracts
    "activity_in_future": 0.01,  # of completed ad-hoc non-visit activities logged in the last 30 days
    "won_without_contract": 0.01,  # of won opportunities with a one-time content contract
    "contract_without_won_opportunity": 0.003,  # extra contracts, relative to the contract count
    "won_flag_stage_mismatch": 0.002,  # of lost opportunities
    "duplicate_account": 0.004,  # extra accounts, relative to the account count
    "duplicate_activity": 0.0008,  # extra activities, relative to completed activities
    "overlapping_visits": 0.002,  # extra visits, relative to completed visits
    "orphan_reference": 0.0005,  # of rows, per foreign-key column
    "reexported_row": 0.002,  # of the rows of the previous export, per delta file
    "industry_not_in_reference": 0.01,  # of complete accounts: English, traditional, spaced, short forms
    "region_not_in_reference.province": 0.008,  # of complete accounts: 广东省 / Guangdong
    "region_not_in_reference.city": 0.006,  # of complete accounts: 广州市
    "business_line_variant": 0.002,  # of opportunities: Software / CONTENT
    "open_opportunity_without_account": 0.2,  # of opportunities open beyond the horizon
    "won_with_zero_amount": 0.002,  # of won opportunities with an amount
    "lost_deal_zero_amount": 0.004,  # of lost opportunities that reached proposal
}

REGIONS = {
    "R01": (
        "华北",
        [("北京", "北京"), ("天津", "天津"), ("河北", "石家庄"), ("山东", "济南"), ("山东", "青岛")],
    ),
    "R02": (
        "华东",
        [("上海", "上海"), ("江苏", "南京"), ("江苏", "苏州"), ("浙江", "杭州"), ("浙江", "宁波")],
    ),
    "R03": (
        "华南",
        [("广东", "广州"), ("广东", "深圳"), ("广东", "东莞"), ("福建", "厦门"), ("福建", "福州")],
    ),
    "R04": (
        "西南",
        [("四川", "成都"), ("重庆", "重庆"), ("云南", "昆明"), ("贵州", "贵阳"), ("四川", "绵阳")],
    ),
}
BUSINESS_LINES = ("software", "content")


@dataclass(frozen=True)
class ScaleConfig:
    """The sizes and rates of one generator scale (teams, reps, accounts, leads, opportunities, …)."""

    name: str
    teams: tuple[tuple[str, str, int], ...]  # (region_id, business_line, number of teams)
    reps_per_team: int
    accounts_per_rep: int  # accounts that exist before the history starts, per rep
    opp_rate: float  # rep-sourced opportunities per rep-month (most new business comes from leads)
    lead_rate: float  # non-campaign leads per (region, line)-month
    campaigns_per_line_month: float
    leads_per_campaign: float
    other_activity_rate: float  # non-visit activities per rep-month not tied to an opportunity
    opp_activity_per_week: float  # activities per open opportunity-week
    new_accounts_rate: float  # accounts a rep develops per month
    pool_accounts_rate: float  # accounts marketing adds to the public pool per (region, line)-month
    chunk_reps: int  # reps per activity chunk (streaming)
    n_ops: int = 2

    def with_(self, **kw) -> ScaleConfig:
        """A copy of the scale with the given fields replaced."""
        return replace(self, **kw)


ALL_TEAMS = tuple((r, bl, 1) for r in REGIONS for bl in BUSINESS_LINES)

SCALES: dict[str, ScaleConfig] = {
    "demo": ScaleConfig(
        name="demo",
        teams=(("R01", "software", 1), ("R02", "software", 2), ("R02", "content", 1), ("R03", "content", 1)),
        reps_per_team=6,
        accounts_per_rep=30,
        opp_rate=2.0,
        lead_rate=80.0,
        campaigns_per_line_month=1.0,
        leads_per_campaign=80.0,
        other_activity_rate=24.0,
        opp_activity_per_week=0.9,
        new_accounts_rate=2.0,
        pool_accounts_rate=3.0,
        chunk_reps=64,
    ),
    "small": ScaleConfig(
        name="small",
        teams=tuple((r, bl, 2) for r in REGIONS for bl in BUSINESS_LINES),
        reps_per_team=6,
        accounts_per_rep=40,
        opp_rate=2.5,
        lead_rate=64.0,
        campaigns_per_line_month=2.0,
        leads_per_campaign=320.0,
        other_activity_rate=40.0,
        opp_activity_per_week=1.0,
        new_accounts_rate=2.5,
        pool_accounts_rate=6.0,
        chunk_reps=64,
    ),
    # The round-trip tests of the source mappings (tests/python/adapt/test_adapt_roundtrip.py):
    # two teams of three reps, so a warehouse builds in seconds.
    "tiny": ScaleConfig(
        name="tiny",
        teams=(("R01", "software", 1), ("R02", "content", 1)),
        reps_per_team=3,
        accounts_per_rep=8,
        opp_rate=1.0,
        lead_rate=8.0,
        campaigns_per_line_month=0.5,
        leads_per_campaign=12.0,
        other_activity_rate=6.0,
        opp_activity_per_week=0.5,
        new_accounts_rate=0.5,
        pool_accounts_rate=0.5,
        chunk_reps=64,
    ),
    "large": ScaleConfig(
        name="large",
        teams=tuple((r, bl, 8) for r in REGIONS for bl in BUSINESS_LINES),
        reps_per_team=8,
        accounts_per_rep=160,
        opp_rate=18.0,
        lead_rate=480.0,
        campaigns_per_line_month=6.0,
        leads_per_campaign=960.0,
        other_activity_rate=300.0,
        opp_activity_per_week=0.95,
        new_accounts_rate=6.0,
        pool_accounts_rate=40.0,
        chunk_reps=24,
    ),
}
