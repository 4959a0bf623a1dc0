"""Landing column types, derived from the column name, and their text parsers.

Every landing value arrives as text. The gate checks that a non-empty value parses as the
type staging will cast it to; an empty value is null and is checked only where a value is
required (primary keys). The type of a column follows from its name (one small mapping,
below); a column that matches no rule is free text.
"""
from __future__ import annotations

import re
from enum import Enum

import pandas as pd


class LandingType(str, Enum):
    TEXT = "text"
    TIMESTAMP = "timestamp"
    DATE = "date"
    DECIMAL = "decimal"
    INTEGER = "integer"
    BOOLEAN = "boolean"


# Exact names first, then name patterns (first match wins).
_EXACT: dict[str, LandingType] = {
    "period_month": LandingType.DATE,
    "usage_month": LandingType.DATE,
    "cost_month": LandingType.DATE,
    "target_value": LandingType.DECIMAL,
    "employee_count": LandingType.INTEGER,
    "licensed_seats": LandingType.INTEGER,
    "active_users": LandingType.INTEGER,
    "core_feature_users": LandingType.INTEGER,
    "report_feature_users": LandingType.INTEGER,
    "logins": LandingType.INTEGER,
}
_PATTERNS: tuple[tuple[re.Pattern[str], LandingType], ...] = (
    (re.compile(r"_at$"), LandingType.TIMESTAMP),
    (re.compile(r"_date$"), LandingType.DATE),
    (re.compile(r"amount"), LandingType.DECIMAL),
    (re.compile(r"^is_"), LandingType.BOOLEAN),
)

# What each type accepts, in words (used in messages and in the Data Docs).
TYPE_RULES: dict[LandingType, str] = {
    LandingType.TIMESTAMP: "a timestamp YYYY-MM-DD HH:MM:SS (or with 'T', fractional seconds, "
                           "an offset such as +08:00 or Z)",
    LandingType.DATE: "a date YYYY-MM-DD",
    LandingType.DECIMAL: "a decimal number with at most two decimal places (no thousands separator)",
    LandingType.INTEGER: "a whole number",
    LandingType.BOOLEAN: "a boolean: true/false, 1/0 or 是/否 (any case)",
}

BOOLEAN_VALUES = frozenset({"true", "false", "1", "0", "是", "否"})

_TIMESTAMP_RE = (r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?"
                 r"(?:Z|[+-]\d{2}(?::?\d{2})?)?")
_DATE_RE = r"\d{4}-\d{2}-\d{2}"
_DECIMAL_RE = r"[+-]?\d+(?:\.\d{1,2})?"
_INTEGER_RE = r"[+-]?\d+"


def column_type(name: str) -> LandingType:
    """The landing type of a contract column, from its name."""
    if name in _EXACT:
        return _EXACT[name]
    for pattern, landing_type in _PATTERNS:
        if pattern.search(name):
            return landing_type
    return LandingType.TEXT


def parses_as(values: pd.Series, landing_type: LandingType | str) -> pd.Series:
    """Boolean mask: which values parse as `landing_type` (values are stripped text, no nulls).

    Dates and timestamps must also be real calendar values (2025-02-30 fails).
    """
    landing_type = LandingType(landing_type)
    text = values.astype(object).astype(str).str.strip()
    if landing_type is LandingType.TEXT:
        return pd.Series(True, index=values.index)
    if landing_type is LandingType.BOOLEAN:
        return text.str.lower().isin(BOOLEAN_VALUES)
    if landing_type is LandingType.INTEGER:
        return text.str.fullmatch(_INTEGER_RE).fillna(False).astype(bool)
    if landing_type is LandingType.DECIMAL:
        return text.str.fullmatch(_DECIMAL_RE).fillna(False).astype(bool)
    if landing_type is LandingType.DATE:
        shaped = text.str.fullmatch(_DATE_RE).fillna(False).astype(bool)
        return shaped & _real_calendar(text.where(shaped, "2000-01-01"), "%Y-%m-%d")
    shaped = text.str.fullmatch(_TIMESTAMP_RE).fillna(False).astype(bool)
    head = text.str.slice(0, 19).str.replace("T", " ", regex=False)
    valid_offset = _valid_offset(text.where(shaped, ""))
    return shaped & valid_offset & _real_calendar(head.where(shaped, "2000-01-01 00:00:00"),
                                                  "%Y-%m-%d %H:%M:%S")


def _real_calendar(text: pd.Series, fmt: str) -> pd.Series:
    parsed = pd.to_datetime(text, format=fmt, errors="coerce")
    return parsed.notna()


def _valid_offset(text: pd.Series) -> pd.Series:
    """An offset, when present, is at most ±14:00 with minutes below 60."""
    parts = text.str.extract(r"([+-])(\d{2}):?(\d{2})?$")
    hours = pd.to_numeric(parts[1], errors="coerce")
    minutes = pd.to_numeric(parts[2], errors="coerce").fillna(0)
    bad = hours.notna() & ((hours > 14) | (minutes > 59))
    return ~bad
