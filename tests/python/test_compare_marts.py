"""crmwh compare-marts on a tiny hand-made warehouse: equal, changed, tolerance, new columns."""

import subprocess
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ["-m", "crm_warehouse", "compare-marts"]


def make_warehouse(path: Path, rows: list[tuple], extra_column: bool = False) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    extra = ", note varchar" if extra_column else ""
    con.execute(f"create table marts.t (k varchar, v double{extra})")
    for row in rows:
        values = row + (("x",) if extra_column else ())
        con.execute(f"insert into marts.t values ({', '.join('?' * len(values))})", list(values))
    con.close()


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *SCRIPT, *args], capture_output=True, text=True)


def test_equal_reordered_within_tolerance_and_new_column(tmp_path):
    before, after, base = tmp_path / "a.duckdb", tmp_path / "b.duckdb", tmp_path / "base"
    make_warehouse(before, [("a", 1.0), ("b", 2.0), ("b", 2.0)])
    # other order, a difference below the tolerance (1e-7), and a new column
    make_warehouse(after, [("b", 2.0), ("a", 1.0000001), ("b", 2.0)], extra_column=True)
    assert run("--export", str(base), str(before)).returncode == 0
    result = run(str(base), str(after))
    assert result.returncode == 0, result.stdout
    assert "equal (new columns: note)" in result.stdout


def test_changed_and_missing_rows_fail(tmp_path):
    before, after, base = tmp_path / "a.duckdb", tmp_path / "b.duckdb", tmp_path / "base"
    make_warehouse(before, [("a", 1.0), ("b", 2.0), ("b", 2.0)])
    # one duplicate lost, one value changed beyond the tolerance
    make_warehouse(after, [("a", 1.001), ("b", 2.0)])
    run("--export", str(base), str(before))
    result = run(str(base), str(after))
    assert result.returncode == 1
    line = next(line for line in result.stdout.splitlines() if line.startswith("marts.t"))
    # 3 rows before, 2 after; ('a', 1.0) and one ('b', 2.0) only before, ('a', 1.001) only after
    assert line.split()[1:5] == ["3", "2", "2", "1"]
    assert "ROWS DIFFER" in line
