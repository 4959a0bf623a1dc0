"""Unit tests of the structural landing check (crmwh check)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

from crm_warehouse.check_landing import check_csv, check_landing, main  # noqa: E402
from crm_warehouse.landing_contract import load_contract  # noqa: E402

MINIMAL = ROOT / "tests" / "python" / "data" / "landing_minimal"
CONTRACT = load_contract()
USERS = CONTRACT["users"].columns


@pytest.fixture()
def landing(tmp_path: Path) -> Path:
    target = tmp_path / "landing"
    shutil.copytree(MINIMAL, target)
    return target


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def users_text() -> str:
    return (MINIMAL / "users" / "2025-06-01_full.csv").read_text(encoding="utf-8")


def test_minimal_set_is_clean():
    assert check_landing(MINIMAL) == []
    assert main(["--landing-dir", str(MINIMAL)]) == 0


def test_missing_landing_folder(tmp_path):
    problems = check_landing(tmp_path / "nowhere")
    assert len(problems) == 1 and "does not exist" in problems[0].message


def test_missing_entity_folder(landing, capsys):
    shutil.rmtree(landing / "quotas")
    problems = check_landing(landing)
    assert [p.path for p in problems] == [str(landing / "quotas")]
    assert "entity folder for 'quotas' is missing" in problems[0].message
    assert main(["--landing-dir", str(landing)]) == 2
    assert "quotas" in capsys.readouterr().err


def test_entity_without_export_file(landing):
    (landing / "costs" / "2025-06-01_full.csv").rename(landing / "costs" / "notes.txt")
    problems = check_landing(landing)
    assert len(problems) == 1 and "no .csv export file for entity 'costs'" in problems[0].message


def test_empty_file(tmp_path):
    path = write(tmp_path / "users.csv", b"")
    [problem] = check_csv(path, USERS)
    assert "empty" in problem.message and problem.path == str(path)


def test_header_only_file_is_fine(tmp_path):
    path = write(tmp_path / "users.csv", ",".join(USERS) + "\n")
    assert check_csv(path, USERS) == []


def test_entity_with_only_header_only_files_is_refused_by_name(landing):
    """A header-only delta beside a full export is fine; an entity with no data row at all is
    refused with its name (not left to unrelated consistency tests downstream)."""
    header = (landing / "contracts" / "2025-06-01_full.csv").read_text(encoding="utf-8").splitlines()[0]
    write(landing / "contracts" / "2025-06-02_delta.csv", header + "\n")
    assert check_landing(landing) == []
    write(landing / "contracts" / "2025-06-01_full.csv", header + "\n\n")
    [problem] = check_landing(landing)
    assert problem.path == str(landing / "contracts")
    assert "every export file of entity 'contracts' is header-only" in problem.message
    assert main(["--landing-dir", str(landing)]) == 2


def test_missing_required_column_names_file_row_and_column(tmp_path):
    text = users_text().replace(",role,", ",job,", 1)
    [problem] = check_csv(write(tmp_path / "users.csv", text), USERS)
    assert (problem.row, problem.column) == (1, "role")
    assert "users.csv, row 1, column 'role'" in str(problem)


def test_duplicate_header_column(tmp_path):
    text = users_text().replace("updated_at", "updated_at,email", 1)
    lines = text.splitlines()
    text = "\n".join([lines[0]] + [line + ",x" for line in lines[1:]]) + "\n"
    problems = check_csv(write(tmp_path / "users.csv", text), USERS)
    assert [(p.row, p.column) for p in problems] == [(1, "email")]


def test_extra_column_bom_and_blank_line_are_fine(tmp_path):
    lines = users_text().splitlines()
    text = "\ufeff" + "\n".join([lines[0] + ",custom", lines[1] + ",a", "", lines[2] + ",b"]) + "\n"
    assert check_csv(write(tmp_path / "users.csv", text), USERS) == []


def test_row_with_too_many_fields(tmp_path):
    text = users_text() + "U00003,王五,w@example.cn,rep,,2024-01-01,,true,2025-06-01 09:00:00,extra\n"
    [problem] = check_csv(write(tmp_path / "users.csv", text), USERS)
    assert problem.row == 4 and "10 fields" in problem.message


def test_truncated_file_cut_mid_row(tmp_path):
    raw = users_text().encode("utf-8")
    path = write(tmp_path / "users.csv", raw[: len(raw) - 25])
    problems = check_csv(path, USERS)
    messages = " | ".join(str(p) for p in problems)
    assert "truncated" in messages
    assert any(p.row == 3 and "fields" in p.message for p in problems)


def test_unterminated_quote(tmp_path):
    text = users_text() + 'U00003,"王五,w@example.cn,rep,,2024-01-01,,true,2025-06-01 09:00:00\n'
    problems = check_csv(write(tmp_path / "users.csv", text), USERS)
    assert any("unterminated quote" in p.message and p.row == 4 for p in problems)


def test_gb18030_file_is_refused_with_conversion_hint(tmp_path):
    path = write(tmp_path / "users.csv", users_text().encode("gb18030"))
    [problem] = check_csv(path, USERS)
    assert problem.row == 2  # the header is ASCII, the first name is not
    assert "GB18030" in problem.message and "GBK" in problem.message
    assert "iconv -f GB18030 -t UTF-8" in problem.message


def test_gbk_bytes_deep_in_a_large_file_are_located(tmp_path):
    """The file is streamed in 1 MiB chunks: the bad row is found past the first chunk."""
    lines = users_text().splitlines()
    good = lines[1] + "\n"
    rows = 30_000  # about 2 MiB
    data = (lines[0] + "\n" + good * rows).encode("utf-8") + lines[2].encode("gbk") + b"\n"
    path = write(tmp_path / "users.csv", data)
    [problem] = check_csv(path, USERS)
    assert problem.row == rows + 2 and "GB18030" in problem.message
    # the quick check reads the first MiB only and misses it, by design
    assert check_csv(path, USERS, quick=True) == []


def test_utf16_file_is_refused(tmp_path):
    path = write(tmp_path / "users.csv", users_text().encode("utf-16"))
    [problem] = check_csv(path, USERS)
    assert "UTF-16" in problem.message


def test_quick_mode_checks_header_and_ending_only(tmp_path):
    text = users_text() + "U00003,short\n"
    path = write(tmp_path / "users.csv", text)
    assert check_csv(path, USERS, quick=True) == []
    assert len(check_csv(path, USERS)) == 1
    truncated = write(tmp_path / "t.csv", text.rstrip("\n"))
    assert any("truncated" in p.message for p in check_csv(truncated, USERS, quick=True))
    gbk = write(tmp_path / "g.csv", users_text().encode("gb18030"))
    assert "GB18030" in check_csv(gbk, USERS, quick=True)[0].message


def test_parquet_missing_column_and_empty_file(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = tmp_path / "landing"
    for name, entity in CONTRACT.items():
        columns = [c for c in entity.columns if not (name == "users" and c == "role")]
        pq.write_table(
            pa.table({c: pa.array(["x"], pa.string()) for c in columns}),
            write(folder / name / "full.parquet", b"").with_suffix(".parquet"),
        )
    write(folder / "costs" / "delta.parquet", b"")
    problems = check_landing(folder, fmt="parquet")
    assert {(Path(p.path).parent.name, p.column) for p in problems} == {("users", "role"), ("costs", None)}
    assert any("empty" in p.message for p in problems)
