"""Shared pieces of the simulated world: codes, work hours, the rep sampler, name helpers."""

from __future__ import annotations

import numpy as np

from .util import (
    DAY,
    HOUR,
    group_starts,
)

BIGDAY = 10**7  # "no such day" for terminations/transfers


LINE_SW, LINE_CT = 0, 1


OPP_NEW, OPP_RENEWAL, OPP_UPSELL = 0, 1, 2


ROLE_REP, ROLE_LEAD, ROLE_DIRECTOR, ROLE_OPS, ROLE_ADMIN = 0, 1, 2, 3, 4


ROLES = np.array(["rep", "team_lead", "director", "ops", "admin"], dtype=object)


def workhour(
    rng: np.random.Generator, days: np.ndarray, start_h: float = 9.0, span_h: float = 10.0
) -> np.ndarray:
    """A time on each day between start_h and start_h + span_h, rounded to the second."""
    days = np.asarray(days, dtype=np.int64)
    return days * DAY + int(start_h * HOUR) + (rng.random(len(days)) * span_h * HOUR).astype(np.int64)


class RepSampler:
    """Draws a rep who sits in a team of a given (region, line) group on a given day."""

    def __init__(self, mem_user, mem_team, mem_start, mem_end, team_group, n_groups, user_term, is_rep):
        keep = is_rep[mem_user]
        grp = team_group[mem_team[keep]]
        order = np.lexsort((mem_start[keep], mem_user[keep], grp))
        self.grp = grp[order]
        self.user = mem_user[keep][order]
        self.start = mem_start[keep][order]
        self.end = mem_end[keep][order]
        self.term = user_term[self.user]
        self.gstart, self.gcount = group_starts(self.grp, n_groups)

    def sample(self, rng, groups, days, min_remaining=0, tries=48):
        """For each (group, day) a random rep in the group on that day with at least ``min_remaining``
        days before leaving, or -1 when none is found within ``tries`` draws."""
        groups = np.asarray(groups, dtype=np.int64)
        days = np.asarray(days, dtype=np.int64)
        out = np.full(len(groups), -1, dtype=np.int64)
        todo = np.arange(len(groups))
        todo = todo[self.gcount[groups[todo]] > 0] if len(todo) else todo
        for _ in range(tries):
            if len(todo) == 0:
                break
            g = groups[todo]
            r = self.gstart[g] + (rng.random(len(todo)) * self.gcount[g]).astype(np.int64)
            d = days[todo]
            ok = (self.start[r] <= d) & (d <= self.end[r]) & (self.term[r] - d >= min_remaining)
            out[todo[ok]] = self.user[r[ok]]
            todo = todo[~ok]
        return out


def sigmoid(x):
    """The logistic function of ``x``."""
    return 1.0 / (1.0 + np.exp(-x))


def normalise_name(names: np.ndarray) -> np.ndarray:
    """Company names lower-cased, without spaces, brackets, dots, dashes or middle dots (for matching)."""
    s = np.strings.lower(names.astype(str))
    for ch in [" ", "\t", "(", ")", "（", "）", "·", ".", "-", "\u3000"]:
        s = np.strings.replace(s, ch, "")
    return s


def bool_styles(rng, n):
    """0 = true/false (95 %), 1 = 1/0 (3 %), 2 = 是/否 (2 %)."""
    return rng.choice(3, n, p=[0.95, 0.03, 0.02])


def name_variant(rng, name: str) -> str:
    """A different spelling of the same name under the duplicate normalisation."""
    k = int(rng.integers(0, 5))
    if k == 0:
        i = int(rng.integers(1, len(name)))
        return name[:i] + " " + name[i:]
    if k == 1:
        return (
            name.replace("（", "(").replace("）", ")")
            if "（" in name
            else name[:2] + "(" + name[2:4] + ")" + name[4:]
        )
    if k == 2:
        i = int(rng.integers(1, len(name)))
        return name[:i] + "·" + name[i:]
    if k == 3:
        return name + "."
    if any("a" <= ch.lower() <= "z" for ch in name):
        return name.upper() if name != name.upper() else name.lower()
    return name[:2] + "-" + name[2:]
