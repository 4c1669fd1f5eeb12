"""One module per briefing section: ``show(briefing)`` builds a plain view-model (dicts, lists,
text, and :class:`~briefings.tables.Html` only for our own links and charts) and renders it with
the section's template, ``templates/sections/<module>.html.j2``.

To add a section: a module here with ``view()`` and ``show()``, its template, one method on
:class:`briefings.briefing.Briefing`, and one cell in ``notebooks/briefing.ipynb``.
"""

from . import (appendix, costs, figures, header, headcounts, judgements, law, origins, pay,  # noqa: F401
               sources, summary, timeline)
