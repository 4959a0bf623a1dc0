"""The landing contract as the Python scripts see it.

The single machine-readable copy of the contract is the dbt source YAML
(models/staging/crm/_crm__sources.yml): entities, required columns, primary keys and enums.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from crm_warehouse.project import ROOT as PROJECT_ROOT

SOURCES_YAML = PROJECT_ROOT / "models" / "staging" / "crm" / "_crm__sources.yml"


@dataclass(frozen=True)
class Entity:
    """One landing entity: its columns, primary key, order column, accepted values and personal-data columns."""

    name: str
    columns: tuple[str, ...]
    primary_key: tuple[str, ...]
    order_column: str | None
    accepted_values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pii_columns: tuple[str, ...] = ()


def load_contract(path: Path = SOURCES_YAML) -> dict[str, Entity]:
    """Return the landing entities keyed by name, in contract order."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    source = next(s for s in doc["sources"] if s["name"] == "crm")
    entities: dict[str, Entity] = {}
    for table in source["tables"]:
        meta = table.get("meta", {})
        cols = table.get("columns", [])
        entities[table["name"]] = Entity(
            name=table["name"],
            columns=tuple(c["name"] for c in cols),
            primary_key=tuple(meta.get("primary_key", [])),
            order_column=meta.get("order_column"),
            accepted_values={
                c["name"]: tuple(c["meta"]["accepted_values"])
                for c in cols
                if c.get("meta", {}).get("accepted_values")
            },
            pii_columns=tuple(c["name"] for c in cols if c.get("meta", {}).get("pii")),
        )
    return entities


def contract_version(path: Path = SOURCES_YAML) -> str:
    """The landing contract's version from the crm source's meta (``unknown`` when unset)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    source = next(s for s in doc["sources"] if s["name"] == "crm")
    return str(source.get("meta", {}).get("contract_version", "unknown"))
