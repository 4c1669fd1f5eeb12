"""Tests for briefings.tables: every piece of text escaped, trusted Html passed through, safe ids."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from briefings.notebook_css import scope_css, scoped_css
from briefings.tables import (
    NOTEBOOK_STYLE_CLASS,
    Html,
    bullet_list,
    cite,
    escape,
    flag,
    join,
    paragraph,
    section,
    slug,
    strip_notebook_wrapper,
    table,
    tag,
)

SCRIPT = '<script>alert("x")</script>'
SCRIPT_ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


class Tags(HTMLParser):
    """The start tags of a fragment, to check no hostile tag got through."""

    def __init__(self, markup: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(markup)

    def handle_starttag(self, name, attrs):
        self.tags.append((name, dict(attrs)))


def test_escape_script():
    assert escape(SCRIPT) == SCRIPT_ESCAPED


def test_escape_quotes_and_ampersand():
    assert escape("Tom & Jerry's \"war\"") == "Tom &amp; Jerry&#x27;s &quot;war&quot;"


def test_escape_none_and_numbers():
    assert escape(None) == "" and escape(40000) == "40000" and escape(1.5) == "1.5"


def test_html_passes_through():
    assert escape(Html("<b>bold</b>")) == "<b>bold</b>"


def test_join_escapes_text_but_not_html():
    assert str(join(["<i>", Html("<b>x</b>")])) == "&lt;i&gt;<b>x</b>"


def test_html_concatenation_and_notebook_display():
    joined = Html("<p>") + Html("</p>")
    assert joined.markup == "<p></p>" and str(joined) == "<p></p>"
    assert strip_notebook_wrapper(joined._repr_html_()) == "<p></p>"


def test_notebook_display_is_kept_from_maths_and_carries_the_scoped_stylesheet():
    shown = Html("<p>$200–300 a month … $48M</p>")._repr_html_()
    wrapper = Tags(shown).tags[0]
    assert wrapper[0] == "div"
    assert set(wrapper[1]["class"].split()) == {"briefing-output", "tex2jax_ignore", "mathjax_ignore"}
    assert shown.count("<style") == 1 and f'<style class="{NOTEBOOK_STYLE_CLASS}">{scoped_css()}</style>' in shown
    assert shown.endswith("<p>$200–300 a month … $48M</p></div>")  # the text itself is untouched
    assert strip_notebook_wrapper(shown) == "<p>$200–300 a month … $48M</p>"
    assert strip_notebook_wrapper("<p>not ours</p>") == "<p>not ours</p>"


def test_notebook_stylesheet_is_the_briefing_one_scoped_to_the_wrapper():
    tinycss2 = pytest.importorskip("tinycss2")  # WeasyPrint's own CSS parser, read independently
    css = scoped_css()

    def selectors(rules):
        for rule in rules:
            if rule.type == "qualified-rule":
                yield from (s.strip() for s in tinycss2.serialize(rule.prelude).split(","))
            elif rule.type == "at-rule":
                assert rule.lower_at_keyword == "media", f"@{rule.at_keyword} in the notebook stylesheet"
                yield from selectors(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))

    found = list(selectors(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)))
    assert found and all(s == ".briefing-output" or s.startswith(".briefing-output ") for s in found), \
        [s for s in found if not s.startswith(".briefing-output")]
    # Reader rules arrive (flags, grades, tables), print-only ones do not.
    for selector in (".briefing-output .flag", ".briefing-output .grade", ".briefing-output .confidence",
                     ".briefing-output table.briefing-table", ".briefing-output .bluf"):
        assert selector in found
    assert "@page" not in css and "@media print" not in css and "string(" not in css
    assert scoped_css() is css  # read and scoped once per process


def test_scoping_keeps_strings_and_brackets_and_drops_comments():
    css = scope_css('/* a, b { } */ html, body { color: #111 } a:is(.x, .y) > b[title="{,}"] { content: "}" }'
                    ' @media print { p { color: red } } @media screen and (max-width: 700px) { td { x: y } }')
    assert css.splitlines() == [
        ".briefing-output,.briefing-output{color: #111}",
        '.briefing-output a:is(.x, .y) > b[title="{,}"]{content: "}"}',
        "@media screen and (max-width: 700px){.briefing-output td{x: y}}",
    ]


def test_tag_escapes_content_and_attributes():
    markup = str(tag("a", SCRIPT, href='" onclick="evil()'))
    assert markup == f'<a href="&quot; onclick=&quot;evil()">{SCRIPT_ESCAPED}</a>'
    assert Tags(markup).tags == [("a", {"href": '" onclick="evil()'})]


def test_tag_attribute_names_and_none_values():
    assert str(tag("td", "1", class_="num", data_row=3, id=None)) == '<td class="num" data-row="3">1</td>'


def test_table_cells_caption_and_note_are_escaped():
    markup = str(table([[SCRIPT, "a & b"], [Html("<em>ok</em>"), 3]], ["Name <1>", "Value"],
                       caption="Caption \"quoted\" <b>", numeric=[1], note="note <script>"))
    assert SCRIPT not in markup and "<script>" not in markup
    assert f"<td>{SCRIPT_ESCAPED}</td>" in markup
    assert '<td class="num">a &amp; b</td>' in markup
    assert "<td><em>ok</em></td>" in markup
    assert "<caption>Caption &quot;quoted&quot; &lt;b&gt;</caption>" in markup
    assert "<th>Name &lt;1&gt;</th>" in markup and '<th class="num">Value</th>' in markup
    assert '<p class="source-note">note &lt;script&gt;</p>' in markup
    assert [name for name, _ in Tags(markup).tags] == [
        "table", "caption", "thead", "tr", "th", "th", "tbody", "tr", "td", "td", "tr", "td", "em", "td", "p"]


def test_table_without_caption_or_note():
    markup = str(table([], ["A"]))
    assert "<caption>" not in markup and "source-note" not in markup
    assert markup == '<table class="briefing-table"><thead><tr><th>A</th></tr></thead><tbody></tbody></table>'


def test_paragraph_escapes_parts():
    assert str(paragraph("1 < 2", Html("<br>"), class_="lead")) == '<p class="lead">1 &lt; 2<br></p>'


def test_flag_escapes():
    assert str(flag("single <source>")) == '<span class="flag">single &lt;source&gt;</span>'


def test_cite_links_to_the_source():
    assert str(cite(3)) == '<a href="#source-3" class="cite">[3]</a>'
    assert str(cite(None)) == ""


def test_section_heading_is_escaped_with_a_slug_id():
    markup = str(section("Pay & <costs>", "text <b>"))
    assert markup == ('<section class="briefing-section tex2jax_ignore mathjax_ignore"><h2 id="pay-costs">Pay &amp; &lt;costs&gt;</h2>'
                      "text &lt;b&gt;</section>")


def test_bullet_list_ordered_with_ids():
    markup = str(bullet_list(["a <1>", "b"], ordered=True, ids=["source-1", "source-2"]))
    assert markup == '<ol><li id="source-1">a &lt;1&gt;</li><li id="source-2">b</li></ol>'


def test_slug_is_safe():
    assert slug(SCRIPT) == "script-alert-x-script"
    assert slug("Confidence & caveats") == "confidence-caveats"
    assert slug('"><img src=x onerror=alert(1)>') == "img-src-x-onerror-alert-1"


def test_slug_of_nothing_usable_is_section():
    assert slug("") == "section" and slug("!!!") == "section" and slug("مقاتلون") == "section"


def test_long_string_survives_escaped():
    text = "<" + "a" * 9998 + ">"  # 10,000 characters
    escaped = escape(text)
    # '<' and '>' become 4 characters each: 10,000 - 2 + 8 = 10,006
    assert len(escaped) == 10006
    assert escaped == "&lt;" + "a" * 9998 + "&gt;"
    assert str(tag("td", text)) == f"<td>{escaped}</td>"


def test_right_to_left_text_survives_escaped():
    text = "مقاتلون أجانب \u202e<b>"  # Arabic, then a right-to-left override before a tag
    assert escape(text) == "مقاتلون أجانب \u202e&lt;b&gt;"
    assert "مقاتلون أجانب \u202e&lt;b&gt;" in str(table([[text]], ["Name"]))
