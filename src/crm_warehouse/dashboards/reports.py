"""Daily, weekly and monthly role reports (日报 / 周报 / 月报) built from the serving marts.

One report per person and period, for the marts' as-of date:

- reps (every active rep, even one with no rows in the marts yet),
- team leads (one per team, ``core.dim_teams.leader_user_id``, about their team),
- directors (the regions of the teams whose leads report to them) plus one company report.

Every figure is read from a mart and formatted with ``formatting.py``, so a report reads the
same numbers as the site. Reports are written as Markdown (pipe tables) and as self-contained
HTML (inline CSS, no scripts, no network links), with an Excel copy of its sections beside it
(``excel.py``), plus an index of everything written.
Data values are escaped for Markdown (``cell``) and the HTML is rendered with raw HTML escaped
and only relative links (``safe_markdown``); file names are ``paths.slug`` of the ids and
nothing is written outside the output folder.

Each report kind reads the marts under its own consumer name (``rep_daily_report`` …
``director_monthly_report``); the tables each consumer read are returned in ``ReportRun`` so
the dbt exposures can be checked against them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import jinja2
from markupsafe import Markup

from .excel import report_sheets, write_workbook
from .labels import text as label_text
from .marts import MartReader
from .paths import safe_output_path
from .report_director import director_daily, director_monthly, director_weekly
from .report_model import (
    CONSUMERS,
    NO_DATA,
    NONE_TEXT,
    PERIOD_LABELS,
    PERIODS,
    ROLE_LABELS,
    ROLES,
    Entity,
    Report,
    ReportRun,
    Window,
)
from .report_rep import rep_daily, rep_monthly, rep_weekly
from .report_team_lead import team_lead_daily, team_lead_monthly, team_lead_weekly
from .report_text import cell
from .roles import LISTERS, list_directors, list_reps, list_team_leads
from .safe_markdown import render_markdown_html

__all__ = [
    "BUILDERS",
    "LISTERS",
    "PERIODS",
    "ROLES",
    "Report",
    "ReportRun",
    "Window",
    "build_reports",
    "list_directors",
    "list_reps",
    "list_team_leads",
]

TEMPLATES = Path(__file__).resolve().parent / "templates" / "reports"


BUILDERS: dict[tuple[str, str], Callable[[MartReader, Entity, Window], Report]] = {
    ("rep", "daily"): rep_daily,
    ("rep", "weekly"): rep_weekly,
    ("rep", "monthly"): rep_monthly,
    ("team_lead", "daily"): team_lead_daily,
    ("team_lead", "weekly"): team_lead_weekly,
    ("team_lead", "monthly"): team_lead_monthly,
    ("director", "daily"): director_daily,
    ("director", "weekly"): director_weekly,
    ("director", "monthly"): director_monthly,
}


# -- rendering -----------------------------------------------------------------------------
def template_env() -> jinja2.Environment:
    """The Jinja environment of the report templates (HTML autoescaped, undefined names fail)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals["text"] = label_text  # '中文 English' of a seed label, as the reports write it
    return env


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render_markdown(env: jinja2.Environment, report: Report) -> str:
    """The report as Markdown."""
    return _tidy(
        env.get_template("report.md.j2").render(report=report, no_data_text=NO_DATA, none_text=NONE_TEXT)
    )


def render_html(env: jinja2.Environment, title: str, md_text: str) -> str:
    """The HTML page of a report from its Markdown text."""
    body = render_markdown_html(md_text)
    return env.get_template("page.html.j2").render(title=title, body=Markup(body))


def render_index(env: jinja2.Environment, out_dir: Path, as_of: dt.date) -> str:
    """List every report in the as-of folder (also those of earlier partial runs)."""
    rows = []
    for period in PERIODS:
        for role in ROLES:
            for path in sorted((out_dir / period / role).glob("*.md")):
                text = path.read_text(encoding="utf-8")
                title = text.splitlines()[0] if text else ""
                subject = title.split(" — ", 1)[1] if " — " in title else path.stem
                rel = f"{period}/{role}/{path.stem}"
                rows.append(
                    [
                        " ".join(PERIOD_LABELS[period]),
                        " ".join(ROLE_LABELS[role]),
                        subject,
                        cell(path.stem),
                        f"[HTML]({rel}.html) · [Markdown]({rel}.md)",
                        NO_DATA if NO_DATA in text else "",
                    ]
                )
    return _tidy(env.get_template("index.md.j2").render(as_of=as_of.isoformat(), rows=rows))


def _clear(folder: Path) -> None:
    """Drop the reports of an earlier run of the same kind (people who left, renamed ids)."""
    for path in folder.glob("*"):
        if path.is_file() and path.suffix in (".md", ".html", ".xlsx"):
            path.unlink()


def _write(path: Path, text: str, run: ReportRun) -> None:
    path = safe_output_path(run.out_dir, str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    run.files.append(path)


# -- entry point ---------------------------------------------------------------------------
def _normalise(values: Iterable[str] | str, allowed: Sequence[str], what: str) -> list[str]:
    values = [values] if isinstance(values, str) else list(values)
    if "all" in values:
        return list(allowed)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValueError(f"unknown {what}: {', '.join(unknown)} (choose from {', '.join(allowed)} or all)")
    return [v for v in allowed if v in values]


def build_reports(
    warehouse: Path, out: Path, periods: Iterable[str] | str = PERIODS, roles: Iterable[str] | str = ROLES
) -> ReportRun:
    """Write every report of the given periods and roles for the marts' as-of date."""
    periods = _normalise(periods, PERIODS, "period")
    roles = _normalise(roles, ROLES, "role")
    env = template_env()
    with MartReader(Path(warehouse)) as reader:
        reader.consumer = f"{roles[0]}_{periods[0]}_report"
        as_of = reader.as_of_date()
        window = Window(as_of)
        run = ReportRun(as_of=as_of, out_dir=Path(out) / as_of.isoformat())
        for period in periods:
            for role in roles:
                reader.consumer = f"{role}_{period}_report"
                reader.as_of_date()  # every consumer depends on the as-of date
                _clear(run.out_dir / period / role)
                for entity in LISTERS[role](reader):
                    report = BUILDERS[(role, period)](reader, entity, window)
                    md_text = render_markdown(env, report)
                    base = safe_output_path(run.out_dir, report.relative_path)
                    _write(base.with_suffix(".md"), md_text, run)
                    _write(base.with_suffix(".html"), render_html(env, report.title, md_text), run)
                    run.files.append(
                        write_workbook(
                            base.with_suffix(".xlsx"), report_sheets(report.sections), report.title
                        )
                    )
                    run.reports.append(report)
        index_md = render_index(env, run.out_dir, as_of)
        _write(run.out_dir / "index.md", index_md, run)
        _write(
            run.out_dir / "index.html",
            render_html(env, f"{label_text('report_index')} — {as_of.isoformat()}", index_md),
            run,
        )
        run.reads = {c: set(t) for c, t in reader.reads.items() if c in CONSUMERS}
        run.qualified_reads = {c: set(t) for c, t in reader.qualified_reads.items() if c in CONSUMERS}
    return run
