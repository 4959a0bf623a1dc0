"""Shared by the report tests: our own parsing of the reports' Markdown and independent lists of
the people each report is for."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
NO_DATA_TEXT = "本期暂无数据 No data for this period"


PERIODS = ("daily", "weekly", "monthly")


CONSUMERS = {f"{role}_{period}_report" for role in ("rep", "team_lead", "director") for period in PERIODS}


USER_ID = re.compile(r"\((U\d+)\)")


def _warehouse() -> Path:
    env = os.environ.get("CRM_TEST_DUCKDB")
    return Path(env) if env else ROOT / "warehouse" / "crm.duckdb"


def q(con, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


# -- Markdown parsing ----------------------------------------------------------------------
def read(run, period: str, role: str, entity_id: str) -> str:
    return (run.out_dir / period / role / f"{entity_id}.md").read_text(encoding="utf-8")


def sections(text: str) -> dict[str, str]:
    """Body of each '## ' section by its heading."""
    found: dict[str, str] = {}
    for chunk in re.split(r"^## ", text, flags=re.M)[1:]:
        title, _, body = chunk.partition("\n")
        found[title.strip()] = body
    return found


def section(text: str, prefix: str) -> str:
    matches = [body for title, body in sections(text).items() if title.startswith(prefix)]
    assert len(matches) == 1, f"expected one section starting {prefix!r}, found {len(matches)}"
    return matches[0]


def table(body: str) -> list[dict[str, str]]:
    lines = [ln for ln in body.splitlines() if ln.startswith("|")]
    if not lines:
        return []
    split = lambda ln: [c.strip() for c in re.split(r"(?<!\\)\|", ln.strip())[1:-1]]  # noqa: E731
    headers = split(lines[0])
    assert set(lines[1].replace("|", "").split()) == {"---"}, "second line is not a separator"
    return [dict(zip(headers, split(ln), strict=False)) for ln in lines[2:]]


def kv(body: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r"^- \*\*(.+?)\*\*: (.*)$", body, re.M)}


def number(text: str) -> float:
    """First number in a displayed figure: ¥1,234 / 45.6% (as a ratio) / 12.3."""
    m = re.search(r"(-?)¥?(\d[\d,]*(?:\.\d+)?)(%?)", text)
    assert m, f"no number in {text!r}"
    value = float(m.group(2).replace(",", ""))
    value = -value if m.group(1) else value
    return value / 100.0 if m.group(3) else value


def ids(rows: list[dict[str, str]], column: str) -> list[str]:
    out = []
    for row in rows:
        m = USER_ID.search(row[column])
        assert m, f"no user id in {row[column]!r}"
        out.append(m.group(1))
    return out


# -- independent entity lists --------------------------------------------------------------
def active_reps(con) -> list[str]:
    return [
        r[0]
        for r in q(
            con,
            "select user_id from core.dim_users where role = 'rep' "
            "and is_active and not coalesce(is_unknown, false)",
        )
    ]


def team_leads(con) -> dict[str, str]:
    """lead user id -> team id"""
    return dict(
        q(
            con,
            "select leader_user_id, team_id from core.dim_teams "
            "where team_id <> '-1' and leader_user_id is not null",
        )
    )


def director_regions(con) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {
        r[0]: set()
        for r in q(con, "select user_id from core.dim_users where role = 'director' and is_active")
    }
    for director, region in q(
        con,
        """
            select lead.manager_user_id, t.region_id from core.dim_teams t
            join core.dim_users lead on lead.user_id = t.leader_user_id
            where t.team_id <> '-1'""",
    ):
        if director in out:
            out[director].add(region)
    return out


def iso_week(as_of: dt.date) -> tuple[dt.date, dt.date]:
    monday = as_of - dt.timedelta(days=as_of.isoweekday() - 1)
    return monday, monday + dt.timedelta(days=6)


def last_week_window(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """What this week is fairly compared with: while the week is in progress, last week's
    Monday up to the same weekday; else the whole of last week."""
    monday, sunday = iso_week(as_of)
    last_monday = monday - dt.timedelta(days=7)
    if as_of < sunday:
        return last_monday, as_of - dt.timedelta(days=7)
    return last_monday, monday - dt.timedelta(days=1)
