"""Where the project's files are: the repository root that holds dbt_project.yml, seeds/ and docs/.

The package is installed editable from ``src/``, so the root is two levels above this package.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
"""The repository root (dbt_project.yml, seeds/, models/, docs/)."""
SEEDS = ROOT / "seeds"
"""The dbt seeds folder (label and catalog CSVs the Python side reads too)."""
