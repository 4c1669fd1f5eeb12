"""Render executed briefing notebooks into reader-facing HTML and PDF.

Readers never see code: only cell outputs (``text/html``, SVG/PNG charts,
markdown) reach the page. The notebook's single meta bundle
(``application/vnd.briefing.meta+json``) supplies title, subject, as-of date,
marking, generation time and data version for the header, footer, running
page header and PDF document metadata.

The figures bundle (``application/vnd.briefing.figures+json``, at most one,
``{"columns": [...], "rows": [[...], ...]}``) is never shown: it becomes
``<name>-figures.csv`` beside the HTML (written by :func:`render_briefing`, and
by ``jupyter nbconvert`` from ``resources["outputs"]``), and the header links it.

Public API
----------
- ``BriefingHTMLExporter`` -- nbconvert exporter ``briefing_html``
- ``BriefingPDFExporter``  -- nbconvert exporter ``briefing_pdf`` (Typst, see briefings.pdf)
- ``render_briefing(nb, out_dir, stem, formats)`` -- both files
- ``notebook_to_pdf(nb, briefing)`` -- the PDF step on its own, for a preprocessed notebook
- ``read_meta(nb)`` -- the meta bundle with fallbacks
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import re
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import pass_context
from nbconvert.exporters import Exporter, HTMLExporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool, default, validate
from traitlets.config import Config

from briefings.tables import strip_notebook_wrapper

__all__ = [
    "META_MIMETYPE",
    "META_KEYS",
    "READER_MIMETYPES",
    "BriefingHTMLExporter",
    "BriefingPDFExporter",
    "BriefingPreprocessor",
    "FIGURES_MIMETYPE",
    "FiguresError",
    "NotABriefing",
    "figures_csv",
    "read_figures",
    "check_executed_briefing",
    "notebook_to_pdf",
    "read_meta",
    "render_briefing",
]

from .briefing import FIGURES_MIMETYPE, META_MIMETYPE  # noqa: E402,F401 - declared once, with the outputs that carry them
from .ledger import LEDGER_MIMETYPE, ledger_bytes, ledger_file_name, read_ledger  # noqa: E402 - the claim ledger, written as a file
from .sanitize import sanitize_html  # noqa: E402,F401 - nothing from a notebook can run, fetch or cover the page
from .sections.header import META_KEYS, render_header, view as header_view  # noqa: E402 - the one header

#: Output mimetypes readers may see, in order of preference (vector first).
#: No JavaScript, widgets or text/plain reprs.
READER_MIMETYPES = ("text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg")

#: Cells with these tags are dropped whole (input and output).
HIDDEN_TAGS = frozenset({"parameters", "injected-parameters"})

TEMPLATES_DIR = Path(__file__).parent / "templates"
CSS_PATH = Path(__file__).parent / "styles" / "briefing.css"

# C0/C1 control characters other than tab/newline never belong in a title and
# some (NUL) break HTML/XML tooling downstream.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SVG_PROLOG_RE = re.compile(r"^.*?(?=<svg[\s>])", re.DOTALL)


# --------------------------------------------------------------------------
# meta bundle and contents
# --------------------------------------------------------------------------


def _clean(value: Any) -> str:
    """Return ``value`` as a string without control characters ('' for None)."""
    if value is None:
        return ""
    return _CONTROL_RE.sub("", str(value)).strip()


def _meta_from_output(output: NotebookNode) -> dict[str, Any] | None:
    """Return the meta dict carried by one output, or None if it has none."""
    data = output.get("data") or {}
    if META_MIMETYPE not in data:
        return None
    raw = data[META_MIMETYPE]
    if isinstance(raw, str):  # JSON left as text by some writers
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    return raw if isinstance(raw, dict) else {}


def read_meta(nb: NotebookNode, fallback_title: str = "") -> dict[str, str]:
    """Return the briefing meta bundle of ``nb`` as a dict of the META_KEYS.

    Values are strings with control characters removed (not HTML-escaped: the
    template escapes). Missing bundle or keys give ``""``; a missing title
    gives ``fallback_title``. Never raises on malformed metadata.
    """
    found: dict[str, Any] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            meta = _meta_from_output(output)
            if meta is not None:
                found = meta
                break
        if found:
            break
    meta = {key: _clean(found.get(key)) for key in META_KEYS}
    if not meta["title"]:
        meta["title"] = _clean(fallback_title) or "Briefing"
    return meta


class _H2Collector(HTMLParser):
    """Collects ``(id, text)`` of every ``<h2 id=...>`` in an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[dict[str, str]] = []
        self._id: str | None = None
        self._text: list[str] = []
        self._skip = 0  # depth inside nbconvert's pilcrow anchor link

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h2":
            self._id, self._text, self._skip = attrs.get("id") or "", [], 0
        elif self._id is not None and tag == "a" and "anchor-link" in (attrs.get("class") or ""):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "a" and self._skip:
            self._skip -= 1
        elif tag == "h2" and self._id is not None:
            text = " ".join("".join(self._text).split())
            if self._id:  # a heading without an id cannot be linked to
                self.headings.append({"id": self._id, "text": text})
            self._id = None

    def handle_data(self, data):
        if self._id is not None and not self._skip:
            self._text.append(data)


def _h2s(html: str) -> list[dict[str, str]]:
    """Return ``[{"id", "text"}]`` for each h2 with an id in ``html``."""
    if "<h2" not in html.lower():  # skip parsing the common case
        return []
    parser = _H2Collector()
    parser.feed(html)
    parser.close()
    return parser.headings


# --------------------------------------------------------------------------
# the figures behind a briefing, as CSV
# --------------------------------------------------------------------------


class FiguresError(ValueError):
    """The notebook's figures output is not ``{"columns": [str, ...], "rows": [[...], ...]}``, or there are two."""


#: A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def read_figures(nb: NotebookNode) -> dict | None:
    """The notebook's figures table ``{"columns", "rows"}``, or None when it has no figures output.

    Raises :class:`FiguresError` when there is more than one, or its shape is not the contract's
    (a list of column names, and rows that are lists as long as the columns).
    """
    found = [output.get("data", {})[FIGURES_MIMETYPE]
             for cell in nb.get("cells", []) if cell.get("cell_type") == "code"
             for output in cell.get("outputs", []) if FIGURES_MIMETYPE in (output.get("data") or {})]
    if not found:
        return None
    if len(found) > 1:
        raise FiguresError(f"the notebook has {len(found)} {FIGURES_MIMETYPE} outputs; a briefing shows one table of "
                           "figures")
    figures = found[0]
    if isinstance(figures, str):  # JSON left as text by some writers
        try:
            figures = json.loads(figures)
        except ValueError as error:
            raise FiguresError(f"{FIGURES_MIMETYPE} output is not JSON: {error}") from None
    columns = figures.get("columns") if isinstance(figures, dict) else None
    rows = figures.get("rows") if isinstance(figures, dict) else None
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns) or not isinstance(rows, list):
        raise FiguresError(f'{FIGURES_MIMETYPE} output must be {{"columns": [str, ...], "rows": [[...], ...]}}')
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, list) or len(row) != len(columns):
            raise FiguresError(f"{FIGURES_MIMETYPE} output: row {number} is not a list of {len(columns)} values")
    return {"columns": list(columns), "rows": [list(row) for row in rows]}


def _csv_cell(value: Any) -> Any:
    """One cell as the CSV module should write it: numbers stay numbers (a negative number is a
    number, not a formula); text that a spreadsheet would run as a formula gets a leading ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return "" if isinstance(value, float) and not math.isfinite(value) else value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def figures_csv(figures: dict) -> str:
    """The figures table as CSV text: a header row, then one row per figure (plain UTF-8 when
    encoded, no BOM; formula-like text neutralised, see :func:`_csv_cell`).

    RFC 4180 line ends (CRLF, the csv module's default): with them the writer quotes any cell
    holding a CR or LF, so a carriage return in a cell can never end a row early (with ``"\\n"``
    as terminator, a cell's lone CR goes out unquoted)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([_csv_cell(c) for c in figures["columns"]])
    writer.writerows([_csv_cell(v) for v in row] for row in figures["rows"])
    return buffer.getvalue()


def figures_file_name(stem: str) -> str:
    return f"{stem}-figures.csv"


_CSS_CACHE: str | None = None


def _css() -> str:
    """Return the briefing stylesheet text (read once per process)."""
    global _CSS_CACHE
    if _CSS_CACHE is None:
        _CSS_CACHE = CSS_PATH.read_text(encoding="utf-8")
    return _CSS_CACHE


class BriefingPreprocessor(Preprocessor):
    """Strip everything code-facing and gather what the template needs.

    Removes cells tagged ``parameters``/``injected-parameters``, every stream
    and error output, outputs with no READER_MIMETYPES, the meta-bundle
    output (its content becomes the header) and the figures output (it becomes
    ``resources["outputs"]["<name>-figures.csv"]``, linked from the header).
    Puts ``resources["briefing"]`` = dict(meta, toc, run, css, figures_csv, ...).
    """

    enabled = Bool(True)

    def preprocess(self, nb, resources):
        """Return ``(nb, resources)`` with hidden cells/outputs removed in place."""
        name = (resources.get("metadata") or {}).get("name", "")
        metadata = resources.get("metadata")
        if isinstance(metadata, dict) and metadata.get("path") == "":
            # `jupyter nbconvert --to briefing_pdf out.ipynb` in the notebook's own folder: nbconvert's
            # writer puts our CSV in `metadata.path`, and '' would make it create a folder named ''.
            metadata["path"] = os.curdir
        meta = read_meta(nb, fallback_title=name)
        figures = read_figures(nb)
        figures_name = ""
        if figures is not None:
            figures_name = figures_file_name(name or "briefing")
            resources.setdefault("outputs", {})[figures_name] = figures_csv(figures).encode("utf-8")
        ledger = read_ledger(nb)  # never shown: written beside the HTML as <name>-ledger.json
        ledger_name = ""
        if ledger is not None:
            ledger_name = ledger_file_name(name or "briefing")
            resources.setdefault("outputs", {})[ledger_name] = ledger_bytes(ledger)
        toc: list[dict[str, str]] = []
        cells = []
        for cell in nb.cells:
            tags = set(cell.get("metadata", {}).get("tags", []))
            if tags & HIDDEN_TAGS:
                continue
            if cell.cell_type == "code":
                kept = []
                for output in cell.get("outputs", []):
                    if output.output_type not in ("display_data", "execute_result"):
                        continue  # stream, error: never for readers
                    data = output.get("data", {})
                    if META_MIMETYPE in data:
                        continue  # rendered as the template's header block
                    if FIGURES_MIMETYPE in data:
                        continue  # written as CSV, whatever other representations it carries
                    if LEDGER_MIMETYPE in data:
                        continue  # written as JSON, for the second read; never for readers
                    if not any(mime in data for mime in READER_MIMETYPES):
                        continue  # e.g. a bare text/plain repr
                    # Notebook-only: the wrapper and scoped <style> Html outputs carry in JupyterLab
                    # (tables.notebook_html). The page inlines the full stylesheet once instead.
                    if "text/html" in data:
                        html = data["text/html"]
                        data["text/html"] = strip_notebook_wrapper("".join(html) if isinstance(html, list) else html)
                    # Sanitised here, in the preprocessor no configuration can switch off.
                    for mime, svg in (("text/html", False), ("image/svg+xml", True)):
                        if mime in data:
                            data[mime] = sanitize_html(data[mime], svg=svg)
                    kept.append(output)
                    html = data.get("text/html")
                    if html:
                        toc.extend(_h2s("".join(html) if isinstance(html, list) else html))
                cell.outputs = kept
            elif cell.cell_type == "markdown":
                # Same renderer nbconvert uses, so ids match the rendered page.
                toc.extend(_h2s(markdown2html_mistune(cell.source)))
            cells.append(cell)
        nb.cells = cells

        header = header_view(meta)
        keywords = [k for k in (meta["marking"], header["as_of_iso"] or meta["as_of"],
                                f"data {meta['data_version']}" if meta["data_version"] else "")
                    if k]
        resources["briefing"] = {
            "meta": meta,
            "toc": toc,
            "css": _css(),
            "keywords": keywords,
            "created": header["created"],
            "as_of_iso": header["as_of_iso"],
            "as_of_display": header["as_of_display"],
            "generated_display": header["generated_display"],
            "run": header["run"],
            "header_html": render_header(meta, quote(figures_name) if figures_name else "",
                                         resources.get("annex_href", "")),
            # The CSV's file name (as written) and its link (URL-quoted, relative to the HTML).
            "figures_csv": figures_name,
            "ledger_json": ledger_name,
            "figures_href": quote(figures_name) if figures_name else "",
            # The build's data annex, beside the briefing folders ('' when rendered by hand).
            "annex_href": resources.get("annex_href", ""),
            "annex_pdf_href": resources.get("annex_pdf_href", ""),
        }
        return nb, resources


def _svg_inline(svg: str | list) -> str:
    """Return SVG markup without XML prolog/doctype, fit to embed in HTML."""
    if isinstance(svg, list):
        svg = "".join(svg)
    return _SVG_PROLOG_RE.sub("", svg, count=1)


# --------------------------------------------------------------------------
# exporters
# --------------------------------------------------------------------------


class NotABriefing(ValueError):
    """The notebook given to briefing_html/briefing_pdf was never executed or is not a briefing."""


def check_executed_briefing(nb: NotebookNode, name: str = "") -> None:
    """Raise :class:`NotABriefing`, saying what is missing, unless ``nb`` is an executed briefing:
    some code cell ran, and one output is the briefing header (the meta bundle)."""
    label = f"{name}: " if name else ""
    code = [c for c in nb.get("cells", []) if c.get("cell_type") == "code" and str(c.get("source", "")).strip()]
    if not code:
        raise NotABriefing(f"{label}not a briefing notebook: it has no code cells. The briefing exporters render "
                           "notebooks/briefing.ipynb after it ran; use --to html for other notebooks")
    if not any(c.get("outputs") or c.get("execution_count") for c in code):
        raise NotABriefing(f"{label}the notebook was never executed: none of its {len(code)} code cells has an output. "
                           "Run it first (`briefings build NAME`, or `papermill notebooks/briefing.ipynb out.ipynb`) "
                           "and export the executed notebook")
    if not any(_meta_from_output(o) is not None for c in code for o in c.get("outputs", [])):
        raise NotABriefing(f"{label}not an executed briefing: no output carries the briefing header "
                           f"({META_MIMETYPE}, displayed by briefing.header() in notebooks/briefing.ipynb), so "
                           "there is no title, as-of date or marking to print; use --to html for other notebooks")


class BriefingHTMLExporter(HTMLExporter):
    """Self-contained reader-facing HTML briefing (``--to briefing_html``).

    ``from_notebook_node`` returns ``(html: str, resources)``.
    """

    export_from_notebook = "Briefing HTML"

    require_briefing = Bool(
        True, help="Refuse a notebook that was never executed or carries no briefing header.").tag(config=True)

    @default("template_name")
    def _template_name_default(self):
        return "briefing"

    @default("extra_template_basedirs")
    def _default_extra_template_basedirs(self):
        # Found from the installed package, not from the current directory.
        return [str(TEMPLATES_DIR)]

    @validate("extra_template_basedirs")
    def _keep_our_templates(self, proposal):
        # A user/site nbconvert config setting this list must not hide ours.
        dirs = list(proposal["value"])
        return dirs if str(TEMPLATES_DIR) in dirs else [*dirs, str(TEMPLATES_DIR)]

    @default("exclude_input")
    def _exclude_input_default(self):
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self):
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self):
        return True

    @property
    def default_config(self):
        c = super().default_config
        c.merge(Config({"NbConvertBase": {"display_data_priority": list(READER_MIMETYPES)}}))
        return c

    def _init_preprocessors(self):
        super()._init_preprocessors()
        # Registered in code, not conf.json, so no config can switch it off.
        self.register_preprocessor(BriefingPreprocessor(parent=self), enabled=True)

    @pass_context
    def markdown2html(self, context, source):
        """Markdown cells and text/markdown outputs, rendered as nbconvert does, then sanitised:
        raw HTML, event attributes and javascript: links in Markdown never reach the page."""
        return sanitize_html(HTMLExporter.markdown2html(self, context, source))

    def default_filters(self):
        yield from super().default_filters()
        yield ("markdown2html", self.markdown2html)
        yield ("svg_inline", _svg_inline)

    def from_notebook_node(self, nb, resources=None, **kw):
        """Return ``(html, resources)``; raises :class:`NotABriefing` for an unexecuted or foreign notebook."""
        if self.require_briefing:
            check_executed_briefing(nb, ((resources or {}).get("metadata") or {}).get("name", ""))
        return super().from_notebook_node(nb, resources=resources, **kw)


class BriefingPDFExporter(Exporter):
    """PDF briefing typeset by Typst (``--to briefing_pdf``); no TeX, no browser, no system library.

    The same preprocessing as the HTML (code-facing outputs dropped, every output sanitised, the
    meta bundle and figures read), then :mod:`briefings.pdf` builds one Typst document from the
    meta bundle, the sections' view-models in notebook order, Markdown cells and other outputs.
    ``from_notebook_node`` returns ``(pdf: bytes, resources)``.
    """

    export_from_notebook = "Briefing PDF"
    output_mimetype = "application/pdf"

    require_briefing = Bool(
        True, help="Refuse a notebook that was never executed or carries no briefing header.").tag(config=True)

    @default("file_extension")
    def _file_extension_default(self):
        return ".pdf"

    def _init_preprocessors(self):
        super()._init_preprocessors()
        self.register_preprocessor(BriefingPreprocessor(parent=self), enabled=True)

    def from_notebook_node(self, nb, resources=None, **kw):
        """Return ``(pdf_bytes, resources)`` for an executed notebook; raises :class:`NotABriefing`
        for an unexecuted or foreign one."""
        if self.require_briefing:
            check_executed_briefing(nb, ((resources or {}).get("metadata") or {}).get("name", ""))
        nb, resources = super().from_notebook_node(nb, resources=resources, **kw)
        resources["output_extension"] = ".pdf"
        return notebook_to_pdf(nb, resources["briefing"]), resources


# --------------------------------------------------------------------------
# PDF step and the one-call API
# --------------------------------------------------------------------------

# nbconvert exporters keep per-call state, so the cached instances are per thread (dask workers
# may render in threads).
_local = threading.local()


def _cached(name: str, factory):
    obj = getattr(_local, name, None)
    if obj is None:
        obj = factory()
        setattr(_local, name, obj)
    return obj


def notebook_to_pdf(nb: NotebookNode, briefing: dict) -> bytes:
    """PDF bytes for a notebook already through :class:`BriefingPreprocessor` (``briefing`` is its
    ``resources["briefing"]``). The PDF's creation date is the briefing's generation time, so the
    same notebook gives the same bytes."""
    from .pdf import compile_pdf, document

    created = briefing.get("created") or ""
    try:
        stamp = dt.datetime.fromisoformat(created.replace("Z", "+00:00")) if "T" in created else None
    except ValueError:
        stamp = None
    return compile_pdf(document(nb, briefing), timestamp=stamp)


def _pdf_exporter() -> "BriefingPDFExporter":
    """Return this thread's cached PDF exporter."""
    return _cached("pdf_exporter", BriefingPDFExporter)


def _html_exporter() -> BriefingHTMLExporter:
    """Return this thread's cached HTML exporter."""
    return _cached("html_exporter", BriefingHTMLExporter)


def render_briefing(
    nb: NotebookNode,
    out_dir: Path,
    stem: str,
    formats: tuple[str, ...] = ("html", "pdf"),
    stages: dict[str, float] | None = None,
    annex: bool = True,
) -> dict[str, Path]:
    """Render ``nb`` to ``<out_dir>/<stem>.html`` and/or ``.pdf``.

    With ``annex`` (as in a build, which writes ``<out>/annex/``), the header links the data
    annex beside the briefing's folder.

    Returns ``{"html": path, "pdf": path}`` for the formats asked for, and
    ``"csv"``: ``<stem>-figures.csv`` when the notebook has a figures output, and ``"ledger"``:
    ``<stem>-ledger.json`` when it has a claim ledger.
    The HTML is built once; the PDF is typeset from the same notebook by the
    PDF exporter. ``stages``, when given, gets the seconds spent under "html"
    (export), "pdf" (the Typst document and its layout) and "write" (writing the files).
    """
    unknown = set(formats) - {"html", "pdf"}
    if unknown:
        raise ValueError(f"unknown briefing format(s) {sorted(unknown)}; use 'html' and/or 'pdf'")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stages = {} if stages is None else stages
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stages[name] = stages.get(name, 0.0) + now - clock
        clock = now

    from .annex import HREF_FROM_BRIEFING, PDF_HREF_FROM_BRIEFING

    links = {"annex_href": HREF_FROM_BRIEFING, "annex_pdf_href": PDF_HREF_FROM_BRIEFING} if annex else {}
    html, resources = _html_exporter().from_notebook_node(nb, resources={"metadata": {"name": stem}, **links})
    lap("html")
    figures_name = resources["briefing"]["figures_csv"]
    written: dict[str, Path] = {}
    if "html" in formats:
        path = out_dir / f"{stem}.html"
        path.write_text(html, encoding="utf-8")
        written["html"] = path
        lap("write")
    if "pdf" in formats:
        path = out_dir / f"{stem}.pdf"
        pdf, _ = _pdf_exporter().from_notebook_node(nb, resources={"metadata": {"name": stem}, **links})
        lap("pdf")
        path.write_bytes(pdf)
        written["pdf"] = path
    if figures_name:
        path = out_dir / figures_name
        path.write_bytes(resources["outputs"][figures_name])
        written["csv"] = path
        lap("write")
    ledger_name = resources["briefing"].get("ledger_json")
    if ledger_name:
        path = out_dir / ledger_name
        path.write_bytes(resources["outputs"][ledger_name])
        written["ledger"] = path
        lap("write")
    return written
