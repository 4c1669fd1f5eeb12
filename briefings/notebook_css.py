"""The briefing stylesheet as a notebook output can carry it: every rule scoped to one wrapper class.

In JupyterLab a ``<style>`` inside an HTML output applies to the whole page, JupyterLab's own menus
and panels included. :func:`scoped_css` therefore rewrites ``styles/briefing.css`` (the exporters'
stylesheet, kept the single source) so each selector only matches inside ``.briefing-output``:
``h2`` becomes ``.briefing-output h2``, and the page-level ``html``/``body`` rules apply to the
wrapper itself. Print-only parts (``@page``, ``@media print``) are left out: a notebook is a screen.

The wrapper also redefines JupyterLab's colour variables to their light-theme values and gives itself
a white background, so under the dark theme an output is a white page with the reader's colours
(flags, grades, confidence) rather than dark text on a dark panel. The exported HTML and PDF never
contain any of this: their preprocessor strips the notebook-only ``<style>`` (see
:func:`briefings.tables.strip_notebook_wrapper`) and the template inlines the full stylesheet once.

The CSS parsing here is deliberately small: comments, strings, blocks and top-level selector lists,
enough for our own stylesheet (a test checks every rule it produces is scoped).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

CSS_PATH = Path(__file__).parent / "styles" / "briefing.css"
#: The class of the element that wraps every briefing output in a notebook.
SCOPE = "briefing-output"

# Only in notebooks (already scoped): JupyterLab's output styles (.jp-RenderedHTMLCommon) use theme variables, striped
# table rows and right-aligned cells; inside a briefing output they take the reader's light values.
# The wrapper is a block of the page, not the page: no centring, no page padding (body's rule); it grows
# past the reader's 56rem when a table cannot be narrower, so the white page under the dark theme holds it.
_NOTEBOOK_ONLY = f"""
.{SCOPE} {{
  --jp-content-font-color0: #000; --jp-content-font-color1: #1a1a1a; --jp-content-font-color2: #444;
  --jp-ui-font-color0: #000; --jp-ui-font-color1: #1a1a1a; --jp-ui-font-color2: #444;
  --jp-layout-color0: #fff; --jp-layout-color1: #fff; --jp-border-color1: #bdbdbd; --jp-border-color2: #e0e0e0;
  --jp-content-link-color: #1d4e89; --jp-rendermime-table-row-background: transparent;
  --jp-rendermime-table-row-hover-background: #eef3f9;
  margin: 0; padding: 0.4rem 0.9rem 0.2rem; color-scheme: light; min-width: min-content;
}}
.{SCOPE} table.briefing-table {{ table-layout: auto; margin-left: 0; margin-right: 0; color: inherit; }}
.{SCOPE} table.briefing-table tbody tr {{ background: transparent; }}
.{SCOPE} table.briefing-table td, .{SCOPE} table.briefing-table th {{ line-height: inherit; }}
"""

_COMMENT_OR_STRING = re.compile(r"""("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')|/\*.*?\*/""", re.DOTALL)


def _blocks(css: str) -> list[tuple[str, str | None]]:
    """Top-level ``(prelude, body)`` pairs of ``css`` (comments already removed); a statement
    without a block (``@import ...;``) has body None."""
    blocks, start, depth, i, quote = [], 0, 0, 0, None
    body_start = 0  # just after the block's opening brace
    while i < len(css):
        ch = css[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "{":
            if depth == 0:
                body_start = i + 1
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                blocks.append((css[start:body_start - 1].strip(), css[body_start:i]))
                start = i + 1
        elif ch == ";" and depth == 0:
            blocks.append((css[start:i].strip(), None))
            start = i + 1
        i += 1
    return [(prelude, body) for prelude, body in blocks if prelude]


def _one_line(text: str) -> str:
    """``text`` on one line; only whitespace around line breaks goes (a CSS string holds no raw newline)."""
    return re.sub(r"\s*\n\s*", " ", text.strip())


def _split_selectors(prelude: str) -> list[str]:
    """``a, b:is(c, d)`` -> ``["a", "b:is(c, d)"]``: commas inside brackets or strings do not split."""
    parts, depth, start, quote = [], 0, 0, None
    for i, ch in enumerate(prelude):
        if quote:
            quote = None if ch == quote and prelude[i - 1] != "\\" else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(prelude[start:i])
            start = i + 1
    parts.append(prelude[start:])
    return [_one_line(p) for p in parts if p.strip()]


def _scope_selector(selector: str) -> str:
    first, _, rest = selector.partition(" ")
    if first in ("html", "body", ":root"):  # the page's own rules apply to the wrapper
        return f".{SCOPE} {rest}".strip() if rest else f".{SCOPE}"
    return f".{SCOPE} {selector}"


def _scope(css: str) -> str:
    out = []
    for prelude, body in _blocks(css):
        if body is None:
            continue  # @import / @charset: nothing of the kind belongs in an output
        if prelude.startswith("@"):
            keyword = prelude.split(None, 1)[0].lower()
            query = prelude[len(keyword):].strip().lower()
            if keyword in ("@media", "@supports"):
                if keyword == "@media" and "print" in query and "screen" not in query:
                    continue  # print layout: for the PDF only
                inner = _scope(body)
                if inner:
                    out.append(f"{prelude}{{{inner}}}")
            # @page, @font-face, @keyframes...: page or global definitions, not for a notebook
            continue
        selectors = ",".join(_scope_selector(s) for s in _split_selectors(prelude))
        declarations = _one_line(body)
        out.append(f"{selectors}{{{declarations}}}")
    return "\n".join(out)


def scope_css(css: str) -> str:
    """``css`` with every selector confined to ``.briefing-output`` (see the module docstring)."""
    css = _COMMENT_OR_STRING.sub(lambda m: m.group(1) or "", css)
    return _scope(css)


@lru_cache(maxsize=1)
def scoped_css() -> str:
    """The briefing stylesheet scoped to ``.briefing-output``, plus the notebook-only rules; read once."""
    return scope_css(CSS_PATH.read_text(encoding="utf-8")) + "\n" + " ".join(_NOTEBOOK_ONLY.split())
