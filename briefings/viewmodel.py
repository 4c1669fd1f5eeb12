"""A section's view-model, carried in the notebook beside its HTML, for the PDF.

Each section (:mod:`briefings.sections`) builds a plain view-model and renders it with its HTML
template. :class:`Section` is that rendering *and* the view-model: in a notebook it displays as
HTML, and its output also carries ``application/vnd.briefing.section+json`` =
``{"section": name, "view": {...}}``, the same view-model as JSON. The PDF exporter
(:mod:`briefings.pdf`) renders that view-model with the section's Typst template, so the HTML and
the PDF are made from one set of values.

Two kinds of value in a view-model are not plain JSON, and are written as one-key objects:

* ``{"$html": markup}``: our own markup (a ``[3]`` reference link, a row link, a data value isolated
  in ``<bdi>``): :class:`~briefings.tables.Html`;
* ``{"$chart": {"title", "svg", "alt", "note"}}``: a :class:`~briefings.charts.Chart`.

Everything else becomes JSON as it is: numpy and pandas scalars as numbers, dates as ISO text,
tuples as lists.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from .tables import Html

SECTION_MIMETYPE = "application/vnd.briefing.section+json"
HTML_KEY = "$html"
CHART_KEY = "$chart"


def to_json(value: Any) -> Any:
    """``value`` (a view-model or any part of it) as JSON-ready data, as described above."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Html):
        return {HTML_KEY: value.markup}
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    chart = getattr(value, "svg", None)
    if isinstance(chart, str) and hasattr(value, "alt"):  # briefings.charts.Chart, without importing matplotlib
        return {CHART_KEY: {"title": value.title, "svg": value.svg, "alt": value.alt, "note": value.note}}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    item = getattr(value, "item", None)  # numpy / pandas scalars
    if callable(item):
        return to_json(item())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True, eq=False)  # compared and hashed as Html, by its markup (a dict cannot be hashed)
class Section(Html):
    """A section as shown: its HTML (``markup``), and its ``name`` and ``view`` (None when the
    section does not apply to this briefing) for the PDF."""

    name: str = ""
    view: dict | None = None

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self._repr_html_(),
                SECTION_MIMETYPE: {"section": self.name, "view": to_json(self.view)},
                "text/plain": f"{self.name} section"}
