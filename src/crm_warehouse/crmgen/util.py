"""Small deterministic helpers: seeded RNG streams, time arithmetic and vectorised formatting.

Times are int64 seconds since 1970-01-01 in local business time (no zone); days are int64
day numbers since 1970-01-01. ``NONE`` (-1) marks a missing time, ``NEVER`` an event that
does not happen inside the simulated horizon.
"""

from __future__ import annotations

import zlib

import numpy as np

DAY = 86400
HOUR = 3600
MINUTE = 60
NONE = -1
NEVER = np.int64(2**62)


def rng_for(seed: int, *keys: object) -> np.random.Generator:
    """An independent random stream for (seed, keys); keys are hashed with CRC32, never hash()."""
    parts = [int(seed) & 0xFFFFFFFF] + [zlib.crc32(str(k).encode("utf-8")) for k in keys]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(parts)))


def day_number(iso_date: str) -> int:
    """Days since 1970-01-01 of an ISO date."""
    return int(np.datetime64(iso_date, "D").astype(np.int64))


def day_to_iso(day: int) -> str:
    """The ISO date of a day number."""
    return str(np.datetime64(int(day), "D"))


def month_start_days(first_day: int, last_day: int) -> np.ndarray:
    """Day numbers of the first day of every month touching [first_day, last_day]."""
    m0 = np.datetime64(int(first_day), "D").astype("datetime64[M]")
    m1 = np.datetime64(int(last_day), "D").astype("datetime64[M]")
    months = np.arange(m0, m1 + 1)
    return months.astype("datetime64[D]").astype(np.int64)


def month_index(days: np.ndarray) -> np.ndarray:
    """Months since 1970-01 for day numbers."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def month_first_day(month_idx: np.ndarray) -> np.ndarray:
    """The day number of the first day of each month index (months since 1970-01)."""
    return (
        np.asarray(month_idx, dtype=np.int64).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    )


def weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday … 6 = Sunday."""
    return (np.asarray(days, dtype=np.int64) + 3) % 7


def to_workday(days: np.ndarray) -> np.ndarray:
    """Move Saturdays to Friday and Sundays to Monday."""
    d = np.asarray(days, dtype=np.int64).copy()
    wd = weekday(d)
    d[wd == 5] -= 1
    d[wd == 6] += 1
    return d


# ---------------------------------------------------------------------------------------
# formatting (all return object arrays of str / None so csv and parquet writers agree)
# ---------------------------------------------------------------------------------------


def _obj(a: np.ndarray, missing: np.ndarray | None) -> np.ndarray:
    out = a.astype(object)
    if missing is not None and missing.any():
        out[missing] = None
    return out


def fmt_ts(ts: np.ndarray) -> np.ndarray:
    """Timestamps (seconds since the epoch; negative = missing) as 'YYYY-MM-DD HH:MM:SS', missing as None."""
    ts = np.asarray(ts, dtype=np.int64)
    missing = ts < 0
    s = np.datetime_as_string(np.where(missing, 0, ts).astype("datetime64[s]"), unit="s")
    s = np.ascontiguousarray(s)
    if len(s):
        v = s.view(np.uint32).reshape(len(s), -1)
        v[:, 10] = 32  # 'T' -> ' '
    return _obj(s, missing)


def fmt_day(days: np.ndarray) -> np.ndarray:
    """Day numbers as ISO dates, missing (very negative) as None."""
    days = np.asarray(days, dtype=np.int64)
    missing = days < -(10**6)
    s = np.datetime_as_string(np.where(missing, 0, days).astype("datetime64[D]"), unit="D")
    return _obj(s, missing)


DAY_NONE = np.int64(-(10**9))


def fmt_id(prefix: str, nums: np.ndarray, width: int) -> np.ndarray:
    """'A' + zero-padded number, vectorised. Negative numbers give None."""
    nums = np.asarray(nums, dtype=np.int64)
    if len(nums) == 0:
        return np.zeros(0, dtype=object)
    missing = nums < 0
    n = np.where(missing, 0, nums)
    pw = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = ((n[:, None] // pw[None, :]) % 10 + 48).astype(np.uint32)
    pre = np.array([ord(c) for c in prefix], dtype=np.uint32)
    codes = np.concatenate([np.broadcast_to(pre, (len(n), len(pre))), digits], axis=1)
    codes = np.ascontiguousarray(codes)
    s = codes.view(f"<U{len(prefix) + width}").reshape(len(n))
    return _obj(s, missing)


def fmt_money(cents: np.ndarray, missing: np.ndarray | None = None) -> np.ndarray:
    """Amounts in cents as decimal text with two places; rows flagged ``missing`` as None."""
    c = np.asarray(cents, dtype=np.int64)
    if len(c) == 0:
        return np.zeros(0, dtype=object)
    a = np.abs(c)
    ip = (a // 100).astype(str)
    fp = np.strings.zfill((a % 100).astype(str), 2)
    s = np.strings.add(np.strings.add(ip, "."), fp)
    s = np.where(c < 0, np.strings.add("-", s), s)
    return _obj(np.asarray(s), missing)


def fmt_int(v: np.ndarray, missing: np.ndarray | None = None) -> np.ndarray:
    """Integers as text; rows flagged ``missing`` as None."""
    return _obj(np.asarray(v, dtype=np.int64).astype(str), missing)


BOOL_WORDS = np.array([["false", "true"], ["0", "1"], ["否", "是"]], dtype=object)


def fmt_bool(values: np.ndarray, style: np.ndarray | None = None) -> np.ndarray:
    """Booleans as text, in the spelling each row's style picks (true/false, 1/0, 是/否)."""
    v = np.asarray(values, dtype=bool).astype(np.int64)
    st = np.zeros(len(v), dtype=np.int64) if style is None else np.asarray(style, dtype=np.int64)
    return BOOL_WORDS[st, v]


def pick(table: np.ndarray, idx: np.ndarray, missing: np.ndarray | None = None) -> np.ndarray:
    """Values of ``table`` at ``idx`` (negative = missing), missing as None."""
    out = np.asarray(table, dtype=object)[np.where(idx < 0, 0, idx)]
    if missing is None:
        missing = idx < 0
    return _obj(out, missing)


def group_starts(sorted_keys: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """For keys sorted ascending in [0, n_groups): start offset and count of each group."""
    starts = np.searchsorted(sorted_keys, np.arange(n_groups), side="left")
    ends = np.searchsorted(sorted_keys, np.arange(n_groups), side="right")
    return starts, ends - starts


def cumcount(sorted_keys: np.ndarray) -> np.ndarray:
    """Position of every element inside its run of equal (already grouped) keys."""
    n = len(sorted_keys)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.ones(n, dtype=bool)
    new[1:] = sorted_keys[1:] != sorted_keys[:-1]
    idx = np.arange(n, dtype=np.int64)
    first = np.maximum.accumulate(np.where(new, idx, 0))
    return idx - first
