"""Chinese value pools (names, industries, reasons, next steps)."""

from __future__ import annotations

SURNAMES = [
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "吴",
    "周",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
    "何",
    "高",
    "林",
    "罗",
    "郑",
    "梁",
    "谢",
    "宋",
    "唐",
    "许",
    "韩",
    "冯",
    "邓",
    "曹",
]
SURNAME_PINYIN = [
    "wang",
    "li",
    "zhang",
    "liu",
    "chen",
    "yang",
    "huang",
    "zhao",
    "wu",
    "zhou",
    "xu",
    "sun",
    "ma",
    "zhu",
    "hu",
    "guo",
    "he",
    "gao",
    "lin",
    "luo",
    "zheng",
    "liang",
    "xie",
    "song",
    "tang",
    "xu",
    "han",
    "feng",
    "deng",
    "cao",
]
GIVEN_CHARS = list(
    "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍红建文辉力宁晨浩然欣怡子轩梓涵雨婷思远嘉宇佳琪一鸣俊峰晓东"
)

BRAND_CHARS = list(
    "云帆星辰瑞智博远华信达通恒泰安盛启明创新宏图天易联合众诚鼎金银海川峰蓝凯德润卓越聚源汇丰长青正泽伟业兴旺嘉禾"
)
INDUSTRY_SUFFIX = {
    "制造业": ["制造", "机械", "精工", "电子"],
    "互联网": ["网络科技", "信息技术", "数字科技"],
    "金融": ["投资", "金融服务", "资产管理"],
    "零售": ["商贸", "零售", "连锁"],
    "医疗健康": ["医疗", "医药", "健康科技"],
    "教育": ["教育科技", "培训"],
    "物流": ["物流", "供应链"],
    "房地产": ["置业", "地产"],
    "能源": ["能源", "新能源"],
    "政府与公共事业": ["公共服务", "城建"],
}
INDUSTRIES = list(INDUSTRY_SUFFIX)
LATIN_BRANDS = ["ABC", "Neo", "Sino", "Hua", "Tech", "Star", "Blue", "Alpha", "Max", "Ever"]
COMPANY_FORMS = ["有限公司", "股份有限公司", "集团有限公司"]

TITLES = [
    "人力资源总监",
    "HRBP",
    "培训经理",
    "首席人力官",
    "IT经理",
    "采购经理",
    "总经理",
    "财务总监",
    "人事专员",
    "招聘经理",
    "薪酬福利经理",
    "副总裁",
]
DECISION_TITLES = {"人力资源总监", "首席人力官", "总经理", "财务总监", "副总裁"}

LOSS_REASONS = [
    "价格过高",
    "选择竞争对手",
    "预算取消",
    "需求变更",
    "决策延期",
    "联系人离职",
    "产品功能不满足",
]
LEAVER_LOSS_REASON = "销售离职，商机关闭"
DISQUALIFIED_REASONS = ["预算不足", "无采购需求", "联系方式无效", "竞争对手客户", "重复线索", "规模太小"]
NOT_DONE_REASONS = ["客户临时有事", "客户取消会议", "交通延误", "行程冲突", "联系人离职", "天气原因"]
NEXT_STEPS = [
    "发送报价方案",
    "安排产品演示",
    "跟进合同条款",
    "邀请参加线下活动",
    "确认预算和决策人",
    "提交试用申请",
    "准备“数字化转型”方案",
    "整理需求清单, 下周与IT负责人确认",
    "约见人力资源总监",
    "发送案例资料",
    "回访使用情况",
    "推进续约谈判",
    '发送"年度方案"报价',
]
CAMPAIGN_THEMES = {
    "event": ["HR数字化峰会", "人才发展论坛", "CHO闭门会"],
    "webinar": ["在线研讨会：绩效管理", "直播：薪酬数字化", "在线公开课：招聘效率"],
    "content": ["白皮书下载：人力资源趋势", "行业报告：组织效能"],
    "paid_search": ["搜索推广：HR SaaS", "搜索推广：企业培训课程"],
    "social": ["微信公众号推广", "领英精准投放"],
    "referral_program": ["老客户推荐计划"],
    "other": ["展会合作", "渠道联合活动"],
}
CHANNELS = list(CAMPAIGN_THEMES)
OWNERSHIP_TYPES = ["soe", "private", "foreign", "public_institution", "other"]
CN_NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
