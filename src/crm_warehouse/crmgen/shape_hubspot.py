"""The HubSpot export shape: objects, properties and value maps."""

from __future__ import annotations

from .shape_columns import col, digits, first, hs_time, rest, vmap

HS_LINE = {"software": "Software pipeline", "content": "Content pipeline"}


HS_BOOL = {"true": "Yes", "false": "No"}


def hs_bool(c):
    """A column spec: a true/false column as HubSpot's Yes/No."""
    return vmap(c, HS_BOOL)


def hs_name(c):
    """A column spec: the name in column ``c`` as it is."""
    return lambda r: r[c]


HUBSPOT = {
    "users": (
        "owners",
        [
            ("Owner ID", digits("user_id")),
            ("Last Name", first("user_name")),
            ("First Name", rest("user_name")),
            ("Email", col("email")),
            (
                "Role",
                vmap(
                    "role",
                    {
                        "rep": "Sales Representative",
                        "team_lead": "Sales Manager",
                        "director": "Sales Director",
                        "ops": "Sales Operations",
                        "admin": "Super Admin",
                    },
                ),
            ),
            ("Manager Owner ID", digits("manager_user_id")),
            ("Hire date", col("hire_date")),
            ("Termination date", col("termination_date")),
            ("Archived", vmap("is_active", {"true": "false", "false": "true"})),
            ("Last Modified Date", hs_time("updated_at")),
        ],
    ),
    "teams": (
        "teams",
        [
            ("Team ID", digits("team_id")),
            ("Team name", col("team_name")),
            ("Pipeline", vmap("business_line", HS_LINE)),
            ("Region ID", col("region_id")),
            ("Region", col("region_name")),
            ("Team lead owner ID", digits("leader_user_id")),
            ("Last Modified Date", hs_time("updated_at")),
        ],
    ),
    "team_memberships": (
        "team_members",
        [
            ("Owner ID", digits("user_id")),
            ("Team ID", digits("team_id")),
            ("Joined team", col("start_date")),
            ("Left team", col("end_date")),
        ],
    ),
    "accounts": (
        "companies",
        [
            ("Record ID", digits("account_id")),
            ("Company name", col("account_name")),
            ("Industry", col("industry")),
            (
                "Ownership type",
                vmap(
                    "ownership_type",
                    {
                        "soe": "SOE",
                        "private": "Private",
                        "foreign": "Foreign",
                        "public_institution": "Public institution",
                        "other": "Other",
                    },
                ),
            ),
            ("Number of Employees", col("employee_count")),
            ("Key account", hs_bool("is_key_account")),
            ("State/Region", col("province")),
            ("City", col("city")),
            ("Company owner", digits("owner_user_id")),
            ("Pool status", vmap("pool_status", {"assigned": "Assigned", "public_pool": "Public pool"})),
            ("Create Date", hs_time("created_at")),
            ("Last Modified Date", hs_time("updated_at")),
            ("Is deleted", hs_bool("is_deleted")),
        ],
    ),
    "contacts": (
        "contacts",
        [
            ("Record ID", digits("contact_id")),
            ("Associated Company ID", digits("account_id")),
            ("Last Name", first("contact_name")),
            ("First Name", rest("contact_name")),
            ("Job Title", col("title")),
            ("Phone Number", col("phone")),
            ("Email", col("email")),
            ("Decision maker", hs_bool("is_decision_maker")),
            ("Create Date", hs_time("created_at")),
            ("Last Modified Date", hs_time("updated_at")),
            ("Is deleted", hs_bool("is_deleted")),
        ],
    ),
    "leads": (
        "leads",
        [
            ("Record ID", digits("lead_id")),
            (
                "Lead source",
                vmap(
                    "lead_source",
                    {
                        "marketing": "Marketing",
                        "inbound_web": "Website",
                        "outbound": "Outbound",
                        "referral": "Referral",
                        "partner": "Partner",
                    },
                ),
            ),
            ("Associated Company ID", digits("account_id")),
            ("Lead owner", digits("owner_user_id")),
            ("Pipeline", vmap("business_line", HS_LINE)),
            (
                "Lead status",
                vmap(
                    "status",
                    {
                        "new": "NEW",
                        "working": "IN_PROGRESS",
                        "mql": "MQL",
                        "sql": "SQL",
                        "converted": "CONNECTED",
                        "disqualified": "UNQUALIFIED",
                    },
                ),
            ),
            ("Create Date", hs_time("created_at")),
            ("Became an MQL date", hs_time("mql_at")),
            ("Became an SQL date", hs_time("sql_at")),
            ("Converted date", hs_time("converted_at")),
            ("Converted deal ID", digits("converted_opportunity_id")),
            ("Disqualification reason", col("disqualified_reason")),
            ("Last Modified Date", hs_time("updated_at")),
            ("Is deleted", hs_bool("is_deleted")),
        ],
    ),
    "opportunities": (
        "deals",
        [
            ("Record ID", digits("opportunity_id")),
            ("Associated Company ID", digits("account_id")),
            ("Deal owner", digits("owner_user_id")),
            ("Associated lead ID", digits("lead_id")),
            ("Pipeline", vmap("business_line", HS_LINE)),
            (
                "Deal Type",
                vmap(
                    "opportunity_type",
                    {"new_business": "newbusiness", "renewal": "renewal", "upsell": "existingbusiness"},
                ),
            ),
            (
                "Deal Stage",
                vmap(
                    "stage",
                    {
                        "lead_qualified": "appointmentscheduled",
                        "needs_analysis": "qualifiedtobuy",
                        "solution": "presentationscheduled",
                        "proposal": "decisionmakerboughtin",
                        "negotiation": "contractsent",
                        "closed_won": "closedwon",
                        "closed_lost": "closedlost",
                    },
                ),
            ),
            ("Amount", col("amount")),
            ("Close Date", col("expected_close_date")),
            ("Create Date", hs_time("created_at")),
            ("Closed At", hs_time("closed_at")),
            ("Is Closed", col("is_closed")),
            ("Is Closed Won", col("is_won")),
            ("Closed Lost Reason", col("loss_reason")),
            ("Last Modified Date", hs_time("updated_at")),
            ("Is deleted", hs_bool("is_deleted")),
        ],
    ),
    "opportunity_stage_history": (
        "deal_stage_history",
        [
            ("Record ID", digits("history_id")),
            ("Deal ID", digits("opportunity_id")),
            ("Previous stage", col("from_stage")),
            ("Stage", col("to_stage")),
            ("Changed at", hs_time("changed_at")),
            ("Recorded at", hs_time("recorded_at")),
            ("Changed by", digits("changed_by_user_id")),
            ("Amount", col("amount")),
        ],
    ),
    "activities": (
        "engagements",
        [
            ("Engagement ID", digits("activity_id")),
            (
                "Activity type",
                vmap(
                    "activity_type",
                    {
                        "visit": "IN_PERSON_VISIT",
                        "call": "CALL",
                        "email": "EMAIL",
                        "meeting": "MEETING",
                        "demo": "DEMO",
                        "wechat": "WECHAT",
                    },
                ),
            ),
            ("Activity assigned to", digits("owner_user_id")),
            ("Associated Company ID", digits("account_id")),
            ("Associated Contact ID", digits("contact_id")),
            ("Associated Deal ID", digits("opportunity_id")),
            (
                "Outcome",
                vmap(
                    "status",
                    {
                        "planned": "SCHEDULED",
                        "completed": "COMPLETED",
                        "cancelled": "CANCELED",
                        "missed": "NO_SHOW",
                    },
                ),
            ),
            ("Scheduled time", hs_time("planned_at")),
            ("Activity date", hs_time("occurred_at")),
            ("Logged at", hs_time("logged_at")),
            (
                "Sentiment",
                vmap("outcome", {"positive": "POSITIVE", "neutral": "NEUTRAL", "negative": "NEGATIVE"}),
            ),
            ("Not done reason", col("not_done_reason")),
            ("Next step", col("next_step")),
            ("Next step date", col("next_step_date")),
            ("Create Date", hs_time("created_at")),
            ("Last Modified Date", hs_time("updated_at")),
            ("Is deleted", hs_bool("is_deleted")),
        ],
    ),
    "contracts": (
        "contracts",
        [
            ("Record ID", digits("contract_id")),
            ("Associated Deal ID", digits("opportunity_id")),
            ("Associated Company ID", digits("account_id")),
            ("Contract owner", digits("owner_user_id")),
            ("Pipeline", vmap("business_line", HS_LINE)),
            (
                "Contract type",
                vmap(
                    "contract_type",
                    {"new_business": "newbusiness", "renewal": "renewal", "upsell": "existingbusiness"},
                ),
            ),
            ("Signed date", col("signed_date")),
            ("Start date", col("start_date")),
            ("End date", col("end_date")),
            ("Total contract value", col("total_amount")),
            ("Annual recurring revenue", col("recurring_amount_annual")),
            ("One-time amount", col("one_time_amount")),
            (
                "Contract status",
                vmap("status", {"active": "Active", "expired": "Expired", "terminated": "Terminated"}),
            ),
            ("Recorded at", hs_time("recorded_at")),
            ("Last Modified Date", hs_time("updated_at")),
            ("Is deleted", hs_bool("is_deleted")),
        ],
    ),
}
