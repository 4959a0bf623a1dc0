"""Fixtures of the generator tests: the demo export (seed 42), its current rows and its defect manifest."""

from __future__ import annotations

import fcntl
import shutil
from pathlib import Path

import pandas as pd
import pytest

import dq_reference as dq
from generator_helpers import run_cli


@pytest.fixture(scope="session")
def demo(shared_root: Path) -> Path:
    """The demo export (seed 42), generated once per test session: the first worker generates it,
    the others wait on the lock and read it. Read-only: a test that changes files copies them."""
    out = shared_root / "shared-generator-demo" / "landing"
    with (shared_root / "shared-generator-demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = out.parent / "done"
        if not done.is_file():
            shutil.rmtree(out.parent, ignore_errors=True)
            out.parent.mkdir(parents=True)
            r = run_cli("--scale", "demo", "--seed", "42", "--out", str(out), "--quiet")
            assert r.returncode == 0, r.stderr
            assert r.stderr == ""  # --quiet
            done.touch()
    return out


@pytest.fixture(scope="session")
def demo_current(demo) -> dict[str, pd.DataFrame]:
    return dq.load_current(demo)


@pytest.fixture(scope="session")
def manifest(demo) -> pd.DataFrame:
    return pd.read_csv(demo / "_manifest" / "defects.csv", dtype=str, keep_default_na=False)
