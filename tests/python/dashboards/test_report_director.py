"""The directors' reports: off-track indicators, the won-deal feed and the two business lines equal
the marts."""

from __future__ import annotations

import pytest

from report_helpers import director_regions, kv, number, q, read, section, table


# -- director ------------------------------------------------------------------------------
def test_director_monthly_off_track_equals_indicator_values(run, con, as_of):
    month = as_of.replace(day=1)
    cases = [("company", "company", "company")]
    cases += [(d, "region", next(iter(r))) for d, r in director_regions(con).items() if len(r) == 1]
    assert len(cases) > 1
    for entity, grain, entity_id in cases:
        expected = {
            f"{zh} {en}"
            for zh, en in q(
                con,
                """
            select indicator_name_zh, indicator_name_en from marts.indicator_values
            where grain = ? and entity_id = ? and period_type = 'month'
              and period_start_date = ? and status_code = 'off_track'""",
                [grain, entity_id, month],
            )
        }
        body = section(read(run, "monthly", "director", entity), "落后指标")
        items = [ln[2:].split("：", 1)[0] for ln in body.splitlines() if ln.startswith("- ")]
        assert len(items) == len(set(items))
        assert set(items) == expected, entity
        if not expected:
            assert "无 None" in body


def test_director_daily_deals_equal_won_deal_feed(run, con, as_of):
    for director, regions in director_regions(con).items():
        marks = ", ".join("?" for _ in regions) or "null"
        n, amount = q(
            con,
            f"""select count(*), coalesce(sum(total_amount_cny), 0)
                              from marts.won_deal_feed where signed_date = ?
                              and region_id in ({marks})""",
            [as_of, *sorted(regions)],
        )[0]
        figures = kv(section(read(run, "daily", "director", director), "今日概况"))
        text = figures["今日签约 Deals signed today"]
        assert number(text) == n, director
        assert number(text.split("，", 1)[1]) == pytest.approx(float(amount), abs=0.5), director


def test_director_monthly_shows_software_and_content_separately(run, con, as_of):
    """Both lines side by side, each line's bookings equal to its contracts signed this month."""
    month = as_of.replace(day=1)
    rows = table(section(read(run, "monthly", "director", "company"), "软件与内容业务线"))
    assert rows
    header = list(rows[0])
    assert "软件 Software" in header and "内容 Content" in header
    bookings = next(r for r in rows if r["指标 Indicator"].startswith("签约金额"))
    for line, column in (("software", "软件 Software"), ("content", "内容 Content")):
        signed = q(
            con,
            """select coalesce(sum(total_amount_cny), 0) from core.fct_contracts
                           where business_line = ? and signed_month = ? and signed_date <= ?""",
            [line, month, as_of],
        )[0][0]
        assert number(bookings[column]) == pytest.approx(float(signed), abs=0.5), line
