"""Tests for analysis.loading: the real data load with declared types, and one broken copy per error kind.

Every broken copy is made from data/ into tmp_path (the ``data_copy`` fixture) and edited there.
Row numbers are spreadsheet rows: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from analysis.loading import DataError, Problem, data_version, load_data, validate
from analysis.paths import DATA_DIR

TABLES = ["sources", "claimants", "headcount_claims", "pay_offers", "reference_wages", "exchange_rates"]


# ------------------------------------------------------------------ helpers for broken copies

def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def row_of(data_dir: Path, file: str, record_id: str) -> int:
    """Spreadsheet row of the record whose first cell is ``record_id`` (header = row 1)."""
    rows = read_rows(data_dir / file)
    return next(number for number, row in enumerate(rows, start=1) if row[0] == record_id)


def set_cell(data_dir: Path, file: str, row: int, column: str, value: str) -> None:
    """Overwrite one cell, addressed by spreadsheet row number and column name."""
    rows = read_rows(data_dir / file)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(data_dir / file, rows)


def get_cell(data_dir: Path, file: str, row: int, column: str) -> str:
    rows = read_rows(data_dir / file)
    return rows[row - 1][rows[0].index(column)]


def problems_of(data_dir: Path) -> list[Problem]:
    with pytest.raises(DataError) as error:
        load_data(data_dir)
    return error.value.problems


def find(problems: list[Problem], file: str, row=None, column=None, value=None) -> list[Problem]:
    """Problems at this place; ``value`` compares as text (dates as YYYY-MM-DD)."""
    return [p for p in problems if p.file == file and p.row == row and p.column == column
            and (value is None or str(p.value) == str(value))]


def the_problem(problems, file, row=None, column=None, value=None) -> Problem:
    found = find(problems, file, row, column, value)
    assert len(found) == 1, f"expected one problem at {file} row {row} column {column}; got:\n" + \
        "\n".join(map(str, problems))
    return found[0]


def data_rows(path: Path) -> int:
    return len(read_rows(path)) - 1


# ------------------------------------------------------------------ the real data

def test_real_data_loads_six_frames_of_declared_types(real_data):
    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text("utf-8"))
    for resource in descriptor["resources"]:
        frame = getattr(real_data, resource["name"])
        assert list(frame.columns) == [f["name"] for f in resource["schema"]["fields"]]
        for spec in resource["schema"]["fields"]:
            dtype = frame[spec["name"]].dtype
            if spec["type"] == "date":
                assert pd.api.types.is_datetime64_dtype(dtype), spec["name"]
            elif spec["type"] == "integer":
                assert dtype == pd.Int64Dtype(), spec["name"]
            elif spec["type"] == "number":
                assert dtype == "float64", spec["name"]
            else:
                assert dtype == object, spec["name"]
    assert {r["name"] for r in descriptor["resources"]} == set(TABLES)


def test_real_data_row_counts_and_spreadsheet_index(real_data):
    for name in TABLES:
        frame = getattr(real_data, name)
        assert len(frame) == data_rows(DATA_DIR / f"{name}.csv")
        # the first data row is spreadsheet row 2
        assert frame.index[0] == 2 and frame.index[-1] == len(frame) + 1


def test_real_data_validates_clean():
    assert validate(DATA_DIR) == []


def test_empty_optional_cells_are_missing_not_empty_text(real_data):
    # H001 has no part_of: it reads as None/NA, never as ''
    h001 = real_data.headcount_claims.set_index("claim_id").loc["H001"]
    assert h001["part_of"] is None
    assert pd.isna(real_data.pay_offers.set_index("offer_id").loc["P002", "contract_months"])


# ------------------------------------------------------------------ one broken copy per error kind

def test_missing_csv_file(data_copy):
    (data_copy / "pay_offers.csv").unlink()
    problem = the_problem(problems_of(data_copy), "pay_offers.csv")
    assert "not found" in problem.message and "restore it" in problem.message


def test_empty_file(data_copy):
    (data_copy / "pay_offers.csv").write_text("")
    problem = the_problem(problems_of(data_copy), "pay_offers.csv")
    assert "empty" in problem.message and "header row" in problem.message and "offer_id" in problem.message


def test_missing_column_is_named_without_a_cascade(data_copy):
    path = data_copy / "exchange_rates.csv"
    rows = read_rows(path)
    gone = rows[0].index("in_force_until")
    write_rows(path, [row[:gone] + row[gone + 1:] for row in rows])
    problems = [p for p in problems_of(data_copy) if p.file == "exchange_rates.csv"]
    assert len(problems) == 1, "\n".join(map(str, problems))
    assert problems[0].column == "in_force_until"
    assert "missing" in problems[0].message and "add it" in problems[0].message


def test_extra_column_is_named_without_a_cascade(data_copy):
    path = data_copy / "exchange_rates.csv"
    rows = read_rows(path)
    write_rows(path, [row[:3] + (["comment"] if i == 0 else ["x"]) + row[3:] for i, row in enumerate(rows)])
    problems = [p for p in problems_of(data_copy) if p.file == "exchange_rates.csv"]
    assert len(problems) == 1, "\n".join(map(str, problems))
    assert problems[0].column == "comment"
    assert "not declared" in problems[0].message and "remove it" in problems[0].message


def test_figure_in_words(data_copy):
    set_cell(data_copy, "headcount_claims.csv", 2, "people_low", "forty thousand")
    problem = the_problem(problems_of(data_copy), "headcount_claims.csv", 2, "people_low", "forty thousand")
    assert "integer" in problem.message and "write it as digits" in problem.message


def test_bad_date(data_copy):
    set_cell(data_copy, "headcount_claims.csv", 2, "date_reported", "2022-13-45")
    problem = the_problem(problems_of(data_copy), "headcount_claims.csv", 2, "date_reported", "2022-13-45")
    assert "not a valid date" in problem.message and "YYYY-MM-DD" in problem.message


def test_future_date(data_copy):
    future = dt.date.today() + dt.timedelta(days=400)
    set_cell(data_copy, "headcount_claims.csv", 2, "date_reported", future.isoformat())
    found = [p for p in find(problems_of(data_copy), "headcount_claims.csv", 2, "date_reported", future)
             if "future" in p.message]
    assert len(found) == 1
    assert "check the year" in found[0].message


def test_negative_headcount(data_copy):
    row = row_of(data_copy, "headcount_claims.csv", "H009")  # exactly 70
    set_cell(data_copy, "headcount_claims.csv", row, "people_low", "-70")
    set_cell(data_copy, "headcount_claims.csv", row, "people_high", "-70")
    problems = problems_of(data_copy)
    for column in ("people_low", "people_high"):
        problem = the_problem(problems, "headcount_claims.csv", row, column, "-70")
        assert "minimum" in problem.message and "correct the value" in problem.message


def test_low_above_high(data_copy):
    row = row_of(data_copy, "headcount_claims.csv", "H041")  # range 8,000-14,700
    set_cell(data_copy, "headcount_claims.csv", row, "people_low", "20000")
    problem = the_problem(problems_of(data_copy), "headcount_claims.csv", row, "people_high", 14700)
    assert "20000" in problem.message and "greater than" in problem.message and "swap or fix" in problem.message


def test_range_with_equal_ends(data_copy):
    set_cell(data_copy, "headcount_claims.csv", 2, "qualifier", "range")  # H001: 40,000 and 40,000
    problem = the_problem(problems_of(data_copy), "headcount_claims.csv", 2, "qualifier", "range")
    assert "40000" in problem.message and "use 'exactly' or 'about'" in problem.message


def test_about_with_different_ends(data_copy):
    row = row_of(data_copy, "headcount_claims.csv", "H041")  # 8,000 and 14,700
    set_cell(data_copy, "headcount_claims.csv", row, "qualifier", "about")
    problem = the_problem(problems_of(data_copy), "headcount_claims.csv", row, "qualifier", "about")
    assert "differs" in problem.message and "use 'range'" in problem.message


def test_unknown_currency(data_copy):
    set_cell(data_copy, "pay_offers.csv", 2, "currency", "XYZ")
    problem = the_problem(problems_of(data_copy), "pay_offers.csv", 2, "currency", "XYZ")
    assert "unknown currency" in problem.message and "add rates for it" in problem.message


def test_no_exchange_rate_near_the_offer(data_copy):
    # P005 is £5,000 on 2022-03-30; the GBP rates are dated 2022-03-25 and 2022-03-30,
    # so on 2021-01-15 the nearest is 434 days away, far beyond 92.
    row = row_of(data_copy, "pay_offers.csv", "P005")
    assert get_cell(data_copy, "pay_offers.csv", row, "currency") == "GBP"
    set_cell(data_copy, "pay_offers.csv", row, "date_reported", "2021-01-15")
    problem = the_problem(problems_of(data_copy), "pay_offers.csv", row, "date_reported", "2021-01-15")
    assert "GBP" in problem.message and "92 days" in problem.message and "add a sourced rate" in problem.message


def test_unknown_source_id(data_copy):
    set_cell(data_copy, "headcount_claims.csv", 2, "source_id", "S999")
    problem = the_problem(problems_of(data_copy), "headcount_claims.csv", 2, "source_id", "S999")
    assert "does not exist" in problem.message and "fix the reference" in problem.message


def test_duplicate_primary_key(data_copy):
    set_cell(data_copy, "headcount_claims.csv", 3, "claim_id", "H001")
    problem = the_problem(problems_of(data_copy), "headcount_claims.csv", 3, "claim_id", "H001")
    assert "give each row its own id" in problem.message


def test_month_precision_needs_first_of_month(data_copy):
    row = row_of(data_copy, "headcount_claims.csv", "H035")  # 2022-04-01, precision month
    assert get_cell(data_copy, "headcount_claims.csv", row, "date_precision") == "month"
    set_cell(data_copy, "headcount_claims.csv", row, "date_reported", "2022-03-15")
    problem = the_problem(problems_of(data_copy), "headcount_claims.csv", row, "date_reported", "2022-03-15")
    assert "first day of the month" in problem.message


def test_reported_after_source_was_accessed(data_copy):
    # H003 (2022-03-06) is the only row citing S002; S002 now says it was read on 2022-03-01.
    set_cell(data_copy, "sources.csv", row_of(data_copy, "sources.csv", "S002"), "date_accessed", "2022-03-01")
    row = row_of(data_copy, "headcount_claims.csv", "H003")
    problems = problems_of(data_copy)
    problem = the_problem(problems, "headcount_claims.csv", row, "date_reported", "2022-03-06")
    assert "S002" in problem.message and "fix the date or the source" in problem.message
    assert len(problems) == 1


def test_non_utf8_bytes_are_located(data_copy):
    path = data_copy / "headcount_claims.csv"
    row = row_of(data_copy, "headcount_claims.csv", "H002")
    set_cell(data_copy, "headcount_claims.csv", row, "claimant", "MARKER, in Washington")  # quoted: has a comma
    path.write_bytes(path.read_bytes().replace(b"MARKER", b"\xff\xfe" + "Ambassade à".encode("latin-1")))
    problem = the_problem(problems_of(data_copy), "headcount_claims.csv", row, "claimant")
    # each undecodable byte (ff, fe, and latin-1 'à' = e0) shows as one U+FFFD; the comma stays in the cell
    assert problem.value == "\ufffd\ufffdAmbassade \ufffd, in Washington"
    assert "UTF-8" in problem.message and "re-save it as UTF-8" in problem.message


def test_missing_descriptor(data_copy):
    (data_copy / "datapackage.json").unlink()
    problem = the_problem(problems_of(data_copy), "datapackage.json")
    assert "not found" in problem.message and "descriptor" in problem.message


def test_missing_data_dir(tmp_path):
    missing = tmp_path / "no-such-dir"
    problem = the_problem(problems_of(missing), str(missing))
    assert "not found" in problem.message and "--data DIR" in problem.message


def test_several_errors_in_several_files_are_all_reported(data_copy):
    set_cell(data_copy, "headcount_claims.csv", 2, "people_low", "forty thousand")
    set_cell(data_copy, "headcount_claims.csv", 4, "date_reported", "2022-13-45")
    set_cell(data_copy, "sources.csv", 2, "reliability", "Z")
    set_cell(data_copy, "pay_offers.csv", 3, "currency", "XYZ")
    problems = problems_of(data_copy)
    the_problem(problems, "headcount_claims.csv", 2, "people_low", "forty thousand")
    the_problem(problems, "headcount_claims.csv", 4, "date_reported", "2022-13-45")
    assert "allowed values" in the_problem(problems, "sources.csv", 2, "reliability", "Z").message
    the_problem(problems, "pay_offers.csv", 3, "currency", "XYZ")


def test_bom_and_crlf_are_accepted(data_copy):
    for path in data_copy.glob("*.csv"):
        text = path.read_bytes().decode("utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    data = load_data(data_copy)
    for name in TABLES:
        frame = getattr(data, name)
        assert len(frame) == data_rows(DATA_DIR / f"{name}.csv")
    assert data.sources.columns[0] == "source_id" and data.sources["source_id"].iloc[0] == "S001"


def test_problem_text_names_file_row_column_and_value():
    text = str(Problem("pay_offers.csv", "unknown currency; fix it", 3, "currency", "XYZ"))
    assert text == "pay_offers.csv row 3, column currency (value 'XYZ'): unknown currency; fix it"


def test_trusted_version_still_runs_domain_checks(data_copy):
    set_cell(data_copy, "pay_offers.csv", 2, "currency", "XYZ")
    with pytest.raises(DataError) as error:
        load_data(data_copy, trusted_version=data_version(data_copy))
    the_problem(error.value.problems, "pay_offers.csv", 2, "currency", "XYZ")


# ------------------------------------------------------------------ data_version

def test_data_version_is_the_same_for_an_identical_copy(data_copy):
    os.utime(data_copy / "sources.csv", (0, 0))  # timestamps are not content
    assert data_version(data_copy) == data_version(DATA_DIR)


def test_data_version_changes_with_one_byte(data_copy):
    path = data_copy / "headcount_claims.csv"
    raw = path.read_bytes()
    index = raw.index(b"H057")
    path.write_bytes(raw[:index] + b"H058" + raw[index + 4:])  # one byte: 7 -> 8
    changed = data_version(data_copy)
    assert changed != data_version(DATA_DIR)
    path.write_bytes(raw)
    assert data_version(data_copy) == data_version(DATA_DIR)


def test_data_version_is_twelve_hex_digits(real_data):
    assert len(real_data.version) == 12 and int(real_data.version, 16) >= 0
    assert real_data.version == data_version(DATA_DIR)


def test_trusted_data_is_loaded_once_and_reloaded_when_a_byte_changes(data_copy):
    from analysis.loading import data_version, load_data
    version = data_version(data_copy)
    first = load_data(data_copy, trusted_version=version)
    assert load_data(data_copy, trusted_version=version) is first  # served from the cache
    path = data_copy / "sources.csv"
    path.write_bytes(path.read_bytes().replace(b"Newsweek", b"NewsWeek", 1))
    changed = data_version(data_copy)
    assert changed != version
    reloaded = load_data(data_copy, trusted_version=changed)
    assert reloaded is not first and "NewsWeek" in set(reloaded.sources["outlet"])
    # Untrusted loads always validate afresh.
    assert load_data(data_copy) is not reloaded
