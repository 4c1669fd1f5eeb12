"""End to end: a real briefing built from the real data, read back as a reader gets it."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from helpers import REPO, run_briefings
from pypdf import PdfReader

# Builds real briefings and reads the PDF back.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def march_briefing(tmp_path_factory):
    """The 'as of 2022-03-31' briefing, built with the real command into a temporary folder."""
    root = tmp_path_factory.mktemp("e2e")
    config = root / "reports.yml"
    config.write_text(
        "defaults:\n  notebook: " + str(REPO / "notebooks" / "briefing.ipynb") + "\n  formats: [html, pdf]\n"
        "briefings:\n  - name: march\n    parameters:\n      title: End of March 2022\n      as_of: '2022-03-31'\n"
        "  - name: syria\n    parameters:\n      title: Syrian recruits\n      origins: [Syria]\n",
        "utf-8")
    result = run_briefings("build", "--config", config, "--out", root / "out")
    assert result.returncode == 0, result.stderr
    return root / "out" / "march"


@pytest.fixture(scope="module")
def syria_briefing(march_briefing):
    """A focused briefing (one origin), built in the same run as the March one."""
    return march_briefing.parent / "syria"


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_pdf_states_the_key_figures(march_briefing):
    text = pdf_text(march_briefing / "march.pdf")
    # SOHR: "more than 40,000" signed up -> 40,000+
    assert "40,000+" in text
    # Deir Ezzor 24: $200 to $300 a month
    assert "$200–300" in text
    # 40,000 × $200 × 6 = $48,000,000 and 40,000 × $300 × 6 = $72,000,000, open above ('+')
    assert "$48M–72M+" in text
    # The as-of date, the marking and page numbering reach every reader.
    assert "31 March 2022" in text and "OPEN SOURCE" in text and "Page 1 of" in text
    # Nothing reported after the as-of date: SOHR's ~50,000 of late 2022 must not appear.
    assert "50,000" not in text


def test_pdf_metadata(march_briefing):
    reader = PdfReader(march_briefing / "march.pdf")
    assert reader.metadata.title == "End of March 2022"
    assert "31 Mar 2022" in reader.metadata.subject


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_html_holds_no_code_and_is_self_contained(march_briefing):
    html = (march_briefing / "march.html").read_text("utf-8")
    parser = _Collector()
    parser.feed(html)
    text = "".join(parser.text)
    for code in ("Briefing.from_parameters", "parameters_from_namespace", "briefing.headcounts()",
                 "as_of = ", "import "):
        assert code not in text
    assert not any(tag == "script" for tag, _ in parser.tags)
    # Self-contained: no external stylesheet, image or frame.
    assert not any(tag in ("link", "iframe") or (tag == "img" and not attrs.get("src", "").startswith("data:"))
                   for tag, attrs in parser.tags)
    # Charts as vectors: SVG in an <img> data URL, with alt text stating the finding.
    assert any(tag == "img" and attrs.get("src", "").startswith("data:image/svg+xml;base64,") and attrs.get("alt")
               for tag, attrs in parser.tags)
    assert any(tag == "nav" for tag, _ in parser.tags)  # table of contents


def test_pdf_exporter_works_through_nbconvert_entry_point(march_briefing, tmp_path):
    executed = march_briefing / "march.ipynb"
    result = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "briefing_pdf",
                             "--output-dir", str(tmp_path), str(executed)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "40,000+" in pdf_text(tmp_path / "march.pdf")


def papermill(tmp_path, *parameters):
    return subprocess.run([sys.executable, "-m", "papermill", str(REPO / "notebooks" / "briefing.ipynb"),
                           str(tmp_path / "out.ipynb"), "--no-progress-bar", *parameters],
                          capture_output=True, text=True, timeout=300)


def test_plain_papermill_runs_the_notebook_with_parameters(tmp_path):
    result = papermill(tmp_path, "-p", "as_of", "2022-03-31", "-p", "side", "russia")
    assert result.returncode == 0, result.stderr
    assert "40,000+" in (tmp_path / "out.ipynb").read_text("utf-8")


def test_bad_parameter_value_fails_with_the_allowed_values(tmp_path):
    result = papermill(tmp_path, "-p", "side", "mars")
    assert result.returncode != 0
    assert "parameter 'side' must be one of: both, russia, ukraine; got 'mars'" in result.stderr


def test_unknown_parameter_is_refused_not_silently_added(tmp_path):
    result = papermill(tmp_path, "-p", "sidee", "russia")
    assert result.returncode != 0
    assert "unknown parameter(s) 'sidee'" in result.stderr and "allowed: title, side" in result.stderr


#: Row ids as the data package writes them (claims H001, offers P001, wages W001, rates X001, ...).
ROW_ID = re.compile(r"\b[CHPWXS]\d{3}\b")


def _pages(path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def _appendix_page(pages) -> int:
    """Index (from 0) of the page where the appendix starts."""
    return next(i for i, text in enumerate(pages) if "Appendix: references and method" in text)


@pytest.mark.parametrize("name, limit", [("march", 6), ("syria", 4)])
def test_page_one_then_a_short_body_then_the_appendix(march_briefing, name, limit):
    # The March briefing has every side, origin and topic: the overview's 6 body pages; Syria is focused: 4.
    pages = _pages(march_briefing.parent / name / f"{name}.pdf")
    assert "Key judgements" in pages[0] and "What changed" in pages[0]
    body = _appendix_page(pages) - 1  # pages after page 1, before the appendix
    assert 1 <= body <= limit, f"{name}: {body} body pages"


@pytest.mark.parametrize("name", ["march", "syria"])
def test_no_row_id_in_the_body(march_briefing, name):
    pages = _pages(march_briefing.parent / name / f"{name}.pdf")
    body = "\n".join(pages[:_appendix_page(pages)])
    assert not ROW_ID.findall(body)
    # ... while the appendix lists them, so the reference leads somewhere.
    assert ROW_ID.findall("\n".join(pages[_appendix_page(pages):]))


def _link_targets(reader, page) -> list[int]:
    """Indexes (from 0) of the pages the internal links on ``page`` jump to, in order."""
    numbers = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    targets = []
    for annotation in page.get("/Annots", []):
        annotation = annotation.get_object()
        destination = annotation.get("/Dest")
        destination = destination.get_object() if hasattr(destination, "get_object") else destination
        if annotation.get("/Subtype") == "/Link" and isinstance(destination, list):
            targets.append(numbers[destination[0].idnum])
    return targets


def test_a_figure_on_page_one_links_to_its_rows_and_their_source(syria_briefing):
    reader = PdfReader(syria_briefing / "syria.pdf")
    pages = [page.extract_text() for page in reader.pages]
    appendix = _appendix_page(pages)
    sources = max(i for i, text in enumerate(pages) if re.search(r"^Sources$", text, re.MULTILINE))
    # Page 1's first reference ([1]) leads into the appendix's references...
    first = _link_targets(reader, reader.pages[0])[0]
    assert appendix <= first < sources
    # ... whose page names its row (H0xx and the like) and links onward to that row and to a source.
    assert ROW_ID.search(pages[first])
    onward = set(_link_targets(reader, reader.pages[first]))
    assert any(t >= sources for t in onward), onward
    assert any(appendix <= t < sources and ROW_ID.search(pages[t]) for t in onward), onward


def test_each_briefing_folder_holds_its_figures_as_a_csv_safe_for_spreadsheets(tmp_path):
    # A claim whose text starts like a formula: a spreadsheet opening the CSV must show it as text.
    import csv as csv_module

    from helpers import copy_inputs, write_config

    root = copy_inputs(tmp_path)
    claims = root / "data" / "headcount_claims.csv"
    with claims.open(newline="", encoding="utf-8") as handle:
        rows = list(csv_module.reader(handle))
    detail = rows[0].index("stage_detail")
    hostile = '=HYPERLINK("http://example.invalid","click")'
    for row in rows[1:]:
        if row[0] == "H037":  # SOHR's about 50,000 Syrians signed up: cited in a Syria briefing's body
            row[detail] = hostile
    with claims.open("w", newline="", encoding="utf-8") as handle:
        csv_module.writer(handle).writerows(rows)
    config = write_config(root, [{"name": "syria", "parameters": {"origins": ["Syria"]}}])
    result = run_briefings("build", "--config", config, "--out", root / "out", cwd=root)
    assert result.returncode == 0, result.stderr
    folder = root / "out" / "syria"
    with (folder / "syria-figures.csv").open(newline="", encoding="utf-8") as handle:
        table = list(csv_module.DictReader(handle))
    assert table and {"ref", "figure", "low", "high", "unit", "rows"} <= set(table[0])
    # Every cell a spreadsheet would read as a formula is neutralised with a leading apostrophe.
    for row in table:
        for value in row.values():
            assert not value.startswith(("=", "+", "@")), value
    # In "How many", H037's figure is described by its own text (elsewhere, by our words for its use).
    cited = [row for row in table if row["rows"].split()[:1] == ["H037"] and row["section"] == "Headcounts"]
    assert cited and all(row["what"] == "'" + hostile for row in cited)
    # The 50,000 figure with its range: 'about 50,000' read as ±10% is 45,000 to 55,000 people.
    assert any(row["figure"] == "about 50,000" and float(row["low"]) == 45000 and float(row["high"]) == 55000
               and row["unit"] == "people" for row in cited)
    # The HTML links the CSV.
    assert 'href="syria-figures.csv"' in (folder / "syria.html").read_text("utf-8")
