"""Loading and validation: the one edge where data comes in.

:func:`load_data` reads ``data/datapackage.json`` and its CSVs, validates them against the
Frictionless schema (types, constraints, primary and foreign keys) and then against the rules
a schema cannot express, and returns typed pandas frames. Every problem found is reported at
once, each naming file, row, column and value and saying what to do. The rest of the package
trusts the frames it returns.

Row numbers count the header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import files
from .clock import today as clock_today
from .errors import BriefingsError
from .paths import DATA_DIR, DESCRIPTOR_NAME
from .text import EARLIEST_DATE, control_problem, name_problem
from .version import MAX_CSV_BYTES, MAX_DESCRIPTOR_BYTES, _not_a_plain_file, data_version  # noqa: F401 - re-exported

#: A pay offer or wage in a currency other than USD needs a rate within this many days.
MAX_FX_GAP_DAYS = 92
#: Text fields that name a thing the analysis matches on, besides the keys and the enums.
NAME_FIELDS = ("origin", "currency")

SIDE_COUNTRY = {"russia": "Russia", "ukraine": "Ukraine"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located as precisely as we can."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: object = None

    def __str__(self) -> str:
        place = self.file
        if self.row is not None:
            place += f" row {self.row}"
        if self.column:
            place += f", column {self.column}"
        if self.value is not None and self.value != "":
            shown = str(self.value)
            shown = shown if len(shown) <= 80 else shown[:77] + "..."
            place += f" (value {shown!r})"
        return f"{place}: {self.message}"


class DataError(BriefingsError):
    """The data package failed validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the data:\n{lines}")


@dataclass(frozen=True)
class DataPackage:
    """The validated data: one typed frame per resource, plus where it came from."""

    sources: pd.DataFrame
    claimants: pd.DataFrame
    headcount_claims: pd.DataFrame
    pay_offers: pd.DataFrame
    reference_wages: pd.DataFrame
    exchange_rates: pd.DataFrame
    path: Path
    version: str  # short content hash of the descriptor and every CSV
    schema: dict = field(repr=False, default_factory=dict)

    @property
    def origins(self) -> list[str]:
        """Every origin named by a headcount claim or a pay offer: the values ``origins`` may take."""
        return sorted(set(self.headcount_claims["origin"]) | set(self.pay_offers["origin"]))


# ------------------------------------------------------------------------------ entry points

def load_data(data_dir: Path | str = DATA_DIR, *, max_fx_gap_days: int = MAX_FX_GAP_DAYS,
              today: dt.date | None = None, trusted_version: str | None = None) -> DataPackage:
    """Validate and load the data package in ``data_dir``.

    Returns a :class:`DataPackage` of typed frames; raises :class:`DataError` listing every
    problem when anything is wrong. ``trusted_version`` is a :func:`data_version` that the
    caller has already validated (the build passes it to every notebook it runs): when the
    data still hashes to it, the slow schema pass is skipped; the domain checks always run.
    """
    data_dir = Path(data_dir)
    descriptor, problems = _read_descriptor(data_dir)
    if descriptor is None:
        raise DataError(problems)
    version = data_version(data_dir)
    # A warm kernel builds several briefings from the same trusted data: load it once. The key
    # holds the content hash and every option, so a changed byte or day is never served stale.
    today = today or clock_today()  # one clock (UTC) for every "today": see analysis.clock
    key = (str(data_dir.resolve()), version, max_fx_gap_days, today)
    if trusted_version == version and _trusted_cache.get("key") == key:
        return _trusted_cache["data"]
    numbers = {r["path"]: _cell_problems(data_dir / r["path"], r) for r in descriptor["resources"]}
    if trusted_version != version:
        # A cell that is not a finite number gets that message, not the schema's ("minimum = 0" for NaN);
        # a file with a lone carriage return gets only that one (the validator splits the row there).
        flagged = {(p.file, p.row, p.column) for found in numbers.values() for p in found}
        split = {p.file for found in numbers.values() for p in found if p.message.startswith(_LONE_CR)}
        problems += [p for p in _schema_problems(data_dir, descriptor)
                     if (p.file, p.row, p.column) not in flagged and p.file not in split]
    for found in numbers.values():
        problems += found
    frames = {}
    for resource in descriptor["resources"]:
        name = resource["name"]
        if any(p.file == resource["path"] for p in problems):
            continue  # typed reading would only repeat the schema errors
        frames[name] = _read_typed(data_dir / resource["path"], resource["schema"])
    problems += _domain_problems(frames, descriptor, max_fx_gap_days, today)
    if problems:
        raise DataError(problems)
    data = DataPackage(**{r["name"]: frames[r["name"]] for r in descriptor["resources"]},
                       path=data_dir, version=version, schema=descriptor)
    if trusted_version == version:
        _trusted_cache.update(key=key, data=data)
    return data


_trusted_cache: dict = {}


def validate(data_dir: Path | str = DATA_DIR, **options) -> list[Problem]:
    """Every problem in the data package (an empty list when it is clean)."""
    try:
        load_data(data_dir, **options)
    except DataError as error:
        return error.problems
    return []


# ------------------------------------------------------------------------------ schema checks

def _read_descriptor(data_dir: Path) -> tuple[dict | None, list[Problem]]:
    path = data_dir / DESCRIPTOR_NAME
    if not data_dir.is_dir():
        return None, [Problem(str(data_dir), "data directory not found; pass --data DIR pointing "
                              f"at a folder holding {DESCRIPTOR_NAME} and its CSV files")]
    if not os.path.lexists(path):
        return None, [Problem(DESCRIPTOR_NAME, f"not found in {data_dir}; every data folder needs "
                              "the descriptor that declares its tables")]
    not_plain = _not_a_plain_file(data_dir, DESCRIPTOR_NAME)
    if not_plain:
        return None, [Problem(DESCRIPTOR_NAME, not_plain)]
    try:
        descriptor = files.read_json(path, limit=MAX_DESCRIPTOR_BYTES, what="data package descriptor")
    except files.FileRefused as error:
        return None, [Problem(DESCRIPTOR_NAME, str(error).removeprefix(f"{path}: "))]
    except (OSError, ValueError) as error:  # not JSON, NaN, nested too deeply
        return None, [Problem(DESCRIPTOR_NAME, f"cannot be read as a data package descriptor ({error})")]
    shape = _descriptor_shape_problems(descriptor)
    if shape:
        return None, shape
    resources = descriptor["resources"]
    names = {r["name"] for r in resources}
    missing = {"sources", "claimants", "headcount_claims", "pay_offers", "reference_wages", "exchange_rates"} - names
    if missing:
        return None, [Problem(DESCRIPTOR_NAME, f"declares no resource named {', '.join(sorted(missing))}")]
    problems = []
    for resource in resources:
        csv = data_dir / resource["path"]
        not_plain = _not_a_plain_file(data_dir, resource["path"])
        if not os.path.lexists(csv):
            problems.append(Problem(resource["path"], f"file not found in {data_dir}; restore it "
                                    f"(the descriptor declares resource {resource['name']!r})"))
        elif not_plain:
            problems.append(Problem(resource["path"], not_plain))
        elif csv.stat().st_size == 0:
            problems.append(Problem(resource["path"], "file is empty; it needs at least the header row "
                                    f"({', '.join(f['name'] for f in resource['schema']['fields'])})"))
    if problems:
        return None, problems
    return descriptor, []


_FIELD_TYPES = {"string", "integer", "number", "date", "boolean", "datetime", "year", "any"}


def _descriptor_shape_problems(descriptor) -> list[Problem]:
    """The descriptor's shape, checked before any of it is used: a list of resources, each with a
    text name, a local file path, and a schema whose fields each have a text name and a type."""
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return [Problem(DESCRIPTOR_NAME, "cannot be read as a data package descriptor: it must be an object "
                        "with a list under \"resources\"")]
    problems = []
    for number, resource in enumerate(descriptor["resources"], start=1):
        where = f"resource {number}"
        if not isinstance(resource, dict):
            problems.append(Problem(DESCRIPTOR_NAME, f"{where} must be an object with name, path and schema"))
            continue
        name, path, schema = resource.get("name"), resource.get("path"), resource.get("schema")
        if not isinstance(name, str) or not name:
            problems.append(Problem(DESCRIPTOR_NAME, f"{where}: \"name\" must be text", value=name))
            continue
        where = f"resource {name!r}"
        if not isinstance(path, str) or not path:
            problems.append(Problem(DESCRIPTOR_NAME, f"{where}: \"path\" must be one file name as text "
                                    "(several files or none are not supported)", value=path))
        elif "://" in path or path.startswith(("/", "\\")) or ":" in path.split("/")[0] \
                or ".." in Path(path).parts or "\\" in path:
            problems.append(Problem(DESCRIPTOR_NAME, f"{where}: \"path\" must name a file inside the data "
                                    "folder (no URL, absolute path or '..')", value=path))
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list) or not schema["fields"]:
            problems.append(Problem(DESCRIPTOR_NAME, f"{where}: \"schema\" must be an object with a non-empty "
                                    "list under \"fields\""))
            continue
        for field_spec in schema["fields"]:
            if not isinstance(field_spec, dict) or not isinstance(field_spec.get("name"), str) \
                    or field_spec.get("type", "string") not in _FIELD_TYPES:
                problems.append(Problem(DESCRIPTOR_NAME, f"{where}: each field must be an object with a text "
                                        f"\"name\" and a \"type\" ({', '.join(sorted(_FIELD_TYPES))})",
                                        value=json.dumps(field_spec)[:80]))
            elif not isinstance(field_spec.get("constraints", {}), dict):
                problems.append(Problem(DESCRIPTOR_NAME, f"{where}, field {field_spec['name']!r}: "
                                        "\"constraints\" must be an object"))
    return problems


_ADVICE = {
    "type-error": "not a valid {type}; write it as {example}",
    "constraint-error": "breaks the rule {constraint}; correct the value",
    "missing-label": "column is missing from the header; add it (see data/datapackage.json)",
    "extra-label": "column is not declared in data/datapackage.json; remove it or declare it",
    "incorrect-label": "header does not match data/datapackage.json at this position; fix the column name or order",
    "duplicate-label": "column name appears twice in the header; remove one",
    "blank-label": "header has an empty column name; name it or remove the column",
    "missing-cell": "row has fewer cells than the header; add the missing values",
    "extra-cell": "row has more cells than the header; remove the extra value (quote values that contain commas)",
    "blank-row": "row is empty; delete it",
    "primary-key": "duplicates the identifier of an earlier row; give each row its own id",
    "unique-error": "duplicates the identifier of an earlier row; give each row its own id",
    "foreign-key": "refers to an id that does not exist in {table} ({key}); add it there or fix the reference",
    "encoding-error": "file is not valid UTF-8; re-save it as UTF-8",
}
_EXAMPLES = {"date": "YYYY-MM-DD, e.g. 2022-03-15", "integer": "digits only, e.g. 40000",
             "number": "digits with an optional decimal point, e.g. 29.25", "string": "text"}


def _schema_problems(data_dir: Path, descriptor: dict) -> list[Problem]:
    """Run the Frictionless validator and translate its errors into :class:`Problem`s.

    Frictionless opens the descriptor and the CSVs by name (allowed in tests/test_files.py): each
    was checked to be a regular file inside the data folder, and read through analysis.files, just
    before; ``descriptor`` is the one read then."""
    from frictionless import validate as frictionless_validate  # slow import: only when validating

    report = frictionless_validate(str(data_dir / DESCRIPTOR_NAME), limit_errors=500)
    fields_by_path = {r["path"]: {f["name"]: f for f in r["schema"]["fields"]} for r in descriptor["resources"]}
    paths_by_name = {r["name"]: r["path"] for r in descriptor["resources"]}
    headers = _header_problems(data_dir, descriptor)
    problems = []
    for task in report.tasks:
        path = Path(task.place).name if task.place else task.name
        if path in headers:  # the validator matches columns by position: one gap cascades
            problems += headers[path]
            continue
        for error in task.errors:
            if error.type == "encoding-error" and _is_utf8(data_dir / path):
                # Raised while reading a table this one refers to (a foreign key): that table's own
                # error names it; blaming every file that refers to it would only mislead.
                continue
            problem = _problem_from_frictionless(path, error, fields_by_path.get(path, {}),
                                                 {**paths_by_name, "": path})
            if error.type == "encoding-error":
                problem = _locate_bad_bytes(data_dir / path, problem)
            if problem not in problems:  # a repeated id is both a unique and a primary-key error
                problems.append(problem)
    for error in report.errors:
        problems.append(Problem(DESCRIPTOR_NAME, error.message))
    return problems


def _header_problems(data_dir: Path, descriptor: dict) -> dict[str, list[Problem]]:
    """Columns missing from or not declared in each CSV's header, matched by name."""
    found = {}
    for resource in descriptor["resources"]:
        declared = [f["name"] for f in resource["schema"]["fields"]]
        try:
            text = files.read_text(data_dir / resource["path"], limit=MAX_CSV_BYTES, what="data file", bom=True)
            header = next(csv.reader(io.StringIO(text, newline="")), [])
        except (OSError, csv.Error):
            continue  # the validator reports unreadable files
        problems = [Problem(resource["path"], _ADVICE["missing-label"], column=name)
                    for name in declared if name not in header]
        problems += [Problem(resource["path"], _ADVICE["extra-label"], column=name)
                     for name in header if name not in declared]
        if problems:
            found[resource["path"]] = problems
    return found


def _is_utf8(path: Path) -> bool:
    try:
        files.read_bytes(path, limit=MAX_CSV_BYTES, what="data file").decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return True


def _locate_bad_bytes(path: Path, problem: Problem) -> Problem:
    """The row, column and text (undecodable bytes shown as \ufffd) of the first non-UTF-8 byte."""
    try:
        raw = files.read_bytes(path, limit=MAX_CSV_BYTES, what="data file")
        raw.decode("utf-8")
        return problem
    except UnicodeDecodeError as error:
        start = error.start
    except OSError:
        return problem
    before = raw[:start].decode("utf-8")
    records = list(csv.reader(io.StringIO(before, newline="")))
    if not records or before.endswith(("\n", "\r")):
        records.append([""])
    row, position = len(records), len(records[-1]) - 1
    # Replacing the bad bytes keeps every comma, quote and line break where it was.
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8", "replace"), newline="")))
    header = [name.lstrip("\ufeff") for name in rows[0]] if rows else []
    column = header[position] if position < len(header) else None
    cells = rows[row - 1] if row <= len(rows) else []
    value = cells[position] if position < len(cells) else None
    return Problem(problem.file, problem.message, row=row, column=column, value=value)


def _problem_from_frictionless(path: str, error, fields: dict, resource_paths: dict | None = None) -> Problem:
    """A Frictionless error as a :class:`Problem`; ``resource_paths`` maps resource names to files
    (``""``, a table referring to itself, to ``path``) so a foreign-key problem names its table."""
    kind = error.type
    column = getattr(error, "field_name", None) or getattr(error, "label", None)
    value = getattr(error, "cell", None)
    row = getattr(error, "row_number", None)
    if kind == "foreign-key":
        column = ", ".join(error.field_names) if getattr(error, "field_names", None) else column
        value = ", ".join(str(c) for c in getattr(error, "field_cells", []) or []) or value
    if kind == "primary-key":
        schema_key = next((f for f in fields if f.endswith("_id")), None)
        column = schema_key
        cells = getattr(error, "cells", None) or []
        value = cells[list(fields).index(schema_key)] if schema_key in fields and len(cells) > list(fields).index(schema_key) else None
    advice = _ADVICE.get(kind)
    if kind == "foreign-key":
        reference = getattr(error, "reference_name", "")
        table = (resource_paths or {}).get(reference) or (f"{reference}.csv" if reference else path)
        keys = getattr(error, "reference_field_names", None) or []
        advice = advice.format(table=table, key=", ".join(keys) or "its key")
    elif kind == "type-error" and fields.get(column, {}).get("format") == "uri":
        advice = "is not a full web address; write it with its scheme, e.g. https://www.example.org/page"
    elif kind == "type-error":
        ftype = fields.get(column, {}).get("type", "value")
        advice = advice.format(type=ftype, example=_EXAMPLES.get(ftype, ftype))
    elif kind == "constraint-error":
        note = getattr(error, "note", "") or ""
        advice = advice.format(constraint=note.replace('constraint "', "").replace('" is "', " = ").strip('"'))
        if "enum" in note:
            allowed = fields.get(column, {}).get("constraints", {}).get("enum", [])
            advice = f"is not one of the allowed values ({', '.join(map(str, allowed))})"
        elif "required" in note:
            advice = "is required; fill it in"
    if advice is None:
        advice = error.message
    return Problem(path, advice, row=row, column=column, value=value)


#: The largest magnitude any figure may have (a headcount, an amount, a rate): far above any real
#: one, far below where float arithmetic (headcount x pay x months) overflows or loses whole units.
NUMBER_LIMIT = 10**15


def _read_text(path: Path) -> str:
    """A data file's text, read through the guarded opener (the BOM Excel writes dropped)."""
    return files.read_text(path, limit=MAX_CSV_BYTES, what="data file", bom=True)


def _cell_problems(path: Path, resource: dict) -> list[Problem]:
    """The rules every cell of any descriptor follows, which the schema's checks let through:
    numbers finite and in range (:func:`_number_problems`), dates from
    :data:`~analysis.text.EARLIEST_DATE` on, and text that is text (:func:`_text_problems`)."""
    try:
        text = _read_text(path)
    except (OSError, ValueError):
        return []  # the schema pass reports a file it cannot read
    problems = _text_problems(text, resource)
    fields = resource["schema"]["fields"]
    numbers = [f["name"] for f in fields if f.get("type") in ("number", "integer")]
    dates = [f["name"] for f in fields if f.get("type") == "date"]
    if not numbers and not dates:
        return problems
    try:  # one parse for both checks (a 100,000-row file takes about a second)
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, usecols=numbers + dates)
    except ValueError:
        return problems  # the schema pass reports a file it cannot read
    return problems + _number_problems(frame, resource["path"], numbers) + _early_date_problems(frame, resource["path"], dates)


#: How a lone carriage return's problem starts (load_data then drops the validator's for that file).
_LONE_CR = "holds a carriage return (CR) on its own"


def _text_problems(text: str, resource: dict) -> list[Problem]:
    """Text cells hold no control character (a tab, and line ends inside a quoted cell, aside), and
    a name or key (an id, a foreign key, an enum value, :data:`NAME_FIELDS`) no invisible character
    and only NFC text: ``Syr\\u200bia`` would be a second "Syria" that looks the same.

    A carriage return on its own inside a quoted cell is named first: the validator reads it as
    the end of a row and reports a cascade of problems, none of them the CR."""
    # A lone CR in a file whose lines end in LF or CRLF (a file of CR line ends alone is read as such).
    lone_cr = "\r" in text and "\n" in text and "\r" in text.replace("\r\n", "")
    if not lone_cr and text.isascii() and not text.encode("ascii").translate(None, _PLAIN_ASCII):
        return []  # the common case: nothing here can be invisible or a control character
    if lone_cr:  # marked, so that quoted or not it stays inside its cell and is found there
        text = re.sub("\r(?!\n)", _CR_MARK, text)
    schema = resource["schema"]
    names = set(NAME_FIELDS) | set(_as_list(schema.get("primaryKey")))
    names |= {f for key in schema.get("foreignKeys", []) or [] if isinstance(key, dict)
              for f in _as_list(key.get("fields"))}
    names |= {f["name"] for f in schema["fields"] if "enum" in (f.get("constraints") or {})}
    kinds = {f["name"]: f.get("type", "string") for f in schema["fields"]}
    problems = []
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, [])
    for number, cells in enumerate(rows, start=2):
        for column, cell in zip(header, cells):
            if not cell or (cell.isascii() and cell.isprintable()):
                continue
            if _CR_MARK in cell:
                problems.append(Problem(resource["path"], f"{_LONE_CR}, which the validator reads as the end of the "
                                        "row; remove it, or end every line of the file the same way (CRLF or LF)",
                                        number, column, cell.replace(_CR_MARK, "\r")))
                continue
            problem = (name_problem(cell, column) if column in names
                       else control_problem(cell.replace("\r\n", "\n"), lines=True) if kinds.get(column) == "string"
                       else None)
            if problem:
                problems.append(Problem(resource["path"], problem, number, column, cell))
    return problems


_CR_MARK = "\ue000"  # a private-use character: refused in names, never in the data as written
#: Printable ASCII and the line ends: a file of nothing else needs no cell-by-cell look.
_PLAIN_ASCII = bytes(range(32, 127)) + b"\t\n\r"


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value] if isinstance(value, str) else []


def _early_date_problems(frame: pd.DataFrame, path: str, fields: list[str]) -> list[Problem]:
    """Every date is from :data:`~analysis.text.EARLIEST_DATE` on (pandas holds no date before 1677).
    ``frame`` holds the ``fields`` (the date columns) as text."""
    earliest = EARLIEST_DATE.isoformat()
    problems = []
    for name in fields:
        cells = frame[name].str.strip()
        early = cells[(cells != "") & (cells < earliest)]  # ISO dates sort as text; the rare hit is checked below
        early = early[early.str.fullmatch(r"\d{4}-\d{2}-\d{2}")]
        problems += [Problem(path, f"is before {earliest}, the earliest date any figure may have; "
                             "check the year", int(index) + 2, name, value) for index, value in early.items()]
    return problems


def _number_problems(frame: pd.DataFrame, path: str, fields: list[str]) -> list[Problem]:
    """Every number and integer cell must be finite and at most :data:`NUMBER_LIMIT` in size.
    ``frame`` holds the ``fields`` (the number and integer columns) as text.

    A generic rule, for any descriptor: the schema's type check lets ``inf``, ``nan`` and
    ``1e308`` through as numbers, and a 20-digit integer as an integer, each of which would
    break the arithmetic or the typed reading later, far from the cell that caused it.
    """
    problems = []
    for name in fields:
        cells = frame[name]
        filled = cells[cells.str.strip() != ""]
        values = pd.to_numeric(filled, errors="coerce").astype("float64")
        # Text that is not a number at all is the schema check's to report ("not a valid integer").
        said_nan = filled.str.strip().str.lower().str.lstrip("+-") == "nan"
        bad = (values.isna() & said_nan) | values.isin([math.inf, -math.inf]) | (values.abs() > NUMBER_LIMIT)
        for index, value in values[bad].items():
            text = filled[index]
            if math.isfinite(value):
                message = (f"is larger than {NUMBER_LIMIT:,}, the most any figure may be; check for extra "
                           "digits or a misplaced exponent")
            else:
                message = "is not a finite number; write the figure in digits, e.g. 29.25"
            problems.append(Problem(path, message, int(index) + 2, name, text))
    return problems


def _read_typed(path: Path, schema: dict) -> pd.DataFrame:
    """Read a CSV that passed the schema check, with each column in its declared type."""
    return typed_frame(pd.read_csv(io.StringIO(_read_text(path)), dtype=str, keep_default_na=False), schema)


def typed_frame(frame: pd.DataFrame, schema: dict) -> pd.DataFrame:
    """``frame`` of text cells ('' when empty), checked already, with each column in its declared
    type (dates datetime64, integers Int64, numbers float64, text object with None) and indexed by
    spreadsheet row number. Tests build their small frames with it, so they match the loader's."""
    frame = frame.copy()
    for spec in schema["fields"]:
        name, kind = spec["name"], spec["type"]
        column = frame[name].replace("", None)
        if kind == "date":
            frame[name] = pd.to_datetime(column, format="%Y-%m-%d")
        elif kind == "integer":
            frame[name] = pd.to_numeric(column).astype("Int64")
        elif kind == "number":
            frame[name] = pd.to_numeric(column).astype("float64")
        else:
            frame[name] = column.astype(object).where(column.notna(), None)
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")  # spreadsheet row numbers
    return frame


# ------------------------------------------------------------------------------ domain checks

# table -> (low column, high column, unit word for messages)
_BOUNDS = {
    "headcount_claims": ("people_low", "people_high"),
    "pay_offers": ("amount_low_local", "amount_high_local"),
    "reference_wages": ("monthly_low_local", "monthly_high_local"),
    "exchange_rates": ("per_usd_low", "per_usd_high"),
}
_DATED = {"headcount_claims": "date_reported", "pay_offers": "date_reported", "reference_wages": "date_reported"}


def _domain_problems(frames: dict[str, pd.DataFrame], descriptor: dict, max_fx_gap_days: int,
                     today: dt.date) -> list[Problem]:
    """The rules the schema cannot express, checked on every table that passed the schema."""
    paths = {r["name"]: r["path"] for r in descriptor["resources"]}
    problems: list[Problem] = []
    for name, (low_col, high_col) in _BOUNDS.items():
        if name in frames:
            problems += _bound_problems(frames[name], paths[name], low_col, high_col)
    for name, date_col in _DATED.items():
        if name in frames:
            problems += _date_problems(frames[name], paths[name], date_col, frames.get("sources"), today)
    if "headcount_claims" in frames:
        problems += _flow_problems(frames["headcount_claims"], paths["headcount_claims"])
    for name in ("headcount_claims", "pay_offers"):
        if name in frames and "origin" in frames[name]:
            problems += _padded_problems(frames[name], paths[name], "origin")
    if "sources" in frames and "url" in frames["sources"]:
        problems += _url_problems(frames["sources"], paths["sources"])
    if "exchange_rates" in frames:
        rates = frames["exchange_rates"]
        for row, value in rates.loc[rates["per_usd_low"] <= 0, "per_usd_low"].items():
            problems.append(Problem(paths["exchange_rates"], "a rate must be above 0 units per USD",
                                    row, "per_usd_low", value))
        for row, value in rates.loc[rates["date"].dt.date > today, "date"].items():
            problems.append(Problem(paths["exchange_rates"], f"date is in the future (today is {today}); "
                                    "check the year", row, "date", value.date()))
        for target, date_col in (("pay_offers", "date_reported"), ("reference_wages", "date_in_force")):
            if target in frames:
                problems += _fx_problems(frames[target], paths[target], date_col, rates,
                                         paths["exchange_rates"], max_fx_gap_days)
    return problems


def _flow_problems(claims: pd.DataFrame, path: str) -> list[Problem]:
    """A flow needs the period it counts over; a stock (cumulative or current) has none."""
    problems = []
    is_flow = claims["count_type"] == "flow"
    for column in ("period_start", "period_end"):
        for row in claims.index[is_flow & claims[column].isna()]:
            problems.append(Problem(path, f"count_type 'flow' needs {column}: the period the flow counts over",
                                    row, column, ""))
        for row, value in claims.loc[~is_flow & claims[column].notna(), column].items():
            problems.append(Problem(path, f"only a flow has a period; clear {column} or set count_type to 'flow'",
                                    row, column, value.date()))
    both = is_flow & claims["period_start"].notna() & claims["period_end"].notna()
    for row, record in claims[both & (claims["period_start"] > claims["period_end"])].iterrows():
        problems.append(Problem(path, "period_start is after period_end", row, "period_start",
                                record["period_start"].date()))
    return problems


def _padded_problems(frame: pd.DataFrame, path: str, column: str) -> list[Problem]:
    """A name with spaces at either end is a different name ('Syria ' is not 'Syria')."""
    values = frame[column].dropna()
    padded = values[values != values.str.strip()]
    return [Problem(path, f"{column} has spaces at its start or end, which make it a different {column} from "
                    f"{value.strip()!r}; remove them", row, column, value) for row, value in padded.items()]


def _url_problems(sources: pd.DataFrame, path: str) -> list[Problem]:
    """A source's address must be a full web address, with its scheme (a reader clicks on it)."""
    from urllib.parse import urlsplit

    problems = []
    for row, url in sources["url"].dropna().items():
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(Problem(path, "is not a full web address; write it with its scheme, e.g. "
                                    "https://www.example.org/page", row, "url", url))
    return problems


def _bound_problems(frame: pd.DataFrame, path: str, low_col: str, high_col: str) -> list[Problem]:
    problems = []
    # Find the suspect rows column-wise first (a 100,000-row table is read row by row otherwise),
    # then word each problem row by row, as before.
    low, high = frame[low_col], frame[high_col]
    if "qualifier" not in frame:  # exchange rates: a point, or the range the source stated
        return [Problem(path, f"{low_col} ({lo:g}) is greater than {high_col} ({hi:g}); swap or fix the range",
                        row, high_col, hi) for row, lo, hi in zip(frame.index, low, high) if lo > hi]
    range_stated = frame["qualifier"] == "range"
    suspect = (low > high) | (range_stated & (low == high)) | (~range_stated & (low != high))
    for row, record in frame[suspect.fillna(False).astype(bool)].iterrows():
        low, high, qualifier = record[low_col], record[high_col], record["qualifier"]
        if low > high:
            problems.append(Problem(path, f"{low_col} ({low:g}) is greater than {high_col} ({high:g}); "
                                    "swap or fix the range", row, high_col, high))
        elif qualifier == "range" and low == high:
            problems.append(Problem(path, f"qualifier 'range' needs {low_col} < {high_col}, but both are "
                                    f"{low:g}; use 'exactly' or 'about' for a single figure, or enter "
                                    "the range's two ends", row, "qualifier", qualifier))
        elif qualifier != "range" and low != high:
            problems.append(Problem(path, f"qualifier {qualifier!r} states one figure, but {low_col} "
                                    f"({low:g}) differs from {high_col} ({high:g}); use 'range' or "
                                    f"set {high_col} equal to {low_col}", row, "qualifier", qualifier))
    return problems


def _date_problems(frame: pd.DataFrame, path: str, date_col: str, sources: pd.DataFrame | None,
                   today: dt.date) -> list[Problem]:
    problems = []
    accessed = {} if sources is None else dict(zip(sources["source_id"], sources["date_accessed"]))
    reported_all, precision_all = frame[date_col], frame["date_precision"]
    suspect = ((reported_all.dt.normalize() > pd.Timestamp(today))
               | (reported_all > pd.to_datetime(frame["source_id"].map(accessed)))
               | ((precision_all == "month") & (reported_all.dt.day != 1))
               | ((precision_all == "year") & ((reported_all.dt.month != 1) | (reported_all.dt.day != 1))))
    for row, record in frame[suspect.fillna(False).astype(bool)].iterrows():  # as in _bound_problems
        reported = record[date_col]
        precision = record["date_precision"]
        if reported.date() > today:
            problems.append(Problem(path, f"date is in the future (today is {today}); check the year",
                                    row, date_col, reported.date()))
        source_accessed = accessed.get(record["source_id"])
        if source_accessed is not None and reported > source_accessed:
            problems.append(Problem(path, f"reported after its source {record['source_id']} was accessed "
                                    f"({source_accessed.date()}); a source cannot report what came later — "
                                    "fix the date or the source", row, date_col, reported.date()))
        if (precision == "month" and reported.day != 1) or (precision == "year" and (reported.month, reported.day) != (1, 1)):
            problems.append(Problem(path, f"with date_precision {precision!r} enter the first day of the "
                                    f"{precision} (the as-of rule counts it known from the period's end)",
                                    row, date_col, reported.date()))
    return problems


def _fx_problems(frame: pd.DataFrame, path: str, date_col: str, rates: pd.DataFrame, rates_path: str,
                 max_gap_days: int) -> list[Problem]:
    from .pay import rate_in_force  # the same lookup the analysis uses, so the check cannot drift

    problems = []
    known = set(rates["currency"]) | {"USD"}
    found = {}  # (currency, day) -> a rate is in force: many rows share a day

    def has_rate(currency, day) -> bool:
        if (currency, day) not in found:
            found[currency, day] = rate_in_force(rates, currency, day, "official", max_gap_days) is not None
        return found[currency, day]

    for row, record in frame[frame["currency"] != "USD"].iterrows():
        currency = record["currency"]
        if currency not in known:
            problems.append(Problem(path, f"unknown currency; use USD or add rates for it to {rates_path} "
                                    f"(currencies with rates: {', '.join(sorted(known))})", row, "currency", currency))
        elif not has_rate(currency, record[date_col]):
            problems.append(Problem(path, f"no {currency} exchange rate within {max_gap_days} days of "
                                    f"{record[date_col].date()}; add a sourced rate to {rates_path}",
                                    row, date_col, record[date_col].date()))
    return problems


# ------------------------------------------------------------------------------ derived columns

def known_from(frame: pd.DataFrame) -> pd.Series:
    """The day each figure counts as known: the end of its date_reported period (Timestamp)."""
    reported, precision = frame["date_reported"], frame["date_precision"]
    month_end = reported + pd.offsets.MonthEnd(0)
    year_end = reported + pd.offsets.YearEnd(0)
    return reported.where(precision == "day", month_end.where(precision == "month", year_end))
