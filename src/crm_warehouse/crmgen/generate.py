"""Write the landing exports: a full export plus the next day's delta, or one more delta."""

from __future__ import annotations

import csv
import json
import re
import shutil
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, cast

import numpy as np

from . import defects as defects_mod
from . import render as R
from .activities import chunks_of, generate_chunk
from .config import (
    COLUMNS,
    DEFAULT_DEFECT_RATES,
    DEFAULT_END_DATE,
    ENTITIES,
    ID_COLUMN,
    MAX_DELTA_DAYS,
    RULES,
    SCALES,
    ScaleConfig,
)
from .util import DAY, day_number, day_to_iso, fmt_id
from .world import World

MANIFEST_DIR = "_manifest"
PART_ROWS = 400_000
EXPORT_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})_(full|delta)\.(csv|parquet)$")
ID_FORMAT = {
    "users": ("U", 5),
    "teams": ("T", 3),
    "accounts": ("A", 6),
    "contacts": ("C", 7),
    "campaigns": ("CMP", 4),
    "leads": ("L", 7),
    "opportunities": ("O", 7),
    "opportunity_stage_history": ("H", 8),
    "activities": ("V", 9),
    "contracts": ("K", 6),
}


class Log:
    """Progress messages with the elapsed seconds on stderr, silent when quiet."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.t0 = time.monotonic()

    def __call__(self, msg: str):
        """Print the message with the seconds since the start, unless quiet."""
        if not self.quiet:
            print(f"[generate_landing {time.monotonic() - self.t0:7.1f}s] {msg}", file=sys.stderr, flush=True)


class Writer:
    """One export file; rows arrive in batches of column arrays (object arrays of str/None)."""

    def __init__(self, path: Path, columns: list[str], fmt: str):
        self.path, self.columns, self.fmt, self.rows = path, columns, fmt, 0
        if path.exists():
            raise FileExistsError(f"{path} exists: exports are never rewritten")
        if fmt == "csv":
            self.fh = open(path, "w", encoding="utf-8", newline="")
            self.w = csv.writer(self.fh, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
            self.w.writerow(columns)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            self.pa = pa
            self.schema = pa.schema([(c, pa.string()) for c in columns])
            self.pw = pq.ParquetWriter(str(path), self.schema, compression="snappy")

    def write(self, cols: dict, sel: np.ndarray | None = None):
        """Append the rows of the batch's column arrays (only the rows in ``sel`` when given)."""
        arrays = [cols[c] if sel is None else cols[c][sel] for c in self.columns]
        n = len(arrays[0]) if arrays else 0
        if n == 0:
            return
        self.rows += n
        if self.fmt == "csv":
            self.w.writerows(zip(*[a.tolist() for a in arrays], strict=False))
        else:
            pa = self.pa
            tbl = pa.Table.from_arrays(
                [pa.array(a.tolist(), type=pa.string()) for a in arrays], schema=self.schema
            )
            self.pw.write_table(tbl)

    def close(self):
        """Close the export file."""
        if self.fmt == "csv":
            self.fh.close()
        else:
            self.pw.close()


def effective_rates(multiplier: float, overrides: dict | None = None) -> dict:
    """The defect rates: the defaults with the overrides applied, each times the multiplier
    and capped at 0.5; an unknown override key raises ValueError."""
    rates = dict(DEFAULT_DEFECT_RATES)
    for k, v in (overrides or {}).items():
        if k not in rates:
            raise ValueError(f"unknown defect rate key {k!r}; known: {sorted(rates)}")
        rates[k] = float(v)
    return {k: min(0.5, v * float(multiplier)) for k, v in sorted(rates.items())}


def build_world(cfg: ScaleConfig, seed: int, end_date: str, rates: dict, log: Log):
    """Simulate the world for the scale, seed and end date and apply the defects; returns both."""
    log(f"simulating the world (scale {cfg.name}, seed {seed}, end date {end_date})")
    w = World(cfg, seed, end_date, rates)
    dfx = defects_mod.apply(w, rates)
    log(
        f"world ready: {w.n_users} users, {w.n_accounts} accounts, {w.n_opps} opportunities, {w.n_contracts} contracts"
    )
    return w, dfx


def _fmt_ids(entity: str, idx: np.ndarray, base: int = 0) -> np.ndarray:
    p, width = ID_FORMAT[entity]
    return fmt_id(p, np.asarray(idx, dtype=np.int64) + base + 1, width)


def _id_numbers(entity: str, ids: np.ndarray) -> np.ndarray:
    p, width = ID_FORMAT[entity]
    codes = np.asarray(ids.astype(f"U{len(p) + width}")).view(np.uint32).reshape(len(ids), -1)[:, len(p) :]
    return ((codes.astype(np.int64) - 48) * (10 ** np.arange(width - 1, -1, -1, dtype=np.int64))).sum(axis=1)


def _row_uniform(keys: np.ndarray, *salt: object) -> np.ndarray:
    """A uniform [0, 1) number per key that depends only on (key, salt): splitmix64 of both."""
    h = np.uint64(zlib.crc32(repr(salt).encode("utf-8")))
    with np.errstate(over="ignore"):
        z = np.asarray(keys, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15) + h * np.uint64(
            0xBF58476D1CE4E5B9
        )
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(2**53)


def _reexport_mask(seed, cfg, entity, day, change, ids, rate=0.0):
    """Rows re-exported unchanged in the delta of `day`: chosen per record, whatever the batching."""
    if rate <= 0 or len(change) == 0:
        return np.zeros(len(change), dtype=bool)
    u = _row_uniform(_id_numbers(entity, ids), seed, cfg.name, "reexport", entity, int(day))
    return (change < day) & (u < rate)


def _write_exports(
    w: World,
    dfx,
    out: Path,
    fmt: str,
    day: int,
    write_full: bool,
    seed: int,
    cfg: ScaleConfig,
    rates: dict,
    log: Log,
):
    """Write <day-1>_full (optional) and <day>_delta for every entity; return (files, manifest rows)."""
    T1 = day * DAY - 1
    T2 = (day + 1) * DAY - 1
    full_name = f"{day_to_iso(day - 1)}_full.{fmt}"
    delta_name = f"{day_to_iso(day)}_delta.{fmt}"
    files: dict[str, dict[str, int]] = {}
    mrows: list[tuple[str, str, str, str]] = []
    rate_re = rates.get("reexported_row", 0.0)
    for entity in ENTITIES:
        (out / entity).mkdir(parents=True, exist_ok=True)
        cols_order = COLUMNS[entity]
        fw = Writer(out / entity / full_name, cols_order, fmt) if write_full else None
        dw = Writer(out / entity / delta_name, cols_order, fmt)
        has_id = entity in ID_COLUMN
        if entity == "activities":
            id_base = 0
            for ci, reps in enumerate(chunks_of(w)):
                ch = generate_chunk(w, ci, reps, rates)
                if fw is not None:
                    cols, _, _, _ = R.activities(w, ch, T1, id_base)
                    fw.write(cols)
                cols, change, ids, sel = R.activities(w, ch, T2, id_base)
                re_m = _reexport_mask(seed, cfg, entity, day, change, ids, rate_re)
                dw.write(cols, np.flatnonzero((change == day) | re_m))
                mrows += [("reexported_row", entity, i, delta_name) for i in ids[re_m]]
                for rule, idx, detail, act in ch.defects:
                    lo = T1 if not write_full else -1
                    m = (act <= T2) & (act > lo)
                    det = np.broadcast_to(np.asarray(detail, dtype=object), idx.shape)
                    ids_d = _fmt_ids(entity, idx[m], id_base)
                    mrows += list(
                        zip(
                            [rule] * int(m.sum()),
                            [entity] * int(m.sum()),
                            ids_d.tolist(),
                            det[m].tolist(),
                            strict=False,
                        )
                    )
                id_base += ch.n
                log(f"activities chunk {ci + 1}/{len(chunks_of(w))}: {id_base} activities so far")
        else:
            total = R.PART_SIZE[entity](w) if entity in R.PART_SIZE else None
            parts: list[tuple[int, int] | None] = (
                [None]
                if total is None
                else [(lo, min(lo + PART_ROWS, total)) for lo in range(0, max(total, 1), PART_ROWS)]
            )
            fn = cast(Callable[..., Any], R.RENDERERS[entity])
            for _pi, part in enumerate(parts):
                args = () if part is None else (part,)
                if fw is not None:
                    cols, _, _ = fn(w, T1, *args)
                    fw.write(cols)
                cols, change, ids = fn(w, T2, *args)
                re_m = (
                    _reexport_mask(seed, cfg, entity, day, change, ids, rate_re)
                    if has_id
                    else np.zeros(len(change), bool)
                )
                dw.write(cols, np.flatnonzero((change == day) | re_m))
                if has_id:
                    mrows += [("reexported_row", entity, i, delta_name) for i in ids[re_m]]
        for wr in (fw, dw):
            if wr is not None:
                wr.close()
                files.setdefault(entity, {})[wr.path.name] = wr.rows
        log(f"{entity}: " + ", ".join(f"{k} {v} rows" for k, v in files[entity].items()))
    # defects of all entities but activities, active by the end of `day`
    lo = -1 if write_full else T1
    for rule, entity, idx, detail, act in dfx.rows:
        m = (act <= T2) & (act > lo)
        det = np.broadcast_to(np.asarray(detail, dtype=object), idx.shape)
        ids_d = _fmt_ids(entity, idx[m])
        mrows += list(
            zip([rule] * int(m.sum()), [entity] * int(m.sum()), ids_d.tolist(), det[m].tolist(), strict=False)
        )
    return files, mrows


def _write_manifest(out: Path, meta: dict, mrows: list, append: bool):
    mdir = out / MANIFEST_DIR
    mdir.mkdir(parents=True, exist_ok=True)
    path = mdir / "defects.csv"
    rows = []
    if append and path.exists():
        with open(path, encoding="utf-8", newline="") as fh:
            r = csv.reader(fh)
            next(r)
            rows = [tuple(x) for x in r]
    rows += [tuple(str(v) for v in x) for x in mrows]
    rows = sorted(set(rows))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(["rule_code", "entity", "record_id", "detail"])
        wr.writerows(rows)
    counts = {r: 0 for r in RULES}
    for x in rows:
        counts[x[0]] += 1
    meta["defect_counts"] = counts
    meta["defect_rows"] = len(rows)
    (mdir / "manifest.json").write_text(
        json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )


def _resolve_cfg(scale: str | ScaleConfig) -> ScaleConfig:
    if isinstance(scale, ScaleConfig):
        return scale
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {sorted(SCALES)}")
    return SCALES[scale]


def generate(
    out: str | Path,
    scale: str | ScaleConfig = "demo",
    seed: int = 42,
    fmt: str = "csv",
    end_date: str | None = None,
    defect_multiplier: float = 1.0,
    rate_overrides: dict | None = None,
    quiet: bool = True,
) -> dict:
    """Full mode: wipe the entity folders and write <end-1>_full and <end>_delta for every entity."""
    cfg = _resolve_cfg(scale)
    log = Log(quiet)
    end_date = end_date or DEFAULT_END_DATE.get(cfg.name, "2026-11-25")
    if not day_number("2024-03-01") <= day_number(end_date) <= day_number("2030-12-31"):
        raise ValueError(
            f"--end-date {end_date} must lie between 2024-03-01 and 2030-12-31 (history starts 2024-01-01)"
        )
    rates = effective_rates(defect_multiplier, rate_overrides)
    out = Path(out)
    w, dfx = build_world(cfg, seed, end_date, rates, log)
    out.mkdir(parents=True, exist_ok=True)
    for entity in ENTITIES + (MANIFEST_DIR,):
        if (out / entity).exists():
            shutil.rmtree(out / entity)
    day = w.end_day
    files, mrows = _write_exports(w, dfx, out, fmt, day, True, seed, cfg, rates, log)
    meta = {
        "generator": "crmgen",
        "scale": cfg.name,
        "scale_config": asdict(cfg),
        "seed": seed,
        "format": fmt,
        "end_date": end_date,
        "as_of_date": day_to_iso(day),
        "defect_multiplier": defect_multiplier,
        "defect_rates": rates,
        "rate_overrides": dict(sorted((rate_overrides or {}).items())),
        "exports": [
            {"date": day_to_iso(day - 1), "kind": "full"},
            {"date": day_to_iso(day), "kind": "delta"},
        ],
        "files": files,
        "row_counts": {e: sum(v.values()) for e, v in files.items()},
    }
    _write_manifest(out, meta, mrows, append=False)
    log(f"done: {sum(meta['row_counts'].values())} rows, {len(set(mrows))} manifest rows")
    return meta


def latest_export_day(out: Path) -> int | None:
    """The day number of the newest export file under ``out``, or None when there is none."""
    days = []
    for entity in ENTITIES:
        d = out / entity
        if not d.is_dir():
            continue
        for p in d.iterdir():
            m = EXPORT_RE.match(p.name)
            if m:
                days.append(day_number(m.group(1)))
    return max(days) if days else None


def generate_delta(
    out: str | Path,
    scale: str | ScaleConfig | None = None,
    seed: int | None = None,
    fmt: str | None = None,
    quiet: bool = True,
) -> dict:
    """Delta mode: write <next day>_delta for every entity after the latest export in `out`."""
    out = Path(out)
    log = Log(quiet)
    mpath = out / MANIFEST_DIR / "manifest.json"
    if not mpath.exists():
        raise FileNotFoundError(f"{mpath} not found: run a full generation into {out} first")
    meta = json.loads(mpath.read_text(encoding="utf-8"))
    if seed is not None and int(seed) != int(meta["seed"]):
        raise ValueError(f"--seed {seed} differs from the seed {meta['seed']} of the existing exports")
    name = scale.name if isinstance(scale, ScaleConfig) else scale
    if name is not None and name != meta["scale"]:
        raise ValueError(f"--scale {name} differs from the scale {meta['scale']} of the existing exports")
    values: dict[str, Any] = {
        k: (tuple(tuple(t) for t in v) if k == "teams" else v) for k, v in meta["scale_config"].items()
    }
    cfg = ScaleConfig(**values)
    if fmt is not None and fmt != meta["format"]:
        raise ValueError(f"--format {fmt} differs from the format {meta['format']} of the existing exports")
    fmt = meta["format"]
    last = latest_export_day(out)
    if last is None:
        raise FileNotFoundError(f"no export files in {out}")
    day = last + 1
    end_day = day_number(meta["end_date"])
    if day > end_day + MAX_DELTA_DAYS:
        raise ValueError(
            f"the simulated horizon ends: at most {MAX_DELTA_DAYS} delta days after {meta['end_date']}"
        )
    rates = meta["defect_rates"]
    w, dfx = build_world(cfg, int(meta["seed"]), meta["end_date"], rates, log)
    files, mrows = _write_exports(w, dfx, out, fmt, day, False, int(meta["seed"]), cfg, rates, log)
    for e, v in files.items():
        meta["files"].setdefault(e, {}).update(v)
    meta["row_counts"] = {e: sum(v.values()) for e, v in meta["files"].items()}
    meta["exports"].append({"date": day_to_iso(day), "kind": "delta"})
    meta["as_of_date"] = day_to_iso(day)
    _write_manifest(out, meta, mrows, append=True)
    log(f"done: delta {day_to_iso(day)}")
    return meta
