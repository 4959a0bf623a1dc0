"""What the defect rules share: the manifest of planted defects, spelling variants, and the
random pick of the records a rule fires on."""

from __future__ import annotations

import numpy as np


class Defects:
    """The defects injected into the export rows: rule, entity, rows, detail and activation time."""

    def __init__(self):
        self.rows = []  # (rule, entity, idx array, detail array|str, activation array)

    def add(self, rule, entity, idx, detail, activation):
        """Record a defect rule applied to rows ``idx`` of an entity (nothing when there are none)."""
        idx = np.asarray(idx, dtype=np.int64)
        if len(idx):
            self.rows.append((rule, entity, idx, detail, np.asarray(activation, dtype=np.int64)))


# How CRM users really type coded values (free text where a code is expected).
INDUSTRY_VARIANTS = {
    "制造业": ["Manufacturing", "制造 业", "製造業", "制造"],
    "互联网": ["Internet", "IT/互联网", "互联网　"],
    "金融": ["Finance", "金融业"],
    "零售": ["Retail", "零售业"],
    "医疗健康": ["Healthcare", "医疗"],
    "教育": ["Education", "教育培训"],
    "物流": ["Logistics", "物流运输"],
    "房地产": ["Real estate", "房地產"],
    "能源": ["Energy", "新能源"],
    "政府与公共事业": ["Government", "政府"],
}


PROVINCE_EN = {
    "北京": "Beijing",
    "天津": "Tianjin",
    "河北": "Hebei",
    "山东": "Shandong",
    "上海": "Shanghai",
    "江苏": "Jiangsu",
    "浙江": "Zhejiang",
    "广东": "Guangdong",
    "福建": "Fujian",
    "四川": "Sichuan",
    "重庆": "Chongqing",
    "云南": "Yunnan",
    "贵州": "Guizhou",
}


MUNICIPALITIES = {"北京", "天津", "上海", "重庆"}


LINE_VARIANTS = {"software": ["Software", "SOFTWARE"], "content": ["Content", "CONTENT"]}


def _variant(rng, pool: dict, values) -> np.ndarray:
    return np.array([pool[v][int(rng.integers(0, len(pool[v])))] for v in values], dtype=object)


def _pick(rng, cand, rate, weight=None):
    if rate <= 0 or not cand.any():
        return np.zeros(len(cand), dtype=bool)
    p = np.full(len(cand), rate) if weight is None else np.minimum(0.5, rate * weight)
    return cand & (rng.random(len(cand)) < np.minimum(p, 0.5))
