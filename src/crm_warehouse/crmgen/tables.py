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
        for k in self.FIELDS:
            self.parts[k].append(np.asarray(kw[k]))
        self.parts["tr"].append(kw["tr"])

    @property
    def created(self):
        if hasattr(self, "_created"):
            return self._created
        return np.concatenate(self.parts["created"]) if self.parts["created"] else np.zeros(0, dtype=np.int64)

    def finish(self):
        for k in self.FIELDS:
            setattr(self, k if k != "created" else "_created", np.concatenate(self.parts[k]))
        tr = self.parts["tr"]
        self.tr = {k: np.concatenate([t[k] for t in tr]) for k in tr[0]}
        del self.parts

    def reorder(self, order):
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
        for k in self.FIELDS:
            self.parts[k].append(np.asarray(kw[k]))

    def count(self):
        return int(sum(len(p) for p in self.parts["opp"]))

    def get(self, k, idx):
        return np.concatenate(self.parts[k])[idx]

    def finish(self):
        for k in self.FIELDS:
            setattr(self, k, np.concatenate(self.parts[k]) if self.parts[k] else np.zeros(0, dtype=np.int64))
        del self.parts

    def reorder(self, order):
        for k in self.FIELDS:
            setattr(self, k, getattr(self, k)[order])
