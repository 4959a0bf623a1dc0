"""Messages from the serving marts, one function per kind; nothing is aggregated here.

- ``won_deals``: each won deal of ``marts.won_deal_feed`` signed or recorded within the
  look-back days, with the 喜报 text the feed writes (key ``won_deal:<contract_id>``).
- ``reminders``: one per team member with open problems in ``marts.rep_workbench`` (below
  visit pace, entries to fix, stalled deals from ``rep_workbench_stalled_opportunities``),
  @-mentioning the member (key ``reminder:<team>:<user>:<as_of>``).
- ``alerts``: open critical alerts of ``marts.fct_alerts`` not yet announced, one message per
  person to act and rule (key ``alert:<person>:<rule>:<team>:<as_of>``; each alert is an item
  ``alert:<alert_id>:<first raised day>``).
- ``briefings``: the role reports of ``dashboards.reports`` (the same builders, so the same
  figures) as their first section plus a link (key ``briefing:<period>:<period id>:<role>:<id>``).

Data values are made inert with ``chat_text`` (full-width markup characters); fixed words
come from the label seeds.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable

from crm_warehouse.dashboards import reports as role_reports
from crm_warehouse.dashboards.labels import label, label_fmt
from crm_warehouse.dashboards.labels import text as label_text
from crm_warehouse.dashboards.marts import MartReader
from crm_warehouse.dashboards.paths import slug

from .channels import Message
from .chat_text import chat_text as esc
from .chat_text import from_report
from .config import site_link

MAX_STALLED = 3  # stalled deals named in a reminder
MAX_SUMMARY = 5  # lines of a briefing's summary
BRIEFING_PERIODS = ("daily", "weekly", "monthly")


def _two(pair: tuple[str, str]) -> list[str]:
    return [pair[0], pair[1]]


def _link_text() -> tuple[str, str]:
    return label("push_open_link")


def won_deals(reader: MartReader, as_of: dt.date, lookback_days: int, base: str | None) -> list[Message]:
    """Won deals signed or recorded in the last `lookback_days` days up to `as_of`, oldest first."""
    reader.consumer = "push_won_deal"
    reader.as_of_date()  # every message depends on the as-of date (models/exposures)
    since = as_of - dt.timedelta(days=lookback_days)
    rows = reader.rows(
        "select contract_id, user_id, team_id, region_id, message_zh, message_en "
        "from {marts.won_deal_feed} "
        "where greatest(signed_date, cast(recorded_at as date)) > ? and signed_date <= ? "
        "order by feed_sequence desc",
        [since, as_of],
    )
    return [
        Message(
            kind="won_deal",
            key=f"won_deal:{r['contract_id']}",
            title=label("push_won_deal_title"),
            lines=[esc(r["message_zh"]), esc(r["message_en"])],
            team_id=r["team_id"],
            region_id=r["region_id"],
            role="rep",
            mention_user_ids=[r["user_id"]],
            page="leaderboards.html",
            link=site_link(base, "leaderboards.html"),
            link_text=_link_text(),
        )
        for r in rows
    ]


def reminders(reader: MartReader, as_of: dt.date, team_id: str | None, base: str | None) -> list[Message]:
    """One reminder per member (of `team_id`, or of every team) with an open problem."""
    reader.consumer = "push_reminder"
    reader.as_of_date()  # every message depends on the as-of date (models/exposures)
    where, params = "", []
    if team_id is not None:
        found = reader.scalar("select count(*) as n from {marts.team_board} where team_id = ?", [team_id])
        if not found:
            raise ValueError(
                f"团队不存在 unknown team {team_id!r}: not in marts.team_board (the lead's --team)"
            )
        where, params = "and w.team_id = ? ", [team_id]
    rows = reader.rows(
        "select w.user_id, w.user_name, w.team_id, w.team_name, w.region_id, w.is_below_visit_pace, "
        "w.visits_mtd, w.visit_pace_target, w.visits_to_plan, w.open_dq_issues, w.critical_open_dq_issues, "
        "w.stalled_opportunities, t.leader_user_id, l.user_name as leader_name "
        "from {marts.rep_workbench} w join {marts.team_board} t on t.team_id = w.team_id "
        "left join {core.dim_users} l on l.user_id = t.leader_user_id "
        "where (w.is_below_visit_pace or w.open_dq_issues > 0 or w.stalled_opportunities > 0) "
        f"{where}order by w.team_id, w.user_id",
        params,
    )
    stalled: dict[str, list[dict]] = {}
    for s in reader.rows(
        "select user_id, account_name, stage_name_zh, stage_name_en, days_in_stage, action_hint_zh, "
        "action_hint_en from {marts.rep_workbench_stalled_opportunities} "
        "where is_stalled_in_stage or is_past_expected_close "
        "order by user_id, days_in_stage desc, opportunity_id"
    ):
        stalled.setdefault(s["user_id"], []).append(s)
    messages = []
    page: str  # each message's page, named where the message is made
    for r in rows:
        lines = _two(
            label_fmt(
                "push_reminder_from_lead",
                lead=esc(r["leader_name"] or r["leader_user_id"] or "—"),
                team=esc(r["team_name"]),
            )
        )
        if r["is_below_visit_pace"]:
            pace = r["visit_pace_target"]
            lines += _two(
                label_fmt(
                    "push_reminder_visits",
                    done=r["visits_mtd"] or 0,
                    pace="—" if pace is None else f"{pace:.1f}",
                    to_plan=r["visits_to_plan"] or 0,
                )
            )
        if r["open_dq_issues"]:
            lines += _two(
                label_fmt(
                    "push_reminder_entries",
                    count=r["open_dq_issues"],
                    critical=r["critical_open_dq_issues"] or 0,
                )
            )
        deals = stalled.get(r["user_id"], [])
        if r["stalled_opportunities"] and deals:
            lines += _two(label_fmt("push_reminder_stalled", count=r["stalled_opportunities"]))
            for d in deals[:MAX_STALLED]:
                zh, en = label_fmt(
                    "push_stalled_deal",
                    account=esc(d["account_name"]),
                    stage=(esc(d["stage_name_zh"]), esc(d["stage_name_en"])),
                    days=d["days_in_stage"],
                    hint=(esc(d["action_hint_zh"]), esc(d["action_hint_en"])),
                )
                lines += [f"- {zh}", f"  {en}"]
        messages.append(
            Message(
                kind="reminder",
                key=f"reminder:{r['team_id']}:{r['user_id']}:{as_of.isoformat()}",
                title=label_fmt("push_reminder_title", name=esc(r["user_name"])),
                lines=lines,
                team_id=r["team_id"],
                region_id=r["region_id"],
                role="rep",
                mention_user_ids=[r["user_id"]],
                page=(page := f"rep/{slug(r['user_id'])}.html"),
                link=site_link(base, page),
                link_text=_link_text(),
            )
        )
    return messages


def _alert_page(role: str, user_id: str, team_id: str | None, region_id: str | None) -> str:
    if role == "rep":
        return f"rep/{slug(user_id)}.html"
    if role == "team_lead" and team_id:
        return f"team/{slug(team_id)}.html"
    return f"cockpit/{slug(region_id)}.html" if region_id else "cockpit/company.html"


def alerts(
    reader: MartReader, as_of: dt.date, item_logged: Callable[[str], bool], base: str | None
) -> list[Message]:
    """Open critical alerts not announced before, summarised per person to act and rule."""
    reader.consumer = "push_alert"
    reader.as_of_date()  # every message depends on the as-of date (models/exposures)
    rows = reader.rows(
        "select a.alert_id, a.rule_code, a.action_role, a.action_user_id, u.user_name as action_name, "
        "a.team_id, a.region_id, a.record_name, a.message_zh, a.message_en, a.first_raised_as_of "
        "from {marts.fct_alerts} a left join {core.dim_users} u on u.user_id = a.action_user_id "
        "where a.is_open and a.severity = 'critical' "
        "order by a.action_user_id, a.rule_code, a.team_id, a.first_raised_as_of, a.alert_id"
    )
    groups: OrderedDict[tuple, list[dict]] = OrderedDict()
    for r in rows:
        r["item"] = f"alert:{r['alert_id']}:{r['first_raised_as_of']}"
        if not item_logged(r["item"]):
            groups.setdefault((r["action_user_id"], r["rule_code"], r["team_id"]), []).append(r)
    messages = []
    page: str  # each message's page, named where the message is made
    for (user_id, rule, team_id), group in groups.items():
        first = group[0]
        lines = _two(
            label_fmt("push_alert_intro", name=esc(first["action_name"] or user_id), count=len(group))
        )
        for r in group:
            lines += [f"- **{esc(r['record_name'])}**：{esc(r['message_zh'])}", f"  {esc(r['message_en'])}"]
        role = first["action_role"]
        page = _alert_page(role, user_id, team_id, first["region_id"])
        messages.append(
            Message(
                kind="alert",
                key=f"alert:{user_id}:{rule}:{team_id}:{as_of.isoformat()}",
                title=label_fmt("push_alert_title", rule=label(f"alert_rule.{rule}")),
                lines=lines,
                team_id=None if role == "director" else team_id,
                region_id=first["region_id"],
                role=role,
                mention_user_ids=[user_id],
                items=[r["item"] for r in group],
                page=page,
                link=site_link(base, page),
                link_text=_link_text(),
            )
        )
    return messages


def due_periods(day: dt.date) -> list[str]:
    """Briefings due on `day`: daily always, weekly on Mondays, monthly on the 1st."""
    return [
        p for p, due in (("daily", True), ("weekly", day.weekday() == 0), ("monthly", day.day == 1)) if due
    ]


def _period_id(period: str, as_of: dt.date) -> str:
    if period == "daily":
        return as_of.isoformat()
    if period == "weekly":
        year, week, _ = as_of.isocalendar()
        return f"{year}-W{week:02d}"
    return as_of.strftime("%Y-%m")


def _summary(report: role_reports.Report) -> list[str]:
    """The report's first section with content, short: report text is Markdown-escaped, so each
    value goes through ``from_report``."""
    r = from_report
    for section in report.sections:
        if section.kind == "kv" and section.pairs:
            return [f"- **{r(k)}**：{r(v)}" for k, v in section.pairs[:MAX_SUMMARY]]
        if section.kind == "table" and section.rows:
            return [f"**{r(section.title)}**"] + [
                "- " + " · ".join(f"{r(h)}: {r(c)}" for h, c in zip(section.headers, row, strict=False))
                for row in section.rows[:3]
            ]
        if section.kind == "list" and section.items:
            return [f"**{r(section.title)}**"] + [f"- {r(item)}" for item in section.items[:MAX_SUMMARY]]
    return []


def briefings(reader: MartReader, as_of: dt.date, periods: list[str], base: str | None) -> list[Message]:
    """Each role's report of each period in `periods`, as a short summary and a link."""
    window = role_reports.Window(as_of)
    messages = []
    page: str  # each message's page, named where the message is made
    for period in periods:
        for role in role_reports.ROLES:
            reader.consumer = f"push_briefing_{role}_{period}"
            for entity in role_reports.LISTERS[role](reader):
                report = role_reports.BUILDERS[(role, period)](reader, entity, window)
                lines = [f"{label_text('data_as_of')}: {as_of.isoformat()}", *_summary(report)]
                team = entity.team_id if role in ("rep", "team_lead") else None
                region = entity.region_ids[0] if len(entity.region_ids) == 1 else None
                messages.append(
                    Message(
                        kind="briefing",
                        key=f"briefing:{period}:{_period_id(period, as_of)}:{role}:{entity.entity_id}",
                        title=(from_report(report.title), ""),
                        lines=lines,
                        team_id=team,
                        region_id=region,
                        role=role,
                        mention_user_ids=[entity.user_id] if entity.user_id else [],
                        page=(page := f"reports/{as_of.isoformat()}/{report.relative_path}.html"),
                        link=site_link(base, page),
                        link_text=_link_text(),
                    )
                )
    return messages
