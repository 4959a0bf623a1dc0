"""Landing gate: Great Expectations validation of the landing files before dbt runs.

Modules:
  column_types  the landing type of each contract column (derived from its name) and the
                vectorised parsers that decide whether a text value parses as that type
  suites        one expectation suite per landing entity, built from the contract
  reading       landing files as all-text pandas dataframes
  runner        structural check, per-file validation, Data Docs, summary and JSON result
"""
