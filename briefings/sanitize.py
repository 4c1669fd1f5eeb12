"""The exporters' promise: nothing from a notebook can run, fetch, or cover the page.

Every text/html and image/svg+xml output and every Markdown cell (after rendering) of any
notebook, not only ours, goes through :func:`sanitize_html` in the exporters' preprocessor:
nh3 (the Ammonia sanitiser) with an allow-list of the formatting, table and chart elements
briefings use, and attributes that can neither run nor fetch anything.

* **Nothing runs**: ``<script>``, ``<iframe>``, ``<object>``, forms, ``on*`` attributes and
  ``javascript:``/``data:`` links never reach the page.
* **Nothing is fetched**: no ``<img>`` but a chart's own (below), no ``<link>``, no ``<style>``
  (so no ``@import``), no ``style`` attribute (so no ``background: url(...)``), no ``url(...)``
  in any attribute but a reference inside the same SVG (``fill="url(#gradient)"``), and SVG
  references (``<use href>``, gradients, patterns) only to ``#`` fragments of the same image.
* **Nothing covers the page**: with no ``style`` attribute and no ``<style>``, notebook content
  has no ``position: fixed`` overlay, no ``display: none`` over the briefing, no z-index. The
  briefing's own stylesheet, inlined by the template, is the only style on the page; the
  sections and charts carry classes, never inline styles. An SVG's outer element keeps no
  ``transform`` (it could move the image over the text around it).

SVG drawn by plotting libraries (matplotlib writes ``style="fill: #fff; stroke: #000"``) keeps
its look: the presentation properties of a ``style`` attribute on an SVG element
(:data:`PRESENTATION`) become the SVG attributes of the same name, when their values are plain
(colours, lengths, keywords, a local ``url(#id)``); everything else in it is dropped.

One narrow exception, for charts (:class:`briefings.charts.Chart`): an ``<img>`` whose ``src``
is a base64 SVG data URL, with its alt text. A browser draws an SVG loaded as an image without
running its scripts or fetching anything. Any other ``<img>`` is removed whole.
"""

from __future__ import annotations

import html as html_text
import re

import nh3

__all__ = ["sanitize_html", "PRESENTATION"]

_SVG_TAGS = {"svg", "g", "path", "defs", "use", "text", "tspan", "rect", "circle", "ellipse", "line", "polyline",
             "polygon", "clipPath", "symbol", "title", "desc", "linearGradient", "radialGradient", "stop", "mask",
             "pattern", "marker"}
_HTML_TAGS = (set(nh3.ALLOWED_TAGS) - {"map", "area"}) | {"section", "main", "figure", "figcaption", "bdi",
                                                                  "wbr", "time", "caption", "colgroup", "col"}
#: No "style": the briefing's stylesheet is the only style (see the module's docstring).
_GENERIC_ATTRIBUTES = {"class", "id", "title", "lang", "dir", "role", "colspan", "rowspan", "scope",
                       "headers", "datetime", "start", "reversed", "span", "width", "height", "align"}
#: The SVG presentation properties a ``style`` attribute on an SVG element may carry, kept as attributes.
PRESENTATION = frozenset({
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
    "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity", "font-size",
    "font-family", "font-weight", "font-style", "text-anchor", "dominant-baseline", "stop-color", "stop-opacity",
    "clip-rule", "color"})
_SVG_ATTRIBUTES = {"d", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "dx", "dy", "points",
                   "transform", "viewBox", "version", "xmlns", "preserveAspectRatio", "clip-path", "clipPathUnits",
                   "offset", "gradientUnits", "gradientTransform", "mask", "marker-end", "marker-start",
                   "href", "xlink:href", "type"} | PRESENTATION
_ACTIVE_URL = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.IGNORECASE)
#: url(...) anywhere in an attribute: only a fragment of the same document (#id) may follow.
_ANY_URL = re.compile(r"url\(", re.IGNORECASE)
_LOCAL_URL = re.compile(r"url\(\s*['\"]?#[\w.:-]+['\"]?\s*\)", re.IGNORECASE)
#: The only image source kept: a chart's SVG as a base64 data URL (nothing else in it).
_CHART_SRC = re.compile(r"data:image/svg\+xml;base64,[A-Za-z0-9+/]+={0,2}")
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
#: A plain presentation value: colours, numbers, lengths, keywords, font names, a local url(#id).
_PLAIN_VALUE = re.compile(r"[\w\s#.,%+'\"-]*|" + _LOCAL_URL.pattern, re.IGNORECASE)

# A start tag (nothing inside it can be "<" or ">"), and its style attribute.
_START_TAG = re.compile(r"<([A-Za-z][\w:-]*)(\s[^<>]*?)?(/?)>")
_STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_SVG_TAGS_LOWER = {tag.lower() for tag in _SVG_TAGS}


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """Drop any attribute that could run or fetch something: a script or data URL anywhere, a
    ``url(...)`` that is not ``url(#id)``, an SVG reference outside the image, the outer SVG's
    transform; an ``<img>`` keeps its src only when it is a base64 SVG data URL."""
    if tag == "img" and attribute == "src":
        return value if _CHART_SRC.fullmatch(value) else None
    squeezed = "".join(ch for ch in value if ch.isprintable() and not ch.isspace())
    if _ACTIVE_URL.match(squeezed):
        return None
    if _ANY_URL.search(squeezed) and len(_ANY_URL.findall(squeezed)) != len(_LOCAL_URL.findall(value)):
        return None  # a url() to anything but a fragment of this image would be fetched
    if "@import" in squeezed.lower() or "expression(" in squeezed.lower():
        return None
    if attribute in ("href", "xlink:href") and tag in _SVG_TAGS and not value.startswith("#"):
        return None  # an SVG links only within itself
    if tag == "svg" and attribute == "transform":
        return None  # would move the whole image, over the text around it
    return value


def _presentation(style: str) -> list[tuple[str, str]]:
    """The (property, value) pairs of a CSS declaration list that are plain SVG presentation."""
    kept = []
    for declaration in style.split(";"):
        name, colon, value = declaration.partition(":")
        name, value = name.strip().lower(), value.replace("!important", "").strip()
        if colon and name in PRESENTATION and value and _PLAIN_VALUE.fullmatch(value):
            kept.append((name, value))
    return kept


def _svg_style_to_attributes(markup: str) -> str:
    """Each SVG element's ``style`` attribute turned into presentation attributes (see the module's
    docstring), placed first so that they win over attributes of the same name, as CSS would.
    Any other ``style`` is left for nh3 to drop."""
    def tag(match: re.Match) -> str:
        name, attributes, slash = match.group(1), match.group(2) or "", match.group(3)
        found = _STYLE_ATTRIBUTE.search(attributes)
        if name.lower() not in _SVG_TAGS_LOWER or not found:
            return match.group(0)
        style = html_text.unescape(next(g for g in found.groups() if g is not None))
        converted = "".join(f' {prop}="{html_text.escape(value)}"' for prop, value in _presentation(style))
        rest = attributes[:found.start()] + attributes[found.end():]
        return f"<{name}{converted}{rest}{slash}>"

    return _START_TAG.sub(tag, markup)


def sanitize_html(html: str | list, svg: bool = False) -> str:
    """``html`` (an output or rendered Markdown; a list of strings is joined) with nothing that can
    run, fetch or cover the page: see the module's docstring. ``svg`` says the output is an
    image/svg+xml one; inline SVG inside HTML is treated the same way."""
    if isinstance(html, list):
        html = "".join(html)
    if svg or "<svg" in html.lower():
        html = _svg_style_to_attributes(html)
    # "data" is an allowed scheme only so that a chart's src reaches _attribute_filter, which
    # drops every data: URL but that one.
    clean = nh3.clean(html, tags=_HTML_TAGS | _SVG_TAGS, clean_content_tags={"script", "style"},
                      attributes={"*": _GENERIC_ATTRIBUTES | _SVG_ATTRIBUTES, "a": {"href"}, "img": {"src", "alt"}},
                      attribute_filter=_attribute_filter, generic_attribute_prefixes={"aria-", "data-"},
                      url_schemes={"http", "https", "mailto", "data"}, link_rel=None, strip_comments=True)
    return _IMG_WITHOUT_SRC.sub("", clean) if "<img" in clean else clean
