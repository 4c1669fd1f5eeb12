"""Tests for briefings.rendering: what a reader of the HTML/PDF briefing gets."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from briefings import rendering
from briefings.notebook_css import scoped_css
from briefings.tables import NOTEBOOK_STYLE_CLASS, Html
from briefings.rendering import META_MIMETYPE, BriefingHTMLExporter, render_briefing

pypdf = pytest.importorskip("pypdf")

TITLE = "Foreign recruitment: headcounts and pay"
INJECTED = 'as_of = "2022-03-31"'
PARAM_LINE = 'marking = "DEFAULT MARKING FROM PARAMETERS"'
CODE_LINE = "secret_code_line = compute_headcounts(frame)"
STDOUT = "DEBUG-STDOUT-NOISE"
STDERR = "WARNING-STDERR-NOISE"
TRACEBACK = "TRACEBACK-LINE-XYZ"
PLAIN_REPR = "PLAIN-REPR-OF-A-DATAFRAME"

SVG = """<?xml version="1.0" encoding="utf-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" width="460.8pt" height="200pt" viewBox="0 0 460.8 200">
 <rect x="20" y="40" width="120" height="150" fill="#4a6f8a"/>
 <rect x="170" y="150" width="120" height="40" fill="#4a6f8a"/>
 <text x="20" y="20" font-size="14">Headcount by stage</text>
</svg>
"""
# 1x1 transparent PNG
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="


def meta(**overrides):
    m = {
        "title": TITLE,
        "subject": "How many signed up, how many arrived, what they were paid.",
        "as_of": "2022-03-31",
        "marking": "OPEN SOURCE",
        "generated": "2022-04-02T09:15:00+00:00",
        "data_version": "a1b2c3d",
        "author": "Analysis desk",
    }
    m.update(overrides)
    return m


def make_nb(meta_bundle: dict | None = None) -> nbformat.NotebookNode:
    """Return a small notebook shaped like a papermill-executed briefing."""
    table = (
        '<section class="briefing-section"><h2 id="headcounts">Headcounts by side</h2>'
        '<table class="briefing-table"><caption>Claimed headcounts</caption>'
        '<thead><tr><th>Side</th><th class="num">Low</th><th class="num">High</th></tr></thead>'
        '<tbody><tr><td>A</td><td class="num">1,000</td><td class="num">3,000</td></tr>'
        '</tbody></table><p class="source-note">Source: [1]</p></section>'
    )
    header_outputs = []
    if meta_bundle is not None:
        header_outputs.append(new_output("display_data", data={
            "text/html": "<p>NOTEBOOK-SIDE-HEADER</p>", META_MIMETYPE: meta_bundle}))
    nb = new_notebook()
    nb.cells = [
        new_code_cell(PARAM_LINE, metadata={"tags": ["parameters"]},
                      outputs=[new_output("stream", name="stdout", text="PARAM-OUTPUT\n")]),
        new_code_cell(INJECTED, metadata={"tags": ["injected-parameters"]}),
        new_code_cell("show_header(meta)", outputs=header_outputs),
        new_markdown_cell("## Method note\n\nFigures are *claims*."),
        new_code_cell(CODE_LINE, outputs=[
            new_output("stream", name="stdout", text=STDOUT + "\n"),
            new_output("display_data", data={"text/html": table}),
        ]),
        new_code_cell("fig", outputs=[
            new_output("display_data", data={"image/svg+xml": SVG, "text/plain": "<Figure>"}),
            new_output("display_data", data={"image/png": PNG}, metadata={"alt": "Tiny chart"}),
            new_output("stream", name="stderr", text=STDERR + "\n"),
        ]),
        new_code_cell("df", execution_count=7, outputs=[
            new_output("execute_result", data={"text/plain": PLAIN_REPR}, execution_count=7),
            new_output("execute_result", data={
                "text/html": '<h2 id="timeline">Timeline of claims</h2><p>EXEC-RESULT-HTML</p>'},
                execution_count=7),
        ]),
        new_code_cell("1/0", outputs=[new_output(
            "error", ename="ZeroDivisionError", evalue="x", traceback=[TRACEBACK])]),
    ]
    return nb


class Doc(HTMLParser):
    """Stdlib parse of the output: tags, attributes, text, title, links."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.title = ""
        self.text: list[str] = []
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        self.text.append(data)

    def find(self, tag):
        return [a for t, a in self.tags if t == tag]


def html_of(nb, name="fixture"):
    html, _ = BriefingHTMLExporter().from_notebook_node(nb, resources={"metadata": {"name": name}})
    return html


@pytest.fixture(scope="module")
def html():
    return html_of(make_nb(meta()))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("briefing")
    return render_briefing(make_nb(meta()), out, "fixture")


# ---- HTML ------------------------------------------------------------------


def test_html_shows_no_code_prompts_streams_or_errors(html):
    # Readers never see inputs (incl. parameter cells), prompts, streams, tracebacks
    # or text/plain reprs.
    for forbidden in (INJECTED, PARAM_LINE, CODE_LINE, "compute_headcounts", "PARAM-OUTPUT",
                      STDOUT, STDERR, TRACEBACK, PLAIN_REPR, "jp-InputArea", "In [", "Out[",
                      "In&nbsp;[", "prompt"):
        assert forbidden not in html, forbidden


def test_html_keeps_reader_outputs(html):
    # Outputs meant for readers survive: tables, execute_result HTML, markdown.
    assert '<table class="briefing-table">' in html
    assert "EXEC-RESULT-HTML" in html
    assert "<em>claims</em>" in html
    # The meta output is replaced by the template header, not shown twice.
    assert "NOTEBOOK-SIDE-HEADER" not in html


def test_toc_links_to_every_h2_in_order(html):
    # The nav lists every h2 with an id (outputs and markdown), in document order.
    doc = Doc(html)
    h2_ids = [a["id"] for a in doc.find("h2") if a.get("id")]
    assert h2_ids == ["Method-note", "headcounts", "timeline"]
    nav_start = html.index("<nav ")
    nav = html[nav_start: html.index("</nav>", nav_start)]
    hrefs = [a["href"] for t, a in Doc(nav).tags if t == "a"]
    assert hrefs == ["#" + i for i in h2_ids]
    # The nav comes after the title block and before the first section.
    assert html.index("briefing-title") < nav_start < html.index('id="headcounts"')


def test_header_footer_and_metadata_tags(html):
    # <title>, PDF-bound <meta> tags, header with as-of/marking/generated, footer version.
    doc = Doc(html)
    assert doc.title == TITLE
    metas = {a.get("name"): a.get("content") for a in doc.find("meta") if a.get("name")}
    assert metas["description"] == meta()["subject"]
    assert metas["author"] == "Analysis desk"  # the same Author as the PDF's
    assert metas["dcterms.created"] == "2022-04-02T09:15:00Z"
    assert "OPEN SOURCE" in metas["keywords"]
    assert '<time datetime="2022-03-31">31 March 2022</time>' in html
    assert html.count("OPEN SOURCE</bdi>") == 2  # marking band at top and bottom
    assert "2022-04-02 09:15 UTC" in html
    footer = html[html.index('<footer class="briefing-footer"'):]
    assert "a1b2c3d" in footer


def test_html_is_self_contained(html):
    # One file: CSS inline, SVG inline (no XML prolog), PNG as data URI, nothing fetched.
    doc = Doc(html)
    assert not doc.find("link") and not doc.find("script")
    assert "<style>" in html and "table.briefing-table" in html
    assert "<svg" in html and "<?xml" not in html and "<!DOCTYPE svg" not in html
    srcs = [a.get("src", "") for a in doc.find("img")]
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)
    assert {"alt": "Tiny chart"}.items() <= doc.find("img")[0].items()


def _as_notebook_shows_them(nb):
    """``nb`` with every text/html output as JupyterLab received it from an Html: wrapped, with
    the notebook-only stylesheet (tables.notebook_html), one output as a list of lines."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if "text/html" in output.get("data", {}):
                output.data["text/html"] = Html(output.data["text/html"])._repr_html_()
    shown = next(o for c in nb.cells for o in c.get("outputs", []) if "briefing-table" in o.get("data", {}).get("text/html", ""))
    shown.data["text/html"] = shown.data["text/html"].splitlines(keepends=True)
    return nb


def test_exported_html_carries_the_stylesheet_once_and_no_notebook_style():
    bare = html_of(make_nb(meta()))
    wrapped = html_of(_as_notebook_shows_them(make_nb(meta())))
    # The notebook wrapper and its scoped stylesheet are gone: the page is what it was without them.
    assert wrapped == bare
    assert wrapped.count("<style") == 1 and wrapped.count(rendering._css()) == 1
    for notebook_only in ("briefing-output", NOTEBOOK_STYLE_CLASS, scoped_css()[:200]):
        assert notebook_only not in wrapped


def test_hostile_meta_renders_as_inert_text():
    # Meta values are data: markup in them must be escaped, never parsed.
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>\u202eRTL " + "W" * 10_000
    html = html_of(make_nb(meta(title=evil, marking='"><script>alert(3)</script>',
                                data_version="<b onmouseover=alert(4)>v</b>")))
    doc = Doc(html)
    assert not doc.find("script")  # template has none; none came from data
    assert not doc.find("b")
    assert [t for t in doc.find("img") if "onerror" in t] == []
    on_attrs = [(t, k) for t, a in doc.tags for k in a if k.lower().startswith("on")]
    assert on_attrs == []
    assert doc.title == evil  # round-trips as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "alert(3)" in "".join(doc.text)  # shown, as text


def test_missing_meta_falls_back_to_notebook_name():
    # No meta bundle (allowed only with require_briefing off): no crash; title from the notebook
    # name, empty fields omitted.
    html, _ = BriefingHTMLExporter(require_briefing=False).from_notebook_node(
        make_nb(None), resources={"metadata": {"name": "headcounts_2022"}})
    doc = Doc(html)
    assert doc.title == "headcounts_2022"
    assert not [a for a in doc.find("meta") if a.get("name") == "dcterms.created"]
    body = html[html.index("<body"):]
    assert "Data version" not in body and "As of" not in body
    assert 'data-version=""' in body and 'data-asof=""' in body  # empty page margins


def test_read_meta_tolerates_bad_bundles():
    # Malformed bundles (JSON text, non-dict, non-string values) never raise.
    nb = make_nb({"title": 42, "as_of": None, "extra": "ignored"})
    m = rendering.read_meta(nb, fallback_title="nb")
    assert m == {"title": "42", "subject": "", "as_of": "", "marking": "", "generated": "",
                 "data_version": "", "author": ""}
    nb.cells[2].outputs[0].data[META_MIMETYPE] = '{"title": "From text"}'
    assert rendering.read_meta(nb)["title"] == "From text"
    nb.cells[2].outputs[0].data[META_MIMETYPE] = "not json"
    assert rendering.read_meta(nb, fallback_title="nb")["title"] == "nb"


# ---- PDF -------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_content(rendered):
    # PDF carries page numbering, marking, as-of date, headings; no code.
    pdf = rendered["pdf"]
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf)
    for wanted in ("Page 1 of", "OPEN SOURCE", "31 March 2022", "Headcounts by side",
                   "Data version a1b2c3d"):
        assert wanted in text, wanted
    for forbidden in (CODE_LINE, INJECTED, STDOUT, TRACEBACK, PLAIN_REPR, "NOTEBOOK-SIDE-HEADER"):
        assert forbidden not in text


def test_pdf_keeps_markdown_and_foreign_outputs(rendered):
    # A Markdown cell, another notebook's HTML table and execute_result, and its SVG and PNG
    # outputs all reach the PDF: text as text, images as images with their alt text.
    text = pdf_text(rendered["pdf"])
    for wanted in ("Method note", "Figures are claims.", "Claimed headcounts", "1,000", "3,000",
                   "Source: [1]", "Timeline of claims", "EXEC-RESULT-HTML", "Headcount by stage"):
        assert wanted in text, wanted
    reader = pypdf.PdfReader(rendered["pdf"])
    xobjects = [x.get_object() for page in reader.pages for x in (page["/Resources"].get("/XObject") or {}).values()]
    assert [x["/Subtype"] for x in xobjects] == ["/Image"]  # the PNG; the SVG is drawn as vectors (its text above)
    figures = [e for e in _structure(reader) if e.get("/S") == "/Figure"]
    assert {str(f.get("/Alt")) for f in figures} >= {"Tiny chart", "Image"}


def _structure(reader):
    """Every structure element of a tagged PDF, depth first."""
    out, stack = [], [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, pypdf.generic.DictionaryObject):
            out.append(node)
            kids = node.get("/K")
            if kids is not None:
                kids = kids.get_object() if hasattr(kids, "get_object") else kids
                stack.extend(kids if isinstance(kids, list) else [kids])
        elif isinstance(node, list):
            stack.extend(node)
    return out


def test_pdf_document_metadata(rendered):
    # Title/subject/author/keywords/created date come from the meta bundle.
    reader = pypdf.PdfReader(rendered["pdf"])
    info = reader.metadata
    assert info.title == TITLE
    assert info.subject == meta()["subject"]
    assert info.author == "Analysis desk"
    assert "OPEN SOURCE" in info["/Keywords"] and "data a1b2c3d" in info["/Keywords"]
    assert (info.creation_date.year, info.creation_date.month, info.creation_date.day) == (2022, 4, 2)


def test_pdf_is_pdf_ua(rendered):
    # PDF/UA-1 declared (XMP pdfuaid:part 1) and its machine-checkable parts met: tagged
    # (MarkInfo, a structure tree with headings, tables and figures), document language, the title
    # shown in the window, every figure with alt text, fonts embedded.
    reader = pypdf.PdfReader(rendered["pdf"])
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (pypdf BooleanObject)
    assert str(root["/Lang"]) == "en"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfuaid:part(>|=\")1", xmp), xmp[:500]
    kinds = {str(e.get("/S")) for e in _structure(reader)}
    assert {"/Document", "/H1", "/H2", "/Table", "/TH", "/TD", "/Figure", "/P", "/Link"} <= kinds, kinds
    figures = [e for e in _structure(reader) if e.get("/S") == "/Figure"]
    assert figures and all(str(f.get("/Alt", "")).strip() for f in figures)
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"]
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            assert re.match(r"/[A-Z]{6}\+", str(font["/BaseFont"])), font["/BaseFont"]  # subset


def test_render_briefing_builds_html_once(tmp_path, monkeypatch):
    # One HTML export, one PDF export, of the same notebook.
    calls = {"html": 0, "pdf": 0}
    real_html = BriefingHTMLExporter.from_notebook_node

    def counting_html(self, *a, **k):
        calls["html"] += 1
        return real_html(self, *a, **k)

    def counting_pdf(self, nb, resources=None, **k):
        calls["pdf"] += 1
        return b"%PDF", resources

    monkeypatch.setattr(BriefingHTMLExporter, "from_notebook_node", counting_html)
    monkeypatch.setattr(rendering.BriefingPDFExporter, "from_notebook_node", counting_pdf)
    out = render_briefing(make_nb(meta()), tmp_path / "out", "b")
    assert calls == {"html": 1, "pdf": 1}
    assert out == {"html": tmp_path / "out" / "b.html", "pdf": tmp_path / "out" / "b.pdf"}
    assert (tmp_path / "out" / "b.pdf").read_bytes() == b"%PDF"
    assert render_briefing(make_nb(meta()), tmp_path, "h", formats=("html",)).keys() == {"html"}
    with pytest.raises(ValueError, match="docx"):
        render_briefing(make_nb(meta()), tmp_path, "x", formats=("docx",))


@pytest.mark.slow
def test_pdf_exporter_via_nbconvert_entry_point(tmp_path):
    # `jupyter nbconvert --to briefing_pdf` finds our exporter through the entry point.
    path = tmp_path / "fixture.ipynb"
    nbformat.write(make_nb(meta()), path)
    result = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "briefing_pdf", str(path)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "fixture.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    assert pypdf.PdfReader(pdf).metadata.title == TITLE
