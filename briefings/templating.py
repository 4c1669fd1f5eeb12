"""The one Jinja2 environment: every section template, and the index page, render through it.

Autoescaping is on for every template, so text from the data is escaped wherever it lands;
markup we build ourselves (a chart's figure, a citation link) arrives as :class:`Html`, which
Jinja2 treats as safe through its ``__html__`` method.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2

from .tables import Html, _cell, text


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The shared environment, loading from ``briefings/templates`` (parsed templates are cached)."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("briefings", "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    # Text from the data: escaped, and isolated in <bdi> when it holds right-to-left or bidi
    # control characters so it cannot reorder the words around it (see briefings.tables).
    env.filters["text"] = lambda value: Html(text(value))
    # A table cell: as 'text', with break points in over-long unbroken runs.
    env.filters["cell"] = _cell
    return env


def render(template: str, **view) -> Html:
    """The template rendered with the view-model ``view``, as trusted HTML."""
    return Html(environment().get_template(template).render(**view))
