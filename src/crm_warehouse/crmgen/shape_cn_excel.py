"""The Chinese CRM Excel export shape: sheets, Chinese headers, value maps and cell kinds."""

from __future__ import annotations

from datetime import datetime

CN_YES = {"true": "是", "false": "否"}


CN_LINE = {"software": "软件", "content": "内容"}


CN_TYPE = {"new_business": "新签", "renewal": "续约", "upsell": "增购"}


CN_STAGE = {
    "lead_qualified": "初步接洽",
    "needs_analysis": "需求确认",
    "solution": "方案制定",
    "proposal": "商务报价",
    "negotiation": "谈判审核",
    "closed_won": "赢单",
    "closed_lost": "输单",
}


# Cell kinds of the Excel views: a real date or date-time cell, a date typed in a General
# cell (Excel shows its serial number), money as text (¥, thousands commas, now and then
# full-width digits), a count as text with a thousands comma, or text.
DATE, STAMP, SERIAL, MONEY, COUNT = "date", "stamp", "serial", "money", "count"


def cn(c, kind=None, table=None):
    """A column of an Excel view: the source column, its cell kind and its value map."""
    return (c, kind, table)


CN_CRM = {
    "users": (
        "员工",
        None,
        [
            ("员工编号", cn("user_id")),
            ("姓名", cn("user_name")),
            ("邮箱", cn("email")),
            (
                "角色",
                cn(
                    "role",
                    table={
                        "rep": "销售代表",
                        "team_lead": "销售主管",
                        "director": "销售总监",
                        "ops": "销售运营",
                        "admin": "系统管理员",
                    },
                ),
            ),
            ("直属上级编号", cn("manager_user_id")),
            ("入职日期", cn("hire_date", SERIAL)),
            ("离职日期", cn("termination_date", DATE)),
            ("在职", cn("is_active", table=CN_YES)),
            ("更新时间", cn("updated_at", STAMP)),
        ],
    ),
    "teams": (
        "部门",
        None,
        [
            ("部门编号", cn("team_id")),
            ("部门名称", cn("team_name")),
            ("业务线", cn("business_line", table=CN_LINE)),
            ("区域编号", cn("region_id")),
            ("区域名称", cn("region_name")),
            ("部门负责人编号", cn("leader_user_id")),
            ("更新时间", cn("updated_at", STAMP)),
        ],
    ),
    "team_memberships": (
        "部门成员",
        None,
        [
            ("员工编号", cn("user_id")),
            ("部门编号", cn("team_id")),
            ("加入日期", cn("start_date", DATE)),
            ("离开日期", cn("end_date", DATE)),
        ],
    ),
    "accounts": (
        "客户",
        ("基本信息", 8, "归属", 2, "记录", 3),
        [
            ("客户编号", cn("account_id")),
            ("客户名称", cn("account_name")),
            ("所属行业", cn("industry")),
            (
                "企业性质",
                cn(
                    "ownership_type",
                    table={
                        "soe": "国企",
                        "private": "民企",
                        "foreign": "外企",
                        "public_institution": "事业单位",
                        "other": "其他",
                    },
                ),
            ),
            ("员工人数", cn("employee_count", COUNT)),
            ("重点客户", cn("is_key_account", table=CN_YES)),
            ("省份", cn("province")),
            ("城市", cn("city")),
            ("负责人编号", cn("owner_user_id")),
            ("公海状态", cn("pool_status", table={"assigned": "已分配", "public_pool": "公海"})),
            ("创建时间", cn("created_at", STAMP)),
            ("最后修改时间", cn("updated_at", STAMP)),
            ("已删除", cn("is_deleted", table=CN_YES)),
        ],
    ),
    "contacts": (
        "联系人",
        None,
        [
            ("联系人编号", cn("contact_id")),
            ("客户编号", cn("account_id")),
            ("姓名", cn("contact_name")),
            ("职务", cn("title")),
            ("手机", cn("phone")),
            ("邮箱", cn("email")),
            ("关键决策人", cn("is_decision_maker", table=CN_YES)),
            ("创建时间", cn("created_at", STAMP)),
            ("最后修改时间", cn("updated_at", STAMP)),
            ("已删除", cn("is_deleted", table=CN_YES)),
        ],
    ),
    "campaigns": (
        "市场活动",
        None,
        [
            ("活动编号", cn("campaign_id")),
            ("活动名称", cn("campaign_name")),
            (
                "渠道",
                cn(
                    "channel",
                    table={
                        "event": "线下会议",
                        "webinar": "线上研讨会",
                        "content": "内容营销",
                        "paid_search": "搜索广告",
                        "social": "社交媒体",
                        "referral_program": "推荐计划",
                        "other": "其他",
                    },
                ),
            ),
            ("业务线", cn("business_line", table=CN_LINE)),
            ("开始日期", cn("start_date", DATE)),
            ("结束日期", cn("end_date", DATE)),
            ("预算", cn("budget_amount", MONEY)),
            ("最后修改时间", cn("updated_at", STAMP)),
        ],
    ),
    "leads": (
        "线索",
        None,
        [
            ("线索编号", cn("lead_id")),
            (
                "线索来源",
                cn(
                    "lead_source",
                    table={
                        "marketing": "市场活动",
                        "inbound_web": "官网注册",
                        "outbound": "电话外呼",
                        "referral": "客户转介绍",
                        "partner": "合作伙伴",
                    },
                ),
            ),
            ("市场活动编号", cn("campaign_id")),
            ("客户编号", cn("account_id")),
            ("负责人编号", cn("owner_user_id")),
            ("业务线", cn("business_line", table=CN_LINE)),
            (
                "线索状态",
                cn(
                    "status",
                    table={
                        "new": "新建",
                        "working": "跟进中",
                        "mql": "市场认可",
                        "sql": "销售认可",
                        "converted": "已转化",
                        "disqualified": "无效",
                    },
                ),
            ),
            ("创建时间", cn("created_at", STAMP)),
            ("MQL时间", cn("mql_at", STAMP)),
            ("SQL时间", cn("sql_at", STAMP)),
            ("转化时间", cn("converted_at", STAMP)),
            ("转化商机编号", cn("converted_opportunity_id")),
            ("无效原因", cn("disqualified_reason")),
            ("最后修改时间", cn("updated_at", STAMP)),
            ("已删除", cn("is_deleted", table=CN_YES)),
        ],
    ),
    "opportunities": (
        "商机",
        None,
        [
            ("商机编号", cn("opportunity_id")),
            ("客户编号", cn("account_id")),
            ("负责人编号", cn("owner_user_id")),
            ("线索编号", cn("lead_id")),
            ("业务线", cn("business_line", table=CN_LINE)),
            ("商机类型", cn("opportunity_type", table=CN_TYPE)),
            ("商机阶段", cn("stage", table=CN_STAGE)),
            ("销售金额", cn("amount", MONEY)),
            ("预计成交日期", cn("expected_close_date", DATE)),
            ("创建时间", cn("created_at", STAMP)),
            ("关闭时间", cn("closed_at", STAMP)),
            ("已关闭", cn("is_closed", table=CN_YES)),
            ("赢单", cn("is_won", table=CN_YES)),
            ("输单原因", cn("loss_reason")),
            ("最后修改时间", cn("updated_at", STAMP)),
            ("已删除", cn("is_deleted", table=CN_YES)),
        ],
    ),
    "opportunity_stage_history": (
        "阶段变更记录",
        None,
        [
            ("记录编号", cn("history_id")),
            ("商机编号", cn("opportunity_id")),
            ("原阶段", cn("from_stage", table=CN_STAGE)),
            ("新阶段", cn("to_stage", table=CN_STAGE)),
            ("变更时间", cn("changed_at", STAMP)),
            ("录入时间", cn("recorded_at", STAMP)),
            ("操作人编号", cn("changed_by_user_id")),
            ("金额", cn("amount", MONEY)),
        ],
    ),
    "activities": (
        "跟进记录",
        None,
        [
            ("记录编号", cn("activity_id")),
            (
                "跟进方式",
                cn(
                    "activity_type",
                    table={
                        "visit": "上门拜访",
                        "call": "电话",
                        "email": "邮件",
                        "meeting": "会议",
                        "demo": "产品演示",
                        "wechat": "微信",
                    },
                ),
            ),
            ("负责人编号", cn("owner_user_id")),
            ("客户编号", cn("account_id")),
            ("联系人编号", cn("contact_id")),
            ("商机编号", cn("opportunity_id")),
            (
                "状态",
                cn(
                    "status",
                    table={
                        "planned": "计划中",
                        "completed": "已完成",
                        "cancelled": "已取消",
                        "missed": "未完成",
                    },
                ),
            ),
            ("计划时间", cn("planned_at", STAMP)),
            ("实际时间", cn("occurred_at", STAMP)),
            ("录入时间", cn("logged_at", STAMP)),
            ("跟进结果", cn("outcome", table={"positive": "积极", "neutral": "一般", "negative": "消极"})),
            ("未完成原因", cn("not_done_reason")),
            ("下一步", cn("next_step")),
            ("下一步日期", cn("next_step_date", DATE)),
            ("创建时间", cn("created_at", STAMP)),
            ("最后修改时间", cn("updated_at", STAMP)),
            ("已删除", cn("is_deleted", table=CN_YES)),
        ],
    ),
    "contracts": (
        "合同",
        None,
        [
            ("合同编号", cn("contract_id")),
            ("商机编号", cn("opportunity_id")),
            ("客户编号", cn("account_id")),
            ("负责人编号", cn("owner_user_id")),
            ("业务线", cn("business_line", table=CN_LINE)),
            ("合同类型", cn("contract_type", table=CN_TYPE)),
            ("签约日期", cn("signed_date", DATE)),
            ("开始日期", cn("start_date", DATE)),
            ("结束日期", cn("end_date", DATE)),
            ("合同金额", cn("total_amount", MONEY)),
            ("年度经常性金额", cn("recurring_amount_annual", MONEY)),
            ("一次性金额", cn("one_time_amount", MONEY)),
            (
                "合同状态",
                cn("status", table={"active": "执行中", "expired": "已到期", "terminated": "已终止"}),
            ),
            ("录入时间", cn("recorded_at", STAMP)),
            ("最后修改时间", cn("updated_at", STAMP)),
            ("已删除", cn("is_deleted", table=CN_YES)),
        ],
    ),
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
