"""The one Jinja2 environment: every section template and the index page render through it.

Loader rooted at ``briefings/templates``; autoescaping on for ``.j2``, ``.html``, ``.htm`` and
``.xml`` templates and for templates made from strings, so text from reports.yml, the data or a
notebook is escaped wherever it lands. Markup we build ourselves (a chart's figure, a citation
link) arrives as :class:`~briefings.tables.Html`, which Jinja2 inserts as it is through its
``__html__`` method.

The briefing document itself is assembled by nbconvert's own environment
(``templates/briefing/index.html.j2``, which escapes with ``|e``) from the sections' outputs.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .tables import Html, _cell, text

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The shared environment (made once per process; parsed templates are cached in it)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(enabled_extensions=("j2", "html", "htm", "xml"), default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # Text from the data: escaped, and isolated in <bdi> when it holds right-to-left or bidi
    # control characters so it cannot reorder the words around it (see briefings.tables).
    env.filters["text"] = lambda value: Html(text(value))
    # A table cell: as 'text', with break points in over-long unbroken runs.
    env.filters["cell"] = _cell
    return env


def render(template: str, **view) -> Html:
    """``template`` (a path under ``briefings/templates``) rendered with the view-model ``view``."""
    return Html(environment().get_template(template).render(**view))
