"""Shared pytest set-up for the suite (runs before any test module is imported)."""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# pytest-xdist workers run with a bare __main__ (no __file__, no __spec__). PySpark's Connect
# module (imported by Great Expectations) takes that for a doctest run and calls sys.exit(0)
# on import, which would end every gate test on a worker. Give __main__ the file name a normal
# interpreter would have.
_main = sys.modules.get("__main__")
if _main is not None and getattr(_main, "__spec__", None) is None and not hasattr(_main, "__file__"):
    _main.__file__ = sys.argv[0] if sys.argv and sys.argv[0] else "pytest"


# --------------------------------------------------------------------------- shared builds
# Building a site or a warehouse takes a minute or more; the modules that read one build it
# once per test session and share it, also across pytest-xdist workers (a file lock in the
# session's base folder: the first worker builds, the others wait and read its result). A
# shared build is read-only: a test that changes files copies them first.
ROOT = Path(__file__).resolve().parents[2]
TEST_WAREHOUSE = Path(os.environ.get("CRM_TEST_DUCKDB") or ROOT / "warehouse" / "crm.duckdb")


@pytest.fixture(scope="session")
def shared_root(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The folder every worker of this session sees (xdist workers have one base folder each
    under it; a run without xdist uses its own base folder)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


def build_once(shared_root: Path, name: str, build: Callable[[Path], Any]) -> Any:
    """`build(folder)` once per session under the lock named `name`; every caller gets its
    (pickled) result. A build that raises leaves nothing behind, so the next caller retries
    and sees the same error."""
    folder = shared_root / f"shared-{name}"
    done = shared_root / f"shared-{name}.pickle"
    with (shared_root / f"shared-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.is_file():
            return pickle.loads(done.read_bytes())
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        result = build(folder)
        done.write_bytes(pickle.dumps(result))
        return result


@pytest.fixture(scope="session")
def shared_site(shared_root: Path):
    """The site with its role reports, built once from the test warehouse with no CRM link
    templates set."""
    if not TEST_WAREHOUSE.is_file():
        pytest.skip(f"no warehouse at {TEST_WAREHOUSE}: set CRM_TEST_DUCKDB or run `make demo` first")

    def build(folder: Path):
        from crm_warehouse.dashboards.crm_links import ENV_PREFIX
        from crm_warehouse.dashboards.site import build_site

        with pytest.MonkeyPatch.context() as mp:
            for key in [k for k in os.environ if k.startswith(ENV_PREFIX)]:
                mp.delenv(key)
            return build_site(TEST_WAREHOUSE, folder / "site")

    return build_once(shared_root, "site", build)


DEMO_LANDING = Path(os.environ.get("CRM_TEST_LANDING_DIR") or ROOT / "data" / "landing")
GENERATE = [sys.executable, "-m", "crm_warehouse", "generate", "--scale", "demo", "--seed", "42", "--quiet"]
# the star schema and its parents, with no test that also reads an unselected model
CORE_ONLY = ["--dbt-arg=--select=+path:models/marts/core", "--dbt-arg=--indirect-selection=cautious"]


@pytest.fixture(scope="session")
def golden(shared_root: Path) -> dict:
    """One full refresh of the minimal fixture with the default gate and source freshness (the
    refresh tests copy it per test through `warehouse`)."""
    from refresh_helpers import landing_copy, refresh, run_refresh

    def build(base: Path) -> dict:
        landing = landing_copy(base)
        serving = base / "wh" / "crm.duckdb"
        started = time.monotonic()
        proc = run_refresh(serving, landing)
        return {
            "proc": proc,
            "serving": serving,
            "landing": landing,
            "seconds": time.monotonic() - started,
            "checksums": refresh.mart_checksums(serving) if serving.exists() else {},
        }

    return build_once(shared_root, "golden", build)


@pytest.fixture()
def warehouse(tmp_path: Path, golden: dict) -> Path:
    """A serving path holding a copy of the golden warehouse (as after an earlier good night)."""
    serving = tmp_path / "wh" / "crm.duckdb"
    serving.parent.mkdir(parents=True)
    shutil.copy2(golden["serving"], serving)
    source = golden["serving"].parent
    shutil.copytree(source / "private", serving.parent / "private")  # the private full build
    shutil.copytree(source / ".parquet.versions", serving.parent / ".parquet.versions")
    os.symlink(os.readlink(source / "parquet"), serving.parent / "parquet")
    return serving


@pytest.fixture(scope="session")
def demo_delta(shared_root: Path) -> dict[str, Path]:
    """The demo exports refreshed (star schema only) as on two nights: a full refresh of the
    exports, then the generator's next-day delta and an incremental refresh. `previous` is the
    first night's warehouse the refresh archived."""
    from refresh_helpers import FAST, run_refresh

    def night(serving: Path, landing: Path) -> None:
        proc = run_refresh(serving, landing, *FAST, *CORE_ONLY, timeout=900)
        assert proc.returncode == 0, proc.stderr[-4000:]

    def build(folder: Path) -> dict[str, Path]:
        landing = folder / "landing"
        if (DEMO_LANDING / "users").is_dir() and not any(DEMO_LANDING.glob("*/*_delta.csv")):
            shutil.copytree(DEMO_LANDING, landing)  # what `make data` wrote: the same seed and scale
        else:
            subprocess.run([*GENERATE, "--out", str(landing)], check=True, cwd=ROOT, timeout=300)
        serving = folder / "wh" / "crm.duckdb"
        night(serving, landing)
        subprocess.run([*GENERATE, "--out", str(landing), "--delta"], check=True, cwd=ROOT, timeout=300)
        night(serving, landing)
        previous = next((serving.parent / "history").glob("crm.*.duckdb"))
        return {"landing": landing, "serving": serving, "previous": previous}

    return build_once(shared_root, "demo-delta", build)
