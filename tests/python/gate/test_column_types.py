"""The landing column types (gate/column_types.py): every typed column of the contract and the
parser of each type on good and bad texts."""

from __future__ import annotations

import pandas as pd
import pytest

from crm_warehouse.gate.column_types import LandingType, column_type, parses_as
from crm_warehouse.landing_contract import load_contract

CONTRACT = load_contract()


def test_every_typed_column_of_the_contract():
    typed = {
        (e, c): column_type(c).value
        for e, ent in CONTRACT.items()
        for c in ent.columns
        if column_type(c) is not LandingType.TEXT
    }
    assert typed[("quotas", "period_month")] == "date"
    assert typed[("quotas", "target_value")] == "decimal"
    assert typed[("opportunities", "amount")] == "decimal"
    assert typed[("contracts", "recurring_amount_annual")] == "decimal"
    assert typed[("activities", "logged_at")] == "timestamp"
    assert typed[("product_usage", "logins")] == "integer"
    assert typed[("accounts", "is_key_account")] == "boolean"
    assert ("users", "user_id") not in typed and ("accounts", "employee_count") in typed
    booleans = [c for (_, c), t in typed.items() if t == "boolean"]
    assert booleans == [c for e in CONTRACT.values() for c in e.columns if c.startswith("is_")]


@pytest.mark.parametrize(
    "landing_type, good, bad",
    [
        (
            "timestamp",
            [
                "2025-06-01 09:00:00",
                "2025-06-01T09:00:00+08:00",
                "2025-06-01 09:00:00Z",
                "2025-06-01 09:00:00.5",
                "2025-06-01",
                "2025/06/01 09:00:00",
                "2025/6/1 9:05",
            ],
            [
                "2025-06-31 09:00:00",
                "2025-06-01 24:00:00",
                "06/01/2025 09:00",
                "2025-06-01 09:00:00+15:00",
                "x",
            ],
        ),
        (
            "date",
            [
                "2025-06-01",
                "2024-02-29",
                "2025-6-1",
                "2025/06/01",
                "2025-06-01 00:00:00",
                "2025年6月1日",
                "２０２５－０６－０１",
            ],
            ["2025-02-29", "01/06/2025", "45809", "2025-13-01"],
        ),
        (
            "decimal",
            ["120000.00", "-5", "0.5", "1,000.00", "1.005", "¥100", "1.2e3", "１２３"],
            ["abc", "1,00", "1.000,50", "(100)", "1e20", "5."],
        ),
        ("integer", ["0", "1200", "-3", "12.0", "1,200"], ["1e3", "十", "12.5"]),
        ("boolean", ["true", "FALSE", "1", "0", "是", "否", "yes", "t", "Y", "n"], ["2", "x", "√"]),
    ],
)
def test_parsers(landing_type, good, bad):
    assert parses_as(pd.Series(good, dtype=object), landing_type).tolist() == [True] * len(good)
    assert parses_as(pd.Series(bad, dtype=object), landing_type).tolist() == [False] * len(bad)
