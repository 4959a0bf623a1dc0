"""Tests of the synthetic landing generator (crmwh generate, src/crm_warehouse/crmgen/)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

import dq_reference as dq  # noqa: E402
from crm_warehouse.crmgen.config import COLUMNS, ENTITIES, ID_COLUMN  # noqa: E402
from crm_warehouse.crmgen.generate import generate  # noqa: E402
from crm_warehouse.landing_contract import load_contract  # noqa: E402
from generator_helpers import DELTA, END, FULL, TINY, digest_tree, read, run_cli  # noqa: E402

# documented in docs/generator.md ("Row counts"): rows of the demo export (full + delta, seed 42)
DEMO_RANGES = {
    "users": (45, 90),
    "teams": (5, 5),
    "team_memberships": (50, 100),
    "accounts": (4000, 8000),
    "account_owner_history": (10000, 30000),
    "contacts": (7000, 20000),
    "campaigns": (50, 110),
    "leads": (12000, 25000),
    "opportunities": (5000, 15000),
    "opportunity_stage_history": (20000, 50000),
    "activities": (50000, 100000),
    "contracts": (2000, 5000),
    "quotas": (3000, 7000),
    "product_usage": (6000, 20000),
    "costs": (150, 250),
}


# ---------------------------------------------------------------------------------- determinism
def test_same_seed_gives_identical_bytes(demo, tmp_path):
    again = tmp_path / "again"
    assert run_cli("--scale", "demo", "--seed", "42", "--out", str(again), "--quiet").returncode == 0
    a, b = digest_tree(demo), digest_tree(again)
    assert a.keys() == b.keys()
    assert a == b


def test_different_seed_gives_different_files(demo, tmp_path):
    other = tmp_path / "other"
    generate(other, "demo", seed=43)
    a, b = digest_tree(demo), digest_tree(other)
    assert a.keys() == b.keys()
    differing = [k for k in a if a[k] != b[k]]
    assert len(differing) > len(a) // 2


def test_full_mode_wipes_previous_exports(tmp_path):
    out = tmp_path / "land"
    stale = out / "accounts" / "2020-01-01_full.csv"
    stale.parent.mkdir(parents=True)
    stale.write_text("junk\n", encoding="utf-8")
    generate(out, TINY, seed=5)
    assert not stale.exists()
    assert sorted(p.name for p in (out / "accounts").iterdir()) == [FULL, DELTA]


# ---------------------------------------------------------------------------------- layout
def test_every_entity_folder_file_and_required_column(demo):
    contract = load_contract()
    assert set(contract) == set(ENTITIES)
    for entity in ENTITIES:
        names = sorted(p.name for p in (demo / entity).iterdir())
        assert names == [FULL, DELTA], entity
        for name in names:
            with open(demo / entity / name, encoding="utf-8", newline="") as fh:
                header = next(csv.reader(fh))
            assert header == COLUMNS[entity]
            missing = [c for c in contract[entity].columns if c not in header]
            assert not missing, (entity, name, missing)
            assert header[: len(contract[entity].columns)] == list(contract[entity].columns)
    assert COLUMNS["accounts"][-1] == "custom_field_1"


def test_csv_encoding_and_line_endings(demo):
    for entity in ENTITIES:
        raw = (demo / entity / FULL).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert b"\r\n" not in raw
        raw.decode("utf-8")
        assert raw.endswith(b"\n")
    # free text with a comma or a double quote is quoted the csv-module way
    text = (demo / "activities" / FULL).read_text(encoding="utf-8")
    assert '"整理需求清单, 下周与IT负责人确认"' in text
    assert '"发送""年度方案""报价"' in text


def test_demo_row_counts_in_documented_ranges(demo):
    meta = json.loads((demo / "_manifest" / "manifest.json").read_text(encoding="utf-8"))
    for entity, (lo, hi) in DEMO_RANGES.items():
        n = meta["row_counts"][entity]
        assert lo <= n <= hi, (entity, n)
        files = meta["files"][entity]
        assert set(files) == {FULL, DELTA}
        for name, rows in files.items():
            assert len(read(demo, entity, name)) == rows
    assert meta["as_of_date"] == END and meta["scale"] == "demo" and meta["seed"] == 42


def test_value_domains(demo_current):
    contract = load_contract()
    for entity, spec in contract.items():
        df = demo_current[entity]
        for col, allowed in spec.accepted_values.items():
            # the contract accepts enums trimmed and in any case (a business_line_variant defect
            # writes Software / CONTENT); anything else is out of the domain
            vals = {v.strip().lower() for v in df[col]} - {""}
            assert vals <= set(allowed), (entity, col, vals - set(allowed))
    ts_re = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"
    assert demo_current["opportunities"]["created_at"].str.match(ts_re).all()
    assert demo_current["contracts"]["signed_date"].str.match(r"^\d{4}-\d{2}-\d{2}$").all()
    money = demo_current["contracts"]["total_amount"]
    assert money.str.match(r"^-?\d+\.\d{2}$").all()
    for entity, prefix, width in (
        ("users", "U", 5),
        ("accounts", "A", 6),
        ("opportunities", "O", 7),
        ("activities", "V", 9),
        ("contracts", "K", 6),
        ("leads", "L", 7),
        ("contacts", "C", 7),
        ("opportunity_stage_history", "H", 8),
    ):
        assert demo_current[entity][ID_COLUMN[entity]].str.match(rf"^{prefix}\d{{{width}}}$").all(), entity
    # boolean spellings: mostly true/false, a few 1/0 and 是/否, never anything else
    for entity in ("users", "accounts", "contacts", "opportunities"):
        col = "is_active" if entity == "users" else "is_deleted"
        vals = demo_current[entity][col].value_counts(normalize=True)
        assert set(vals.index) <= {"true", "false", "1", "0", "是", "否"}
    acc = demo_current["accounts"]
    assert (
        acc["is_key_account"].isin(["1", "0"]).mean() > 0.01
        and acc["is_key_account"].isin(["是", "否"]).mean() > 0.005
    )
    # some deleted rows, not many
    for entity in ("accounts", "contacts", "leads", "opportunities", "activities", "contracts"):
        share = dq.flag(demo_current[entity]["is_deleted"]).mean()
        assert 0 < share < 0.02, (entity, share)
