"""Landing gate: Great Expectations validation of the landing files before dbt runs.

Modules:
  column_types  the landing type of each contract column (derived from its name) and the
                vectorised parsers that decide whether a text value parses as that type
  suites        one expectation suite per landing entity, built from the contract
  reading       landing files as all-text pandas dataframes
  runner        structural check, per-file validation and Data Docs
  results       the run's results (failures, files, exit code)
  failures      failures from Great Expectations' results, duplicate keys across chunks
  outputs       summary, structural problem lines and JSON result
  safe_docs     the Data Docs rewritten so no planted value runs as script
"""
