"""Bad input and hostile content: every row of docs/bad-input.md is one test here.

Each refused case feeds the bad input to the real command and checks four things: the exit code,
the one human message that names the place (file, row, column, value; parameter and allowed
values; config line), no Python traceback on stderr, and that nothing previously rendered changed.
For that last promise a real briefing ("ref", HTML only) is built once per module; each test works
on its own copy of that project (data, notebook, config and output folder), snapshots every output
file, feeds the bad input and compares the bytes afterwards.

``build.log`` is left out of the comparison: it is the build's log and grows by design.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import (
    BRIEFINGS,
    REPO,
    copy_inputs,
    grow_headcounts,
    run_briefings,
    tree_bytes,
    write_config,
)
from pypdf import PdfReader

from analysis.build import LOCK, MANIFEST, OutputLock

REFERENCE = [{"name": "ref", "parameters": {"title": "Reference briefing"}}]
LOG = "build.log"


# ------------------------------------------------------------------------------ fixtures and helpers

@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """A project with one briefing already built (HTML only, for speed): the output to protect."""
    root = copy_inputs(tmp_path_factory.mktemp("reference") / "project")
    config = write_config(root, REFERENCE)
    result = run_briefings("build", "--config", config, "--data", root / "data", "--out", root / "out")
    assert result.returncode == 0, result.stderr
    assert (root / "out" / "ref" / "ref.html").is_file()
    return root


class Site:
    """One test's copy of the reference project, with the snapshot of its outputs taken up front."""

    def __init__(self, root: Path):
        self.root, self.data, self.config, self.out = root, root / "data", root / "reports.yml", root / "out"
        self.before = self.rendered()

    def rendered(self) -> dict[str, bytes]:
        """Every output file's bytes except the log (appended to by every run, by design)."""
        return {path: content for path, content in tree_bytes(self.out).items() if path != LOG}

    def build(self, *extra, config: Path | None = None, data: Path | None = None, out: Path | None = None):
        return run_briefings("build", "--config", config or self.config, "--data", data or self.data,
                             "--out", out or self.out, "-j", "1", *extra)

    def write_config(self, text: str, name: str = "bad.yml") -> Path:
        path = self.root / name
        path.write_text(text, "utf-8")
        return path

    def assert_nothing_lost(self) -> None:
        assert self.rendered() == self.before
        assert not [p.name for p in self.out.iterdir() if p.name.startswith((".tmp-", ".old-"))]
        assert (self.out / LOCK).read_text() == ""  # the lock was released

    def assert_refused(self, result, *messages: str) -> None:
        """Exit 2, each expected message on stderr, no traceback, every output byte-identical."""
        assert result.returncode == 2, result.stderr
        for message in messages:
            assert message in result.stderr
        assert "Traceback" not in result.stderr
        self.assert_nothing_lost()


@pytest.fixture
def site(tmp_path, reference):
    root = tmp_path / "project"
    shutil.copytree(reference, root)
    return Site(root)


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text("utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), "utf-8")


def set_cell(path: Path, row_id: str, column: str, value: str) -> None:
    """Set one cell of the row whose first column (its id) is ``row_id``."""
    rows = read_rows(path)
    index = rows[0].index(column)
    matched = [row for row in rows[1:] if row[0] == row_id]
    assert len(matched) == 1, f"{row_id} not found once in {path.name}"
    matched[0][index] = value
    write_rows(path, rows)


class Doc(HTMLParser):
    """The HTML as a reader's browser parses it: every element with its attributes, and the text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.bdi_text: list[str] = []
        self._bdi = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._bdi += tag == "bdi"

    def handle_endtag(self, tag):
        self._bdi -= tag == "bdi" and self._bdi > 0

    def handle_data(self, data):
        self.text.append(data)
        if self._bdi:
            self.bdi_text.append(data)


def squeeze(text: str) -> str:
    """Text without whitespace: a PDF wraps a long string over lines, which inserts line breaks."""
    return re.sub(r"\s+", "", text)


# ------------------------------------------------------------------------------ data

def test_data_missing_file(site):
    (site.data / "pay_offers.csv").unlink()
    site.assert_refused(site.build(), "1 problem(s) in the data:",
                        f"pay_offers.csv: file not found in {site.data}; restore it (the descriptor declares "
                        "resource 'pay_offers')")


def test_data_empty_file(site):
    (site.data / "pay_offers.csv").write_bytes(b"")
    site.assert_refused(site.build(), "1 problem(s) in the data:",
                        "pay_offers.csv: file is empty; it needs at least the header row (offer_id, recruiter, side, "
                        "origin, category, theatre, period, component, status, pay_detail, qualifier, "
                        "amount_low_local, amount_high_local, currency, contract_months, benefits, claimant, "
                        "claimant_id, date_reported, date_precision, credibility, credibility_reason, source_id, note)")


def test_data_missing_column(site):
    path = site.data / "pay_offers.csv"
    rows = read_rows(path)
    index = rows[0].index("currency")
    write_rows(path, [row[:index] + row[index + 1:] for row in rows])
    site.assert_refused(site.build(), "1 problem(s) in the data:",
                        "pay_offers.csv, column currency: column is missing from the header; add it "
                        "(see data/datapackage.json)")


def test_data_extra_column(site):
    path = site.data / "pay_offers.csv"
    rows = read_rows(path)
    write_rows(path, [rows[0] + ["comment"]] + [row + ["x"] for row in rows[1:]])
    site.assert_refused(site.build(), "1 problem(s) in the data:",
                        "pay_offers.csv, column comment: column is not declared in data/datapackage.json; "
                        "remove it or declare it")


def test_data_figure_in_words(site):
    set_cell(site.data / "headcount_claims.csv", "H001", "people_low", "forty thousand")
    site.assert_refused(site.build(), "headcount_claims.csv row 2, column people_low (value 'forty thousand'): "
                                      "not a valid integer; write it as digits only, e.g. 40000")


def test_data_bad_date(site):
    set_cell(site.data / "headcount_claims.csv", "H002", "date_reported", "2022-02-30")  # no 30 February
    site.assert_refused(site.build(), "headcount_claims.csv row 3, column date_reported (value '2022-02-30'): "
                                      "not a valid date; write it as YYYY-MM-DD, e.g. 2022-03-15")


def test_data_future_date(site):
    set_cell(site.data / "headcount_claims.csv", "H002", "date_reported", "2099-03-15")
    today = time.strftime("%Y-%m-%d")
    site.assert_refused(site.build(), "headcount_claims.csv row 3, column date_reported (value '2099-03-15'): "
                                      f"date is in the future (today is {today}); check the year")


def test_data_negative_headcount(site):
    set_cell(site.data / "headcount_claims.csv", "H002", "people_low", "-3000")
    site.assert_refused(site.build(), "headcount_claims.csv row 3, column people_low (value '-3000'): "
                                      "breaks the rule minimum = 0; correct the value")


def test_data_low_above_high(site):
    path = site.data / "headcount_claims.csv"
    set_cell(path, "H003", "qualifier", "range")
    set_cell(path, "H003", "people_low", "25000")  # people_high stays 20000
    site.assert_refused(site.build(), "1 problem(s) in the data:",
                        "headcount_claims.csv row 4, column people_high (value '20000'): people_low (25000) is "
                        "greater than people_high (20000); swap or fix the range")


def test_data_qualifier_contradicts_figures(site):
    # H002 is "nearly 3,000": one figure, so low and high must be equal.
    set_cell(site.data / "headcount_claims.csv", "H002", "people_high", "3500")
    site.assert_refused(site.build(), "headcount_claims.csv row 3, column qualifier (value 'nearly'): qualifier "
                                      "'nearly' states one figure, but people_low (3000) differs from people_high "
                                      "(3500); use 'range' or set people_high equal to people_low")


def test_data_unknown_currency(site):
    set_cell(site.data / "pay_offers.csv", "P005", "currency", "XYZ")
    site.assert_refused(site.build(), "pay_offers.csv row 6, column currency (value 'XYZ'): unknown currency; use "
                                      "USD or add rates for it to exchange_rates.csv (currencies with rates: GBP, "
                                      "RUB, SYP, UAH, USD)")


def test_data_no_exchange_rate_within_92_days(site):
    # P005 (GBP 5,000) moved to January 2021: the nearest GBP rates are from March 2022.
    set_cell(site.data / "pay_offers.csv", "P005", "date_reported", "2021-01-04")
    site.assert_refused(site.build(), "1 problem(s) in the data:",
                        "pay_offers.csv row 6, column date_reported (value '2021-01-04'): no GBP exchange rate "
                        "within 92 days of 2021-01-04; add a sourced rate to exchange_rates.csv")


def test_data_unknown_source_id(site):
    set_cell(site.data / "headcount_claims.csv", "H002", "source_id", "S999")
    site.assert_refused(site.build(), "1 problem(s) in the data:",
                        "headcount_claims.csv row 3, column source_id (value 'S999'): refers to an id that does "
                        "not exist in sources.csv (source_id); add it there or fix the reference")


def test_data_duplicate_primary_key(site):
    set_cell(site.data / "headcount_claims.csv", "H003", "claim_id", "H002")
    site.assert_refused(site.build(), "1 problem(s) in the data:",
                        "headcount_claims.csv row 4, column claim_id (value 'H002'): duplicates the identifier "
                        "of an earlier row; give each row its own id")


def test_data_bom_and_windows_line_endings_are_accepted(site):
    from analysis.loading import load_data

    # As Excel on Windows saves a CSV: a UTF-8 byte-order mark and CRLF line endings, in every file.
    for path in site.data.glob("*.csv"):
        text = path.read_bytes().decode("utf-8").replace("\r\n", "\n")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    result = run_briefings("validate", "--data", site.data)
    assert result.returncode == 0, result.stderr
    assert "valid (data version" in result.stdout
    # Read to the same frames, byte-order mark not in the first column name, no stray '\r' in any value.
    windows, plain = load_data(site.data), load_data(REPO / "data")
    for name in ("sources", "headcount_claims", "pay_offers", "reference_wages", "exchange_rates"):
        assert getattr(windows, name).equals(getattr(plain, name)), name
    # And it builds (the data changed, so "ref" is rebuilt from it).
    built = site.build()
    assert built.returncode == 0, built.stderr
    assert "ref: built in" in built.stderr


def test_data_non_utf8_bytes(site):
    path = site.data / "sources.csv"
    # 'Newsw\xe9ek' as Latin-1 saved it: the byte 0xe9 alone is not UTF-8.
    path.write_bytes(path.read_bytes().replace(b"Newsweek", "Newswéek".encode("latin-1"), 1))
    result = site.build()
    site.assert_refused(result, "1 problem(s) in the data:",
                        "sources.csv row 2, column outlet (value 'Newsw\ufffdek'): file is not valid UTF-8; "
                        "re-save it as UTF-8")
    # The files that refer to sources.csv are valid UTF-8: they are not blamed for its bytes.
    assert "headcount_claims.csv: file is not valid UTF-8" not in result.stderr


def test_data_100000_rows_are_accepted(site):
    # Accepted and validated in reasonable time; the time is measured by benchmarks/bench_validate.py
    # (and printed here, with -s), never asserted: it depends on the machine.
    grow_headcounts(site.data, 100_000)
    started = time.perf_counter()
    result = run_briefings("validate", "--data", site.data)
    print(f"\nvalidate, 100,000 headcount claims: {time.perf_counter() - started:.1f} s")
    assert result.returncode == 0, result.stderr
    assert "100000 headcount_claims" in result.stdout


def test_data_folder_without_descriptor(site):
    empty = site.root / "elsewhere"
    empty.mkdir()
    site.assert_refused(site.build(data=empty), f"error: --data {empty}: no datapackage.json there; point --data "
                                                "at the folder holding the data package")


def test_data_descriptor_not_json(site):
    (site.data / "datapackage.json").write_text('{"resources": [', "utf-8")
    site.assert_refused(site.build(), "1 problem(s) in the data:",
                        "datapackage.json: cannot be read as a data package descriptor (Expecting value: line 1 "
                        "column 16 (char 15))")


# ------------------------------------------------------------------------------ parameters

def briefing_with(parameters: dict) -> str:
    """A config text with one briefing 'bad' (declared on line 5) with these parameters."""
    return ("defaults:\n  notebook: notebooks/briefing.ipynb\n  formats: [html]\nbriefings:\n  - name: bad\n"
            f"    parameters: {json.dumps(parameters)}\n")


def test_parameter_unknown_name(site, tmp_path):
    # In the config: refused before anything runs.
    config = site.write_config(briefing_with({"sidee": "russia"}))
    site.assert_refused(site.build(config=config),
                        f"error: {config}, line 5: briefing 'bad': unknown parameter(s) 'sidee'; allowed: title, "
                        "side, origins, as_of, fx_kind, marking, focus, excess_threshold, default_contract_months, "
                        "data_dir")
    assert not (site.out / "bad").exists()
    # Through plain papermill, which would add the name silently: the notebook's first cell refuses it.
    result = subprocess.run([sys.executable, "-m", "papermill", str(site.root / "notebooks" / "briefing.ipynb"),
                             str(tmp_path / "out.ipynb"), "--no-progress-bar", "-p", "sidee", "russia",
                             "-p", "data_dir", str(site.data)], capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "ParameterError: unknown parameter(s) 'sidee'; allowed: title, side," in result.stderr


def test_parameter_wrong_type(site):
    config = site.write_config(briefing_with({"excess_threshold": "high", "default_contract_months": 6.5}))
    site.assert_refused(site.build(config=config),
                        f"error: {config}, line 5: briefing 'bad': parameter 'excess_threshold' must be a number "
                        "from 1 to 10; got 'high'; parameter 'default_contract_months' must be a whole number of "
                        "months from 1 to 120; got 6.5")


def test_parameter_unknown_side(site):
    config = site.write_config(briefing_with({"side": "russian"}))
    site.assert_refused(site.build(config=config),
                        f"error: {config}, line 5: briefing 'bad': parameter 'side' must be one of: both, russia, "
                        "ukraine; got 'russian'")


def test_parameter_unknown_origin(site):
    # Origins are checked against the data, so this needs the data; still refused before anything runs.
    config = site.write_config(briefing_with({"origins": ["Syria", "Atlantis"]}))
    site.assert_refused(site.build(config=config),
                        f"error: {config}, line 5: briefing 'bad': parameter 'origins': unknown origin(s) "
                        "'Atlantis'; allowed: all, or any of ")
    assert not (site.out / "bad").exists()


def test_parameter_unknown_exchange_rate_kind(site):
    config = site.write_config(briefing_with({"fx_kind": "black"}))
    site.assert_refused(site.build(config=config),
                        f"error: {config}, line 5: briefing 'bad': parameter 'fx_kind' must be one of: market, "
                        "official; got 'black'")


def test_parameter_as_of_before_any_claim(site):
    # Not an error: the briefing renders and says that nothing had been reported yet.
    config = site.write_config(briefing_with({"title": "Before the war", "as_of": "2020-01-01"}))
    result = site.build(config=config)
    assert result.returncode == 0, result.stderr
    text = "".join(Doc((site.out / "bad" / "bad.html").read_text("utf-8")).text)
    assert "Nothing had been reported for this selection by 1 Jan 2020." in text
    assert "No headcount had been reported for this selection by 1 Jan 2020." in text
    assert "No pay offer had been reported for this selection by 1 Jan 2020." in text
    # The briefing already there is untouched.
    assert {k: v for k, v in site.rendered().items() if k.startswith("ref/")} == \
        {k: v for k, v in site.before.items() if k.startswith("ref/")}


def test_parameter_as_of_in_the_future(site):
    config = site.write_config(briefing_with({"as_of": "2099-01-01"}))
    today = time.strftime("%Y-%m-%d")
    site.assert_refused(site.build(config=config),
                        f"error: {config}, line 5: briefing 'bad': parameter 'as_of' is 2099-01-01, after today "
                        f"({today}); a briefing can only show what had been reported, so use a past date or 'latest'")


# ------------------------------------------------------------------------------ config

def test_config_yaml_syntax_error(site):
    config = site.write_config("briefings:\n  - name: a\n    parameters: {title: 'x'\n  - name: b\n")
    site.assert_refused(site.build(config=config),
                        f"error: {config}, line 4, column 3: YAML syntax error: expected ',' or '}}', but got '-'")


def test_config_duplicate_names(site):
    config = site.write_config("briefings:\n  - name: a\n  - name: b\n  - name: a\n")
    site.assert_refused(site.build(config=config),
                        f"error: {config}, line 4: duplicate briefing name 'a' (first declared at line 2)")


@pytest.mark.parametrize("name", ["../escape", "a/b", "..", "a\\b", "/tmp/escape"])
def test_config_name_with_path_separator_or_dotdot(site, name):
    config = site.write_config(f"briefings:\n  - name: {json.dumps(name)}\n")
    site.assert_refused(site.build(config=config),
                        f"error: {config}, line 2: briefing name {name!r} is not allowed; use 1–64 lower-case "
                        "letters, digits, '-' or '_' (it becomes a folder under --out, so no '/', '\\' or '..')")
    # Nothing was written beside or above the output folder.
    assert sorted(p.name for p in site.root.iterdir()) == ["bad.yml", "data", "notebooks", "out", "reports.yml"]
    assert not Path("/tmp/escape").exists()


def test_config_unknown_notebook(site):
    config = site.write_config("briefings:\n  - name: a\n    notebook: notebooks/missing.ipynb\n")
    site.assert_refused(site.build(config=config),
                        f"error: {config}, line 2: notebook 'notebooks/missing.ipynb' not found (looked for "
                        f"{site.root / 'notebooks' / 'missing.ipynb'})")


def test_config_unknown_output_format(site):
    config = site.write_config("defaults:\n  formats: [html, docx]\nbriefings:\n  - name: a\n")
    site.assert_refused(site.build(config=config),
                        f"error: {config}, line 2, formats: unknown output format(s) 'docx'; allowed: html, pdf")
    site.assert_refused(site.build("--formats", "html,png"),
                        "error: --formats: unknown output format(s) 'png'; allowed: html, pdf")


def test_config_file_missing(site):
    missing = site.root / "no-such.yml"
    site.assert_refused(site.build(config=missing),
                        f"error: {missing}: configuration file not found; pass --config FILE")


# ------------------------------------------------------------------------------ hostile text in data

SCRIPT = "Newsweek<script>alert('outlet')</script>"
IMG = "<img src=x onerror=\"alert('title')\"> and <svg onload=alert(1)>"
MARKDOWN = "**not bold** _not italic_ [a link](javascript:alert(1)) # not a heading `code`"
LATEX = r"$\frac{1}{0}$ \begin{document} %comment & ~ ^ \\ {braces}"
LONG = "0123456789" * 1_000  # 10,000 characters and not one space to break at
RTL = "المرصد السوري لحقوق الإنسان \u202eevil"  # Arabic, then a right-to-left override never closed


@pytest.fixture(scope="module")
def hostile(reference, tmp_path_factory):
    """A briefing built (HTML and PDF) from data holding hostile text, beside the reference one."""
    root = tmp_path_factory.mktemp("hostile") / "project"
    shutil.copytree(reference, root)
    before = tree_bytes(root / "out" / "ref")
    sources, claims = root / "data" / "sources.csv", root / "data" / "headcount_claims.csv"
    set_cell(sources, "S001", "outlet", SCRIPT)
    set_cell(sources, "S001", "title", IMG)
    set_cell(sources, "S001", "reliability_reason", MARKDOWN)
    set_cell(sources, "S002", "outlet", RTL)
    set_cell(claims, "H001", "note", LATEX)
    set_cell(claims, "H002", "note", LONG)
    set_cell(claims, "H037", "claimant", RTL)  # the latest claim of its series: shown in the series table
    set_cell(root / "data" / "claimants.csv", "C003", "name", RTL)  # the stable name, shown in the timeline
    set_cell(claims, "H002", "origin", "United States $x^2$")  # reaches the chart's labels too
    config = root / "hostile.yml"
    config.write_text("defaults:\n  notebook: notebooks/briefing.ipynb\n  formats: [html, pdf]\nbriefings:\n"
                      "  - name: hostile\n    parameters:\n      title: \"Hostile <script>alert('title')</script>\"\n",
                      "utf-8")
    result = run_briefings("build", "hostile", "--config", config, "--data", root / "data", "--out", root / "out")
    assert result.returncode == 0, result.stderr
    assert tree_bytes(root / "out" / "ref") == before  # the briefing already there is untouched
    html = (root / "out" / "hostile" / "hostile.html").read_text("utf-8")
    pdf = "\n".join(page.extract_text() for page in PdfReader(root / "out" / "hostile" / "hostile.pdf").pages)
    return html, Doc(html), pdf, Doc((reference / "out" / "ref" / "ref.html").read_text("utf-8"))


def assert_no_active_content(doc: Doc, clean: Doc) -> None:
    """Every element and attribute name is one a briefing from clean data has (plus the <wbr> break
    points our code puts in long strings): none came from the data. And nothing that runs or fetches."""
    assert {t for t, _ in doc.tags} - {t for t, _ in clean.tags} <= {"wbr"}
    assert {k for _, attrs in doc.tags for k in attrs} <= {k for _, attrs in clean.tags for k in attrs}
    assert [t for t, _ in doc.tags if t in {"script", "img", "iframe", "object", "embed", "link", "base", "form"}] == []
    assert [(t, k) for t, attrs in doc.tags for k in attrs if k.lower().startswith("on")] == []
    assert [a["href"] for t, a in doc.tags if t == "a" and a.get("href", "").lower().startswith("javascript")] == []


def test_hostile_script_tag(hostile):
    html, doc, pdf, clean = hostile
    assert_no_active_content(doc, clean)
    text = "".join(doc.text)
    assert SCRIPT in text and "Hostile <script>alert('title')</script>" in text  # shown as text, escaped
    assert "Newsweek&lt;script&gt;alert(" in html
    assert squeeze(SCRIPT) in squeeze(pdf)


def test_hostile_img_onerror(hostile):
    html, doc, pdf, clean = hostile
    assert_no_active_content(doc, clean)
    assert IMG in "".join(doc.text)
    assert squeeze(IMG) in squeeze(pdf)


def test_hostile_markdown_and_latex_characters(hostile):
    html, doc, pdf, _ = hostile
    text = "".join(doc.text)
    # Markdown stays as typed: no bold, italic or link made from it.
    assert MARKDOWN in text
    assert all("javascript" not in a.get("href", "") for t, a in doc.tags if t == "a")
    # LaTeX control characters stay as typed (no maths typesetting in the page or the chart).
    assert LATEX in text and "United States $x^2$" in text
    assert squeeze(MARKDOWN) in squeeze(pdf) and squeeze(LATEX) in squeeze(pdf)
    assert "UnitedStates$x^2$" in squeeze(pdf)


def test_hostile_10000_character_string(hostile):
    html, doc, pdf, _ = hostile
    assert LONG in "".join(doc.text)
    # In the PDF the whole string is there, wrapped over lines (and pages: the running header and the
    # repeated table header come between) rather than cut off at the page edge. No other figure in a
    # briefing has 20 digits in a row, so the runs of 20 or more digits are the pieces of this string.
    assert "".join(re.findall(r"[0-9]{20,}", pdf)) == LONG
    # No line runs off the page: the longest lines a briefing has are its contents entries with their
    # leader dots (about 160 characters); unwrapped, this string made one line of 10,000, and its table
    # ran wider than the page, cutting every other note in it short.
    assert max(len(line) for line in pdf.splitlines()) < 300


def test_hostile_right_to_left_characters(hostile):
    html, doc, pdf, _ = hostile
    assert RTL in "".join(doc.text)
    # Every place it is shown, it is isolated (<bdi>), so the override cannot reverse the words after it
    # (in the sources list: the title and date that follow the outlet on the same line).
    assert doc.bdi_text.count(RTL) == "".join(doc.text).count(RTL) >= 2  # sources list and timeline
    assert "— Live-blog item on Kyiv's count of foreign volunteers" in "".join(doc.text)
    # In the PDF the Arabic is there and the words after it read left to right.
    assert "السوري" in pdf
    assert "Live-blog item on Kyiv's count of foreign volunteers" in " ".join(pdf.split())


# ------------------------------------------------------------------------------ environment

def test_env_output_folder_not_writable(site):
    # We run as root, so chmod would not stop a write: a path under a regular file cannot be written by anyone.
    target = site.out / "index.html" / "reports"
    site.assert_refused(site.build(out=target), f"error: --out {target}: cannot write there (Not a directory); "
                                                "choose a writable folder")


def test_env_disk_full_part_way_through_a_write(site, monkeypatch):
    # The build runs in this process (threads, not worker processes) so the patched renderer is the one used:
    # it writes half the HTML, then fails as a full disk does.
    from analysis import build as build_module
    from analysis import rendering
    from analysis.config import load_config

    real = rendering.render_briefing

    def full_disk(nb, out_dir, stem, formats):
        paths = real(nb, out_dir, stem, formats)
        html = paths["html"].read_bytes()
        paths["html"].write_bytes(html[: len(html) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(paths["html"]))

    monkeypatch.setattr(rendering, "render_briefing", full_disk)
    config = load_config(site.config)
    report = build_module.build(config, config.briefings, data_dir=site.data, out_dir=site.out, formats=("html",),
                                executor_factory=lambda n: ThreadPoolExecutor(1), force=True)
    assert report.exit_code == 1
    [result] = report.results
    assert result.status == "failed" and result.error.startswith("OSError: [Errno 28] No space left on device: ")
    # The previous output is byte-identical, and no staging folder is left.
    assert tree_bytes(site.out / "ref") == {k[len("ref/"):]: v for k, v in site.before.items() if k.startswith("ref/")}
    assert not [p.name for p in site.out.iterdir() if p.name.startswith((".tmp-", ".old-"))]
    manifest = json.loads((site.out / MANIFEST).read_text("utf-8"))
    assert manifest["briefings"]["ref"]["status"] == "failed"
    assert "No space left on device" in manifest["briefings"]["ref"]["error"]


def interrupt_mid_build(site, signum: int, whole_group: bool) -> subprocess.CompletedProcess:
    """Start a forced rebuild, wait until its staging folder exists, then send ``signum``."""
    process = subprocess.Popen(BRIEFINGS + ["build", "--force", "--config", str(site.config), "--data",
                                            str(site.data), "--out", str(site.out), "-j", "1"],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    while not any(p.name.startswith(".tmp-") for p in site.out.iterdir()):
        assert process.poll() is None and time.monotonic() < deadline, "the build ended before it was interrupted"
        time.sleep(0.05)
    if whole_group:  # as Ctrl-C in a terminal: every process of the build gets it
        os.killpg(process.pid, signum)
    else:  # as a scheduler stopping the job: only the command itself
        os.kill(process.pid, signum)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.mark.parametrize("signum, code, whole_group", [(signal.SIGINT, 130, True), (signal.SIGTERM, 143, False)],
                         ids=["SIGINT", "SIGTERM"])
def test_env_build_interrupted_by_a_signal(site, signum, code, whole_group):
    result = interrupt_mid_build(site, signum, whole_group)
    assert result.returncode == code, result.stderr
    assert (f"interrupted by {signal.Signals(signum).name}: staging folders removed, previous outputs kept, "
            "lock released") in result.stderr
    assert "Traceback" not in result.stderr
    site.assert_nothing_lost()  # no half-written report, no staging folder, lock file empty
    with OutputLock(site.out):  # a new build can take the lock
        pass
    again = site.build("--force")
    assert again.returncode == 0, again.stderr
    assert "ref: built in" in again.stderr
    assert (site.out / "ref" / "ref.html").read_bytes() != site.before["ref/ref.html"]  # rebuilt, whole
    assert "</html>" in (site.out / "ref" / "ref.html").read_text("utf-8")


def test_env_another_build_holds_the_lock(site):
    with OutputLock(site.out):  # as a running build holds it
        result = site.build("--force")
    site.assert_refused(result, f"error: another build holds {site.out / LOCK}: ", f'"pid": {os.getpid()}')
