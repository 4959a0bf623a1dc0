"""Running a mapping: CRM exports in IN -> a landing folder OUT in the contract.

Per entity the matched input files are read, each row's contract values are computed by the
column expressions, and one CSV per input file is written to OUT/<entity>/ (its name from the
input file's name, so the export date in it carries over). A value that does not parse sends
its row to OUT/_adapt/rejects.csv with file, row, column and reason; a value with no entry in
its value map refuses the whole adaptation (every unknown value listed, nothing written).
Entities the source lacks land as one header-only file and are listed in OUT/_adapt/report.json,
with the indicators that cannot be computed without them.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .availability import unavailable_indicators
from .expressions import Rejected, Unknown, evaluate, resolve, source_columns
from .mapping import Mapping, MappingError, load_mapping, names
from .readers import ReadError, read_table

REPORT_DIR = "_adapt"
ABSENT_FILE = "source_has_no_records.csv"
MAX_LOCATIONS = 5


class AdaptRefused(Exception):
    """The adaptation was refused; `problems` lists every reason (file, row, column)."""

    def __init__(self, problems: list[str], report: dict | None = None):
        super().__init__("\n".join(problems))
        self.problems = problems
        self.report = report or {}


@dataclass
class EntityReport:
    """What the adaptation did to one entity: its source files and the rows read, mapped, rejected and filtered."""

    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_mapped: int = 0
    rows_rejected: int = 0
    rows_filtered: int = 0


def safe_output_name(stem: str, taken: set[str]) -> str:
    """A landing file name (docs/landing-contract.md, "File names") from an input file stem:
    characters outside the allowed set become '_', the first character is a letter or digit."""
    name = re.sub(r"[^\w .()（）【】-]", "_", stem)
    name = re.sub(r"^[\W_]+", "", name) or "export"
    candidate, n = f"{name}.csv", 2
    while candidate in taken:
        candidate, n = f"{name}_{n}.csv", n + 1
    taken.add(candidate)
    return candidate


def input_files(in_dir: Path, patterns: list[str]) -> list[Path]:
    """Files matching the patterns, inside `in_dir` only (symlinks out of it are ignored), in
    name order; office lock files and hidden files are skipped."""
    root = in_dir.resolve()
    found = set()
    for pattern in patterns:
        for path in in_dir.glob(pattern):
            if not path.is_file() or path.name.startswith((".", "~$")):
                continue
            if not path.resolve().is_relative_to(root):
                continue
            found.add(path)
    return sorted(found, key=lambda p: (p.name, str(p)))


def _fill_previous(rows: list[dict], previous: dict) -> None:
    """Set rows[column] to the `from` value of the row before it in its group (ordered)."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row[previous["group_by"]], []).append(row)
    for group in groups.values():
        group.sort(key=lambda r: tuple(r[k] for k in previous["order_by"]))
        before = ""
        for row in group:
            row[previous["column"]] = before
            before = row[previous["from"]]


def adapt(mapping_path: Path, in_dir: Path, out_dir: Path) -> dict:
    """Adapt the exports in `in_dir` into the landing folder `out_dir`; returns the report.

    Raises MappingError (bad mapping file) or AdaptRefused (unreadable inputs, missing
    columns, unknown values); then `out_dir` is left as it was."""
    mapping: Mapping = load_mapping(mapping_path)
    in_dir, out_dir = Path(in_dir), Path(out_dir)
    if not in_dir.is_dir():
        raise AdaptRefused([f"{in_dir}: input folder does not exist"])
    problems: list[str] = []
    unknown: dict[tuple, dict] = {}
    rejects: list[dict] = []
    outputs: dict[str, list[tuple[str, list[dict]]]] = {}
    entity_reports: dict[str, EntityReport] = {}

    for entity_name, block in mapping.entities.items():
        entity = mapping.contract[entity_name]
        report = entity_reports[entity_name] = EntityReport()
        files = input_files(in_dir, names(block["files"]))
        if not files:
            problems.append(
                f"{in_dir}: no input file matches {names(block['files'])} for entity '{entity_name}'"
            )
            continue
        taken: set[str] = set()
        all_rows: list[dict] = []
        per_file: list[tuple[str, list[dict]]] = []
        for path in files:
            try:
                table = read_table(path, names(block.get("sheet", [])), block.get("header_rows", 1))
            except ReadError as err:
                problems.append(str(err))
                continue
            report.files.append(str(path.relative_to(in_dir)))
            plan: dict[str, list[int | None]] = {}
            missing: list[str] = []
            for col, spec in block["columns"].items():
                idx = []
                groups = source_columns(spec)
                parts = [p for p in spec.get("concat", []) if isinstance(p, dict)] or [spec]
                for group, part in zip(groups, parts, strict=False):
                    pos = resolve(group, table.header)
                    if pos is None and not (part.get("optional") or spec.get("optional")):
                        missing.append(
                            f"{table.label}, row 1: no column {' or '.join(map(repr, group))} "
                            f"(for '{entity_name}.{col}'); header: {', '.join(table.header)}"
                        )
                    idx.append(pos)
                plan[col] = idx
            where_pos = None
            if "where" in block:
                where_pos = resolve(names(block["where"]["column"]), table.header)
                if where_pos is None:
                    missing.append(
                        f"{table.label}, row 1: no column "
                        f"{' or '.join(map(repr, names(block['where']['column'])))} (filter)"
                    )
            if missing:
                problems.extend(missing)
                continue
            out_rows: list[dict] = []
            for number, values in table.rows:
                report.rows_read += 1
                if where_pos is not None:
                    cell = values[where_pos].strip() if where_pos < len(values) else ""
                    if cell not in block["where"]["in"]:
                        report.rows_filtered += 1
                        continue
                row, rejected = {}, None
                for col, spec in block["columns"].items():
                    try:
                        row[col] = evaluate(spec, values, plan[col], mapping.value_maps)
                    except Rejected as err:
                        source = plan[col][0] if plan[col] else None
                        rejected = {
                            "file": table.label,
                            "row": number,
                            "column": table.header[source] if source is not None else col,
                            "contract_column": f"{entity_name}.{col}",
                            "reason": str(err),
                        }
                        break
                    except Unknown as err:
                        key = (entity_name, col, err.map_name, err.value)
                        hit = unknown.setdefault(key, {"count": 0, "at": []})
                        hit["count"] += 1
                        if len(hit["at"]) < MAX_LOCATIONS:
                            first = plan[col][0] if plan[col] else None
                            shown = table.header[first] if first is not None else col
                            hit["at"].append(f"{table.label}, row {number}, column '{shown}'")
                        row[col] = ""
                if rejected:
                    rejects.append(rejected)
                    report.rows_rejected += 1
                    continue
                out_rows.append(row)
                report.rows_mapped += 1
            per_file.append((safe_output_name(path.stem, taken), out_rows))
            all_rows.extend(out_rows)
        if block.get("previous"):
            _fill_previous(all_rows, block["previous"])
        outputs[entity_name] = per_file

    for (entity_name, col, map_name, value), hit in sorted(unknown.items()):
        problems.append(
            f"unknown value {value!r} for '{entity_name}.{col}' (value map "
            f"'{map_name}', {hit['count']} row(s)): add it to value_maps.{map_name} in "
            f"{mapping.path.name}; first at " + "; ".join(hit["at"])
        )

    lacking = sorted(mapping.absent, key=list(mapping.contract).index)
    summary = {
        "mapping": str(mapping.path),
        "source": mapping.source,
        "input_dir": str(in_dir),
        "entities": {k: vars(v) for k, v in entity_reports.items()},
        "absent_entities": lacking,
        "unavailable_indicators": unavailable_indicators(set(lacking)),
        "rejected_rows": len(rejects),
        "unknown_values": [
            {"entity": e, "column": c, "value_map": m, "value": v, **h}
            for (e, c, m, v), h in sorted(unknown.items())
        ],
    }
    if problems:
        raise AdaptRefused(problems, summary)

    tmp = out_dir.parent / f".{out_dir.name}.adapt-tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    for entity_name, entity in mapping.contract.items():
        folder = tmp / entity_name
        folder.mkdir()
        entity_files = outputs.get(entity_name) or [(ABSENT_FILE, [])]
        for name, rows in entity_files:
            with (folder / name).open("w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(entity.columns), lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
    (tmp / REPORT_DIR).mkdir()
    with (tmp / REPORT_DIR / "rejects.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(
            fh, fieldnames=["file", "row", "column", "contract_column", "reason"], lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rejects)
    (tmp / REPORT_DIR / "report.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    for child in list(mapping.contract) + [REPORT_DIR]:
        target = out_dir / child
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp / child, target)
    shutil.rmtree(tmp)
    return summary


def absent_entities(landing_dir: Path) -> set[str]:
    """Entities an adapted landing declares its source lacks (empty set for other landings)."""
    path = Path(landing_dir) / REPORT_DIR / "report.json"
    try:
        return set(json.loads(path.read_text(encoding="utf-8")).get("absent_entities", []))
    except (FileNotFoundError, ValueError):
        return set()


__all__ = ["adapt", "AdaptRefused", "MappingError", "absent_entities"]
