"""Issue 9, items 4 and 5: the index as a gallery of cards, and the figures behind each briefing as CSV.

The fast tests check the pieces (CSV writing, the exporter, the index page) on hand-made input;
one module-scoped build runs the real command on the real briefing notebook, with a cell added
that emits the figures output for one briefing and not the other, to HTML and PDF.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from helpers import copy_inputs, run_briefings, write_config
from nbformat.v4 import new_code_cell, new_output

from briefings.config import BriefingSpec, Config
from briefings.index import page
from briefings.rendering import (FIGURES_MIMETYPE, META_MIMETYPE, FiguresError, figures_csv, read_figures,
                                 render_briefing)
from briefings.templating import environment

# Builds real briefings.
pytestmark = pytest.mark.slow

pypdf = pytest.importorskip("pypdf")

COLUMNS = ["ref", "section", "figure", "low", "high", "unit", "what", "date", "source", "rows"]
#: Hostile cells: formulas as text, a negative written as text, a real negative number, a name with
#: a comma and quotes, tab and carriage return at the start.
ROWS = [
    ["H001", "headcounts", '=HYPERLINK("http://x")', 40000, None, "people", "Syrians signed up", "2022-03-10",
     'Smith, "The Post"', "H001"],
    ["H002", "pay", "+1", -3.5, -2, "USD", "-2", "@SUM(A1)", "\tTAB", "\rCR"],
]
#: What a spreadsheet must read back, worked out by hand: text starting = + - @ tab CR gets a leading
#: apostrophe; the numbers -3.5 and -2 stay numbers; None is an empty cell.
EXPECTED_ROWS = [
    COLUMNS,
    ["H001", "headcounts", "'=HYPERLINK(\"http://x\")", "40000", "", "people", "Syrians signed up", "2022-03-10",
     'Smith, "The Post"', "H001"],
    ["H002", "pay", "'+1", "-3.5", "-2", "USD", "'-2", "'@SUM(A1)", "'\tTAB", "'\rCR"],
]
#: RFC 4180 line ends (CRLF); the cell holding a carriage return is quoted, so it cannot end its row.
EXPECTED_TEXT = ("ref,section,figure,low,high,unit,what,date,source,rows\r\n"
                 "H001,headcounts,\"'=HYPERLINK(\"\"http://x\"\")\",40000,,people,Syrians signed up,2022-03-10,"
                 "\"Smith, \"\"The Post\"\"\",H001\r\n"
                 "H002,pay,'+1,-3.5,-2,USD,'-2,'@SUM(A1),'\tTAB,\"'\rCR\"\r\n")
HOSTILE_DESCRIPTION = "<img src=x onerror=alert(1)> Pay & \"law\""
LINK_TEXT = "figures (CSV)"


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))


class Page(HTMLParser):
    """Each card's links (href, in order), images and the page's landmarks."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.cards: list[dict] = []
        self.text: list[str] = []
        self.in_card = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "article":
            self.in_card = True
            self.cards.append({"links": [], "images": [], "id": attrs.get("aria-labelledby")})
        elif self.in_card and tag == "a" and "thumb" not in (attrs.get("class") or ""):
            self.cards[-1]["links"].append(attrs["href"])
        elif self.in_card and tag == "img":
            self.cards[-1]["images"].append(attrs["src"])

    def handle_endtag(self, tag):
        if tag == "article":
            self.in_card = False

    def handle_data(self, data):
        self.text.append(data)


# ------------------------------------------------------------------------------ the pieces, fast

def test_figures_csv_neutralises_formulas_and_keeps_numbers():
    text = figures_csv({"columns": COLUMNS, "rows": ROWS})
    assert text == EXPECTED_TEXT
    assert list(csv.reader(io.StringIO(text, newline=""))) == EXPECTED_ROWS


def test_read_figures_refuses_a_bad_shape_or_two_tables():
    def notebook(*bundles):
        nb = nbformat.v4.new_notebook()
        nb.cells = [new_code_cell("x", outputs=[new_output("display_data", data={FIGURES_MIMETYPE: b})])
                    for b in bundles]
        return nb

    assert read_figures(nbformat.v4.new_notebook()) is None
    assert read_figures(notebook({"columns": ["a"], "rows": [[1]]})) == {"columns": ["a"], "rows": [[1]]}
    for bad in ({"columns": "a", "rows": []}, {"columns": ["a"], "rows": [[1, 2]]}, {"rows": []}, [1]):
        with pytest.raises(FiguresError):
            read_figures(notebook(bad))
    with pytest.raises(FiguresError, match="2 application/vnd.briefing.figures"):
        read_figures(notebook({"columns": [], "rows": []}, {"columns": [], "rows": []}))


def small_briefing(figures: bool):
    nb = nbformat.v4.new_notebook()
    meta = {"title": "T", "subject": "S", "as_of": "2022-03-31", "marking": "M", "generated": "", "data_version": "v"}
    nb.cells = [new_code_cell("header", outputs=[new_output("display_data", data={META_MIMETYPE: meta,
                                                                                  "text/html": "<p>h</p>"})]),
                new_code_cell("body", outputs=[new_output("display_data", data={"text/html": "<p>BODY</p>"})])]
    if figures:
        nb.cells.append(new_code_cell("figures", outputs=[new_output("display_data", data={
            FIGURES_MIMETYPE: {"columns": COLUMNS, "rows": ROWS}, "text/plain": "FIGURES-REPR",
            "text/html": "<p>FIGURES-AS-HTML</p>"})]))
    return nb


def test_exporter_writes_the_csv_links_it_and_never_shows_the_table(tmp_path):
    written = render_briefing(small_briefing(True), tmp_path, "demo", ("html",))
    assert written["csv"] == tmp_path / "demo-figures.csv"
    assert written["csv"].read_bytes().decode("utf-8") == EXPECTED_TEXT
    html = written["html"].read_text("utf-8")
    # In the header's meta row, beside the data version.
    assert re.search(r'<dt>Data</dt><dd><a [^>]*href="demo-figures.csv"[^>]*>figures \(CSV\)</a>', html)
    assert "BODY" in html and "FIGURES-AS-HTML" not in html and "FIGURES-REPR" not in html and "HYPERLINK" not in html


def test_exporter_without_figures_writes_no_csv_and_no_link(tmp_path):
    written = render_briefing(small_briefing(False), tmp_path, "demo", ("html",))
    assert set(written) == {"html"} and not (tmp_path / "demo-figures.csv").exists()
    assert LINK_TEXT not in written["html"].read_text("utf-8")


def test_shared_environment_escapes_html_templates_and_strings():
    env = environment()
    assert env is environment() and env.trim_blocks and env.lstrip_blocks
    assert env.from_string("{{ x }}").render(x="<b>&") == "&lt;b&gt;&amp;"
    assert "index/index.html.j2" in env.list_templates()


def fake_config(tmp_path):
    notebook = tmp_path / "nb.ipynb"
    return Config(path=tmp_path / "reports.yml", briefings=[
        BriefingSpec("good", notebook, {"title": "Good one", "side": "russia", "origins": ["Syria", "Iraq"],
                                        "focus": "pay", "as_of": "2022-03-31"}, description=HOSTILE_DESCRIPTION),
        BriefingSpec("broken", notebook, {"title": "Broken <b>one</b>"}, description="Fails"),
        BriefingSpec("new", notebook, {"title": "Never built"}),
    ])


def test_index_page_cards_from_config_and_manifest(tmp_path):
    good_outputs = ["good/good.ipynb", "good/good.html", "good/good.pdf", "good/good-figures.csv", "good/good-page1.png"]
    manifest = {"briefings": {
        "good": {"status": "built", "outputs": good_outputs, "last_success": "2026-01-02T03:04:05", "pages": 7,
                 "thumbnail": "good/good-page1.png", "as_of": "2022-03-31", "data_version": "d1"},
        "broken": {"status": "failed", "error": "RuntimeError: <script>alert(2)</script>",
                   "outputs": ["broken/broken.ipynb", "broken/broken.html"], "last_success": "2026-01-01T00:00:00",
                   "pages": None, "thumbnail": None, "data_version": "d0"},
    }}
    html = page(fake_config(tmp_path), manifest, data_version="d1")
    doc = Page(html)
    text = "".join(doc.text)
    assert len(doc.cards) == 3
    # PDF and HTML first, the notebook last; only what the manifest lists.
    assert doc.cards[0]["links"] == ["good/good.pdf", "good/good.html", "good/good-figures.csv", "good/good.ipynb"]
    assert doc.cards[0]["images"] == ["good/good-page1.png"]
    assert doc.cards[1]["links"] == ["broken/broken.html", "broken/broken.ipynb"] and doc.cards[2]["links"] == []
    assert "7 pages" in text and "31 Mar 2022" in text
    assert "Russia's side" in text and "recruits from Syria and Iraq" in text and "pay only" in text
    # No parameter code; a description, title and error are text.
    assert not re.search(r"\w+ = '", html) and "side = " not in html
    assert HOSTILE_DESCRIPTION in text and "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>" not in html and "Broken <b>one</b>" in text
    assert "showing the last good build" in text and "RuntimeError: <script>alert(2)</script>" in text
    assert "Data version" in text and "d0" in text  # the failed one shows older data than the top line
    # Landmarks, language, viewport.
    tags = {t for t, _ in doc.tags}
    assert {"header", "main", "footer", "ul"} <= tags
    assert ("html", {"lang": "en"}) in doc.tags
    assert any(t == "meta" and a.get("name") == "viewport" for t, a in doc.tags)


# ------------------------------------------------------------------------------ the real build

TABLE_JSON = json.dumps({"columns": COLUMNS, "rows": ROWS})
#: In place of the real notebook's figures cell: this table, for the headcounts briefing only.
FIGURES_CELL = ("if briefing.params['focus'] == 'headcounts':\n"
                "    import json\n"
                "    from IPython.display import display\n"
                f"    display({{{FIGURES_MIMETYPE!r}: json.loads({TABLE_JSON!r})}}, raw=True)\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = copy_inputs(tmp_path_factory.mktemp("gallery") / "project")
    path = root / "notebooks" / "briefing.ipynb"
    notebook = nbformat.read(path, as_version=4)
    [cell] = [c for c in notebook.cells if c.source.strip() == "briefing.figures()"]
    cell.source = FIGURES_CELL
    nbformat.write(notebook, path)
    config = write_config(root, [
        {"name": "heads", "description": HOSTILE_DESCRIPTION,
         "parameters": {"title": "Headcounts only", "focus": "headcounts", "side": "russia"}},
        {"name": "money", "description": "Pay only", "parameters": {"title": "Pay only", "focus": "pay"}},
    ], formats=("html", "pdf"))
    out = root / "out"
    result = run_briefings("build", "--config", config, "--data", root / "data", "--out", out, "-j", "2")
    assert result.returncode == 0, result.stderr
    return root, config, out


def test_build_writes_the_figures_csv_and_links_it(built):
    _, _, out = built
    path = out / "heads" / "heads-figures.csv"
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")  # plain UTF-8, no BOM
    assert path.read_bytes().decode("utf-8") == EXPECTED_TEXT
    assert read_csv(path) == EXPECTED_ROWS
    html = (out / "heads" / "heads.html").read_text("utf-8")
    assert re.search(r'<dt>Data</dt><dd><a [^>]*href="heads-figures.csv"[^>]*>figures \(CSV\)</a>', html)
    assert "HYPERLINK" not in html  # the table is the CSV's, not the page's
    pdf_text = "".join(p.extract_text() for p in pypdf.PdfReader(out / "heads" / "heads.pdf").pages)
    assert "HYPERLINK" not in pdf_text
    # The briefing without a figures output has neither file nor link.
    assert not (out / "money" / "money-figures.csv").exists()
    assert LINK_TEXT not in (out / "money" / "money.html").read_text("utf-8")
    manifest = json.loads((out / "manifest.json").read_text())["briefings"]
    assert "heads/heads-figures.csv" in manifest["heads"]["outputs"]
    assert not any(o.endswith(".csv") for o in manifest["money"]["outputs"])


def test_build_index_is_a_gallery_with_real_page_counts_and_thumbnails(built):
    _, _, out = built
    html = (out / "index.html").read_text("utf-8")
    doc = Page(html)
    text = "".join(doc.text)
    manifest = json.loads((out / "manifest.json").read_text())["briefings"]
    assert [c["id"] for c in doc.cards] == ["title-heads", "title-money"]
    for card, name in zip(doc.cards, ("heads", "money")):
        pages = len(pypdf.PdfReader(out / name / f"{name}.pdf").pages)
        assert manifest[name]["pages"] == pages
        assert f"{pages} page" in text
        thumbnail = out / name / f"{name}-page1.png"
        assert manifest[name]["thumbnail"] == f"{name}/{name}-page1.png" and card["images"] == [f"{name}/{name}-page1.png"]
        assert thumbnail.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        from PIL import Image
        with Image.open(thumbnail) as image:
            assert image.format == "PNG" and image.width == 280 and 390 < image.height < 400  # A4's shape
        assert card["links"][:2] == [f"{name}/{name}.pdf", f"{name}/{name}.html"]
        assert card["links"][-1] == f"{name}/{name}.ipynb"
    assert doc.cards[0]["links"] == ["heads/heads.pdf", "heads/heads.html", "heads/heads-figures.csv", "heads/heads.ipynb"]
    assert not re.search(r"\w+ = '", html) and "focus = " not in html
    assert HOSTILE_DESCRIPTION in text and "<img src=x" not in html
    assert "Data version" in text and manifest["heads"]["data_version"] in text


def test_build_with_nothing_changed_rasterises_nothing_and_a_missing_csv_is_rebuilt(built):
    root, config, out = built
    thumbnail = out / "heads" / "heads-page1.png"
    before = thumbnail.stat().st_mtime_ns, (out / "money" / "money-page1.png").stat().st_mtime_ns
    again = run_briefings("build", "--config", config, "--data", root / "data", "--out", out)
    assert again.returncode == 0 and "built in" not in again.stderr, again.stderr
    assert (thumbnail.stat().st_mtime_ns, (out / "money" / "money-page1.png").stat().st_mtime_ns) == before
    os.unlink(out / "heads" / "heads-figures.csv")
    rebuilt = run_briefings("build", "--config", config, "--data", root / "data", "--out", out)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert set(re.findall(r"INFO (\S+): built in", rebuilt.stderr)) == {"heads"}
    assert (out / "heads" / "heads-figures.csv").read_bytes().decode("utf-8") == EXPECTED_TEXT
