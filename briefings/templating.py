"""The one Jinja2 environment for the pages this package writes itself (the index, and section
templates): loader rooted at ``briefings/templates``, autoescaping on.

Autoescaping is on for ``.j2``, ``.html``, ``.htm`` and ``.xml`` templates and for templates made
from strings, so a value from reports.yml, the data or a notebook is escaped unless a template
marks it safe on purpose (``|safe``, or a :class:`markupsafe.Markup` passed in, as
:class:`briefings.tables.Html` fragments may be after escaping their own data).

The briefing document itself is rendered by nbconvert's own environment
(``templates/briefing/index.html.j2``, which escapes with ``|e``); this environment is not used there.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The shared environment (made once per process; Jinja2 environments are safe to share
    between threads once configured)."""
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(enabled_extensions=("j2", "html", "htm", "xml"), default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **context) -> str:
    """Render ``template`` (a path under ``briefings/templates``) with ``context``."""
    return environment().get_template(template).render(**context)
