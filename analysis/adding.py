"""Adding one row to the data package: an id assigned, the whole package validated with the row
in it, duplicates refused, the file written atomically, and a line appended to CHANGELOG.md.

This is the data half of ``briefings add`` (``briefings/add.py`` is the terminal half: it asks
for missing fields). It lives in ``analysis/`` because it is pure data — no terminal, no
click — so an analyst can also call :func:`add_row` from a notebook.

* **Fields** are named as the CSV's columns and given as text, as they would stand in the CSV
  (``read_fields`` reads them from YAML or JSON). The table's id column is never given: the next
  free id is assigned (see :func:`next_id`). A new source or claimant the row cites may be given
  in the same step, as a mapping of its own fields under ``new_source`` or ``new_claimant``
  (:data:`NEW_REFERENCES`); it gets its own next id and is written first.
* **Validation** is ``briefings validate``'s: :func:`analysis.loading.load_data` runs on a
  temporary copy of the package with the new rows appended, so the Frictionless schema, the keys
  and every domain rule apply exactly as they will to the real folder. A refused row changes no
  byte of any file.
* **Duplicates**: a row with the same claimant, date, series and figure as a row already there
  (:data:`DUPLICATE_KEYS`; a headcount series as :mod:`analysis.headcounts` defines it) is refused.
* **Writing**: the new CSV is the old file's bytes with one line appended (its line ending,
  quoting style and column order kept), written to a temporary file in the same folder, flushed to
  disk, and renamed over the old one; then the CHANGELOG line, the same way. One ``flock`` on the
  data folder itself (no lock file is left in it) makes concurrent adds take turns, and the next
  id is chosen only once the lock is held, so two adds at once both land, with different ids.

Every refusal is an :class:`AddError` (a :class:`~analysis.errors.BriefingsError`, exit code 2).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import fcntl
import io
import json
import math
import os
import re
import signal
import stat
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import clock, files
from .errors import BriefingsError
from .paths import DESCRIPTOR_NAME
from .version import MAX_CSV_BYTES, MAX_DESCRIPTOR_BYTES

#: The word on the command line -> the table it adds to.
KINDS = {"claim": "headcount_claims", "offer": "pay_offers", "wage": "reference_wages", "rate": "exchange_rates",
         "source": "sources", "claimant": "claimants"}
#: A new row of another table given in the same step: key in the fields -> (the column citing it, its table).
NEW_REFERENCES = {"new_source": ("source_id", "sources"), "new_claimant": ("claimant_id", "claimants")}
CHANGELOG = "CHANGELOG.md"
#: The heading, under the day's date, that the CHANGELOG lines of ``briefings add`` go under.
ADDED_HEADING = "### Added with `briefings add`"
#: How long an add waits for another one to finish before giving up.
LOCK_TIMEOUT_SECONDS = 60.0
#: Two rows are duplicates when they agree on every one of these columns that the table has: the
#: claimant, the date, the series and the figure. A headcount's series ("SERIES") is the analysis's
#: own, analysis.headcounts.SERIES: side × origin × category × stage × count_key (count_key derived
#: from count_type and a flow's period). An offer's region (a regional bonus), where the schema has one, keeps regions apart. A
#: source is the page it points at, a claimant its name (case and spacing aside).
DUPLICATE_KEYS = {
    "headcount_claims": ("claimant_id", "date_reported", "SERIES", "qualifier", "people_low", "people_high"),
    "pay_offers": ("claimant_id", "date_reported", "side", "origin", "region", "category", "theatre", "period",
                   "component", "status", "qualifier", "amount_low_local", "amount_high_local", "currency"),
    "reference_wages": ("claimant_id", "date_reported", "country", "measure", "date_in_force", "qualifier",
                        "monthly_low_local", "monthly_high_local", "currency"),
    "exchange_rates": ("claimant", "date", "currency", "kind", "basis", "per_usd_low", "per_usd_high"),
    "sources": ("url",),
    "claimants": ("name",),
}


# ------------------------------------------------------------------------------ errors

class AddError(BriefingsError):
    """The row was refused; no file was changed."""


class MissingFields(AddError):
    """Required fields were not given (and there was no terminal to ask on)."""

    def __init__(self, message: str, fields: list[str]):
        super().__init__(message)
        self.fields = fields


class UnknownReference(AddError):
    """The row cites a source, claimant or claim that does not exist."""


class RowRefused(AddError):
    """The package with the row added fails validation; ``fields`` are the (new-row key, column)
    pairs at fault: key '' for the row itself, 'new_source' / 'new_claimant' for one given with it."""

    def __init__(self, message: str, problems: list, fields: list[tuple[str, str]]):
        super().__init__(message)
        self.problems = problems
        self.fields = fields


class DuplicateRow(AddError):
    """The row repeats one already in the table."""


class DataBusy(AddError):
    """Another add held the data folder for longer than the timeout."""


class WriteFailed(BriefingsError):
    """The disk refused a write (exit 1, not bad input): the message says what was written."""

    exit_code = 1


# ------------------------------------------------------------------------------ the tables

@dataclass(frozen=True)
class Table:
    """One resource of the descriptor, as the add command needs it."""

    name: str
    path: str
    description: str
    fields: tuple[dict, ...]
    id_field: str
    prefix: str  # the id's letters, from its pattern (^H[0-9]{3,}$ -> H)
    references: dict  # column -> the table it refers to (its own name for a self-reference)

    @property
    def columns(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @property
    def kind(self) -> str:
        return next((k for k, t in KINDS.items() if t == self.name), self.name)

    def spec(self, column: str) -> dict:
        return next(f for f in self.fields if f["name"] == column)

    def required(self, column: str) -> bool:
        return bool((self.spec(column).get("constraints") or {}).get("required"))


def read_tables(data_dir: Path | str) -> dict[str, Table]:
    """The descriptor's tables by name. Raises :class:`analysis.loading.DataError` when the descriptor
    or a file it names cannot be read (what ``briefings validate`` would say)."""
    from .loading import DataError, _read_descriptor

    descriptor, problems = _read_descriptor(Path(data_dir))
    if descriptor is None:
        raise DataError(problems)
    tables = {}
    for resource in descriptor["resources"]:
        schema = resource["schema"]
        keys = schema.get("primaryKey") or []
        id_field = keys[0] if isinstance(keys, list) and keys else keys if isinstance(keys, str) else ""
        pattern = (next((f for f in schema["fields"] if f["name"] == id_field), {}).get("constraints") or {}) \
            .get("pattern", "")
        match = re.match(r"\^([A-Za-z]+)\[0-9\]", pattern or "")
        references = {}
        for key in schema.get("foreignKeys") or []:
            columns = key.get("fields")
            target = (key.get("reference") or {}).get("resource", "")
            for column in [columns] if isinstance(columns, str) else columns or []:
                references[column] = target or resource["name"]
        tables[resource["name"]] = Table(resource["name"], resource["path"], resource.get("description", ""),
                                         tuple(schema["fields"]), id_field, match.group(1) if match else "",
                                         references)
    return tables


def table_for(tables: dict[str, Table], kind: str) -> Table:
    if kind not in KINDS:
        raise AddError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    if KINDS[kind] not in tables:
        raise AddError(f"the descriptor declares no table {KINDS[kind]!r} for {kind}")
    table = tables[KINDS[kind]]
    if not table.id_field or not table.prefix:
        raise AddError(f"{table.path}: its id column has no pattern such as ^H[0-9]{{3,}}$ in "
                       f"{DESCRIPTOR_NAME}, so the next id cannot be chosen")
    return table


def _records(content: bytes, path: str) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AddError(f"{path} is not valid UTF-8; run `briefings validate` and fix it first") from None
    return list(csv.reader(io.StringIO(text, newline="")))


def existing_ids(content: bytes, table: Table) -> list[str]:
    """The ids in a table's CSV content (its id column)."""
    records = _records(content, table.path)
    if not records or table.id_field not in records[0]:
        return []
    position = records[0].index(table.id_field)
    return [r[position] for r in records[1:] if len(r) > position]


def next_id(table: Table, ids, changelog: str = "") -> str:
    """The next free id of ``table``: one more than the highest number among its ids and every id of
    its prefix named in the CHANGELOG (so an id removed, and recorded there, is never given again);
    as many digits as the highest id has, at least three."""
    numbers = [m.group(1) for i in ids if (m := re.fullmatch(rf"{table.prefix}(\d+)", i or ""))]
    numbers += re.findall(rf"\b{table.prefix}(\d{{3,}})\b", changelog)
    highest = max(numbers, key=int, default="0")
    return f"{table.prefix}{int(highest) + 1:0{max(3, len(highest))}d}"


# ------------------------------------------------------------------------------ reading --from FILE

class _TextLoader(yaml.SafeLoader):
    """YAML whose plain values stay text, as they would stand in the CSV ('40000', '2022-03-15',
    'no'); only an empty value, ~ or null means empty. A key given twice is refused."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _mapping_without_repeats(loader, node):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"{key!r} is given twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_TextLoader.add_constructor("tag:yaml.org,2002:map", _mapping_without_repeats)


def _no_repeats(pairs):
    keys = [k for k, _ in pairs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValueError(f"{', '.join(map(repr, repeated))} given twice")
    return dict(pairs)


def _cell(value, where: str) -> str:
    """A value read from the file as the CSV cell's text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise AddError(f"{where}: true/false is not a value any column takes; put it in quotes if you mean the text")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AddError(f"{where}: {value} is not a finite number; write the figure in digits, e.g. 29.25")
        return repr(value)
    if isinstance(value, dt.date):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    if isinstance(value, str):
        return value.strip()
    raise AddError(f"{where}: a list or mapping is not a cell; give one value (a new source or claimant goes "
                   f"under {' or '.join(NEW_REFERENCES)})")


def read_fields(path: Path | str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """(fields, new rows) from a YAML or JSON file (JSON when its name ends .json): a mapping of
    column -> value, where ``new_source`` / ``new_claimant`` may hold a mapping of that new row's
    columns. Values become the text a CSV cell would hold. Raises :class:`AddError` naming the file."""
    path = Path(path)
    try:
        if not path.is_file():
            raise AddError(f"--from {path}: no such file (or not a regular file)")
        text = files.read_text(path, limit=files.MB, what="file of fields")  # never a pipe: see analysis.files
    except files.FileRefused as error:
        if "not UTF-8" in str(error):
            raise AddError(f"--from {path}: not UTF-8 text; save it as UTF-8") from None
        raise AddError(f"--from {error}") from None
    except OSError as error:
        raise AddError(f"--from {path}: cannot be read ({error.strerror})") from None
    try:
        if path.suffix.lower() == ".json":
            raw = json.loads(text, object_pairs_hook=_no_repeats)
        else:
            raw = yaml.load(text, Loader=_TextLoader)  # noqa: S506 - a SafeLoader that keeps text as text
    except RecursionError:
        raise AddError(f"--from {path}: nested too deeply to be one row") from None
    except (ValueError, yaml.YAMLError) as error:
        raise AddError(f"--from {path}: cannot be read as {'JSON' if path.suffix.lower() == '.json' else 'YAML'} "
                       f"({' '.join(str(error).split())})") from None
    if not isinstance(raw, dict):
        raise AddError(f"--from {path}: must hold one mapping of column names to values (one row)")
    fields, new = {}, {}
    for key, value in raw.items():
        if not isinstance(key, str):
            raise AddError(f"--from {path}: key {key!r} is not a column name")
        if key in NEW_REFERENCES:
            if not isinstance(value, dict):
                raise AddError(f"--from {path}: {key} must be a mapping of the new row's columns to values")
            new[key] = {str(k): _cell(v, f"--from {path}, {key}.{k}") for k, v in value.items()}
        else:
            fields[key] = _cell(value, f"--from {path}, {key}")
    return fields, new


# ------------------------------------------------------------------------------ checking what was given

def check_given(table: Table, tables: dict[str, Table], fields: dict, new: dict, where: str = "") -> None:
    """Refuses (AddError) a column the table lacks, an id, a line break in a value, or a new row
    given where the table cites none or beside the id it would replace."""
    unknown = [k for k in fields if k not in table.columns]
    if unknown:
        raise AddError(f"{where}{', '.join(unknown)}: not a column of {table.path} (its columns: "
                       f"{', '.join(c for c in table.columns if c != table.id_field)})")
    if table.id_field in fields:
        raise AddError(f"{where}{table.id_field}: ids are given by the command (the next free one); "
                       f"leave {table.id_field} out")
    for column, value in fields.items():
        if "\n" in value or "\r" in value:
            raise AddError(f"{where}{column}: a line break is not allowed in a cell; write the value on one line")
    for key, values in new.items():
        if key not in NEW_REFERENCES:
            raise AddError(f"{where}{key}: not a column of {table.path}")
        column, target = NEW_REFERENCES[key]
        if column not in table.columns or target not in tables:
            raise AddError(f"{where}{key}: {table.path} has no {column} column, so it cites no new {target} row")
        if fields.get(column):
            raise AddError(f"{where}{column} and {key} are both given: cite an existing row with {column}, "
                           f"or give the new one under {key}, not both")
        check_given(tables[target], tables, values, {}, f"{key}.")


def missing_fields(table: Table, tables: dict[str, Table], fields: dict, new: dict | None = None) -> list[str]:
    """The required columns not given (a new row's as 'new_source.outlet'); the id is never missing."""
    new = new or {}
    missing = []
    cited = {NEW_REFERENCES[k][0]: k for k in new if k in NEW_REFERENCES}
    for column in table.columns:
        if column != table.id_field and table.required(column) and not fields.get(column) and column not in cited:
            missing.append(column)
    for key, values in new.items():
        target = tables[NEW_REFERENCES[key][1]]
        missing += [f"{key}.{c}" for c in missing_fields(target, tables, values)]
    return missing


# ------------------------------------------------------------------------------ one addition

@dataclass
class NewRow:
    """A row to append: every column's text, the exact line appended, its spreadsheet row number."""

    table: Table
    key: str  # '' for the row asked for; 'new_source' / 'new_claimant' for one added with it
    values: dict[str, str]
    line: str
    row_number: int

    @property
    def id(self) -> str:
        return self.values[self.table.id_field]


@dataclass
class Addition:
    """What an add writes: its rows (any new source or claimant first, the row asked for last), the
    new content of each file it changes (in the order written) and the CHANGELOG text appended."""

    data_dir: Path
    rows: list[NewRow]
    files: dict[str, bytes]
    changelog: str
    written: bool = False

    @property
    def row(self) -> NewRow:
        return self.rows[-1]


def _read_package(data_dir: Path, tables: dict[str, Table]) -> dict[str, bytes]:
    """The descriptor, every file it names, and CHANGELOG.md (b'' when there is none)."""
    # Through the guarded opener: a named pipe in the data folder is refused, never waited on.
    package = {DESCRIPTOR_NAME: files.read_bytes(data_dir / DESCRIPTOR_NAME, limit=MAX_DESCRIPTOR_BYTES)}
    for table in tables.values():
        package[table.path] = files.read_bytes(data_dir / table.path, limit=MAX_CSV_BYTES, what="data file")
    changelog = data_dir / CHANGELOG
    package[CHANGELOG] = (files.read_bytes(changelog, limit=MAX_CSV_BYTES, what="changelog")
                          if changelog.is_file() else b"")
    return package


def _line_style(content: bytes) -> tuple[str, int]:
    """(line ending, csv quoting) of a CSV's header line: CRLF or LF; every cell quoted or only where needed."""
    text = content.decode("utf-8-sig")
    header_line = text.split("\n", 1)[0]
    ending = "\r\n" if header_line.endswith("\r") else "\n"
    header_line = header_line.rstrip("\r")
    cells = next(csv.reader([header_line]), [])
    quoted = bool(cells) and header_line.startswith('"') and header_line.count('"') >= 2 * len(cells)
    return ending, csv.QUOTE_ALL if quoted else csv.QUOTE_MINIMAL


def _append(content: bytes, table: Table, values: dict[str, str]) -> tuple[bytes, str, int]:
    """(new content, the line appended, its spreadsheet row number): the old bytes kept as they
    are, one line added in the file's own style and column order."""
    records = _records(content, table.path)
    if not records:
        raise AddError(f"{table.path} has no header row; run `briefings validate` and fix it first")
    header = [name.lstrip("\ufeff") for name in records[0]]
    ending, quoting = _line_style(content)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=ending, quoting=quoting).writerow([values.get(c, "") for c in header])
    line = buffer.getvalue()
    before = "" if not content or content.endswith((b"\n", b"\r")) else ending  # a last line without its end
    return content + (before + line).encode("utf-8"), line, len(records) + 1


def _figure(values: dict, low: str, high: str, unit: str = "") -> str:
    qualifier = values.get("qualifier", "")
    figure = values.get(low, "")
    if values.get(high) and values.get(high) != figure:
        figure += f"–{values[high]}"
    return " ".join(p for p in (qualifier.replace("_", " "), figure, unit) if p)


def describe(table_name: str, values: dict) -> str:
    """The row in a few words, for the CHANGELOG line."""
    v = values.get
    if table_name == "headcount_claims":
        what = (f"{v('side', '')} side, {v('origin', '')}, {v('category', '')}, {v('stage', '')} "
                f"({v('count_type', '')}): {_figure(values, 'people_low', 'people_high', 'people')}")
    elif table_name == "pay_offers":
        what = (f"{v('side', '')} side, {v('origin', '')}, {v('period', '')} {v('component', '')} pay "
                f"{v('status', '')}: {_figure(values, 'amount_low_local', 'amount_high_local', v('currency', ''))}")
    elif table_name == "reference_wages":
        what = (f"{v('country', '')} {v('measure', '')} in force from {v('date_in_force', '')}: "
                f"{_figure(values, 'monthly_low_local', 'monthly_high_local', v('currency', ''))} a month")
    elif table_name == "exchange_rates":
        high = v("per_usd_high")
        rate = v("per_usd_low", "") + (f"–{high}" if high not in (None, "", v("per_usd_low")) else "")
        return " ".join(f"{v('currency', '')} {v('kind', '')} rate ({v('basis', '')}) on {v('date', '')}: {rate} per "
                        f"USD, from {v('claimant', '')}, source {v('source_id', '')}".split())
    elif table_name == "sources":
        return " ".join(f"{v('outlet', '')}{' via ' + v('via') if v('via') else ''}, {v('url', '')}, "
                        f"reliability {v('reliability', '')}".split())
    elif table_name == "claimants":
        return " ".join(f"{v('name', '')} ({v('kind', '')}, party {v('party', '')})".split())
    else:
        return " ".join(" ".join(f"{k} {x}" for k, x in list(values.items())[1:6] if x).split())
    said = f"; claimant {v('claimant_id', '')}, reported {v('date_reported', '')}, source {v('source_id', '')}"
    return " ".join((what + said).split())


def _changelog_text(existing: str, today: dt.date, rows: list[NewRow], why: str) -> str:
    """The text appended to CHANGELOG.md: under today's '## date' heading and the ADDED_HEADING
    below it, reusing them when they are the last of their level in the file, one bullet per row."""
    ending = "\r\n" if "\r\n" in existing else "\n"
    lines = existing.splitlines()
    headings = [line for line in lines if line.startswith("## ")]
    last_day = headings[-1].strip() if headings else None
    after_day = lines[len(lines) - 1 - lines[::-1].index(headings[-1]):] if headings else []
    last_section = next((line.strip() for line in reversed(after_day) if line.startswith("### ")), None)
    text = "" if not existing or existing.endswith(("\n", "\r")) else ending
    if not existing:
        text += f"# Data changelog{ending}"
    if last_day != f"## {today.isoformat()}":
        text += f"{ending}## {today.isoformat()}{ending}{ending}{ADDED_HEADING}{ending}"
    elif last_section != ADDED_HEADING:
        text += f"{ending}{ADDED_HEADING}{ending}"
    why = " ".join(why.split())
    main = rows[-1]
    for row in rows:
        cited = "" if row is main else f" for {main.id}"
        text += f"- **{row.id}** added to `{row.table.path}`{cited}: {describe(row.table.name, row.values)}."
        text += f" Why: {why}{ending}" if why else ending
    return text


def _problem_text(problem) -> str:
    shown = "" if problem.value in (None, "") else f" (value {str(problem.value)[:80]!r})"
    return f"column {problem.column}{shown}: {problem.message}" if problem.column else problem.message


def _validate(package: dict[str, bytes], rows: list[NewRow], today: dt.date):
    """The package's typed frames with the new rows in it; raises :class:`RowRefused` naming each
    problem of a new row (field and rule), and any problem the data had already."""
    from .loading import DataError, load_data

    with tempfile.TemporaryDirectory(prefix="briefings-add-") as folder:
        for name, content in package.items():
            if name == CHANGELOG:
                continue
            target = Path(folder) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        try:
            return load_data(folder, today=today)
        except DataError as error:
            problems = error.problems
    at = {(row.table.path, row.row_number): row for row in rows}
    ours = [(at[p.file, p.row], p) for p in problems if (p.file, p.row) in at]
    others = [p for p in problems if (p.file, p.row) not in at]
    lines = [f"{'the new row' if row.key == '' else row.key} {row.id} ({row.table.path}), {_problem_text(p)}"
             for row, p in ours]
    if others:
        lines.append(f"the data already had {len(others)} problem(s) before this row (run `briefings validate`):")
        lines += [f"  {p}" for p in others]
    message = "refused, nothing was written:\n" + "\n".join(f"  - {line}" for line in lines)
    raise RowRefused(message, problems, [(row.key, p.column) for row, p in ours if p.column])


def _key_frame(table_name: str, frame):
    """The duplicate-key columns of a typed frame (count_key derived; text compared loosely)."""
    import pandas as pd

    frame = frame.copy()
    if table_name == "headcount_claims" and "count_type" in frame:
        from .headcounts import count_key

        frame["count_key"] = [count_key(t, s, e) for t, s, e in
                              zip(frame["count_type"], frame.get("period_start"), frame.get("period_end"))]
    if table_name == "sources" and "url" in frame:
        frame["url"] = frame["url"].map(lambda u: u.strip().rstrip("/") if isinstance(u, str) else u)
    if table_name == "claimants" and "name" in frame:
        frame["name"] = frame["name"].map(lambda n: " ".join(n.split()).casefold() if isinstance(n, str) else n)
    keys = DUPLICATE_KEYS.get(table_name, ())
    if "SERIES" in keys:
        from .headcounts import SERIES

        keys = [c for key in keys for c in (SERIES if key == "SERIES" else [key])]
    columns = [c for c in keys if c in frame]
    return frame[columns] if columns else pd.DataFrame(index=frame.index)


def _duplicates(data, rows: list[NewRow]) -> None:
    """Raises :class:`DuplicateRow` when a new row repeats one already in its table."""
    import pandas as pd

    for row in rows:
        frame = getattr(data, row.table.name, None)
        if frame is None or row.table.name not in DUPLICATE_KEYS:
            continue
        keys = _key_frame(row.table.name, frame)
        if keys.columns.empty:
            continue
        new = keys.loc[row.row_number]
        others = keys.drop(index=row.row_number)
        same = pd.Series(True, index=others.index)
        for column in keys.columns:
            value = new[column]
            same &= others[column].isna() if pd.isna(value) else (others[column] == value).fillna(False)
        if same.any():
            first = frame.loc[same[same].index[0], row.table.id_field]
            shown = ", ".join(f"{c} {row.values.get(c) or keys.loc[row.row_number, c]}"
                              for c in keys.columns if row.values.get(c) or c == "count_key")
            raise DuplicateRow(f"refused, nothing was written: {'the new row' if not row.key else row.key} repeats "
                               f"{first} in {row.table.path} (the same {shown}). "
                               + (f"Cite {first} instead." if row.key else
                                  "If it is a different report, it differs in one of these; correct that field."))


def prepare(data_dir: Path | str, kind: str, fields: dict[str, str], new: dict | None = None, *, why: str = "",
            today: dt.date | None = None) -> Addition:
    """Everything :func:`write` would write for this row, checked: ids assigned, the whole package
    validated with the new rows, duplicates refused. Reads the files as they are now (call it
    under :func:`data_lock` when the result is to be written). Raises :class:`AddError`."""
    data_dir = Path(data_dir)
    today = today or clock.today()
    tables = read_tables(data_dir)
    table = table_for(tables, kind)
    fields = {k: v.strip() if isinstance(v, str) else _cell(v, k) for k, v in fields.items()}
    new = {k: {c: x.strip() if isinstance(x, str) else _cell(x, f"{k}.{c}") for c, x in v.items()}
           for k, v in (new or {}).items()}
    check_given(table, tables, fields, new)
    missing = missing_fields(table, tables, fields, new)
    if missing:
        raise MissingFields(f"missing required field(s) for {table.path}: {', '.join(missing)}", missing)
    try:
        package = _read_package(data_dir, tables)
    except files.FileRefused as error:  # a pipe, a folder, too large: named
        raise AddError(f"{error}; run `briefings validate`") from None
    except OSError as error:
        raise AddError(f"{data_dir}: cannot read {Path(error.filename or '').name} ({error.strerror}); "
                       "run `briefings validate`") from None
    changelog = package[CHANGELOG].decode("utf-8", "replace")
    fields = dict(fields)
    planned: list[tuple[str, Table, dict]] = []
    for key, values in new.items():
        column, target = NEW_REFERENCES[key]
        values = dict(values)
        values[tables[target].id_field] = next_id(tables[target], existing_ids(package[tables[target].path],
                                                                              tables[target]), changelog)
        fields[column] = values[tables[target].id_field]
        planned.append((key, tables[target], values))
    fields[table.id_field] = next_id(table, existing_ids(package[table.path], table), changelog)
    planned.append(("", table, fields))
    _check_references(planned, tables, package)
    rows, files = [], {}
    for key, target, values in planned:
        content = files.get(target.path, package[target.path])
        content, line, number = _append(content, target, values)
        files[target.path] = content
        rows.append(NewRow(target, key, {c: values.get(c, "") for c in target.columns}, line, number))
    data = _validate({**package, **files}, rows, today)
    _duplicates(data, rows)
    text = _changelog_text(changelog, today, rows, why)
    files[CHANGELOG] = package[CHANGELOG] + text.encode("utf-8")
    return Addition(data_dir, rows, files, text)


def _check_references(planned, tables: dict[str, Table], package: dict[str, bytes]) -> None:
    """Refuses a row citing a source, claimant or claim that is not there (nor added with it)."""
    added = {}
    for _, target, values in planned:
        added.setdefault(target.name, set()).add(values[target.id_field])
    for key, target, values in planned:
        for column, referred in target.references.items():
            value = values.get(column, "")
            if not value or referred not in tables:
                continue
            known = set(existing_ids(package[tables[referred].path], tables[referred])) | added.get(referred, set())
            if value in known:
                continue
            where = f"{key}.{column}" if key else column
            advice = {"sources": "add the source first (`briefings add source`), or give it in the same step "
                                 "under new_source: in --from FILE (answer 'new' at the prompt)",
                      "claimants": "add the claimant first (`briefings add claimant`), or give it in the same step "
                                   "under new_claimant: in --from FILE (answer 'new' at the prompt)"}.get(
                referred, f"name a row that is in {tables[referred].path}")
            raise UnknownReference(f"refused, nothing was written: {where} {value} is not in {tables[referred].path}; "
                                   f"{advice}")


# ------------------------------------------------------------------------------ writing

@contextlib.contextmanager
def data_lock(data_dir: Path | str, timeout: float = LOCK_TIMEOUT_SECONDS, on_wait=None):
    """Hold an exclusive ``flock`` on the data folder itself for the block. Waits up to ``timeout``
    seconds for another holder (calling ``on_wait()`` once when it starts waiting), then raises
    :class:`DataBusy`. The kernel releases the lock if the holder dies; no file is created."""
    data_dir = Path(data_dir)
    try:
        handle = os.open(data_dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise AddError(f"{data_dir}: cannot open the data folder ({error.strerror})") from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if on_wait is not None:
                    on_wait()
                    on_wait = None
                if time.monotonic() >= deadline:
                    raise DataBusy(f"{data_dir}: another `briefings add` has held the data folder for {timeout:g} s; "
                                   "nothing was written; try again when it has finished") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(handle)  # closing the descriptor releases the lock


def replace_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to a temporary file beside ``path``, flush it to disk, give it ``path``'s
    permissions, and rename it over ``path``: a reader sees the old file or the new one, never half,
    and a failure at any step leaves the old file whole and no temporary file behind."""
    if path.is_symlink():
        raise AddError(f"{path} is a symbolic link; the data must be regular files")
    mode = stat.S_IMODE(os.stat(path).st_mode) if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(folder)  # the rename itself reaches the disk
    finally:
        os.close(folder)


def write(addition: Addition) -> None:
    """Write the addition's files in order (a new source or claimant, then the row, then the
    CHANGELOG). Each file is replaced atomically; should the disk fail between two files, the
    package stays valid (a source cited by nothing yet) and :class:`WriteFailed` says what was written.

    Ctrl-C and SIGTERM are held back while the files are written (a few milliseconds), so an
    interruption never falls between two of them: it takes effect once ``written`` is True."""
    done, held = [], []
    previous = {}
    if threading.current_thread() is threading.main_thread():  # only there can handlers be set
        for signum in (signal.SIGINT, signal.SIGTERM):
            if signal.getsignal(signum) is not None:
                previous[signum] = signal.signal(signum, lambda number, frame: held.append(number))
    try:
        for name, content in addition.files.items():
            try:
                replace_atomically(addition.data_dir / name, content)
            except OSError as error:
                raise WriteFailed(f"could not write {addition.data_dir / name} ({error.strerror or error}); "
                                  + (f"already written: {', '.join(done)}" if done else "nothing was written")
                                  ) from error
            done.append(name)
        addition.written = True
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if held:
            signal.raise_signal(held[0])  # the signal held back, delivered now to the usual handler


def add_row(data_dir: Path | str, kind: str, fields: dict[str, str], new: dict | None = None, *, why: str = "",
            dry_run: bool = False, today: dt.date | None = None, lock_timeout: float = LOCK_TIMEOUT_SECONDS,
            on_wait=None) -> Addition:
    """Add one row of ``kind`` (claim, offer, wage, rate, source or claimant) to the package in
    ``data_dir``; returns the :class:`Addition` (``written`` False for a dry run). The id is chosen,
    and the package validated, while the data folder is locked. Raises :class:`AddError` (nothing
    written) or :class:`WriteFailed`."""
    if dry_run:
        return prepare(data_dir, kind, fields, new, why=why, today=today)
    with data_lock(data_dir, lock_timeout, on_wait):
        addition = prepare(data_dir, kind, fields, new, why=why, today=today)
        write(addition)
    return addition
