"""The data-quality page and the rep workbenches show the same open issues.

Builds the static site from the already-built warehouse (env CRM_TEST_DUCKDB, as
`make test-python` sets it; a few seconds, no dbt build) and reads the figures as rendered:
for every rep with a workbench page, the open-issue count in the data-quality page's rep
table equals the workbench's 待修正录入问题 (open data-entry issues) card. The score column
is labelled with its window and the scores are not all bunched at the top.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

WAREHOUSE = Path(os.environ.get("CRM_TEST_DUCKDB") or ROOT / "warehouse" / "crm.duckdb")
pytestmark = pytest.mark.skipif(not WAREHOUSE.is_file(), reason=f"no warehouse at {WAREHOUSE}: run make demo")

FIG = re.compile(
    r'<span class="fig" data-src="([^"]+)" data-col="([^"]+)" data-key="([^"]*)"[^>]*>([^<]*)</span>'
)


def figures(page: Path) -> dict[tuple[str, str, str], str]:
    """(table, column, user_id) -> the text shown, for every figure keyed by a user."""
    out = {}
    for table, col, key, text in FIG.findall(page.read_text(encoding="utf-8")):
        k = json.loads(html.unescape(key)) if key else {}
        if "user_id" in k:
            out[(table, col, k["user_id"])] = text.strip()
    return out


@pytest.fixture(scope="module")
def site(shared_site) -> Path:
    return shared_site.out_dir


def test_dq_page_open_issues_equal_each_workbench(site):
    page = figures(site / "data-quality.html")
    shown = {u: t for (_, c, u), t in page.items() if c == "open_issues"}
    assert shown, "the data-quality page shows no open-issue figure per rep"
    reps = sorted((site / "rep").glob("*.html"))
    assert reps, "no workbench pages"
    compared = 0
    for rep_page in reps:
        uid = rep_page.stem
        card = figures(rep_page).get(("marts.rep_workbench", "open_dq_issues", uid))
        if card is None:
            continue
        assert shown.get(uid, "0") == card, f"{uid}: data-quality page {shown.get(uid)!r}, workbench {card!r}"
        compared += 1
    assert compared >= len(reps) // 2, f"only {compared} of {len(reps)} workbenches show the open-issue card"


def test_dq_page_scores_are_labelled_and_spread(site):
    text = (site / "data-quality.html").read_text(encoding="utf-8")
    assert re.search(r"得分（近\d+个月）", text) and re.search(r"Score \(last \d+ months\)", text)
    page = figures(site / "data-quality.html")
    scores = [
        float(t)
        for (tb, c, _), t in page.items()
        if tb == "data_quality.dq_rep_scorecard_current" and c == "dq_score" and t not in ("", "—")
    ]
    assert len(scores) >= 5
    # the old score put every rep between 96 and 100; the window score must separate them
    assert max(scores) - min(scores) >= 20, sorted(scores)
