"""The cookbook's twenty questions (analyses/cookbook/qNN_*.sql, quoted in docs/cookbook.md) run on
the marts of the demo warehouse, return rows, and give figures a sales director would accept."""

from __future__ import annotations

import datetime as dt
import decimal
import os
import re
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
COOKBOOK_DIR = ROOT / "analyses" / "cookbook"
DOC = ROOT / "docs" / "cookbook.md"
WAREHOUSE = Path(os.environ.get("CRM_TEST_DUCKDB") or ROOT / "warehouse" / "test" / "crm.duckdb")
FILES = sorted(COOKBOOK_DIR.glob("q*.sql"))
HEADER = re.compile(r"^-- (Q\d\d) (.+?) / (.+)$")
# the serving schemas; staging, intermediate, landing and reference are not the analyst's
MART_SCHEMAS = {"core", "marts", "data_quality"}
MAX_AMOUNT = 10**12


def parse(path: Path) -> tuple[str, str, str, str]:
    """(id, Chinese heading, English heading, SQL without the heading line) of a cookbook file."""
    first, _, sql = path.read_text(encoding="utf-8").partition("\n")
    match = HEADER.match(first)
    assert match, f"{path.name}: the first line must be '-- Qnn 中文问题 / English question'"
    return match.group(1), match.group(2), match.group(3), sql.strip()


def doc_sections() -> dict[str, str]:
    """Question id -> the SQL quoted under its `### Qnn` heading in docs/cookbook.md."""
    text = DOC.read_text(encoding="utf-8")
    sections = {}
    for match in re.finditer(r"^### (Q\d\d) .*?\n```sql\n(.*?)\n```", text, re.S | re.M):
        sections[match.group(1)] = match.group(2).strip()
    return sections


def bound_problems(columns: list[str], rows: list[tuple], today: dt.date) -> list[str]:
    """Director sanity bounds, by the column's name: shares and rates in 0-1, ratios and counts
    not negative, amounts within ¥10^12, the as-of date not in the future."""
    problems = []
    for row in rows:
        for name, value in zip(columns, row, strict=False):
            if value is None:
                continue
            if isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
                number = float(value)
                if name.endswith(("_share", "_rate")) and not 0 <= number <= 1:
                    problems.append(f"{name}={value} is not a share in 0-1")
                if (
                    name.endswith(
                        (
                            "_ratio",
                            "_count",
                            "_issues",
                            "_cny_count",
                            "visits_mtd",
                            "reps",
                            "visits_to_plan",
                            "days_in_stage",
                            "rank_in_scope",
                        )
                    )
                    and number < 0
                ):
                    problems.append(f"{name}={value} is negative")
                if name.endswith("_cny") and abs(number) > MAX_AMOUNT:
                    problems.append(f"{name}={value} is above ¥10^12")
            if name == "as_of_date" and value > today:
                problems.append(f"as_of_date {value} is in the future")
    return problems


def test_twenty_numbered_questions_quoted_in_the_doc():
    ids = [parse(path)[0] for path in FILES]
    assert ids == [f"Q{n:02d}" for n in range(1, 21)]
    assert [path.name[:3] for path in FILES] == [i.lower() for i in ids]
    sections = doc_sections()
    assert sorted(sections) == ids
    for path in FILES:
        qid, heading_zh, heading_en, sql = parse(path)
        assert sections[qid] == sql, f"docs/cookbook.md quotes a different {qid} than {path.name}"
        assert f"### {qid} {heading_zh} / {heading_en}" in DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_question_reads_only_the_marts(path):
    _, _, _, sql = parse(path)
    schemas = set(re.findall(r"\b(?:from|join)\s+([a-z_]+)\.", sql, re.I))
    assert schemas and schemas <= MART_SCHEMAS, f"{path.name} reads {sorted(schemas - MART_SCHEMAS)}"


@pytest.mark.skipif(not WAREHOUSE.is_file(), reason=f"no warehouse at {WAREHOUSE}")
def test_every_question_returns_rows_within_bounds():
    con = duckdb.connect(str(WAREHOUSE), read_only=True)
    problems = []
    try:
        for path in FILES:
            cursor = con.execute(parse(path)[3])
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
            if not rows:
                problems.append(f"{path.name}: no rows")
            problems += [f"{path.name}: {p}" for p in bound_problems(columns, rows, dt.date.today())]
    finally:
        con.close()
    assert problems == []


def test_bounds_catch_implausible_figures():
    today = dt.date(2026, 12, 2)
    assert bound_problems(["win_rate", "a_cny", "as_of_date"], [(0.4, 5.0, today)], today) == []
    assert bound_problems(["win_rate"], [(55.3,)], today) == ["win_rate=55.3 is not a share in 0-1"]
    assert bound_problems(["open_alert_count"], [(-1,)], today) == ["open_alert_count=-1 is negative"]
    assert bound_problems(["bookings_cny"], [(decimal.Decimal("2e12"),)], today) == [
        "bookings_cny=2E+12 is above ¥10^12"
    ]
    assert bound_problems(["as_of_date"], [(dt.date(2026, 12, 3),)], today) == [
        "as_of_date 2026-12-03 is in the future"
    ]
