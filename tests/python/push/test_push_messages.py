"""What a robot receives (push/channels.py, signing.py, compose.py): the published signature, parts
that fit each platform's limit, data kept as text, briefings when due, and the marts each kind
reads listed by its exposure."""

from __future__ import annotations

import json
from urllib.parse import quote_plus

import duckdb
import pytest

from crm_warehouse.push import compose
from crm_warehouse.push.channels import CHANNELS, Message
from crm_warehouse.push.config import Mention
from crm_warehouse.push.signing import dingtalk_sign
from push_helpers import ROOT, WAREHOUSE

pytestmark = pytest.mark.skipif(not WAREHOUSE.is_file(), reason=f"no warehouse at {WAREHOUSE}: run make demo")


def test_dingtalk_signature_matches_a_published_vector():
    # the DingTalk signing example of the `dingding` crate: timestamp 1700000000000, secret "secret"
    assert (
        quote_plus(dingtalk_sign("secret", 1700000000000))
        == "OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D"
    )


def test_long_messages_are_split_to_fit_each_platform():
    lines = [f"- 第 {i} 条 记录 record {i}: " + "客户名称" * 40 for i in range(60)]
    message = Message(
        kind="alert",
        key="alert:x",
        title=("严重提醒", "Critical alert"),
        lines=lines,
        link="https://bi.example.com/crm/rep/U1.html",
        link_text=("查看详情", "Open"),
    )
    for platform, limit in (("wecom", 4096), ("dingtalk", 20_000), ("feishu", 20_000)):
        channel = CHANNELS[platform]
        payloads = channel.payloads(
            message, [Mention("user_id" if platform != "feishu" else "open_id", "demo-1")]
        )
        assert len(payloads) > 1
        texts = [channel.text_of(p) for p in payloads]
        assert all(len(t.encode("utf-8")) <= min(limit, channel.max_bytes) for t in texts)
        joined = "\n".join(texts)
        assert [joined.index(line) for line in lines] == sorted(joined.index(line) for line in lines)
        assert f"1 of {len(payloads)}" in json.dumps(payloads[0], ensure_ascii=False)


def test_data_in_a_message_stays_text(tmp_path):
    db = tmp_path / "tiny.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.team_board as select date '2026-11-25' as as_of_date")
        con.execute("""create table marts.won_deal_feed as select 1 as feed_sequence, 'K1' as contract_id,
            'U1' as user_id, 'T1' as team_id, 'R1' as region_id, date '2026-11-25' as signed_date,
            timestamp '2026-11-25 10:00:00' as recorded_at,
            '恭喜 [x](javascript:alert(1)) <script>alert(1)</script>' as message_zh,
            'hi <@all> <at id=all></at> <font color="warning">x</font> **bold**' as message_en""")
    from crm_warehouse.dashboards.marts import MartReader

    with MartReader(db) as reader:
        [message] = compose.won_deals(reader, reader.as_of_date(), 3, None)
    for platform in ("dingtalk", "wecom", "feishu"):
        channel = CHANNELS[platform]
        text = channel.text_of(channel.payloads(message, [])[0])
        assert "](javascript:" not in text and "<script>" not in text, platform
        assert "<@all>" not in text and "<at id=all>" not in text and "<font" not in text, platform
        assert "**bold**" not in text
        assert "恭喜 ［x］(javascript:alert(1)) ＜script＞" in text  # still readable


def test_briefings_due_daily_weekly_on_mondays_monthly_on_the_first():
    import datetime as dt

    assert compose.due_periods(dt.date(2026, 11, 25)) == ["daily"]  # a Wednesday
    assert compose.due_periods(dt.date(2026, 11, 30)) == ["daily", "weekly"]  # a Monday
    assert compose.due_periods(dt.date(2026, 12, 1)) == ["daily", "monthly"]  # Tuesday the 1st
    assert compose.due_periods(dt.date(2027, 3, 1)) == ["daily", "weekly", "monthly"]


def test_the_push_exposures_list_exactly_the_marts_each_kind_reads():
    import re

    import yaml

    from crm_warehouse.dashboards.marts import MartReader

    doc = yaml.safe_load((ROOT / "models" / "exposures" / "_push__exposures.yml").read_text(encoding="utf-8"))
    exposures = {
        e["name"]: {re.sub(r"ref\(['\"]([a-z0-9_]+)['\"]\)", r"\1", d) for d in e["depends_on"]}
        for e in doc["exposures"]
    }
    with MartReader(WAREHOUSE) as reader:
        as_of = reader.as_of_date()
        compose.won_deals(reader, as_of, 3, None)
        compose.reminders(reader, as_of, None, None)
        compose.alerts(reader, as_of, lambda item: False, None)
        reads = {c: t for c, t in reader.reads.items() if c.startswith("push_")}
    assert reads == exposures
