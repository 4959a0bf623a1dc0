"""Number, date and label formatting shared by the site and the reports.

One rule per unit, so a figure reads the same on a page, in a report and in a chart tooltip:
cny -> "¥1,234,568" (whole yuan; "-¥1,234" below zero), ratio -> "45.6%", multiple -> "16.8×",
count -> "1,234" (one decimal when not whole), days/hours -> "12.3". Missing values read "—".
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from .labels import label

MISSING = "—"

UNIT_LABELS = {
    "cny": ("元", "CNY"),
    "ratio": ("%", "%"),
    "count": ("个", "count"),
    "days": ("天", "days"),
    "hours": ("小时", "hours"),
}

# Status and severity names come from seeds/ref_ui_labels.csv (status.<code>, severity.<code>).
STATUS_LABELS = {
    code: label(f"status.{code or 'none'}") for code in ("on_track", "at_risk", "off_track", None)
}

SEVERITY_LABELS = {code: label(f"severity.{code}") for code in ("critical", "warn", "info")}
SEVERITY_LABELS["warning"] = SEVERITY_LABELS["warn"]


def is_missing(value: Any) -> bool:
    """True for None, NaN and infinities: shown as the missing mark."""
    return value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value)))


def _grouped(value: float, decimals: int) -> str:
    text = f"{abs(value):,.{decimals}f}"
    return ("-" if value < 0 and float(text.replace(",", "")) != 0 else "") + text


def fmt_number(value: Any, unit: str | None) -> str:
    """The display text of a figure in its unit."""
    if is_missing(value):
        return MISSING
    value = float(value)
    if unit == "cny":
        text = _grouped(value, 0)
        return "-¥" + text[1:] if text.startswith("-") else "¥" + text
    if unit == "ratio":
        return _grouped(value * 100.0, 1) + "%"
    if unit == "multiple":
        return _grouped(value, 1) + "×"
    if unit in ("days", "hours"):
        return _grouped(value, 1)
    if unit == "score":
        return _grouped(value, 1)
    # count and anything else
    if abs(value - round(value)) < 1e-9:
        return _grouped(round(value), 0)
    return _grouped(value, 1)


def fmt_change(ratio: Any) -> str:
    """A relative change, signed: +12.3% / -4.5%."""
    if is_missing(ratio):
        return MISSING
    pct = float(ratio) * 100.0
    text = f"{abs(pct):,.1f}%"
    if text == "0.0%":
        return text
    return ("+" if pct > 0 else "-") + text


def fmt_date(value: Any) -> str:
    """A date (or date-time, to the minute) as text, the missing mark for None."""
    if value is None:
        return MISSING
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def unit_suffix(unit: str | None) -> tuple[str, str]:
    """The (Chinese, English) suffix shown after a value of this unit (days and hours only)."""
    if unit in ("days", "hours"):
        return UNIT_LABELS[unit]
    return ("", "")


def status_label(code: str | None) -> tuple[str, str]:
    """The (Chinese, English) label of an indicator status code."""
    return STATUS_LABELS.get(code, STATUS_LABELS[None])


def severity_label(code: str | None) -> tuple[str, str]:
    """The (Chinese, English) label of an alert severity."""
    return SEVERITY_LABELS.get(code or "", (code or "", code or ""))


def month_label(value: dt.date) -> tuple[str, str]:
    """A month as (Chinese, English) text: 2026年11月, Nov 2026."""
    return (f"{value.year}年{value.month}月", value.strftime("%b %Y"))
