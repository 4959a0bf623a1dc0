"""Loading and validating a source mapping file (schema: mapping_schema.json)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import jsonschema
import yaml

from crm_warehouse.landing_contract import Entity, load_contract  # noqa: E402

SCHEMA_PATH = Path(__file__).with_name("mapping_schema.json")
# A file pattern names files inside the input folder: a relative glob without '..', drive or
# backslash; '**' is not allowed either (no walking the whole tree).
_SAFE_PATTERN = re.compile(r"[^\\:\x00-\x1f]+")


class MappingError(Exception):
    """A mapping file that cannot be used; the message names the file and the place in it."""


@dataclass(frozen=True)
class Mapping:
    """A loaded source mapping: its entities' blocks, the absent entities, value maps and the contract."""

    path: Path
    source: str
    entities: dict  # contract entity -> its block of the YAML
    absent: tuple[str, ...]
    value_maps: dict[str, dict[str, str]]
    contract: dict[str, Entity]


def _where(path: Path, location) -> str:
    place = "/".join(str(p) for p in location)
    return f"{path}: {place}: " if place else f"{path}: "


def names(value) -> list[str]:
    """A string or a list of strings as a list (column alternatives, file patterns, sheets)."""
    return [value] if isinstance(value, str) else list(value)


def check_pattern(pattern: str) -> str | None:
    """Why a file pattern is refused (None = it stays inside the input folder)."""
    if not _SAFE_PATTERN.fullmatch(pattern):
        return "holds a backslash, ':' or a control character"
    pure = PurePosixPath(pattern)
    if pure.is_absolute():
        return "is an absolute path; patterns are relative to the input folder"
    if any(part in ("..", "**") for part in pure.parts):
        return "holds '..' or '**'; patterns name files inside the input folder"
    return None


def load_mapping(path: Path) -> Mapping:
    """The mapping file read and checked against its JSON schema and the landing contract;
    raises MappingError listing the problems."""
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"{path}: mapping file not found") from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise MappingError(f"{path}: not a readable YAML file: {err}") from None
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(doc), key=lambda e: list(e.absolute_path)
    )
    if errors:
        lines = [f"{_where(path, e.absolute_path)}{e.message}" for e in errors[:20]]
        raise MappingError(
            "mapping file does not follow the format (docs/adapt.md):\n  " + "\n  ".join(lines)
        )
    contract = load_contract()
    problems: list[str] = []
    value_maps = doc.get("value_maps") or {}
    absent = tuple(doc.get("absent") or ())
    for name in list(doc["entities"]) + list(absent):
        if name not in contract:
            problems.append(
                f"{_where(path, ['entities', name])}not a landing entity (one of: {', '.join(contract)})"
            )
    for name in set(doc["entities"]) & set(absent):
        problems.append(f"{_where(path, ['absent'])}entity '{name}' is both mapped and absent")
    for name in contract:
        if name not in doc["entities"] and name not in absent:
            problems.append(
                f"{_where(path, ['entities'])}entity '{name}' is neither mapped nor listed under 'absent'"
            )
    for entity_name, block in doc["entities"].items():
        if entity_name not in contract:
            continue
        entity = contract[entity_name]
        for i, pattern in enumerate(names(block["files"])):
            why = check_pattern(pattern)
            if why:
                problems.append(
                    f"{_where(path, ['entities', entity_name, 'files', i])}file pattern {pattern!r} {why}"
                )
        for col in block["columns"]:
            if col not in entity.columns:
                problems.append(
                    f"{_where(path, ['entities', entity_name, 'columns', col])}"
                    f"not a column of '{entity_name}' ({', '.join(entity.columns)})"
                )
        for col in entity.columns:
            if col not in block["columns"]:
                problems.append(
                    f"{_where(path, ['entities', entity_name, 'columns'])}"
                    f"contract column '{col}' has no mapping (use constant: '' to "
                    "leave it empty)"
                )
        for col, spec in block["columns"].items():
            if "map" in spec and spec["map"] not in value_maps:
                problems.append(
                    f"{_where(path, ['entities', entity_name, 'columns', col, 'map'])}"
                    f"value map '{spec['map']}' is not defined under value_maps"
                )
            if ("format" in spec or "timezone" in spec) and spec.get("parse") not in ("date", "timestamp"):
                problems.append(
                    f"{_where(path, ['entities', entity_name, 'columns', col])}"
                    "'format' and 'timezone' need parse: date or timestamp"
                )
        previous = block.get("previous")
        if previous:
            for key in ("column", "from", "group_by"):
                if previous[key] not in entity.columns:
                    problems.append(
                        f"{_where(path, ['entities', entity_name, 'previous', key])}"
                        f"'{previous[key]}' is not a column of '{entity_name}'"
                    )
            for key in previous["order_by"]:
                if key not in entity.columns:
                    problems.append(
                        f"{_where(path, ['entities', entity_name, 'previous', 'order_by'])}"
                        f"'{key}' is not a column of '{entity_name}'"
                    )
    if problems:
        raise MappingError(
            "mapping file is inconsistent with the landing contract:\n  " + "\n  ".join(problems)
        )
    return Mapping(
        path=path,
        source=doc["source"],
        entities=doc["entities"],
        absent=absent,
        value_maps={k: dict(v) for k, v in value_maps.items()},
        contract=contract,
    )
