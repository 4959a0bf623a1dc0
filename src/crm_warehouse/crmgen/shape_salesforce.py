"""The Salesforce export shape: objects, fields and value maps."""

from __future__ import annotations

from .shape_columns import col, first, rest, sf_time, vmap

SF_BOOL = {"true": "true", "false": "false"}


SF_LINE = {"software": "Software", "content": "Content"}


SF_STAGE = {
    "lead_qualified": "Qualification",
    "needs_analysis": "Needs Analysis",
    "solution": "Value Proposition",
    "proposal": "Proposal/Price Quote",
    "negotiation": "Negotiation/Review",
    "closed_won": "Closed Won",
    "closed_lost": "Closed Lost",
}


SF_TYPE = {
    "new_business": "New Customer",
    "renewal": "Existing Customer - Renewal",
    "upsell": "Existing Customer - Upgrade",
}


SALESFORCE = {
    "users": (
        "User",
        [
            ("Id", col("user_id")),
            ("Name", col("user_name")),
            ("Email", col("email")),
            (
                "Sales_Role__c",
                vmap(
                    "role",
                    {
                        "rep": "Sales Rep",
                        "team_lead": "Team Lead",
                        "director": "Sales Director",
                        "ops": "Sales Ops",
                        "admin": "System Administrator",
                    },
                ),
            ),
            ("ManagerId", col("manager_user_id")),
            ("Hire_Date__c", col("hire_date")),
            ("Termination_Date__c", col("termination_date")),
            ("IsActive", col("is_active")),
            ("LastModifiedDate", sf_time("updated_at")),
        ],
    ),
    "teams": (
        "UserRole",
        [
            ("Id", col("team_id")),
            ("Name", col("team_name")),
            ("Business_Line__c", vmap("business_line", SF_LINE)),
            ("Region_Id__c", col("region_id")),
            ("Region_Name__c", col("region_name")),
            ("ForecastUserId", col("leader_user_id")),
            ("LastModifiedDate", sf_time("updated_at")),
        ],
    ),
    "team_memberships": (
        "Team_Membership__c",
        [
            ("User__c", col("user_id")),
            ("UserRole__c", col("team_id")),
            ("Start_Date__c", col("start_date")),
            ("End_Date__c", col("end_date")),
        ],
    ),
    "accounts": (
        "Account",
        [
            ("Id", col("account_id")),
            ("Name", col("account_name")),
            ("Industry", col("industry")),
            (
                "Ownership",
                vmap(
                    "ownership_type",
                    {
                        "soe": "State-owned",
                        "private": "Private",
                        "foreign": "Foreign-invested",
                        "public_institution": "Public Institution",
                        "other": "Other",
                    },
                ),
            ),
            ("NumberOfEmployees", col("employee_count")),
            ("Key_Account__c", col("is_key_account")),
            ("BillingState", col("province")),
            ("BillingCity", col("city")),
            ("OwnerId", col("owner_user_id")),
            ("Pool_Status__c", vmap("pool_status", {"assigned": "Assigned", "public_pool": "Public Pool"})),
            ("CreatedDate", sf_time("created_at")),
            ("LastModifiedDate", sf_time("updated_at")),
            ("IsDeleted", col("is_deleted")),
        ],
    ),
    "contacts": (
        "Contact",
        [
            ("Id", col("contact_id")),
            ("AccountId", col("account_id")),
            ("LastName", first("contact_name")),
            ("FirstName", rest("contact_name")),
            ("Title", col("title")),
            ("Phone", col("phone")),
            ("Email", col("email")),
            ("Decision_Maker__c", col("is_decision_maker")),
            ("CreatedDate", sf_time("created_at")),
            ("LastModifiedDate", sf_time("updated_at")),
            ("IsDeleted", col("is_deleted")),
        ],
    ),
    "campaigns": (
        "Campaign",
        [
            ("Id", col("campaign_id")),
            ("Name", col("campaign_name")),
            (
                "Type",
                vmap(
                    "channel",
                    {
                        "event": "Conference",
                        "webinar": "Webinar",
                        "content": "Content",
                        "paid_search": "Advertisement",
                        "social": "Social Media",
                        "referral_program": "Referral Program",
                        "other": "Other",
                    },
                ),
            ),
            ("Business_Line__c", vmap("business_line", SF_LINE)),
            ("StartDate", col("start_date")),
            ("EndDate", col("end_date")),
            ("BudgetedCost", col("budget_amount")),
            ("LastModifiedDate", sf_time("updated_at")),
        ],
    ),
    "leads": (
        "Lead",
        [
            ("Id", col("lead_id")),
            (
                "LeadSource",
                vmap(
                    "lead_source",
                    {
                        "marketing": "Marketing Campaign",
                        "inbound_web": "Web",
                        "outbound": "Outbound Prospecting",
                        "referral": "Customer Referral",
                        "partner": "Partner",
                    },
                ),
            ),
            ("Campaign__c", col("campaign_id")),
            ("Account__c", col("account_id")),
            ("OwnerId", col("owner_user_id")),
            ("Business_Line__c", vmap("business_line", SF_LINE)),
            (
                "Status",
                vmap(
                    "status",
                    {
                        "new": "Open - Not Contacted",
                        "working": "Working - Contacted",
                        "mql": "Marketing Qualified",
                        "sql": "Sales Qualified",
                        "converted": "Closed - Converted",
                        "disqualified": "Closed - Not Converted",
                    },
                ),
            ),
            ("CreatedDate", sf_time("created_at")),
            ("MQL_Date__c", sf_time("mql_at")),
            ("SQL_Date__c", sf_time("sql_at")),
            ("Converted_At__c", sf_time("converted_at")),
            ("ConvertedOpportunityId", col("converted_opportunity_id")),
            ("Disqualified_Reason__c", col("disqualified_reason")),
            ("LastModifiedDate", sf_time("updated_at")),
            ("IsDeleted", col("is_deleted")),
        ],
    ),
    "opportunities": (
        "Opportunity",
        [
            ("Id", col("opportunity_id")),
            ("AccountId", col("account_id")),
            ("OwnerId", col("owner_user_id")),
            ("Lead__c", col("lead_id")),
            ("Business_Line__c", vmap("business_line", SF_LINE)),
            ("Type", vmap("opportunity_type", SF_TYPE)),
            ("StageName", vmap("stage", SF_STAGE)),
            ("Amount", col("amount")),
            ("CloseDate", col("expected_close_date")),
            ("CreatedDate", sf_time("created_at")),
            ("Closed_At__c", sf_time("closed_at")),
            ("IsClosed", col("is_closed")),
            ("IsWon", col("is_won")),
            ("Loss_Reason__c", col("loss_reason")),
            ("LastModifiedDate", sf_time("updated_at")),
            ("IsDeleted", col("is_deleted")),
        ],
    ),
    # OpportunityHistory keeps the new stage only and one time (when the row was created).
    "opportunity_stage_history": (
        "OpportunityHistory",
        [
            ("Id", col("history_id")),
            ("OpportunityId", col("opportunity_id")),
            ("StageName", vmap("to_stage", SF_STAGE)),
            ("CreatedDate", sf_time("recorded_at")),
            ("CreatedById", col("changed_by_user_id")),
            ("Amount", col("amount")),
        ],
    ),
    "activities": (
        None,
        [
            ("Id", col("activity_id")),
            (
                "Type",
                vmap(
                    "activity_type",
                    {
                        "visit": "Customer Visit",
                        "call": "Call",
                        "email": "Email",
                        "meeting": "Meeting",
                        "demo": "Demo",
                        "wechat": "WeChat",
                    },
                ),
            ),
            ("OwnerId", col("owner_user_id")),
            ("AccountId", col("account_id")),
            ("WhoId", col("contact_id")),
            ("WhatId", col("opportunity_id")),
            (
                "Status",
                vmap(
                    "status",
                    {
                        "planned": "Not Started",
                        "completed": "Completed",
                        "cancelled": "Cancelled",
                        "missed": "Missed",
                    },
                ),
            ),
            ("StartDateTime", sf_time("planned_at")),
            ("Occurred_At__c", sf_time("occurred_at")),
            ("CompletedDateTime", sf_time("logged_at")),
            (
                "Outcome__c",
                vmap("outcome", {"positive": "Positive", "neutral": "Neutral", "negative": "Negative"}),
            ),
            ("Not_Done_Reason__c", col("not_done_reason")),
            ("Next_Step__c", col("next_step")),
            ("Next_Step_Date__c", col("next_step_date")),
            ("CreatedDate", sf_time("created_at")),
            ("LastModifiedDate", sf_time("updated_at")),
            ("IsDeleted", col("is_deleted")),
        ],
    ),
    "contracts": (
        "Contract",
        [
            ("Id", col("contract_id")),
            ("Opportunity__c", col("opportunity_id")),
            ("AccountId", col("account_id")),
            ("OwnerId", col("owner_user_id")),
            ("Business_Line__c", vmap("business_line", SF_LINE)),
            ("Contract_Type__c", vmap("contract_type", SF_TYPE)),
            ("CustomerSignedDate", col("signed_date")),
            ("StartDate", col("start_date")),
            ("EndDate", col("end_date")),
            ("Total_Amount__c", col("total_amount")),
            ("Recurring_Amount_Annual__c", col("recurring_amount_annual")),
            ("One_Time_Amount__c", col("one_time_amount")),
            (
                "Status",
                vmap("status", {"active": "Activated", "expired": "Expired", "terminated": "Terminated"}),
            ),
            ("CreatedDate", sf_time("recorded_at")),
            ("LastModifiedDate", sf_time("updated_at")),
            ("IsDeleted", col("is_deleted")),
        ],
    ),
}


# Salesforce splits activities: visits, meetings and demos are Events, the rest Tasks.
SF_EVENT_TYPES = {"visit", "meeting", "demo"}
