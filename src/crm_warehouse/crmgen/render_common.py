"""Shared pieces of the renderers: code arrays, id formats, references that may be orphaned,
typed values, flags and the last change before a cut-off."""

from __future__ import annotations

import numpy as np

from . import names as N
from .config import STAGES
from .util import fmt_id

LINES = np.array(["software", "content"], dtype=object)


OPP_TYPES = np.array(["new_business", "renewal", "upsell"], dtype=object)


STAGE_ARR = np.array(STAGES, dtype=object)


METRICS = np.array(["bookings_amount", "new_opportunities", "visits", "new_accounts"], dtype=object)


COST_TYPES = np.array(["marketing", "sales", "cost_to_serve"], dtype=object)


LEAD_SOURCES = np.array(["marketing", "inbound_web", "outbound", "referral", "partner"], dtype=object)


LEAD_STATUS = np.array(["new", "working", "mql", "sql", "converted", "disqualified"], dtype=object)


OWNERSHIP = np.array(N.OWNERSHIP_TYPES, dtype=object)


CHANNELS = np.array(N.CHANNELS, dtype=object)


uid = lambda x: fmt_id("U", x, 5)  # noqa: E731


aid = lambda x: fmt_id("A", x, 6)  # noqa: E731


cid = lambda x: fmt_id("C", x, 7)  # noqa: E731


oid = lambda x: fmt_id("O", x, 7)  # noqa: E731


def _ref(fmt, idx, orphan):
    """Format a foreign key (index, -1 = empty) with orphan overrides (>= 0 = a missing id number)."""
    idx = np.asarray(idx, dtype=np.int64)
    orphan = np.asarray(orphan, dtype=np.int64)
    num = np.where(orphan >= 0, orphan, np.where(idx >= 0, idx + 1, -1))
    return fmt(num)


def _typed(values, owner, attr, idx):
    """Values with the free-text spellings a defect put in (attribute `attr`, None = as coded)."""
    typed = getattr(owner, attr, None)
    if typed is None:
        return values
    t = typed[idx]
    return np.where(t != None, t, values).astype(object)  # noqa: E711


def _flag(owner, attr, idx):
    f = getattr(owner, attr, None)
    return np.zeros(len(idx), dtype=bool) if f is None else f[idx]


def _max_le(T, *times):
    out = np.full(len(times[0]), -1, dtype=np.int64)
    for t in times:
        t = np.asarray(t, dtype=np.int64)
        out = np.maximum(out, np.where(t <= T, t, -1))
    return out
