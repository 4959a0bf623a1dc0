"""The source-mapping adapter (src/crm_warehouse/adapt): bad mappings, unknown values, broken rows,
encodings and Excel quirks get clear messages naming file, row and column; nothing is
silently dropped; mapping YAML never reaches outside the input folder."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]

from crm_warehouse.adapt.mapping import MappingError, load_mapping  # noqa: E402
from crm_warehouse.adapt.run import AdaptRefused, adapt  # noqa: E402
from crm_warehouse.check_landing import check_landing  # noqa: E402

SF = ROOT / "mappings" / "salesforce.yml"
OPP_HEADER = [
    "Id",
    "AccountId",
    "OwnerId",
    "Lead__c",
    "Business_Line__c",
    "Type",
    "StageName",
    "Amount",
    "CloseDate",
    "CreatedDate",
    "Closed_At__c",
    "IsClosed",
    "IsWon",
    "Loss_Reason__c",
    "LastModifiedDate",
    "IsDeleted",
]


def opp(i, stage="Qualification", amount="1000", created="2026-11-01T02:00:00.000+0000"):
    return [
        f"O{i:07d}",
        "A000001",
        "U00001",
        "",
        "Software",
        "New Customer",
        stage,
        amount,
        "2026-12-31",
        created,
        "",
        "false",
        "false",
        "",
        created,
        "false",
    ]


def only_opportunities(tmp_path: Path) -> Path:
    """The Salesforce mapping reduced to opportunities (the rest declared absent)."""
    doc = yaml.safe_load(SF.read_text(encoding="utf-8"))
    doc["entities"] = {"opportunities": doc["entities"]["opportunities"]}
    doc["absent"] = [e for e in load_mapping(SF).contract if e != "opportunities"]
    path = tmp_path / "opps.yml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def write(path: Path, header, rows, encoding="utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def landed(out: Path, entity: str) -> list[dict]:
    rows = []
    for f in sorted((out / entity).glob("*.csv")):
        with f.open(encoding="utf-8", newline="") as fh:
            rows += list(csv.DictReader(fh))
    return rows


def test_shipped_mappings_are_valid():
    for path in sorted((ROOT / "mappings").glob("*.yml")):
        load_mapping(path)


def test_unknown_stage_is_refused_with_every_value_file_row_and_column(tmp_path):
    mapping = only_opportunities(tmp_path)
    write(
        tmp_path / "in" / "Opportunity.csv",
        OPP_HEADER,
        [
            opp(1),
            opp(2, "Prospecting "),
            opp(3, "Closed Won"),
            opp(4, "Verbal Commit"),
            opp(5, "Prospecting"),
        ],
    )
    out = tmp_path / "out"
    with pytest.raises(AdaptRefused) as err:
        adapt(mapping, tmp_path / "in", out)
    text = str(err.value)
    assert "'Prospecting'" in text and "'Verbal Commit'" in text
    assert "Opportunity.csv, row 3, column 'StageName'" in text
    assert "Opportunity.csv, row 6, column 'StageName'" in text
    assert "Opportunity.csv, row 5, column 'StageName'" in text
    assert "2 row(s)" in text  # Prospecting twice (trailing space trimmed)
    assert not out.exists()  # nothing written


def test_bad_values_go_to_rejects_with_file_row_column_and_reason(tmp_path):
    mapping = only_opportunities(tmp_path)
    write(
        tmp_path / "in" / "Opportunity_2026-11-25.csv",
        OPP_HEADER,
        [
            opp(1, amount="¥1,234.50"),
            opp(2, amount="12,34"),
            opp(3, created="05/11/2026 10:00"),
            opp(4, amount="１２３"),
        ],
    )
    out = tmp_path / "out"
    report = adapt(mapping, tmp_path / "in", out)
    rows = landed(out, "opportunities")
    assert [r["opportunity_id"] for r in rows] == ["O0000001", "O0000004"]
    assert rows[0]["amount"] == "1234.50" and rows[1]["amount"] == "123.00"
    # 02:00 UTC is 10:00 in Shanghai
    assert rows[0]["created_at"] == "2026-11-01 10:00:00"
    with (out / "_adapt" / "rejects.csv").open(encoding="utf-8") as fh:
        rejects = list(csv.DictReader(fh))
    assert [(r["file"], r["row"], r["column"]) for r in rejects] == [
        ("Opportunity_2026-11-25.csv", "3", "Amount"),
        ("Opportunity_2026-11-25.csv", "4", "CreatedDate"),
    ]
    assert "'12,34' is not a number" in rejects[0]["reason"]
    ent = report["entities"]["opportunities"]
    assert (ent["rows_read"], ent["rows_mapped"], ent["rows_rejected"]) == (4, 2, 2)


def test_missing_column_names_file_and_alternatives(tmp_path):
    mapping = only_opportunities(tmp_path)
    header = [h for h in OPP_HEADER if h != "StageName"]
    write(tmp_path / "in" / "Opportunity.csv", header, [opp(1)[:6] + opp(1)[7:]])
    with pytest.raises(AdaptRefused) as err:
        adapt(mapping, tmp_path / "in", tmp_path / "out")
    assert "Opportunity.csv, row 1: no column 'StageName' or 'stage_name'" in str(err.value)


def test_snake_case_sync_tool_names_and_gb18030_and_bom(tmp_path):
    mapping = only_opportunities(tmp_path)
    snake = [
        "id",
        "account_id",
        "owner_id",
        "lead_c",
        "business_line_c",
        "type",
        "stage_name",
        "amount",
        "close_date",
        "created_date",
        "closed_at_c",
        "is_closed",
        "is_won",
        "loss_reason_c",
        "last_modified_date",
        "is_deleted",
    ]
    row = opp(1)
    row[13] = "预算取消"
    write(tmp_path / "in" / "opportunity_a.csv", snake, [row], encoding="gb18030")
    row2 = opp(2)
    row2[13] = "竞品低价"
    write(tmp_path / "in" / "opportunity_b.csv", OPP_HEADER, [row2], encoding="utf-8-sig")
    out = tmp_path / "out"
    adapt(mapping, tmp_path / "in", out)
    rows = landed(out, "opportunities")
    assert [r["loss_reason"] for r in rows] == ["预算取消", "竞品低价"]
    assert rows[0]["stage"] == "lead_qualified"


@pytest.mark.parametrize(
    "pattern, why",
    [
        ("../secret/*.csv", "'..'"),
        ("/etc/*.csv", "absolute"),
        ("**/*.csv", "'**'"),
        ("C:\\exports\\a.csv", "backslash"),
    ],
)
def test_file_patterns_stay_inside_the_input_folder(tmp_path, pattern, why):
    doc = yaml.safe_load(SF.read_text(encoding="utf-8"))
    doc["entities"]["accounts"]["files"] = [pattern]
    path = tmp_path / "bad.yml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(MappingError) as err:
        load_mapping(path)
    assert why in str(err.value) and "entities/accounts/files/0" in str(err.value)


def test_symlink_out_of_the_input_folder_is_not_read(tmp_path):
    mapping = only_opportunities(tmp_path)
    write(tmp_path / "elsewhere" / "Opportunity.csv", OPP_HEADER, [opp(1)])
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "Opportunity.csv").symlink_to(tmp_path / "elsewhere" / "Opportunity.csv")
    with pytest.raises(AdaptRefused) as err:
        adapt(mapping, tmp_path / "in", tmp_path / "out")
    assert "no input file matches" in str(err.value)


def test_bad_mapping_files_get_clear_messages(tmp_path):
    doc = yaml.safe_load(SF.read_text(encoding="utf-8"))
    doc["entities"]["opportunities"]["columns"]["stage"] = {"column": "StageName", "map": "stages"}
    doc["entities"]["opportunities"]["columns"]["amount"] = {"column": "Amount", "parse": "money"}
    doc["entities"]["leads"]["columns"]["bogus"] = {"constant": "x"}
    del doc["entities"]["users"]["columns"]["email"]
    path = tmp_path / "bad.yml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(MappingError) as err:
        load_mapping(path)
    assert "entities/opportunities/columns/amount/parse" in str(err.value)
    doc["entities"]["opportunities"]["columns"]["amount"] = {"column": "Amount", "parse": "number"}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(MappingError) as err:
        load_mapping(path)
    text = str(err.value)
    assert "value map 'stages' is not defined" in text
    assert "entities/leads/columns/bogus: not a column of 'leads'" in text
    assert "contract column 'email' has no mapping" in text
    path.write_text("entities: [unclosed", encoding="utf-8")
    with pytest.raises(MappingError, match="not a readable YAML file"):
        load_mapping(path)


def test_absent_entities_land_header_only_and_pass_the_landing_check(tmp_path):
    mapping = only_opportunities(tmp_path)
    write(tmp_path / "in" / "Opportunity.csv", OPP_HEADER, [opp(1)])
    out = tmp_path / "out"
    report = adapt(mapping, tmp_path / "in", out)
    assert (out / "quotas" / "source_has_no_records.csv").read_text(encoding="utf-8").count("\n") == 1
    unavailable = {i["indicator_code"] for i in report["unavailable_indicators"]["values"]}
    assert {"quota_attainment", "visit_count", "win_rate"} <= unavailable
    assert "bookings_amount" in unavailable  # contracts absent here
    problems = [str(p) for p in check_landing(out)]
    assert not [p for p in problems if "header-only" in p], problems
    # without the adapter's declaration an all-header-only entity is still refused
    (out / "_adapt" / "report.json").unlink()
    assert any("every export file of entity 'quotas' is header-only" in str(p) for p in check_landing(out))


def test_availability_table_covers_the_catalog():
    from crm_warehouse.adapt.availability import catalog, indicator_needs

    for row in catalog():
        indicator_needs(row)  # raises KeyError on a component without an entry


def test_cli_exit_codes_and_messages(tmp_path):
    mapping = only_opportunities(tmp_path)
    write(tmp_path / "in" / "Opportunity.csv", OPP_HEADER, [opp(1, "Verbal Commit")])
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "crm_warehouse",
            "adapt",
            "--mapping",
            str(mapping),
            "--in",
            str(tmp_path / "in"),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert "unknown value 'Verbal Commit'" in run.stderr and "adaptation refused" in run.stderr


def test_where_keeps_only_closed_won_rows_and_counts_the_rest(tmp_path):
    """Closed-won opportunities as bookings (docs/mappings/salesforce.md): the filter keeps
    only the listed values and counts the other rows as filtered, none silently lost."""
    doc = yaml.safe_load(only_opportunities(tmp_path).read_text(encoding="utf-8"))
    doc["entities"]["opportunities"]["where"] = {"column": ["StageName", "stage_name"], "in": ["Closed Won"]}
    path = tmp_path / "won.yml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    write(
        tmp_path / "in" / "Opportunity.csv",
        OPP_HEADER,
        [opp(1, "Closed Won"), opp(2, "Closed Lost"), opp(3, "Closed Won"), opp(4)],
    )
    report = adapt(path, tmp_path / "in", tmp_path / "out")
    assert [r["opportunity_id"] for r in landed(tmp_path / "out", "opportunities")] == [
        "O0000001",
        "O0000003",
    ]
    counts = report["entities"]["opportunities"]
    assert (counts["rows_read"], counts["rows_mapped"], counts["rows_filtered"]) == (4, 2, 2)
