"""The landing parsing rule is one rule: the gate (src/crm_warehouse/gate/column_types.py) reads every raw
text of the staging unit tests `parse_rule__*` (models/staging/crm/_crm__parse_unit_tests.yml)
as those tests expect staging to read it, and both hold the same patterns."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]

from crm_warehouse.gate import column_types  # noqa: E402
from crm_warehouse.gate.column_types import LandingType, column_type, parse_value, parses_as  # noqa: E402

UNIT_TESTS = ROOT / "models" / "staging" / "crm" / "_crm__parse_unit_tests.yml"
MACROS = ROOT / "macros" / "parsing" / "parse_values.sql"


def _cases() -> list[tuple[str, str, str, str, object]]:
    """(unit test, record id, landing column, raw text, expected staging value)."""
    doc = yaml.safe_load(UNIT_TESTS.read_text(encoding="utf-8"))
    cases = []
    for test in doc["unit_tests"]:
        if not test["name"].startswith("parse_rule__"):
            continue
        columns = test["config"]["meta"]["parse_rule_columns"]
        [given] = test["given"]
        key = next(iter(test["expect"]["rows"][0]))
        expected = {row[key]: row for row in test["expect"]["rows"]}
        for row in given["rows"]:
            for staged, raw in columns.items():
                cases.append((test["name"], row[key], raw, row.get(raw, ""), expected[row[key]][staged]))
    return cases


CASES = _cases()


def _as_expected(value, landing_type: LandingType):
    if value is None:
        return None
    if landing_type is LandingType.DECIMAL:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    if landing_type is LandingType.DATE:
        return date.fromisoformat(str(value))
    if landing_type is LandingType.TIMESTAMP:
        return datetime.fromisoformat(str(value))
    return value


def test_the_unit_tests_cover_every_landing_type():
    assert len(CASES) >= 60
    assert {column_type(raw) for _, _, raw, _, _ in CASES} >= {
        LandingType.DECIMAL,
        LandingType.DATE,
        LandingType.TIMESTAMP,
        LandingType.BOOLEAN,
        LandingType.INTEGER,
    }
    assert any(expected is None for *_, expected in CASES)


@pytest.mark.parametrize(
    "test_name, record, column, raw, expected", CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES]
)
def test_gate_reads_each_value_as_staging_does(test_name, record, column, raw, expected):
    landing_type = column_type(column)
    assert parse_value(raw, landing_type) == _as_expected(expected, landing_type), (
        f"{test_name} {record}: {column} {raw!r}"
    )
    if raw.strip():  # the gate's expectation accepts exactly the values that parse
        accepted = parses_as(pd.Series([raw.strip()], dtype=object), landing_type).iloc[0]
        assert accepted == (expected is not None)


def _macro_body(name: str) -> str:
    text = MACROS.read_text(encoding="utf-8")
    match = re.search(r"\{%- macro " + name + r"\(\) -%\}\n(.*?)\n\{%- endmacro", text, re.S)
    assert match, name
    return match.group(1)


@pytest.mark.parametrize(
    "macro, constant",
    [
        ("landing_number_pattern", "NUMBER_PATTERN"),
        ("landing_integer_pattern", "INTEGER_PATTERN"),
        ("landing_timestamp_pattern", "TIMESTAMP_PATTERN"),
    ],
)
def test_staging_and_gate_hold_the_same_patterns(macro, constant):
    assert _macro_body(macro) == getattr(column_types, constant)
