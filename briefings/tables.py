"""HTML fragments for readers: tables, paragraphs and sections, with every piece of text escaped.

Text that comes from the data (names, notes, URLs) can be hostile. Every function here escapes
what it is given; only :class:`Html` values (built by these functions) pass through unescaped.
Two more things keep hostile text readable without letting it change the page around it:

* text holding right-to-left letters or bidi control characters (such as an unclosed
  right-to-left override, U+202E) is isolated in ``<bdi>``, so it cannot reorder the words after
  it; it is shown as written, not stripped;
* in a table cell, a run of more than :data:`UNBROKEN_LIMIT` characters with no space (a
  10,000-character string) gets a break point (``<wbr>``) every 20 characters: otherwise it sets
  its column's minimum width and the table runs off the PDF page, cutting every row short.
  (``<wbr>``, not CSS ``overflow-wrap: anywhere``: WeasyPrint sizes a table cell holding such a
  run in time quadratic in its length, minutes for 10,000 characters.)
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

#: A run of more characters than this without a space gets break points in a table cell.
UNBROKEN_LIMIT = 40
_PIECE = 20  # characters between those break points
# Right-to-left letters (Hebrew, Arabic, Syriac, Thaana, N'Ko, ... and their presentation forms)
# and the bidi formatting characters (marks, embeddings, overrides, isolates).
_BIDI = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff"
                   "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNBROKEN = re.compile(r"\S{%d,}" % (UNBROKEN_LIMIT + 1))


#: Classes that keep notebook maths typesetters off our text, so "$200–300 … $48M" stays money:
#: ``mathjax_ignore`` is MathJax 3's default ``ignoreHtmlClass`` (JupyterLab 4, Notebook 7);
#: ``tex2jax_ignore`` is MathJax 2's (classic Notebook, older JupyterLab, nbconvert's lab template).
MATH_IGNORE_CLASSES = "tex2jax_ignore mathjax_ignore"
#: Class of the wrapper every notebook output gets; the notebook stylesheet is scoped to it.
NOTEBOOK_WRAPPER_CLASS = "briefing-output"
#: Class of the notebook-only ``<style>``; exporters drop it (they inline the full stylesheet once).
NOTEBOOK_STYLE_CLASS = "briefing-notebook-style"
_WRAPPER_OPEN = f'<div class="{NOTEBOOK_WRAPPER_CLASS} {MATH_IGNORE_CLASSES}">'
_STYLE_OPEN = f'<style class="{NOTEBOOK_STYLE_CLASS}">'
_WRAPPED = re.compile(re.escape(_WRAPPER_OPEN) + "(?:" + re.escape(_STYLE_OPEN) + ".*?</style>)?(.*)</div>\\s*",
                      re.DOTALL)


def notebook_html(markup: str) -> str:
    """``markup`` as a notebook output shows it: in one ``<div class="briefing-output tex2jax_ignore
    mathjax_ignore">`` that carries the briefing stylesheet scoped to that class.

    The wrapper is what makes the notebook look like the briefing: JupyterLab's MathJax skips
    everything inside an element with ``mathjax_ignore`` (checked in a real JupyterLab by
    tools/check_jupyterlab.py), whatever the content is (key judgements, tables, header, a
    chart's ``<figure>``), and the ``<style>`` inside applies to nothing outside it. Each output
    carries its own copy (about 7 kB), so an output looks right however cells are run, cleared
    or re-run. :func:`strip_notebook_wrapper` undoes this for the exporters.
    """
    from briefings.notebook_css import scoped_css  # cached: the stylesheet is read once per process

    return f"{_WRAPPER_OPEN}{_STYLE_OPEN}{scoped_css()}</style>{markup}</div>"


def strip_notebook_wrapper(markup: str) -> str:
    """The markup :func:`notebook_html` wrapped, without its wrapper and notebook-only style;
    any other markup unchanged."""
    found = _WRAPPED.fullmatch(markup)
    return found.group(1) if found else markup


@dataclass(frozen=True)
class Html:
    """A fragment of trusted HTML; notebooks display it as rich output (see :func:`notebook_html`).

    ``markup`` and ``str()`` are the bare fragment, for composing and for the exporters;
    only the notebook display adds the wrapper and its stylesheet.
    """

    markup: str

    def _repr_html_(self) -> str:
        return notebook_html(self.markup)

    def __str__(self) -> str:
        return self.markup

    def __add__(self, other: "Html") -> "Html":
        return Html(self.markup + other.markup)

    def __html__(self) -> str:  # Jinja2 (markupsafe) inserts it unescaped
        return self.markup


def escape(value) -> str:
    """Escaped text for any value; Html passes through; None becomes an empty string."""
    if isinstance(value, Html):
        return value.markup
    return "" if value is None else html.escape(str(value), quote=True)


#: Text from the data that holds right-to-left letters or bidi controls (see :func:`register_data_text`).
_DATA_BIDI: set[str] = set()


def register_data_text(values: Iterable) -> None:
    """Remember every value from the data that holds right-to-left letters or bidi controls, so a
    sentence of ours that quotes one isolates exactly that value, not the whole sentence: an
    override in a name then cannot reverse the words after it in the same sentence."""
    _DATA_BIDI.update(str(v) for v in values if isinstance(v, str) and v and _BIDI.search(v))


def _quoted_data(sentence: str) -> list[str]:
    return [v for v in _DATA_BIDI if v in sentence and v != sentence] if _BIDI.search(sentence) else []


def text(value) -> str:
    """Escaped text for a reader, isolated in ``<bdi>`` when it holds right-to-left or bidi
    control characters; Html passes through. Our own words never hold them, so in practice
    only text from the data is wrapped: a registered data value quoted inside a longer sentence
    is isolated on its own."""
    if not isinstance(value, Html) and value is not None and _quoted_data(str(value)):
        return isolated_within(str(value), _quoted_data(str(value))).markup
    return _isolated(value, escape(value))


def isolated_within(sentence: str, values: Iterable[str]) -> Html:
    """Our own ``sentence`` as HTML, with each of ``values`` (text from the data quoted in it) that
    holds right-to-left or bidi control characters isolated in its own ``<bdi>``, so it cannot
    reorder the words of the sentence around it."""
    found = [v for v in values if v and _BIDI.search(v) and v in sentence]
    if not found:
        return Html(_isolated(sentence, escape(sentence)))
    pattern = re.compile("|".join(re.escape(v) for v in sorted(found, key=len, reverse=True)))
    parts, end = [], 0
    for match in pattern.finditer(sentence):
        parts += [escape(sentence[end:match.start()]), f"<bdi>{escape(match.group())}</bdi>"]
        end = match.end()
    parts.append(escape(sentence[end:]))
    return Html("".join(parts))


def _isolated(value, markup: str) -> str:
    if not isinstance(value, Html) and _BIDI.search(markup):
        return f"<bdi>{markup}</bdi>"
    return markup


def _cell(value) -> Html:
    """A table cell's content: :func:`text`, with over-long unbroken runs given break points."""
    if isinstance(value, Html):
        return value
    raw, parts, end = "" if value is None else str(value), [], 0
    if _quoted_data(raw):  # a data value quoted in a longer cell: isolate the value itself
        return Html(text(raw))
    for run in _UNBROKEN.finditer(raw):  # measured and cut on the text as read, never inside an entity
        pieces = [run.group()[i:i + _PIECE] for i in range(0, len(run.group()), _PIECE)]
        parts += [escape(raw[end:run.start()]), "<wbr>".join(escape(piece) for piece in pieces)]
        end = run.end()
    parts.append(escape(raw[end:]))
    return Html(_isolated(value, "".join(parts)))


def join(parts: Iterable) -> Html:
    return Html("".join(text(part) for part in parts))


def tag(name: str, content="", **attributes) -> Html:
    """``<name attr="...">content</name>`` with attribute values and content escaped.

    Attribute names come from our code, never from data; ``class_`` becomes ``class``.
    """
    attrs = "".join(f' {key.rstrip("_").replace("_", "-")}="{escape(value)}"'
                    for key, value in attributes.items() if value is not None)
    return Html(f"<{name}{attrs}>{text(content)}</{name}>")


def slug(text: str) -> str:
    """A safe HTML id from a heading: lower case letters, digits and hyphens only."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def paragraph(*parts, class_: str | None = None) -> Html:
    return tag("p", join(parts), class_=class_)


def flag(text: str) -> Html:
    """A small warning label such as 'single source'."""
    return tag("span", text, class_="flag")


def cite(number: int | None) -> Html:
    """A link to a numbered entry of the sources appendix: '[3]'."""
    if number is None:
        return Html("")
    return tag("a", f"[{number}]", href=f"#source-{number}", class_="cite")


def section(title: str, *content, level: int = 2) -> Html:
    """A titled section; the heading carries a slug id so the table of contents can link to it."""
    heading = tag(f"h{level}", title, id=slug(title))
    # tex2jax_ignore / mathjax_ignore: JupyterLab must not read "$200 … $300" in our text as maths.
    return tag("section", heading + join(content), class_="briefing-section tex2jax_ignore mathjax_ignore")


def table(rows: Sequence[Sequence], columns: Sequence[str], *, caption: str | None = None,
          numeric: Iterable[int] = (), note: str | Html | None = None) -> Html:
    """A table with a header row; cells are escaped unless they are Html.

    ``numeric`` lists the positions of columns to right-align; ``note`` goes under the table as
    a source note.
    """
    numeric = set(numeric)
    head = tag("thead", tag("tr", join(tag("th", c, class_="num" if i in numeric else None)
                                       for i, c in enumerate(columns))))
    body = tag("tbody", join(tag("tr", join(tag("td", _cell(cell), class_="num" if i in numeric else None)
                                            for i, cell in enumerate(row))) for row in rows))
    parts = [tag("caption", caption) if caption else Html(""), head, body]
    markup = tag("table", join(parts), class_="briefing-table")
    if note:
        markup = markup + paragraph(note, class_="source-note")
    return markup


def bullet_list(items: Iterable, *, ordered: bool = False, class_: str | None = None, ids=None) -> Html:
    ids = list(ids) if ids is not None else None
    entries = join(tag("li", item, id=None if ids is None else ids[i]) for i, item in enumerate(items))
    return tag("ol" if ordered else "ul", entries, class_=class_)
