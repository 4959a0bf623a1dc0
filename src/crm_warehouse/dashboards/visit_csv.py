"""The accounts a rep should visit (marts.rep_visit_suggestions) as a CSV in a CRM import shape.

One file per rep below the visit threshold, beside the workbench (``rep/<user_id>-visits.csv``),
UTF-8 with a byte-order mark (Excel opens it with the Chinese intact), one planned visit per row
in the visit-plan shape most CRMs import (columns in ``COLUMNS``, described in docs/delivery.md).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
apostrophe, so a spreadsheet opening the file never evaluates a CRM value as a formula
(``=1+1`` is written ``'=1+1``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .crm_links import CrmLinks

COLUMNS = (
    "activity_type",  # always "visit"
    "owner_user_id",  # the rep (CRM user id)
    "account_id",  # the account to visit (CRM account id)
    "account_name",  # its company name, as the workbench shows it
    "planned_date",  # proposed date: the first working day after the as-of date
    "priority",  # visit_rank: 1 = visit first
    "subject_zh",  # every reason, in Chinese
    "subject_en",  # every reason, in English
    "primary_reason_code",  # renewal_due | stalled_deal | ka_not_visited
    "renewal_end_date",  # earliest contract end within the renewal window, else empty
    "stalled_amount_cny",  # amount of the rep's stalled deals with the account, else empty
    "crm_visit_form_url",  # the CRM's new-visit form for this account (CRM_LINK_TEMPLATE_VISIT_PLAN), else empty
)
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> str:
    """The value as CSV cell text, with a leading apostrophe when it would start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def visit_rows(rows: Iterable[dict[str, Any]], crm: CrmLinks) -> list[list[str]]:
    """The CSV rows of the visit suggestions: one planned visit per row, in ``COLUMNS`` order."""
    out = []
    for r in rows:
        amount = r.get("stalled_amount_cny")
        out.append(
            [
                csv_text(v)
                for v in (
                    "visit",
                    r["user_id"],
                    r["account_id"],
                    r.get("account_name"),
                    r.get("suggested_visit_date"),
                    r["visit_rank"],
                    r.get("reasons_zh"),
                    r.get("reasons_en"),
                    r.get("primary_reason_code"),
                    r.get("renewal_end_date"),
                    None if amount is None else f"{float(amount):.2f}",
                    crm.url("visit_plan", account_id=r["account_id"], user_id=r["user_id"]),
                )
            ]
        )
    return out


def write_visit_csv(path: Path, rows: Iterable[dict[str, Any]], crm: CrmLinks) -> Path:
    """Write the visit suggestions as a UTF-8 (with BOM) CSV at ``path`` and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows(visit_rows(rows, crm))
    return path
