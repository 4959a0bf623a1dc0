"""``crmwh``: the one command line of the CRM warehouse, one subcommand per job.

``crmwh <subcommand> [options]`` (or ``python -m crm_warehouse <subcommand>``) runs the job's
own ``main(argv)`` with the remaining arguments, so each subcommand keeps its options, its
output and its exit codes (docs/cli.md lists them). ``crmwh --help`` lists the subcommands;
``crmwh <subcommand> --help`` shows a subcommand's options.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

EXIT_USAGE = 2
"""Exit code of an unknown subcommand or a missing one (argparse uses 2 for usage errors too)."""


@dataclass(frozen=True)
class Command:
    """One subcommand: the module whose ``main(argv)`` runs it, and what it does."""

    module: str
    help: str
    exit_codes: str
    prefix: tuple[str, ...] = ()


COMMANDS: dict[str, Command] = {
    "generate": Command(
        "crm_warehouse.generate_landing",
        "generate the deterministic synthetic CRM landing exports (docs/generator.md)",
        "0 written; 2 bad options or output folder",
    ),
    "check": Command(
        "crm_warehouse.check_landing",
        "structural check of a landing folder (files, encodings, required columns)",
        "0 passed; 2 structural faults",
    ),
    "gate": Command(
        "crm_warehouse.landing_gate",
        "Great Expectations landing gate: Data Docs and summary in warehouse/gate/",
        "0 passed; 1 content faults with --strict; 2 structural faults; 4 the gate failed",
    ),
    "adapt": Command(
        "crm_warehouse.adapt.cli",
        "adapt a CRM's own exports to the landing contract with a mapping (docs/adapt.md)",
        "0 adapted; 2 refused (landing untouched)",
    ),
    "build": Command(
        "crm_warehouse.build_warehouse",
        "check the landing files, build the warehouse into a fresh file and swap it in",
        "0 published; 2 landing check failed; 3 dbt build or publish failed; 4 settings refused",
    ),
    "refresh": Command(
        "crm_warehouse.refresh",
        "nightly refresh: lock, gate, freshness, incremental build, swap, Parquet copies",
        "0 published; 2 settings; 10 locked; 20 gate; 30 dbt; 40 publish; 50 unexpected; 60 interrupted",
    ),
    "rollback": Command(
        "crm_warehouse.refresh",
        "put the previous good warehouse back in service (--to FILE to choose)",
        "0 rolled back; 2 bad options; 10 locked; 40 rollback impossible; 50 unexpected",
        ("rollback",),
    ),
    "site": Command(
        "crm_warehouse.build_site",
        "dashboard site and role reports from the served marts (docs/dashboards.md)",
        "0 built; 2 no warehouse or chart library, or a refused CRM link template; 1 error",
    ),
    "reports": Command(
        "crm_warehouse.build_reports",
        "daily, weekly and monthly role reports (日报 / 周报 / 月报) only (docs/reports.md)",
        "0 written; 2 no warehouse or marts",
    ),
    "push": Command(
        "crm_warehouse.push.cli",
        "group-robot pushes (DingTalk, WeCom, Feishu) of what is due (docs/push.md)",
        "0 delivered; 2 usage or configuration error; 3 messages left pending",
    ),
    "bi-views": Command(
        "crm_warehouse.bi_views",
        "DuckDB file of views over the Parquet marts for BI tools (docs/bi.md)",
        "0 written; 2 no Parquet marts",
    ),
    "docs": Command(
        "crm_warehouse.build_dbt_docs",
        "static dbt docs site in one HTML file, from a copy of the served warehouse",
        "0 written; 1 dbt failed; 2 no warehouse",
    ),
    "semantic-metrics": Command(
        "crm_warehouse.semantic_metrics",
        "write (or --check) the semantic layer's metrics.yml from the indicator catalog",
        "0 written or up to date; 1 out of date (--check); 2 catalog error",
    ),
    "semantic-query": Command(
        "crm_warehouse.semantic_query",
        "query the semantic layer's metrics with MetricFlow, read-only",
        "0 answered; 2 no warehouse or manifest, or a bad query",
    ),
    "compare-marts": Command(
        "crm_warehouse.compare_marts",
        "compare a warehouse's relations with a Parquet baseline (or --export one)",
        "0 equal; 1 differences; 2 warehouse or baseline not found",
    ),
    "cookbook": Command(
        "crm_warehouse.cookbook_doc",
        "rewrite (or --check) the questions section of docs/cookbook.md",
        "0 written or up to date; 1 out of date (--check)",
    ),
    "benchmark": Command(
        "crm_warehouse.benchmark",
        "scale benchmark of the build: time, memory, ratios (docs/performance.md)",
        "0 done; else the exit code of the step that failed",
    ),
    "check-production": Command(
        "crm_warehouse.check_production_build",
        "the production path end to end: random salt, publish, no salt leaked",
        "0 passed; 1 problems found",
    ),
    "screenshots": Command(
        "crm_warehouse.screenshot_site",
        "README screenshots of the cockpit and a workbench (needs Chromium)",
        "0 written; 1 a page asked for the network; 2 no site",
    ),
    "superset": Command(
        "crm_warehouse.superset.serve",
        "Superset on 127.0.0.1 with the cockpit dashboard (runs in .venv-superset)",
        "0 prepared (--prepare-only); then Superset's own exit code",
    ),
    "superset-bundle": Command(
        "crm_warehouse.superset.dashboard", "write the Superset dashboard import bundle (zip)", "0 written"
    ),
}


def _parser() -> argparse.ArgumentParser:
    width = max(len(name) for name in COMMANDS)
    lines = [f"  {name.ljust(width)}  {cmd.help}" for name, cmd in COMMANDS.items()]
    parser = argparse.ArgumentParser(
        prog="crmwh",
        description="The CRM warehouse's jobs, one subcommand each.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="subcommands:\n"
        + "\n".join(lines)
        + "\n\n`crmwh <subcommand> --help` shows its options; docs/cli.md lists every exit code.",
    )
    parser.add_argument(
        "subcommand", metavar="<subcommand>", choices=sorted(COMMANDS), help="the job to run (see below)"
    )
    parser.add_argument("args", nargs=argparse.REMAINDER, help="the subcommand's own options")
    return parser


def load(name: str) -> Callable[[list[str] | None], int]:
    """The ``main(argv) -> int`` of subcommand ``name`` (its module is imported on demand)."""
    module = importlib.import_module(COMMANDS[name].module)
    main: Callable[[list[str] | None], int] = module.main
    return main


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``crmwh``: dispatch to the subcommand and return its exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    if not args:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if args[0] in ("-h", "--help"):
        parser.print_help()
        return 0
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        parser.print_usage(sys.stderr)
        print(f"crmwh: error: unknown subcommand {name!r} (crmwh --help lists them)", file=sys.stderr)
        return EXIT_USAGE
    command = COMMANDS[name]
    program = sys.argv[0] if sys.argv else "crmwh"
    if sys.argv:
        sys.argv[0] = f"crmwh {name}"  # the subcommand's usage line says how it was called
    try:
        return int(load(name)([*command.prefix, *rest]) or 0)
    finally:
        if sys.argv:
            sys.argv[0] = program
