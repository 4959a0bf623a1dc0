"""The generator's export modes (crmgen/generate.py): the next day's delta, deduplicated exports
equal to a snapshot of the last day, and Parquet equal to CSV."""

from __future__ import annotations

import json
import shutil

import pandas as pd

import dq_reference as dq
from crm_warehouse.crmgen.config import CHANGE_COLUMN, COLUMNS, ENTITIES, ID_COLUMN
from crm_warehouse.crmgen.generate import generate, generate_delta
from generator_helpers import DELTA, FULL, TINY, digest_tree, read, run_cli


# ---------------------------------------------------------------------------------- delta mode
def test_delta_mode_appends_the_next_day_only(demo, tmp_path):
    out = tmp_path / "landing"
    shutil.copytree(demo, out)
    before = {k: v for k, v in digest_tree(out).items() if not k.startswith("_manifest")}
    r = run_cli("--scale", "demo", "--seed", "42", "--out", str(out), "--delta", "--quiet")
    assert r.returncode == 0, r.stderr
    generate_delta(out)  # and a second day
    after = digest_tree(out)
    assert {k: after[k] for k in before} == before  # existing exports unchanged, byte for byte
    new = sorted(set(after) - set(before) - {k for k in after if k.startswith("_manifest")})
    assert new == sorted(f"{e}/{d}_delta.csv" for e in ENTITIES for d in ("2026-11-26", "2026-11-27"))
    manifest = pd.read_csv(out / "_manifest" / "defects.csv", dtype=str, keep_default_na=False)
    for day in ("2026-11-26", "2026-11-27"):
        name = f"{day}_delta.csv"
        reexp = manifest[(manifest["rule_code"] == "reexported_row") & (manifest["detail"] == name)]
        for entity in ENTITIES:
            df = read(out, entity, name)
            if entity in CHANGE_COLUMN:
                ok = df[CHANGE_COLUMN[entity]].str.startswith(day) | df[ID_COLUMN[entity]].isin(
                    reexp.loc[reexp["entity"] == entity, "record_id"]
                )
                assert ok.all(), (entity, day)
            elif entity in ("team_memberships", "account_owner_history"):
                # a row starts today, or was closed today: by the next row starting today (end = yesterday),
                # or, for memberships, by a termination today (end = today)
                start_today = df["start_date"] == day
                end = pd.to_datetime(df["end_date"].replace("", None))
                closed = end == pd.Timestamp(day) - pd.Timedelta(days=1)
                if entity == "team_memberships":
                    closed |= end == pd.Timestamp(day)
                assert (start_today | closed).all(), (entity, day)
    meta = json.loads((out / "_manifest" / "manifest.json").read_text(encoding="utf-8"))
    assert meta["as_of_date"] == "2026-11-27"
    assert [e["date"] for e in meta["exports"]] == ["2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"]
    # the manifest still equals the reference findings at the new as-of date
    assert dq.finding_keys(dq.findings(out)) == dq.manifest_keys(out)
    # a delta with another seed is refused
    r = run_cli("--scale", "demo", "--seed", "7", "--out", str(out), "--delta", "--quiet")
    assert r.returncode == 2 and "seed" in r.stderr


def test_deduplicated_exports_equal_a_snapshot_of_the_last_day(tmp_path):
    """full + delta + delta, deduplicated the contract's way, equals the export rendered as of the last day."""
    from crm_warehouse.crmgen import render
    from crm_warehouse.crmgen.activities import chunks_of, generate_chunk
    from crm_warehouse.crmgen.generate import Log, build_world, effective_rates
    from crm_warehouse.crmgen.util import DAY, day_number

    out = tmp_path / "land"
    generate(out, TINY, seed=11, end_date="2026-06-10")
    generate_delta(out)
    generate_delta(out)
    current = dq.load_current(out)
    rates = effective_rates(1.0)
    w, _ = build_world(TINY, 11, "2026-06-10", rates, Log(True))
    T = (day_number("2026-06-12") + 1) * DAY - 1
    for entity in ENTITIES:
        if entity == "activities":
            parts, base = [], 0
            for ci, reps in enumerate(chunks_of(w)):
                ch = generate_chunk(w, ci, reps, rates)
                parts.append(pd.DataFrame(render.activities(w, ch, T, base)[0]))
                base += ch.n
            snap = pd.concat(parts, ignore_index=True)
        else:
            snap = pd.DataFrame(render.RENDERERS[entity](w, T)[0])
        snap = snap[COLUMNS[entity]].fillna("").astype(str)
        keys = dq.KEYS[entity][0]
        got = current[entity][COLUMNS[entity]].sort_values(keys).reset_index(drop=True)
        want = snap.sort_values(keys).reset_index(drop=True)
        assert got.equals(want), entity
    assert dq.finding_keys(dq.findings(out)) == dq.manifest_keys(out)


def test_parquet_has_the_same_values_as_csv(tmp_path):
    c, p = tmp_path / "c", tmp_path / "p"
    generate(c, TINY, seed=3)
    generate(p, TINY, seed=3, fmt="parquet")
    import pyarrow.parquet as pq

    for entity in ENTITIES:
        for name in (FULL, DELTA):
            tbl = pq.read_table(p / entity / name.replace(".csv", ".parquet"))
            assert all(str(f.type) == "string" for f in tbl.schema), entity
            pdf = tbl.to_pandas().fillna("")
            cdf = read(c, entity, name)
            assert list(pdf.columns) == list(cdf.columns)
            assert pdf.astype(str).equals(cdf), (entity, name)
    assert dq.finding_keys(dq.findings(p)) == dq.manifest_keys(p)
