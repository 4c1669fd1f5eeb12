"""Issue 19, part 3: `briefings add` adds one row — the next free id, the whole package validated
with the row in it, duplicates refused, written atomically under a lock, a line in CHANGELOG.md.

Every test works on a copy of data/ (the ``data_copy`` fixture). The good rows are copies of each
table's first row with the id left out and one field of the duplicate key changed (an origin
'Testland', a new address...), so they stay valid whatever rows the data gains. Refusals are
checked against a hash of every file of the data folder, taken before and after.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import pty
import re
import select
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from helpers import BRIEFINGS, REPO, run_briefings

from analysis import adding, clock
from analysis.loading import load_data
from briefings import cli

WHY = "Test: a row added by the test suite"
#: The field changed in each table's first row so that the copy is a new report, not a duplicate.
CHANGES = {"claim": {"origin": "Testland", "part_of": ""}, "offer": {"origin": "Testland"},
           "wage": {"country": "Testland"}, "rate": {"claimant": "Test claimant"},
           "source": {"url": "https://example.org/briefings-add-test"}, "claimant": {"name": "Test claimant"}}


@pytest.fixture(autouse=True)
def _restore_sigterm():
    """The command sets its own SIGTERM handler when run in this process: put pytest's back."""
    handler = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, handler)


def tables(data_dir: Path) -> dict[str, adding.Table]:
    return adding.read_tables(data_dir)


def rows_of(data_dir: Path, table: adding.Table) -> tuple[list[str], list[dict]]:
    with open(data_dir / table.path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def derived(data_dir: Path, kind: str, **changes) -> dict[str, str]:
    """The table's first row, its id left out, with CHANGES[kind] and ``changes`` applied."""
    table = adding.table_for(tables(data_dir), kind)
    _, rows = rows_of(data_dir, table)
    row = {k: v for k, v in rows[0].items() if k != table.id_field}
    return {**row, **CHANGES[kind], **changes}


def fingerprint(folder: Path) -> dict[str, str]:
    """Every entry under ``folder``: its path and the SHA-256 of its bytes (or '<dir>')."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "<dir>"
            for p in sorted(folder.rglob("*"))}


def write_yaml(path: Path, fields: dict) -> Path:
    path.write_text(yaml.safe_dump(fields, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def invoke(*args):
    """The command in this process (stdin is not a terminal here, so nothing is asked)."""
    return CliRunner().invoke(cli.main, [str(a) for a in args])


def number(identifier: str) -> int:
    return int(re.sub(r"^[A-Z]+", "", identifier))


# ------------------------------------------------------------------------------ ids

def test_next_id_is_one_more_than_the_highest_in_the_table_or_named_in_the_changelog():
    table = adding.Table("headcount_claims", "headcount_claims.csv", "", (), "claim_id", "H", {})
    assert adding.next_id(table, ["H001", "H057", "H010"]) == "H058"  # 57 + 1, three digits
    assert adding.next_id(table, ["H999"]) == "H1000"  # 999 + 1 needs a fourth digit
    assert adding.next_id(table, ["H000041"]) == "H000042"  # the width in use is kept
    assert adding.next_id(table, []) == "H001"  # an empty table starts at 1
    # H060 was removed and recorded in the CHANGELOG: never given again (60 + 1).
    assert adding.next_id(table, ["H001", "H057"], "- **H060**: removed, a duplicate of H012") == "H061"
    claimants = adding.Table("claimants", "claimants.csv", "", (), "claimant_id", "C", {})
    # "C3" is a grade, not an id (ids have three digits or more): C001 + 1.
    assert adding.next_id(claimants, ["C001"], "The grade printed is C3.") == "C002"


# ------------------------------------------------------------------------------ good rows

@pytest.mark.slow
@pytest.mark.parametrize("kind", list(adding.KINDS))
def test_a_good_row_of_each_kind_is_appended_and_the_package_still_validates(data_copy, tmp_path, kind):
    table = adding.table_for(tables(data_copy), kind)
    before = {p.name: p.read_bytes() for p in data_copy.iterdir()}
    old_ids = [r[table.id_field] for r in rows_of(data_copy, table)[1]]
    row = derived(data_copy, kind)
    result = run_briefings("add", kind, "--data", data_copy, "--from", write_yaml(tmp_path / "row.yml", row),
                           "--why", WHY)
    assert result.returncode == 0, result.stderr

    after = (data_copy / table.path).read_bytes()
    assert after.startswith(before[table.path])  # no other row's bytes rewritten
    added = list(csv.reader(io.StringIO(after[len(before[table.path]):].decode("utf-8"), newline="")))
    assert len(added) == 1  # exactly one line
    header = rows_of(data_copy, table)[0]
    record = dict(zip(header, added[0]))
    new_id = record.pop(table.id_field)
    assert record == {c: row.get(c, "") for c in header if c != table.id_field}
    assert new_id.startswith(table.prefix) and number(new_id) > max(number(i) for i in old_ids)
    assert f"added {new_id} to " in result.stdout

    # Only the table and the CHANGELOG changed; the CHANGELOG only gained lines at its end.
    changed = {p.name for p in data_copy.iterdir() if p.read_bytes() != before.get(p.name)}
    assert changed == {table.path, "CHANGELOG.md"}
    changelog = (data_copy / "CHANGELOG.md").read_text("utf-8")
    assert changelog.encode("utf-8").startswith(before["CHANGELOG.md"])
    appended = changelog[len(before["CHANGELOG.md"].decode("utf-8")):]
    assert f"- **{new_id}** added to `{table.path}`: " in appended and appended.rstrip().endswith(f"Why: {WHY}")
    days = [line for line in changelog.splitlines() if line.startswith("## ")]
    assert days[-1] == f"## {clock.today().isoformat()}"

    data = load_data(data_copy)  # validate passes with the row in it
    frame = getattr(data, table.name)
    assert new_id in set(frame[table.id_field])


@pytest.mark.slow
def test_a_new_source_and_claimant_are_added_in_the_same_step(data_copy, tmp_path):
    t = tables(data_copy)
    source = derived(data_copy, "source")
    claimant = derived(data_copy, "claimant")
    claim = derived(data_copy, "claim")
    del claim["source_id"], claim["claimant_id"]
    row_file = tmp_path / "row.json"
    row_file.write_text(json.dumps({**claim, "new_source": source, "new_claimant": claimant}), "utf-8")
    result = run_briefings("add", "claim", "--data", data_copy, "--from", row_file, "--why", WHY)
    assert result.returncode == 0, result.stderr

    new = {name: rows_of(data_copy, t[name])[1][-1] for name in ("sources", "claimants", "headcount_claims")}
    assert new["sources"]["url"] == source["url"] and new["claimants"]["name"] == claimant["name"]
    # The claim cites the two rows added with it.
    assert new["headcount_claims"]["source_id"] == new["sources"]["source_id"]
    assert new["headcount_claims"]["claimant_id"] == new["claimants"]["claimant_id"]
    changelog = (data_copy / "CHANGELOG.md").read_text("utf-8")
    claim_id = new["headcount_claims"]["claim_id"]
    # The source and claimant lines come first and say which row they were added for.
    lines = [line for line in changelog.splitlines()[-3:]]
    assert lines[0].startswith(f"- **{new['sources']['source_id']}** added to `sources.csv` for {claim_id}: ")
    assert lines[1].startswith(f"- **{new['claimants']['claimant_id']}** added to `claimants.csv` for {claim_id}: ")
    assert lines[2].startswith(f"- **{claim_id}** added to `headcount_claims.csv`: ")
    load_data(data_copy)


def test_the_line_keeps_the_files_line_endings_and_quoting(data_copy):
    """A CSV written with CRLF and every cell quoted, and no line end after its last row, gains a
    line in that style; its old bytes stay as they were."""
    path = data_copy / "claimants.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(records)
    old = buffer.getvalue().rstrip("\r\n").encode("utf-8")  # no line end after the last row
    path.write_bytes(old)
    os.chmod(path, 0o640)
    addition = adding.add_row(data_copy, "claimant", derived(data_copy, "claimant"), why=WHY)
    new = path.read_bytes()
    assert new.startswith(old)
    tail = new[len(old):].decode("utf-8")
    # A line end for the old last row, then the new row, every cell quoted, ended by CRLF.
    assert re.fullmatch(rf'\r\n"{addition.row.id}","Test claimant",("[^"\r\n]*",?)*\r\n', tail), repr(tail)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640  # permissions kept
    load_data(data_copy)


def test_dry_run_prints_the_row_and_writes_nothing(data_copy, tmp_path):
    before = fingerprint(data_copy)
    row = derived(data_copy, "offer")
    result = invoke("add", "offer", "--data", data_copy, "--from", write_yaml(tmp_path / "o.yml", row), "--dry-run")
    assert result.exit_code == 0, result.output
    assert fingerprint(data_copy) == before
    table = adding.table_for(tables(data_copy), "offer")
    header = rows_of(data_copy, table)[0]
    printed = result.stdout.splitlines()
    assert printed[0] == "dry run: nothing was written. It would append:"
    assert printed[1].startswith(f"to {table.path} (row ")
    record = dict(zip(header, next(csv.reader([printed[2]]))))
    assert record.pop(table.id_field).startswith("P") and record == {c: row.get(c, "") for c in header[1:]}
    assert "to CHANGELOG.md:" in result.stdout


# ------------------------------------------------------------------------------ refusals

def _without(fields: dict, *names) -> dict:
    return {k: v for k, v in fields.items() if k not in names}


def _first_claim_id(data_dir: Path) -> str:
    return rows_of(data_dir, tables(data_dir)["headcount_claims"])[1][0]["claim_id"]


#: (name, kind, how the row is made from the derived one, extra arguments, what the message must say)
REFUSALS = [
    ("bad value", "claim", lambda r, d: {**r, "stage": "arived"}, ["--why", WHY],
     ["column stage (value 'arived'): is not one of the allowed values (applied, signed_up"]),
    ("not an integer", "claim", lambda r, d: {**r, "people_low": "forty"}, ["--why", WHY],
     ["column people_low (value 'forty'): not a valid integer"]),
    ("a domain rule", "claim", lambda r, d: {**r, "qualifier": "range", "people_high": r["people_low"]},
     ["--why", WHY], ["column qualifier (value 'range'): qualifier 'range' needs people_low < people_high"]),
    ("a date after its source was read", "claim", lambda r, d: {**r, "date_reported": clock.today().isoformat()},
     ["--why", WHY], ["column date_reported", "reported after its source"]),
    ("unknown source", "claim", lambda r, d: {**r, "source_id": "S999999"}, ["--why", WHY],
     ["source_id S999999 is not in sources.csv; add the source first (`briefings add source`)", "new_source"]),
    ("unknown claimant", "offer", lambda r, d: {**r, "claimant_id": "C999999"}, ["--why", WHY],
     ["claimant_id C999999 is not in claimants.csv; add the claimant first (`briefings add claimant`)"]),
    ("duplicate", "claim", lambda r, d: _without(rows_of(d, tables(d)["headcount_claims"])[1][0], "claim_id"),
     ["--why", WHY],
     ["repeats {first}"]),
    ("missing fields off a terminal", "claim", lambda r, d: _without(r, "side", "stage"), ["--why", WHY],
     ["missing: side, stage;", "on a terminal to be asked"]),
    ("no reason off a terminal", "rate", lambda r, d: r, [], ["missing: --why TEXT"]),
    ("an unknown column", "wage", lambda r, d: {**r, "salary": "5"}, ["--why", WHY],
     ["salary: not a column of reference_wages.csv"]),
    ("an id given", "source", lambda r, d: {**r, "source_id": "S500"}, ["--why", WHY],
     ["source_id: ids are given by the command"]),
]


@pytest.mark.parametrize("name, kind, make, extra, expected", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_refused_row_exits_2_naming_field_and_rule_and_changes_no_byte(data_copy, tmp_path, name, kind, make,
                                                                        extra, expected):
    before = fingerprint(data_copy)
    row = make(derived(data_copy, kind), data_copy)
    result = invoke("add", kind, "--data", data_copy, "--from", write_yaml(tmp_path / "row.yml", row), *extra)
    assert result.exit_code == 2, result.output
    message = result.stderr
    for part in expected:
        assert part.format(first=_first_claim_id(data_copy)) in message, message
    assert "Traceback" not in message
    assert fingerprint(data_copy) == before  # every byte of every file, and no file added


def _other(values, current):
    return next(v for v in values if v != current)


@pytest.mark.parametrize("change", ["claimant", "date", "series", "figure"])
def test_a_claim_differing_in_claimant_date_series_or_figure_is_no_duplicate(data_copy, change):
    """The duplicate rule is all four at once: the first claim again, with one of them changed, is accepted."""
    t = tables(data_copy)
    first = _without(rows_of(data_copy, t["headcount_claims"])[1][0], "claim_id")
    claimant_ids = [r["claimant_id"] for r in rows_of(data_copy, t["claimants"])[1]]
    day = dt.date.fromisoformat(first["date_reported"])
    changed = {
        "claimant": {"claimant_id": _other(claimant_ids, first["claimant_id"])},
        "date": {"date_reported": (day.replace(day=1) - dt.timedelta(days=365)).isoformat()},  # a year earlier
        "series": {"stage": _other(t["headcount_claims"].spec("stage")["constraints"]["enum"], first["stage"])},
        "figure": {"people_low": str(int(first["people_low"]) + 1), "people_high": str(int(first["people_high"]) + 1)},
    }[change]
    with pytest.raises(adding.DuplicateRow):
        adding.add_row(data_copy, "claim", first, why=WHY, dry_run=True)
    adding.add_row(data_copy, "claim", {**first, **changed}, why=WHY, dry_run=True)  # no DuplicateRow


def test_a_bad_from_file_is_refused_naming_it(data_copy, tmp_path):
    before = fingerprint(data_copy)
    bad = tmp_path / "bad.yml"
    bad.write_text("side: russia\nside: ukraine\n", "utf-8")
    result = invoke("add", "claim", "--data", data_copy, "--from", bad, "--why", WHY)
    assert result.exit_code == 2 and f"--from {bad}" in result.stderr and "'side' is given twice" in result.stderr
    listed = tmp_path / "list.yml"
    listed.write_text("- side: russia\n", "utf-8")
    result = invoke("add", "claim", "--data", data_copy, "--from", listed, "--why", WHY)
    assert result.exit_code == 2 and "must hold one mapping of column names to values" in result.stderr
    assert fingerprint(data_copy) == before


# ------------------------------------------------------------------------------ atomic writing

def test_a_failure_before_the_rename_leaves_the_old_file_whole_and_no_temporary_file(data_copy, monkeypatch):
    before = fingerprint(data_copy)
    seen = {}

    def failing_replace(source, target):
        seen["temporary"] = Path(source).read_bytes()  # the new content was written in full...
        raise OSError(28, "No space left on device")  # ...and the rename fails

    monkeypatch.setattr(adding.os, "replace", failing_replace)
    with pytest.raises(adding.WriteFailed, match="could not write .*headcount_claims.csv .*nothing was written"):
        adding.add_row(data_copy, "claim", derived(data_copy, "claim"), why=WHY)
    assert fingerprint(data_copy) == before  # the old file whole, and no temporary file left
    assert seen["temporary"].startswith((data_copy / "headcount_claims.csv").read_bytes())


def test_a_failure_between_two_files_leaves_a_valid_package_and_says_what_was_written(data_copy, monkeypatch):
    real_replace, calls = os.replace, []

    def second_fails(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError(5, "Input/output error")
        real_replace(source, target)

    source = derived(data_copy, "source")
    claim = _without(derived(data_copy, "claim"), "source_id")
    monkeypatch.setattr(adding.os, "replace", second_fails)
    with pytest.raises(adding.WriteFailed,
                       match="could not write .*headcount_claims.csv .*already written: sources.csv"):
        adding.add_row(data_copy, "claim", claim, {"new_source": source}, why=WHY)
    assert not [p for p in data_copy.iterdir() if p.name.endswith(".tmp")]
    load_data(data_copy)  # a source nobody cites yet: still a valid package


def test_ctrl_c_while_writing_takes_effect_only_once_every_file_is_written(data_copy, monkeypatch):
    real_replace, written = os.replace, []

    def replace_then_interrupt(source, target):
        real_replace(source, target)
        written.append(Path(target).name)
        if len(written) == 1:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C after the first of three files

    source = derived(data_copy, "source")
    claim = _without(derived(data_copy, "claim"), "source_id")
    addition = adding.prepare(data_copy, "claim", claim, {"new_source": source}, why=WHY)
    monkeypatch.setattr(adding.os, "replace", replace_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        adding.write(addition)
    # Held back until the source, the claim and the CHANGELOG line were all written.
    assert written == ["sources.csv", "headcount_claims.csv", "CHANGELOG.md"] and addition.written
    load_data(data_copy)


def test_the_command_says_the_row_was_written_when_ctrl_c_came_as_it_was_written(data_copy, tmp_path, monkeypatch):
    real_replace = os.replace

    def replace_then_interrupt(source, target):
        real_replace(source, target)
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(adding.os, "replace", replace_then_interrupt)
    row = write_yaml(tmp_path / "rate.yml", derived(data_copy, "rate"))
    result = invoke("add", "rate", "--data", data_copy, "--from", row, "--why", WHY)
    assert result.exit_code == 130
    assert "added X" in result.stdout and "it was written in full" in result.stderr
    load_data(data_copy)


# ------------------------------------------------------------------------------ two adds at once

@pytest.mark.slow
def test_two_adds_at_once_both_land_with_different_ids(data_copy, tmp_path):
    files = [write_yaml(tmp_path / f"row{n}.yml", derived(data_copy, "claim", origin=f"Testland {n}")) for n in (1, 2)]
    command = BRIEFINGS + ["add", "claim", "--data", str(data_copy), "--why", WHY, "--from"]
    processes = [subprocess.Popen(command + [str(f)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for f in files]
    outputs = [p.communicate(timeout=300) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    _, rows = rows_of(data_copy, tables(data_copy)["headcount_claims"])
    added = {r["origin"]: r["claim_id"] for r in rows if r["origin"].startswith("Testland")}
    assert set(added) == {"Testland 1", "Testland 2"} and len(set(added.values())) == 2
    changelog = (data_copy / "CHANGELOG.md").read_text("utf-8")
    assert all(f"- **{i}** added" in changelog for i in added.values())
    load_data(data_copy)


@pytest.mark.slow
def test_an_add_waits_for_the_lock_and_takes_the_next_id_after_it(data_copy, tmp_path):
    row_file = write_yaml(tmp_path / "row.yml", derived(data_copy, "claim", origin="Testland late"))
    with adding.data_lock(data_copy):
        process = subprocess.Popen(BRIEFINGS + ["add", "claim", "--data", str(data_copy), "--from", str(row_file),
                                                "--why", WHY], cwd=REPO, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        line = ""
        while "waiting for another" not in line and time.monotonic() < deadline:
            line = process.stderr.readline()
        assert "waiting for another `briefings add` to finish" in line
        # While it waits, this process adds a row (it holds the lock already: prepare and write).
        first = adding.prepare(data_copy, "claim", derived(data_copy, "claim", origin="Testland early"), why=WHY)
        adding.write(first)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    _, rows = rows_of(data_copy, tables(data_copy)["headcount_claims"])
    late = next(r["claim_id"] for r in rows if r["origin"] == "Testland late")
    assert number(late) == number(first.row.id) + 1  # chosen after the lock was released
    load_data(data_copy)


# ------------------------------------------------------------------------------ on a terminal

class Terminal:
    """The real command on a pseudo-terminal: ``pty.fork`` makes it the child's controlling
    terminal, so stdin is a TTY and Ctrl-C is SIGINT, as for a person at a keyboard."""

    def __init__(self, *args):
        pid, fd = pty.fork()
        if pid == 0:  # the child: become the command
            try:
                # As a shell starts a command: Ctrl-C delivers SIGINT (an xdist worker ignores SIGINT,
                # and an ignored signal stays ignored across exec: the command hung for 59 min).
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                os.chdir(REPO)
                os.environ.update(TERM="dumb", COLUMNS="250")
                os.execv(sys.executable, [sys.executable, "-m", "briefings.cli", *map(str, args)])
            finally:
                os._exit(127)
        self.pid, self.fd, self.pending, self.transcript = pid, fd, "", ""

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 4096).decode("utf-8", "replace")
        except OSError:  # EIO: the child has closed the terminal
            chunk = ""
        if not chunk:
            raise EOFError(f"the command ended; it wrote:\n{self.transcript[-3000:]}")
        self.pending += chunk
        self.transcript += chunk
        return True

    def prompt(self, timeout: float = 120) -> str:
        """The next question (the line ending in ': ' once the command waits), with what came before it."""
        deadline = time.monotonic() + timeout
        while True:
            if self.pending.endswith(": ") and not self._read(0.3):
                text, self.pending = self.pending, ""
                return text
            if time.monotonic() > deadline:
                raise TimeoutError(f"no question within {timeout} s:\n{self.transcript[-3000:]}")
            self._read(0.3)

    def answer(self, text: str) -> None:
        os.write(self.fd, text.encode("utf-8") + b"\r")

    def finish(self, timeout: float = 120) -> int:
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                self._read(0.5)
        except EOFError:
            pass
        done, status = os.waitpid(self.pid, os.WNOHANG)
        while done == 0 and time.monotonic() < deadline:  # the terminal closes just before the exit
            time.sleep(0.05)
            done, status = os.waitpid(self.pid, os.WNOHANG)
        if done == 0:  # still running after the timeout: a failure, never a hung test run
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            os.close(self.fd)
            raise TimeoutError(f"the command was still running after {timeout} s:\n{self.transcript[-3000:]}")
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


def _label(question: str) -> str:
    """The field a question asks for: the first word of its last line."""
    return question.replace("\r", "").rsplit("\n", 1)[-1].split(" ")[0].rstrip(":")


@pytest.mark.slow
def test_on_a_terminal_each_missing_field_is_asked_with_its_description_and_allowed_values(data_copy):
    descriptor = json.loads((data_copy / "datapackage.json").read_text("utf-8"))
    fields = {f["name"]: f for r in descriptor["resources"] if r["name"] == "headcount_claims"
              for f in r["schema"]["fields"]}
    row = derived(data_copy, "claim")
    term = Terminal("add", "claim", "--data", data_copy)
    asked, wrong_given = [], False
    while True:
        question = term.prompt()
        label = _label(question)
        if question.rstrip().endswith("(one line for CHANGELOG.md):"):
            term.answer("typed on a terminal")
            break
        asked.append(label)
        if label == "stage" and not wrong_given:
            # Described and offered as the descriptor says; a wrong value is refused and asked again.
            assert f"stage: {fields['stage']['description']}" in question
            assert f"stage ({', '.join(fields['stage']['constraints']['enum'])}): " in question
            term.answer("arived")
            wrong_given = True
            continue
        if label == "people_high" and row["qualifier"] != "range":  # one stated figure: the low end is offered
            assert f"[{row['people_low']}]" in question
        term.answer(row[label])
    assert term.finish() == 0, term.transcript
    assert "Error: stage is not one of the allowed values" in term.transcript
    # Every column but the id, in the CSV's order; stage twice (refused once).
    assert [c for c in asked if c != "stage"] == [c for c in fields if c not in ("claim_id", "stage")]
    assert asked.count("stage") == 2
    _, rows = rows_of(data_copy, tables(data_copy)["headcount_claims"])
    assert {k: v for k, v in rows[-1].items() if k != "claim_id"} == row
    assert (data_copy / "CHANGELOG.md").read_text("utf-8").rstrip().endswith("Why: typed on a terminal")
    load_data(data_copy)


@pytest.mark.slow
def test_on_a_terminal_new_at_the_source_asks_for_the_source_and_adds_both(data_copy, tmp_path):
    offer = derived(data_copy, "offer")
    source = derived(data_copy, "source")
    partial = write_yaml(tmp_path / "offer.yml", _without(offer, "source_id"))  # all but the source
    term = Terminal("add", "offer", "--data", data_copy, "--from", partial, "--why", WHY)
    asked = []
    while len(asked) < 1 + len(source):
        label = _label(term.prompt())
        asked.append(label)
        term.answer("new" if label == "source_id" else source[label])
    assert term.finish() == 0, term.transcript
    assert asked == ["source_id", *source]  # then each field of the new source, in its CSV's order
    t = tables(data_copy)
    new_source = rows_of(data_copy, t["sources"])[1][-1]
    new_offer = rows_of(data_copy, t["pay_offers"])[1][-1]
    assert new_source["url"] == source["url"] and new_offer["source_id"] == new_source["source_id"]
    load_data(data_copy)


@pytest.mark.slow
def test_ctrl_c_at_a_question_exits_130_and_writes_nothing(data_copy):
    before = fingerprint(data_copy)
    term = Terminal("add", "source", "--data", data_copy)
    assert _label(term.prompt()) == "outlet"
    os.write(term.fd, b"\x03")  # Ctrl-C: the terminal sends SIGINT
    assert term.finish() == 130
    assert "interrupted by SIGINT" in term.transcript
    assert fingerprint(data_copy) == before


def test_quiet_prints_nothing_when_the_row_is_written(data_copy, tmp_path):
    row = write_yaml(tmp_path / "claimant.yml", derived(data_copy, "claimant"))
    result = invoke("add", "claimant", "--data", data_copy, "--from", row, "--why", WHY, "-q")
    assert result.exit_code == 0 and result.output == ""
    assert rows_of(data_copy, tables(data_copy)["claimants"])[1][-1]["name"] == "Test claimant"
