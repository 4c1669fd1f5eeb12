"""The page limits of issue 18 and the appendix as references: every briefing of the default set,
rendered as a reader gets it (HTML and the Typst PDF), read back.

Each briefing is made in this process (the notebook's calls, in the notebook's order, then the
exporters), not through papermill: the same sections, templates and exporters a build uses, in a
fraction of the time. The build itself is covered by tests/test_end_to_end.py.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import nbformat
import pytest
from helpers import DEFAULT_BRIEFINGS, REPO
from pypdf import PdfReader

from briefings.briefing import Briefing
from briefings.rendering import render_briefing

ENTRIES = DEFAULT_BRIEFINGS
#: Issue 18: the overview (every side, origin and topic, to date or as of a recent day) runs to 14
#: pages at most; every other briefing of the default set to 10.
OVERVIEWS = {"overview", "as-of-2026-12-07"}
#: Still over issue 18's limit, with the pages it has now (so it cannot grow unnoticed): Russia's
#: recruits cite 75 rows and three charts that each need most of a page (open: see the issue).
STILL_OVER = {"russia-paid-recruits": 11}
ROW_ID = re.compile(r"^([CHPWX]\d{3})\b")


def _notebook(briefing: Briefing, parameters: dict) -> nbformat.NotebookNode:
    """An executed briefing notebook: one cell per section call, each with its output."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"parameters": parameters}
    for call in Briefing.SECTIONS:
        shown = getattr(briefing, call)()
        cell = nbformat.v4.new_code_cell(f"briefing.{call}()")
        if shown is not None:
            bundle = (shown._repr_mimebundle_() if hasattr(shown, "_repr_mimebundle_")
                      else {"text/html": shown._repr_html_()})
            cell.outputs = [nbformat.v4.new_output("display_data", data=bundle)]
        nb.cells.append(cell)
    return nb


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """name -> (briefing, {"html": path, "pdf": path, ...}), made once per name on first use."""
    made = {}

    def render(name: str):
        if name not in made:
            parameters = ENTRIES[name]
            briefing = Briefing.from_parameters(**parameters)
            nb = _notebook(briefing, parameters)
            made[name] = briefing, render_briefing(nb, tmp_path_factory.mktemp(name), name)
        return made[name]

    return render


def _pages(path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_page_limits_and_page_one(rendered, name):
    _, written = rendered(name)
    pages = _pages(written["pdf"])
    limit = STILL_OVER.get(name, 14 if name in OVERVIEWS else 10)
    assert len(pages) <= limit, f"{name}: {len(pages)} pages, more than {limit}"
    # Page 1 holds the key judgements and, whole, what changed (the box is never split).
    assert "Key judgements" in pages[0] and "What changed" in pages[0], name
    assert "What changed" not in "\n".join(pages[1:]), name


@pytest.mark.parametrize("name", ["overview", "russia-paid-recruits", "as-of-2022-03-31"])
def test_each_cited_row_is_printed_once_and_leads_to_the_annex(rendered, name):
    briefing, written = rendered(name)
    cited = list(dict.fromkeys(i for _, ids in briefing.refs.entries() for i in ids))
    assert len(cited) > 10, name  # the test means something only with many rows cited
    rates = set(briefing.rates_used["rate_id"])
    html = written["html"].read_text("utf-8")
    for row in cited:
        # One line per row in the HTML, whose id links to the row in the data annex...
        # (an exchange rate's line is its row in the table of rates used, printed there only).
        assert html.count(f'id="row-{row}"') == 1, row
        element = "tr" if row in rates else "p"
        line = re.search(rf'<{element}[^>]* id="row-{row}">(.*?)</{element}>', html, re.S)
        assert line and f'href="../annex/annex.html#row-{row}"' in line.group(1), row
    # ... and in the PDF: between "Rows cited" and the next heading, each row starts one line.
    text = "\n".join(_pages(written["pdf"]))
    start = text.index("Rows cited")
    end = min(i for i in (text.find(h, start) for h in ("Art. 47(2), condition by condition",
                                                         "How figures changed over time")) if i > 0)
    starts = Counter(m.group(1) for line in text[start:end].splitlines() if (m := ROW_ID.match(line.strip())))
    assert set(starts) == set(cited) - rates, set(starts) ^ (set(cited) - rates)
    assert max(starts.values()) == 1, [r for r, n in starts.items() if n > 1]
    # The rates cited: each once, in the table of rates used.
    table = text[text.index("Exchange rates used"):text.index("Method", text.index("Exchange rates used"))] \
        if rates else ""
    in_table = Counter(m.group(1) for line in table.splitlines() if (m := ROW_ID.match(line.strip())))
    assert all(in_table[r] == 1 for r in set(cited) & rates), in_table
    # H037 (the 40,000+ Syrians) is cited by several figures of the overview: once in the rows.
    if name == "overview":
        assert sum(1 for _, ids in briefing.refs.entries() if "H037" in ids) > 1
        assert starts["H037"] == 1


def test_the_pdf_links_cited_rows_to_the_annex_pdf(rendered):
    _, written = rendered("north-korea")
    uris = [a.get_object()["/A"].get("/URI") for page in PdfReader(written["pdf"]).pages
            for a in page.get("/Annots", []) if a.get_object().get("/A") is not None]
    annex = [u for u in uris if u and u.startswith("../annex/annex.pdf#row-")]
    assert annex and all(ROW_ID.match(u.split("#row-")[1]) for u in annex), uris


def test_sources_are_those_of_the_rows_printed(rendered):
    briefing, written = rendered("north-korea")
    from briefings.sections.appendix import cited_sources

    listed = cited_sources(briefing)
    every = set(briefing.all_claims["source_id"]) | set(briefing.offers["source_id"])
    # A focused briefing cites fewer rows than it holds, so some of its sources are not listed.
    assert set(listed) < every | set(briefing.rates_used["source_id"])
    html = written["html"].read_text("utf-8")
    assert len(re.findall(r'<li id="source-\d+"', html)) == len(listed)


#: The reader's two screens: a phone and a laptop (CSS pixels).
SCREEN_WIDTHS = (390, 1280)


def _page_overflow(paths, width: int) -> dict[str, int]:
    """For each HTML page, how many CSS pixels the page is wider than a ``width``-pixel window
    (0: nothing makes the reader scroll sideways; a wide table scrolls in its own box)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu"], headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            found = {}
            for name, path in paths.items():
                page.goto(path.as_uri())
                found[name] = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            return found
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width", SCREEN_WIDTHS)
def test_no_page_is_wider_than_a_phone_or_a_laptop_screen(rendered, tmp_path, width):
    """Every briefing of the default set and the data annex, at 390 and 1280 px in Chromium: no
    horizontal overflow (the drive-cost table overran 1280 px by 21 px; the annex's long source
    addresses overran 390 px by 50 px)."""
    import datetime as dt

    from analysis.loading import load_data
    from briefings import annex

    if not Path("/usr/bin/chromium").exists():
        pytest.fail("no /usr/bin/chromium: .ci/run installs the Debian package 'chromium'")
    paths = {name: rendered(name)[1]["html"] for name in sorted(ENTRIES)}
    data = load_data(REPO / "data")
    written = annex.render(data, data_version=data.version, formats=("html",),
                           generated=dt.datetime(2026, 12, 8, tzinfo=dt.timezone.utc))
    paths["annex"] = tmp_path / "annex.html"
    paths["annex"].write_bytes(written["annex.html"])
    assert {name: px for name, px in _page_overflow(paths, width).items() if px > 0} == {}
