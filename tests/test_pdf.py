"""Tests for briefings.pdf: the Typst document made from the sections' view-models.

Text from the data reaches Typst as JSON and is placed as text, never parsed: every character
Typst's markup or code gives a meaning to prints as itself.
"""

from __future__ import annotations

import io

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from briefings import pdf
from briefings.rendering import META_MIMETYPE, BriefingPDFExporter
from briefings.tables import Html
from briefings.viewmodel import SECTION_MIMETYPE, Section, to_json

pypdf = pytest.importorskip("pypdf")

#: Every character Typst's markup, code or maths gives a meaning to, and whole Typst expressions
#: that would read a file, stop the compiler, import a package or open a comment if parsed.
HOSTILE = ['#panic("boom")', '#read("/etc/passwd")', '#import "@preview/x:0.1.0": *', "]", "[", "*bold*",
           "_under_", "@ref-1", "<label>", "$x^2$", "back\\slash", "`raw`", "// not a comment",
           "/* nor this */", "= not a heading", "- not a list", "~tilde", "#{1 + 1}", "'quotes\"", "{brace}"]


def meta(**overrides):
    values = {"title": "Hostile briefing", "subject": "Subject", "as_of": "2022-03-31", "marking": "OPEN SOURCE",
              "generated": "2022-04-02T09:15:00+00:00", "data_version": "abc123", "author": "Desk"}
    values.update(overrides)
    return values


def notebook(outputs, cells=()):
    nb = new_notebook()
    nb.cells = [new_code_cell("briefing.header()", outputs=[new_output("display_data", data={
        "text/html": "<p>header</p>", META_MIMETYPE: meta()})]), *cells,
        new_code_cell("x", outputs=outputs)]
    return nb


def section_output(section: Section):
    return new_output("display_data", data=section._repr_mimebundle_())


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def squeeze(text: str) -> str:
    """The text with no whitespace and no break opportunities, for comparing across line breaks."""
    # PDFium reads a hyphen that ends a line as U+0002.
    return "".join(text.replace(pdf.ZWSP, "").replace("\x02", "-").split())


def export(nb) -> bytes:
    data, _ = BriefingPDFExporter().from_notebook_node(nb, resources={"metadata": {"name": "t"}})
    return data


def test_hostile_text_in_a_view_model_prints_as_itself():
    # The sources section's view-model, every text field hostile: each string is in the PDF.
    items = [{"number": n + 1, "outlet": s, "via": s, "title": s, "published": "1 Mar 2022", "accessed": "2 Mar 2022",
              "reliability": "B", "reason": s, "url": s, "linkable": False} for n, s in enumerate(HOSTILE)]
    data = export(notebook([section_output(Section("<p>html</p>", "sources", {"items": items}))]))
    text = squeeze(pdf_text(data))
    for s in HOSTILE:
        assert squeeze(s) in text, s
    assert "root:" not in text  # /etc/passwd was not read


def test_hostile_text_in_meta_markdown_and_foreign_html_prints_as_itself():
    hostile = " ".join(HOSTILE)
    nb = notebook([new_output("display_data", data={"text/html": f"<p>{Html(hostile).markup}</p>"})],
                  cells=[new_markdown_cell("Markdown: " + hostile.replace("*", "\\*").replace("_", "\\_")
                                           .replace("`", "\\`").replace("<", "&lt;").replace("[", "\\["))])
    nb.cells[0].outputs[0].data[META_MIMETYPE] = meta(title=hostile, marking=hostile[:80], data_version=hostile)
    text = squeeze(pdf_text(export(nb)))
    for s in HOSTILE:
        assert text.count(squeeze(s)) >= 3, s  # title, Markdown cell, HTML output (and margins)


def test_bidi_overrides_are_dropped_and_long_runs_break():
    # An unclosed right-to-left override cannot reverse the words after it; a 10,000-character
    # run wraps inside the page instead of running off it.
    assert pdf.print_text("Ali\u202e evil") == "Ali evil"
    long = pdf.print_text("x" * 100)
    assert long.replace(pdf.ZWSP, "") == "x" * 100 and long.count(pdf.ZWSP) == 4
    assert pdf.print_text("a  b\n\tc") == "a b c"
    assert pdf.print_text("a\x00b\x1b") == "ab"
    data = export(notebook([section_output(Section("", "sources", {"items": [{
        "number": 1, "outlet": "W" * 10_000, "via": "\u202eright to left", "title": "t", "published": "p",
        "accessed": "a", "reliability": "B", "reason": "r", "url": "u", "linkable": False}]}))]))
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = pdf_text(data)
    assert "right to left" in text
    # Every line of the Ws fits the text width: none is longer than a line of 9 pt bold Ws can be.
    lines = [line for line in text.splitlines() if line.startswith("WWW")]
    assert len(lines) > 50 and all(len(line.replace(pdf.ZWSP, "")) < 80 for line in lines)
    assert len(reader.pages) > 1


def test_html_to_rich_keeps_meaning_and_drops_layout():
    nodes = pdf.html_to_rich('<h2 id="a">Head <a class="anchor-link" href="#a">¶</a></h2>'
                             '<p class="source-note" style="color:red">Note <a href="#ref-3" class="ref">[3]</a> '
                             '<a href="https://example.org/x">site</a> <a href="file:///etc/passwd">local</a></p>'
                             '<ol><li id="ref-3" value="3">three</li></ol>'
                             '<table><thead><tr><th>A</th><th class="num">N</th></tr></thead>'
                             '<tbody><tr id="row-H1"><td colspan="2">x</td></tr></tbody></table>')
    heading, paragraph, listing, table = nodes
    assert heading["t"] == "h" and heading["l"] == 2 and heading["id"] == "a"
    assert paragraph["cls"] == ["source-note"]
    links = [n for n in paragraph["c"] if isinstance(n, dict)]
    assert links[0] == {"t": "s", "cls": ["ref"], "c": [{"t": "a", "to": "ref-3", "c": ["[3]"]}]}
    assert links[1] == {"t": "a", "url": "https://example.org/x", "c": ["site"]}
    assert "local" in paragraph["c"][-1]  # a file: link keeps its text, loses its target
    assert listing["numbers"] == [3] and listing["ids"] == ["ref-3"]
    assert table["head"][0][1] == {"c": ["N"], "th": True, "num": True, "span": 1}
    assert table["body"][0][0]["span"] == 2 and table["ids"] == ["row-H1"]


def test_view_models_travel_as_json_with_our_markup_and_charts_marked():
    from briefings.charts import Chart

    chart = Chart("Finding", "<svg xmlns='http://www.w3.org/2000/svg'/>", "alt text", "note")
    view = {"ref": Html('<a href="#ref-1" class="ref">[1]</a>'), "chart": chart, "pair": ("a", 1),
            "nan": float("nan")}
    assert to_json(view) == {"ref": {"$html": '<a href="#ref-1" class="ref">[1]</a>'},
                             "chart": {"$chart": {"title": "Finding", "svg": chart.svg, "alt": "alt text",
                                                  "note": "note"}},
                             "pair": ["a", 1], "nan": None}
    bundle = Section("<p>x</p>", "law", {"rows": [], "threshold": "1.5"})._repr_mimebundle_()
    assert bundle[SECTION_MIMETYPE] == {"section": "law", "view": {"rows": [], "threshold": "1.5"}}
    assert "<p>x</p>" in bundle["text/html"]


def test_a_section_without_a_typst_template_falls_back_to_its_html():
    data = export(notebook([new_output("display_data", data={
        "text/html": "<h2 id='new'>A new section</h2><p>Its words</p>",
        SECTION_MIMETYPE: {"section": "not-a-template/../../x", "view": {"a": 1}}})]))
    assert "A new section" in pdf_text(data) and "Its words" in pdf_text(data)


def test_a_chart_svg_with_a_file_reference_is_sanitised():
    # A forged section output cannot make the PDF read a local file through the chart's SVG.
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
           '<image href="/etc/passwd" width="10" height="10"/><use xlink:href="#a"/><rect id="a" width="5" height="5"/>'
           '</svg>')
    view = {"empty": "", "chart": {"$chart": {"title": "T", "svg": svg, "alt": "A", "note": "N"}}}
    prepared = pdf.prepare(view)
    assert "/etc/passwd" not in prepared["chart"]["svg"] and 'xlink:href="#a"' in prepared["chart"]["svg"]
    assert prepared["chart"]["svg"].startswith('<svg xmlns')
    data = export(notebook([new_output("display_data", data={"text/html": "",
                                                             SECTION_MIMETYPE: {"section": "origins", "view": view}})]))
    assert "Where recruits come from" in pdf_text(data)


# ---- the PDF says what the HTML says ---------------------------------------------------------


@pytest.fixture(scope="module")
def executed_briefing(default_briefing_executed):
    """The default briefing (every section), executed once per test run (conftest.py)."""
    import nbformat

    return nbformat.read(default_briefing_executed, as_version=4)


class _Blocks(__import__("html.parser").parser.HTMLParser):
    """The text of each innermost block (paragraph, list item, cell, heading, caption) of a fragment."""

    BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "caption", "figcaption", "dt", "dd"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.stack = [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.stack.append([])

    def handle_endtag(self, tag):
        if tag in self.BLOCKS and self.stack:
            text = "".join(self.stack.pop())
            if self.stack:
                self.stack[-1].append(text)
            self.blocks.append(text)

    def handle_data(self, data):
        if self.stack:
            self.stack[-1].append(data)


@pytest.mark.slow
def test_every_block_of_every_section_s_html_is_in_the_pdf(executed_briefing):
    """The two templates of a section (HTML and Typst) say the same: the text of each paragraph,
    list item, table cell, heading and caption of each section's HTML is in the PDF's body text.
    (A word changed in one template and not the other fails here.)"""
    import pypdfium2 as pdfium

    data = export(executed_briefing)
    document = pdfium.PdfDocument(data)
    margin = 17 * 72 / 25.4  # the running header and footer sit in the top and bottom margins (18-19 mm)
    body = "".join(squeeze(page.get_textpage().get_text_bounded(0, margin, page.get_size()[0],
                                                                page.get_size()[1] - margin))
                   for page in document)
    checked, missing = 0, []
    for cell in executed_briefing.cells:
        for output in cell.get("outputs", []):
            if SECTION_MIMETYPE not in output.get("data", {}):
                continue
            parser = _Blocks()
            parser.feed(output["data"]["text/html"])
            for block in parser.blocks:
                text = squeeze(block)
                if text:
                    checked += 1
                    if text not in body:
                        missing.append(f"{output['data'][SECTION_MIMETYPE]['section']}: {block.strip()[:120]!r}")
    assert checked > 300
    assert not missing, f"{len(missing)} of {checked} HTML blocks not in the PDF:\n" + "\n".join(missing[:15])
