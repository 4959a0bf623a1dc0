"""Links from the site into the company's CRM, built from URL templates.

One template per record type, from the environment (nothing in the repo holds a company URL):

    CRM_LINK_TEMPLATE_OPPORTUNITY   e.g. https://crm.example.com/opportunity/{id}
    CRM_LINK_TEMPLATE_ACCOUNT       e.g. https://crm.example.com/account/{id}
    CRM_LINK_TEMPLATE_ACTIVITY      e.g. https://crm.example.com/activity/{id}
    CRM_LINK_TEMPLATE_VISIT_PLAN    e.g. https://crm.example.com/visit/new?account={account_id}&owner={user_id}

Placeholders: ``{id}`` (the record's id) for the first three; ``{account_id}`` and ``{user_id}``
for the new-visit form (``{account_id}`` is empty when the link plans visits in general, "plan
N more visits"). Every value is percent-encoded (``quote(value, safe="")``) before it is put in
the URL, so an id can never add a path, a query or a fragment. Only absolute ``http``/``https``
templates with a host are accepted; anything else (``javascript:``, ``file:``, a relative path,
an unknown placeholder) stops the build with a message naming the variable. Without a template
no link is rendered for that record type. Pages escape the URL like any other attribute.
"""

from __future__ import annotations

import os
import string
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

RECORD_TYPES = ("opportunity", "account", "activity", "visit_plan")
PLACEHOLDERS = {
    "opportunity": {"id"},
    "account": {"id"},
    "activity": {"id"},
    "visit_plan": {"account_id", "user_id"},
}
ENV_PREFIX = "CRM_LINK_TEMPLATE_"
# data-quality findings name their record's entity; those with a CRM record type
ENTITY_RECORD_TYPES = {
    "opportunities": "opportunity",
    "opportunity": "opportunity",
    "accounts": "account",
    "account": "account",
    "activities": "activity",
    "activity": "activity",
}


class CrmLinkError(ValueError):
    """A CRM link template that is refused."""


def env_name(record_type: str) -> str:
    """The environment variable that holds a record type's link template."""
    return ENV_PREFIX + record_type.upper()


def _check(record_type: str, template: str) -> str:
    where = env_name(record_type)
    parts = urlsplit(template)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise CrmLinkError(
            f"{where}={template!r} is refused: a CRM link template must be an absolute "
            "http:// or https:// URL with a host"
        )
    if any(ch.isspace() or not ch.isprintable() for ch in template):
        raise CrmLinkError(f"{where} is refused: it holds whitespace or control characters")
    try:
        fields = {name for _, name, spec, conv in string.Formatter().parse(template) if name is not None}
        specs = [
            (spec, conv) for _, name, spec, conv in string.Formatter().parse(template) if name is not None
        ]
    except ValueError as exc:
        raise CrmLinkError(
            f"{where}={template!r} is refused: {exc} (write a literal brace as {{{{ or }}}})"
        ) from None
    unknown = fields - PLACEHOLDERS[record_type]
    if unknown or any(spec or conv for spec, conv in specs):
        raise CrmLinkError(
            f"{where}={template!r} is refused: placeholders allowed are "
            f"{', '.join('{' + p + '}' for p in sorted(PLACEHOLDERS[record_type]))}, "
            f"without format specs; found {', '.join(sorted(unknown)) or 'a format spec'}"
        )
    if "{" in parts.netloc or "}" in parts.netloc:
        raise CrmLinkError(f"{where}={template!r} is refused: the host may not hold a placeholder")
    return template


@dataclass(frozen=True)
class CrmLinks:
    """The configured templates; ``url()`` is None for a record type without one."""

    templates: Mapping[str, str]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> CrmLinks:
        """The link templates set in the environment, each checked; raises CrmLinkError on a bad one."""
        environ = os.environ if environ is None else environ
        found = {}
        for record_type in RECORD_TYPES:
            value = (environ.get(env_name(record_type)) or "").strip()
            if value:
                found[record_type] = _check(record_type, value)
        return cls(found)

    def __bool__(self) -> bool:
        return bool(self.templates)

    def url(self, record_type: str, record_id: object = None, **values: object) -> str | None:
        """The CRM link to a record (or for ``visit_plan`` the form filled with ``values``), with the
        values URL-quoted; None when the record type has no template or the record no id."""
        template = self.templates.get(record_type)
        if template is None:
            return None
        if record_type != "visit_plan":
            if record_id is None or str(record_id) == "":
                return None
            values = {"id": record_id}
        filled = {k: quote("" if v is None else str(v), safe="") for k, v in values.items()}
        for name in PLACEHOLDERS[record_type]:
            filled.setdefault(name, "")
        return template.format(**filled)

    def for_finding(self, entity: object, record_id: object) -> str | None:
        """The link of a data-quality finding's record (None for entities without a CRM page)."""
        record_type = ENTITY_RECORD_TYPES.get(str(entity or "").lower())
        return self.url(record_type, record_id) if record_type else None
