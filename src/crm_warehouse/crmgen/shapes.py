"""The same world in a source CRM's own export shape (generate_landing.py --shape).

The native landing files are rendered as a Salesforce org, a HubSpot portal or a Chinese CRM's
Excel list views would export them, with each source's quirks: Salesforce object CSVs with API
field names (the daily delta as a sync tool writes it: snake_case names, lower-case object
files) and UTC timestamps; HubSpot CSVs with display-name headers, numeric record ids, UTC
timestamps and its internal stage and type names; Chinese-header .xlsx workbooks (one per list
view) with a merged group-title row, real Excel dates and serial-number dates, amounts as text
with ¥, thousands commas and full-width digits, 是/否 flags and formatted empty rows after the
data. The mappings in mappings/ read them back (tests/python/test_adapt_roundtrip.py). The
vocabulary below is written independently of the mappings, so a wrong map is caught.
"""
from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

SHAPES = ("salesforce", "hubspot", "cn_crm_excel")
_SHANGHAI = ZoneInfo("Asia/Shanghai")
_UTC = ZoneInfo("UTC")
# Entities no CRM of the three holds (sales-ops spreadsheets and finance): not rendered.
NOT_IN_CRM = ("account_owner_history", "quotas", "product_usage", "costs")


def _utc(value: str, fmt: str) -> str:
    if not value:
        return ""
    local = datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=_SHANGHAI)
    text = local.astimezone(_UTC).strftime(fmt)
    return text


def sf_time(c):
    return lambda r: _utc(r[c], "%Y-%m-%dT%H:%M:%S.000+0000")


def hs_time(c):
    return lambda r: _utc(r[c], "%Y-%m-%dT%H:%M:%S.000Z")


def col(c):
    return lambda r: r[c]


def const(v):
    return lambda r: v


def vmap(c, table):
    return lambda r: table[r[c]] if r[c] else ""


def digits(c):
    """A numeric record id (HubSpot): the native id without its letter prefix."""
    return lambda r: re.sub(r"^[A-Z]+", "", r[c])


def first(c):
    return lambda r: r[c][:1]


def rest(c):
    return lambda r: r[c][1:]


SF_BOOL = {"true": "true", "false": "false"}
SF_LINE = {"software": "Software", "content": "Content"}
SF_STAGE = {"lead_qualified": "Qualification", "needs_analysis": "Needs Analysis",
            "solution": "Value Proposition", "proposal": "Proposal/Price Quote",
            "negotiation": "Negotiation/Review", "closed_won": "Closed Won",
            "closed_lost": "Closed Lost"}
SF_TYPE = {"new_business": "New Customer", "renewal": "Existing Customer - Renewal",
           "upsell": "Existing Customer - Upgrade"}

SALESFORCE = {
    "users": ("User", [
        ("Id", col("user_id")), ("Name", col("user_name")), ("Email", col("email")),
        ("Sales_Role__c", vmap("role", {"rep": "Sales Rep", "team_lead": "Team Lead",
                                        "director": "Sales Director", "ops": "Sales Ops",
                                        "admin": "System Administrator"})),
        ("ManagerId", col("manager_user_id")), ("Hire_Date__c", col("hire_date")),
        ("Termination_Date__c", col("termination_date")), ("IsActive", col("is_active")),
        ("LastModifiedDate", sf_time("updated_at"))]),
    "teams": ("UserRole", [
        ("Id", col("team_id")), ("Name", col("team_name")),
        ("Business_Line__c", vmap("business_line", SF_LINE)), ("Region_Id__c", col("region_id")),
        ("Region_Name__c", col("region_name")), ("ForecastUserId", col("leader_user_id")),
        ("LastModifiedDate", sf_time("updated_at"))]),
    "team_memberships": ("Team_Membership__c", [
        ("User__c", col("user_id")), ("UserRole__c", col("team_id")),
        ("Start_Date__c", col("start_date")), ("End_Date__c", col("end_date"))]),
    "accounts": ("Account", [
        ("Id", col("account_id")), ("Name", col("account_name")), ("Industry", col("industry")),
        ("Ownership", vmap("ownership_type", {"soe": "State-owned", "private": "Private",
                                              "foreign": "Foreign-invested",
                                              "public_institution": "Public Institution",
                                              "other": "Other"})),
        ("NumberOfEmployees", col("employee_count")), ("Key_Account__c", col("is_key_account")),
        ("BillingState", col("province")), ("BillingCity", col("city")), ("OwnerId", col("owner_user_id")),
        ("Pool_Status__c", vmap("pool_status", {"assigned": "Assigned", "public_pool": "Public Pool"})),
        ("CreatedDate", sf_time("created_at")), ("LastModifiedDate", sf_time("updated_at")),
        ("IsDeleted", col("is_deleted"))]),
    "contacts": ("Contact", [
        ("Id", col("contact_id")), ("AccountId", col("account_id")),
        ("LastName", first("contact_name")), ("FirstName", rest("contact_name")), ("Title", col("title")),
        ("Phone", col("phone")), ("Email", col("email")), ("Decision_Maker__c", col("is_decision_maker")),
        ("CreatedDate", sf_time("created_at")), ("LastModifiedDate", sf_time("updated_at")),
        ("IsDeleted", col("is_deleted"))]),
    "campaigns": ("Campaign", [
        ("Id", col("campaign_id")), ("Name", col("campaign_name")),
        ("Type", vmap("channel", {"event": "Conference", "webinar": "Webinar", "content": "Content",
                                  "paid_search": "Advertisement", "social": "Social Media",
                                  "referral_program": "Referral Program", "other": "Other"})),
        ("Business_Line__c", vmap("business_line", SF_LINE)), ("StartDate", col("start_date")),
        ("EndDate", col("end_date")), ("BudgetedCost", col("budget_amount")),
        ("LastModifiedDate", sf_time("updated_at"))]),
    "leads": ("Lead", [
        ("Id", col("lead_id")),
        ("LeadSource", vmap("lead_source", {"marketing": "Marketing Campaign", "inbound_web": "Web",
                                            "outbound": "Outbound Prospecting",
                                            "referral": "Customer Referral", "partner": "Partner"})),
        ("Campaign__c", col("campaign_id")), ("Account__c", col("account_id")), ("OwnerId", col("owner_user_id")),
        ("Business_Line__c", vmap("business_line", SF_LINE)),
        ("Status", vmap("status", {"new": "Open - Not Contacted", "working": "Working - Contacted",
                                   "mql": "Marketing Qualified", "sql": "Sales Qualified",
                                   "converted": "Closed - Converted",
                                   "disqualified": "Closed - Not Converted"})),
        ("CreatedDate", sf_time("created_at")), ("MQL_Date__c", sf_time("mql_at")),
        ("SQL_Date__c", sf_time("sql_at")), ("Converted_At__c", sf_time("converted_at")),
        ("ConvertedOpportunityId", col("converted_opportunity_id")),
        ("Disqualified_Reason__c", col("disqualified_reason")),
        ("LastModifiedDate", sf_time("updated_at")), ("IsDeleted", col("is_deleted"))]),
    "opportunities": ("Opportunity", [
        ("Id", col("opportunity_id")), ("AccountId", col("account_id")), ("OwnerId", col("owner_user_id")),
        ("Lead__c", col("lead_id")), ("Business_Line__c", vmap("business_line", SF_LINE)),
        ("Type", vmap("opportunity_type", SF_TYPE)), ("StageName", vmap("stage", SF_STAGE)),
        ("Amount", col("amount")), ("CloseDate", col("expected_close_date")),
        ("CreatedDate", sf_time("created_at")), ("Closed_At__c", sf_time("closed_at")),
        ("IsClosed", col("is_closed")), ("IsWon", col("is_won")), ("Loss_Reason__c", col("loss_reason")),
        ("LastModifiedDate", sf_time("updated_at")), ("IsDeleted", col("is_deleted"))]),
    # OpportunityHistory keeps the new stage only and one time (when the row was created).
    "opportunity_stage_history": ("OpportunityHistory", [
        ("Id", col("history_id")), ("OpportunityId", col("opportunity_id")),
        ("StageName", vmap("to_stage", SF_STAGE)), ("CreatedDate", sf_time("recorded_at")),
        ("CreatedById", col("changed_by_user_id")), ("Amount", col("amount"))]),
    "activities": (None, [
        ("Id", col("activity_id")),
        ("Type", vmap("activity_type", {"visit": "Customer Visit", "call": "Call", "email": "Email",
                                        "meeting": "Meeting", "demo": "Demo", "wechat": "WeChat"})),
        ("OwnerId", col("owner_user_id")), ("AccountId", col("account_id")), ("WhoId", col("contact_id")),
        ("WhatId", col("opportunity_id")),
        ("Status", vmap("status", {"planned": "Not Started", "completed": "Completed",
                                   "cancelled": "Cancelled", "missed": "Missed"})),
        ("StartDateTime", sf_time("planned_at")), ("Occurred_At__c", sf_time("occurred_at")),
        ("CompletedDateTime", sf_time("logged_at")),
        ("Outcome__c", vmap("outcome", {"positive": "Positive", "neutral": "Neutral", "negative": "Negative"})),
        ("Not_Done_Reason__c", col("not_done_reason")), ("Next_Step__c", col("next_step")),
        ("Next_Step_Date__c", col("next_step_date")), ("CreatedDate", sf_time("created_at")),
        ("LastModifiedDate", sf_time("updated_at")), ("IsDeleted", col("is_deleted"))]),
    "contracts": ("Contract", [
        ("Id", col("contract_id")), ("Opportunity__c", col("opportunity_id")), ("AccountId", col("account_id")),
        ("OwnerId", col("owner_user_id")), ("Business_Line__c", vmap("business_line", SF_LINE)),
        ("Contract_Type__c", vmap("contract_type", SF_TYPE)), ("CustomerSignedDate", col("signed_date")),
        ("StartDate", col("start_date")), ("EndDate", col("end_date")),
        ("Total_Amount__c", col("total_amount")), ("Recurring_Amount_Annual__c", col("recurring_amount_annual")),
        ("One_Time_Amount__c", col("one_time_amount")),
        ("Status", vmap("status", {"active": "Activated", "expired": "Expired", "terminated": "Terminated"})),
        ("CreatedDate", sf_time("recorded_at")), ("LastModifiedDate", sf_time("updated_at")),
        ("IsDeleted", col("is_deleted"))]),
}
# Salesforce splits activities: visits, meetings and demos are Events, the rest Tasks.
SF_EVENT_TYPES = {"visit", "meeting", "demo"}


def snake(name: str) -> str:
    """A Salesforce API name as sync tools write it (StageName -> stage_name, Lead__c -> lead_c)."""
    name = name.replace("__c", "_c")
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


HS_LINE = {"software": "Software pipeline", "content": "Content pipeline"}
HS_BOOL = {"true": "Yes", "false": "No"}


def hs_bool(c):
    return vmap(c, HS_BOOL)


def hs_name(c):
    return lambda r: r[c]


HUBSPOT = {
    "users": ("owners", [
        ("Owner ID", digits("user_id")), ("Last Name", first("user_name")), ("First Name", rest("user_name")),
        ("Email", col("email")),
        ("Role", vmap("role", {"rep": "Sales Representative", "team_lead": "Sales Manager",
                               "director": "Sales Director", "ops": "Sales Operations",
                               "admin": "Super Admin"})),
        ("Manager Owner ID", digits("manager_user_id")), ("Hire date", col("hire_date")),
        ("Termination date", col("termination_date")),
        ("Archived", vmap("is_active", {"true": "false", "false": "true"})),
        ("Last Modified Date", hs_time("updated_at"))]),
    "teams": ("teams", [
        ("Team ID", digits("team_id")), ("Team name", col("team_name")),
        ("Pipeline", vmap("business_line", HS_LINE)), ("Region ID", col("region_id")),
        ("Region", col("region_name")), ("Team lead owner ID", digits("leader_user_id")),
        ("Last Modified Date", hs_time("updated_at"))]),
    "team_memberships": ("team_members", [
        ("Owner ID", digits("user_id")), ("Team ID", digits("team_id")),
        ("Joined team", col("start_date")), ("Left team", col("end_date"))]),
    "accounts": ("companies", [
        ("Record ID", digits("account_id")), ("Company name", col("account_name")),
        ("Industry", col("industry")),
        ("Ownership type", vmap("ownership_type", {"soe": "SOE", "private": "Private",
                                                   "foreign": "Foreign", "public_institution": "Public institution",
                                                   "other": "Other"})),
        ("Number of Employees", col("employee_count")), ("Key account", hs_bool("is_key_account")),
        ("State/Region", col("province")), ("City", col("city")), ("Company owner", digits("owner_user_id")),
        ("Pool status", vmap("pool_status", {"assigned": "Assigned", "public_pool": "Public pool"})),
        ("Create Date", hs_time("created_at")), ("Last Modified Date", hs_time("updated_at")),
        ("Is deleted", hs_bool("is_deleted"))]),
    "contacts": ("contacts", [
        ("Record ID", digits("contact_id")), ("Associated Company ID", digits("account_id")),
        ("Last Name", first("contact_name")), ("First Name", rest("contact_name")),
        ("Job Title", col("title")), ("Phone Number", col("phone")), ("Email", col("email")),
        ("Decision maker", hs_bool("is_decision_maker")), ("Create Date", hs_time("created_at")),
        ("Last Modified Date", hs_time("updated_at")), ("Is deleted", hs_bool("is_deleted"))]),
    "leads": ("leads", [
        ("Record ID", digits("lead_id")),
        ("Lead source", vmap("lead_source", {"marketing": "Marketing", "inbound_web": "Website",
                                             "outbound": "Outbound", "referral": "Referral",
                                             "partner": "Partner"})),
        ("Associated Company ID", digits("account_id")), ("Lead owner", digits("owner_user_id")),
        ("Pipeline", vmap("business_line", HS_LINE)),
        ("Lead status", vmap("status", {"new": "NEW", "working": "IN_PROGRESS", "mql": "MQL",
                                        "sql": "SQL", "converted": "CONNECTED",
                                        "disqualified": "UNQUALIFIED"})),
        ("Create Date", hs_time("created_at")), ("Became an MQL date", hs_time("mql_at")),
        ("Became an SQL date", hs_time("sql_at")), ("Converted date", hs_time("converted_at")),
        ("Converted deal ID", digits("converted_opportunity_id")),
        ("Disqualification reason", col("disqualified_reason")),
        ("Last Modified Date", hs_time("updated_at")), ("Is deleted", hs_bool("is_deleted"))]),
    "opportunities": ("deals", [
        ("Record ID", digits("opportunity_id")), ("Associated Company ID", digits("account_id")),
        ("Deal owner", digits("owner_user_id")), ("Associated lead ID", digits("lead_id")),
        ("Pipeline", vmap("business_line", HS_LINE)),
        ("Deal Type", vmap("opportunity_type", {"new_business": "newbusiness", "renewal": "renewal",
                                                "upsell": "existingbusiness"})),
        ("Deal Stage", vmap("stage", {"lead_qualified": "appointmentscheduled",
                                      "needs_analysis": "qualifiedtobuy",
                                      "solution": "presentationscheduled",
                                      "proposal": "decisionmakerboughtin",
                                      "negotiation": "contractsent", "closed_won": "closedwon",
                                      "closed_lost": "closedlost"})),
        ("Amount", col("amount")), ("Close Date", col("expected_close_date")),
        ("Create Date", hs_time("created_at")), ("Closed At", hs_time("closed_at")),
        ("Is Closed", col("is_closed")), ("Is Closed Won", col("is_won")),
        ("Closed Lost Reason", col("loss_reason")), ("Last Modified Date", hs_time("updated_at")),
        ("Is deleted", hs_bool("is_deleted"))]),
    "opportunity_stage_history": ("deal_stage_history", [
        ("Record ID", digits("history_id")), ("Deal ID", digits("opportunity_id")),
        ("Previous stage", col("from_stage")), ("Stage", col("to_stage")),
        ("Changed at", hs_time("changed_at")), ("Recorded at", hs_time("recorded_at")),
        ("Changed by", digits("changed_by_user_id")), ("Amount", col("amount"))]),
    "activities": ("engagements", [
        ("Engagement ID", digits("activity_id")),
        ("Activity type", vmap("activity_type", {"visit": "IN_PERSON_VISIT", "call": "CALL",
                                                 "email": "EMAIL", "meeting": "MEETING",
                                                 "demo": "DEMO", "wechat": "WECHAT"})),
        ("Activity assigned to", digits("owner_user_id")), ("Associated Company ID", digits("account_id")),
        ("Associated Contact ID", digits("contact_id")), ("Associated Deal ID", digits("opportunity_id")),
        ("Outcome", vmap("status", {"planned": "SCHEDULED", "completed": "COMPLETED",
                                    "cancelled": "CANCELED", "missed": "NO_SHOW"})),
        ("Scheduled time", hs_time("planned_at")), ("Activity date", hs_time("occurred_at")),
        ("Logged at", hs_time("logged_at")),
        ("Sentiment", vmap("outcome", {"positive": "POSITIVE", "neutral": "NEUTRAL", "negative": "NEGATIVE"})),
        ("Not done reason", col("not_done_reason")), ("Next step", col("next_step")),
        ("Next step date", col("next_step_date")), ("Create Date", hs_time("created_at")),
        ("Last Modified Date", hs_time("updated_at")), ("Is deleted", hs_bool("is_deleted"))]),
    "contracts": ("contracts", [
        ("Record ID", digits("contract_id")), ("Associated Deal ID", digits("opportunity_id")),
        ("Associated Company ID", digits("account_id")), ("Contract owner", digits("owner_user_id")),
        ("Pipeline", vmap("business_line", HS_LINE)),
        ("Contract type", vmap("contract_type", {"new_business": "newbusiness", "renewal": "renewal",
                                                 "upsell": "existingbusiness"})),
        ("Signed date", col("signed_date")), ("Start date", col("start_date")), ("End date", col("end_date")),
        ("Total contract value", col("total_amount")), ("Annual recurring revenue", col("recurring_amount_annual")),
        ("One-time amount", col("one_time_amount")),
        ("Contract status", vmap("status", {"active": "Active", "expired": "Expired", "terminated": "Terminated"})),
        ("Recorded at", hs_time("recorded_at")), ("Last Modified Date", hs_time("updated_at")),
        ("Is deleted", hs_bool("is_deleted"))]),
}

CN_YES = {"true": "是", "false": "否"}
CN_LINE = {"software": "软件", "content": "内容"}
CN_TYPE = {"new_business": "新签", "renewal": "续约", "upsell": "增购"}
CN_STAGE = {"lead_qualified": "初步接洽", "needs_analysis": "需求确认", "solution": "方案制定",
            "proposal": "商务报价", "negotiation": "谈判审核", "closed_won": "赢单", "closed_lost": "输单"}
# Cell kinds of the Excel views: a real date or date-time cell, a date typed in a General
# cell (Excel shows its serial number), money as text (¥, thousands commas, now and then
# full-width digits), a count as text with a thousands comma, or text.
DATE, STAMP, SERIAL, MONEY, COUNT = "date", "stamp", "serial", "money", "count"


def cn(c, kind=None, table=None):
    return (c, kind, table)


CN_CRM = {
    "users": ("员工", None, [
        ("员工编号", cn("user_id")), ("姓名", cn("user_name")), ("邮箱", cn("email")),
        ("角色", cn("role", table={"rep": "销售代表", "team_lead": "销售主管", "director": "销售总监",
                                   "ops": "销售运营", "admin": "系统管理员"})),
        ("直属上级编号", cn("manager_user_id")), ("入职日期", cn("hire_date", SERIAL)),
        ("离职日期", cn("termination_date", DATE)), ("在职", cn("is_active", table=CN_YES)),
        ("更新时间", cn("updated_at", STAMP))]),
    "teams": ("部门", None, [
        ("部门编号", cn("team_id")), ("部门名称", cn("team_name")), ("业务线", cn("business_line", table=CN_LINE)),
        ("区域编号", cn("region_id")), ("区域名称", cn("region_name")), ("部门负责人编号", cn("leader_user_id")),
        ("更新时间", cn("updated_at", STAMP))]),
    "team_memberships": ("部门成员", None, [
        ("员工编号", cn("user_id")), ("部门编号", cn("team_id")), ("加入日期", cn("start_date", DATE)),
        ("离开日期", cn("end_date", DATE))]),
    "accounts": ("客户", ("基本信息", 8, "归属", 2, "记录", 3), [
        ("客户编号", cn("account_id")), ("客户名称", cn("account_name")), ("所属行业", cn("industry")),
        ("企业性质", cn("ownership_type", table={"soe": "国企", "private": "民企", "foreign": "外企",
                                                 "public_institution": "事业单位", "other": "其他"})),
        ("员工人数", cn("employee_count", COUNT)), ("重点客户", cn("is_key_account", table=CN_YES)),
        ("省份", cn("province")), ("城市", cn("city")), ("负责人编号", cn("owner_user_id")),
        ("公海状态", cn("pool_status", table={"assigned": "已分配", "public_pool": "公海"})),
        ("创建时间", cn("created_at", STAMP)), ("最后修改时间", cn("updated_at", STAMP)),
        ("已删除", cn("is_deleted", table=CN_YES))]),
    "contacts": ("联系人", None, [
        ("联系人编号", cn("contact_id")), ("客户编号", cn("account_id")), ("姓名", cn("contact_name")),
        ("职务", cn("title")), ("手机", cn("phone")), ("邮箱", cn("email")),
        ("关键决策人", cn("is_decision_maker", table=CN_YES)), ("创建时间", cn("created_at", STAMP)),
        ("最后修改时间", cn("updated_at", STAMP)), ("已删除", cn("is_deleted", table=CN_YES))]),
    "campaigns": ("市场活动", None, [
        ("活动编号", cn("campaign_id")), ("活动名称", cn("campaign_name")),
        ("渠道", cn("channel", table={"event": "线下会议", "webinar": "线上研讨会", "content": "内容营销",
                                      "paid_search": "搜索广告", "social": "社交媒体",
                                      "referral_program": "推荐计划", "other": "其他"})),
        ("业务线", cn("business_line", table=CN_LINE)), ("开始日期", cn("start_date", DATE)),
        ("结束日期", cn("end_date", DATE)), ("预算", cn("budget_amount", MONEY)),
        ("最后修改时间", cn("updated_at", STAMP))]),
    "leads": ("线索", None, [
        ("线索编号", cn("lead_id")),
        ("线索来源", cn("lead_source", table={"marketing": "市场活动", "inbound_web": "官网注册",
                                              "outbound": "电话外呼", "referral": "客户转介绍",
                                              "partner": "合作伙伴"})),
        ("市场活动编号", cn("campaign_id")), ("客户编号", cn("account_id")), ("负责人编号", cn("owner_user_id")),
        ("业务线", cn("business_line", table=CN_LINE)),
        ("线索状态", cn("status", table={"new": "新建", "working": "跟进中", "mql": "市场认可",
                                         "sql": "销售认可", "converted": "已转化", "disqualified": "无效"})),
        ("创建时间", cn("created_at", STAMP)), ("MQL时间", cn("mql_at", STAMP)), ("SQL时间", cn("sql_at", STAMP)),
        ("转化时间", cn("converted_at", STAMP)), ("转化商机编号", cn("converted_opportunity_id")),
        ("无效原因", cn("disqualified_reason")), ("最后修改时间", cn("updated_at", STAMP)),
        ("已删除", cn("is_deleted", table=CN_YES))]),
    "opportunities": ("商机", None, [
        ("商机编号", cn("opportunity_id")), ("客户编号", cn("account_id")), ("负责人编号", cn("owner_user_id")),
        ("线索编号", cn("lead_id")), ("业务线", cn("business_line", table=CN_LINE)),
        ("商机类型", cn("opportunity_type", table=CN_TYPE)), ("商机阶段", cn("stage", table=CN_STAGE)),
        ("销售金额", cn("amount", MONEY)), ("预计成交日期", cn("expected_close_date", DATE)),
        ("创建时间", cn("created_at", STAMP)), ("关闭时间", cn("closed_at", STAMP)),
        ("已关闭", cn("is_closed", table=CN_YES)), ("赢单", cn("is_won", table=CN_YES)),
        ("输单原因", cn("loss_reason")), ("最后修改时间", cn("updated_at", STAMP)),
        ("已删除", cn("is_deleted", table=CN_YES))]),
    "opportunity_stage_history": ("阶段变更记录", None, [
        ("记录编号", cn("history_id")), ("商机编号", cn("opportunity_id")),
        ("原阶段", cn("from_stage", table=CN_STAGE)), ("新阶段", cn("to_stage", table=CN_STAGE)),
        ("变更时间", cn("changed_at", STAMP)), ("录入时间", cn("recorded_at", STAMP)),
        ("操作人编号", cn("changed_by_user_id")), ("金额", cn("amount", MONEY))]),
    "activities": ("跟进记录", None, [
        ("记录编号", cn("activity_id")),
        ("跟进方式", cn("activity_type", table={"visit": "上门拜访", "call": "电话", "email": "邮件",
                                                "meeting": "会议", "demo": "产品演示", "wechat": "微信"})),
        ("负责人编号", cn("owner_user_id")), ("客户编号", cn("account_id")), ("联系人编号", cn("contact_id")),
        ("商机编号", cn("opportunity_id")),
        ("状态", cn("status", table={"planned": "计划中", "completed": "已完成", "cancelled": "已取消",
                                     "missed": "未完成"})),
        ("计划时间", cn("planned_at", STAMP)), ("实际时间", cn("occurred_at", STAMP)),
        ("录入时间", cn("logged_at", STAMP)),
        ("跟进结果", cn("outcome", table={"positive": "积极", "neutral": "一般", "negative": "消极"})),
        ("未完成原因", cn("not_done_reason")), ("下一步", cn("next_step")), ("下一步日期", cn("next_step_date", DATE)),
        ("创建时间", cn("created_at", STAMP)), ("最后修改时间", cn("updated_at", STAMP)),
        ("已删除", cn("is_deleted", table=CN_YES))]),
    "contracts": ("合同", None, [
        ("合同编号", cn("contract_id")), ("商机编号", cn("opportunity_id")), ("客户编号", cn("account_id")),
        ("负责人编号", cn("owner_user_id")), ("业务线", cn("business_line", table=CN_LINE)),
        ("合同类型", cn("contract_type", table=CN_TYPE)), ("签约日期", cn("signed_date", DATE)),
        ("开始日期", cn("start_date", DATE)), ("结束日期", cn("end_date", DATE)),
        ("合同金额", cn("total_amount", MONEY)), ("年度经常性金额", cn("recurring_amount_annual", MONEY)),
        ("一次性金额", cn("one_time_amount", MONEY)),
        ("合同状态", cn("status", table={"active": "执行中", "expired": "已到期", "terminated": "已终止"})),
        ("录入时间", cn("recorded_at", STAMP)), ("最后修改时间", cn("updated_at", STAMP)),
        ("已删除", cn("is_deleted", table=CN_YES))]),
}
_FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def _cn_cell(value: str, kind, table, n: int):
    from datetime import date as date_type

    if value == "":
        return None
    if table is not None:
        return table[value]
    if kind == STAMP:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    if kind == DATE:
        return datetime.strptime(value, "%Y-%m-%d")
    if kind == SERIAL:
        return (date_type.fromisoformat(value) - date_type(1899, 12, 30)).days
    if kind == MONEY:
        whole, _, cents = f"{float(value):,.2f}".partition(".")
        text = f"¥{whole}.{cents}"
        return text.translate(_FULL) if n % 7 == 3 else text
    if kind == COUNT:
        return f"{int(value):,}"
    return value


def canonical(column: str, text: str) -> str:
    """A native landing value in one spelling per type (the generator writes some booleans as
    1/0 or 是/否 and some dates several ways, as CRMs do): what a source system would hold.
    Values that do not parse stay as they are."""
    from datetime import date as date_type
    from decimal import Decimal

    from crm_warehouse.gate.column_types import LandingType, column_type, parse_value

    kind = column_type(column)
    if kind is LandingType.TEXT:
        return text
    value = parse_value(text, kind)
    if value is None:
        return text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date_type):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def read_native(path: Path) -> list[dict]:
    """The rows of a native landing file, every typed value in its canonical spelling."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: canonical(k, v) for k, v in row.items()} for row in csv.DictReader(fh)]


def _write_csv(path: Path, header: list[str], rows: list[list[str]], bom: bool = False) -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def _write_xlsx(path: Path, sheet: str, groups, header: list[str], kinds, rows: list[dict]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = sheet
    offset = 1
    if groups:   # a merged group-title row above the column names
        col = 1
        for title, span in zip(groups[::2], groups[1::2]):
            ws.cell(1, col, title)
            ws.merge_cells(start_row=1, start_column=col, end_row=1, end_column=col + span - 1)
            col += span
        offset = 2
    for c, name in enumerate(header, start=1):
        ws.cell(offset, c, name)
    for n, row in enumerate(rows):
        for c, (src, kind, table) in enumerate(kinds, start=1):
            value = _cn_cell(row[src], kind, table, n)
            if value is None:
                continue
            cell = ws.cell(offset + 1 + n, c, value)
            if kind == STAMP:
                cell.number_format = "yyyy/m/d h:mm:ss"
            elif kind == DATE:
                cell.number_format = "yyyy/m/d"
    for extra in range(3):   # formatted empty rows after the data, as list-view exports leave them
        ws.cell(offset + 1 + len(rows) + extra, 1).font = Font(bold=True)
    book.save(path)


def render_shape(native_dir: Path, out_dir: Path, shape: str) -> list[Path]:
    """Render the native landing folder `native_dir` as `shape` exports into `out_dir`."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r} (one of {', '.join(SHAPES)})")
    native_dir, out_dir = Path(native_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    spec = {"salesforce": SALESFORCE, "hubspot": HUBSPOT, "cn_crm_excel": CN_CRM}[shape]
    for entity, entry in spec.items():
        for source in sorted((native_dir / entity).glob("*.csv")):
            rows = read_native(source)
            delta = "delta" in source.stem
            if shape == "cn_crm_excel":
                sheet, groups, columns = entry
                path = out_dir / f"{sheet}_{source.stem}.xlsx"
                _write_xlsx(path, sheet, groups, [h for h, _ in columns], [k for _, k in columns], rows)
                written.append(path)
                continue
            obj, columns = entry
            header = [h for h, _ in columns]
            if shape == "salesforce" and delta:
                header = [snake(h) for h in header]
            groups = {obj: rows}
            if shape == "salesforce" and entity == "activities":
                groups = {"Event": [r for r in rows if r["activity_type"] in SF_EVENT_TYPES],
                          "Task": [r for r in rows if r["activity_type"] not in SF_EVENT_TYPES]}
            for name, members in groups.items():
                if shape == "salesforce" and delta:
                    name = name.lower()
                path = out_dir / f"{name}_{source.stem}.csv"
                _write_csv(path, header, [[fn(r) for _, fn in columns] for r in members],
                           bom=shape == "hubspot")
                written.append(path)
    return written
