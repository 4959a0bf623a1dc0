"""Per-person bundles: one folder per person holding only what their role may see.

Built from a complete site (``build_site``), so a bundle's pages are the site's pages, byte for
byte except for links. Each bundle keeps the site's relative paths (``rep/U00012.html`` is the
same path in the full site and in every bundle that holds it), so a link written for the site
(a pushed message's ``page``) opens in the bundle of anyone allowed to see it.

    <out>/<folder>/index.html        the person's start page (links to everything below)
    <out>/<folder>/assets/           the chart library, script and style sheet
    <out>/<folder>/...               the person's pages, their .xlsx copies and CSVs, and reports
    <out>/people.csv                 user_id, role, folder: for the single-sign-on mapping only

<folder> is ``paths.slug(user_id)`` (the internal CRM user id, never a name). What each role gets:

- rep: their workbench (with its alert list, workbook and visit-suggestion CSV), their daily,
  weekly and monthly reports, and the leaderboards;
- team lead: the boards of the teams they lead (with alert lists), their members' workbenches,
  their own team-lead reports, and the leaderboards;
- director: the cockpits of their regions, the boards of the teams in those regions and their
  members' workbenches, their director reports, and the leaderboards.

A link in a bundle page whose target is not in the bundle (the full-site index, another rep's
workbench on the leaderboards, the company cockpit, the data-quality page) is turned into plain
text, so no link leaves the bundle and none is broken. The company-wide pages (company cockpit,
data-quality scorecard, indicator tree, reports index) stay in the full site, for managers.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from .labels import label
from .marts import MartReader
from .paths import safe_output_path, slug
from .report_model import PERIODS
from .roles import list_directors, list_reps, list_team_leads

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLE_CONSUMER = "person_bundles"
_LINK = re.compile(r'<a\b([^>]*?)\bhref="([^"]*)"([^>]*)>(.*?)</a>', re.S)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:|^//")


@dataclass
class Person:
    """One person's bundle: their roles, the site files they may see and their start pages."""

    user_id: str
    name: str
    roles: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)  # site-relative paths
    starts: list[tuple[str, str, str, str]] = field(default_factory=list)  # (zh, en, path, detail)

    @property
    def folder(self) -> str:
        """The person's bundle folder name."""
        return slug(self.user_id)


@dataclass
class BundleRun:
    """What a bundle build wrote: the output folder and one entry per person."""

    out_dir: Path
    people: list[Person]


def _rep_files(uid: str) -> list[str]:
    s = slug(uid)
    return [f"rep/{s}.html", f"rep/{s}.xlsx", f"rep/{s}-visits.csv", f"alerts/rep-{s}.html"]


def _report_files(as_of: dt.date, role: str, entity_id: str) -> list[str]:
    return [
        f"reports/{as_of.isoformat()}/{p}/{role}/{slug(entity_id)}.{ext}"
        for p in PERIODS
        for ext in ("html", "md", "xlsx")
    ]


def plan_people(reader: MartReader, as_of: dt.date) -> list[Person]:
    """Who gets a bundle and which site files it holds."""
    reader.consumer = BUNDLE_CONSUMER
    people: dict[str, Person] = {}
    reps_by_team: dict[str, list[str]] = defaultdict(list)
    for r in reader.rows(
        "select user_id, current_team_id as team_id from {core.dim_users} "
        "where is_rep and is_active and not is_unknown order by user_id"
    ):
        reps_by_team[r["team_id"]].append(r["user_id"])
    teams_by_region: dict[str, list[str]] = defaultdict(list)
    for t in reader.rows(
        "select team_id, region_id from {core.dim_teams} where not is_unknown order by team_id"
    ):
        teams_by_region[t["region_id"]].append(t["team_id"])

    def person(uid: str, name: str, role: str) -> Person:
        p = people.setdefault(uid, Person(uid, name))
        p.roles.add(role)
        return p

    def add_team(p: Person, team_id: str) -> None:
        p.files.update(
            {f"team/{slug(team_id)}.html", f"team/{slug(team_id)}.xlsx", f"alerts/team-{slug(team_id)}.html"}
        )
        p.starts.append((*label("team_boards"), f"team/{slug(team_id)}.html", team_id))
        for uid in reps_by_team.get(team_id, []):
            p.files.update(_rep_files(uid))

    for rep in list_reps(reader):
        rep_id = cast(str, rep.user_id)  # a rep entity is a person: its user id is set
        p = person(rep_id, rep.name, "rep")
        p.files.update(_rep_files(rep_id))
        p.files.update(_report_files(as_of, "rep", rep.entity_id))
        p.starts.append((*label("rep_workbenches"), f"rep/{slug(rep_id)}.html", rep_id))
    for lead in list_team_leads(reader):
        p = person(cast(str, lead.user_id), lead.name, "team_lead")
        add_team(p, cast(str, lead.team_id))
        p.files.update(_report_files(as_of, "team_lead", lead.entity_id))
    for director in list_directors(reader):
        if director.is_company or not director.user_id:
            continue  # the company view is the full site's, for managers
        p = person(director.user_id, director.name, "director")
        for region in director.region_ids:
            p.files.update(
                {
                    f"cockpit/{slug(region)}.html",
                    f"cockpit/{slug(region)}.xlsx",
                    f"alerts/cockpit-{slug(region)}.html",
                }
            )
            p.starts.append((*label("director_cockpit"), f"cockpit/{slug(region)}.html", region))
            for team_id in teams_by_region.get(region, []):
                add_team(p, team_id)
        p.files.update(_report_files(as_of, "director", director.entity_id))
    for p in people.values():
        p.files.update({"leaderboards.html", "leaderboards.xlsx"})
        p.starts.append((*label("leaderboards_and_team_contest"), "leaderboards.html", ""))
    return sorted(people.values(), key=lambda p: p.user_id)


def _unlink_outside(html: str, page: str, present: set[str]) -> str:
    """``html`` (the page at site path ``page``) with every relative link to a file outside the
    bundle turned into its text."""
    base = Path(page).parent

    def repl(match: re.Match) -> str:
        href = match.group(2)
        if not href or href.startswith("#") or _SCHEME.match(href):
            return match.group(0)
        target = (base / href.split("#", 1)[0]).as_posix()
        parts: list[str] = []
        for part in target.split("/"):
            if part == "..":
                if parts:
                    parts.pop()
            elif part not in ("", "."):
                parts.append(part)
        if "/".join(parts) in present:
            return match.group(0)
        return f'<span class="unlinked">{match.group(4)}</span>'

    return _LINK.sub(repl, html)


def _index_html(person: Person, as_of: dt.date, reports: list[tuple[str, str, str, str]]) -> str:
    from .site import _env

    env = _env()
    title = label("my_pages")
    page = {"kind": "bundle_index", "path": "index.html", "title_zh": title[0], "title_en": title[1]}
    return env.get_template("bundle_index.html.j2").render(
        page=page,
        ctx={"starts": person.starts, "reports": reports, "name": person.name},
        charts=[],
        nav=[],
        as_of=as_of,
        prefix="",
        reports_index=None,
        xlsx_href=None,
        chart_json="[]",
    )


def write_bundles(site_dir: Path, out_dir: Path, people: list[Person], as_of: dt.date) -> BundleRun:
    """Write every person's bundle from the built site into a fresh ``out_dir``."""
    site_dir, out_dir = Path(site_dir), Path(out_dir)
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    for p in people:
        root = safe_output_path(tmp, p.folder)
        present = {f for f in p.files if (site_dir / f).is_file()} | {"index.html"}
        present |= {f"assets/{a.name}" for a in (site_dir / "assets").iterdir()}
        shutil.copytree(site_dir / "assets", root / "assets")
        for rel in sorted(present - {"index.html"} - {f for f in present if f.startswith("assets/")}):
            target = safe_output_path(root, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            if rel.endswith(".html"):
                target.write_text(
                    _unlink_outside((site_dir / rel).read_text(encoding="utf-8"), rel, present),
                    encoding="utf-8",
                )
            else:
                shutil.copy2(site_dir / rel, target)
        reports = []
        for rel in sorted(f for f in present if f.startswith("reports/") and f.endswith(".html")):
            period, role, name = rel.split("/")[2:5]
            reports.append((*label(f"report_link_{period}"), rel, Path(name).stem))
        p.starts = [s for s in p.starts if s[2] in present]
        (root / "index.html").write_text(_index_html(p, as_of, reports), encoding="utf-8")
    with open(tmp / "people.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["user_id", "roles", "folder"])
        for p in people:
            writer.writerow([p.user_id, " ".join(sorted(p.roles)), p.folder])
    old = out_dir.with_name(out_dir.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if out_dir.exists():
        out_dir.rename(old)
    tmp.rename(out_dir)
    if old.exists():
        shutil.rmtree(old)
    return BundleRun(out_dir, people)


def build_bundles(warehouse: Path, site_dir: Path, out_dir: Path) -> BundleRun:
    """Plan from the marts, then write the bundles from the site already built in ``site_dir``."""
    with MartReader(Path(warehouse)) as reader:
        as_of = reader.as_of_date()
        people = plan_people(reader, as_of)
    return write_bundles(site_dir, out_dir, people, as_of)


__all__ = ["build_bundles", "plan_people", "write_bundles", "Person", "BundleRun"]
