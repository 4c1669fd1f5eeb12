"""HTML fragments for readers: tables, paragraphs and sections, with every piece of text escaped.

Text that comes from the data (names, notes, URLs) can be hostile. Every function here escapes
what it is given; only :class:`Html` values (built by these functions) pass through unescaped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Iterable, Sequence


@dataclass(frozen=True)
class Html:
    """A fragment of trusted HTML; notebooks display it as rich output."""

    markup: str

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup

    def __add__(self, other: "Html") -> "Html":
        return Html(self.markup + other.markup)


def escape(value) -> str:
    """Escaped text for any value; Html passes through; None becomes an empty string."""
    if isinstance(value, Html):
        return value.markup
    return "" if value is None else html.escape(str(value), quote=True)


def join(parts: Iterable) -> Html:
    return Html("".join(escape(part) for part in parts))


def tag(name: str, content="", **attributes) -> Html:
    """``<name attr="...">content</name>`` with attribute values and content escaped.

    Attribute names come from our code, never from data; ``class_`` becomes ``class``.
    """
    attrs = "".join(f' {key.rstrip("_").replace("_", "-")}="{escape(value)}"'
                    for key, value in attributes.items() if value is not None)
    return Html(f"<{name}{attrs}>{escape(content)}</{name}>")


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
    return tag("section", heading + join(content), class_="briefing-section")


def table(rows: Sequence[Sequence], columns: Sequence[str], *, caption: str | None = None,
          numeric: Iterable[int] = (), note: str | Html | None = None) -> Html:
    """A table with a header row; cells are escaped unless they are Html.

    ``numeric`` lists the positions of columns to right-align; ``note`` goes under the table as
    a source note.
    """
    numeric = set(numeric)
    head = tag("thead", tag("tr", join(tag("th", c, class_="num" if i in numeric else None)
                                       for i, c in enumerate(columns))))
    body = tag("tbody", join(tag("tr", join(tag("td", cell, class_="num" if i in numeric else None)
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
