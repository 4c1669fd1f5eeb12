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

from briefings.build import LOCK, MANIFEST, OutputLock
from briefings.ownership import RECORD, STAGING

# Every case feeds a copy of a built briefing to the real command.
pytestmark = pytest.mark.slow

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

    def check(self, *extra, config: Path | None = None, data: Path | None = None, out: Path | None = None):
        """As :meth:`build`, in this process (no interpreter start-up): for input refused before anything runs."""
        return cli_in_process("build", "--config", config or self.config, "--data", data or self.data,
                              "--out", out or self.out, "-j", "1", *extra)

    def write_config(self, text: str, name: str = "bad.yml") -> Path:
        path = self.root / name
        path.write_text(text, "utf-8")
        return path

    def assert_nothing_lost(self) -> None:
        assert self.rendered() == self.before
        assert not [p.name for p in self.out.iterdir() if p.name.startswith((".tmp-", ".old-"))]
        staging = self.out / STAGING
        assert not staging.exists() or list(staging.iterdir()) == []  # no staging or set-aside folder left
        assert (self.out / LOCK).read_text() == ""  # the lock was released

    def assert_refused(self, result, *messages: str) -> None:
        """Exit 2, each expected message on stderr, no traceback, every output byte-identical."""
        assert result.returncode == 2, result.stderr
        for message in messages:
            assert message in result.stderr
        assert "Traceback" not in result.stderr
        self.assert_nothing_lost()


def cli_in_process(*args, **patches):
    """Run the command line in this process; returns what :func:`run_briefings` returns (stdout and stderr
    together in both). Restores the SIGTERM handler the command installs."""
    from types import SimpleNamespace

    from click.testing import CliRunner

    from briefings import cli

    handler = signal.getsignal(signal.SIGTERM)
    try:
        result = CliRunner().invoke(cli.main, [str(a) for a in args])
    finally:
        signal.signal(signal.SIGTERM, handler)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return SimpleNamespace(returncode=result.exit_code, stdout=result.output, stderr=result.output)


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
                        "pay_offers.csv: file is empty; it needs at least the header row (offer_id, recruiter, region, side, "
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
                                      "KES, RUB, SYP, UAH, USD)")


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
                        "side, origins, as_of, changes_since, fx_kind, marking, author, focus, excess_threshold, "
                        "default_contract_months, data_dir")
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
    result = site.build(config=config)
    site.assert_refused(result, f"error: {config}, line 5: briefing 'bad': parameter 'origins': unknown origin(s) "
                                "'Atlantis'; allowed: all, or any of ")
    # "all" is named once, as the choice, not again among the countries (the data's origin column has it too).
    assert result.stderr.count("all,") == 1 and ", all," not in result.stderr and not result.stderr.rstrip().endswith(", all"), result.stderr
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
    # Absence from our data is "not on record" (method rule 22), never "had not been reported".
    assert "Nothing for this selection is on record as of 1 Jan 2020." in text
    assert "No headcount for this selection is on record as of 1 Jan 2020." in text
    assert "No pay offer for this selection is on record as of 1 Jan 2020." in text
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
    # In what each row counted, which the annex prints for every row (its notes go to the annex's CSV only).
    set_cell(claims, "H001", "stage_detail", LATEX)
    set_cell(claims, "H002", "stage_detail", LONG)
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
    # The briefing prints the rows it cites; the data annex beside it prints every row, notes and
    # sources' reasons included: hostile text must be inert and shown as typed in both.
    htmls = {name: (root / "out" / name).read_text("utf-8") for name in ("hostile/hostile.html", "annex/annex.html")}
    html = "".join(htmls.values())
    pdfs = {name: "\n".join(page.extract_text() for page in PdfReader(root / "out" / name).pages)
            for name in ("hostile/hostile.pdf", "annex/annex.pdf")}
    clean = "".join((reference / "out" / name).read_text("utf-8") for name in ("ref/ref.html", "annex/annex.html"))
    return html, Doc(html), "\n".join(pdfs.values()), Doc(clean), {**pdfs, **htmls}


def assert_no_active_content(doc: Doc, clean: Doc) -> None:
    """Every element and attribute name is one a briefing from clean data has (plus the <wbr> break
    points our code puts in long strings): none came from the data. And nothing that runs or fetches."""
    assert {t for t, _ in doc.tags} - {t for t, _ in clean.tags} <= {"wbr"}
    assert {k for _, attrs in doc.tags for k in attrs} <= {k for _, attrs in clean.tags for k in attrs}
    assert [t for t, _ in doc.tags if t in {"script", "iframe", "object", "embed", "link", "base", "form"}] == []
    # The only images are our charts: SVG as a base64 data URL, which a browser draws without running anything.
    assert [a for t, a in doc.tags if t == "img" and not a.get("src", "").startswith("data:image/svg+xml;base64,")] == []
    assert [(t, k) for t, attrs in doc.tags for k in attrs if k.lower().startswith("on")] == []
    assert [a["href"] for t, a in doc.tags if t == "a" and a.get("href", "").lower().startswith("javascript")] == []


def test_hostile_script_tag(hostile):
    html, doc, pdf, clean, _ = hostile
    assert_no_active_content(doc, clean)
    text = "".join(doc.text)
    assert SCRIPT in text and "Hostile <script>alert('title')</script>" in text  # shown as text, escaped
    assert "Newsweek&lt;script&gt;alert(" in html
    assert squeeze(SCRIPT) in squeeze(pdf)


def test_hostile_img_onerror(hostile):
    html, doc, pdf, clean, _ = hostile
    assert_no_active_content(doc, clean)
    assert IMG in "".join(doc.text)
    assert squeeze(IMG) in squeeze(pdf)


def test_hostile_markdown_and_latex_characters(hostile):
    html, doc, pdf, _, pdfs = hostile
    text = "".join(doc.text)
    # Markdown stays as typed: no bold, italic or link made from it.
    assert MARKDOWN in text
    assert all("javascript" not in a.get("href", "") for t, a in doc.tags if t == "a")
    # LaTeX control characters stay as typed (no maths typesetting in the page or the chart).
    assert LATEX in text and "United States $x^2$" in text
    assert squeeze(MARKDOWN) in squeeze(pdf) and squeeze(LATEX) in squeeze(pdf)
    assert "UnitedStates$x^2$" in squeeze(pdf)


def test_hostile_10000_character_string(hostile):
    html, doc, pdf, _, pdfs = hostile
    assert LONG in "".join(doc.text)
    # In the PDF the whole string is there, wrapped over lines (and pages: the running header and the
    # repeated table header come between) rather than cut off at the page edge. No other figure in a
    # briefing has 20 digits in a row, so the runs of 20 or more digits are the pieces of this string.
    assert "".join(re.findall(r"[0-9]{20,}", pdfs["annex/annex.pdf"])) == LONG  # H002's row in the annex
    # No line runs off the page: the longest lines a briefing has are its contents entries with their
    # leader dots (about 160 characters); unwrapped, this string made one line of 10,000, and its table
    # ran wider than the page, cutting every other note in it short.
    assert max(len(line) for line in pdf.splitlines()) < 300


def test_hostile_right_to_left_characters(hostile):
    html, doc, pdf, _, pdfs = hostile
    assert RTL in "".join(doc.text)
    # Every place it is shown, it is isolated (<bdi>), so the override cannot reverse the words after it
    # (in the sources list: the title and date that follow the outlet on the same line).
    briefing = Doc(pdfs["hostile/hostile.html"])
    assert briefing.bdi_text.count(RTL) == "".join(briefing.text).count(RTL) >= 2  # sources list and timeline
    # In the annex every cell is isolated as a whole (a claimant's name shares its cell with the date).
    annex = Doc(pdfs["annex/annex.html"])
    assert sum(text.count(RTL) for text in annex.bdi_text) == "".join(annex.text).count(RTL) >= 3
    # S002's title, in the cell after its outlet's (S002 is not among this briefing's cited sources).
    assert "Live-blog item on Kyiv's count of foreign volunteers" in "".join(annex.text)
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
    from briefings import build as build_module
    from briefings import rendering
    from briefings.config import load_config

    real = rendering.render_briefing

    def full_disk(nb, out_dir, stem, formats, **kwargs):
        paths = real(nb, out_dir, stem, formats, **kwargs)
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


def executing(tmp: Path) -> bool:
    """A worker is executing a briefing: its private folder, in the build's TMPDIR, holds the
    notebook papermill writes as it runs (the build writes into --out only once it is done)."""
    return any(tmp.glob("briefings-worker-*/out/*.ipynb"))


@pytest.fixture
def short_tmp():
    """A TMPDIR of the test's own for the build, its workers and kernels; short, as TMPDIR usually is, so the
    kernels' Unix sockets fit in it (a socket's path has at most 107 bytes)."""
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="bt-", dir="/tmp"))
    yield tmp
    shutil.rmtree(tmp, ignore_errors=True)


def interrupt_mid_build(site, signum: int, whole_group: bool, tmp: Path,
                        config: Path | None = None) -> subprocess.CompletedProcess:
    """Start a forced rebuild, wait until a worker executes a briefing, then send ``signum``."""
    process = subprocess.Popen(BRIEFINGS + ["build", "--force", "--config", str(config or site.config), "--data",
                                            str(site.data), "--out", str(site.out), "-j", "1"],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, env={**os.environ, "TMPDIR": str(tmp)})
    deadline = time.monotonic() + 120
    while not executing(tmp):
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
def test_env_build_interrupted_by_a_signal(site, signum, code, whole_group, short_tmp):
    result = interrupt_mid_build(site, signum, whole_group, short_tmp)
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


# ============================================================================== issue 10: the build owns only
# what it made, inputs are plain files and plain data, numbers are finite, one clock, killed means gone,
# the exporters' promise holds for any notebook.

def stub_build(site, monkeypatch, status: str = "built", out: Path | None = None):
    """The real build (ownership, lock, manifest, index) in this process, every briefing "executed" by a stub:
    for the cases about what the build does in --out (``out``, by default the site's), not about running
    notebooks."""
    from briefings import build as build_module
    from briefings.config import load_config
    from briefings.execution import Result

    def run_briefing(job):  # "renders" the page the reference build made, as bytes, as a worker returns them
        now = time.time()
        page = site.before.get(f"{job.name}/{job.name}.html", b"<html></html>")
        return Result(job.name, status, now, now, outputs=[f"{job.name}/{job.name}.html"],
                      files={f"{job.name}.html": page})

    monkeypatch.setattr(build_module, "run_briefing", run_briefing)
    config = load_config(site.config)
    return build_module.build(config, config.briefings, data_dir=site.data, out_dir=out or site.out, formats=("html",),
                              executor_factory=lambda n: ThreadPoolExecutor(1), force=True)


def fresh_out(site, name: str = "fresh") -> Path:
    """An output folder the build has never written to, inside the test's project."""
    out = site.root / name
    out.mkdir()
    return out


# ------------------------------------------------------------------------------ ownership of --out

def test_own_user_tmp_and_old_folders_are_kept(site, monkeypatch):
    # Named like the staging and set-aside folders of the build before the ownership record: not the build's.
    for name in (".tmp-ref-mine", ".old-ref-1-2"):
        (site.out / name).mkdir()
        (site.out / name / "keep.txt").write_text("mine")
    assert stub_build(site, monkeypatch).exit_code == 0
    for name in (".tmp-ref-mine", ".old-ref-1-2"):
        assert (site.out / name / "keep.txt").read_text() == "mine"
    assert (site.out / "ref" / "ref.html").read_bytes() == site.before["ref/ref.html"]


def test_own_folder_named_like_a_briefing(site):
    (site.out / "mine").mkdir()
    (site.out / "mine" / "notes.txt").write_text("mine")
    site.before = site.rendered()
    config = site.write_config(briefing_with({}).replace("name: bad", "name: mine"))
    site.assert_refused(site.check(config=config),
                        f"error: {site.out / 'mine'} exists but was not made by this build (it is not in "
                        f"{RECORD}); the build never replaces what it did not make: move it away or choose "
                        "another --out")


@pytest.mark.parametrize("name, content", [("index.html", "<p>my own page</p>"),
                                           (MANIFEST, '{"my": "notes"}')])
def test_own_users_file_with_the_builds_name(site, name, content):
    out = fresh_out(site)
    (out / name).write_text(content)
    result = site.check(out=out)
    assert result.returncode == 2, result.stderr
    assert f"error: {out / name} exists but was not made by this build" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in out.iterdir()) == [name]  # nothing written beside it
    assert (out / name).read_text() == content


@pytest.mark.parametrize("where", ["project", "data"])
def test_own_out_holding_the_project_or_inside_the_data(site, where):
    out = site.root if where == "project" else site.data / "reports"
    before = tree_bytes(site.root)
    result = site.check(out=out)
    assert result.returncode == 2, result.stderr
    expected = (f"error: --out {out}: this folder contains " if where == "project"
                else f"error: --out {out}: this folder is inside the data folder {site.data}; choose another --out")
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_bytes(site.root) == before and not out.joinpath("build.log").exists()


@pytest.mark.parametrize("name", [LOCK, "build.log", MANIFEST, "ref"])
def test_own_symbolic_link_inside_out(site, name):
    victim = site.root / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("precious")
    target = victim if name == "ref" else victim / "precious.txt"
    path = site.out / name
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()
    path.symlink_to(target)
    site.before = site.rendered()
    result = site.check("--force")
    assert result.returncode == 2, result.stderr
    assert f"error: {path} is a symbolic link; the build never writes through links: remove it" in result.stderr
    assert "Traceback" not in result.stderr
    assert (victim / "precious.txt").read_text() == "precious" and sorted(os.listdir(victim)) == ["precious.txt"]
    assert os.readlink(path) == str(target) and site.rendered() == site.before


def test_own_output_folder_from_the_previous_build_is_adopted(site, monkeypatch):
    # What the build before the ownership record left: no record, no staging folder.
    (site.out / RECORD).unlink()
    (site.out / STAGING).rmdir()
    (site.out / "mine.txt").write_text("mine")
    assert stub_build(site, monkeypatch).exit_code == 0
    owned = set(json.loads((site.out / RECORD).read_text())["owned"])
    assert {"ref", "annex", "index.html", MANIFEST, LOCK, "build.log"} <= owned and "mine.txt" not in owned
    assert (site.out / "mine.txt").read_text() == "mine"


@pytest.mark.parametrize("manifest", ["[1, 2]", '{"briefings": []}', '{"briefings": {"ref": "built"}}',
                                      '{"briefings": {"ref": {"outputs": 5}}}', "{not json"])
def test_own_corrupt_manifest_is_set_aside(site, monkeypatch, caplog, manifest):
    (site.out / MANIFEST).write_text(manifest)
    assert stub_build(site, monkeypatch).exit_code == 0  # a traceback before, in the CLI
    assert f"{site.out / MANIFEST} cannot be used (" in caplog.text and "set aside as manifest.corrupt-" in caplog.text
    [aside] = site.out.glob("manifest.corrupt-*.json")
    assert aside.read_text() == manifest and aside.name in json.loads((site.out / RECORD).read_text())["owned"]
    assert json.loads((site.out / MANIFEST).read_text())["briefings"]["ref"]["status"] == "built"


def make_clean(site, out: str) -> subprocess.CompletedProcess:
    makefile = REPO / "Makefile"
    # Safety first: never run a clean recipe that deletes by wildcard (the old one expanded OUT= to rm -rf /*).
    assert "rm -rf $(OUT)" not in makefile.read_text()
    return subprocess.run(["make", "--no-print-directory", "-f", str(makefile), "-C", str(site.root), "clean",
                           f"OUT={out}", f"PYTHON={sys.executable}"], capture_output=True, text=True, timeout=120)


def test_own_make_clean_removes_only_what_the_build_recorded(site):
    (site.out / "mine.txt").write_text("mine")
    (site.out / "my-folder").mkdir()
    result = make_clean(site, "out")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in site.out.iterdir()) == ["mine.txt", "my-folder"]
    assert (site.data / "datapackage.json").is_file() and (site.root / "notebooks" / "briefing.ipynb").is_file()


@pytest.mark.parametrize("out, message", [
    ("", "make clean: OUT is empty; name the output folder, e.g. OUT=reports"),
    ("/", "error: OUT / is the file system's root"),
    (".", "error: OUT . is or contains the project"),
    ("..", "error: OUT .. is or contains the project"),
    ("../elsewhere", "error: OUT ../elsewhere is outside the project"),
    ("data", "/data: this folder contains"),
])
def test_own_make_clean_refuses_an_empty_or_unsafe_out(site, out, message):
    (site.root.parent / "elsewhere").mkdir()
    (site.root.parent / "elsewhere" / "keep.txt").write_text("mine")
    before = tree_bytes(site.root.parent)
    result = make_clean(site, out)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert tree_bytes(site.root.parent) == before


# ------------------------------------------------------------------------------ plain files

def test_input_data_file_that_is_a_named_pipe(site):
    path = site.data / "pay_offers.csv"
    path.unlink()
    os.mkfifo(path)  # opening it would block until someone writes: the build must not open it
    result = run_briefings("build", "--force", "--config", site.config, "--data", site.data, "--out", site.out,
                           "-j", "1", timeout=120)
    site.assert_refused(result, "pay_offers.csv: is not a regular file (a pipe, device or socket); the data must be "
                                "regular files")


@pytest.mark.parametrize("path", ["../outside.csv", "/etc/hostname", "https://example.org/pay_offers.csv"])
def test_input_descriptor_path_leaving_the_data_folder(site, path):
    shutil.copy2(site.data / "pay_offers.csv", site.root / "outside.csv")
    descriptor = json.loads((site.data / "datapackage.json").read_text())
    next(r for r in descriptor["resources"] if r["name"] == "pay_offers")["path"] = path
    (site.data / "datapackage.json").write_text(json.dumps(descriptor))
    site.assert_refused(site.check(), f"datapackage.json (value {path!r}): resource 'pay_offers': \"path\" must name "
                                      "a file inside the data folder (no URL, absolute path or '..')")


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(resources={"sources": {}}), 'it must be an object with a list under "resources"'),
    (lambda d: d["resources"].__setitem__(0, "sources.csv"), "resource 1 must be an object with name, path and schema"),
    (lambda d: d["resources"][2].update(path=["a.csv", "b.csv"]), "resource 'headcount_claims': \"path\" must be one file"),
    (lambda d: d["resources"][3].update(schema={"fields": {}}), "resource 'pay_offers': \"schema\" must be an object"),
    (lambda d: d["resources"][4]["schema"]["fields"].append({"type": "number"}), "resource 'reference_wages': each field"),
    (lambda d: d["resources"][5]["schema"]["fields"].__setitem__(0, {"name": 7, "type": "string"}), "each field must be"),
])
def test_input_descriptor_of_unusual_shape(site, change, message):
    descriptor = json.loads((site.data / "datapackage.json").read_text())
    change(descriptor)
    (site.data / "datapackage.json").write_text(json.dumps(descriptor))
    site.assert_refused(site.check(), "datapackage.json", message)
    result = cli_in_process("validate", "--data", site.data)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["folder", "pipe"])
def test_input_config_that_is_not_a_regular_file(site, kind):
    config = site.root / "odd.yml"
    config.mkdir() if kind == "folder" else os.mkfifo(config)
    result = run_briefings("build", "--config", config, "--data", site.data, "--out", site.out, timeout=120)
    expected = "a folder" if kind == "folder" else "not a regular file (a pipe, device or socket)"
    site.assert_refused(result, f"error: {config}: configuration file is {expected}; give a regular file")


def test_input_notebook_outside_the_project_or_not_a_file(site, tmp_path):
    (site.root / "notebooks" / "folder.ipynb").mkdir()
    config = site.write_config("briefings:\n  - name: a\n    notebook: notebooks/folder.ipynb\n")
    site.assert_refused(site.check(config=config), f"error: {config}, line 2: {site.root / 'notebooks' / 'folder.ipynb'}: "
                                                   "notebook is a folder; give a regular file")
    shutil.copy2(site.root / "notebooks" / "briefing.ipynb", tmp_path / "elsewhere.ipynb")
    config = site.write_config(f"briefings:\n  - name: a\n    notebook: {tmp_path / 'elsewhere.ipynb'}\n")
    site.assert_refused(site.check(config=config), f"error: {config}, line 2: {tmp_path / 'elsewhere.ipynb'}: notebook "
                                                   f"must be inside {site.root} or {REPO / 'notebooks'}")


# ------------------------------------------------------------------------------ YAML as plain data

def test_yaml_aliases_are_refused_not_expanded(site):
    # A "billion laughs": each level refers nine times to the one before; expanded in a message, it has no end.
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 7)]
    config = site.write_config("\n".join(levels) + "\nbriefings:\n  - name: bad\n    parameters: {side: *a6}\n")
    result = site.check(config=config)
    site.assert_refused(result, f"error: {config}, line 1, column 5: anchors and aliases (&name, *name) are not "
                                "allowed here; write each value out in full")
    assert len(result.stderr) < 2_000


@pytest.mark.parametrize("value", ["!!binary aGk=", "!!python/object/apply:os.getcwd []", "!!set {Syria: null}",
                                   "!custom x"])
def test_yaml_tags_are_refused(site, value):
    config = site.write_config(f"briefings:\n  - name: bad\n    parameters:\n      origins: {value}\n")
    site.assert_refused(site.check(config=config), f"error: {config}, line 4, column 16: tags (",
                        ") are not allowed here; write plain values")


def test_yaml_duplicate_key(site):
    config = site.write_config("briefings:\n  - name: a\nbriefings:\n  - name: b\n")
    site.assert_refused(site.check(config=config),
                        f"error: {config}, line 3, column 1: duplicate key 'briefings' (first at line 1); a second "
                        "one would silently replace the first: keep one")
    assert not (site.out / "b").exists()


@pytest.mark.parametrize("key", ["1", "[a, b]", "1.5", "null"])
def test_yaml_keys_that_are_not_text(site, key):
    config = site.write_config(f"briefings:\n  - name: bad\n    parameters:\n      title: x\n      {key}: y\n")
    site.assert_refused(site.check(config=config), f"error: {config}, line 5, column 7: key ",
                        "is not text; every key must be a name (quote it if it is a number)")


def test_yaml_unquoted_date_means_the_date(site):
    from briefings.config import load_config

    config = site.write_config("briefings:\n  - name: march\n    parameters:\n      as_of: 2022-03-31\n"
                               "  - name: quoted\n    parameters:\n      as_of: '2022-03-31'\n")
    unquoted, quoted = load_config(config).briefings
    # Exactly what the quoted date gives, so the notebook gets the same parameter (it got a date object before).
    assert unquoted.parameters == quoted.parameters == {"as_of": "2022-03-31"}


@pytest.mark.parametrize("value", ["yes", "off", "True"])
def test_yaml_bare_boolean_must_be_quoted(site, value):
    config = site.write_config(f"briefings:\n  - name: bad\n    parameters:\n      side: {value}\n")
    site.assert_refused(site.check(config=config),
                        f"error: {config}, line 4, column 13: '{value}' is read by YAML as true/false, and no setting "
                        f'here is true/false; quote it ("{value}") if you meant the text')


# ------------------------------------------------------------------------------ numbers finite and in range

@pytest.mark.parametrize("value", ["0.5", "0", "-5", "86401", "99999999999999999999", "'600'", "600.0"])
def test_config_timeout_not_a_positive_whole_number_of_seconds(site, value):
    config = site.write_config(f"briefings:\n  - name: bad\n    timeout_seconds: {value}\n")
    site.assert_refused(site.check(config=config),
                        f"error: {config}, line 2: timeout_seconds must be a whole number of seconds from 1 to 86400; "
                        "got ")


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", ".NaN"])
def test_config_number_that_is_not_finite(site, value):
    config = site.write_config(f"briefings:\n  - name: bad\n    parameters:\n      excess_threshold: {value}\n")
    site.assert_refused(site.check(config=config), f"error: {config}, line 4, column 25: '{value}' is not a finite "
                                                   "number; use a number such as 1.5")


@pytest.mark.parametrize("value, message", [
    ("inf", "is not a finite number; write the figure in digits, e.g. 29.25"),
    ("-Infinity", "is not a finite number; write the figure in digits, e.g. 29.25"),
    ("NaN", "is not a finite number; write the figure in digits, e.g. 29.25"),
    ("1e308", "is larger than 1,000,000,000,000,000, the most any figure may be; check for extra digits or a "
              "misplaced exponent"),
])
def test_data_amount_not_finite_or_too_large(site, value, message):
    for column in ("amount_low_local", "amount_high_local"):
        set_cell(site.data / "pay_offers.csv", "P002", column, value)
    site.assert_refused(site.check(), f"pay_offers.csv row 3, column amount_low_local (value '{value}'): {message}")


def test_data_20_digit_headcount(site):
    for column in ("people_low", "people_high"):
        set_cell(site.data / "headcount_claims.csv", "H001", column, "12345678901234567890")
    site.assert_refused(site.check(), "headcount_claims.csv row 2, column people_low (value '12345678901234567890'): "
                                      "is larger than 1,000,000,000,000,000, the most any figure may be")


def test_data_origin_with_spaces_at_either_end(site):
    set_cell(site.data / "headcount_claims.csv", "H001", "origin", "Syria ")
    site.assert_refused(site.check(), "headcount_claims.csv row 2, column origin (value 'Syria '): origin has spaces at "
                                      "its start or end, which make it a different origin from 'Syria'; remove them")


@pytest.mark.parametrize("url", ["www.newsweek.com/story", "javascript:alert(1)", "https:/newsweek.com"])
def test_data_source_url_without_scheme(site, url):
    set_cell(site.data / "sources.csv", "S001", "url", url)
    site.assert_refused(site.check(), f"sources.csv row 2, column url (value '{url}'): is not a full web address; "
                                      "write it with its scheme, e.g. https://www.example.org/page")


# ------------------------------------------------------------------------------ one clock

def test_clock_today_is_the_utc_date_everywhere(site, monkeypatch):
    import datetime as dt

    from analysis import clock
    from briefings import parameters
    from briefings.parameters import ParameterError, check_parameters

    # A zone whose date differs from UTC's right now (UTC+14 from 10:00 UTC, UTC-12 before 12:00 UTC).
    now = dt.datetime.now(dt.timezone.utc)
    zone, day = ("Etc/GMT-14", now.date() + dt.timedelta(days=1)) if now.hour >= 10 else ("Etc/GMT+12", now.date())
    source = next(r[-1] for r in [row[:1] + [row[read_rows(site.data / "headcount_claims.csv")[0].index("source_id")]]
                                  for row in read_rows(site.data / "headcount_claims.csv")] if r[0] == "H002")
    set_cell(site.data / "sources.csv", source, "date_accessed", day.isoformat())
    set_cell(site.data / "headcount_claims.csv", "H002", "date_reported", day.isoformat())
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        result = cli_in_process("validate", "--data", site.data)
        if day > now.date():  # tomorrow in UTC, today in the zone: in the future
            assert result.returncode == 2, result.stdout
            assert (f"headcount_claims.csv row 3, column date_reported (value '{day}'): date is in the future (today "
                    f"is {now.date()}); check the year") in result.stderr
        else:  # today in UTC, tomorrow in the zone: not in the future
            assert result.returncode == 0, result.stderr
        # The as_of check uses the same clock.
        assert clock.today() == now.date() and parameters  # the one clock, whatever the zone
        assert check_parameters({"as_of": now.date().isoformat()})["as_of"] == now.date().isoformat()
        with pytest.raises(ParameterError, match=f"after today \\({now.date()}\\)"):
            check_parameters({"as_of": (now.date() + dt.timedelta(days=1)).isoformat()})
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


# ------------------------------------------------------------------------------ killed means gone, signals

def processes_marked(marker: str) -> list[int]:
    """Every process whose environment carries ``marker`` (the build, its workers and their kernels)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    status = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                    if status not in ("Z", "X"):
                        found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_kill_9_leaves_no_process_and_swaps_nothing_afterwards(site, short_tmp):
    marker = f"BRIEFINGS_TEST_RUN={os.getpid()}-{time.time_ns()}"
    key, value = marker.split("=")
    tmp = short_tmp
    process = subprocess.Popen(BRIEFINGS + ["build", "--force", "--config", str(site.config), "--data", str(site.data),
                                            "--out", str(site.out), "-j", "1"], cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True,
                               env={**os.environ, key: value, "TMPDIR": str(tmp)})
    deadline = time.monotonic() + 120
    while not executing(tmp):
        assert process.poll() is None and time.monotonic() < deadline, "the build ended before it was killed"
        time.sleep(0.05)
    assert len(processes_marked(marker)) >= 3  # the build, a worker, its kernel (and the fork server)
    process.kill()
    process.wait()
    deadline = time.monotonic() + 20
    while processes_marked(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_marked(marker) == []
    # No kernel key, socket or private folder of a worker or kernel is left in TMPDIR.
    assert leftovers(tmp) == []
    # Nothing was swapped in after the build died: every rendered file is as it was.
    rendered = {k: v for k, v in site.rendered().items() if not k.startswith((LOCK, STAGING))}
    assert rendered == {k: v for k, v in site.before.items() if not k.startswith((LOCK, STAGING))}
    again = site.build()
    assert again.returncode == 0, again.stderr
    assert list((site.out / STAGING).iterdir()) == []


def in_process(monkeypatch, *args, **patches):
    """Run the command line in this process with some functions replaced."""
    import importlib.util

    for target, replacement in patches.items():
        module, name = target.rsplit(".", 1)
        # Since the split, a module is in analysis/ (numbers) or briefings/ (pipeline): patch where it is.
        package = "briefings" if importlib.util.find_spec(f"briefings.{module}") else "analysis"
        monkeypatch.setattr(f"{package}.{module}.{name}", replacement)
    return cli_in_process(*args)


def test_signal_sigterm_during_the_config_check(site, monkeypatch):
    def load_config(path):
        os.kill(os.getpid(), signal.SIGTERM)  # as a scheduler stopping the job while the config is checked
        time.sleep(30)

    result = in_process(monkeypatch, "build", "--config", site.config, "--data", site.data, "--out", site.out,
                        **{"config.load_config": load_config})
    assert result.returncode == 143, result.stderr
    assert "interrupted by SIGTERM" in result.stderr and "Traceback" not in result.stderr
    site.assert_nothing_lost()


@pytest.mark.parametrize("command", ["validate", "list"])
def test_signal_ctrl_c_during_validate_and_list(site, monkeypatch, command):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    result = in_process(monkeypatch, command, **{"loading.load_data": interrupted,
                                                 "config.describe_parameters": interrupted})
    assert result.returncode == 130, result.stderr
    assert "interrupted by SIGINT" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["validate", "list"])
def test_unexpected_error_in_validate_and_list(monkeypatch, command):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    result = in_process(monkeypatch, command, **{"loading.load_data": broken, "config.describe_parameters": broken})
    assert result.returncode == 1, result.stderr
    assert "error: stopped on an unexpected error (RuntimeError: a bug); nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr


def test_dask_scheduler_that_does_not_answer(site):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    result = site.build("--force", "--dask-scheduler", address, "--dask-timeout", "2")
    site.assert_refused(result, f"error: --dask-scheduler {address}: no scheduler answered within 2 s")


# ------------------------------------------------------------------------------ the exporters' promise, any notebook

def test_exporter_strips_script_event_attributes_and_javascript_links():
    import nbformat

    from briefings.rendering import BriefingHTMLExporter

    html = ('<p onclick="alert(1)">paid <b onmouseover=alert(2)>recruits</b></p><script>alert(3)</script>'
            '<a href="javascript:alert(4)">a</a><a href=" JaVa&#09;Script:alert(5)">b</a><iframe src="x"></iframe>'
            '<img src=x onerror=alert(6)><form action="https://x.org"><input></form><style>body{display:none}</style>')
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(7)"><script>alert(8)</script>'
           '<a href="javascript:alert(9)"><rect width="5" height="5" onclick="alert(10)"/></a>'
           '<foreignObject><iframe src="x"></iframe></foreignObject><text x="1" y="1">chart</text></svg>')
    markdown = ('## Heading\n\n<script>alert(11)</script> [a link](javascript:alert(12)) '
                '<a href="javascript:alert(13)" onclick="x()">raw</a> <img src=x onerror="alert(14)">')
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(markdown),
        nbformat.v4.new_code_cell("", outputs=[
            nbformat.v4.new_output("display_data", {"text/html": html}),
            nbformat.v4.new_output("display_data", {"image/svg+xml": svg}),
            nbformat.v4.new_output("display_data", {"text/markdown": markdown}),
        ]),
    ])
    # Any notebook, not only a briefing: the refusal of foreign notebooks is switched off to reach the sanitiser.
    page, _ = BriefingHTMLExporter(require_briefing=False).from_notebook_node(notebook)
    doc = Doc(page)
    assert [t for t, _ in doc.tags if t in {"script", "iframe", "img", "form", "input", "foreignobject"}] == []
    assert [(t, k) for t, attrs in doc.tags for k in attrs if k.lower().startswith("on")] == []
    assert [v for _, attrs in doc.tags for v in attrs.values() if v and "script:" in v.lower().replace("\t", "")] == []
    assert "<script" not in page.lower()
    text = "".join(doc.text)
    assert "paid recruits" in text and "chart" in text and "Heading" in text and "raw" in text


# ============================================================================== issue 21, the third red-team round:
# nothing hangs, nothing fetches, values are parsed once at the edge, the record is trusted only for what the
# build makes. (The exporter's allow-list in a browser is tests/test_sanitize.py; preview's cases are in
# tests/test_preview.py.)

# ------------------------------------------------------------------------------ nothing hangs

def test_own_record_that_is_a_named_pipe(site):
    record = site.out / RECORD
    record.unlink()
    os.mkfifo(record)  # opened before its type was checked, it blocked build and make clean forever
    site.before = site.rendered()
    expected = (f"{record}: the record of what the build made here cannot be read (record is not a regular file (a "
                "pipe, device or socket); give a regular file); nothing was changed")
    result = run_briefings("build", "--config", site.config, "--data", site.data, "--out", site.out, "-j", "1",
                           timeout=120)
    site.assert_refused(result, expected)
    result = make_clean(site, "out")
    assert result.returncode == 2 and expected in result.stderr and "Traceback" not in result.stderr
    site.assert_nothing_lost()


@pytest.mark.parametrize("name", ["build.log", LOCK, MANIFEST])
def test_own_log_lock_or_manifest_that_is_a_named_pipe(site, name):
    path = site.out / name
    path.unlink()
    os.mkfifo(path)  # the log was opened for appending before its type was checked: a pipe with no reader blocks
    site.before = site.rendered()
    result = run_briefings("build", "--config", site.config, "--data", site.data, "--out", site.out, "-j", "1",
                           timeout=120)
    assert result.returncode == 2, result.stderr
    assert (f"error: {path} is listed in {RECORD}, but it is not a regular file; the build never replaces what it "
            "did not make") in result.stderr
    assert "Traceback" not in result.stderr and site.rendered() == site.before


def test_input_project_descriptor_a_named_pipe_with_data_elsewhere(site, tmp_path):
    good = tmp_path / "good-data"
    shutil.copytree(site.data, good)
    descriptor = site.data / "datapackage.json"
    descriptor.unlink()
    os.mkfifo(descriptor)  # analysis.schema read it on import: build, list and preview hung, even with --data
    result = run_briefings("build", "--out", site.out, "--data", good, "-j", "1", cwd=site.root, timeout=120)
    assert result.returncode == 0, result.stderr  # the value lists come from --data's descriptor
    assert (site.out / "ref" / "ref.html").read_bytes() == site.before["ref/ref.html"]
    result = run_briefings("list", cwd=site.root, timeout=120)  # list has no --data: the pipe is named, not read
    assert result.returncode == 2, result.stderr
    assert (f"error: {descriptor}: data package descriptor is not a regular file (a pipe, device or socket); give a "
            "regular file; the value lists (stages, qualifiers, sides...) are read from it") in result.stderr


def test_input_descriptor_nested_200000_deep(site):
    (site.data / "datapackage.json").write_text("[" * 200_000 + "]" * 200_000, "utf-8")  # a RecursionError before
    site.assert_refused(site.check(), "nested more than 64 levels deep")
    result = cli_in_process("validate", "--data", site.data)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert ("datapackage.json: cannot be read as a data package descriptor (nested more than 64 levels deep)"
            in result.stderr)


# ------------------------------------------------------------------------------ values parsed once, at the edge

@pytest.mark.parametrize("override, message", [
    ("as_of=2022-02-30", "parameter 'as_of' must be 'latest' or a date YYYY-MM-DD that the calendar has (day is out "
                         "of range for month); got '2022-02-30'"),
    ("changes_since=2022-13-01", "parameter 'changes_since' must be 'auto' or a date YYYY-MM-DD that the calendar has "
                                 "(month must be in 1..12); got '2022-13-01'"),
    ("as_of=0001-01-01", "parameter 'as_of' must be 'latest' or a date YYYY-MM-DD from 1900-01-01 on; got "
                         "'0001-01-01'"),
])
def test_parameter_impossible_or_too_early_date(site, override, message):
    # Exit 1 "unexpected error … please report it" before (YAML's date constructor raised ValueError); 0001-01-01
    # failed in strftime once the notebook ran.
    site.assert_refused(site.check("-P", override), f"error: -P: {message}")


def test_parameter_alias_bomb_in_P(site):
    # Eight levels of nine references: expanded, it printed a 351 MB error after 27 s.
    levels = ["&a0 [x, x, x, x, x, x, x, x, x]"] + [f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 8)]
    started = time.monotonic()
    result = site.check("-P", f"title=[{', '.join(levels)}]")
    site.assert_refused(result, "title: anchors and aliases (&name, *name) are not allowed here; write each value out "
                                "in full")
    assert len(result.stderr) < 1_000 and time.monotonic() - started < 10


def test_parameter_20000_item_list_is_refused_in_a_short_message(site):
    result = site.check("-P", "origins=[" + ", ".join(["Syria"] * 20_000) + "]")
    site.assert_refused(result, "origins: the value is 140,000 characters; at most 10,000 are read")
    assert len(result.stderr) < 1_000  # 129 KB before
    # Under the length bound, 1,000 unknown origins: five named, the rest counted.
    result = site.check("-P", "origins=[" + ", ".join(f"X{i}" for i in range(1_000)) + "]")
    site.assert_refused(result, "unknown origin(s) 'X0', 'X1', 'X2', 'X3', 'X4' and 995 more; allowed: all, or any of")
    assert len(result.stderr) < 2_000


def test_config_name_ending_in_a_newline(site):
    config = site.write_config('briefings:\n  - name: "ref\\n"\n')  # "$" matched before the newline: a folder "ref⏎"
    site.assert_refused(site.check(config=config), f"error: {config}, line 2: briefing name 'ref\\n' is not allowed; "
                                                   "use 1–64 lower-case letters, digits, '-' or '_'")
    assert sorted(p.name for p in site.out.iterdir() if p.name.startswith("ref")) == ["ref"]


@pytest.mark.parametrize("where", ["data", "-P value", "-P name", "config key"])
def test_invisible_character_in_a_name_or_key(site, where):
    syria = "Syr\u200bia"  # passed validation and showed as a second "Syria"
    if where == "data":
        set_cell(site.data / "headcount_claims.csv", "H001", "origin", syria)
        result, message = site.check(), ("headcount_claims.csv row 2, column origin (value 'Syr\\u200bia'): holds "
                                         "U+200B ZERO WIDTH SPACE, which cannot be seen: it would make a different "
                                         "origin that looks the same; remove it")
    elif where == "-P value":
        result, message = site.check("-P", f"origins=[{syria}]"), (
            "parameter 'origins': origin 'Syr\\u200bia' holds U+200B ZERO WIDTH SPACE, which cannot be seen")
    elif where == "-P name":
        result, message = site.check("-P", "side\u200b=russia"), (
            "'side\\u200b' holds U+200B ZERO WIDTH SPACE, which cannot be seen: it would make a different parameter "
            "name that looks the same")
    else:
        config = site.write_config("briefings:\n  - name: bad\n    parameters:\n      \"side\u200b\": russia\n")
        result, message = site.check(config=config), (f"error: {config}, line 4, column 7: key 'side\\u200b' holds "
                                                       "U+200B ZERO WIDTH SPACE")
    site.assert_refused(result, message)


def test_data_lone_carriage_return_in_a_quoted_field(site):
    path = site.data / "headcount_claims.csv"
    set_cell(path, "H001", "note", "first-CR-second")
    text = path.read_text("utf-8")
    path.write_text(text.replace("first-CR-second", '"first\rsecond"'), "utf-8")  # quoted, in a file of LF line ends
    result = site.check()
    # 40 problems before, none naming the CR: now the one that does.
    site.assert_refused(result, "1 problem(s) in the data:", "headcount_claims.csv row 2, column note (value "
                                "'first\\rsecond'): holds a carriage return (CR) on its own, which the validator reads "
                                "as the end of the row; remove it")


def test_data_date_before_1900(site):
    set_cell(site.data / "headcount_claims.csv", "H002", "date_reported", "0001-01-01")  # accepted before
    site.assert_refused(site.check(), "headcount_claims.csv row 3, column date_reported (value '0001-01-01'): is "
                                      "before 1900-01-01, the earliest date any figure may have; check the year")


@pytest.mark.parametrize("content, message", [
    ("just some text", "is not a Jupyter notebook (not JSON: "),
    ('{"nbformat": 4, "cells": 5}', 'is not a Jupyter notebook ("cells" is not a list of code, markdown and raw cells)'),
    ('{"nbformat": 3, "worksheets": []}', 'is not a Jupyter notebook of format 4 (no "nbformat": 4)'),
])
def test_config_notebook_that_is_not_a_notebook(site, content, message):
    (site.root / "notebooks" / "notes.ipynb").write_text(content, "utf-8")  # failed only when run, before
    config = site.write_config("briefings:\n  - name: a\n    notebook: notebooks/notes.ipynb\n")
    site.assert_refused(site.check(config=config),
                        f"error: {config}, line 2: {site.root / 'notebooks' / 'notes.ipynb'}: {message}")


def test_env_a_locale_that_is_not_utf8_and_a_folder_name_that_is_not_ascii(site):
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    out = site.root / "rëports"  # UnicodeEncodeError and "--- Logging error ---" before
    result = subprocess.run([*BRIEFINGS, "build", "--config", str(site.config), "--data", str(site.data),
                             "--out", str(out), "-j", "1"], cwd=REPO, capture_output=True, timeout=600, env=env)
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 0, stderr
    assert "Logging error" not in stderr and "Traceback" not in stderr and f"index at {out}" in stderr
    assert (out / "ref" / "ref.html").is_file() and f"{out}" in (out / "build.log").read_text("utf-8")
    # A name that is not UTF-8 at all cannot go into the log or a notebook: refused at the edge.
    result = subprocess.run([*map(os.fsencode, BRIEFINGS), b"build", b"--out", os.fsencode(site.root) + b"/r\xebports"],
                            cwd=REPO, capture_output=True, timeout=120)
    assert result.returncode == 2 and b"is not UTF-8 text; name the file or folder in UTF-8" in result.stderr


# ------------------------------------------------------------------------------ the record trusted only for what the build makes

def test_own_make_clean_keeps_what_was_hand_added_to_the_record(site):
    (site.out / "mine.txt").write_text("mine")
    (site.out / "mine").mkdir()
    (site.out / "mine" / "notes.txt").write_text("mine")
    record = json.loads((site.out / RECORD).read_text())
    record["owned"] += ["mine.txt", "mine"]
    (site.out / RECORD).write_text(json.dumps(record))
    # The build will not replace the hand-listed folder either.
    config = site.write_config(briefing_with({}).replace("name: bad", "name: mine"))
    site.before = site.rendered()
    site.assert_refused(site.check("--force", config=config),
                        f"error: {site.out / 'mine'} is listed in {RECORD}, but it holds 'notes.txt', which the build "
                        "does not make (its files are named mine.* and mine-*); the build never replaces what it did "
                        "not make")
    result = make_clean(site, "out")  # deleted the user's file before
    assert result.returncode == 0, result.stderr
    assert (site.out / "mine.txt").read_text() == "mine" and (site.out / "mine" / "notes.txt").read_text() == "mine"
    assert "kept what the record lists but the build does not make: " in result.stderr
    assert "mine (it holds 'notes.txt', which the build does not make" in result.stderr
    assert "mine.txt (the build makes nothing of that name)" in result.stderr
    assert not (site.out / "ref").exists() and not (site.out / "index.html").exists()  # what the build made: gone


def test_own_empty_record(site, monkeypatch):
    out = fresh_out(site)
    (out / RECORD).write_text('{"owned": []}')  # it blamed itself: "… .briefings-owned.json exists but was not made"
    assert stub_build(site, monkeypatch, out=out).exit_code == 0
    assert {RECORD, "ref", "index.html"} <= set(json.loads((out / RECORD).read_text())["owned"])


def test_own_deleted_record_adopts_the_builds_own_staging_folder(site, monkeypatch):
    (site.out / RECORD).unlink()  # the build refused its own .briefings-staging afterwards
    assert (site.out / STAGING).is_dir()
    assert stub_build(site, monkeypatch).exit_code == 0
    assert STAGING in json.loads((site.out / RECORD).read_text())["owned"]


def test_own_index_that_became_a_folder(site):
    (site.out / "index.html").unlink()
    (site.out / "index.html").mkdir()
    site.before = site.rendered()
    # The briefing was swapped in, then writing the index failed, with "nothing already rendered was replaced".
    site.assert_refused(site.check("--force"), f"error: {site.out / 'index.html'} is listed in {RECORD}, but it is a "
                                               "folder; the build never replaces what it did not make")


@pytest.mark.parametrize("out", ["x'; touch {root}/injected; '", '$(touch {root}/injected)', "`touch {root}/injected`",
                                 'x"; touch {root}/injected; "'])
def test_own_make_clean_runs_nothing_written_into_out(site, out):
    result = make_clean(site, out.format(root=site.root))
    assert not (site.root / "injected").exists(), result.stderr  # make clean ran the injected command before
    # A folder of that odd name (nothing there), or, for $(…) which make itself expands to nothing, an empty OUT.
    assert result.returncode in (0, 2) and "Traceback" not in result.stderr
    assert "nothing of the build's was there" in result.stdout or "OUT is empty" in result.stderr
    site.assert_nothing_lost()


def test_env_nbstripout_filter_is_required(tmp_path):
    """`make venv` configures nbstripout as a required filter: committing an executed notebook without the
    filter's program (no .venv) fails instead of committing the outputs."""
    recipe = [line.strip().rstrip("\\").strip().rstrip(";") for line in (REPO / "Makefile").read_text().splitlines()
              if "git config filter.nbstripout" in line]
    assert "git config filter.nbstripout.required true" in recipe
    flags = re.search(r"^NBSTRIPOUT_FLAGS := (.*)$", (REPO / "Makefile").read_text(), re.M).group(1)
    executed = json.loads((REPO / "notebooks" / "briefing.ipynb").read_text("utf-8"))
    executed["cells"][2]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "an output\n"}]

    def commit(lines: list[str]) -> subprocess.CompletedProcess:
        repo = tmp_path / f"repo{len(lines)}"
        repo.mkdir()
        git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
        subprocess.run(git + ["init", "-q"], check=True)
        shutil.copy2(REPO / ".gitattributes", repo / ".gitattributes")
        for line in lines:  # as the Makefile runs them, in a clone without .venv
            subprocess.run(["sh", "-c", line.replace("$(NBSTRIPOUT_FLAGS)", flags)], cwd=repo, check=True)
        (repo / "executed.ipynb").write_text(json.dumps(executed), "utf-8")
        added = subprocess.run(git + ["add", "executed.ipynb"], capture_output=True, text=True)
        if added.returncode == 0:
            subprocess.run(git + ["commit", "-qm", "x"], check=True)
        return added

    refused = commit(recipe)
    assert refused.returncode != 0 and "nbstripout" in refused.stderr
    # The control: without `required`, git ignores the missing program and commits the outputs.
    accepted = commit([line for line in recipe if ".required" not in line])
    assert accepted.returncode == 0

# ============================================================================== issue 21 (third review round) and
# issue 16, helper P's part: whatever dies, what it started dies too and leaves nothing behind; timeout_seconds is
# the whole briefing's; a signal is one line; a Dask build never waits for ever.

def leftovers(tmp: Path) -> list[str]:
    """What the build's processes left in their TMPDIR: kernel folders (connection file with its key, sockets,
    log), workers' private folders, and any socket or connection file. The fork server's own folder of
    multiprocessing (``pymp-*``) is the standard library's, removed by the fork server itself."""
    found = []
    for path in sorted(tmp.rglob("*")):
        name = path.relative_to(tmp).as_posix()
        if name.startswith("pymp-"):  # Python 3.11's fork server listens on a file there (3.12: an abstract socket)
            continue
        if name.startswith("briefings-") or path.is_socket() or (path.suffix == ".json" and "kernel" in path.name):
            found.append(name)
    return found


def notebook_project(site, cells: list[str], timeout: int, name: str = "slow") -> Path:
    """A config running a notebook of ``cells`` (code) in the site's project, with ``timeout`` seconds."""
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, site.root / "notebooks" / f"{name}.ipynb")
    return site.write_config(f"defaults:\n  notebook: notebooks/{name}.ipynb\n  formats: [html]\n"
                             f"  timeout_seconds: {timeout}\nbriefings:\n  - name: {name}\n", name="slow.yml")


def test_timeout_limits_the_whole_briefing_not_each_cell(site):
    # Four cells of 1.5 s each: no cell reaches the 3 s timeout, the briefing does (it ran for 6 s before).
    config = notebook_project(site, ["import time\ntime.sleep(1.5)"] * 4, timeout=3)
    result = site.build("--config", config)
    assert result.returncode == 1, result.stderr
    assert "slow: FAILED after" in result.stderr
    assert "Timeout: the briefing ran longer than its timeout_seconds (3 s) and was stopped" in result.stderr
    assert "Traceback" not in result.stderr
    assert (site.out / "slow" / "failed" / "error.txt").read_text().startswith("Timeout: ")
    assert site.rendered()["ref/ref.html"] == site.before["ref/ref.html"]


def test_a_notebook_child_started_with_setsid_dies_at_the_timeout(site):
    marker = f"BRIEFINGS_TEST_CHILD={os.getpid()}-{time.time_ns()}"
    key, value = marker.split("=")
    config = notebook_project(site, ["import subprocess\nsubprocess.Popen(['setsid', 'sleep', '300'])",
                                     "import time\ntime.sleep(60)"], timeout=4)
    result = run_briefings("build", "--config", config, "--data", site.data, "--out", site.out, "-j", "1",
                           env={key: value})
    assert result.returncode == 1, result.stderr
    assert "Timeout: the briefing ran longer than its timeout_seconds (4 s)" in result.stderr
    deadline = time.monotonic() + 10
    while processes_marked(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_marked(marker) == []  # the `setsid sleep 300` too (it outlived the kernel before)


@pytest.mark.parametrize("signum, code, whole_group", [(signal.SIGINT, 130, True), (signal.SIGTERM, 143, False)],
                         ids=["SIGINT", "SIGTERM"])
def test_signal_with_many_briefings_queued_is_one_line_and_leaves_nothing_running(site, signum, code, whole_group,
                                                                                   short_tmp):
    # 40 briefings queued behind the one running: cancelling them made Python's process pool raise
    # InvalidStateError in its own thread (a traceback after the prompt), and kernels printed
    # "Parent appears to have exited" after it.
    entries = "".join(f"  - name: q{number:02d}\n    parameters: {{focus: headcounts}}\n" for number in range(40))
    config = site.write_config(f"defaults:\n  notebook: notebooks/briefing.ipynb\n  formats: [html]\n"
                               f"briefings:\n{entries}", name="queued.yml")
    marker = f"BRIEFINGS_TEST_RUN={os.getpid()}-{time.time_ns()}"
    key, value = marker.split("=")
    os.environ[key] = value
    try:
        result = interrupt_mid_build(site, signum, whole_group, short_tmp, config=config)
    finally:
        del os.environ[key]
    assert result.returncode == code, result.stderr
    assert result.stderr.count("Traceback") == 0 and "InvalidStateError" not in result.stderr, result.stderr
    assert "Parent appears to have exited" not in result.stderr
    assert f"interrupted by {signal.Signals(signum).name}: staging folders removed" in result.stderr
    deadline = time.monotonic() + 10
    while processes_marked(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_marked(marker) == []
    assert leftovers(short_tmp) == []
    # Nothing rendered changed and no queued briefing left a folder; the record lists the names it reserved.
    assert {k: v for k, v in site.rendered().items() if k != RECORD} == \
        {k: v for k, v in site.before.items() if k != RECORD}
    assert list((site.out / STAGING).iterdir()) == [] and (site.out / LOCK).read_text() == ""


def test_kill_9_of_preview_during_a_rebuild_leaves_nothing_running(site, short_tmp):
    marker = f"BRIEFINGS_TEST_RUN={os.getpid()}-{time.time_ns()}"
    key, value = marker.split("=")
    tmp, preview_out = short_tmp, site.root / ".preview"
    process = subprocess.Popen(BRIEFINGS + ["preview", "ref", "--config", str(site.config), "--data", str(site.data),
                                            "--out", str(preview_out)], cwd=site.root, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, start_new_session=True,
                               env={**os.environ, key: value, "TMPDIR": str(tmp)})
    try:
        assert process.stdout.readline().startswith("serving http://127.0.0.1:")  # the first build is done
        config = site.config.read_text("utf-8")
        site.config.write_text(config.replace("Reference briefing", "Reference briefing, again"), "utf-8")
        deadline = time.monotonic() + 120
        while not executing(tmp):  # the rebuild's worker runs the notebook
            assert process.poll() is None and time.monotonic() < deadline, "the rebuild never started"
            time.sleep(0.05)
        process.kill()  # the preview alone, as the OOM killer or `kill -9` would
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
    deadline = time.monotonic() + 20
    while processes_marked(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_marked(marker) == []  # its build, the build's worker and the worker's kernel
    assert leftovers(tmp) == []
    page = preview_out / "ref" / "ref.html"
    shown = page.read_bytes()
    time.sleep(3)
    assert page.read_bytes() == shown and b"Reference briefing, again" not in shown  # nothing wrote it later


def test_dask_scheduler_that_is_not_an_address(site):
    result = site.check("--force", "--dask-scheduler", "garbage")
    assert result.returncode == 2, result.stderr
    assert ("error: --dask-scheduler garbage: not a scheduler address (missing port number in address 'garbage'); "
            "write it as tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786") in result.stderr
    site.assert_nothing_lost()


def test_dask_scheduler_without_workers_fails_after_the_timeout_naming_it(site, tmp_path):
    folder = tmp_path / "scheduler"
    folder.mkdir()
    scheduler = subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", "0",
                                  "--no-dashboard", "--scheduler-file", str(folder / "address.json")], cwd=folder,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not (folder / "address.json").is_file() or not (folder / "address.json").read_text().strip():
            assert scheduler.poll() is None and time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.2)
        address = json.loads((folder / "address.json").read_text())["address"]
        started = time.monotonic()
        result = site.build("--force", "--dask-scheduler", address, "--dask-timeout", "2")
        waited = time.monotonic() - started
    finally:
        os.killpg(scheduler.pid, signal.SIGTERM)
        scheduler.wait(30)
    site.assert_refused(result, f"error: --dask-scheduler {address}: no worker joined the scheduler within 2 s; "
                                f"start workers with `dask worker {address}`")
    assert waited < 60  # bounded: it waited 180 s and more before
