"""The monthly indicator sections of the role reports: grain, rows and sections by layer."""

from __future__ import annotations

from typing import Any

from .formatting import fmt_change, fmt_number
from .labels import text as label_text
from .labels import text_fmt
from .marts import MartReader
from .report_model import (
    INDICATOR_ORDER,
    MOVED_ROWS,
    Entity,
    Section,
    Window,
)
from .report_text import (
    cell,
    ratio,
    status_text,
)


# -- monthly indicator sections ------------------------------------------------------------
def indicator_grain(entity: Entity) -> list[tuple[str, str, str]]:
    """(grain, entity_id, label) of the indicator_values rows a monthly report shows."""
    if entity.role == "rep":
        return [("rep", entity.user_id or "", "")]
    if entity.role == "team_lead":
        return [("team", entity.team_id or "", "")]
    if entity.is_company:
        return [("company", "company", "")]
    many = len(entity.region_ids) > 1
    return [
        ("region", rid, f"（{cell(name)}）" if many else "")
        for rid, name in zip(entity.region_ids, entity.region_names, strict=False)
    ]


def indicator_rows(reader: MartReader, grain: str, entity_id: str, w: Window) -> list[dict]:
    """The month's indicator values of one entity at one grain (marts.indicator_values)."""
    return reader.rows(
        "select indicator_code, indicator_name_zh, indicator_name_en, unit, actual_value, "
        "target_value, target_value_to_date, attainment_to_date, status_code, prior_period_value, "
        "change_vs_prior_period_ratio, same_period_last_year_value, change_vs_last_year_ratio "
        "from {marts.indicator_values} where period_type = 'month' and grain = ? "
        "and entity_id = ? and period_start_date = ? order by indicator_code",
        [grain, entity_id, w.month_start],
    )


def _indicator_key(row: dict[str, Any]) -> tuple[int, str]:
    code = row["indicator_code"]
    return (INDICATOR_ORDER.index(code) if code in INDICATOR_ORDER else len(INDICATOR_ORDER), code)


def indicator_sections(rows: list[dict[str, Any]], label: str) -> list[Section]:
    """The month's indicator sections: indicators with a target, those off track, and the largest moves vs the prior month."""

    def name(r: dict[str, Any]) -> str:
        return f"{cell(r['indicator_name_zh'])} {cell(r['indicator_name_en'])}"

    targeted = sorted((r for r in rows if r["target_value"] is not None), key=_indicator_key)
    table = [
        [
            name(r),
            fmt_number(r["actual_value"], r["unit"]),
            fmt_number(r["target_value"], r["unit"]),
            fmt_number(r["target_value_to_date"], r["unit"]),
            ratio(r["attainment_to_date"]),
            status_text(r["status_code"]),
            fmt_change(r["change_vs_prior_period_ratio"]),
            fmt_change(r["change_vs_last_year_ratio"]),
        ]
        for r in targeted
    ]
    indicators = Section(
        f"{label_text('key_indicators')}{label}",
        headers=[
            label_text("indicator"),
            label_text("actual"),
            label_text("month_target"),
            label_text("target_to_date"),
            label_text("attainment_to_date"),
            label_text("status"),
            label_text("vs_prior_month"),
            label_text("vs_same_month_last_year"),
        ],
        rows=table,
    )
    off = sorted((r for r in rows if r["status_code"] == "off_track"), key=_indicator_key)
    off_track = Section(
        f"{label_text('what_is_off_track')}{label}",
        kind="list",
        items=[
            f"{name(r)}：{text_fmt('actual_value_is', value=fmt_number(r['actual_value'], r['unit']))}，"
            f"{text_fmt('target_to_date_is', value=fmt_number(r['target_value_to_date'], r['unit']))}，"
            f"{label_text('attainment_to_date')} {ratio(r['attainment_to_date'])}"
            for r in off
        ],
    )
    changed = [r for r in rows if r["change_vs_prior_period_ratio"] is not None]
    changed.sort(key=lambda r: (-abs(r["change_vs_prior_period_ratio"]), r["indicator_code"]))
    moved = Section(
        f"{label_text('what_moved')}{label}",
        intro=label_text("what_moved_intro"),
        headers=[
            label_text("indicator"),
            label_text("prior_month"),
            label_text("this_month_to_date"),
            label_text("change"),
        ],
        rows=[
            [
                name(r),
                fmt_number(r["prior_period_value"], r["unit"]),
                fmt_number(r["actual_value"], r["unit"]),
                fmt_change(r["change_vs_prior_period_ratio"]),
            ]
            for r in changed[:MOVED_ROWS]
        ],
    )
    return [indicators, off_track, moved]
