"""Routing, mentions, robot endpoints and site links of the pushes.

Routes (``seeds/ref_push_routes.csv``) say which robot gets which message; people
(``seeds/ref_push_people.csv``) say how to @-mention a user on a platform. A robot's webhook
URL and secret come only from the environment (``CRM_PUSH_<ROBOT>_URL``,
``CRM_PUSH_<ROBOT>_SECRET``); ``CRM_PUSH_URL_OVERRIDE`` sends everything to one relay.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from crm_warehouse.dashboards.paths import slug
from crm_warehouse.project import SEEDS

PLATFORMS = ("dingtalk", "wecom", "feishu")
KINDS = ("won_deal", "reminder", "alert", "briefing")
SCOPE_ORDER = ("team", "region", "role", "company")  # most specific first
ROLES = ("rep", "team_lead", "director")
ID_TYPES = {"dingtalk": ("user_id", "mobile"), "wecom": ("user_id",), "feishu": ("open_id",)}
ROBOT_NAME = re.compile(r"[A-Z][A-Z0-9_]{0,47}")
PLATFORM_ID = re.compile(r"[A-Za-z0-9_.@+\-]{1,64}")


class PushConfigError(ValueError):
    """A routing or people seed row, or a setting, that cannot be used (names file, row, column)."""


@dataclass(frozen=True)
class Route:
    """One row of the routing seed."""

    route_id: str
    scope_type: str
    scope_id: str
    message_kind: str
    robot: str
    platform: str


@dataclass(frozen=True)
class Mention:
    """How to @-mention one person on one platform."""

    id_type: str
    value: str


@dataclass(frozen=True)
class Endpoint:
    """Where a robot's messages go; the secret never leaves this object except to sign."""

    url: str
    secret: str | None

    def __repr__(self) -> str:  # never print the token or the secret
        return "Endpoint(<hidden>)"


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise PushConfigError(f"{path}: missing column(s) {', '.join(missing)}")
        return [
            (n, {k: (v or "").strip() for k, v in row.items() if k}) for n, row in enumerate(reader, start=2)
        ]


def _bad(path: Path, row: int, column: str, value: str, why: str) -> PushConfigError:
    return PushConfigError(f"{path}, row {row}, column {column}: {value!r} {why}")


def load_routes(path: Path = SEEDS / "ref_push_routes.csv") -> list[Route]:
    """Every route of the routing seed, checked: a bad value raises naming file, row and column."""
    routes, seen = [], set()
    for n, row in _rows(path, ("route_id", "scope_type", "scope_id", "message_kind", "robot", "platform")):
        if not row["route_id"] or row["route_id"] in seen:
            raise _bad(path, n, "route_id", row["route_id"], "is empty or repeated")
        seen.add(row["route_id"])
        if row["scope_type"] not in SCOPE_ORDER:
            raise _bad(path, n, "scope_type", row["scope_type"], f"is not one of {', '.join(SCOPE_ORDER)}")
        if row["scope_type"] == "role" and row["scope_id"] not in ROLES:
            raise _bad(path, n, "scope_id", row["scope_id"], f"is not a role ({', '.join(ROLES)})")
        if not row["scope_id"]:
            raise _bad(path, n, "scope_id", row["scope_id"], "is empty")
        if row["message_kind"] not in ("all", *KINDS):
            raise _bad(
                path, n, "message_kind", row["message_kind"], f"is not all or one of {', '.join(KINDS)}"
            )
        if not ROBOT_NAME.fullmatch(row["robot"]):
            raise _bad(
                path, n, "robot", row["robot"], "is not a robot name (A-Z, 0-9, _; starts with a letter)"
            )
        if row["platform"] not in PLATFORMS:
            raise _bad(path, n, "platform", row["platform"], f"is not one of {', '.join(PLATFORMS)}")
        routes.append(
            Route(
                row["route_id"],
                row["scope_type"],
                row["scope_id"],
                row["message_kind"],
                row["robot"],
                row["platform"],
            )
        )
    platforms: dict[str, str] = {}
    for r in routes:
        if platforms.setdefault(r.robot, r.platform) != r.platform:
            raise PushConfigError(
                f"{path}: robot {r.robot} is routed on two platforms ({platforms[r.robot]}, {r.platform})"
            )
    return routes


def load_people(path: Path = SEEDS / "ref_push_people.csv") -> dict[tuple[str, str], Mention]:
    """(user_id, platform) -> Mention, from the people seed (checked like the routes)."""
    people: dict[tuple[str, str], Mention] = {}
    for n, row in _rows(path, ("user_id", "platform", "id_type", "platform_user_id")):
        if row["platform"] not in PLATFORMS:
            raise _bad(path, n, "platform", row["platform"], f"is not one of {', '.join(PLATFORMS)}")
        if row["id_type"] not in ID_TYPES[row["platform"]]:
            raise _bad(
                path,
                n,
                "id_type",
                row["id_type"],
                f"is not an id {row['platform']} mentions by ({', '.join(ID_TYPES[row['platform']])})",
            )
        if not PLATFORM_ID.fullmatch(row["platform_user_id"]):
            raise _bad(
                path,
                n,
                "platform_user_id",
                row["platform_user_id"],
                "is not a platform id (letters, digits, _ . @ + -; at most 64)",
            )
        key = (row["user_id"], row["platform"])
        if not row["user_id"] or key in people:
            raise _bad(path, n, "user_id", row["user_id"], f"is empty or repeated for {row['platform']}")
        people[key] = Mention(row["id_type"], row["platform_user_id"])
    return people


def resolve_routes(
    routes: list[Route], kind: str, team_id: str | None, region_id: str | None, role: str | None
) -> list[Route]:
    """The routes of the most specific scope that takes a message of `kind` about that team,
    region and recipient role (team, then region, then role, then company)."""
    wanted = {"team": team_id, "region": region_id, "role": role, "company": "all"}
    for scope in SCOPE_ORDER:
        found = [
            r
            for r in routes
            if r.scope_type == scope
            and wanted[scope] is not None
            and r.scope_id == wanted[scope]
            and r.message_kind in ("all", kind)
        ]
        if found:
            return found
    return []


def endpoint(robot: str, platform: str, env: Mapping[str, str]) -> Endpoint:
    """The robot's URL and secret from the environment; PushConfigError names the variable
    (never its value) when it is missing or not an http(s) URL."""
    if not ROBOT_NAME.fullmatch(robot):
        raise PushConfigError(f"{robot!r} is not a robot name")
    secret = env.get(f"CRM_PUSH_{robot}_SECRET") or None
    override = env.get("CRM_PUSH_URL_OVERRIDE")
    if override:
        url = override.replace("{platform}", quote(platform, safe="")).replace(
            "{robot}", quote(robot, safe="")
        )
        name = "CRM_PUSH_URL_OVERRIDE"
    else:
        name = f"CRM_PUSH_{robot}_URL"
        url = env.get(name, "")
        if not url:
            raise PushConfigError(f"{name} is not set: the webhook URL of robot {robot} ({platform})")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise PushConfigError(f"{name} is not an http(s) URL (robot {robot})")
    return Endpoint(url, secret)


def site_base_url(env: Mapping[str, str]) -> str | None:
    """``CRM_SITE_BASE_URL`` (http or https, no spaces), with one trailing slash; None when unset."""
    base = env.get("CRM_SITE_BASE_URL", "").strip()
    if not base:
        return None
    parts = urlsplit(base)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or any(c.isspace() or c in "<>\"'()[]" for c in base)
    ):
        raise PushConfigError("CRM_SITE_BASE_URL is not an http(s) address")
    return base.rstrip("/") + "/"


def bundle_base_url(env: Mapping[str, str]) -> str | None:
    """``CRM_BUNDLE_BASE_URL``: where the single sign-on serves the per-person bundles (http or
    https), with one trailing slash; None when unset. ``{person}`` in it stands for the bundle
    folder of the person a message is about (``https://bi.example.com/bundles/{person}/``);
    without it the address serves each logged-in person their own bundle (``https://bi.example.com/me/``)."""
    base = env.get("CRM_BUNDLE_BASE_URL", "").strip()
    if not base:
        return None
    parts = urlsplit(base)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or "{" in parts.netloc
        or any(c.isspace() or c in "<>\"'()[]" for c in base)
        or re.search(r"\{(?!person\})", base)
    ):
        raise PushConfigError(
            "CRM_BUNDLE_BASE_URL is not an http(s) address (the only placeholder is {person})"
        )
    return base.rstrip("/") + "/"


def bundle_link(base: str, person: str | None, relative: str | None) -> str | None:
    """Absolute link to a page inside a person's bundle (bundles keep the site's paths)."""
    if relative is None:
        return None
    if "{person}" in base:
        if not person:
            return None
        base = base.replace("{person}", quote(slug(person), safe=""))
    return base + quote(relative, safe="/-_.~")


def site_link(base: str | None, relative: str) -> str | None:
    """Absolute link to a site page or report (path segments percent-encoded), or None."""
    if base is None:
        return None
    return base + quote(relative, safe="/-_.~")
