"""The static dbt docs site (dbt docs generate --static): one self-contained HTML file.

The catalog (column types and comments) is read from a scratch copy of the served warehouse,
so it lists the relations BI users see and dbt never writes to the serving file. Static mode
embeds the manifest and the catalog in the page: it opens from disk with no server and no
network. dbt stores no row data in either (names, types, descriptions, SQL); the personal-data
salt is a bound parameter, never part of the compiled SQL, and is not passed to dbt here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from crm_warehouse.project import ROOT

# where the site keeps the docs site, relative to its index.html
DBT_DOCS_DIR = "dbt-docs"
BIN = Path(sys.executable).parent
PROJECT = "crm_indicators"


def model_anchor(model_name: str) -> str:
    """The docs site's address of a model's page, relative to its index.html."""
    return f"index.html#!/model/model.{PROJECT}.{model_name}"


def build_dbt_docs(warehouse: Path, out: Path) -> Path:
    """Generate the static docs page for `warehouse` into `out` (replaced atomically)."""
    if not Path(warehouse).is_file():
        raise FileNotFoundError(f"no warehouse at {warehouse}: run `make demo` or `make build` first")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dbt-docs-") as scratch:
        copy = Path(scratch) / "docs.duckdb"
        shutil.copyfile(warehouse, copy)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CRM_PII_SALT", "DBT_ENV_SECRET_"))}
        env.update(
            {
                "CRM_DUCKDB_PATH": str(copy),
                "DBT_PROFILES_DIR": str(ROOT),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                "CRM_LANDING_DIR": env.get("CRM_LANDING_DIR") or str(ROOT / "data" / "landing"),
            }
        )
        # a lasting target folder: dbt's partial parse is reused between runs
        target = ROOT / "target" / "dbt-docs"
        cmd = [
            str(BIN / "dbt"),
            "docs",
            "generate",
            "--static",
            "--target",
            "duckdb",
            "--target-path",
            str(target),
            "--log-path",
            str(Path(scratch) / "logs"),
            "--quiet",
        ]
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        page = target / "static_index.html"
        if proc.returncode != 0 or not page.is_file():
            raise RuntimeError(
                f"dbt docs generate failed ({proc.returncode}):\n{proc.stdout[-3000:]}{proc.stderr[-2000:]}"
            )
        tmp = out.with_name(out.name + ".tmp")
        shutil.copyfile(page, tmp)
        os.replace(tmp, out)
    return out
