"""Column helpers shared by the CRM export shapes: time zones and column specs."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

_SHANGHAI = ZoneInfo("Asia/Shanghai")


_UTC = ZoneInfo("UTC")


# Entities no CRM of the three holds (sales-ops spreadsheets and finance): not rendered.
NOT_IN_CRM = ("account_owner_history", "quotas", "product_usage", "costs")


def _utc(value: str, fmt: str) -> str:
    if not value:
        return ""
    local = datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=_SHANGHAI)
    text = local.astimezone(_UTC).strftime(fmt)
    return text


def sf_time(c):
    """A column spec: the Shanghai time in column ``c`` as Salesforce's UTC timestamp text."""
    return lambda r: _utc(r[c], "%Y-%m-%dT%H:%M:%S.000+0000")


def hs_time(c):
    """A column spec: the Shanghai time in column ``c`` as HubSpot's UTC timestamp text."""
    return lambda r: _utc(r[c], "%Y-%m-%dT%H:%M:%S.000Z")


def col(c):
    """A column spec: the value of column ``c`` as it is."""
    return lambda r: r[c]


def const(v):
    """A column spec: the same value ``v`` on every row."""
    return lambda r: v


def vmap(c, table):
    """A column spec: column ``c``'s value looked up in ``table`` (empty stays empty)."""
    return lambda r: table[r[c]] if r[c] else ""


def digits(c):
    """A numeric record id (HubSpot): the native id without its letter prefix."""
    return lambda r: re.sub(r"^[A-Z]+", "", r[c])


def first(c):
    """A column spec: the first character of column ``c``."""
    return lambda r: r[c][:1]


def rest(c):
    """A column spec: column ``c`` without its first character."""
    return lambda r: r[c][1:]


def snake(name: str) -> str:
    """A Salesforce API name as sync tools write it (StageName -> stage_name, Lead__c -> lead_c)."""
    name = name.replace("__c", "_c")
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
