"""End to end: a real briefing built from the real data, read back as a reader gets it."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser

import pytest
from helpers import REPO, run_briefings
from pypdf import PdfReader


@pytest.fixture(scope="module")
def march_briefing(tmp_path_factory):
    """The 'as of 2022-03-31' briefing, built with the real command into a temporary folder."""
    root = tmp_path_factory.mktemp("e2e")
    config = root / "reports.yml"
    config.write_text(
        "defaults:\n  notebook: " + str(REPO / "notebooks" / "briefing.ipynb") + "\n  formats: [html, pdf]\n"
        "briefings:\n  - name: march\n    parameters:\n      title: End of March 2022\n      as_of: '2022-03-31'\n",
        "utf-8")
    result = run_briefings("build", "--config", config, "--out", root / "out")
    assert result.returncode == 0, result.stderr
    return root / "out" / "march"


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
