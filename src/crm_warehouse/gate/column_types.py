"""Landing column types, derived from the column name, and the landing parsing rule.

Every landing value arrives as text. The gate checks that a non-empty value parses as the
type staging will cast it to; an empty value is null and is checked only where a value is
required (primary keys). The type of a column follows from its name (one small mapping,
below); a column that matches no rule is free text.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum
from zoneinfo import ZoneInfo

import pandas as pd


class LandingType(str, Enum):  # noqa: UP042 - StrEnum would change str() of a member
    """The type a landing column's text must parse as (staging casts it to that type)."""

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
    LandingType.TIMESTAMP: "a timestamp YYYY-MM-DD[ HH:MM[:SS[.fraction]]] (a bare date is midnight; "
    "'/' or 年月日 may separate the date, 'T' the time; an offset such as "
    "+08:00 or Z is converted to business time)",
    LandingType.DATE: "a date YYYY-MM-DD (or YYYY/MM/DD, 2026年11月5日; a time part is allowed)",
    LandingType.DECIMAL: "a decimal number (1234.5, 1,234.50, ¥1234, RMB 1234, 1234元, 1.2e3; "
    "below 10^16, rounded to cents)",
    LandingType.INTEGER: "a whole number (1234, 1,234 or 1234.0)",
    LandingType.BOOLEAN: "a boolean: true/false, t/f, yes/no, y/n, 1/0 or 是/否 (any case)",
}

TRUE_VALUES = frozenset({"true", "t", "1", "yes", "y", "是"})
FALSE_VALUES = frozenset({"false", "f", "0", "no", "n", "否"})
BOOLEAN_VALUES = TRUE_VALUES | FALSE_VALUES

# The landing parsing rule. The staging macros (macros/parsing/parse_values.sql) hold the same
# patterns; tests/python/gate/test_parse_rule.py checks that both read the same cases alike.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋：／￥\t\u3000\u00a0", "0123456789.,-+:/¥   ")
_DATE_SEPARATORS = str.maketrans({"/": "-", "年": "-", "月": "-", "日": None})
NUMBER_PATTERN = (
    r"[+-]?(?:¥|rmb ?|cny ?)?(?:[0-9]{1,3}(?:,[0-9]{3})+(?:[.][0-9]+)?"
    r"|[0-9]+(?:[.][0-9]+)?(?:e[+-]?[0-9]+)?)(?: ?元)?"
)
INTEGER_PATTERN = r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:[.]0+)?"
TIMESTAMP_PATTERN = (
    r"([1-9][0-9]{3})-(0?[1-9]|1[0-2])-(0?[1-9]|[12][0-9]|3[01])"
    r"(?:[ T]([01]?[0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9])([.][0-9]{1,9})?)?"
    r"(?: ?([zZ]|[+-](?:0[0-9]|1[0-4]):?(?:[0-5][0-9])?))?)?"
)
DECIMAL_LIMIT = Decimal(10) ** 16  # decimal(18, 2)
INTEGER_LIMIT = 2**63  # bigint
BUSINESS_TIMEZONE = "Asia/Shanghai"


def column_type(name: str) -> LandingType:
    """The landing type of a contract column, from its name."""
    if name in _EXACT:
        return _EXACT[name]
    for pattern, landing_type in _PATTERNS:
        if pattern.search(name):
            return landing_type
    return LandingType.TEXT


def normalise(text: str) -> str:
    """A typed landing value as the parsing rule reads it: tabs, no-break and full-width spaces
    become spaces, full-width digits and signs become ASCII, surrounding spaces are trimmed."""
    return str(text).translate(_FULL_WIDTH).strip(" ")


def parse_value(text: str | None, landing_type: LandingType | str):
    """The typed value of one landing text under the parsing rule, or None when it does not
    parse (or is empty): Decimal, int, bool, date or naive business-local datetime."""
    landing_type = LandingType(landing_type)
    if text is None:
        return None
    value = normalise(text)
    if value == "":
        return None
    if landing_type is LandingType.TEXT:
        return value
    if landing_type is LandingType.BOOLEAN:
        lowered = value.lower()
        return True if lowered in TRUE_VALUES else False if lowered in FALSE_VALUES else None
    if landing_type is LandingType.DECIMAL:
        lowered = value.lower()
        if not re.fullmatch(NUMBER_PATTERN, lowered):
            return None
        try:
            number = Decimal(re.sub(r"[^0-9e.+-]", "", lowered))
            number = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        except InvalidOperation:  # an exponent too large to quantize
            return None
        return number if abs(number) < DECIMAL_LIMIT else None
    if landing_type is LandingType.INTEGER:
        if not re.fullmatch(INTEGER_PATTERN, value):
            return None
        integer = int(re.sub(r"[.]0+$|,", "", value))
        return integer if -INTEGER_LIMIT <= integer < INTEGER_LIMIT else None
    stamp = _parse_timestamp(value.translate(_DATE_SEPARATORS))
    if stamp is None or landing_type is LandingType.TIMESTAMP:
        return stamp
    return stamp.date()


def _parse_timestamp(value: str) -> datetime | None:
    match = re.fullmatch(TIMESTAMP_PATTERN, value)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        stamp = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or ".")[1:7].ljust(6, "0")),
        )
    except ValueError:  # 2026-02-30
        return None
    if offset is None:
        return stamp
    if offset in ("z", "Z"):
        delta = timedelta(0)
    else:
        digits = offset.replace(":", "")
        sign = -1 if digits[0] == "-" else 1
        delta = sign * timedelta(hours=int(digits[1:3]), minutes=int(digits[3:5] or 0))
    local = stamp.replace(tzinfo=timezone(delta)).astimezone(ZoneInfo(BUSINESS_TIMEZONE))
    return local.replace(tzinfo=None)


def parses_as(values: pd.Series, landing_type: LandingType | str) -> pd.Series:
    """Boolean mask: which values parse as `landing_type` under the parsing rule (values are
    stripped text, no nulls). Dates and timestamps must be real calendar values (2025-02-30
    fails)."""
    landing_type = LandingType(landing_type)
    if landing_type is LandingType.TEXT:
        return pd.Series(True, index=values.index)
    text = values.astype(object).astype(str)
    # Exports repeat values (booleans, dates): parse each distinct text once.
    distinct = pd.unique(text)
    parsed = {v: parse_value(v, landing_type) is not None for v in distinct}
    return text.map(parsed).astype(bool)
