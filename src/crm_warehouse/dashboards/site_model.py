"""The site's page model: figures, charts, pages, month helpers, and the page settings."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .formatting import fmt_number, month_label
from .labels import label

PACKAGE_DIR = Path(__file__).resolve().parent


ROOT = PACKAGE_DIR.parents[2]


ECHARTS_JS = ROOT / "node_modules" / "echarts" / "dist" / "echarts.min.js"


# consumer (dbt exposure) name of each page kind
PAGE_CONSUMERS = {
    "index": "dashboard_index_page",
    "cockpit": "director_cockpit_page",
    "team": "team_board_page",
    "rep": "rep_workbench_page",
    "leaderboards": "leaderboards_page",
    "data_quality": "data_quality_page",
    "indicator_tree": "indicator_tree_page",
}


TREND_MONTHS = 12


# A person's own alert list (a rep's workbench, a lead's team board) shows the most urgent few,
# critical first; the rest is one click away on the full list (alerts/<page>.html).
ALERTS_PER_PERSON = 5


# The cockpit lists the critical alerts of a whole region or the company.
ALERTS_ON_COCKPIT = 15


# team-board member flags: each is an alert rule of ref_alert_rules (named as the rule)
MEMBER_FLAGS = (
    ("has_unhealthy_funnel", "alert_rule.pipeline_coverage_low"),
    ("is_below_visit_pace", "alert_rule.visit_pace_behind"),
    ("is_behind_quota_pace", "alert_rule.quota_pace_behind"),
    ("has_low_win_rate", "alert_rule.win_rate_below_team"),
    ("has_poor_followup", "poor_followup"),
    ("has_poor_data_entry", "alert_rule.many_open_dq_issues"),
)


MONTHLY_VISIT_THRESHOLD_FALLBACK = 15


# A workbench lists the first accounts to visit; the CSV beside it holds them all.
SUGGESTIONS_ON_PAGE = 15


# --------------------------------------------------------------------------- figures and charts
def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def src(table: str, col: str, agg: str | None = None, **key: Any) -> dict[str, Any]:
    """Where a figure comes from: one row of ``table`` (or ``agg`` over the rows) by ``key``."""
    out = {"table": table, "col": col, "key": {k: _jsonable(v) for k, v in key.items()}}
    if agg:
        out["agg"] = agg
    return out


def script_safe_json(value: Any) -> str:
    """JSON for a <script type="application/json"> block: `<`, `>` and `&` are written as
    \\u escapes, so no CRM value (a name holding `</script>`) can close the block; JSON.parse
    reads the same values."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


@dataclass
class Fig:
    """One figure on a page: its value, its unit and the mart row and column it comes from."""

    value: Any
    unit: str | None
    source: dict[str, Any] | None = None

    @property
    def text(self) -> str:
        """The value formatted for display in its unit."""
        return fmt_number(self.value, self.unit)

    @property
    def key_json(self) -> str:
        """The key of the mart row the figure shows, as JSON (empty without a source)."""
        return json.dumps(self.source["key"], ensure_ascii=False, sort_keys=True) if self.source else ""


def fig(row: dict[str, Any] | None, col: str, unit: str | None, table: str, **key: Any) -> Fig:
    """A figure of a page: the row's value in ``col`` with the mart row and column it shows."""
    return Fig(None if row is None else row.get(col), unit, src(table, col, **key))


@dataclass
class Chart:
    """One chart of a page: its kind, titles, categories and series (or tree), and notes."""

    id: str
    kind: str  # line | bar | hbar | tree
    title_zh: str
    title_en: str
    unit: str | None = None
    categories: list[Any] = field(default_factory=list)
    category_labels_zh: list[str] | None = None
    category_labels_en: list[str] | None = None
    series: list[dict[str, Any]] = field(default_factory=list)
    tree: dict[str, Any] | None = None
    tall: bool = False
    note_zh: str = ""
    note_en: str = ""

    @property
    def has_data(self) -> bool:
        """True when the chart has something to draw (a tree, or a category with at least one value)."""
        if self.kind == "tree":
            return bool(self.tree)
        return bool(self.categories) and any(any(v is not None for v in s["data"]) for s in self.series)

    def spec(self) -> dict[str, Any]:
        """The chart as a JSON-ready dictionary for the page's chart script."""
        out = {
            "id": self.id,
            "kind": self.kind,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "unit": self.unit,
            "categories": _jsonable(self.categories),
            "category_labels_zh": self.category_labels_zh,
            "category_labels_en": self.category_labels_en,
            "series": self.series,
        }
        if self.tree is not None:
            out["tree"] = self.tree
        return out


def series(
    name_zh: str,
    name_en: str,
    data: list[Any],
    style: str = "actual",
    source: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A chart series: names, values, style and the mart rows it draws."""
    out: dict[str, Any] = {
        "name_zh": name_zh,
        "name_en": name_en,
        "data": [_num(v) for v in data],
        "style": style,
    }
    if source:
        out["src"] = source
    out.update(extra)
    return out


def series_src(table: str, category_col: str, col: str, agg: str | None = None, **key: Any) -> dict[str, Any]:
    """The source of a chart series: the mart column drawn, per category column."""
    out = src(table, col, agg, **key)
    out["category_col"] = category_col
    return out


def key_where(key: dict[str, Any]) -> tuple[str, list[Any]]:
    """SQL conditions for a source key: a list value means IN, anything else equality."""
    parts: list[str] = []
    params: list[Any] = []
    for column, value in key.items():
        if isinstance(value, list):
            parts.append(f"{column} in ({', '.join('?' for _ in value)})" if value else "false")
            params.extend(value)
        else:
            parts.append(f"{column} = ?")
            params.append(value)
    return (" and ".join(parts) or "true"), params


def _num(value: Any) -> Any:
    if value is None:
        return None
    return round(float(value), 6)


# --------------------------------------------------------------------------- page model
@dataclass
class Page:
    """One page of the site: its kind, path, titles, template and the context and charts it renders."""

    kind: str
    path: str  # relative to the site root, e.g. "rep/U00012.html"
    title_zh: str
    title_en: str
    template: str
    context: dict[str, Any]
    charts: list[Chart] = field(default_factory=list)

    @property
    def depth_prefix(self) -> str:
        """The relative prefix (``../`` per folder level) from the page back to the site root."""
        return "../" * self.path.count("/")


@dataclass
class SiteRun:
    """What a site build wrote: the pages, the as-of date, the marts each page read and the reports."""

    out_dir: Path
    as_of: dt.date
    pages: list[Page]
    reads: dict[str, set[str]]
    reports: Any = None  # the ReportRun of the reports written under reports/


# --------------------------------------------------------------------------- helpers
def month_start(day: dt.date) -> dt.date:
    """The first day of the day's month."""
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after the day's month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def trend_months(as_of: dt.date) -> list[dt.date]:
    """The first days of the trend's months, oldest first, ending with the as-of month."""
    start = month_start(as_of)
    return [add_months(start, -i) for i in range(TREND_MONTHS - 1, -1, -1)]


PARTIAL_MONTH = (label("partial_month_suffix")[0], " " + label("partial_month_suffix")[1])


PARTIAL_WEEK = (label("partial_week_suffix")[0], " " + label("partial_week_suffix")[1])


def month_labels(months: list[dt.date], partial: dt.date | None = None) -> tuple[list[str], list[str]]:
    """Axis labels of a monthly trend; the month in progress (``partial``) is marked as such."""
    labels = [month_label(m) for m in months]
    zh = [z + (PARTIAL_MONTH[0] if m == partial else "") for (z, _), m in zip(labels, months, strict=False)]
    en = [e + (PARTIAL_MONTH[1] if m == partial else "") for (_, e), m in zip(labels, months, strict=False)]
    return zh, en
