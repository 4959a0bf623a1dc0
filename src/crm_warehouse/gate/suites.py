"""One Great Expectations suite per landing entity, built from the contract.

Each suite expects, for every file of its entity:
  - the required columns (extra columns are allowed: CRMs add custom fields);
  - every non-empty typed value to parse as its landing type (see column_types);
  - enum columns to hold only the contract's accepted values (compared trimmed, lower case,
    as staging reads them);
  - primary-key columns to be non-null, and the primary key to be unique within the file;
  - quotas: exactly one of user_id / team_id (the quota owner).
"""

from __future__ import annotations

import os
from typing import ClassVar

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import great_expectations as gx  # noqa: E402
import great_expectations.expectations as gxe  # noqa: E402
import pandas as pd  # noqa: E402
from great_expectations.execution_engine import PandasExecutionEngine  # noqa: E402
from great_expectations.expectations.expectation import ColumnMapExpectation  # noqa: E402
from great_expectations.expectations.metrics import (  # noqa: E402
    ColumnMapMetricProvider,
    column_condition_partial,
)

from crm_warehouse.gate.column_types import TYPE_RULES, LandingType, column_type, parses_as  # noqa: E402
from crm_warehouse.landing_contract import Entity  # noqa: E402

# Entities whose key holds alternative owner columns: exactly one of them must be set.
EXACTLY_ONE_OF: dict[str, tuple[str, ...]] = {"quotas": ("user_id", "team_id")}


def one_of_column(columns: tuple[str, ...]) -> str:
    """Name of the derived column that says which of `columns` is set."""
    return "/".join(columns)


class ColumnValuesParseAsLandingType(ColumnMapMetricProvider):
    """True where a (non-null) text value parses as the column's landing type."""

    condition_metric_name = "column_values.parse_as_landing_type"
    condition_value_keys = ("landing_type",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, landing_type: str, **kwargs) -> pd.Series:
        return parses_as(column, landing_type)


class ExpectColumnValuesToParseAsLandingType(ColumnMapExpectation):
    """Expect each non-null value of a text column to parse as its landing type.

    The landing types (timestamp, date, decimal, integer, boolean) are the ones staging casts
    the text to; a value that fails here would silently become null in the warehouse.
    """

    landing_type: str

    map_metric: ClassVar[str] = "column_values.parse_as_landing_type"
    success_keys: ClassVar[tuple[str, ...]] = ("landing_type", "mostly")
    domain_keys: ClassVar[tuple[str, ...]] = ("column", "row_condition", "condition_parser")


def build_suite(entity: Entity) -> gx.ExpectationSuite:
    """The expectation suite of one landing entity."""
    suite = gx.ExpectationSuite(name=entity.name, meta={"contract_entity": entity.name})
    suite.add_expectation(
        gxe.ExpectTableColumnsToMatchSet(
            column_set=list(entity.columns),
            exact_match=False,
            description=f"The {entity.name} export has every contract column (extra columns are kept "
            "and ignored).",
        )
    )
    for column in entity.columns:
        landing_type = column_type(column)
        if landing_type is LandingType.TEXT:
            continue
        suite.add_expectation(
            ExpectColumnValuesToParseAsLandingType(
                column=column,
                landing_type=landing_type.value,
                description=f"Every non-empty `{column}` is {TYPE_RULES[landing_type]}.",
            )
        )
    for column, values in entity.accepted_values.items():
        suite.add_expectation(
            gxe.ExpectColumnValuesToBeInSet(
                column=column,
                value_set=list(values),
                description=f"`{column}` is one of: {', '.join(values)} (trimmed, any case).",
            )
        )
    alternatives = EXACTLY_ONE_OF.get(entity.name, ())
    for column in entity.primary_key:
        if column in alternatives:
            continue
        suite.add_expectation(
            gxe.ExpectColumnValuesToNotBeNull(
                column=column, description=f"`{column}` (primary key) is never empty."
            )
        )
    if alternatives:
        suite.add_expectation(
            gxe.ExpectColumnValuesToBeInSet(
                column=one_of_column(alternatives),
                value_set=list(alternatives),
                description=f"Exactly one of {' / '.join(alternatives)} is set on every row.",
            )
        )
    if len(entity.primary_key) == 1:
        suite.add_expectation(
            gxe.ExpectColumnValuesToBeUnique(
                column=entity.primary_key[0],
                description=f"`{entity.primary_key[0]}` (primary key) is unique within the file.",
            )
        )
    elif entity.primary_key:
        suite.add_expectation(
            gxe.ExpectCompoundColumnsToBeUnique(
                column_list=list(entity.primary_key),
                description=f"The primary key ({', '.join(entity.primary_key)}) is unique within the file.",
            )
        )
    return suite


def prepare_frame(entity: Entity, frame: pd.DataFrame) -> pd.DataFrame:
    """The dataframe the suite validates: enums lower-cased, derived one-of column added."""
    frame = frame.copy()
    for column in entity.accepted_values:
        if column in frame.columns:
            values = frame[column]
            frame[column] = values.where(values.isna(), values.astype(str).str.lower())
    alternatives = EXACTLY_ONE_OF.get(entity.name, ())
    if alternatives and all(c in frame.columns for c in alternatives):
        present = frame[list(alternatives)].notna()
        which = pd.Series("none", index=frame.index, dtype=object)
        for column in alternatives:
            which = which.where(~present[column], column)
        which = which.where(present.sum(axis=1) <= 1, "more than one")
        frame[one_of_column(alternatives)] = which
    return frame
