"""The role reports' model: periods, roles, sections, reports, readers and the as-of window."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .labels import label
from .labels import text as label_text
from .paths import slug

PERIODS = ("daily", "weekly", "monthly")


ROLES = ("rep", "team_lead", "director")


CONSUMERS = tuple(f"{role}_{period}_report" for role in ROLES for period in PERIODS)


NO_DATA = label_text("no_data_for_this_period")


NONE_TEXT = label_text("none")


MAX_ROWS = 10  # longest list in a report; the rest is counted in a note


DIRECTOR_MAX_ROWS = 5  # directors read a wider scope: shorter lists


MOVED_ROWS = 5  # "what moved": the largest changes vs the prior month


LEADERBOARD_METRIC = "bookings_amount"


PERIOD_LABELS = {period: label(f"report_kind_{period}") for period in ("daily", "weekly", "monthly")}


ROLE_LABELS = {role: label(f"report_reader_{role}") for role in ("rep", "team_lead", "director")}


ACTIVITY_STATUS = {
    "completed": label_text("activity_status.completed"),
    "planned": label_text("activity_status.planned"),
    "missed": label_text("activity_status.missed"),
    "cancelled": label_text("activity_status.cancelled"),
}


CONTRACT_TYPES = {
    "new_business": label_text("contract_type.new_business"),
    "renewal": label_text("contract_type.renewal"),
    "upsell": label_text("contract_type.upsell"),
}


# Indicators with a target, in reading order (others follow by code).
INDICATOR_ORDER = (
    "bookings_amount",
    "quota_attainment",
    "new_opportunity_count",
    "win_rate",
    "deal_size",
    "sales_cycle_days",
    "visit_count",
    "new_accounts_developed",
)


# team-board member flags, named as the alert rules they are (seeds/ref_alert_rules.csv)
PROBLEM_FLAGS = (
    ("has_unhealthy_funnel", label_text("alert_rule.pipeline_coverage_low")),
    ("is_below_visit_pace", label_text("alert_rule.visit_pace_behind")),
    ("is_behind_quota_pace", label_text("alert_rule.quota_pace_behind")),
    ("has_low_win_rate", label_text("alert_rule.win_rate_below_team")),
    ("has_poor_followup", label_text("poor_followup")),
    ("has_poor_data_entry", label_text("alert_rule.many_open_dq_issues")),
)


# -- model ---------------------------------------------------------------------------------
@dataclass
class Section:
    """One titled block of a report: key figures, a table or a list."""

    title: str
    kind: str = "table"  # kv | table | list
    headers: Sequence[str] = ()
    rows: list[list[str]] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    intro: str | None = None
    note: str | None = None

    @property
    def is_empty(self) -> bool:
        """True when the section has no rows, pairs or items to show."""
        return not (self.rows or self.pairs or self.items)


@dataclass
class Report:
    """One role report for one period: who it is for, its title, meta lines and sections."""

    period: str
    role: str
    entity_id: str
    subject: str
    title: str
    meta: list[str]
    sections: list[Section]
    no_data: bool = False

    @property
    def relative_path(self) -> str:
        """The report's path under the reports folder without extension: ``<period>/<role>/<entity slug>``."""
        return f"{self.period}/{self.role}/{slug(self.entity_id)}"


@dataclass(frozen=True)
class Entity:
    """Who a report is for and what it covers."""

    role: str
    entity_id: str
    name: str
    user_id: str | None = None
    team_id: str | None = None
    team_name: str | None = None
    region_ids: tuple[str, ...] = ()
    region_names: tuple[str, ...] = ()

    @property
    def is_company(self) -> bool:
        """True for the director report of the whole company."""
        return self.role == "director" and self.entity_id == "company"


@dataclass(frozen=True)
class Window:
    """The as-of day, its ISO week (Monday start) and its month."""

    as_of: dt.date

    @property
    def week_start(self) -> dt.date:
        """The Monday of the as-of date's week."""
        return self.as_of - dt.timedelta(days=self.as_of.weekday())

    @property
    def week_end(self) -> dt.date:
        """The Sunday of the as-of date's week."""
        return self.week_start + dt.timedelta(days=6)

    @property
    def month_start(self) -> dt.date:
        """The first day of the as-of date's month."""
        return self.as_of.replace(day=1)

    @property
    def month_end(self) -> dt.date:
        """The last day of the as-of date's month."""
        nxt = (self.month_start + dt.timedelta(days=32)).replace(day=1)
        return nxt - dt.timedelta(days=1)

    @property
    def week_in_progress(self) -> bool:
        """True when the as-of date falls before the end of its week."""
        return self.as_of < self.week_end

    @property
    def month_in_progress(self) -> bool:
        """True when the as-of date falls before the end of its month."""
        return self.as_of < self.month_end


@dataclass
class ReportRun:
    """What a build wrote and what each consumer read."""

    as_of: dt.date
    out_dir: Path
    files: list[Path] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    reads: dict[str, set[str]] = field(default_factory=dict)  # bare table names
    qualified_reads: dict[str, set[str]] = field(default_factory=dict)  # schema.table

    def summary(self) -> str:
        """A one-line summary: how many reports per period and files were written, for which date and where."""
        counts: defaultdict[str, int] = defaultdict(int)
        for report in self.reports:
            counts[report.period] += 1
        parts = ", ".join(f"{p} {counts[p]}" for p in PERIODS if counts[p])
        return (
            f"wrote {len(self.reports)} reports ({parts}; {len(self.files)} files) "
            f"for {self.as_of.isoformat()} under {self.out_dir}"
        )
