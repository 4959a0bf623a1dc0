"""The fixed list of expressions a mapping may use: a source column (first of several
alternative names present), a constant, concatenation, date/timestamp parse with formats
(Excel serial numbers optionally), a timezone shift to Asia/Shanghai, number parse (strips
¥ ￥ RMB CNY 元, thousands commas, full-width digits), value maps and id prefixes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from .mapping import names

BUSINESS_TZ = ZoneInfo("Asia/Shanghai")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋：／￥\u3000\u00a0\t", "0123456789.,-+:/¥   ")
DEFAULT_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f%z",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)
EXCEL_EPOCH = datetime(1899, 12, 30)
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


class Rejected(Exception):
    """A value that the column's expression cannot read: its row goes to the rejects file."""


class Unknown(Exception):
    """A value with no entry in the column's value map: the whole adaptation is refused."""

    def __init__(self, map_name: str, value: str):
        super().__init__(value)
        self.map_name = map_name
        self.value = value


def source_columns(spec: dict) -> list[list[str]]:
    """Every source column group a column spec reads (each group = alternative names)."""
    if "column" in spec:
        return [names(spec["column"])]
    return [names(p["column"]) for p in spec.get("concat", []) if isinstance(p, dict)]


def resolve(alternatives: list[str], header: list[str]) -> int | None:
    """Index of the first alternative present in the header (exact, then case-insensitive)."""
    for name in alternatives:
        if name in header:
            return header.index(name)
    folded = [h.casefold() for h in header]
    for name in alternatives:
        if name.casefold() in folded:
            return folded.index(name.casefold())
    return None


def parse_timestamp(text: str, spec: dict) -> datetime:
    """A date/time text (an Excel serial or one of the spec's formats) as a naive business-time
    datetime, converted from the spec's time zone when given; raises Rejected otherwise."""
    value = text.translate(_FULL_WIDTH).strip()
    stamp = None
    if spec.get("excel_serial") and re.fullmatch(r"\d{4,6}(\.\d+)?", value):
        stamp = EXCEL_EPOCH + timedelta(days=float(value))
        stamp = stamp.replace(microsecond=0) + timedelta(seconds=round(stamp.microsecond / 1e6))
    else:
        for fmt in names(spec.get("format", list(DEFAULT_FORMATS))):
            try:
                stamp = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if stamp is None:
        formats = ", ".join(names(spec.get("format", list(DEFAULT_FORMATS))))
        raise Rejected(f"{text!r} is not a date/time in the format(s) {formats}")
    if stamp.tzinfo is None and spec.get("timezone"):
        stamp = stamp.replace(tzinfo=ZoneInfo(spec["timezone"]))
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(BUSINESS_TZ).replace(tzinfo=None)
    return stamp


def parse_number(text: str, integer: bool) -> str:
    """A number text (full-width digits, thousands separators and a ¥/RMB/CNY/元 mark allowed) as
    a plain decimal string, whole or to two places; raises Rejected otherwise."""
    value = text.translate(_FULL_WIDTH).strip()
    value = re.sub(r"^(?:¥|RMB|CNY)\s*|\s*元$", "", value, flags=re.IGNORECASE)
    value = re.sub(r"^([+-])(?:¥|RMB|CNY)\s*", r"\1", value, flags=re.IGNORECASE)
    if not _NUMBER.fullmatch(value):
        raise Rejected(f"{text!r} is not a number")
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        raise Rejected(f"{text!r} is not a number") from None
    if integer:
        if number != number.to_integral_value():
            raise Rejected(f"{text!r} is not a whole number")
        return str(int(number))
    return str(number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def lookup(value_map: dict[str, str], map_name: str, value: str) -> str:
    """The mapped value of ``value`` (exact, then case-insensitive); raises Unknown when absent."""
    if value in value_map:
        return value_map[value]
    folded = value.casefold()
    for key, target in value_map.items():
        if key.casefold() == folded:
            return target
    raise Unknown(map_name, value)


def evaluate(spec: dict, row: list[str], index: Sequence[int | None], value_maps: dict) -> str:
    """The contract value of one column for one row.

    `index` maps id(alternatives group) positions: index[k] is the header position of the
    k-th source column group of the spec (None = absent, allowed when optional)."""
    if "constant" in spec:
        value = spec["constant"]
    elif "column" in spec:
        pos = index[0]
        value = row[pos].strip() if pos is not None and pos < len(row) else ""
    else:
        parts, k = [], 0
        for part in spec["concat"]:
            if isinstance(part, str):
                parts.append(part)
                continue
            pos = index[k]
            k += 1
            parts.append(row[pos].strip() if pos is not None and pos < len(row) else "")
        value = "".join(parts).strip()
    if value == "":
        if spec.get("required"):
            raise Rejected("value is empty but required")
        if "map" in spec and "" in value_maps[spec["map"]]:
            return value_maps[spec["map"]][""]
        return ""
    kind = spec.get("parse")
    if kind == "timestamp":
        value = parse_timestamp(value, spec).strftime("%Y-%m-%d %H:%M:%S")
    elif kind == "date":
        value = parse_timestamp(value, spec).strftime("%Y-%m-%d")
    elif kind in ("number", "integer"):
        value = parse_number(value, kind == "integer")
    if "map" in spec:
        value = lookup(value_maps[spec["map"]], spec["map"], value)
    if spec.get("prefix") and value:
        value = spec["prefix"] + value
    return value
