"""Print layout rules of the briefing stylesheet (issue 9, item 3), read from the CSS itself.

The stylesheet is parsed with tinycss2 (a WeasyPrint dependency). A rule *applies in print* when
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

import re
import sys

import pytest
import tinycss2

from briefings.rendering import CSS_PATH

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


SAMPLE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>{css}</style></head><body>
<header class="briefing-header" data-marking="OPEN SOURCE" data-asof="As of 31 Mar 2022"
 data-title="A title for the running header" data-version="data abc123">
<p class="marking-band">Open source</p><div class="title-block"><h1 class="briefing-title">Title</h1>
<p class="briefing-subject">Subject</p><dl class="briefing-meta"><div class="as-of"><dt>As of</dt><dd>31 Mar 2022</dd></div>
<div><dt>Generated</dt><dd>1 Apr 2022</dd></div></dl></div></header>
<nav class="toc"><p class="toc-title">Contents</p><ol><li><a href="#s">Section</a></li></ol></nav>
<section class="briefing-section" id="s"><h2>Heading two <a class="cite" href="#x">[1]</a></h2><h3>Three</h3><h4>Four</h4>
<div class="bluf"><ol><li>A judgement <span class="confidence">Confidence: moderate</span> <code>code</code></li></ol></div>
<p>Text <small>small</small> <span class="flag">single source</span> <span class="grade">B2</span> <code>x</code></p>
<table class="briefing-table"><caption>Caption</caption><thead><tr><th>Head</th><th class="num">N</th></tr></thead>
<tbody><tr><td>Cell <small>small</small> <span class="flag">flag</span> <span class="grade">C3</span> <a class="cite">[2]</a>
<code>code</code></td><td class="num">40,000+<small>1 Mar 2022</small></td></tr></tbody></table>
<p class="source-note">Source note <a class="cite">[3]</a></p><ul class="evidence"><li>evidence</li></ul>
<ol class="sources"><li>A source <span class="url">https://example.org</span></li></ol>
<p class="not-reported">not reported</p><span class="law-met">met</span></section>
<div style="break-before: page"><p>Page two, for the running header.</p></div></body></html>"""


def test_rendered_print_text_is_at_least_9pt():
    """WeasyPrint's own computed sizes, user-agent defaults (small, code) and margin boxes included."""
    from weasyprint import HTML

    document = HTML(string=SAMPLE.format(css=CSS_PATH.read_text("utf-8"))).render()
    small = []

    def walk(box):
        text = getattr(box, "text", None)
        if text and text.strip() and box.style["font_size"] * 0.75 < MIN_PRINT_PT - 1e-6:
            small.append(f"{text.strip()[:30]!r}: {box.style['font_size'] * 0.75:.2f}pt")
        for child in getattr(box, "children", None) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)  # the page box holds the document's boxes and the margin boxes
    assert len(document.pages) == 2
    assert not small, "text under 9pt in the PDF:\n" + "\n".join(small)


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
