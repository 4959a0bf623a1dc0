"""Role queries shared by the site, the reports and the bundles: the reps, team leads and directors,
and the SQL filters of each one's scope."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from .labels import text as label_text
from .marts import MartReader
from .report_model import Entity


# -- entities ------------------------------------------------------------------------------
def list_reps(reader: MartReader) -> list[Entity]:
    """Every active rep (core.dim_users), as report entities with their current team and region."""
    rows = reader.rows(
        "select user_id, user_name, current_team_id, current_team_name, current_region_id, "
        "current_region_name from {core.dim_users} "
        "where role = 'rep' and is_active and not coalesce(is_unknown, false) order by user_id"
    )
    return [
        Entity(
            "rep",
            r["user_id"],
            r["user_name"] or r["user_id"],
            user_id=r["user_id"],
            team_id=r["current_team_id"],
            team_name=r["current_team_name"],
            region_ids=tuple(x for x in [r["current_region_id"]] if x),
            region_names=tuple(x for x in [r["current_region_name"]] if x),
        )
        for r in rows
    ]


def list_team_leads(reader: MartReader) -> list[Entity]:
    """Every team lead with their team, as report entities."""
    rows = reader.rows(
        "select t.team_id, t.team_name, t.region_id, t.region_name, t.leader_user_id, "
        "u.user_name from {core.dim_teams} t left join {core.dim_users} u "
        "on u.user_id = t.leader_user_id "
        "where t.team_id <> '-1' and not coalesce(t.is_unknown, false) "
        "and t.leader_user_id is not null order by t.leader_user_id, t.team_id"
    )
    per_lead: defaultdict[str, int] = defaultdict(int)
    for r in rows:
        per_lead[r["leader_user_id"]] += 1
    entities = []
    for r in rows:
        lead = r["leader_user_id"]
        entity_id = lead if per_lead[lead] == 1 else f"{lead}_{r['team_id']}"
        entities.append(
            Entity(
                "team_lead",
                entity_id,
                r["user_name"] or lead,
                user_id=lead,
                team_id=r["team_id"],
                team_name=r["team_name"],
                region_ids=(r["region_id"],),
                region_names=(r["region_name"],),
            )
        )
    return entities


def list_directors(reader: MartReader) -> list[Entity]:
    """Directors cover the regions of the teams whose leads report to them (or their own)."""
    rows = reader.rows(
        "select d.user_id, d.user_name, t.region_id, t.region_name "
        "from {core.dim_users} d "
        "left join {core.dim_users} l on l.manager_user_id = d.user_id "
        "left join {core.dim_teams} t on t.team_id <> '-1' and "
        "  (t.leader_user_id = l.user_id or t.region_id = d.current_region_id) "
        "where d.role = 'director' and d.is_active "
        "group by all order by d.user_id, t.region_id"
    )
    regions: dict[str, list[tuple[str, str]]] = defaultdict(list)
    names: dict[str, str] = {}
    for r in rows:
        names[r["user_id"]] = r["user_name"] or r["user_id"]
        if r["region_id"] is not None:
            regions[r["user_id"]].append((r["region_id"], r["region_name"]))
    entities = [
        Entity(
            "director",
            uid,
            names[uid],
            user_id=uid,
            region_ids=tuple(x[0] for x in regions[uid]),
            region_names=tuple(x[1] for x in regions[uid]),
        )
        for uid in names
    ]
    entities.append(Entity("director", "company", label_text("company")))
    return entities


LISTERS: dict[str, Callable[[MartReader], list[Entity]]] = {
    "rep": list_reps,
    "team_lead": list_team_leads,
    "director": list_directors,
}


# -- scope filters -------------------------------------------------------------------------
def region_filter(entity: Entity, column: str = "region_id") -> tuple[str, list[Any]]:
    """SQL condition restricting rows to a director's regions (all rows for the company)."""
    if entity.is_company:
        return "true", []
    if not entity.region_ids:
        return "false", []
    marks = ", ".join("?" for _ in entity.region_ids)
    return f"{column} in ({marks})", list(entity.region_ids)


def scope_filter(
    entity: Entity, team_col: str = "team_id", user_col: str = "user_id", region_col: str = "region_id"
) -> tuple[str, list[Any]]:
    """The SQL filter (text, parameters) of what the entity reads: a rep's own rows, a lead's team, else the region(s)."""
    if entity.role == "rep":
        return f"{user_col} = ?", [entity.user_id]
    if entity.role == "team_lead":
        return f"{team_col} = ?", [entity.team_id]
    return region_filter(entity, region_col)


def team_scope_filter(entity: Entity, team_col: str = "team_id") -> tuple[str, list[Any]]:
    """For marts with a team but no region column: the director's teams."""
    if entity.role != "director":
        return scope_filter(entity, team_col=team_col)
    cond, params = region_filter(entity, "region_id")
    return (f"{team_col} in (select team_id from {{core.dim_teams}} where {cond})", params)
