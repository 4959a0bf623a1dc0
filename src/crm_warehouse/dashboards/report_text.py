"""Text helpers of the role reports: cells, people, money, ratios, statuses, week and month labels."""

from __future__ import annotations

from typing import Any

from .formatting import MISSING, fmt_number, month_label, severity_label, status_label
from .labels import text as label_text
from .labels import text_fmt
from .report_model import MAX_ROWS, Entity, Window
from .safe_markdown import escape_markdown


# -- text helpers --------------------------------------------------------------------------
def cell(value: Any) -> str:
    """Text safe inside a Markdown pipe table (and inside HTML once rendered)."""
    if value is None:
        return MISSING
    return escape_markdown(value)


def person(name: Any, user_id: Any) -> str:
    """A person as 'name (user id)'."""
    return f"{cell(name)} ({cell(user_id)})"


def yes_no(flag: Any) -> str:
    """The label of yes or no."""
    return label_text("yes") if flag else label_text("no")


def money(value: Any) -> str:
    """An amount in CNY as report text."""
    return fmt_number(value, "cny")


def count(value: Any) -> str:
    """A count as report text."""
    return fmt_number(value, "count")


def ratio(value: Any) -> str:
    """A ratio as report text."""
    return fmt_number(value, "ratio")


def status_text(code: str | None) -> str:
    """An indicator status as 'Chinese English' text."""
    zh, en = status_label(code)
    return f"{zh} {en}"


def severity_text(code: str | None) -> str:
    """An alert severity as text, the missing mark when there is none."""
    zh, en = severity_label(code)
    return cell(f"{zh} {en}" if zh != en else zh) if code else MISSING


def capped(rows: list[list[str]], total: int, limit: int = MAX_ROWS) -> tuple[list[list[str]], str | None]:
    """The first ``limit`` rows, and a note of how many more there are (None when none)."""
    shown = rows[:limit]
    more = total - len(shown)
    return shown, (text_fmt("more_not_shown", more=more) if more > 0 else None)


def week_label(w: Window) -> str:
    """The as-of week as text: ISO week and its dates (in progress when it is)."""
    year, week, _ = w.as_of.isocalendar()
    text = (
        f"{text_fmt('week_of_year', year=year, week=week)}: "
        f"{w.week_start.isoformat()} – {w.week_end.isoformat()}"
    )
    if w.week_in_progress:
        text += f"（{text_fmt('in_progress_as_of', as_of=w.as_of.isoformat())}）"
    return text


def month_text(w: Window) -> str:
    """The as-of month as text (in progress when it is)."""
    zh, en = month_label(w.month_start)
    text = f"{zh} {en}"
    if w.month_in_progress:
        text += f"（{text_fmt('in_progress_as_of', as_of=w.as_of.isoformat())}）"
    return text


def subject_text(entity: Entity) -> str:
    """Whom a report is about: the rep and team, the team and lead, the company, or the director and region(s)."""
    if entity.role == "rep":
        return f"{person(entity.name, entity.user_id)} · {label_text('team')}: {cell(entity.team_name)}"
    if entity.role == "team_lead":
        return (
            f"{cell(entity.team_name)} ({cell(entity.team_id)}) · {label_text('team_lead_short')}: "
            f"{person(entity.name, entity.user_id)}"
        )
    if entity.is_company:
        return label_text("company")
    regions = "、".join(
        f"{cell(n)} ({cell(i)})" for i, n in zip(entity.region_ids, entity.region_names, strict=False)
    )
    return f"{person(entity.name, entity.user_id)} · {label_text('region')}: {regions or MISSING}"
