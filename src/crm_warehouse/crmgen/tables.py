"""Growable column tables of the simulation: opportunities and contracts."""

from __future__ import annotations

import numpy as np


class OppTable:
    """Opportunities and their stage transitions, appended batch by batch."""

    FIELDS = (
        "created",
        "owner",
        "account",
        "line",
        "otype",
        "lead",
        "won",
        "loss_reason",
        "e0",
        "P",
        "push_h",
        "n_tr",
        "close_ts",
        "close_rec",
        "base",
        "parent_contract",
    )

    def __init__(self):
        self.parts = {k: [] for k in self.FIELDS + ("tr",)}

    def add(self, **kw):
        """Append one batch of opportunities (one array per field) and its stage transitions."""
        for k in self.FIELDS:
            self.parts[k].append(np.asarray(kw[k]))
        self.parts["tr"].append(kw["tr"])

    @property
    def created(self):
        """The creation timestamps of every opportunity added so far (or of the finished table)."""
        if hasattr(self, "_created"):
            return self._created
        return np.concatenate(self.parts["created"]) if self.parts["created"] else np.zeros(0, dtype=np.int64)

    def finish(self):
        """Concatenate the batches into one array per field and one table of transitions."""
        for k in self.FIELDS:
            setattr(self, k if k != "created" else "_created", np.concatenate(self.parts[k]))
        tr = self.parts["tr"]
        self.tr = {k: np.concatenate([t[k] for t in tr]) for k in tr[0]}
        del self.parts

    def reorder(self, order):
        """Put the opportunities in the given order, renumber their transitions to match and
        recompute each opportunity's first transition and the transitions' sequence numbers."""
        inv = np.empty(len(order), dtype=np.int64)
        inv[order] = np.arange(len(order))
        for k in self.FIELDS:
            name = k if k != "created" else "_created"
            setattr(self, name, getattr(self, name)[order])
        t = self.tr
        t["opp"] = inv[t["opp"]]
        o = np.lexsort((t["ts"], t["opp"]))  # stable: transitions of an opp are strictly increasing in ts
        self.tr = {k: v[o] for k, v in t.items()}
        self.tr_first = np.cumsum(self.n_tr) - self.n_tr
        self.tr_seq = np.arange(len(o)) - np.repeat(self.tr_first, self.n_tr)


class ContractTable:
    """Contracts and their terms, appended batch by batch."""

    FIELDS = (
        "opp",
        "account",
        "owner",
        "line",
        "ctype",
        "signed",
        "start",
        "end",
        "total",
        "recurring",
        "one_time",
        "rec",
        "term_ts",
        "parent",
    )

    def __init__(self):
        self.parts = {k: [] for k in self.FIELDS}

    def add(self, **kw):
        """Append one batch of contracts (one array per field)."""
        for k in self.FIELDS:
            self.parts[k].append(np.asarray(kw[k]))

    def count(self):
        """How many contracts have been added so far."""
        return int(sum(len(p) for p in self.parts["opp"]))

    def get(self, k, idx):
        """The values of field ``k`` at positions ``idx`` over the batches added so far."""
        return np.concatenate(self.parts[k])[idx]

    def finish(self):
        """Concatenate the batches into one array per field."""
        for k in self.FIELDS:
            setattr(self, k, np.concatenate(self.parts[k]) if self.parts[k] else np.zeros(0, dtype=np.int64))
        del self.parts

    def reorder(self, order):
        """Put the contracts in the given order."""
        for k in self.FIELDS:
            setattr(self, k, getattr(self, k)[order])
