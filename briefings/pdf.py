"""The PDF briefing, typeset by Typst from the same view-models the HTML shows.

:func:`document` turns an executed briefing notebook (after :class:`~briefings.rendering.
BriefingPreprocessor`) into one JSON document: the meta bundle, the title block's view-model,
then the notebook's cells in order as blocks. :func:`compile_pdf` hands it to the Typst compiler
that the PyPI package ``typst`` carries in its wheel (no system library, no TeX, no browser),
with the templates under ``briefings/templates/typst/``: ``briefing.typ`` (page, running header
and footer, metadata), ``lib.typ`` (styles and the renderer of marked-up text) and one template
per section, ``sections/<name>.typ``, reading that section's view-model.

Blocks, in notebook order:

* ``{"kind": "section", "name", "view"}``: a section output's view-model
  (:mod:`briefings.viewmodel`), rendered by its Typst template; a section without a template
  falls back to its HTML, converted as below;
* ``{"kind": "rich", "body"}``: a Markdown cell (rendered by nbconvert's mistune, as in the
  HTML, then sanitised) or a foreign ``text/html`` / ``text/markdown`` output (sanitised), as a
  tree of marked-up text (:func:`html_to_rich`): paragraphs, headings, lists, tables, links,
  emphasis, code and SVG images keep their meaning; layout (CSS, ``style``, classes other than
  ours) and anything else is dropped, its text kept;
* ``{"kind": "image", "format", "data", "alt"}``: an SVG (text), PNG or JPEG (bytes as a list of
  integers) output, with its ``alt`` metadata.

Nothing from a notebook or the data is ever parsed as Typst: every value arrives in the
document as JSON text (``sys.inputs``) and the templates place it as text (the JSON analogue of a
parameterised SQL query), so ``#``, ``[``, ``*``, ``$``, ``@``, ``<`` or a backslash in a CSV
prints as itself.

Text is prepared for print once, here: whitespace collapsed as HTML does, control characters and
bidi formatting characters (overrides, embeddings, isolates, marks) removed, so a right-to-left
override in a name cannot reverse the words after it, and a break opportunity (U+200B) put every
20 characters into runs of more than 40 characters with no space, which Typst would otherwise
let run off the page.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .viewmodel import CHART_KEY, HTML_KEY, SECTION_MIMETYPE

TYPST_DIR = Path(__file__).resolve().parent / "templates" / "typst"
MAIN = TYPST_DIR / "briefing.typ"
#: PDF/UA-1: tagged structure, alt text, language, the title shown in the window (Typst checks it).
PDF_STANDARDS = ["ua-1"]
LANG = "en"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")
UNBROKEN_LIMIT = 40
_PIECE = 20
_UNBROKEN = re.compile(r"\S{%d,}" % (UNBROKEN_LIMIT + 1))
ZWSP = "\u200b"


def print_text(value: str, pre: bool = False) -> str:
    """``value`` ready to print: see the module's docstring. ``pre`` keeps spaces and line ends."""
    value = _BIDI_CONTROLS.sub("", _CONTROL.sub("", value.replace("\t", " ") if pre else value))
    if pre:
        return value
    value = _SPACE.sub(" ", value)
    if len(value) > UNBROKEN_LIMIT and _UNBROKEN.search(value):
        value = _UNBROKEN.sub(lambda m: ZWSP.join(m.group()[i:i + _PIECE]
                                                  for i in range(0, len(m.group()), _PIECE)), value)
    return value


# --------------------------------------------------------------------------------- HTML -> rich

_VOID = {"br", "img", "hr", "wbr", "col", "input", "meta", "link", "source", "area", "base", "embed", "param",
         "track"}
_SKIP = {"script", "style", "head", "title", "template", "noscript", "iframe", "object", "svg", "math", "select",
         "button", "textarea", "form", "colgroup"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_INLINE_STYLES = {"strong": "b", "b": "b", "em": "i", "i": "i", "cite": "i", "dfn": "i", "var": "i", "code": "code",
                  "kbd": "code", "samp": "code", "tt": "code", "sup": "sup", "sub": "sub", "del": "del", "s": "del",
                  "strike": "del", "u": "u", "ins": "u", "small": "small", "mark": "hl"}
#: Classes of our own markup the Typst renderer styles (briefings/templates/typst/lib.typ).
CLASSES = ("flag", "small", "note", "basis", "mark", "not-reported", "law-not-met", "law-met", "law-unknown", "grade",
           "confidence", "confidence-low", "confidence-moderate", "confidence-high", "row-id", "cite", "ref",
           "source-note", "chart-note", "chart-title")
_CHART_SRC = re.compile(r"data:image/svg\+xml;base64,([A-Za-z0-9+/]+={0,2})")


class _Element:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: dict):
        self.tag, self.attrs, self.children = tag, attrs, []


class _TreeBuilder(HTMLParser):
    """A forgiving element tree: unclosed elements close with their parent, stray end tags are ignored."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Element("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = _Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _classes(element: _Element) -> list[str]:
    return [c for c in element.attrs.get("class", "").split() if c in CLASSES]


def _target(href: str) -> dict | None:
    if href.startswith("#") and len(href) > 1:
        return {"to": href[1:]}
    if href.startswith(("https://", "http://", "mailto:")):
        return {"url": href}
    return None


class _Converter:
    def __init__(self):
        self.pre = 0

    def children(self, element: _Element) -> list:
        out = []
        for child in element.children:
            node = self.text(child) if isinstance(child, str) else self.element(child)
            if node is None or node == "":
                continue
            if isinstance(node, list):
                out.extend(node)
            elif isinstance(node, str) and out and isinstance(out[-1], str):
                out[-1] = out[-1] + node
            else:
                out.append(node)
        return out

    def text(self, value: str):
        return print_text(value, pre=bool(self.pre))

    def element(self, el: _Element):
        tag = el.tag
        if tag in _SKIP:
            return None
        anchor = [{"t": "anchor", "id": el.attrs["id"]}] if el.attrs.get("id") and tag not in _HEADINGS else []
        if tag in _HEADINGS:
            return {"t": "h", "l": _HEADINGS[tag], "id": el.attrs.get("id", ""), "c": self.children(el)}
        if tag == "br":
            return {"t": "br"}
        if tag == "hr":
            return {"t": "hr"}
        if tag == "wbr":
            return ZWSP
        if tag == "img":
            found = _CHART_SRC.fullmatch(el.attrs.get("src", ""))
            if not found:
                return el.attrs.get("alt") or None
            svg = base64.b64decode(found.group(1)).decode("utf-8", "replace")
            return {"t": "img", "svg": _sanitised_svg(svg), "alt": print_text(el.attrs.get("alt") or "Image")}
        if tag == "a":
            target = _target(el.attrs.get("href", ""))
            body = self.children(el)
            classes = _classes(el)
            node = {"t": "a", **target, "c": body} if target else body
            return anchor + [{"t": "s", "cls": classes, "c": [node] if isinstance(node, dict) else node}
                             if classes else node]
        if tag in ("ul", "ol"):
            items, ids, numbers = [], [], []
            for li in el.children:
                if isinstance(li, _Element) and li.tag == "li":
                    items.append(self.children(li))
                    ids.append(li.attrs.get("id", ""))
                    value = li.attrs.get("value", "")
                    numbers.append(int(value) if value.isdigit() else None)
                elif isinstance(li, _Element):  # stray content between items: its own item
                    items.append(self.children(_wrap(li)))
                    ids.append("")
                    numbers.append(None)
            start = el.attrs.get("start", "")
            return anchor + [{"t": "list", "ordered": tag == "ol", "items": items, "ids": ids,
                              "numbers": numbers, "start": int(start) if start.isdigit() else 1}]
        if tag == "dl":
            items = []
            for child in el.children:
                if isinstance(child, _Element) and child.tag in ("dt", "dd"):
                    items.append({"dt": child.tag == "dt", "c": self.children(child)})
                elif isinstance(child, _Element):  # <div><dt>..</dt><dd>..</dd></div>
                    items += [{"dt": g.tag == "dt", "c": self.children(g)} for g in child.children
                              if isinstance(g, _Element) and g.tag in ("dt", "dd")]
            return anchor + [{"t": "dl", "items": items}]
        if tag == "table":
            return anchor + [self.table(el)]
        if tag == "pre":
            self.pre += 1
            try:
                return anchor + [{"t": "pre", "c": self.children(el)}]
            finally:
                self.pre -= 1
        if tag in _INLINE_STYLES:
            return anchor + [{"t": _INLINE_STYLES[tag], "c": self.children(el)}]
        if tag in ("p", "figcaption", "caption", "blockquote", "address", "dt", "dd", "summary"):
            return anchor + [{"t": "quote" if tag == "blockquote" else "p", "cls": _classes(el), "c": self.children(el)}]
        if tag in ("div", "section", "main", "article", "header", "footer", "aside", "nav", "figure", "details",
                   "li", "tbody", "thead", "tfoot", "tr", "td", "th"):
            return anchor + [{"t": "block", "cls": _classes(el), "c": self.children(el)}]
        # inline containers (span, bdi, time, abbr, q, label...) and anything unknown: their text
        classes = _classes(el)
        body = self.children(el)
        return anchor + ([{"t": "s", "cls": classes, "c": body}] if classes else body)

    def table(self, el: _Element) -> dict:
        head, body, caption, ids = [], [], [], []

        def rows(parent, into, ids_into):
            for child in parent.children:
                if not isinstance(child, _Element):
                    continue
                if child.tag == "tr":
                    cells = []
                    for cell in child.children:
                        if isinstance(cell, _Element) and cell.tag in ("td", "th"):
                            span = cell.attrs.get("colspan", "1")
                            cells.append({"c": self.children(cell), "th": cell.tag == "th",
                                          "num": "num" in cell.attrs.get("class", "").split(),
                                          "span": min(int(span), 50) if span.isdigit() and int(span) > 0 else 1})
                    if cells:
                        into.append(cells)
                        ids_into.append(child.attrs.get("id", ""))
                elif child.tag == "thead":
                    rows(child, head, [])
                elif child.tag in ("tbody", "tfoot"):
                    rows(child, into, ids_into)
                elif child.tag == "caption":
                    caption.extend(self.children(child))

        rows(el, body, ids)
        if not head and body and all(c["th"] for c in body[0]):
            head, body, ids = [body[0]], body[1:], ids[1:]
        return {"t": "table", "head": head, "body": body, "ids": ids, "caption": caption}


def _wrap(element: _Element) -> _Element:
    wrapper = _Element("div", {})
    wrapper.children.append(element)
    return wrapper


def html_to_rich(markup: str) -> list:
    """Sanitised HTML as a list of rich nodes (text, or ``{"t": type, ...}``) for ``lib.typ``'s ``rich``."""
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    return _Converter().children(builder.root)


# ------------------------------------------------------------------------------ the document


_SVG_OPEN = re.compile(r"<svg\b")


def _standalone_svg(clean: str) -> str:
    """Sanitised SVG (serialised as HTML) as a standalone XML document again: the namespaces the
    sanitiser drops are declared, and ``&nbsp;`` (which XML does not define) is written as a number."""
    clean = clean.replace("&nbsp;", "&#160;")
    head = clean[:clean.find(">") + 1] if "<svg" in clean[:200] else ""
    if "xmlns=" not in head:
        clean = _SVG_OPEN.sub('<svg xmlns="http://www.w3.org/2000/svg"', clean, count=1)
    if "xlink:" in clean and "xmlns:xlink" not in head:
        clean = _SVG_OPEN.sub('<svg xmlns:xlink="http://www.w3.org/1999/xlink"', clean, count=1)
    return clean


def _sanitised_svg(svg: str) -> str:
    """A chart's SVG through the same sanitiser as every SVG output, as standalone XML."""
    from .rendering import sanitize_html

    return _standalone_svg(sanitize_html(svg, svg=True))


def prepare(value: Any) -> Any:
    """A view-model from a notebook, ready for the templates: text as :func:`print_text`, our
    markup (``$html``) as rich nodes, charts with sanitised SVG and their texts prepared."""
    if isinstance(value, str):
        return print_text(value)
    if isinstance(value, list):
        return [prepare(v) for v in value]
    if isinstance(value, dict):
        if HTML_KEY in value and len(value) == 1:
            from .rendering import sanitize_html

            return {"t": "seq", "c": html_to_rich(sanitize_html(str(value[HTML_KEY])))}
        if CHART_KEY in value and len(value) == 1 and isinstance(value[CHART_KEY], dict):
            chart = value[CHART_KEY]
            return {"t": "chart", "title": print_text(str(chart.get("title", ""))),
                    "svg": _sanitised_svg(str(chart.get("svg", ""))),
                    "alt": print_text(str(chart.get("alt", "") or chart.get("title", "") or "Chart")),
                    "note": print_text(str(chart.get("note", "")))}
        return {str(k): prepare(v) for k, v in value.items()}
    return value


def _section_templates() -> frozenset:
    return frozenset(p.stem for p in (TYPST_DIR / "sections").glob("*.typ")) - {"header"}  # header: the meta bundle


def _image_block(data: dict, metadata: dict) -> dict | None:
    alt = print_text(str((metadata or {}).get("alt") or "Image"))
    if "image/svg+xml" in data:
        svg = data["image/svg+xml"]
        svg = "".join(svg) if isinstance(svg, list) else svg
        return {"kind": "image", "format": "svg", "data": _standalone_svg(svg), "alt": alt}
    for mime, fmt in (("image/png", "png"), ("image/jpeg", "jpg")):
        if mime in data:
            raw = data[mime]
            raw = "".join(raw) if isinstance(raw, list) else raw
            try:
                payload = base64.b64decode(raw.replace("\n", ""), validate=False)
            except ValueError:
                return None
            return {"kind": "image", "format": fmt, "data": list(payload), "alt": alt}
    return None


def _section_data(data: dict) -> dict | None:
    raw = data.get(SECTION_MIMETYPE)
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    if isinstance(raw, dict) and isinstance(raw.get("section"), str):
        return raw
    return None


def blocks(nb) -> list[dict]:
    """The notebook's cells (already through BriefingPreprocessor: sanitised, code-facing
    outputs gone) as the document's blocks, in order."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from .rendering import sanitize_html

    templates = _section_templates()
    out: list[dict] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            body = html_to_rich(sanitize_html(markdown2html_mistune(cell.source)))
            if body:
                out.append({"kind": "rich", "body": body})
            continue
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            section = _section_data(data)
            if section is not None and section["section"] in templates:
                if section.get("view") is not None:
                    out.append({"kind": "section", "name": section["section"], "view": prepare(section["view"])})
                continue
            if "text/html" in data:  # foreign HTML, or a section without a Typst template
                html = data["text/html"]
                body = html_to_rich("".join(html) if isinstance(html, list) else html)
                if body:
                    out.append({"kind": "rich", "body": body})
            elif "text/markdown" in data:
                source = data["text/markdown"]
                body = html_to_rich(sanitize_html(markdown2html_mistune(
                    "".join(source) if isinstance(source, list) else source)))
                if body:
                    out.append({"kind": "rich", "body": body})
            else:
                image = _image_block(data, output.get("metadata") or {})
                if image:
                    out.append(image)
    return out


def document(nb, briefing: dict) -> dict:
    """The Typst document for an executed, preprocessed notebook; ``briefing`` is the
    preprocessor's ``resources["briefing"]``."""
    from .sections.header import view as header_view

    meta = briefing["meta"]
    header = header_view(meta, briefing.get("figures_csv", ""), briefing.get("annex_pdf_href", ""))
    return {"lang": LANG,
            "meta": {"title": print_text(meta["title"]) or "Briefing", "subject": print_text(meta["subject"]),
                     "author": print_text(meta.get("author", "")), "keywords": [print_text(k) for k in briefing["keywords"]]},
            "header": prepare(header),
            "blocks": _with_annex(blocks(nb), briefing.get("annex_pdf_href", ""))}


def _with_annex(found: list[dict], annex_pdf: str) -> list[dict]:
    """The appendix links each cited row to its row in the build's data annex: the annex's PDF
    from the PDF (its address is known only here, at export)."""
    for block in found:
        if block["kind"] == "section" and block["name"] == "appendix" and isinstance(block["view"], dict):
            block["view"]["annex_pdf"] = print_text(annex_pdf).replace(ZWSP, "")
    return found


# ------------------------------------------------------------------------------------ compile

_local = threading.local()


def _font_dirs() -> list[str]:
    """The fonts every briefing uses: DejaVu Serif, Sans and Sans Mono, as shipped inside
    matplotlib's wheel (the charts' font too), so the PDF is the same on every machine."""
    import matplotlib

    return [str(Path(matplotlib.get_data_path()) / "fonts" / "ttf")]


def _compiler():
    compiler = getattr(_local, "compiler", None)
    if compiler is None:
        import typst

        fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=_font_dirs())
        compiler = typst.Compiler(str(MAIN), root=str(TYPST_DIR), font_paths=fonts, ignore_system_fonts=True)
        _local.compiler = compiler
    return compiler


class PDFError(RuntimeError):
    """Typst refused the document (a template error, or a PDF/UA rule it breaks)."""


def compile_pdf(doc: dict, timestamp=None) -> bytes:
    """PDF bytes for a document made by :func:`document` (PDF/UA-1, fonts embedded and subset).

    ``timestamp`` (aware datetime or UNIX seconds) is the PDF's creation date; None leaves it out,
    so the same inputs give the same bytes."""
    import typst

    try:
        return _compiler().compile(format="pdf", sys_inputs={"briefing": json.dumps(doc, ensure_ascii=False)},
                                   pdf_standards=PDF_STANDARDS, timestamp=timestamp)
    except typst.TypstError as error:
        raise PDFError(f"Typst could not typeset the briefing: {error.message}"
                       + "".join(f"\n  {t}" for t in error.trace)
                       + "".join(f"\n  hint: {h}" for h in error.hints)) from None


def warm() -> None:
    """Make this thread's Typst compiler and let it load its fonts (a worker does this before
    its first briefing, so that briefing costs no more than the rest)."""
    compile_pdf({"lang": LANG, "meta": {"title": "warm", "subject": "", "author": "", "keywords": []},
                 "header": {"title": "warm", "subject": "", "marking": "", "as_of": "", "generated": "",
                            "data_version": "", "figures_href": "", "annex_href": "", "as_of_display": "", "generated_display": "",
                            "run": {"title": "", "marking": "", "as_of": "", "data_version": ""}},
                 "blocks": [{"kind": "rich", "body": ["warm", {"t": "b", "c": ["warm"]}]}]})
