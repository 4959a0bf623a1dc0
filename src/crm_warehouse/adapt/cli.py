"""Adapt a CRM's own exports to the landing contract with a mapping file (docs/adapt.md).

Usage: crmwh adapt --mapping mappings/salesforce.yml --in EXPORTS --out LANDING
Exit codes: 0 adapted (rejected rows, if any, are listed in LANDING/_adapt/rejects.csv),
2 refused (bad mapping, unreadable export, missing column, unknown values): LANDING untouched.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crm_warehouse.adapt.run import AdaptRefused, MappingError, adapt  # noqa: E402


def summary(report: dict) -> list[str]:
    """The adaptation report as lines for a person: rows per entity, absent entities and the
    indicators without a value or target."""
    lines = []
    for entity, counts in report["entities"].items():
        lines.append(
            f"  {entity}: 读取/read {counts['rows_read']}, 映射/mapped "
            f"{counts['rows_mapped']}, 拒收/rejected {counts['rows_rejected']}"
            + (f", 过滤/filtered {counts['rows_filtered']}" if counts["rows_filtered"] else "")
        )
    if report["absent_entities"]:
        lines.append(
            "  来源缺少的实体 / entities the source lacks (landed empty): "
            + ", ".join(report["absent_entities"])
        )
    unavailable = report["unavailable_indicators"]
    if unavailable["values"]:
        lines.append(
            "  无法计算的指标 / indicators unavailable (no value, not zero): "
            + ", ".join(f"{i['name_zh']} {i['name_en']}" for i in unavailable["values"])
        )
    if unavailable["targets"]:
        lines.append(
            "  无目标的指标 / indicators without a target: "
            + ", ".join(f"{i['name_zh']} {i['name_en']}" for i in unavailable["targets"])
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Command line: adapt a CRM's exports to the landing folder; exits 2 on a bad mapping or refused input."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mapping", type=Path, required=True)
    parser.add_argument("--in", dest="in_dir", type=Path, required=True, help="folder of the CRM's exports")
    parser.add_argument("--out", type=Path, required=True, help="landing folder to write")
    args = parser.parse_args(argv)
    try:
        report = adapt(args.mapping, args.in_dir, args.out)
    except MappingError as err:
        print(f"ADAPT ERROR 映射文件无效 / bad mapping file: {err}", file=sys.stderr)
        return 2
    except AdaptRefused as err:
        for problem in err.problems:
            print(f"ADAPT ERROR {problem}", file=sys.stderr)
        print(
            f"转换被拒绝 / adaptation refused: {len(err.problems)} problem(s); {args.out} was "
            "left as it was.",
            file=sys.stderr,
        )
        return 2
    print(f"已转换 / adapted {args.in_dir} -> {args.out} ({report['source']})")
    print("\n".join(summary(report)))
    if report["rejected_rows"]:
        print(
            f"  拒收行 / {report['rejected_rows']} rejected row(s) with file, row, column and "
            f"reason: {args.out / '_adapt' / 'rejects.csv'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
