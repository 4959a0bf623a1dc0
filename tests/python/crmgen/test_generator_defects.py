"""The generator's defects (crmgen/defects.py, defect_tools.py): the manifest lists exactly what an
independent reading of the export finds, and a zero multiplier gives clean data."""

from __future__ import annotations

import json

import pandas as pd

import dq_reference as dq
from crm_warehouse.crmgen.config import CHANGE_COLUMN, ID_COLUMN
from crm_warehouse.crmgen.generate import generate
from generator_helpers import DELTA, END, FULL, read


# ---------------------------------------------------------------------------------- defects
def test_manifest_equals_reference_findings(demo, demo_current):
    found = dq.finding_keys(dq.findings(demo, demo_current))
    listed = dq.manifest_keys(demo)
    assert found - listed == set(), "found but not in the manifest (precision)"
    assert listed - found == set(), "in the manifest but not found (recall)"
    rules = {r for r, *_ in listed}
    assert len(rules) == 25  # every rule is exercised by the demo


def test_manifest_format_and_counts(demo, manifest):
    assert list(manifest.columns) == ["rule_code", "entity", "record_id", "detail"]
    rows = list(manifest.itertuples(index=False))
    assert rows == sorted(rows)
    assert not manifest.duplicated().any()
    meta = json.loads((demo / "_manifest" / "manifest.json").read_text(encoding="utf-8"))
    assert meta["defect_counts"] == {
        r: int((manifest["rule_code"] == r).sum()) for r in meta["defect_counts"]
    }
    orphan = manifest[manifest["rule_code"] == "orphan_reference"]
    assert set(zip(orphan["entity"], orphan["detail"], strict=False)) <= {
        ("activities", "owner_user_id"),
        ("activities", "account_id"),
        ("activities", "opportunity_id"),
        ("activities", "contact_id"),
        ("opportunities", "owner_user_id"),
        ("opportunities", "account_id"),
        ("contracts", "opportunity_id"),
        ("contracts", "account_id"),
        ("contracts", "owner_user_id"),
        ("leads", "owner_user_id"),
        ("leads", "account_id"),
        ("leads", "campaign_id"),
        ("contacts", "account_id"),
    }


def test_reference_detects_a_tampered_manifest(demo, demo_current, tmp_path):
    """The comparison can fail: drop one manifest row and add a defect the manifest does not list."""
    listed = dq.manifest_keys(demo)
    found = dq.finding_keys(dq.findings(demo, demo_current))
    assert found == listed
    tampered = {k: v.copy() for k, v in demo_current.items()}
    acc = tampered["accounts"]
    i = acc.index[(acc["industry"] != "") & (acc["employee_count"] != "") & ~dq.flag(acc["is_deleted"])][0]
    acc.loc[i, "industry"] = ""
    found2 = dq.finding_keys(dq.findings(demo, tampered))
    assert found2 - listed == {("account_missing_firmographics", "accounts", acc.loc[i, "account_id"], "")}


def test_every_manifest_record_exists_and_is_not_deleted(demo_current, manifest):
    for (rule, entity), grp in manifest.groupby(["rule_code", "entity"]):
        df = demo_current[entity]
        ids = set(df[ID_COLUMN[entity]])
        assert set(grp["record_id"]) <= ids, (rule, entity)
        if "is_deleted" in df and rule != "reexported_row":
            live = set(df.loc[~dq.flag(df["is_deleted"]), ID_COLUMN[entity]])
            assert set(grp["record_id"]) <= live, (rule, entity)


def test_reexported_rows_appear_twice_identically(demo, manifest):
    re_rows = manifest[manifest["rule_code"] == "reexported_row"]
    assert len(re_rows) > 0
    assert set(re_rows["detail"]) == {DELTA}
    for entity, grp in re_rows.groupby("entity"):
        key = ID_COLUMN[entity]
        full = read(demo, entity, FULL).set_index(key)
        delta = read(demo, entity, DELTA).set_index(key)
        ids = list(grp["record_id"])
        assert full.loc[ids].equals(delta.loc[ids]), entity
        # every other delta row changed on the delta day
        rest = delta.drop(index=ids)
        assert rest[CHANGE_COLUMN[entity]].str.startswith(END).all(), entity


def test_multiplier_zero_is_clean(tmp_path):
    out = tmp_path / "clean"
    generate(out, "demo", seed=42, defect_multiplier=0)
    manifest = pd.read_csv(out / "_manifest" / "defects.csv", dtype=str)
    assert len(manifest) == 0
    assert len(dq.findings(out)) == 0
