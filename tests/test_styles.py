"""Print layout rules: of the HTML's stylesheet (for a reader who prints the HTML), read from the
CSS itself, and of the PDF (typeset by Typst, see briefings/templates/typst), measured on the PDF.

The stylesheet is parsed with tinycss2 (nbconvert's CSS sanitiser's parser). A rule *applies in print* when
it is at the top level, inside ``@media print`` (or a media list naming print or all), or an
``@page`` rule and its margin boxes (running header and footer); ``@media screen`` rules do not.

Font sizes are converted to points, 1pt = 1/72 in:

* absolute units: 1px = 0.75pt (CSS's 96 px per inch), 1in = 72pt, 1cm = 72/2.54pt, 1mm = a
  tenth of that, 1pc = 12pt, 1Q = a quarter mm;
* ``rem``: relative to the print root, the ``html`` font-size that applies in print (10pt);
* ``em`` and ``%``: relative to the parent, which the stylesheet alone cannot know. They pass
  only at 1em (100%) or more: if every absolute size is at least 9pt and no relative size shrinks
  its parent, no text can come out under 9pt. A smaller relative size must be overridden for
  print by an absolute one;
* keywords: ``smaller``, ``small``, ``x-small`` and ``xx-small`` fail; ``calc()`` and other
  functions fail too (WeasyPrint ignores ``max()``; write a plain length).

For each selector, the declaration that wins in print is the last one in source order among
the rules that apply in print, matched on the exact selector text (a stricter test than the
cascade: an override must repeat the selector). Selectors hidden in print (``display: none``)
are exempt.
"""

from __future__ import annotations

import ctypes
import math
import re
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import tinycss2

from briefings.rendering import CSS_PATH

REPO = Path(__file__).resolve().parent.parent

MIN_PRINT_PT = 9.0
ABSOLUTE_PT = {"pt": 1.0, "px": 0.75, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "pc": 12.0, "q": 72 / 101.6}
KEYWORD_PT = {"medium": 12.0, "large": 14.4, "x-large": 18.0, "xx-large": 24.0, "larger": None}
TOO_SMALL_KEYWORDS = {"smaller", "small", "x-small", "xx-small"}


def _print_declarations() -> list[tuple[str, str, list]]:
    """(selector, property, value tokens) of every declaration that applies in print, in source order."""
    rules = tinycss2.parse_stylesheet(CSS_PATH.read_text("utf-8"), skip_comments=True, skip_whitespace=True)
    found: list[tuple[str, str, list]] = []

    def declarations(content, selector):
        for item in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
            if item.type == "declaration":
                value = [t for t in item.value if t.type not in ("whitespace", "comment")]
                found.append((selector, item.lower_name, value))
            elif item.type == "at-rule" and item.content is not None:  # @page margin boxes
                declarations(item.content, f"{selector} @{item.lower_at_keyword}")

    def walk(items):
        for rule in items:
            if rule.type == "qualified-rule":
                prelude = tinycss2.serialize(rule.prelude).strip()
                for selector in prelude.split(","):
                    declarations(rule.content, " ".join(selector.split()))
            elif rule.type == "at-rule" and rule.lower_at_keyword == "media":
                media = {token.lower_value for token in rule.prelude if token.type == "ident"}
                if media & {"print", "all"} and "not" not in media:
                    walk(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))
            elif rule.type == "at-rule" and rule.lower_at_keyword == "page":
                declarations(rule.content, " ".join(("@page " + tinycss2.serialize(rule.prelude)).split()))

    walk(rules)
    return found


def _winning(prop: str) -> dict[str, list]:
    """selector -> value tokens of the last ``prop`` declaration for it that applies in print."""
    return {selector: value for selector, name, value in _print_declarations() if name == prop}


def _font_size_tokens(name: str, value: list) -> list:
    """The size part of a font-size declaration or a ``font`` shorthand."""
    tokens = [t for t in value if t.type not in ("whitespace", "comment")]
    if name == "font-size":
        return tokens
    # font shorthand: [style variant weight stretch] size[/line-height] family
    return [t for t in tokens if t.type in ("dimension", "percentage")
            or (t.type == "ident" and t.lower_value in KEYWORD_PT.keys() | TOO_SMALL_KEYWORDS)][:1]


def _root_pt() -> float:
    html = _winning("font-size").get("html")
    assert html and html[0].type == "dimension" and html[0].lower_unit in ABSOLUTE_PT, \
        "the print root (html) needs an absolute font-size for rem to mean anything"
    return html[0].value * ABSOLUTE_PT[html[0].lower_unit]


def _in_points(tokens: list, root_pt: float) -> float | str:
    """The size in points, 'relative-ok' for em/% at or above 1, or a reason it fails."""
    if len(tokens) != 1:
        return f"cannot read {tinycss2.serialize(tokens)!r}: use one plain length"
    token = tokens[0]
    if token.type == "dimension":
        unit = token.lower_unit
        if unit in ABSOLUTE_PT:
            return token.value * ABSOLUTE_PT[unit]
        if unit == "rem":
            return token.value * root_pt
        if unit == "em":
            return "relative-ok" if token.value >= 1 else f"{token.value}em shrinks its parent"
        return f"unit {unit!r} is not one this test converts"
    if token.type == "percentage":
        return "relative-ok" if token.value >= 100 else f"{token.value}% shrinks its parent"
    if token.type == "ident":
        if token.lower_value in ("inherit", "unset", "initial"):
            return "relative-ok"
        if token.lower_value in TOO_SMALL_KEYWORDS:
            return f"keyword {token.lower_value!r} is under 9pt"
        if KEYWORD_PT.get(token.lower_value):
            return KEYWORD_PT[token.lower_value]
    return f"cannot read {tinycss2.serialize(tokens)!r}: use one plain length"


def _print_font_sizes() -> dict[str, float | str]:
    root_pt = _root_pt()
    sizes: dict[str, float | str] = {}
    for selector, name, value in _print_declarations():
        if name in ("font-size", "font"):
            tokens = _font_size_tokens(name, value)
            if tokens or name == "font-size":
                sizes[selector] = _in_points(tokens, root_pt)
    hidden = {s for s, v in _winning("display").items() if tinycss2.serialize(v).strip() == "none"}
    return {selector: size for selector, size in sizes.items() if selector not in hidden}


def test_the_parser_sees_the_rules_that_matter():
    """Guards the test itself: the print root, the margin boxes and the print block are read."""
    sizes = _print_font_sizes()
    assert _root_pt() == 10
    assert "@page @top-center" in sizes and "@page @bottom-right" in sizes
    assert "table.briefing-table" in sizes
    assert ".briefing-footer" not in sizes  # hidden in print


def test_every_printed_font_size_is_at_least_9pt():
    problems = []
    for selector, size in _print_font_sizes().items():
        if isinstance(size, str):
            if size != "relative-ok":
                problems.append(f"{selector}: {size}")
        elif size < MIN_PRINT_PT - 1e-9:
            problems.append(f"{selector}: {size:.2f}pt")
    assert not problems, ("text under 9pt in print (override it inside @media print with an absolute "
                          "size):\n" + "\n".join(problems))


def _has(prop: str, selector: str, expected: str) -> bool:
    value = _winning(prop).get(selector)
    return value is not None and tinycss2.serialize(value).strip() == expected


@pytest.mark.parametrize("selector", ["h2", "h3", "h4", "caption", "figcaption"])
def test_headings_and_captions_never_end_a_page(selector):
    assert _has("break-after", selector, "avoid")


@pytest.mark.parametrize("selector", ["tr", "figure"])
def test_rows_and_figures_never_split(selector):
    assert _has("break-inside", selector, "avoid")


def test_table_headers_repeat_on_each_page():
    assert _has("display", "thead", "table-header-group")


@pytest.mark.parametrize("selector", ["p", "li"])
def test_orphans_and_widows(selector):
    assert _has("orphans", selector, "3") and _has("widows", selector, "3")


def test_wide_tables_scroll_in_their_own_box_on_narrow_screens():
    css = CSS_PATH.read_text("utf-8")
    narrow = re.search(r"@media screen and \(max-width: 700px\) \{(.*?)\n\}", css, re.DOTALL)
    assert narrow, "no @media screen and (max-width: 700px) block"
    assert re.search(r"table\.briefing-table \{[^}]*display: block;[^}]*overflow-x: auto;", narrow.group(1))


def test_a_small_size_in_print_is_caught(monkeypatch, tmp_path):
    """The checker fails the sizes it should: a 8pt rule, a 0.85em rule, an 8px margin box."""
    css = tmp_path / "bad.css"
    css.write_text("@page { @bottom-left { font: 8px sans-serif; } }\n"
                   "html { font-size: 10pt; }\n.a { font-size: 8pt; }\n.b { font-size: 0.85em; }\n"
                   ".c { font-size: 0.8rem; }\n.d { font-size: 0.8rem; }\n@media print { .d { font-size: 9pt; } }\n"
                   "@media screen { .e { font-size: 6pt; } }\n", "utf-8")
    monkeypatch.setattr(sys.modules[__name__], "CSS_PATH", css)
    sizes = _print_font_sizes()
    assert sizes["@page @bottom-left"] == 6
    assert sizes[".a"] == 8 and "shrinks" in sizes[".b"] and sizes[".c"] == 8 and sizes[".d"] == 9
    assert ".e" not in sizes


# ---- the PDF (typeset by Typst from the view-models): checked on the PDF itself ----------------
# The rules the stylesheet states for print hold in the PDF: measured with PDFium (pypdfium2) on
# a real briefing, the default one (every section, tables running over several pages).


@pytest.fixture(scope="module")
def briefing_pdf(default_briefing_executed):
    from briefings.rendering import BriefingPDFExporter

    import nbformat

    data, _ = BriefingPDFExporter().from_notebook_node(nbformat.read(default_briefing_executed, as_version=4),
                                                       resources={"metadata": {"name": "briefing"}})
    return pdfium.PdfDocument(data)


def _chars(page):
    """(character, effective size in pt, box) of every printing character of a page."""
    textpage = page.get_textpage()
    matrix = pdfium_c.FS_MATRIX()
    for index in range(textpage.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index))
        if not char.strip() or char == "\u200b":
            continue
        pdfium_c.FPDFText_GetMatrix(textpage.raw, index, ctypes.byref(matrix))
        # The size as printed: the font size times the scale of text and drawing (a chart's SVG is scaled).
        size = pdfium_c.FPDFText_GetFontSize(textpage.raw, index) * math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
        yield char, size, textpage.get_charbox(index)


def _squeezed(page, box=None) -> str:
    textpage = page.get_textpage()
    text = textpage.get_text_bounded(*box) if box else textpage.get_text_range()
    return "".join(text.replace("\u200b", "").split())


@pytest.mark.slow
def test_every_printed_character_is_at_least_9pt(briefing_pdf):
    """Body, tables, flags, running header and footer, and the charts' own text (scaled to the page)."""
    small, sizes = [], set()
    for number, page in enumerate(briefing_pdf, start=1):
        for char, size, _ in _chars(page):
            sizes.add(round(size, 1))
            if size < MIN_PRINT_PT - 0.01:
                small.append(f"page {number}: {char!r} at {size:.2f}pt")
    assert not small, "text under 9pt in the PDF:\n" + "\n".join(small[:20])
    assert 9.5 in sizes  # a chart's 9.5 pt text, drawn 7 in wide at the 7-in text width, is measured


def test_the_checker_sees_a_small_size():
    """The measurement fails what it should: text set at 8 pt, and 9 pt text scaled to 80%."""
    import typst

    source = (b'#set document(title: "t")\n#set text(lang: "en")\n#text(size: 8pt)[ABC] '
              b'#scale(80%, reflow: true)[#text(size: 9pt)[xyz]]')
    document = pdfium.PdfDocument(typst.compile(source, format="pdf"))
    found = {char: round(size, 1) for char, size, _ in _chars(document[0])}
    assert found["A"] == 8.0 and found["x"] == 7.2


def _page_of(document, text: str, start: int = 0) -> int:
    for number in range(start, len(document)):
        if text in _squeezed(document[number]):
            return number
    raise AssertionError(f"{text!r} not in the PDF")


@pytest.fixture(scope="module")
def annex_pdf():
    """The data annex (briefings.annex), typeset by Typst with the briefings' templates: its
    tables are the ones that run over many pages now that a briefing's appendix holds references."""
    import datetime as dt

    from analysis.loading import load_data
    from briefings import annex

    data = load_data(REPO / "data")
    files = annex.render(data, data_version=data.version, formats=("pdf",),
                         generated=dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.timezone.utc))
    return pdfium.PdfDocument(files["annex.pdf"])


def test_table_headers_repeat_and_rows_never_split(annex_pdf):
    """'Headcount claims' runs over pages: its header row is at the top of each of them, and on
    each page every row's first cell (its id) and last cell (its source) are both there."""
    first = _page_of(annex_pdf, "RowWhosefightersCategoryStage")
    last = _page_of(annex_pdf, "Payoffersandpayreceived", first)
    assert last > first + 1, "the test needs a table over three pages or more"
    for number in range(first, last + 1):
        page = annex_pdf[number]
        width, height = page.get_size()
        text = _squeezed(page)
        end = text.index("Payoffersandpayreceived") if number == last else len(text)
        if number > first:
            body = text[text.index("Row"):end] if "Row" in text else ""
            assert body.startswith("RowWhosefightersCategoryStageFigure"), f"page {number + 1}: {text[:80]}"
        # Row ids sit in the left column, sources in the right one: one of each per row on the page
        # (above the next table's heading, on the last page).
        floor = 0
        if number == last:
            textpage = page.get_textpage()
            found = textpage.search("Pay offers and pay received", match_case=True).get_next()
            floor = textpage.get_charbox(found[0])[3]
        lines = page.get_textpage().get_text_bounded(0, floor, 90, height).split()
        ids = [w for w in lines if re.fullmatch(r"H\d{3}", w)]
        sources = re.findall(r"S\d{3}", _squeezed(page, (width - 120, floor, width, height)))
        assert ids and len(ids) == len(sources), f"page {number + 1}: {len(ids)} row ids, {len(sources)} sources"


@pytest.mark.slow
def test_no_heading_ends_a_page(briefing_pdf):
    """Every heading in the outline has text of its section under it on the same page."""
    checked = 0
    for bookmark in briefing_pdf.get_toc():
        number = bookmark.get_dest().get_index()
        page = briefing_pdf[number]
        textpage = page.get_textpage()
        searcher = textpage.search(bookmark.get_title()[:25], match_case=True)
        found = searcher.get_next()
        assert found, bookmark.get_title()
        bottom = min(textpage.get_charbox(i)[1] for i in range(found[0], found[0] + found[1]))
        footer_top = 22 * 72 / 25.4  # the bottom margin, where the running footer sits
        below = textpage.get_text_bounded(0, footer_top, page.get_size()[0], bottom - 1).strip()
        assert below, f"{bookmark.get_title()!r} ends page {number + 1}"
        checked += 1
    assert checked >= 15


VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def test_every_html_page_sets_the_viewport(tmp_path):
    """The briefing template, the build's index page and the preview's waiting page."""
    from analysis.paths import CONFIG_FILE
    from briefings import preview
    from briefings.config import load_config
    from briefings.index import write_index
    from briefings.rendering import TEMPLATES_DIR

    assert VIEWPORT in (TEMPLATES_DIR / "briefing" / "index.html.j2").read_text("utf-8")
    assert VIEWPORT in preview._WAITING
    assert VIEWPORT in write_index(tmp_path, load_config(CONFIG_FILE), {}).read_text("utf-8")
