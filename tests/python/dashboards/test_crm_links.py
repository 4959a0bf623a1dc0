"""Links into the CRM (CRM_LINK_TEMPLATE_*) and the visit suggestions of the workbench.

Templates: only absolute http/https URLs with known placeholders are accepted, every value is
percent-encoded, and the pages escape the URL. With templates, the workbench links each stalled
deal, data-entry issue, planned visit and suggested account; without, the site has no link out
at all. The suggestions list and its CSV equal marts.rep_visit_suggestions (queried here).
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[3]
from crm_warehouse.dashboards.crm_links import CrmLinkError, CrmLinks  # noqa: E402
from crm_warehouse.dashboards.site import build_site  # noqa: E402
from crm_warehouse.dashboards.visit_csv import COLUMNS, visit_rows  # noqa: E402

WAREHOUSE = Path(os.environ.get("CRM_TEST_DUCKDB") or ROOT / "warehouse" / "crm.duckdb")
TEMPLATES = {
    "CRM_LINK_TEMPLATE_OPPORTUNITY": 'https://crm.example.com/opp/{id}?x="><script>alert(1)</script>',
    "CRM_LINK_TEMPLATE_ACCOUNT": "https://crm.example.com/account/{id}",
    "CRM_LINK_TEMPLATE_ACTIVITY": "https://crm.example.com/activity/{id}",
    "CRM_LINK_TEMPLATE_VISIT_PLAN": "https://crm.example.com/visit/new?account={account_id}&owner={user_id}",
}


@pytest.mark.parametrize(
    "template",
    [
        "javascript:alert(1)//{id}",
        "JAVASCRIPT:alert(1)",
        "data:text/html,{id}",
        "file:///etc/{id}",
        "/opp/{id}",
        "//crm.example.com/{id}",
        "crm.example.com/{id}",
        "ftp://crm.example.com/{id}",
        "https://{id}.example.com/x",
        "https://crm.example.com/{name}",
        "https://crm.example.com/{id!r}",
        "https://crm.example.com/{id:>9}",
        "https://crm.example.com/{",
        "https://crm.example.com/a b/{id}",
    ],
)
def test_templates_other_than_http_urls_are_refused(template):
    with pytest.raises(CrmLinkError, match="CRM_LINK_TEMPLATE_ACCOUNT"):
        CrmLinks.from_env({"CRM_LINK_TEMPLATE_ACCOUNT": template})


def test_values_are_percent_encoded_and_missing_templates_give_no_link():
    links = CrmLinks.from_env(
        {
            "CRM_LINK_TEMPLATE_OPPORTUNITY": "https://crm.example.com/o/{id}?tab=1",
            "CRM_LINK_TEMPLATE_VISIT_PLAN": "http://crm.example.com/v?a={account_id}&u={user_id}",
        }
    )
    assert (
        links.url("opportunity", 'O 1/../x?y=1#z&"<')
        == "https://crm.example.com/o/O%201%2F..%2Fx%3Fy%3D1%23z%26%22%3C?tab=1"
    )
    assert links.url("visit_plan", account_id="A&1", user_id="U1") == "http://crm.example.com/v?a=A%261&u=U1"
    assert links.url("visit_plan", user_id="U1") == "http://crm.example.com/v?a=&u=U1"
    assert links.url("account", "A1") is None and links.url("opportunity", None) is None
    assert links.for_finding("activities", "X1") is None  # no activity template
    assert links.for_finding("contracts", "C1") is None  # no CRM record type
    assert not CrmLinks.from_env({}) and CrmLinks.from_env({}).url("opportunity", "O1") is None


def test_csv_cells_never_start_a_formula():
    rows = visit_rows(
        [
            {
                "user_id": "U1",
                "account_id": "A1",
                "account_name": "=1+1",
                "visit_rank": 1,
                "reasons_zh": "@SUM(A1)",
                "reasons_en": "-2+3",
                "suggested_visit_date": None,
                "stalled_amount_cny": 12.5,
            }
        ],
        CrmLinks({}),
    )
    row = dict(zip(COLUMNS, rows[0], strict=False))
    assert (
        row["account_name"] == "'=1+1" and row["subject_zh"] == "'@SUM(A1)" and row["subject_en"] == "'-2+3"
    )
    assert (
        row["stalled_amount_cny"] == "12.50" and row["crm_visit_form_url"] == "" and row["planned_date"] == ""
    )


# --------------------------------------------------------------------------- built site
@pytest.fixture(scope="module")
def sites(tmp_path_factory, shared_site):
    tmp = tmp_path_factory.mktemp("crm")
    mp = pytest.MonkeyPatch()
    plain = shared_site  # built with no link template set
    for key, value in TEMPLATES.items():
        mp.setenv(key, value)
    linked = build_site(WAREHOUSE, tmp / "linked", with_reports=False)
    mp.undo()
    con = duckdb.connect(str(WAREHOUSE), read_only=True)
    yield plain, linked, con
    con.close()


def test_without_templates_no_page_links_out(sites):
    plain, _, _ = sites
    for page in plain.out_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "crm-link" not in html and not re.search(r'href="(?:https?:)?//', html), page


def test_workbench_links_stalled_deals_issues_visits_and_suggestions(sites):
    _, linked, con = sites
    uid = con.execute(
        "select user_id from marts.rep_workbench_stalled_opportunities group by 1 "
        "order by count(*) desc, 1 limit 1"
    ).fetchone()[0]
    html = (linked.out_dir / "rep" / f"{uid}.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<a class="crm-link" href="([^"]+)"', html)
    opps = [
        r[0]
        for r in con.execute(
            "select opportunity_id from marts.rep_workbench_stalled_opportunities "
            "where user_id = ? order by days_in_stage desc, opportunity_id limit 20",
            [uid],
        ).fetchall()
    ]
    # the opportunity template's quote and tags are escaped in the attribute, never markup
    for opp in opps:
        assert (
            f"https://crm.example.com/opp/{opp}?x=&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in hrefs
        ), opp
    assert "<script>alert(1)" not in html
    # "plan N more visits": the new-visit form without an account, on every workbench with visits to plan
    rows = con.execute("select user_id, visits_to_plan from marts.rep_workbench").fetchall()
    assert any(n for _, n in rows) and not all(n for _, n in rows)
    for user, to_plan in rows:
        page = (linked.out_dir / "rep" / f"{user}.html").read_text(encoding="utf-8")
        form = f'href="https://crm.example.com/visit/new?account=&amp;owner={user}"'
        assert (form in page) == bool(to_plan), (user, to_plan)
    issues = con.execute(
        "select entity, record_id from (select * from marts.rep_workbench_dq_issues "
        "where user_id = ? order by days_open desc, finding_id limit 20) "
        "where entity in ('accounts', 'activities')",
        [uid],
    ).fetchall()
    assert issues
    for entity, record in issues:
        kind = "account" if entity == "accounts" else "activity"
        assert f"https://crm.example.com/{kind}/{record}" in hrefs


def test_suggestions_and_their_csv_equal_the_mart(sites):
    _, linked, con = sites
    reps = [
        r[0]
        for r in con.execute("select distinct user_id from marts.rep_visit_suggestions order by 1").fetchall()
    ]
    below = [
        r[0]
        for r in con.execute(
            "select user_id from marts.rep_workbench where visits_mtd < monthly_visit_threshold order by 1"
        ).fetchall()
    ]
    assert reps and set(reps) <= set(below)
    for uid in reps:
        expected = con.execute(
            "select account_id, account_name, reasons_zh, reasons_en, primary_reason_code from "
            "marts.rep_visit_suggestions where user_id = ? order by visit_rank",
            [uid],
        ).fetchall()
        path = linked.out_dir / "rep" / f"{uid}-visits.csv"
        html = (linked.out_dir / "rep" / f"{uid}.html").read_text(encoding="utf-8")
        assert f'href="{uid}-visits.csv"' in html
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        assert [
            (r["account_id"], r["account_name"], r["subject_zh"], r["subject_en"], r["primary_reason_code"])
            for r in rows
        ] == expected
        assert [int(r["priority"]) for r in rows] == list(range(1, len(rows) + 1))
        assert all(r["owner_user_id"] == uid and r["activity_type"] == "visit" for r in rows)
        assert (
            rows[0]["crm_visit_form_url"]
            == f"https://crm.example.com/visit/new?account={rows[0]['account_id']}&owner={uid}"
        )
        table = html.split('<table class="visit-suggestions">', 1)[1].split("</table>", 1)[0]
        shown = re.findall(r'href="https://crm\.example\.com/account/([^"]+)"', table)
        assert shown == [e[0] for e in expected[:15]]
    # a rep at or above the threshold has neither list nor file
    for uid in set(below) - set(reps) | {
        r[0]
        for r in con.execute(
            "select user_id from marts.rep_workbench where visits_mtd >= monthly_visit_threshold"
        ).fetchall()
    }:
        assert not (linked.out_dir / "rep" / f"{uid}-visits.csv").exists()
