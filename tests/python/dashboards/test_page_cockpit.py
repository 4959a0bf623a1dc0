"""The cockpits (company and regions) in headless Chromium: bookings and their trend equal the
marts, every window is labelled, a part month is never compared with a full one, and the two
business lines are shown apart."""

from __future__ import annotations

import datetime as dt

import pytest

from site_helpers import WAREHOUSE, assert_shows, close

pytestmark = pytest.mark.skipif(not WAREHOUSE.is_file(), reason=f"no warehouse at {WAREHOUSE}: run make demo")


def test_cockpit_shows_company_bookings_and_trend(visited, db):
    seen = visited["cockpit/company.html"]
    as_of = db.execute("select max(as_of_date) from marts.team_board").fetchone()[0]
    month = as_of.replace(day=1)
    bookings = db.execute(
        "select sum(c.total_amount_cny) from core.fct_contracts c where c.signed_month = ?", [month]
    ).fetchone()[0]
    cards = dict(seen["cards"])
    # bookings on the cockpit = every contract signed this month (the catalog's definition)
    assert_shows(cards["bookings_amount"], bookings, "cny", "cockpit bookings card")
    trend = next(c for c in seen["charts"] if c["id"] == "c-bookings-trend")
    index = month.year * 12 + month.month - 1 - 11
    first = dt.date(index // 12, index % 12 + 1, 1)
    monthly = dict(
        db.execute(
            "select signed_month, sum(total_amount_cny) from core.fct_contracts where signed_month between ? and ? "
            "group by 1",
            [first, month],
        ).fetchall()
    )
    actual = next(s for s in trend["series"] if s["name"] in ("实际", "Actual"))
    assert len(actual["data"]) == 12
    assert close(actual["data"][-1], monthly.get(month, 0))
    assert sum(v or 0 for v in actual["data"]) == pytest.approx(float(sum(monthly.values())), abs=0.01)


def test_cockpit_labels_every_window(visited, db):
    """Usage shows the last complete month, named; churn and the unit economics name their
    trailing 12 months; flows say month to date."""
    as_of = db.execute("select max(as_of_date) from marts.team_board").fetchone()[0]
    last_usage = db.execute(
        "select max(usage_month) from core.fct_product_usage_monthly "
        "where usage_month < date_trunc('month', ?::date)",
        [as_of],
    ).fetchone()[0]
    assert last_usage is not None
    for page in ("cockpit/company.html", *[p for p in visited if p.startswith("cockpit/R")]):
        cards = visited[page]["card_texts"]
        for code in ("active_usage_rate", "sticky_usage_rate"):
            if code not in cards:
                continue
            text = cards[code]
            assert f"{last_usage.year}年{last_usage.month}月（最近完整月）" in text, (page, text)
            assert f"last complete month {last_usage:%Y-%m}" in text, (page, text)
            value = dict(visited[page]["cards"])[code]
            assert value != "—", (page, code, "usage must show the last complete month")
        for code in ("churn_rate", "customer_acquisition_cost", "cost_to_serve_per_customer"):
            if code in cards:
                assert "近12个月" in cards[code] and "trailing 12 months" in cards[code], (page, code)
        assert "本月至今" in cards["bookings_amount"] and "month to date" in cards["bookings_amount"]
    assert "churn_rate" in visited["cockpit/company.html"]["card_texts"]


def test_no_change_is_shown_between_a_part_month_and_a_full_one(visited, db):
    """While the month is in progress, no flow card (bookings, MQLs, visits…) and not the
    weighted forecast shows a month-over-month change against the full prior month; stocks
    read on the as-of date (ARR, churn) still do."""
    as_of = db.execute("select max(as_of_date) from marts.team_board").fetchone()[0]
    month_end = (as_of.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    if as_of == month_end:
        pytest.skip("the as-of date closes its month: every month is complete")
    flows = {
        r[0]
        for r in db.execute(
            "select indicator_code from reference.ref_indicator_catalog where aggregation = 'flow'"
        ).fetchall()
    }
    for page, seen in visited.items():
        if not page.startswith("cockpit/"):
            continue
        for code, text in seen["card_texts"].items():
            if code in flows or code == "weighted_forecast_amount":
                assert "环比" not in text and "不与完整期比较" in text, (page, code, text)
        assert "环比" in seen["card_texts"]["arr_amount"] if "arr_amount" in seen["card_texts"] else True


def test_cockpit_shows_software_and_content_separately(visited, db):
    """The company cockpit has a software and a content column; each line's bookings equal the
    contracts of that line signed this month, and team PK says which line each team is in."""
    as_of = db.execute("select max(as_of_date) from marts.team_board").fetchone()[0]
    month = as_of.replace(day=1)
    tables = visited["cockpit/company.html"]["all_tables"]
    lines = next(t for t in tables if "business-lines" in t["cls"])
    assert "软件 Software" in " ".join(lines["head"]) and "内容 Content" in " ".join(lines["head"])
    soft = next(i for i, h in enumerate(lines["head"]) if "软件" in h)
    cont = next(i for i, h in enumerate(lines["head"]) if "内容" in h)
    bookings = next(r for r in lines["rows"] if r[0].startswith("签约金额"))
    for line, col in (("software", soft), ("content", cont)):
        signed = db.execute(
            "select coalesce(sum(total_amount_cny), 0) from core.fct_contracts "
            "where business_line = ? and signed_month = ? and signed_date <= ?",
            [line, month, as_of],
        ).fetchone()[0]
        assert_shows(bookings[col], signed, "cny", f"cockpit {line} bookings")
    team_line = dict(
        db.execute("select team_name, business_line from core.dim_teams where not is_unknown").fetchall()
    )
    names = {"software": "软件", "content": "内容"}
    for page in ("cockpit/company.html", "leaderboards.html"):
        contest = next(t for t in visited[page]["all_tables"] if t["cls"] == "contest")
        line_col = next(
            i for i, h in enumerate(contest["head"]) if "业务线" in h and "名次" not in h and "排名" not in h
        )
        team_col = next(i for i, h in enumerate(contest["head"]) if h.startswith("团队"))
        assert contest["rows"]
        for row in contest["rows"]:
            assert names[team_line[row[team_col]]] in row[line_col], (page, row)
