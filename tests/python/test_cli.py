"""The one command line, crmwh (crm_warehouse.cli): every subcommand reaches its job, the help
lists them, usage errors exit 2, and the Makefile runs every job through it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from crm_warehouse import cli

ROOT = Path(__file__).resolve().parents[2]
CRMWH = [sys.executable, "-m", "crm_warehouse"]


@pytest.mark.parametrize("name", sorted(set(cli.COMMANDS) - {"superset"}))
def test_every_subcommand_loads_its_main(name):
    main = cli.load(name)
    assert callable(main) and main.__name__ == "main"


def test_the_superset_subcommand_names_its_module():
    # it runs in .venv-superset (Superset is not installed here): only its table entry is checked
    assert cli.COMMANDS["superset"].module == "crm_warehouse.superset.serve"


def test_help_lists_every_subcommand_and_exits_0():
    run = subprocess.run([*CRMWH, "--help"], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    for name in cli.COMMANDS:
        assert re.search(rf"^\s+{re.escape(name)}\s", run.stdout, re.M), name


@pytest.mark.parametrize("argv", [[], ["no-such-job"]])
def test_a_missing_or_unknown_subcommand_is_a_usage_error(argv):
    run = subprocess.run([*CRMWH, *argv], capture_output=True, text=True, check=False)
    assert run.returncode == cli.EXIT_USAGE == 2
    assert "usage: crmwh" in run.stderr


def test_a_subcommand_keeps_its_own_options_and_usage_line():
    run = subprocess.run([*CRMWH, "generate", "--help"], capture_output=True, text=True, check=False)
    assert run.returncode == 0
    assert run.stdout.startswith("usage: crmwh generate") and "--scale" in run.stdout
    bad = subprocess.run([*CRMWH, "generate", "--scale", "huge"], capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_rollback_is_the_refresh_rollback_command():
    assert cli.COMMANDS["rollback"].module == cli.COMMANDS["refresh"].module
    assert cli.COMMANDS["rollback"].prefix == ("rollback",)


def test_the_makefile_runs_every_python_job_through_crmwh():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert not re.search(r"\bpython3? +(-m +crm_warehouse|scripts/)", makefile)
    used = set(re.findall(r"/crmwh ([a-z-]+)", makefile))
    assert used <= set(cli.COMMANDS), used - set(cli.COMMANDS)
    assert {"generate", "gate", "build", "refresh", "rollback", "site", "push", "bi-views", "adapt"} <= used


def test_docs_list_every_subcommand_with_its_exit_codes():
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name, command in cli.COMMANDS.items():
        assert f"| `crmwh {name}` | {command.help} | {command.exit_codes} |" in doc, name


def test_no_import_path_edits_in_the_package_or_the_tests():
    needle = "sys" + ".path"  # spelled apart so that a grep for it finds nothing here either
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("src", "scripts", "tests")
        for path in (ROOT / folder).rglob("*.py")
        if needle in path.read_text(encoding="utf-8")
    ]
    assert not offenders, offenders
