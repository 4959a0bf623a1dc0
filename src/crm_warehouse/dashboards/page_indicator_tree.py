"""The indicator tree page: goal, strategies, process and behaviour indicators."""

from __future__ import annotations

import csv
from typing import Any

from .dbt_docs import model_anchor
from .formatting import status_label
from .labels import SEEDS, label
from .site_builder import SiteBuilderBase
from .site_model import Chart, Page, _num, fig


def indicator_models() -> dict[str, str]:
    """indicator_code -> the mart model computing it (seeds/ref_indicator_catalog.csv model_name;
    a custom indicator of seeds/custom_indicators.csv is in indicator_values)."""
    with open(SEEDS / "ref_indicator_catalog.csv", encoding="utf-8", newline="") as f:
        models = {
            row["indicator_code"]: row["model_name"] for row in csv.DictReader(f) if row.get("model_name")
        }
    with open(SEEDS / "custom_indicators.csv", encoding="utf-8", newline="") as f:
        models.update(
            {
                row["indicator_code"]: "indicator_values"
                for row in csv.DictReader(f)
                if row.get("indicator_code")
            }
        )
    return models


class IndicatorTreePage(SiteBuilderBase):
    """SiteBuilder.indicator_tree: indicator-tree.html."""

    def indicator_tree(self) -> Page:
        """The indicator tree page of the as-of month."""
        self._use("indicator_tree")
        t = "marts.indicator_tree"
        rows = self.r.rows(
            f"select * from {{{t}}} where period_type = 'month' and period_start_date = ? "
            "order by is_in_strategy_tree desc, tree_path",
            [self.month],
        )
        for r in rows:
            k = dict(indicator_code=r["indicator_code"], period_type="month", period_start_date=self.month)
            r["actual_fig"] = fig(r, "actual_value", r["unit"], t, **k)
            r["target_fig"] = fig(r, "target_value", r["unit"], t, **k)
            r["attainment_fig"] = fig(r, "attainment_to_date", "ratio", t, **k)
            r["status_label"] = status_label(r["status_code"])
            model = indicator_models().get(r["indicator_code"])
            r["model_doc"] = (
                f"{self.dbt_docs_dir}/{model_anchor(model)}" if self.dbt_docs_dir and model else None
            )
        strategy = [r for r in rows if r["is_in_strategy_tree"]]
        nodes = {
            r["indicator_code"]: {
                "code": r["indicator_code"],
                "name_zh": r["indicator_name_zh"],
                "name_en": r["indicator_name_en"],
                "actual": _num(r["actual_value"]),
                "target": _num(r["target_value"]),
                "unit": r["unit"],
                "status": r["status_code"],
                "children": [],
            }
            for r in strategy
        }
        roots: list[dict[str, Any]] = []
        for r in strategy:
            parent = nodes.get(r["parent_indicator_code"] or "")
            (parent["children"] if parent else roots).append(nodes[r["indicator_code"]])
        tree = (
            roots[0]
            if len(roots) == 1
            else (
                {
                    "code": "goal",
                    "name_zh": label("business_goal")[0],
                    "name_en": label("business_goal")[1],
                    "actual": None,
                    "target": None,
                    "unit": None,
                    "status": None,
                    "children": roots,
                }
                if roots
                else None
            )
        )
        chart = Chart("c-tree", "tree", *label("indicator_tree_goal_strategies"), None, tree=tree, tall=True)
        return Page(
            "indicator_tree",
            "indicator-tree.html",
            *label("indicator_tree"),
            "indicator_tree.html.j2",
            {"strategy": strategy, "others": [r for r in rows if not r["is_in_strategy_tree"]]},
            [chart] if tree else [],
        )
