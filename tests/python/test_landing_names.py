"""Hostile and awkward landing paths: export file names outside the safe pattern are refused by
the landing check and by the dbt landing hook (never pasted into SQL), and a landing folder
whose path holds a quote or a space builds (quoted, not refused)."""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

import pytest

from crm_warehouse.check_landing import SAFE_FILE_NAME, check_landing, main  # noqa: E402
from warehouse_helpers import MINIMAL_LANDING, ROOT, copy_landing, run_dbt

HOOK = ROOT / "macros" / "landing" / "register_landing_sources.sql"
OPPORTUNITIES = MINIMAL_LANDING / "opportunities" / "2025-06-01_full.csv"

# Names real exports carry: dated CRM exports, Chinese names, browser duplicates "(1)",
# Windows copies "- 副本", full-width parentheses and digits, dots inside the name.
ACCEPTED = [
    "2026-11-25_delta.csv",
    "商机导出_2026-11-25.csv",
    "opportunities (1).csv",
    "商机导出 - 副本.csv",
    "商机导出（2）.csv",
    "【华东】商机导出_11月.csv",
    "export.2026.11.25.csv",
    "１１月商机.csv",
    "O_Brien accounts.csv",
]
# Quotes and SQL, path and glob characters, control characters, hidden and lock files.
REFUSED = [
    "2026-11-25_delta.csv'); copy (select 1) to 'PWNED.csv'; --.csv",
    "o'brien.csv",
    'say "hi".csv',
    "a;b.csv",
    "back\\slash.csv",
    "tab\tname.csv",
    "new\nline.csv",
    "bell\x07.csv",
    "ansi\x1b[31m.csv",
    "rtl\u202eVSC.csv",
    ".hidden.csv",
    "._商机导出.csv",
    "-rf.csv",
    "_temporary.csv",
    "~$商机导出.csv",
    "a%20b.csv",
    "a+b.csv",
    "a*b.csv",
    "a[1].csv",
    "{a,b}.csv",
    "c:d.csv",
    "`id`.csv",
    "$(id).csv",
]


@pytest.fixture()
def landing(tmp_path: Path) -> Path:
    return copy_landing(MINIMAL_LANDING, tmp_path / "landing")


def test_hook_and_check_use_the_same_pattern():
    text = HOOK.read_text(encoding="utf-8")
    [jinja_literal] = re.findall(
        r"macro landing_file_name_pattern\(\) -%}\s*\{\{ return\('(.*)'\) \}\}", text
    )
    assert jinja_literal.replace("\\\\", "\\") == SAFE_FILE_NAME


@pytest.mark.parametrize("name", ACCEPTED)
def test_real_export_names_are_accepted(landing: Path, name: str) -> None:
    shutil.copy(OPPORTUNITIES, landing / "opportunities" / name)
    assert check_landing(landing) == []


@pytest.mark.parametrize("name", REFUSED)
def test_unsafe_names_are_refused_with_the_rule(landing: Path, name: str, capsys) -> None:
    shutil.copy(OPPORTUNITIES, landing / "opportunities" / name)
    [problem] = check_landing(landing)
    assert "opportunities" in problem.path
    assert "unsafe export file name" in problem.message and "Allowed: letters and digits" in problem.message
    assert main(["--landing-dir", str(landing)]) == 2
    err = capsys.readouterr().err
    assert "文件名不安全" in err
    # control characters are shown escaped, never written raw to the terminal
    assert not any(ch in err for ch in "\t\x07\x1b\u202e")


def test_glob_characters_in_the_landing_folder_are_refused(tmp_path: Path) -> None:
    landing = copy_landing(MINIMAL_LANDING, tmp_path / "exports[2026]")
    [problem] = check_landing(landing)
    assert "glob characters [ ]" in problem.message


def test_attack_file_name_is_refused_by_the_dbt_hook_and_runs_nothing(landing: Path, tmp_path: Path) -> None:
    """The issue's attack: a file name that closes the read_csv literal and runs a COPY."""
    pwned = f"PWNED_{uuid.uuid4().hex[:8]}.csv"
    folder = landing / "opportunities"
    shutil.copy(OPPORTUNITIES, folder / "2026-11-25_delta.csv")
    attack = f"2026-11-25_delta.csv'); copy (select 1 as x) to '{pwned}'; --.csv"
    shutil.copy(OPPORTUNITIES, folder / attack)
    result = run_dbt(["run", "-s", "base_crm__users"], landing, tmp_path / "x.duckdb", tmp_path / "target")
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "unsafe export file name" in out and "2026-11-25_delta.csv')" in out and "Allowed:" in out
    written = list(tmp_path.glob(f"**/{pwned}")) + [
        p for p in (ROOT / pwned, Path.cwd() / pwned) if p.exists()
    ]
    assert written == [], f"the file name ran SQL: {written}"


def test_landing_folder_with_quote_and_space_builds(tmp_path: Path) -> None:
    landing = copy_landing(MINIMAL_LANDING, tmp_path / "o'brien's landing 导出")
    shutil.copy(landing / "users" / "2025-06-01_full.csv", landing / "users" / "商机导出 (1).csv")
    assert check_landing(landing) == []
    db = tmp_path / "x.duckdb"
    result = run_dbt(["run", "-s", "base_crm__users"], landing, db, tmp_path / "target")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.sql(
            "select _source_file, count(*) from staging.base_crm__users group by 1 order by 1"
        ).fetchall()
    assert rows == [("2025-06-01_full.csv", 2), ("商机导出 (1).csv", 2)]


def test_vars_reach_sql_only_quoted(tmp_path: Path) -> None:
    """sql_string() reads back a hostile var exactly; sql_integer() refuses a non-number."""
    import json

    probe = "o'brien\\ x'); select 1; -- 商机"
    inline = "select {{ sql_string(var('probe')) }} as v, {{ sql_integer(var('n'), 'n') }} as n"
    result = run_dbt(
        [
            "show",
            "--inline",
            inline,
            "--output",
            "json",
            "--log-format",
            "text",
            "--vars",
            json.dumps({"probe": probe, "n": " 7 "}),
        ],
        MINIMAL_LANDING,
        tmp_path / "x.duckdb",
        tmp_path / "target",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    shown = json.loads(result.stdout[result.stdout.index("{") : result.stdout.rindex("}") + 1])
    assert shown["show"] == [{"v": probe, "n": 7}]
    refused = run_dbt(
        ["compile", "--inline", inline, "--vars", json.dumps({"probe": "x", "n": "3; drop table x"})],
        MINIMAL_LANDING,
        tmp_path / "x.duckdb",
        tmp_path / "target",
    )
    assert refused.returncode != 0
    assert "var 'n' must be a whole number" in refused.stdout + refused.stderr
