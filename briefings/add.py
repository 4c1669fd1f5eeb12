"""``briefings add``: the terminal half of adding a row.

It reads the fields from ``--from FILE`` and, on a terminal, asks for each one still missing, one
by one, with the field's description and allowed values from ``datapackage.json`` (click's
prompts; a value is checked as it is typed). It then hands the row to :mod:`analysis.adding`,
which assigns the id, validates the whole package with the row in it, refuses duplicates and
writes atomically. Off a terminal nothing is asked: missing fields are named and the command
exits 2. On a terminal, a row refused by validation has the fields at fault asked again.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import signal
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click

from analysis import adding, files
from analysis.version import MAX_CSV_BYTES
from analysis.adding import NEW_REFERENCES, AddError, MissingFields, RowRefused, Table

#: How many times a terminal user is asked again for the fields validation refused.
RETRIES = 5


def value_problem(spec: dict, text: str, known_ids: set[str] | None = None) -> str | None:
    """Why ``text`` cannot be this field's value (None when it can): the field's type, allowed
    values, pattern, bounds and, for a reference, that the row exists. A quick check as the user
    types; the whole package is validated again before anything is written."""
    constraints = spec.get("constraints") or {}
    if text == "":
        return "is required; fill it in" if constraints.get("required") else None
    if "\n" in text or "\r" in text:
        return "a line break is not allowed in a cell"
    kind = spec.get("type", "string")
    number = None
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", text):
            return "is not a valid integer; write it as digits only, e.g. 40000"
        number = int(text)
    elif kind == "number":
        try:
            number = float(text)
        except ValueError:
            return "is not a valid number; write it as digits with an optional decimal point, e.g. 29.25"
        if not math.isfinite(number):
            return "is not a finite number"
    elif kind == "date":
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            return "is not a valid date; write it as YYYY-MM-DD, e.g. 2022-03-15"
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return "is not a valid date; write it as YYYY-MM-DD, e.g. 2022-03-15"
    enum = constraints.get("enum")
    if enum is not None and text not in [str(v) for v in enum]:
        return f"is not one of the allowed values ({', '.join(map(str, enum))})"
    pattern = constraints.get("pattern")
    if pattern and not re.search(pattern, text):
        return f"does not have the form {pattern}"
    if number is not None and "minimum" in constraints and number < constraints["minimum"]:
        return f"must be at least {constraints['minimum']}"
    if number is not None and "maximum" in constraints and number > constraints["maximum"]:
        return f"must be at most {constraints['maximum']}"
    if spec.get("format") == "uri":
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return "is not a full web address; write it with its scheme, e.g. https://www.example.org/page"
    if known_ids is not None and text not in known_ids:
        return "is not an id in its table"
    return None


class FieldValue(click.ParamType):
    """One field's text, checked by :func:`value_problem` (click asks again when it fails)."""

    name = "value"

    def __init__(self, spec: dict, known_ids: set[str] | None = None, allow_new: bool = False):
        self.spec, self.known_ids, self.allow_new = spec, known_ids, allow_new

    def convert(self, value, param, ctx):
        text = str(value).strip()
        if self.allow_new and text == "new":
            return text
        problem = value_problem(self.spec, text, self.known_ids)
        if problem:
            self.fail(f"{self.spec['name']} {problem}", param, ctx)
        return text


def _prompt(text: str, **options) -> str:
    """click.prompt, with Ctrl-C an interruption (exit 130) and the input's end a clear refusal."""
    try:
        return click.prompt(text, **options)
    except click.Abort as abort:
        if isinstance(abort.__context__, KeyboardInterrupt):
            raise KeyboardInterrupt from None
        raise AddError("the input ended before every field was given; nothing was written") from None


class Dialogue:
    """Asks, on a terminal, for the fields of a row (and of a new source or claimant it cites)."""

    def __init__(self, data_dir: Path, tables: dict[str, Table]):
        self.data_dir, self.tables = data_dir, tables
        self._ids: dict[str, set[str]] = {}

    def ids(self, table_name: str) -> set[str]:
        if table_name not in self._ids:
            table = self.tables[table_name]
            try:
                content = files.read_bytes(self.data_dir / table.path, limit=MAX_CSV_BYTES, what="data file")
            except OSError:
                content = b""
            self._ids[table_name] = set(adding.existing_ids(content, table))
        return self._ids[table_name]

    def ask(self, table: Table, fields: dict[str, str], new: dict[str, dict], columns=None) -> None:
        """Ask for each column of ``table`` not in ``fields`` (or each of ``columns``), in the CSV's order."""
        cites = {column: key for key, (column, target) in NEW_REFERENCES.items()
                 if column in table.columns and target in self.tables}
        for column in table.columns:
            given = column in fields and (fields[column] != "" or not table.required(column))
            if column == table.id_field or (given if columns is None else column not in columns):
                continue
            if column in cites and cites[column] in new and columns is None:
                continue  # a new source/claimant is already given for it
            fields[column] = self.ask_one(table, column, fields, new, cites.get(column))

    def ask_one(self, table: Table, column: str, fields: dict, new: dict, new_key: str | None) -> str:
        spec = table.spec(column)
        required = table.required(column)
        constraints = spec.get("constraints") or {}
        referred = table.references.get(column)
        known = self.ids(referred) if referred in self.tables else None
        hints = []
        if constraints.get("enum"):
            hints.append(", ".join(map(str, constraints["enum"])))
        elif spec.get("type") == "date":
            hints.append("YYYY-MM-DD")
        if known is not None:
            prefix = self.tables[referred].prefix
            hints.append(f"an existing {prefix}… id" + (", or 'new' to add one now" if new_key else ""))
        if not required:
            hints.append("optional: Enter to leave empty")
        description = spec.get("description")
        click.echo(f"\n{column}: {description}" if description else f"\n{column}")
        default = ""
        if column.endswith("_high") and fields.get(column[:-5] + "_low") and fields.get("qualifier") != "range":
            default = fields[column[:-5] + "_low"]  # one stated figure: the high end is the low end
        label = f"{column} ({'; '.join(hints)})" if hints else column
        value = _prompt(label, type=FieldValue(spec, known if known is not None else None, bool(new_key)),
                        default=default if (default or not required) else None, show_default=bool(default))
        if value == "new" and new_key:
            target = self.tables[NEW_REFERENCES[new_key][1]]
            click.echo(f"\nA new row of {target.path} ({target.description or target.name}); its id is given "
                       "when it is written.")
            values: dict[str, str] = {}
            self.ask(target, values, {})
            new[new_key] = values
            return ""
        return value


def run_add(kind: str, data_dir: Path, *, from_file: Path | None, dry_run: bool, why: str | None,
            interactive: bool, quiet: bool = False) -> adding.Addition:
    """Read, ask (on a terminal), check and write one row; print what was (or would be) written
    (with ``quiet``, a written row is not reported; a dry run always prints its row)."""
    tables = adding.read_tables(data_dir)
    table = adding.table_for(tables, kind)
    fields, new = adding.read_fields(from_file) if from_file is not None else ({}, {})
    why = " ".join((why or "").split())
    dialogue = Dialogue(data_dir, tables)
    if interactive:
        click.echo(f"A new row of {table.path}: {table.description or table.name}\nIts id is given when it is "
                   "written; nothing is written until every field is given and checked. Ctrl-C stops.")
        adding.check_given(table, tables, fields, new)  # a wrong FILE is refused before any question
        dialogue.ask(table, fields, new)
        for key, values in new.items():
            dialogue.ask(tables[NEW_REFERENCES[key][1]], values, {})
        if not why and not dry_run:
            why = " ".join(_prompt("\nWhy is this row added? (one line for CHANGELOG.md)",
                                   type=FieldValue({"name": "why", "constraints": {"required": True}})).split())
    else:
        missing = adding.missing_fields(table, tables, fields, new)
        needs_why = not why and not dry_run
        if missing or needs_why:
            named = ", ".join(missing + (["--why TEXT (the reason, for CHANGELOG.md)"] if needs_why else []))
            raise MissingFields(f"missing: {named}; give the fields in --from FILE, named as the columns of "
                                f"{table.path}, and the reason with --why, or run `briefings add {kind}` on a "
                                "terminal to be asked", missing)

    def waiting():
        click.echo("waiting for another `briefings add` to finish...", err=True)

    for attempt in range(RETRIES + 1):
        try:
            addition = _add(data_dir, kind, fields, new, why, dry_run, waiting)
            break
        except RowRefused as refused:
            askable = [(key, column) for key, column in dict.fromkeys(refused.fields)
                       if (new.get(key) if key else fields) is not None
                       and column in (tables[NEW_REFERENCES[key][1]] if key else table).columns
                       and column != (tables[NEW_REFERENCES[key][1]] if key else table).id_field]
            if not interactive or not askable or attempt == RETRIES:
                raise
            click.echo(str(refused), err=True)
            click.echo("Please give those fields again.", err=True)
            for key, column in askable:
                target = tables[NEW_REFERENCES[key][1]] if key else table
                dialogue.ask(target, new[key] if key else fields, new, columns=[column])
    if dry_run or not quiet:
        _report(addition, dry_run)
    return addition


def _add(data_dir: Path, kind: str, fields: dict, new: dict, why: str, dry_run: bool, waiting) -> adding.Addition:
    """analysis.adding.add_row's steps, so that an interruption held back during the writing (it
    takes effect once the files are written) can be reported as what it is: the row is in place."""
    if dry_run:
        return adding.prepare(data_dir, kind, fields, new, why=why)
    from .cli import Interrupted

    with adding.data_lock(data_dir, on_wait=waiting):
        addition = adding.prepare(data_dir, kind, fields, new, why=why)
        try:
            adding.write(addition)
        except (KeyboardInterrupt, Interrupted) as stop:
            if not addition.written:
                raise
            signum = getattr(stop, "signum", signal.SIGINT)
            _report(addition, dry_run)
            click.echo(f"interrupted by {signal.Signals(signum).name} as the row was being written; it was written "
                       "in full (see above)", err=True)
            sys.exit(128 + signum)
    return addition


def _report(addition: adding.Addition, dry_run: bool) -> None:
    where = addition.data_dir
    if dry_run:
        click.echo("dry run: nothing was written. It would append:")
    for row in addition.rows:
        if dry_run:
            click.echo(f"to {row.table.path} (row {row.row_number}, id {row.id}):")
            click.echo(row.line.rstrip("\r\n"))
        else:
            click.echo(f"added {row.id} to {where / row.table.path} (row {row.row_number})")
    if dry_run:
        click.echo(f"to {adding.CHANGELOG}:\n{addition.changelog.strip()}")
    else:
        bullets = [line for line in addition.changelog.splitlines() if line.startswith("- ")]
        click.echo(f"{where / adding.CHANGELOG}:\n" + "\n".join(bullets))
        click.echo("Run `briefings build` to rebuild the briefings that read it.")
