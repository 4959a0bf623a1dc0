"""Shared by the generator tests: the generator's command line, the export file names, a tiny
scale and readers of an export."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pandas as pd

from crm_warehouse.crmgen.config import SCALES

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ["-m", "crm_warehouse", "generate"]


END = "2026-11-25"


FULL = "2026-11-24_full.csv"


DELTA = "2026-11-25_delta.csv"


TINY = SCALES["demo"].with_(
    name="tiny",
    teams=(("R02", "software", 1), ("R03", "content", 1)),
    reps_per_team=3,
    accounts_per_rep=12,
    opp_rate=3.0,
    lead_rate=1.0,
    campaigns_per_line_month=0.3,
    leads_per_campaign=8.0,
    other_activity_rate=8.0,
    new_accounts_rate=1.0,
    pool_accounts_rate=1.0,
)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *SCRIPT, *args], capture_output=True, text=True, check=False)


def digest_tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def read(landing: Path, entity: str, name: str) -> pd.DataFrame:
    return pd.read_csv(landing / entity / name, dtype=str, keep_default_na=False)
